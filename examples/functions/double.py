#!/usr/bin/env python3
"""Doubles {"value": n}. Run by sfn's ProcessExecutor: the event arrives on stdin as JSON and
the result is printed as JSON on stdout. A failure prints Lambda's error document and exits 1."""
import json
import sys


def handler(event):
    value = event.get("value") if isinstance(event, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"value must be a number, got {json.dumps(value)}")
    return {"value": value * 2}


if __name__ == "__main__":
    try:
        print(json.dumps(handler(json.load(sys.stdin))))
    except Exception as error:
        print(json.dumps({"errorMessage": str(error), "errorType": type(error).__name__}))
        sys.exit(1)
