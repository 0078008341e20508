"""`sfn serve` as a test fixture: started on a free port, driven through boto3."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

MISSING = object()


class SFNError(Exception):
    """sfn could not be found, started or asked."""


def find_sfn(binary: Optional[str] = None) -> str:
    """The sfn executable: `binary`, else $SFN_BINARY, else `sfn` on the PATH."""
    candidate = binary or os.environ.get("SFN_BINARY") or shutil.which("sfn")
    if not candidate or not os.access(candidate, os.X_OK):
        raise SFNError(
            "sfn was not found: put it on the PATH, set SFN_BINARY, or pass binary= / --sfn-binary "
            "(build it with `swift build -c release`; the binary is .build/release/sfn)"
        )
    return candidate


def _handler_command(target: Union[str, Sequence[str]]) -> list:
    """A task program for a Python handler (`module.function`, `file.py:function`) or a command."""
    if isinstance(target, str):
        return [sys.executable, "-m", "sfn_local.handler", target]
    return list(target)


class LocalStepFunctions:
    """One `sfn serve` process on a free loopback port.

    definitions: files (ASL JSON or YAML, SAM/CloudFormation templates: every state machine of
        a template) registered at start, each named after its file or its template resource.
    mock_config: a Step Functions Local mock file; start executions with test_case=NAME.
    config: an sfn executor configuration file (JSON or YAML) routing Tasks to programs.
    functions: Lambda function name -> a Python handler ("package.module.function" or
        "path/file.py:function", run with this Python) or a command list.
    parameters: template parameter values.
    virtual_time: Waits, retry back-offs and timeouts take no real time (the default).
    """

    def __init__(
        self,
        binary: Optional[str] = None,
        *,
        definitions: Iterable[str] = (),
        mock_config: Optional[str] = None,
        config: Optional[str] = None,
        functions: Optional[Mapping[str, Union[str, Sequence[str]]]] = None,
        parameters: Optional[Mapping[str, str]] = None,
        virtual_time: bool = True,
        region: str = "us-east-1",
        account: str = "111111111111",
        cwd: Optional[str] = None,
        extra_args: Sequence[str] = (),
    ):
        self.binary = find_sfn(binary)
        self.definitions = list(definitions)
        self.mock_config = mock_config
        self.config = config
        self.functions = dict(functions or {})
        self.parameters = dict(parameters or {})
        self.virtual_time = virtual_time
        self.region = region
        self.account = account
        self.cwd = cwd
        self.extra_args = list(extra_args)
        self.endpoint_url: Optional[str] = None
        self.output: list = []
        self._process: Optional[subprocess.Popen] = None
        self._folder: Optional[tempfile.TemporaryDirectory] = None
        self._client = None

    # Lifecycle

    def __enter__(self) -> "LocalStepFunctions":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _arguments(self) -> list:
        arguments = [self.binary, "serve", "--port", "0", "--region", self.region, "--account", self.account]
        if self.virtual_time:
            arguments.append("--virtual-time")
        if self.mock_config:
            arguments += ["--mock-config", os.path.abspath(self.mock_config)]
        config = self._config_file()
        if config:
            arguments += ["--config", config]
        for key, value in self.parameters.items():
            arguments += ["--parameter", f"{key}={value}"]
        arguments += self.extra_args
        arguments += [os.path.abspath(path) for path in self.definitions]
        return arguments

    def _config_file(self) -> Optional[str]:
        if not self.functions:
            return os.path.abspath(self.config) if self.config else None
        document: dict = {}
        if self.config:
            with open(self.config, encoding="utf-8") as file:
                text = file.read()
            try:
                document = json.loads(text)
            except json.JSONDecodeError as error:
                raise SFNError(f"functions= can be merged into a JSON config only; {self.config} is not JSON: {error}") from error
        routes = document.setdefault("functions", {})
        for name, target in self.functions.items():
            routes[name] = {"command": _handler_command(target), "cwd": os.path.abspath(self.cwd or os.getcwd())}
        assert self._folder is not None
        path = os.path.join(self._folder.name, "sfn-config.json")
        with open(path, "w", encoding="utf-8") as file:
            json.dump(document, file)
        return path

    def start(self) -> "LocalStepFunctions":
        """Starts the server and waits until it listens."""
        if self._process:
            return self
        self._folder = tempfile.TemporaryDirectory(prefix="sfn-local-")
        self._process = subprocess.Popen(
            self._arguments(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
            cwd=self.cwd,
        )
        found = threading.Event()

        def drain() -> None:
            assert self._process and self._process.stdout
            for line in self._process.stdout:
                self.output.append(line)
                match = re.search(r"on (http://[0-9.]+:[0-9]+)", line)
                if match and not found.is_set():
                    self.endpoint_url = match.group(1)
                    found.set()
            found.set()

        threading.Thread(target=drain, daemon=True).start()
        if not found.wait(15) or not self.endpoint_url:
            self.stop()
            raise SFNError("sfn serve did not start:\n" + "".join(self.output))
        return self

    def stop(self) -> None:
        """Stops the server."""
        if self._process:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
            self._process = None
        if self._folder:
            self._folder.cleanup()
            self._folder = None

    # The API

    @property
    def client(self):
        """A boto3 Step Functions client for this server (any credentials; the host prefix that
        StartSyncExecution would add is turned off, since sync-127.0.0.1 does not resolve)."""
        if self._client is None:
            import boto3
            from botocore.config import Config

            if not self.endpoint_url:
                raise SFNError("the server is not started")
            self._client = boto3.client(
                "stepfunctions", endpoint_url=self.endpoint_url, region_name=self.region, aws_access_key_id="sfn-local",
                aws_secret_access_key="sfn-local", config=Config(inject_host_prefix=False, retries={"max_attempts": 1}),
            )
        return self._client

    def state_machine_arn(self, name: str) -> str:
        """The ARN of the state machine `name` (a file's name, a template resource, or created)."""
        if name.startswith("arn:"):
            return name
        return f"arn:aws:states:{self.region}:{self.account}:stateMachine:{name}"

    def create_state_machine(
        self, definition: Union[Mapping[str, Any], str], name: str = "StateMachine", type: str = "STANDARD", **extra: Any
    ) -> str:
        """Creates a state machine from a definition (a dict, or ASL JSON text); returns its ARN."""
        text = definition if isinstance(definition, str) else json.dumps(definition)
        response = self.client.create_state_machine(
            name=name, definition=text, roleArn=f"arn:aws:iam::{self.account}:role/sfn-local", type=type, **extra
        )
        return response["stateMachineArn"]

    def start_execution(
        self, state_machine: str, input: Any = None, *, name: Optional[str] = None, test_case: Optional[str] = None
    ) -> "Execution":
        """Starts an execution of `state_machine` (a name or an ARN) with `input` (any JSON
        value, or JSON text); `test_case` picks a test case of the mock file."""
        arn = self.state_machine_arn(state_machine)
        if test_case:
            arn += "#" + test_case
        arguments: dict = {"stateMachineArn": arn, "input": input if isinstance(input, str) else json.dumps(input or {})}
        if name:
            arguments["name"] = name
        response = self.client.start_execution(**arguments)
        return Execution(self.client, response["executionArn"])

    def run(
        self, state_machine: str, input: Any = None, *, name: Optional[str] = None, test_case: Optional[str] = None,
        timeout: float = 60,
    ) -> "Execution":
        """Starts an execution and waits until it ends."""
        return self.start_execution(state_machine, input, name=name, test_case=test_case).wait(timeout)


class Execution:
    """An execution on the server: its status, output and history, with assertions."""

    def __init__(self, client, arn: str):
        self.client = client
        self.arn = arn
        self._description: Optional[dict] = None
        self._history: Optional[list] = None

    def __repr__(self) -> str:
        return f"Execution({self.arn!r}, status={self.status!r})"

    def describe(self) -> dict:
        """DescribeExecution now."""
        self._description = self.client.describe_execution(executionArn=self.arn)
        return self._description

    def wait(self, timeout: float = 60) -> "Execution":
        """Waits until the execution ends (with virtual time a Wait takes none)."""
        deadline = time.monotonic() + timeout
        delay = 0.002
        while self.describe()["status"] == "RUNNING":
            if time.monotonic() > deadline:
                raise SFNError(f"{self.arn} still RUNNING after {timeout} s")
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
        self._history = None
        return self

    @property
    def status(self) -> str:
        return (self._description or self.describe())["status"]

    @property
    def output(self) -> Any:
        """The output, parsed (None unless SUCCEEDED)."""
        text = (self._description or self.describe()).get("output")
        return json.loads(text) if text is not None else None

    @property
    def error(self) -> Optional[str]:
        return (self._description or self.describe()).get("error")

    @property
    def cause(self) -> Optional[str]:
        return (self._description or self.describe()).get("cause")

    @property
    def history(self) -> list:
        """Every history event, in order."""
        if self._history is None:
            events: list = []
            arguments = {"executionArn": self.arn, "maxResults": 1000}
            while True:
                page = self.client.get_execution_history(**arguments)
                events += page["events"]
                if not page.get("nextToken"):
                    break
                arguments["nextToken"] = page["nextToken"]
            self._history = events
        return self._history

    @property
    def states_entered(self) -> list:
        """The names of the states entered, in order (a state entered twice appears twice)."""
        return [event["stateEnteredEventDetails"]["name"] for event in self.history if "stateEnteredEventDetails" in event]

    def entered(self, state: str) -> list:
        """The inputs (parsed) `state` was entered with, one per time it was entered."""
        return [
            json.loads(event["stateEnteredEventDetails"].get("input", "null"))
            for event in self.history
            if event.get("stateEnteredEventDetails", {}).get("name") == state
        ]

    def exited(self, state: str) -> list:
        """The outputs (parsed) `state` left with, one per time it was left."""
        return [
            json.loads(event["stateExitedEventDetails"].get("output", "null"))
            for event in self.history
            if event.get("stateExitedEventDetails", {}).get("name") == state
        ]

    # Assertions, with messages that show what happened instead.

    def _story(self) -> str:
        lines = [f"{self.arn}: {self.status}"]
        if self.error or self.cause:
            lines.append(f"  error: {self.error}  cause: {self.cause}")
        lines.append("  states entered: " + (" -> ".join(self.states_entered) or "none"))
        return "\n".join(lines)

    def assert_succeeded(self, output: Any = MISSING) -> "Execution":
        assert self.status == "SUCCEEDED", "expected SUCCEEDED\n" + self._story()
        if output is not MISSING:
            assert self.output == output, f"output {self.output!r} != {output!r}\n" + self._story()
        return self

    def assert_failed(self, error: Optional[str] = None, cause: Optional[str] = None) -> "Execution":
        assert self.status == "FAILED", "expected FAILED\n" + self._story()
        if error is not None:
            assert self.error == error, f"error {self.error!r} != {error!r}\n" + self._story()
        if cause is not None:
            assert self.cause == cause, f"cause {self.cause!r} != {cause!r}\n" + self._story()
        return self

    def assert_entered(self, state: str, input: Any = MISSING) -> "Execution":
        """`state` was entered (with `input`, if given, at least once)."""
        inputs = self.entered(state)
        assert inputs, f"state {state!r} was never entered\n" + self._story()
        if input is not MISSING:
            assert input in inputs, f"state {state!r} was entered with {inputs!r}, not {input!r}\n" + self._story()
        return self

    def assert_not_entered(self, state: str) -> "Execution":
        assert not self.entered(state), f"state {state!r} was entered\n" + self._story()
        return self


def run_workflow(
    definition: Union[str, Mapping[str, Any]], input: Any = None, *, binary: Optional[str] = None, virtual_time: bool = True,
    extra_args: Sequence[str] = (),
) -> dict:
    """One execution through `sfn run --result json`, without a server: `definition` is a file
    path or a definition dict. Returns {"status", "output", "error", "cause"}."""
    sfn = find_sfn(binary)
    with tempfile.TemporaryDirectory(prefix="sfn-local-") as folder:
        if isinstance(definition, str):
            path = definition
        else:
            path = os.path.join(folder, "definition.json")
            with open(path, "w", encoding="utf-8") as file:
                json.dump(definition, file)
        arguments = [sfn, "run", path, "--result", "json", "--input-json", json.dumps(input if input is not None else {})]
        if virtual_time:
            arguments.append("--virtual-time")
        completed = subprocess.run(arguments + list(extra_args), capture_output=True, text=True, timeout=300)
    try:
        return json.loads(completed.stdout)
    except json.JSONDecodeError as error:
        raise SFNError(f"sfn run printed no result:\n{completed.stdout}{completed.stderr}") from error
