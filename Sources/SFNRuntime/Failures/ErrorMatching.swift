import SFNLanguage

/// AWS's rules for which errors a Retrier or Catcher's `ErrorEquals` covers.
public enum ErrorMatching {
    /// Errors the wildcards (`States.ALL`, `States.TaskFailed`) never cover: only a Retrier or
    /// Catcher naming them explicitly does.
    public static func isTerminal(_ error: StatesError) -> Bool {
        error.name == .runtime || error.name == .dataLimitExceeded
    }

    /// Whether an `ErrorEquals` list covers `error`. `States.Runtime` is covered by none: AWS
    /// documents it as never retriable, always failing the execution, whatever a Retrier or
    /// Catcher names. `States.DataLimitExceeded` is covered only where it is named.
    public static func matches(_ errorEquals: [String], _ error: StatesError) -> Bool {
        if error.name == .runtime { return false }
        let terminal = isTerminal(error)
        for name in errorEquals {
            if name == error.error { return true }
            if terminal { continue }
            if name == StatesErrorName.all.rawValue { return true }
            // AWS: in Retry and Catch, States.TaskFailed matches any error name except States.Timeout.
            if name == StatesErrorName.taskFailed.rawValue && error.name != .timeout { return true }
        }
        return false
    }
}
