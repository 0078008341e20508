#!/usr/bin/env python3
"""Local stand-ins for the Lambda functions the recorded conformance cases call.

Usage: lambda_functions.py KIND  (the event arrives as JSON on stdin; the result goes to stdout)

Each KIND does what the corresponding function in the corpus does (see the corpus README and each
case's `lambda_functions`); a raised error is printed the way the Lambda runtime reports it,
`{"errorMessage", "errorType", "requestId", "stackTrace"}`, with a non-zero exit.
"""
import json
import sys
import time
import uuid


def fail(error_type, message, frame_line):
    report = {
        "errorMessage": message,
        "errorType": error_type,
        "requestId": str(uuid.uuid4()),
        "stackTrace": [f'  File "/var/task/handler.py", line {frame_line[0]}, in handler\n    {frame_line[1]}\n'],
    }
    print(json.dumps(report))
    sys.exit(1)


def reply(value):
    # The Python runtime returns json.dumps(result) as the body, without a trailing newline.
    sys.stdout.write(json.dumps(value))


def main():
    kind = sys.argv[1] if len(sys.argv) > 1 else "id"
    raw = sys.stdin.read()
    event = json.loads(raw) if raw.strip() else None
    if kind == "id":
        reply(event)
    elif kind == "echo":
        reply({"Return": "HelloWorld"})
    elif kind == "return_bytes_str":
        # The function returns the bytes of a JSON string literal.
        sys.stdout.write('"HelloWorld!"')
    elif kind == "large_output_string":
        reply("a" * (257 * 1024))
    elif kind == "wait_60_seconds":
        time.sleep(60)
        reply(event)
    elif kind == "raise_exception":
        fail("Exception", "Some exception was raised.", (2, 'raise Exception("Some exception was raised.")'))
    elif kind == "raise_custom_exception":
        report = {"errorMessage": "", "errorType": "CustomException", "requestId": str(uuid.uuid4()),
                  "stackTrace": ['  File "/var/task/handler.py", line 9, in handler\n    raise CustomException()\n']}
        print(json.dumps(report))
        sys.exit(1)
    else:
        print(json.dumps({"errorType": "UnknownStandIn", "errorMessage": f"no stand-in named {kind}"}))
        sys.exit(1)


if __name__ == "__main__":
    main()
