"""The order workflow of template.yaml, tested two ways: with Step Functions Local's mock file (as
with amazon/aws-stepfunctions-local, without Docker), and with the real Lambda handler run
locally while DynamoDB's putItem answers from config.json."""

import os

import pytest

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATE = os.path.join(HERE, "template.yaml")
ORDER = {"orderId": "o-1", "sku": "BOOK-1", "quantity": 1}

with_mocks = pytest.mark.sfn(definitions=[TEMPLATE], mock_config=os.path.join(HERE, "mocks", "mocks.json"))
with_local_function = pytest.mark.sfn(
    definitions=[TEMPLATE],
    config=os.path.join(HERE, "config.json"),
    functions={"CheckStockFunction": os.path.join(HERE, "functions", "check_stock", "app.py") + ":lambda_handler"},
)


@with_mocks
def test_an_order_in_stock_is_recorded(sfn):
    execution = sfn.run("OrderStateMachine", ORDER, test_case="InStock")
    execution.assert_succeeded(output={"orderId": "o-1", "status": "RECORDED"})
    execution.assert_entered("RecordOrder", input={**ORDER, "stock": {"inStock": True, "available": 3}})


@with_mocks
def test_an_order_out_of_stock_fails(sfn):
    execution = sfn.run("OrderStateMachine", {**ORDER, "sku": "MUG-2"}, test_case="OutOfStock")
    execution.assert_failed(error="OutOfStock", cause="The item is not in stock").assert_not_entered("RecordOrder")


@with_mocks
def test_a_throttled_check_is_retried(sfn):
    # Virtual time: the 2-second back-off takes none.
    execution = sfn.run("OrderStateMachine", ORDER, test_case="ThrottledThenInStock")
    execution.assert_succeeded()
    assert [event["type"] for event in execution.history].count("TaskFailed") == 1
    assert execution.states_entered == ["CheckStock", "InStock?", "RecordOrder", "Recorded"]


@with_local_function
def test_the_real_handler_decides(sfn):
    sfn.run("OrderStateMachine", ORDER).assert_succeeded(output={"orderId": "o-1", "status": "RECORDED"})
    sfn.run("OrderStateMachine", {**ORDER, "quantity": 5}).assert_failed(error="OutOfStock")


@with_local_function
def test_a_handler_exception_is_the_tasks_error(sfn):
    execution = sfn.run("OrderStateMachine", {**ORDER, "sku": "NOPE"})
    execution.assert_failed(error="KeyError")
