"""The package's own tests: against a real sfn binary ($SFN_BINARY or --sfn-binary)."""

import json
import os

import pytest

from sfn_local import LocalStepFunctions, run_workflow

HERE = os.path.dirname(os.path.abspath(__file__))

CHOOSE = {
    "StartAt": "Check",
    "States": {
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}], "Default": "Small"},
        "Big": {"Type": "Pass", "Result": "big", "ResultPath": "$.size", "Next": "Nap"},
        "Small": {"Type": "Fail", "Error": "TooSmall", "Cause": "n is at most 10"},
        "Nap": {"Type": "Wait", "Seconds": 3600, "End": True},
    },
}


def test_runs_a_definition_with_virtual_time(sfn):
    arn = sfn.create_state_machine(CHOOSE, name="choose")
    big = sfn.run(arn, {"n": 11}, timeout=10)  # the hour-long Wait takes no time
    big.assert_succeeded(output={"n": 11, "size": "big"}).assert_entered("Big", input={"n": 11}).assert_not_entered("Small")
    assert big.states_entered == ["Check", "Big", "Nap"]
    assert big.exited("Big") == [{"n": 11, "size": "big"}]
    sfn.run("choose", {"n": 1}).assert_failed(error="TooSmall", cause="n is at most 10")


def test_an_assertion_says_what_happened(sfn):
    execution = sfn.run(sfn.create_state_machine(CHOOSE), {"n": 1})
    with pytest.raises(AssertionError) as raised:
        execution.assert_succeeded()
    assert "FAILED" in str(raised.value) and "Check -> Small" in str(raised.value)


def test_sync_executions_reach_the_server(sfn_client, sfn):
    arn = sfn.create_state_machine({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, type="EXPRESS")
    response = sfn_client.start_sync_execution(stateMachineArn=arn, input=json.dumps({"ok": True}))
    assert response["status"] == "SUCCEEDED" and json.loads(response["output"]) == {"ok": True}


@pytest.mark.sfn(functions={"double": os.path.join(HERE, "functions.py") + ":double", "broken": os.path.join(HERE, "functions.py") + ":broken"})
def test_python_handlers_serve_lambda_tasks(sfn):
    arn = sfn.create_state_machine(
        {
            "StartAt": "Double",
            "States": {
                "Double": {
                    "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": "double", "Payload.$": "$"}, "OutputPath": "$.Payload", "Next": "Broken",
                },
                "Broken": {
                    "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:111111111111:function:broken",
                    "Catch": [{"ErrorEquals": ["ValueError"], "ResultPath": "$.failure", "Next": "Done"}], "End": True,
                },
                "Done": {"Type": "Succeed"},
            },
        }
    )
    execution = sfn.run(arn, {"value": 21})
    execution.assert_succeeded()
    assert execution.output["value"] == 42
    assert execution.output["failure"]["Error"] == "ValueError"
    assert json.loads(execution.output["failure"]["Cause"])["errorMessage"] == "no good"


def test_run_workflow_needs_no_server():
    result = run_workflow(CHOOSE, {"n": 12})
    assert result["status"] == "SUCCEEDED" and result["output"]["size"] == "big"


def test_a_server_as_a_context_manager():
    with LocalStepFunctions(binary=os.environ.get("SFN_BINARY")) as server:
        assert server.endpoint_url.startswith("http://127.0.0.1:")
        assert server.client.list_state_machines()["stateMachines"] == []
