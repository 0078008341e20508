#!/usr/bin/env python3
"""Fails its first call and succeeds after: the first call leaves the marker file named by its
argument. (all-operations.py redrives an execution that failed on it.)"""
import json
import os
import sys

marker = sys.argv[1]
json.load(sys.stdin)
if not os.path.exists(marker):
    open(marker, "w").close()
    print(json.dumps({"errorType": "Flaky", "errorMessage": "the first call fails"}))
    sys.exit(1)
print(json.dumps({"ok": True}))
