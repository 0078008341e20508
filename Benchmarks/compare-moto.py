#!/usr/bin/env python3
"""Runs the benchmark workflows on moto's ASL engine and on sfn, and prints sfn/moto per workload.

Usage: python3 Benchmarks/compare-moto.py [--sfn-bench .build/release/sfn-bench] [--quick]

moto is about a thousand times slower, so it runs smaller instances of the same workflow files
(fewer repetitions, fewer Map items, a shorter loop) and both sides are compared as rates
(transitions or items per second), measured in the same run on the same machine.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORKFLOWS = os.path.join(HERE, "workflows")


def load(name, suffix):
    path = os.path.join(WORKFLOWS, name + suffix)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def moto_rate(client, name, definition, execution_input, units, runs):
    """Units of work per second over `runs` executions on moto."""
    arn = client.create_state_machine(
        name=name, definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/bench"
    )["stateMachineArn"]
    started = time.perf_counter()
    for _ in range(runs):
        execution = client.start_execution(stateMachineArn=arn, input=json.dumps(execution_input))["executionArn"]
        while True:
            status = client.describe_execution(executionArn=execution)
            if status["status"] != "RUNNING":
                break
            time.sleep(0.005)
        if status["status"] != "SUCCEEDED":
            raise RuntimeError(f"{name} on moto ended {status['status']}: {status.get('error')} {status.get('cause')}")
    elapsed = time.perf_counter() - started
    return units * runs / elapsed


def moto_distributed(items):
    """Items per second through distributed-items.asl.json on moto, over a JSON array in moto's S3."""
    import boto3
    definition = load("distributed-items", ".asl.json")
    reader = definition["States"]["Fan"]["ItemReader"]
    reader["ReaderConfig"]["InputType"] = "JSON"
    reader["Parameters"]["Key"] = "items.json"
    s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="bench", aws_secret_access_key="bench")
    s3.create_bucket(Bucket="bench-items")
    s3.create_bucket(Bucket="bench-results")
    body = json.dumps([{"id": i, "price": i % 1000, "tax": 7, "sku": f"SKU-{i}"} for i in range(items)])
    s3.put_object(Bucket="bench-items", Key="items.json", Body=body)
    client = boto3.client("stepfunctions", region_name="us-east-1", aws_access_key_id="bench", aws_secret_access_key="bench")
    return moto_rate(client, "distributed-items", definition, {}, items, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sfn-bench", default=os.path.join(HERE, "..", ".build", "release", "sfn-bench"))
    parser.add_argument("--quick", action="store_true", help="smaller moto instances")
    args = parser.parse_args()

    try:
        import boto3
        from moto import mock_aws
    except ImportError:
        print("compare-moto: needs `pip install moto boto3`", file=sys.stderr)
        return 2

    scale = 0.5 if args.quick else 1.0
    loop_limit = int(200 * scale)
    map_items = int(200 * scale)
    # workload -> (definition, input, units of work per execution, executions, unit)
    plans = {
        "pass-chain": (load("pass-chain", ".asl.json"), load("pass-chain", ".input.json"), 1000, 1, "transitions/s"),
        "choice-loop": (load("choice-loop", ".asl.json"), {"count": 0, "limit": loop_limit}, 2 * loop_limit, 1, "transitions/s"),
        "map-fanout": (load("map-fanout", ".asl.json"), {"items": list(range(map_items))}, map_items, 1, "items/s"),
        "parallel-wide": (load("parallel-wide", ".asl.json"), load("parallel-wide", ".input.json"), 501, 1, "transitions/s"),
        "templates": (load("templates", ".asl.json"), load("templates", ".input.json"), 100, 1, "states/s"),
    }

    moto = {}
    for name, (definition, execution_input, units, runs, unit) in plans.items():
        # A fresh moto backend per workload: moto deep-copies its state between executions.
        with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
            client = boto3.client("stepfunctions", region_name="us-east-1",
                                  aws_access_key_id="bench", aws_secret_access_key="bench")
            moto[name] = moto_rate(client, name, definition, execution_input, units, runs)
            print(f"moto {name}: {moto[name]:.1f} {unit}", file=sys.stderr)

    # A Distributed Map reading its items from S3 and writing a ResultWriter file: moto reads
    # no JSON Lines, so both sides read one JSON array (moto from its own S3).
    dm_items = int(200 * scale)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        moto["distributed-items"] = moto_distributed(dm_items)
        print(f"moto distributed-items: {moto['distributed-items']:.1f} items/s", file=sys.stderr)
    plans["distributed-items"] = (None, None, dm_items, 1, "items/s")

    output = subprocess.run([args.sfn_bench, "--json"] + [n for n in plans if n != "distributed-items"],
                            capture_output=True, text=True, check=True)
    sfn = {m["name"]: m for m in json.loads(output.stdout)}
    environment = dict(os.environ, SFN_BENCH_FORMAT="json", SFN_BENCH_ITEMS=str(100_000))
    output = subprocess.run([args.sfn_bench, "--json", "distributed-items"], capture_output=True, text=True, check=True,
                            env=environment)
    sfn.update({m["name"]: m for m in json.loads(output.stdout)})
    # sfn-bench reports templates as evaluations/s of the template alone; its states/s is in the detail.
    print(f"{'workload':<16} {'moto':>14} {'sfn':>16}  {'sfn/moto':>10}")
    for name, (_, _, _, _, unit) in plans.items():
        sfn_rate = sfn[name]["rate"]
        if name == "templates":
            detail = sfn[name]["detail"]
            marker = "in states: "
            if marker in detail:
                text = detail.split(marker, 1)[1].split(" ", 1)[0]
                factor = 1_000_000 if text.endswith("M") else 1000 if text.endswith("k") else 1
                sfn_rate = float(text.rstrip("Mk")) * factor
        print(f"{name:<16} {moto[name]:>10.1f} {unit.split('/')[0][:3]}/s {sfn_rate:>12.0f} /s  {sfn_rate / moto[name]:>9.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
