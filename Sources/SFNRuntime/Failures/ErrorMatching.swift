import SFNLanguage

/// AWS's rules for which errors a Retrier or Catcher's `ErrorEquals` covers.
public enum ErrorMatching {
    /// Errors the wildcards (`States.ALL`, `States.TaskFailed`) never cover: only a Retrier or
    /// Catcher naming them explicitly does.
    public static func isTerminal(_ error: StatesError) -> Bool {
        error.name == .runtime || error.name == .dataLimitExceeded
    }

    /// Whether an `ErrorEquals` list covers `error`.
    public static func matches(_ errorEquals: [String], _ error: StatesError) -> Bool {
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
