"""pytest fixtures for sfn (registered by the package's `pytest11` entry point).

    def test_order(sfn):
        arn = sfn.create_state_machine({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
        sfn.run(arn, {"id": 1}).assert_succeeded(output={"id": 1})

`sfn` is a server started for the test (virtual time); `@pytest.mark.sfn(...)` passes it the
options of `LocalStepFunctions` (definitions=, mock_config=, config=, functions=, parameters=,
virtual_time=). `sfn_factory(**options)` starts more. `sfn_client` is the server's boto3 client.
The binary is `--sfn-binary`, the `sfn_binary` ini option, $SFN_BINARY or `sfn` on the PATH.
"""

import pytest

from .server import LocalStepFunctions


def pytest_addoption(parser):
    parser.addoption("--sfn-binary", default=None, help="the sfn executable the sfn fixtures start")
    parser.addini("sfn_binary", "the sfn executable the sfn fixtures start", default=None)


def pytest_configure(config):
    config.addinivalue_line("markers", "sfn(**options): options for the sfn fixture's server (LocalStepFunctions arguments)")


def _binary(config):
    return config.getoption("--sfn-binary") or config.getini("sfn_binary") or None


@pytest.fixture
def sfn_factory(request):
    """Starts servers with LocalStepFunctions' options; each stops when the test ends."""
    started = []

    def start(**options):
        options.setdefault("binary", _binary(request.config))
        server = LocalStepFunctions(**options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def sfn(request, sfn_factory):
    """A server for this test, configured by @pytest.mark.sfn(...) if the test has one."""
    marker = request.node.get_closest_marker("sfn")
    return sfn_factory(**(marker.kwargs if marker else {}))


@pytest.fixture
def sfn_client(sfn):
    """The boto3 Step Functions client of the `sfn` server."""
    return sfn.client
