#!/usr/bin/env python3
"""Drives all 37 operations of the AWS Step Functions API against a running `sfn serve`, twice:
through boto3 and through the AWS CLI, and checks every answer against AWS's own service model
(the one botocore ships): each response must have the members the model requires, no member it
does not know, and values of the types, enums and ranges it gives; each error must be one the
model lists for the operation.

    SFN_ENDPOINT=http://127.0.0.1:PORT python3 Tests/API/all-operations.py

The server must route `arn:aws:lambda:us-east-1:111111111111:function:flaky` to a function
that fails its first call and succeeds after (the Swift test that runs this script does).
Prints "ok boto3 37", "ok cli 37" and exits 0 when everything matched.
"""
import gzip
import json
import os
import subprocess
import sys
import time

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["SFN_ENDPOINT"]
ROLE = "arn:aws:iam::111111111111:role/api"
MODEL = json.load(gzip.open(os.path.join(os.path.dirname(botocore.__file__), "data/stepfunctions/2016-11-23/service-2.json.gz")))
SHAPES = MODEL["shapes"]
OPERATIONS = MODEL["operations"]
COMMON_ERRORS = {"ValidationException", "SerializationException", "UnknownOperationException"}
problems = []


def check(shape_name, value, where, timestamps_as_text=False):
    shape = SHAPES[shape_name]
    kind = shape["type"]
    if kind == "structure":
        if not isinstance(value, dict):
            return problems.append(f"{where}: expected an object, got {value!r:.80}")
        for member in shape.get("required", []):
            if member not in value:
                problems.append(f"{where}: required member '{member}' is missing")
        for key, item in value.items():
            if key not in shape["members"]:
                problems.append(f"{where}: member '{key}' is not in AWS's model")
            else:
                check(shape["members"][key]["shape"], item, f"{where}.{key}", timestamps_as_text)
    elif kind == "list":
        if not isinstance(value, list):
            return problems.append(f"{where}: expected a list, got {value!r:.80}")
        if "min" in shape and len(value) < shape["min"] or "max" in shape and len(value) > shape["max"]:
            problems.append(f"{where}: {len(value)} items, outside {shape.get('min')}..{shape.get('max')}")
        for index, item in enumerate(value):
            check(shape["member"]["shape"], item, f"{where}[{index}]", timestamps_as_text)
    elif kind == "map":
        if not isinstance(value, dict):
            problems.append(f"{where}: expected a map, got {value!r:.80}")
    elif kind == "string":
        if not isinstance(value, str):
            return problems.append(f"{where}: expected a string, got {value!r:.80}")
        if "enum" in shape and value not in shape["enum"]:
            problems.append(f"{where}: '{value}' is not one of {shape['enum']}")
        if "min" in shape and len(value) < shape["min"] or "max" in shape and len(value) > shape["max"]:
            problems.append(f"{where}: length {len(value)} outside {shape.get('min')}..{shape.get('max')}")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            return problems.append(f"{where}: expected an integer, got {value!r:.80}")
        if "min" in shape and value < shape["min"] or "max" in shape and value > shape["max"]:
            problems.append(f"{where}: {value} outside {shape.get('min')}..{shape.get('max')}")
    elif kind in ("float", "double"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problems.append(f"{where}: expected a number, got {value!r:.80}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{where}: expected a boolean, got {value!r:.80}")
    elif kind == "timestamp":
        if timestamps_as_text:
            # The CLI prints dates as it got them (v1) or as ISO text (v2).
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                problems.append(f"{where}: expected a date, got {value!r:.80}")
        elif not isinstance(value, (int, float)) or isinstance(value, bool):
            problems.append(f"{where}: expected epoch seconds, got {value!r:.80}")


# MARK: boto3

called = set()


def raw_response(response_dict, operation_model, **_):
    # Every answer, as sent, before botocore drops what it does not know.
    name = operation_model.name
    called.add(name)
    body = json.loads(response_dict["body"] or b"{}")
    if response_dict["status_code"] == 200:
        if operation_model.output_shape is not None:
            check(operation_model.output_shape.name, body, name)
        elif body != {}:
            problems.append(f"{name}: expected an empty answer, got {body}")
    else:
        error = body.get("__type", "").split("#")[-1]
        declared = {e["shape"] for e in OPERATIONS[name].get("errors", [])} | COMMON_ERRORS
        if error not in declared:
            problems.append(f"{name}: error '{error}' is not one AWS lists for it ({sorted(declared)})")
        if not isinstance(body.get("message"), str):
            problems.append(f"{name}: error without a message: {body}")


client = boto3.client(
    "stepfunctions", endpoint_url=ENDPOINT, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test",
    config=Config(inject_host_prefix=False, retries={"max_attempts": 1}))
client.meta.events.register("before-parse.sfn.*", raw_response)


def expect_error(code, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except ClientError as error:
        got = error.response["Error"]["Code"]
        if got != code:
            problems.append(f"{call.__name__ if hasattr(call, '__name__') else call}: expected {code}, got {got}: {error}")
        return
    problems.append(f"expected {code}, but the call succeeded")


def wait_closed(arn, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        described = client.describe_execution(executionArn=arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.05)
    raise SystemExit(f"{arn} did not end")


def machine(name, definition, **extra):
    return client.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE, **extra)


def history(arn):
    return client.get_execution_history(executionArn=arn, maxResults=1000)["events"]


PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"v": 1}, "End": True}}}
PASS2 = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"v": 2}, "End": True}}}


def boto3_scenario():
    activity = client.create_activity(name="api-worker", tags=[{"key": "team", "value": "a"}])["activityArn"]
    client.describe_activity(activityArn=activity)
    client.list_activities()

    created = machine("api-main", PASS, publish=True, versionDescription="first", tags=[{"key": "env", "value": "test"}])
    main, v1 = created["stateMachineArn"], created["stateMachineVersionArn"]
    assert v1 == main + ":1", v1
    described = client.describe_state_machine(stateMachineArn=v1)
    assert described["description"] == "first" and json.loads(described["definition"]) == PASS, described
    client.list_state_machines()
    updated = client.update_state_machine(stateMachineArn=main, definition=json.dumps(PASS2), publish=True, versionDescription="second")
    v2 = updated["stateMachineVersionArn"]
    assert v2 == main + ":2", v2
    again = client.publish_state_machine_version(stateMachineArn=main, revisionId=updated["revisionId"])
    assert again["stateMachineVersionArn"] == v2, again
    expect_error("ConflictException", client.publish_state_machine_version, stateMachineArn=main, revisionId="not-the-current-one")
    versions = [v["stateMachineVersionArn"] for v in client.list_state_machine_versions(stateMachineArn=main)["stateMachineVersions"]]
    assert versions == [v2, v1], versions

    alias = client.create_state_machine_alias(name="live", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}])[
        "stateMachineAliasArn"]
    assert client.describe_state_machine_alias(stateMachineAliasArn=alias)["routingConfiguration"][0]["weight"] == 100
    client.list_state_machine_aliases(stateMachineArn=main)
    client.update_state_machine_alias(
        stateMachineAliasArn=alias,
        routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 50}, {"stateMachineVersionArn": v2, "weight": 50}])
    expect_error("ValidationException", client.create_state_machine_alias, name="bad",
                 routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 60}, {"stateMachineVersionArn": v2, "weight": 60}])
    seen = set()
    for i in range(30):
        arn = client.start_execution(stateMachineArn=alias, name=f"through-alias-{i}")["executionArn"]
        done = wait_closed(arn)
        assert done["stateMachineAliasArn"] == alias, done
        seen.add((done["stateMachineVersionArn"], json.loads(done["output"])["v"]))
    assert seen == {(v1, 1), (v2, 2)}, seen
    through_version = client.start_execution(stateMachineArn=v1)["executionArn"]
    assert json.loads(wait_closed(through_version)["output"]) == {"v": 1}
    assert json.loads(client.describe_state_machine_for_execution(executionArn=through_version)["definition"]) == PASS
    listed = client.list_executions(stateMachineArn=v1)["executions"]
    assert all(e.get("stateMachineVersionArn") == v1 for e in listed) and listed, listed

    client.tag_resource(resourceArn=main, tags=[{"key": "owner", "value": "me"}])
    tags = client.list_tags_for_resource(resourceArn=main)["tags"]
    assert {t["key"] for t in tags} == {"env", "owner"}, tags
    client.untag_resource(resourceArn=main, tagKeys=["env"])
    assert [t["key"] for t in client.list_tags_for_resource(resourceArn=main)["tags"]] == ["owner"]
    expect_error("ResourceNotFound", client.list_tags_for_resource, resourceArn=main + "-missing")

    assert client.validate_state_machine_definition(definition=json.dumps(PASS))["result"] == "OK"
    assert client.validate_state_machine_definition(definition='{"StartAt": "X", "States": {}}')["result"] == "FAIL"

    callback = machine("api-callback", {"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"token.$": "$$.Task.Token"}, "End": True}}})["stateMachineArn"]
    for outcome in ("success", "failure"):
        arn = client.start_execution(stateMachineArn=callback)["executionArn"]
        token = None
        for _ in range(200):
            scheduled = [e for e in history(arn) if e["type"] == "TaskScheduled"]
            if scheduled:
                token = json.loads(scheduled[0]["taskScheduledEventDetails"]["parameters"])["token"]
                break
            time.sleep(0.02)
        client.send_task_heartbeat(taskToken=token)
        if outcome == "success":
            client.send_task_success(taskToken=token, output='{"answer": 42}')
            assert json.loads(wait_closed(arn)["output"]) == {"answer": 42}
        else:
            client.send_task_failure(taskToken=token, error="Nope", cause="said no")
            assert wait_closed(arn)["error"] == "Nope"
    expect_error("TaskTimedOut", client.send_task_success, taskToken=token, output="{}")

    worker = machine("api-activity", {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": activity, "End": True}}})[
        "stateMachineArn"]
    arn = client.start_execution(stateMachineArn=worker, input='{"job": 7}')["executionArn"]
    task = client.get_activity_task(activityArn=activity, workerName="api-test")
    assert json.loads(task["input"]) == {"job": 7}, task
    client.send_task_success(taskToken=task["taskToken"], output='{"done": 7}')
    assert json.loads(wait_closed(arn)["output"]) == {"done": 7}

    fan = machine("api-map", {"StartAt": "M", "States": {"M": {
        "Type": "Map", "ItemsPath": "$.items", "Label": "fan", "MaxConcurrency": 2,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, "End": True}}})["stateMachineArn"]
    arn = client.start_execution(stateMachineArn=fan, input='{"items": [1, 2, 3]}')["executionArn"]
    wait_closed(arn)
    runs = client.list_map_runs(executionArn=arn)["mapRuns"]
    assert len(runs) == 1, runs
    run = client.describe_map_run(mapRunArn=runs[0]["mapRunArn"])
    assert run["status"] == "SUCCEEDED" and run["itemCounts"]["succeeded"] == 3, run
    client.update_map_run(mapRunArn=runs[0]["mapRunArn"], maxConcurrency=5)
    assert client.describe_map_run(mapRunArn=runs[0]["mapRunArn"])["maxConcurrency"] == 5
    children = client.list_executions(mapRunArn=runs[0]["mapRunArn"])["executions"]
    assert len(children) == 3 and all(c["status"] == "SUCCEEDED" and c["mapRunArn"] == runs[0]["mapRunArn"] for c in children), children
    child = client.describe_execution(executionArn=children[0]["executionArn"])
    assert child["stateMachineArn"].endswith(":stateMachine:api-map/fan") and json.loads(child["input"]) in (1, 2, 3), child
    # A child execution has a history of its own: its states, from ExecutionStarted to its end.
    child_events = history(children[0]["executionArn"])
    types = [e["type"] for e in child_events]
    assert types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded" and len(types) > 2, types
    assert json.loads(child_events[0]["executionStartedEventDetails"]["input"]) == json.loads(child["input"]), child_events[0]
    expect_error("ResourceNotFound", client.describe_map_run, mapRunArn=runs[0]["mapRunArn"][:-3] + "abc")

    express = machine("api-express", PASS, type="EXPRESS")["stateMachineArn"]
    synced = client.start_sync_execution(stateMachineArn=express, input="{}")
    assert synced["status"] == "SUCCEEDED" and json.loads(synced["output"]) == {"v": 1}, synced
    expect_error("StateMachineTypeNotSupported", client.start_sync_execution, stateMachineArn=main)

    waiting = machine("api-wait", {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": True}}})["stateMachineArn"]
    arn = client.start_execution(stateMachineArn=waiting)["executionArn"]
    client.stop_execution(executionArn=arn, error="Operator", cause="enough")
    assert client.describe_execution(executionArn=arn)["status"] == "ABORTED"
    assert client.list_executions(stateMachineArn=waiting, statusFilter="ABORTED")["executions"][0]["executionArn"] == arn

    tested = client.test_state(
        definition=json.dumps({"Type": "Pass", "InputPath": "$.a", "Parameters": {"b.$": "$.x"}, "Next": "After"}),
        input='{"a": {"x": 5}}', inspectionLevel="DEBUG")
    assert tested["status"] == "SUCCEEDED" and tested["nextState"] == "After", tested
    assert json.loads(tested["inspectionData"]["afterInputPath"]) == {"x": 5}, tested

    flaky = machine("api-redrive", {"StartAt": "Before", "States": {
        "Before": {"Type": "Pass", "Next": "Work"},
        "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:111111111111:function:flaky", "End": True}}})["stateMachineArn"]
    arn = client.start_execution(stateMachineArn=flaky)["executionArn"]
    failed = wait_closed(arn)
    assert failed["status"] == "FAILED" and failed["redriveStatus"] == "REDRIVABLE", failed
    client.redrive_execution(executionArn=arn, clientToken="once")
    client.redrive_execution(executionArn=arn, clientToken="once")
    redriven = wait_closed(arn)
    assert redriven["status"] == "SUCCEEDED" and redriven["redriveCount"] == 1, redriven
    types = [e["type"] for e in history(arn)]
    assert types.count("ExecutionRedriven") == 1 and types.count("PassStateEntered") == 1, types
    assert client.list_executions(stateMachineArn=flaky, redriveFilter="REDRIVEN")["executions"][0]["executionArn"] == arn
    expect_error("ExecutionNotRedrivable", client.redrive_execution, executionArn=arn)

    expect_error("ConflictException", client.delete_state_machine_version, stateMachineVersionArn=v1)
    client.delete_state_machine_alias(stateMachineAliasArn=alias)
    client.delete_state_machine_version(stateMachineVersionArn=v1)
    client.delete_state_machine(stateMachineArn=main)
    client.delete_activity(activityArn=activity)
    expect_error("StateMachineDoesNotExist", client.describe_state_machine, stateMachineArn=main)
    expect_error("InvalidArn", client.describe_execution, executionArn="arn:aws:states:us-east-1:111111111111:nope")
    expect_error("ResourceNotFound", client.describe_state_machine_alias, stateMachineAliasArn=alias)


# MARK: the AWS CLI

cli_called = set()


def cli(operation, *arguments, error=None):
    """One `aws stepfunctions` command; its JSON output is checked against the model."""
    command = ["aws", "stepfunctions", operation, "--endpoint-url", ENDPOINT, "--region", "us-east-1", "--output", "json", *arguments]
    environment = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DISABLE_HOST_PREFIX_INJECTION="true",
                       AWS_MAX_ATTEMPTS="1", AWS_PAGER="")
    run = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=60)
    name = "".join(part.capitalize() for part in operation.split("-"))
    cli_called.add(name)
    if error:
        if run.returncode == 0 or error not in run.stderr:
            problems.append(f"aws {operation}: expected {error}, got {run.returncode}: {run.stderr.strip()[:300]}")
        return None
    if run.returncode != 0:
        problems.append(f"aws {operation} failed: {run.stderr.strip()[:400]}")
        return None
    answer = json.loads(run.stdout) if run.stdout.strip() else {}
    output = OPERATIONS[name].get("output")
    if output:
        check(output["shape"], answer, "cli " + name, timestamps_as_text=True)
    return answer


def cli_scenario():
    activity = cli("create-activity", "--name", "cli-worker")["activityArn"]
    cli("describe-activity", "--activity-arn", activity)
    cli("list-activities")
    main = cli("create-state-machine", "--name", "cli-main", "--definition", json.dumps(PASS), "--role-arn", ROLE, "--publish",
               "--tags", "key=env,value=test")
    arn, v1 = main["stateMachineArn"], main["stateMachineVersionArn"]
    cli("describe-state-machine", "--state-machine-arn", arn)
    cli("list-state-machines")
    cli("update-state-machine", "--state-machine-arn", arn, "--definition", json.dumps(PASS2))
    v2 = cli("publish-state-machine-version", "--state-machine-arn", arn, "--description", "two")["stateMachineVersionArn"]
    cli("list-state-machine-versions", "--state-machine-arn", arn)
    alias = cli("create-state-machine-alias", "--name", "cli-live", "--routing-configuration",
                json.dumps([{"stateMachineVersionArn": v2, "weight": 100}]))["stateMachineAliasArn"]
    cli("describe-state-machine-alias", "--state-machine-alias-arn", alias)
    cli("update-state-machine-alias", "--state-machine-alias-arn", alias, "--description", "the live one")
    cli("list-state-machine-aliases", "--state-machine-arn", arn)
    execution = cli("start-execution", "--state-machine-arn", alias, "--input", "{}")["executionArn"]
    for _ in range(100):
        if cli("describe-execution", "--execution-arn", execution)["status"] != "RUNNING":
            break
    cli("get-execution-history", "--execution-arn", execution)
    cli("describe-state-machine-for-execution", "--execution-arn", execution)
    cli("list-executions", "--state-machine-arn", arn)
    cli("tag-resource", "--resource-arn", arn, "--tags", "key=owner,value=me")
    cli("list-tags-for-resource", "--resource-arn", arn)
    cli("untag-resource", "--resource-arn", arn, "--tag-keys", "owner")
    cli("validate-state-machine-definition", "--definition", json.dumps(PASS))
    cli("test-state", "--definition", json.dumps({"Type": "Pass", "Result": 1, "End": True}), "--inspection-level", "DEBUG")
    express = cli("create-state-machine", "--name", "cli-express", "--definition", json.dumps(PASS), "--role-arn", ROLE,
                  "--type", "EXPRESS")["stateMachineArn"]
    cli("start-sync-execution", "--state-machine-arn", express)
    waiting = cli("create-state-machine", "--name", "cli-wait", "--role-arn", ROLE, "--definition",
                  json.dumps({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": True}}}))["stateMachineArn"]
    stopped = cli("start-execution", "--state-machine-arn", waiting)["executionArn"]
    cli("stop-execution", "--execution-arn", stopped)
    cli("redrive-execution", "--execution-arn", stopped)
    cli("stop-execution", "--execution-arn", stopped)
    worker = cli("create-state-machine", "--name", "cli-activity", "--role-arn", ROLE, "--definition",
                 json.dumps({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": activity, "End": True}}}))["stateMachineArn"]
    cli("start-execution", "--state-machine-arn", worker)
    token = cli("get-activity-task", "--activity-arn", activity)["taskToken"]
    cli("send-task-heartbeat", "--task-token", token)
    cli("send-task-success", "--task-token", token, "--task-output", "{}")
    cli("start-execution", "--state-machine-arn", worker)
    token = cli("get-activity-task", "--activity-arn", activity)["taskToken"]
    cli("send-task-failure", "--task-token", token, "--error", "E")
    fan = cli("create-state-machine", "--name", "cli-map", "--role-arn", ROLE, "--definition", json.dumps(
        {"StartAt": "M", "States": {"M": {"Type": "Map", "End": True, "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P",
            "States": {"P": {"Type": "Pass", "End": True}}}}}}))["stateMachineArn"]
    mapped = cli("start-execution", "--state-machine-arn", fan, "--input", "[1, 2]")["executionArn"]
    for _ in range(100):
        if cli("describe-execution", "--execution-arn", mapped)["status"] != "RUNNING":
            break
    run = cli("list-map-runs", "--execution-arn", mapped)["mapRuns"][0]["mapRunArn"]
    cli("describe-map-run", "--map-run-arn", run)
    cli("update-map-run", "--map-run-arn", run, "--tolerated-failure-count", "1")
    cli("delete-state-machine-version", "--state-machine-version-arn", v2, error="ConflictException")
    cli("delete-state-machine-alias", "--state-machine-alias-arn", alias)
    cli("delete-state-machine-version", "--state-machine-version-arn", v1)
    cli("delete-state-machine", "--state-machine-arn", arn)
    cli("delete-activity", "--activity-arn", activity)
    cli("describe-state-machine", "--state-machine-arn", arn, error="StateMachineDoesNotExist")


def main():
    boto3_scenario()
    missing = set(OPERATIONS) - called
    if missing:
        problems.append(f"boto3 did not call {sorted(missing)}")
    print(f"ok boto3 {len(called & set(OPERATIONS))}")
    if os.environ.get("SFN_SKIP_CLI") != "1":
        cli_scenario()
        missing = set(OPERATIONS) - cli_called
        if missing:
            problems.append(f"the AWS CLI did not call {sorted(missing)}")
        print(f"ok cli {len(cli_called & set(OPERATIONS))}")
    for problem in problems:
        print("PROBLEM", problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
