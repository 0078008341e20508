#!/usr/bin/env python3
"""Runs the corpus cases that need Lambda functions, serving each function with its local stand-in.

Usage: python3 Tests/Conformance/lambda-cases.py --sfn .build/release/sfn [--show N]

For every case under ../shared/conformance/localstack/lambda, each entry of `lambda_functions` is
routed (by function name, through an executor configuration file) to `lambda_functions.py KIND`, KIND
being the stand-in for the function's code file. The case then runs through
`sfn run DEF --input IN --result json --virtual-time --config CONFIG` and is judged exactly as
score.py judges the other cases.
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "conformance")

# The code file each recorded function runs -> the stand-in doing the same.
STAND_INS = {
    "id_function.py": "id",
    "echo_function.py": "echo",
    "return_bytes_str.py": "return_bytes_str",
    "large_output_string.py": "large_output_string",
    "wait_60_seconds.py": "wait_60_seconds",
    "raise_exception.py": "raise_exception",
    "raise_custom_exception.py": "raise_custom_exception",
}


def load_score():
    spec = importlib.util.spec_from_file_location("score", os.path.join(SHARED, "score.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sfn", required=True)
    parser.add_argument("--show", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--min-pass", type=float, default=0.0, help="exit 1 below this pass rate (0..1)")
    args = parser.parse_args()
    score = load_score()
    cases = score.load_cases(os.path.join(SHARED, "localstack"), "lambda")
    handler = os.path.join(HERE, "lambda_functions.py")
    passed, failures, unsupported = 0, [], 0
    with tempfile.TemporaryDirectory() as work:
        for case in cases:
            functions = {}
            for function in case.get("lambda_functions", []):
                kind = STAND_INS.get(os.path.basename(function["code"]["path"]))
                if kind is None:
                    break
                functions[function["function_name"]] = {"command": [sys.executable, handler, kind]}
            else:
                folder = tempfile.mkdtemp(dir=work)
                paths = {name: os.path.join(folder, name) for name in ("definition.json", "input.json", "config.json")}
                with open(paths["definition.json"], "w") as f:
                    json.dump(case["definition"], f)
                with open(paths["input.json"], "w") as f:
                    json.dump(case.get("input"), f)
                with open(paths["config.json"], "w") as f:
                    json.dump({"functions": functions}, f)
                command = [args.sfn, "run", paths["definition.json"], "--result", "json", "--virtual-time",
                           "--config", paths["config.json"]]
                if not case.get("input_omitted"):
                    command += ["--input", paths["input.json"]]
                try:
                    process = subprocess.run(command, capture_output=True, timeout=args.timeout)
                    result = json.loads(process.stdout.decode("utf-8"))
                except (subprocess.TimeoutExpired, ValueError):
                    result = {"status": "NO_RESULT"}
                ok, _, _, reason = score.judge(case, result)
                if ok:
                    passed += 1
                else:
                    failures.append((case["_file"], reason))
                continue
            unsupported += 1
            failures.append((case["_file"], "no stand-in for its function"))
    for name, reason in failures[: args.show]:
        print(f"FAIL {name}: {reason}")
    total = len(cases)
    print(f"pass {passed}/{total} ({100.0 * passed / max(total, 1):.1f}%)" + (f", {unsupported} without a stand-in" if unsupported else ""))
    return 0 if passed >= args.min_pass * total else 1


if __name__ == "__main__":
    sys.exit(main())
