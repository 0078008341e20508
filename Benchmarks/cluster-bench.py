#!/usr/bin/env python3
"""Throughput of `sfn serve --store postgres://` with 1, 2 and 3 nodes on one database, and the
time a node takes to take over the executions of a node killed with SIGKILL.

    python3 Benchmarks/cluster-bench.py --sfn .build/release/sfn \
        --admin-url postgres://sfn:sfn@127.0.0.1:5432/postgres [--executions 2000] [--clients 16]

Each round starts EXECUTIONS executions of a 10-state Pass chain from CLIENTS client threads, each
request to a node at random, and waits for all to end: executions/s and state transitions/s from
the first start to the last end (and, to compare, one server on SQLite, `--data-dir`). Then, on two nodes, it starts executions that wait 30 s on one
node, kills that node, and times until the other owns them all (its /health) and until the first
has ended its Wait. Every round uses a fresh database. On a 2-core machine the nodes share the
cores with PostgreSQL and the clients, so more nodes show the cluster's overhead, not a speed-up.
"""
import argparse
import http.client
import importlib.util
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("cluster", os.path.join(HERE, "..", "Tests", "Cluster", "cluster-test.py"))
cluster = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cluster)
crash = cluster.crash

STATES = 10
CHAIN = {"StartAt": "S0", "States": {
    **{f"S{i}": {"Type": "Pass", "Result": {"step": i}, "ResultPath": "$.last", "Next": f"S{i + 1}"} for i in range(STATES - 1)},
    f"S{STATES - 1}": {"Type": "Pass", "End": True}}}
WAIT = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 30, "Next": "Done"}, "Done": {"Type": "Succeed"}}}


def health(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/health")
    return json.loads(connection.getresponse().read())


def fresh(admin, tag):
    name = f"sfn_bench_{tag}_{os.getpid()}_{int(time.time() * 1000) % 100000}"
    cluster.psql(admin, f"CREATE DATABASE {name}")
    return name, cluster.database_url(admin, name)


def throughput(arguments, count, root, config):
    """`count` nodes on PostgreSQL, or (count 0) one server on SQLite (`--data-dir`) to compare."""
    name, url = fresh(arguments.admin_url, f"n{count}")
    nodes = [cluster.Node(arguments.sfn, url, f"node{i + 1}", crash.free_port(), config, root) for i in range(max(count, 1))]
    if count == 0:
        folder = tempfile.mkdtemp(prefix="sqlite-", dir=root)
        nodes[0].command = [arguments.sfn, "serve", "--port", str(nodes[0].port), "--data-dir", folder, "--config", config]
    try:
        for node in nodes:
            node.start()
        client = cluster.Cluster(nodes)
        status, created = client.call("CreateStateMachine", {"name": "chain", "definition": json.dumps(CHAIN), "roleArn": crash.ROLE})
        machine = created["stateMachineArn"]
        arns = []
        left = [arguments.executions]
        guard = threading.Lock()

        def start():
            while True:
                with guard:
                    if left[0] == 0:
                        return
                    left[0] -= 1
                status, started = client.call("StartExecution", {"stateMachineArn": machine, "input": '{"n": 1}'})
                if status != 200:
                    raise SystemExit(f"StartExecution: {started}")
                with guard:
                    arns.append(started["executionArn"])

        began = time.time()
        threads = [threading.Thread(target=start) for _ in range(arguments.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        started = time.time()
        pending = cluster.wait_all(client, arns, 600)
        ended = time.time()
        if pending:
            raise SystemExit(f"{len(pending)} executions did not end")
        seconds = ended - began
        return {"nodes": count if count else "1 (SQLite, --data-dir)", "executions": len(arns), "seconds": round(seconds, 2),
                "starts_per_s": round(len(arns) / (started - began), 1),
                "executions_per_s": round(len(arns) / seconds, 1), "transitions_per_s": round(len(arns) * STATES / seconds, 1)}
    finally:
        for node in nodes:
            try:
                node.kill()
            except Exception:
                pass
        cluster.psql(arguments.admin_url, f"DROP DATABASE {name}")


def takeover(arguments, root, config, lease):
    name, url = fresh(arguments.admin_url, "takeover")
    nodes = [cluster.Node(arguments.sfn, url, f"node{i + 1}", crash.free_port(), config, root) for i in range(2)]
    for node in nodes:
        node.command[node.command.index("--lease-seconds") + 1] = str(lease)
    try:
        for node in nodes:
            node.start()
        victim, taker = nodes
        status, created = crash.call(victim.port, "CreateStateMachine", {"name": "wait", "definition": json.dumps(WAIT), "roleArn": crash.ROLE})
        arns = [crash.call(victim.port, "StartExecution", {"stateMachineArn": created["stateMachineArn"]})[1]["executionArn"]
                for _ in range(arguments.waiting)]
        time.sleep(1.5)
        killed = time.time()
        victim.kill()
        while health(taker.port)["ownedExecutions"] < len(arns):
            time.sleep(0.02)
        owned = time.time() - killed
        return {"lease_seconds": lease, "executions": len(arns), "takeover_seconds": round(owned, 2)}
    finally:
        for node in nodes:
            try:
                node.kill()
            except Exception:
                pass
        cluster.psql(arguments.admin_url, f"DROP DATABASE {name}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sfn", required=True)
    parser.add_argument("--admin-url", required=True)
    parser.add_argument("--executions", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--waiting", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1)
    arguments = parser.parse_args()
    root = tempfile.mkdtemp(prefix="sfn-cluster-bench-")
    config = os.path.join(root, "executors.json")
    with open(config, "w") as file:
        json.dump({"resources": {}}, file)
    results = []
    for _ in range(arguments.rounds):
        for count in (0, 1, 2, 3):
            result = throughput(arguments, count, root, config)
            print(json.dumps(result), flush=True)
            results.append(result)
    for lease in (3, 10):
        print(json.dumps(takeover(arguments, root, config, lease)), flush=True)
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
