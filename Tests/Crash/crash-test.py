#!/usr/bin/env python3
"""Crash test for `sfn serve --data-dir`, for CI.

    python3 Tests/Crash/crash-test.py --sfn .build/release/sfn [--per-machine 40] [--kills 3]

Starts a durable server, creates state machines that wait in every way a Standard execution
can (Wait states, retry back-offs, task programs mid-run, task-token callbacks, activities with
heartbeats, task timeouts, Parallel and Map), starts PER_MACHINE executions of each, and kills
the server with SIGKILL at random moments KILLS times, restarting it on the same folder each
time, while a client answers callbacks and works activities through the outages. It then
checks that every execution finished once, with the output it would have had, and with a
history that has the events a crash-free run of the same machine has (none lost, none twice,
ids contiguous). Exit 1 on any difference.
"""
import argparse
import collections
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROLE = "arn:aws:iam::111111111111:role/crash"
WORK = "arn:aws:lambda:us-east-1:111111111111:function:work"
ACTIVITY = "arn:aws:states:us-east-1:111111111111:activity:crash-worker"
CALLBACK = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"


def task(parameters, **fields):
    state = {"Type": "Task", "Resource": WORK, "Parameters": parameters}
    state.update(fields)
    return state


MACHINES = {
    "waits": {"StartAt": "Begin", "States": {
        "Begin": {"Type": "Pass", "Next": "Pause"},
        "Pause": {"Type": "Wait", "Seconds": 2, "Next": "Work"},
        "Work": task({"n.$": "$.n", "sleep": 0.2}, ResultPath="$.work", Next="Rest"),
        "Rest": {"Type": "Wait", "Seconds": 1, "Next": "Done"},
        "Done": {"Type": "Pass", "Parameters": {"n.$": "$.work.n"}, "End": True}}},
    "retries": {"StartAt": "Work", "States": {
        "Work": task({"n.$": "$.n", "flaky": True, "attempt.$": "$$.State.RetryCount", "sleep": 0.1},
                     Retry=[{"ErrorEquals": ["Flaky"], "IntervalSeconds": 2, "MaxAttempts": 2}], End=True)}},
    "callback": {"StartAt": "Ask", "States": {
        "Ask": {"Type": "Task", "Resource": CALLBACK, "Parameters": {"token.$": "$$.Task.Token", "n.$": "$.n"},
                "ResultPath": "$.answer", "Next": "Done"},
        "Done": {"Type": "Pass", "Parameters": {"n.$": "$.answer.n"}, "End": True}}},
    "activity": {"StartAt": "Work", "States": {
        "Work": {"Type": "Task", "Resource": ACTIVITY, "HeartbeatSeconds": 60, "End": True}}},
    "timeout": {"StartAt": "Ask", "States": {
        "Ask": {"Type": "Task", "Resource": CALLBACK, "TimeoutSeconds": 4, "Parameters": {"token.$": "$$.Task.Token"},
                "Catch": [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.error", "Next": "TimedOut"}], "End": True},
        "TimedOut": {"Type": "Pass", "Parameters": {"n.$": "$.n", "timedOut": True}, "End": True}}},
    "fanout": {"StartAt": "Both", "States": {
        "Both": {"Type": "Parallel", "ResultPath": "$.both", "Next": "Each", "Branches": [
            {"StartAt": "A", "States": {"A": task({"n.$": "$.n", "sleep": 0.3}, End=True)}},
            {"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 1, "Next": "B"},
                                           "B": task({"n.$": "$.n"}, End=True)}}]},
        "Each": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.each", "Next": "Done",
                 "ItemProcessor": {"StartAt": "Item", "States": {"Item": task({"n.$": "$", "sleep": 0.1}, End=True)}}},
        "Done": {"Type": "Pass", "Parameters": {"a.$": "$.both[0].n", "b.$": "$.both[1].n", "each.$": "$.each[*].n"}, "End": True}}},
}


def expected(machine, n):
    return {
        "waits": {"n": 2 * n}, "retries": {"n": 2 * n}, "callback": {"n": 3 * n}, "activity": {"n": 5 * n},
        "timeout": {"n": n, "timedOut": True}, "fanout": {"a": 2 * n, "b": 2 * n, "each": [2 * n, 2 * n + 2, 2 * n + 4]},
    }[machine]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, sfn, folder, port, config):
        self.command = [sfn, "serve", "--port", str(port), "--data-dir", folder, "--config", config]
        self.port = port
        self.process = None
        self.log = open(os.path.join(os.path.dirname(folder), "server.log"), "ab")

    def start(self):
        self.process = subprocess.Popen(self.command, stdout=self.log, stderr=self.log, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                call(self.port, "ListStateMachines", {}, retry=False)
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("the server did not start")

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def call(port, operation, body, retry=True, timeout=70):
    """One API call; while the server is down (being restarted), tries again."""
    deadline = time.time() + 120
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            connection.request("POST", "/", body=json.dumps(body), headers={
                "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AWSStepFunctions." + operation})
            response = connection.getresponse()
            data = response.read()
            answer = json.loads(data) if data else {}
            if response.status >= 500 and retry and time.time() < deadline:
                time.sleep(0.1)
                continue
            return response.status, answer
        except (OSError, http.client.HTTPException):
            if not retry or time.time() > deadline:
                raise
            time.sleep(0.1)
        finally:
            connection.close()


def events(port, arn):
    found, token = [], None
    while True:
        body = {"executionArn": arn, "maxResults": 1000}
        if token:
            body["nextToken"] = token
        status, page = call(port, "GetExecutionHistory", body)
        if status != 200:
            raise SystemExit(f"GetExecutionHistory {arn}: {status} {page}")
        found += page["events"]
        token = page.get("nextToken")
        if not token:
            return found


def shape(history):
    """What a history holds, ignoring ids, times and values: (type, state name) counts."""
    counted = collections.Counter()
    for event in history:
        name = ""
        for key, value in event.items():
            if key.endswith("EventDetails") and isinstance(value, dict):
                name = str(value.get("name", "")) + ("#" + str(value["index"]) if "index" in value else "")
        counted[(event["type"], name)] += 1
    return counted


def helper(port, stop, callbacks, answered):
    """Answers callbacks (n -> 3n) and works activities (n -> 5n) through the outages."""
    def answer_callbacks():
        while not stop.is_set():
            for arn in list(callbacks):
                if arn in answered:
                    continue
                try:
                    scheduled = [e for e in events(port, arn) if e["type"] == "TaskScheduled"]
                except SystemExit:
                    continue
                if not scheduled:
                    continue
                parameters = json.loads(scheduled[0]["taskScheduledEventDetails"]["parameters"])
                status, reply = call(port, "SendTaskSuccess", {"taskToken": parameters["token"],
                                                               "output": json.dumps({"n": 3 * parameters["n"]})})
                if status == 200 or reply.get("__type") in ("TaskTimedOut", "TaskDoesNotExist"):
                    answered.add(arn)
            time.sleep(0.2)

    def work_activities():
        while not stop.is_set():
            status, work = call(port, "GetActivityTask", {"activityArn": ACTIVITY, "workerName": "crash"}, timeout=5)
            if status != 200 or not work.get("taskToken"):
                continue
            n = json.loads(work["input"])["n"]
            time.sleep(random.uniform(0, 0.3))
            call(port, "SendTaskHeartbeat", {"taskToken": work["taskToken"]})
            call(port, "SendTaskSuccess", {"taskToken": work["taskToken"], "output": json.dumps({"n": 5 * n})})

    threads = [threading.Thread(target=answer_callbacks, daemon=True)] + [
        threading.Thread(target=work_activities, daemon=True) for _ in range(4)]
    for thread in threads:
        thread.start()
    return threads


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sfn", required=True)
    parser.add_argument("--per-machine", type=int, default=40)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    arguments = parser.parse_args()
    random.seed(arguments.seed)
    print(f"crash test: seed {arguments.seed}, {arguments.per_machine} executions per machine, {arguments.kills} kills")

    root = tempfile.mkdtemp(prefix="sfn-crash-")
    config = os.path.join(root, "executors.json")
    with open(config, "w") as file:
        json.dump({"resources": {WORK: {"command": [sys.executable, os.path.join(HERE, "work.py")]}}}, file)
    folder = os.path.join(root, "data")
    port = free_port()
    server = Server(arguments.sfn, folder, port, config)
    server.start()
    failures = []
    try:
        call(port, "CreateActivity", {"name": "crash-worker"})
        arns = {}
        for name, definition in MACHINES.items():
            status, created = call(port, "CreateStateMachine", {"name": name, "definition": json.dumps(definition), "roleArn": ROLE})
            if status != 200:
                raise SystemExit(f"CreateStateMachine {name}: {created}")
            arns[name] = created["stateMachineArn"]

        # Crash-free references: one execution of each machine, run to its end first.
        stop = threading.Event()
        callbacks, answered = set(), set()
        helper(port, stop, callbacks, answered)
        references = {}
        for name, arn in arns.items():
            status, started = call(port, "StartExecution", {"stateMachineArn": arn, "name": "reference",
                                                            "input": json.dumps({"n": 1000, "items": [1000, 1001, 1002]})})
            if name == "callback":
                callbacks.add(started["executionArn"])
            references[name] = started["executionArn"]
        for name, arn in references.items():
            while call(port, "DescribeExecution", {"executionArn": arn})[1]["status"] == "RUNNING":
                time.sleep(0.2)
            references[name] = shape(events(port, arn))

        executions = []
        starter_done = threading.Event()

        def start_all():
            order = [(name, i) for name in MACHINES for i in range(arguments.per_machine)]
            random.shuffle(order)
            for name, i in order:
                n = i + 1
                status, started = call(port, "StartExecution", {
                    "stateMachineArn": arns[name], "name": f"e{i}",
                    "input": json.dumps({"n": n, "items": [n, n + 1, n + 2]})})
                if status != 200:
                    failures.append(f"StartExecution {name} e{i}: {status} {started}")
                    continue
                executions.append((name, n, started["executionArn"]))
                if name == "callback":
                    callbacks.add(started["executionArn"])
            starter_done.set()

        starter = threading.Thread(target=start_all, daemon=True)
        starter.start()
        for kill in range(arguments.kills):
            time.sleep(random.uniform(0.5, 3.0))
            server.kill()
            print(f"  kill {kill + 1}: SIGKILL with {len(executions)} executions started")
            server.start()
        starter.join(timeout=300)

        deadline = time.time() + 240
        pending = list(executions)
        while pending and time.time() < deadline:
            still = []
            for entry in pending:
                status, described = call(port, "DescribeExecution", {"executionArn": entry[2]})
                if described.get("status") == "RUNNING":
                    still.append(entry)
            pending = still
            if pending:
                time.sleep(0.5)
        stop.set()
        for name, n, arn in pending:
            failures.append(f"{arn} still RUNNING")

        names = collections.Counter()
        for name, n, arn in executions:
            names[arn] += 1
            status, described = call(port, "DescribeExecution", {"executionArn": arn})
            if described.get("status") != "SUCCEEDED":
                failures.append(f"{arn}: {described.get('status')} {described.get('error')} {described.get('cause')}")
                continue
            output = json.loads(described["output"])
            if output != expected(name, n):
                failures.append(f"{arn}: output {output}, expected {expected(name, n)}")
            history = events(port, arn)
            ids = [event["id"] for event in history]
            if ids != list(range(1, len(ids) + 1)):
                failures.append(f"{arn}: event ids are not 1..{len(ids)}")
            got = shape(history)
            if got != references[name]:
                missing = references[name] - got
                extra = got - references[name]
                failures.append(f"{arn}: history differs from a crash-free run: missing {dict(missing)}, extra {dict(extra)}")
        listed = []
        for name, arn in arns.items():
            token = None
            while True:
                body = {"stateMachineArn": arn, "maxResults": 100}
                if token:
                    body["nextToken"] = token
                page = call(port, "ListExecutions", body)[1]
                listed += [e["executionArn"] for e in page["executions"]]
                token = page.get("nextToken")
                if not token:
                    break
        duplicates = [arn for arn, count in collections.Counter(listed).items() if count > 1]
        if duplicates:
            failures.append(f"executions listed twice: {duplicates[:5]}")
        if len(listed) != len(executions) + len(arns):
            failures.append(f"ListExecutions shows {len(listed)} executions, expected {len(executions) + len(arns)}")
        print(f"  {len(executions)} executions checked, {len(failures)} problems")
    finally:
        try:
            server.kill()
        except Exception:
            pass
    for failure in failures[:40]:
        print("FAIL", failure)
    if failures:
        print(f"see {root}/server.log")
        sys.exit(1)
    shutil.rmtree(root, ignore_errors=True)
    print("crash test passed")


if __name__ == "__main__":
    main()
