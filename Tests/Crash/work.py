#!/usr/bin/env python3
"""A task program for the crash test: {"n": N, "attempt": RETRY_COUNT, "flaky": BOOL, "sleep": SECONDS}
-> {"n": 2N}. A flaky task fails its first attempt (whichever server process runs it)."""
import json
import sys
import time

event = json.load(sys.stdin)
time.sleep(float(event.get("sleep", 0)))
if event.get("flaky") and event.get("attempt", 0) == 0:
    print(json.dumps({"errorType": "Flaky", "errorMessage": "first attempt fails"}))
    sys.exit(1)
print(json.dumps({"n": event["n"] * 2}))
