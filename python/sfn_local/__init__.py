"""Test AWS Step Functions workflows locally with sfn: a server per test, a configured boto3
client, definitions, SAM/CloudFormation templates and Step Functions Local mock files, virtual
time, and assertions on an execution's status, output and history."""

from .server import Execution, LocalStepFunctions, SFNError, find_sfn, run_workflow

__all__ = ["Execution", "LocalStepFunctions", "SFNError", "find_sfn", "run_workflow"]
