#!/usr/bin/env python3
"""A bounded soak of `sfn serve` under hostile load, for CI.

    python3 Tests/Soak/server-soak.py --sfn .build/release/sfn [--seconds 30] [--max-p99 1.0]

Starts the server, then for SECONDS keeps up at once:
  - slow clients: connections that send a request head a byte at a time, and idle connections;
  - oversized bodies (past the server's limit) and malformed ones (broken JSON, wrong types,
    unknown operations, binary garbage);
  - runaway executions: Distributed Maps of pure computation whose children never hit an event cap;
  - a well-behaved client issuing DescribeStateMachine, StartExecution and DescribeExecution in a
    loop, whose latencies are measured.
It fails (exit 1) when the well-behaved client's 99th percentile latency passes --max-p99 seconds,
when any of its requests fails, when the server dies, or when StopExecution cannot end the runaways.
"""
import argparse
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import http.client

RUNAWAY = {
    "StartAt": "M",
    "States": {
        "M": {
            "Type": "Map", "MaxConcurrency": 1, "ItemsPath": "$.items", "ResultPath": None,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "Count",
                "States": {
                    "Count": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
                    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThan": 3000, "Next": "Count"}],
                              "Default": "Done"},
                    "Done": {"Type": "Succeed"},
                },
            },
            "End": True,
        }
    },
}
QUICK = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"ok": True}, "End": True}}}


def call(port, operation, body, timeout=10.0):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", "/", body=json.dumps(body), headers={
            "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AWSStepFunctions." + operation})
        response = connection.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else {}
    finally:
        connection.close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def slow_client(port, stop):
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
                for byte in b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n":
                    if stop.is_set():
                        return
                    connection.sendall(bytes([byte]))
                    time.sleep(0.5)
        except OSError:
            time.sleep(0.2)


def idle_client(port, stop):
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
                connection.settimeout(60)
                connection.recv(1)  # the server closes idle connections
        except OSError:
            time.sleep(0.2)


def hostile_bodies(port, stop, failures):
    rng = random.Random(7)
    bodies = [
        b"{" * 100000, b"\x00\xff" * 1000, b'{"name": 1}', b"[]", b'{"definition": "{\\"StartAt\\": 5}"}',
        b"x" * (2 * 1024 * 1024), json.dumps({"stateMachineArn": "arn:aws:states:us-east-1:1:stateMachine:nope"}).encode(),
    ]
    operations = ["CreateStateMachine", "StartExecution", "DescribeExecution", "NoSuchThing", "ListExecutions", "SendTaskSuccess"]
    while not stop.is_set():
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("POST", "/", body=rng.choice(bodies), headers={
                "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AWSStepFunctions." + rng.choice(operations)})
            response = connection.getresponse()
            response.read()
            if response.status >= 500:
                failures.append(f"hostile body answered {response.status}")
            connection.close()
        except (OSError, http.client.HTTPException):
            pass  # refusing or dropping a hostile request is fine


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sfn", required=True)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-p99", type=float, default=1.0)
    args = parser.parse_args()

    port = free_port()
    server = subprocess.Popen([args.sfn, "serve", "--port", str(port)], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    for _ in range(100):
        try:
            call(port, "ListStateMachines", {})
            break
        except OSError:
            time.sleep(0.1)
    else:
        sys.exit("the server did not start")

    failures = []
    try:
        role = "arn:aws:iam::111111111111:role/soak"
        runaway = call(port, "CreateStateMachine", {"name": "runaway", "definition": json.dumps(RUNAWAY), "roleArn": role})[1]
        quick = call(port, "CreateStateMachine", {"name": "quick", "definition": json.dumps(QUICK), "roleArn": role})[1]
        items = {"items": [{"i": 0}] * 2000}
        runaways = [call(port, "StartExecution", {"stateMachineArn": runaway["stateMachineArn"], "input": json.dumps(items)})[1]
                    ["executionArn"] for _ in range(4)]

        stop = threading.Event()
        threads = [threading.Thread(target=slow_client, args=(port, stop)) for _ in range(40)]
        threads += [threading.Thread(target=idle_client, args=(port, stop)) for _ in range(40)]
        threads += [threading.Thread(target=hostile_bodies, args=(port, stop, failures)) for _ in range(4)]
        for thread in threads:
            thread.daemon = True
            thread.start()

        latencies = []
        ended = time.time() + args.seconds
        while time.time() < ended:
            for operation, body in [
                ("DescribeStateMachine", {"stateMachineArn": quick["stateMachineArn"]}),
                ("StartExecution", {"stateMachineArn": quick["stateMachineArn"], "input": "{}"}),
            ]:
                started = time.time()
                try:
                    status, answer = call(port, operation, body)
                except OSError as error:
                    failures.append(f"{operation}: {error}")
                    continue
                latencies.append(time.time() - started)
                if status != 200:
                    failures.append(f"{operation} answered {status}: {answer}")
                elif operation == "StartExecution":
                    call(port, "DescribeExecution", {"executionArn": answer["executionArn"]})
            if server.poll() is not None:
                failures.append("the server died")
                break
            time.sleep(0.05)
        stop.set()

        for arn in runaways:
            started = time.time()
            call(port, "StopExecution", {"executionArn": arn}, timeout=20)
            status = call(port, "DescribeExecution", {"executionArn": arn})[1].get("status")
            if status != "ABORTED":
                failures.append(f"runaway {arn} is {status} after StopExecution")
            latencies.append(time.time() - started)

        latencies.sort()
        p50 = latencies[len(latencies) // 2] if latencies else 0
        p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else 0
        print(f"soak: {len(latencies)} well-behaved requests in {args.seconds:.0f} s under 40 slow, 40 idle and 4 hostile "
              f"clients and 4 runaway executions: p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")
        if p99 > args.max_p99:
            failures.append(f"p99 latency {p99:.2f} s is over {args.max_p99} s")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            failures.append("the server did not exit within 20 s of SIGTERM")
            server.kill()
    if failures:
        print("\n".join(sorted(set(failures))[:20]))
        sys.exit(1)


if __name__ == "__main__":
    main()
