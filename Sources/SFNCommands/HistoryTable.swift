import SFNGraph
import SFNJSON
import SFNRuntime

/// `sfn run --history-format table`: one line per event, for reading on a terminal.
///
///       ID   +TIME  TYPE                        STATE       DETAILS
///        1   0.000  ExecutionStarted                        input {"order":7}
///        2   0.001  PassStateEntered            Prepare     input {"order":7}
enum HistoryTable {
    /// The widest a details cell gets before it is cut with an ellipsis.
    static let detailsWidth = 100

    static func render(_ events: [HistoryEvent]) -> String {
        guard let first = events.first else { return "(no events)" }
        var rows: [[String]] = [["ID", "+TIME", "TYPE", "STATE", "DETAILS"]]
        // Each event's state, as the graph's overlay reads it.
        var ownership = EventOwnership()
        for event in events {
            let details = event.details
            let ownName = event.type.hasSuffix("StateEntered") || event.type.hasSuffix("StateExited") ? event.stateName : nil
            let name = ownership.record(id: event.id, previous: event.previousEventId, type: event.type, name: ownName).state ?? ""
            let seconds = Double(event.timestamp - first.timestamp) / 1000
            rows.append([String(event.id), formatSeconds(seconds), event.type, name, summary(details)])
        }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            let id = String(repeating: " ", count: widths[0] - row[0].count) + row[0]
            let time = String(repeating: " ", count: widths[1] - row[1].count) + row[1]
            let type = row[2] + String(repeating: " ", count: widths[2] - row[2].count)
            let state = row[3] + String(repeating: " ", count: widths[3] - row[3].count)
            return "\(id)  \(time)  \(type)  \(state)  \(row[4])".trimmingSuffixSpaces()
        }.joined(separator: "\n")
    }

    static func formatSeconds(_ seconds: Double) -> String {
        let milliseconds = Int((seconds * 1000).rounded())
        return "\(milliseconds / 1000).\(String(String(1000 + milliseconds % 1000).dropFirst()))"
    }

    /// The part of an event's details worth a glance: an error and cause, else the output,
    /// input or parameters, else the rest.
    static func summary(_ details: JSON?) -> String {
        guard let object = details?.objectValue, !object.isEmpty else { return "" }
        var text: String
        if object["error"] != nil || object["cause"] != nil {
            text = [object["error"]?.stringValue, object["cause"]?.stringValue].compactMap { $0 }.filter { !$0.isEmpty }.joined(
                separator: ": ")
        } else if let output = object["output"]?.stringValue {
            text = "output " + output
        } else if let input = object["input"]?.stringValue {
            text = "input " + input
        } else if let parameters = object["parameters"]?.stringValue {
            text = "parameters " + parameters
        } else {
            var rest = object
            for key in ["name", "inputDetails", "outputDetails", "roleArn"] { rest[key] = nil }
            text = rest.isEmpty ? "" : JSON.object(rest).compactText
        }
        text = text.map { $0 == "\n" || $0 == "\r" ? " " : $0 }.reduce(into: "") { $0.append($1) }
        return text.count > detailsWidth ? String(text.prefix(detailsWidth - 1)) + "…" : text
    }
}

extension String {
    fileprivate func trimmingSuffixSpaces() -> String {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
