#!/usr/bin/env python3
"""Cluster test for `sfn serve --store postgres://...`, for CI.

    python3 Tests/Cluster/cluster-test.py --sfn .build/release/sfn \
        --admin-url postgres://sfn:sfn@127.0.0.1:5432/postgres [--per-machine 300]

Creates two databases. On the first, one node runs one execution of each machine: the
single-node reference. On the second, three nodes share the database: a client starts
PER_MACHINE executions of each machine (Waits, retries, task programs, task-token callbacks,
activities with heartbeats, task timeouts, Parallel and Map, a Distributed Map), each request
going to a node at random, and answers callbacks and works activities through any node. During
the run one node is killed with SIGKILL, another is stopped (SIGTERM) and started again under its
name, and the third is paused (SIGSTOP) for twice its lease, so that it is taken over, and resumed.
Then it checks that every execution finished once, with the output it would have had and a history
of the same shape as the single-node run's (the same events, ids 1..N), that all nodes tell the
same, and that ListExecutions lists each once. Exit 1 on any difference.
"""
import argparse
import collections
import importlib.util
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("crash", os.path.join(HERE, "..", "Crash", "crash-test.py"))
crash = importlib.util.module_from_spec(spec)
spec.loader.exec_module(crash)

ROLE = crash.ROLE
WORK = crash.WORK
ACTIVITY = crash.ACTIVITY

MACHINES = dict(crash.MACHINES)
MACHINES["distributed"] = {"StartAt": "Each", "States": {
    "Each": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.each", "Next": "Done",
             "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                               "StartAt": "Item", "States": {"Item": crash.task({"n.$": "$", "sleep": 0.1}, End=True)}}},
    "Done": {"Type": "Pass", "Parameters": {"each.$": "$.each[*].n"}, "End": True}}}


def expected(machine, n):
    if machine == "distributed":
        return {"each": [2 * n, 2 * n + 2, 2 * n + 4]}
    return crash.expected(machine, n)


def psql(admin_url, sql):
    subprocess.run(["psql", admin_url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True)


def database_url(admin_url, name):
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


class Node:
    def __init__(self, sfn, store, name, port, config, root):
        self.command = [sfn, "serve", "--port", str(port), "--store", store, "--node-id", name, "--config", config,
                        "--lease-seconds", "3"]
        self.name = name
        self.port = port
        self.process = None
        self.up = False
        self.log = open(os.path.join(root, f"{name}.log"), "ab")

    def start(self):
        self.process = subprocess.Popen(self.command, stdout=self.log, stderr=self.log, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                crash.call(self.port, "ListStateMachines", {}, retry=False)
                self.up = True
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit(f"node {self.name} did not start")

    def kill(self):
        self.up = False
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def pause(self):
        self.up = False
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.process.pid, signal.SIGCONT)
        self.up = True

    def stop(self):
        # The server only, as `kill PID` would: its task programs are its to stop.
        self.up = False
        os.kill(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=60)


class Cluster:
    """Calls go to a node chosen at random among those up (another one if it fails)."""

    def __init__(self, nodes):
        self.nodes = nodes

    def call(self, operation, body, timeout=70):
        deadline = time.time() + 180
        while True:
            live = [node for node in self.nodes if node.up] or self.nodes
            node = random.choice(live)
            try:
                status, answer = crash.call(node.port, operation, body, retry=False, timeout=timeout)
                if status >= 500 and time.time() < deadline:
                    time.sleep(0.1)
                    continue
                return status, answer
            except (OSError, Exception) as error:
                if time.time() > deadline:
                    raise SystemExit(f"{operation}: no node answered: {error}")
                time.sleep(0.1)

    def events(self, arn, port=None):
        found, token = [], None
        while True:
            body = {"executionArn": arn, "maxResults": 1000}
            if token:
                body["nextToken"] = token
            if port is None:
                status, page = self.call("GetExecutionHistory", body)
            else:
                status, page = crash.call(port, "GetExecutionHistory", body)
            if status != 200:
                raise SystemExit(f"GetExecutionHistory {arn}: {status} {page}")
            found += page["events"]
            token = page.get("nextToken")
            if not token:
                return found


def helpers(cluster, stop, callbacks, answered):
    """Answers callbacks (n -> 3n) and works activities (n -> 5n), each call to any node."""
    def answer_callbacks():
        while not stop.is_set():
            for arn in list(callbacks):
                if arn in answered:
                    continue
                try:
                    scheduled = [e for e in cluster.events(arn) if e["type"] == "TaskScheduled"]
                except SystemExit:
                    continue
                if not scheduled:
                    continue
                parameters = json.loads(scheduled[0]["taskScheduledEventDetails"]["parameters"])
                status, reply = cluster.call("SendTaskSuccess", {"taskToken": parameters["token"],
                                                                 "output": json.dumps({"n": 3 * parameters["n"]})})
                if status == 200 or reply.get("__type") in ("TaskTimedOut",):
                    answered.add(arn)
            time.sleep(0.2)

    def work_activities(node):
        while not stop.is_set():
            if not node.up:
                time.sleep(0.2)
                continue
            # A poll lasts up to 60 s, and a task handed to a poll whose client gave up is lost
            # (as on AWS, which asks workers for a socket timeout of at least 65 s).
            try:
                status, work = crash.call(node.port, "GetActivityTask", {"activityArn": ACTIVITY, "workerName": "cluster"},
                                          retry=False, timeout=70)
            except Exception:
                time.sleep(0.2)
                continue
            if status != 200 or not work.get("taskToken"):
                continue
            n = json.loads(work["input"])["n"]
            time.sleep(random.uniform(0, 0.3))
            cluster.call("SendTaskHeartbeat", {"taskToken": work["taskToken"]})
            cluster.call("SendTaskSuccess", {"taskToken": work["taskToken"], "output": json.dumps({"n": 5 * n})})

    threads = [threading.Thread(target=answer_callbacks, daemon=True)]
    threads += [threading.Thread(target=work_activities, args=(node,), daemon=True) for node in cluster.nodes for _ in range(2)]
    for thread in threads:
        thread.start()


def wait_all(cluster, arns, seconds):
    deadline = time.time() + seconds
    pending = list(arns)
    while pending and time.time() < deadline:
        pending = [arn for arn in pending
                   if cluster.call("DescribeExecution", {"executionArn": arn})[1].get("status") == "RUNNING"]
        if pending:
            time.sleep(0.5)
    return pending


def create_machines(cluster):
    cluster.call("CreateActivity", {"name": "crash-worker"})
    arns = {}
    for name, definition in MACHINES.items():
        status, created = cluster.call("CreateStateMachine", {"name": name, "definition": json.dumps(definition), "roleArn": ROLE})
        if status != 200:
            raise SystemExit(f"CreateStateMachine {name}: {created}")
        arns[name] = created["stateMachineArn"]
    return arns


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sfn", required=True)
    parser.add_argument("--admin-url", required=True, help="a database URL whose user may create databases")
    parser.add_argument("--per-machine", type=int, default=300)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    arguments = parser.parse_args()
    random.seed(arguments.seed)
    total = arguments.per_machine * len(MACHINES)
    print(f"cluster test: seed {arguments.seed}, {total} executions on 3 nodes")

    root = tempfile.mkdtemp(prefix="sfn-cluster-")
    config = os.path.join(root, "executors.json")
    with open(config, "w") as file:
        json.dump({"resources": {WORK: {"command": [sys.executable, os.path.join(HERE, "..", "Crash", "work.py")]}}}, file)
    suffix = f"{os.getpid()}_{int(time.time())}"
    single_db, cluster_db = f"sfn_single_{suffix}", f"sfn_cluster_{suffix}"
    psql(arguments.admin_url, f"CREATE DATABASE {single_db}")
    psql(arguments.admin_url, f"CREATE DATABASE {cluster_db}")
    nodes = []
    failures = []
    try:
        # The single-node reference: one execution of each machine, alone on its database.
        single = Node(arguments.sfn, database_url(arguments.admin_url, single_db), "single", crash.free_port(), config, root)
        single.start()
        nodes.append(single)
        one = Cluster([single])
        arns = create_machines(one)
        stop = threading.Event()
        callbacks, answered = set(), set()
        helpers(one, stop, callbacks, answered)
        references = {}
        for name, arn in arns.items():
            started = one.call("StartExecution", {"stateMachineArn": arn, "name": "reference",
                                                  "input": json.dumps({"n": 1000, "items": [1000, 1001, 1002]})})[1]
            if name == "callback":
                callbacks.add(started["executionArn"])
            references[name] = started["executionArn"]
        if wait_all(one, references.values(), 120):
            raise SystemExit("the single-node reference executions did not finish")
        for name, arn in references.items():
            described = one.call("DescribeExecution", {"executionArn": arn})[1]
            if described["status"] != "SUCCEEDED" or json.loads(described["output"]) != expected(name, 1000):
                raise SystemExit(f"single-node {name}: {described}")
            references[name] = crash.shape(one.events(arn))
        stop.set()
        single.stop()
        nodes.remove(single)

        # The cluster.
        store = database_url(arguments.admin_url, cluster_db)
        nodes = [Node(arguments.sfn, store, f"node{i + 1}", crash.free_port(), config, root) for i in range(3)]
        for node in nodes:
            node.start()
        cluster = Cluster(nodes)
        arns = create_machines(cluster)
        stop = threading.Event()
        callbacks, answered = set(), set()
        helpers(cluster, stop, callbacks, answered)
        executions = []
        started_at = time.time()

        order = [(name, i) for name in MACHINES for i in range(arguments.per_machine)]
        random.shuffle(order)
        order_lock = threading.Lock()

        def start_all():
            while True:
                with order_lock:
                    if not order:
                        return
                    name, i = order.pop()
                n = i + 1
                status, started = cluster.call("StartExecution", {
                    "stateMachineArn": arns[name], "name": f"e{i}", "input": json.dumps({"n": n, "items": [n, n + 1, n + 2]})})
                if status == 400 and started.get("__type") == "ExecutionAlreadyExists":
                    # A retry of a start whose answer was lost (its node paused or died after
                    # writing it): the execution is there, once.
                    started = {"executionArn": arns[name].replace(":stateMachine:", ":execution:") + f":e{i}"}
                elif status != 200:
                    failures.append(f"StartExecution {name} e{i}: {status} {started}")
                    continue
                executions.append((name, n, started["executionArn"]))
                if name == "callback":
                    callbacks.add(started["executionArn"])

        # Clients start executions side by side, as a busy team's would.
        starters = [threading.Thread(target=start_all, daemon=True) for _ in range(8)]
        for starter in starters:
            starter.start()
        time.sleep(random.uniform(2, 4))
        nodes[1].kill()
        print(f"  {time.time() - started_at:.1f} s: node2 killed (SIGKILL) with {len(executions)} executions started")
        time.sleep(random.uniform(1, 3))
        nodes[2].stop()
        print(f"  {time.time() - started_at:.1f} s: node3 stopped (SIGTERM) with {len(executions)} executions started")
        time.sleep(random.uniform(1, 3))
        nodes[2].start()
        print(f"  {time.time() - started_at:.1f} s: node3 started again")
        # A node that stops answering for longer than its lease (SIGSTOP: a long pause, a cut
        # network) is taken over; when it comes back it finds itself fenced and joins again.
        time.sleep(random.uniform(1, 2))
        nodes[0].pause()
        print(f"  {time.time() - started_at:.1f} s: node1 paused (SIGSTOP) with {len(executions)} executions started")
        time.sleep(6)
        nodes[0].resume()
        print(f"  {time.time() - started_at:.1f} s: node1 resumed (SIGCONT); node3 took over "
              f"{health(nodes[2].port)['ownedExecutions']} executions so far")
        for starter in starters:
            starter.join(timeout=600)
        print(f"  {time.time() - started_at:.1f} s: {len(executions)} executions started")
        pending = wait_all(cluster, [arn for _, _, arn in executions], 300)
        print(f"  {time.time() - started_at:.1f} s: all finished" if not pending else f"  {len(pending)} still running")
        stop.set()
        for arn in pending:
            failures.append(f"{arn} still RUNNING")

        live = [node for node in nodes if node.up]
        for name, n, arn in executions:
            status, described = cluster.call("DescribeExecution", {"executionArn": arn})
            if described.get("status") != "SUCCEEDED":
                failures.append(f"{arn}: {described.get('status')} {described.get('error')} {described.get('cause')}")
                continue
            output = json.loads(described["output"])
            if output != expected(name, n):
                failures.append(f"{arn}: output {output}, expected {expected(name, n)}")
            histories = [cluster.events(arn, port=node.port) for node in live]
            history = histories[0]
            if any(other != history for other in histories[1:]):
                first = next(i for i in range(max(map(len, histories)))
                             if len({json.dumps(h[i], sort_keys=True) if i < len(h) else "" for h in histories}) > 1)
                told = "; ".join(f"{node.name}: {len(h)} events, #{first + 1}: {json.dumps(h[first]) if first < len(h) else None}"
                                 for node, h in zip(live, histories))
                failures.append(f"{arn}: the nodes tell different histories ({told})")
            ids = [event["id"] for event in history]
            if ids != list(range(1, len(ids) + 1)):
                failures.append(f"{arn}: event ids are not 1..{len(ids)}")
            got = crash.shape(history)
            if got != references[name]:
                failures.append(f"{arn}: history differs from the single-node run: missing {dict(references[name] - got)}, "
                                f"extra {dict(got - references[name])}")
        listed = []
        for arn in arns.values():
            token = None
            while True:
                body = {"stateMachineArn": arn, "maxResults": 100}
                if token:
                    body["nextToken"] = token
                page = crash.call(live[0].port, "ListExecutions", body)[1]
                listed += [e["executionArn"] for e in page["executions"]]
                token = page.get("nextToken")
                if not token:
                    break
        duplicates = [arn for arn, count in collections.Counter(listed).items() if count > 1]
        if duplicates:
            failures.append(f"executions listed twice: {duplicates[:5]}")
        if len(listed) != len(executions):
            failures.append(f"ListExecutions shows {len(listed)} executions, expected {len(executions)}")
        for node in live:
            print(f"  {node.name}: {json.dumps(crash.call(node.port, 'ListStateMachines', {})[0] and health(node.port))}")
        print(f"  {len(executions)} executions checked, {len(failures)} problems")
    finally:
        for node in nodes:
            try:
                node.kill()
            except Exception:
                pass
    for failure in failures[:40]:
        print("FAIL", failure)
    if failures:
        print(f"see the node logs in {root}")
        sys.exit(1)
    for name in (single_db, cluster_db):
        psql(arguments.admin_url, f"DROP DATABASE {name}")
    shutil.rmtree(root, ignore_errors=True)
    print("cluster test passed")


def health(port):
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/health")
    return json.loads(connection.getresponse().read())


if __name__ == "__main__":
    main()
