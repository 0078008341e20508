/// A state machine's type: what CreateStateMachine's `type`, a template's `StateMachineType`
/// (CloudFormation) or `Type` (SAM), and `sfn run --type` say.
public enum StateMachineType: String, Sendable, Hashable, CaseIterable {
    /// Exactly-once, long-running executions with a 25,000-event history.
    case standard = "STANDARD"
    /// At-least-once, short executions: no history cap, no `.sync`, no `.waitForTaskToken`, no activities.
    case express = "EXPRESS"
}
