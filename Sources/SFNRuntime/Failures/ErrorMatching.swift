import SFNLanguage

/// AWS's rules for which errors a Retrier or Catcher's `ErrorEquals` covers.
public enum ErrorMatching {
    /// Errors that end the execution whatever Retry or Catch say: AWS does not let `States.ALL`
    /// (nor an explicit name) retry or catch them.
    public static func isTerminal(_ error: StatesError) -> Bool {
        error.error == ErrorName.runtime || error.error == "States.DataLimitExceeded"
    }

    public static func matches(_ errorEquals: [String], _ error: StatesError) -> Bool {
        if isTerminal(error) { return false }
        for name in errorEquals {
            if name == ErrorName.all || name == error.error { return true }
            // AWS: in Retry and Catch, States.TaskFailed matches any error name except States.Timeout.
            if name == ErrorName.taskFailed && error.error != ErrorName.timeout { return true }
        }
        return false
    }
}
