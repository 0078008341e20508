"""Runs a Python Lambda handler as an sfn task program: `python -m sfn_local.handler MODULE.FUNCTION`
(or `path/to/file.py:function`) reads the event as JSON on stdin, calls the handler with it and a
small context, and writes its return value as JSON on stdout. An exception becomes Lambda's error
document (`errorType` the exception's class, `errorMessage` its text), which sfn reports as the
task's error, as AWS does."""

import importlib
import importlib.util
import json
import os
import sys
import traceback
import uuid


class Context:
    """The parts of Lambda's context object handlers commonly read."""

    def __init__(self, name):
        self.function_name = name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:111111111111:function:{name}"
        self.memory_limit_in_mb = 128
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "sfn-local"

    def get_remaining_time_in_millis(self):
        return 300_000


def load(target):
    """The handler function that TARGET (`package.module.function` or `file.py:function`) names."""
    if ":" in target:
        path, function = target.rsplit(":", 1)
        spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
        if spec is None or spec.loader is None:
            raise SystemExit(f"sfn_local.handler: cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
        spec.loader.exec_module(module)
    else:
        module_name, function = target.rsplit(".", 1)
        sys.path.insert(0, os.getcwd())
        module = importlib.import_module(module_name)
    return getattr(module, function)


def main(argv):
    if len(argv) != 2:
        print("usage: python -m sfn_local.handler MODULE.FUNCTION | FILE.py:FUNCTION", file=sys.stderr)
        return 2
    handler = load(argv[1])
    event = json.loads(sys.stdin.read() or "null")
    name = argv[1].rsplit(".", 1)[-1].rsplit(":", 1)[-1]
    try:
        result = handler(event, Context(name))
    except Exception as error:  # the handler's failure is the task's
        document = {
            "errorType": type(error).__name__,
            "errorMessage": str(error),
            "stackTrace": traceback.format_tb(error.__traceback__),
        }
        print(json.dumps(document))
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
