import SFNJSON
internal import Yams

/// Turns YAML text into a `JSON` value and a source map.
///
/// Scalars are typed by the YAML 1.2 core schema rather than YAML 1.1 (which Yams' default
/// resolver follows): `yes`, `on`, `1:30` and `012` stay strings or decimal numbers, as JSON
/// people expect and as a Choice rule comparing `StringEquals: yes` needs. Mapping keys are
/// always strings. Quoted scalars are always strings. CloudFormation short-form tags (`!Sub`,
/// `!Ref`, `!GetAtt`, ...) become their long JSON form (`{"Fn::Sub": ...}`); other tags are
/// ignored and the value kept.
enum YAMLConversion {
    /// Converting shared anchors copies them; this bounds the copies so that an alias bomb
    /// fails instead of exhausting memory.
    static let maximumNodeCount = 250_000

    static func load(_ text: String, file: String) throws(DefinitionLoadError) -> (JSON, SourceMap) {
        var root: Node?
        var source = text
        var firstDuplicate: YamlError?
        var blankings = 0
        while true {
            do {
                root = try Yams.compose(yaml: source, coreSchemaResolver)
                break
            } catch let error as YamlError {
                // A template with a key written twice in a block mapping loads as SAM's parser
                // loads it: the later one wins. Anything else keeps the error.
                // (At most a hundred such keys: each costs a parse of the whole document.)
                if case .duplicatedKeysInMapping(let keys, let context) = error, let key = keys.first, blankings < 100,
                    let blanked = blankingEarlierEntry(source, key: key, line: context.mark.line, column: context.mark.column)
                {
                    firstDuplicate = firstDuplicate ?? error
                    source = blanked
                    blankings += 1
                    continue
                }
                throw syntaxError(firstDuplicate ?? error, file: file)
            } catch {
                throw DefinitionLoadError(.syntax, file: file, message: "invalid YAML: \(error)")
            }
        }
        if let firstDuplicate, !isTemplate(root) { throw syntaxError(firstDuplicate, file: file) }
        guard let root else {
            throw DefinitionLoadError(.invalidDocument, file: file, message: "the file holds no YAML document")
        }
        var budget = maximumNodeCount
        guard fitsBudget(root, &budget) else {
            throw DefinitionLoadError(
                .invalidDocument, file: file, location: root.mark.map { SourcePosition(line: $0.line, column: $0.column) },
                message: "the YAML document expands to more than \(maximumNodeCount) values (aliases repeated too often)")
        }
        var converter = Converter(file: file)
        let start = converter.location(of: root)
        let value = try converter.convert(root, at: .root, member: start)
        return (value, converter.map)
    }

    /// Whether the document is a SAM or CloudFormation template (a mapping with Resources).
    private static func isTemplate(_ root: Node?) -> Bool {
        guard case .mapping(let mapping)? = root else { return false }
        return mapping.keys.contains { $0.string == "Resources" || $0.string == "AWSTemplateFormatVersion" }
    }

    /// `text` with the block-mapping entry whose key `key` starts at `line`:`column` (1-based)
    /// replaced by empty lines (so every other position stays where it was), or nil when the
    /// entry is not one that can be cut that way (a flow mapping, a sequence item's first key).
    private static func blankingEarlierEntry(_ text: String, key: String, line: Int, column: Int) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard line >= 1, line <= lines.count, column >= 1 else { return nil }
        let first = Array(lines[line - 1].unicodeScalars)
        guard column - 1 <= first.count, first[..<(column - 1)].allSatisfy({ $0 == " " }) else { return nil }
        let rest = String(String.UnicodeScalarView(first[(column - 1)...]))
        guard rest.hasPrefix(key + ":") || rest.hasPrefix("\"\(key)\":") || rest.hasPrefix("'\(key)':") else { return nil }
        lines[line - 1] = ""
        var next = line
        while next < lines.count {
            let candidate = lines[next]
            let trimmed = candidate.drop { $0 == " " }
            // The entry goes on while its lines are blank, comments or indented past its key.
            if !trimmed.isEmpty && !trimmed.hasPrefix("#") && candidate.count - trimmed.count <= column - 1 { break }
            lines[next] = ""
            next += 1
        }
        return lines.joined(separator: "\n")
    }

    /// Counts values as the conversion will copy them, stopping as soon as the budget runs out:
    /// much cheaper than converting, so an alias bomb is refused quickly.
    private static func fitsBudget(_ node: Node, _ budget: inout Int) -> Bool {
        budget -= 1
        guard budget >= 0 else { return false }
        switch node {
        case .scalar, .alias:
            return true
        case .sequence(let sequence):
            for element in sequence where !fitsBudget(element, &budget) { return false }
            return true
        case .mapping(let mapping):
            for (key, value) in mapping where !fitsBudget(key, &budget) || !fitsBudget(value, &budget) { return false }
            return true
        }
    }

    // MARK: Schema

    /// YAML 1.2 core schema patterns; Yams' `Resolver.Rule` compiles them with NSRegularExpression.
    /// A failure to compile would be a bug in these constants; falling back to Yams' own default
    /// keeps loading working if it ever happened.
    private static let coreSchemaResolver: Resolver = {
        do {
            return try Resolver.basic
                .appending(.null, "^(?:~|null|Null|NULL|)$")
                .appending(.bool, "^(?:true|True|TRUE|false|False|FALSE)$")
                .appending(.int, "^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
                .appending(
                    .float,
                    "^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$"
                )
                .appending(.merge, "^(?:<<)$")
        } catch {
            return Resolver.default
        }
    }()

    private static let cloudFormationFunctions: Set<String> = [
        "And", "Base64", "Cidr", "Equals", "FindInMap", "GetAtt", "GetAZs", "If", "ImportValue", "Join",
        "Length", "Not", "Or", "Select", "Split", "Sub", "ToJsonString", "Transform",
    ]

    /// The long form key of a CloudFormation short-form tag, or `nil` for other tags.
    static func cloudFormationKey(forTag tag: String) -> String? {
        guard tag.hasPrefix("!"), !tag.hasPrefix("!!") else { return nil }
        let name = String(tag.dropFirst())
        if name == "Ref" || name == "Condition" { return name }
        return cloudFormationFunctions.contains(name) ? "Fn::" + name : nil
    }

    // MARK: Errors

    private static func syntaxError(_ error: YamlError, file: String) -> DefinitionLoadError {
        func located(_ problem: String, _ context: YamlError.Context?, _ mark: Mark) -> DefinitionLoadError {
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return DefinitionLoadError(
                .syntax, file: file, location: SourcePosition(line: mark.line, column: mark.column), message: message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return located(problem, context, mark)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return DefinitionLoadError(
                .syntax, file: file,
                location: SourcePosition(line: context.mark.line, column: context.mark.column),
                message: "invalid YAML: duplicate key \(names) in a mapping")
        case .reader(let problem, let offset, _, let yaml):
            let location = offset.map { SourceText.location(ofCharacterOffset: $0, in: yaml) }
            return DefinitionLoadError(.unreadable, file: file, location: location, message: "invalid YAML text: \(problem)")
        default:
            return DefinitionLoadError(.syntax, file: file, message: "invalid YAML: \(error)")
        }
    }

    // MARK: Conversion

    private struct Converter {
        var map: SourceMap
        var convertedNodes = 0
        let file: String

        init(file: String) {
            self.file = file
            self.map = SourceMap(file: file)
        }

        func location(of node: Node) -> SourcePosition {
            node.mark.map { SourcePosition(line: $0.line, column: $0.column) } ?? SourcePosition(line: 1, column: 1)
        }

        func failure(_ message: String, at node: Node) -> DefinitionLoadError {
            DefinitionLoadError(.invalidDocument, file: file, location: location(of: node), message: message)
        }

        mutating func convert(_ node: Node, at pointer: JSONPointer, member: SourcePosition) throws(DefinitionLoadError) -> JSON {
            convertedNodes += 1
            guard convertedNodes <= YAMLConversion.maximumNodeCount else {
                throw failure(
                    "the YAML document expands to more than \(YAMLConversion.maximumNodeCount) values (aliases repeated too often)",
                    at: node)
            }
            map.record(pointer, member: member, value: location(of: node))
            let tag = rawTag(of: node)
            if let functionKey = YAMLConversion.cloudFormationKey(forTag: tag) {
                // The function's argument sits one level down, under the long-form key.
                let argument = try convertUntagged(node, at: pointer / functionKey, member: location(of: node))
                map.record(pointer / functionKey, member: location(of: node), value: location(of: node))
                return .object([functionKey: shortFormArgument(argument, function: functionKey)])
            }
            return try convertUntagged(node, at: pointer, member: member)
        }

        /// `!GetAtt Resource.Attribute` is the one short form whose scalar argument changes shape.
        private func shortFormArgument(_ argument: JSON, function: String) -> JSON {
            guard function == "Fn::GetAtt", case .string(let text) = argument,
                let dot = text.firstIndex(of: ".")
            else { return argument }
            return .array([.string(String(text[..<dot])), .string(String(text[text.index(after: dot)...]))])
        }

        private func rawTag(of node: Node) -> String {
            switch node {
            case .scalar(let scalar): scalar.tag.rawValue
            case .mapping(let mapping): mapping.tag.rawValue
            case .sequence(let sequence): sequence.tag.rawValue
            case .alias(let alias): alias.tag.rawValue
            }
        }

        private mutating func convertUntagged(
            _ node: Node, at pointer: JSONPointer, member: SourcePosition
        ) throws(DefinitionLoadError) -> JSON {
            switch node {
            case .scalar(let scalar):
                return try convertScalar(scalar, node: node)
            case .sequence(let sequence):
                var elements: [JSON] = []
                elements.reserveCapacity(sequence.count)
                for (position, element) in sequence.enumerated() {
                    elements.append(try convert(element, at: pointer / position, member: location(of: element)))
                }
                return .array(elements)
            case .mapping(let mapping):
                return .object(try convertMapping(mapping, at: pointer))
            case .alias:
                // The composer resolves aliases to the anchored node; one left over is unknown.
                throw failure("unresolved YAML alias", at: node)
            }
        }

        private mutating func convertMapping(_ mapping: Node.Mapping, at pointer: JSONPointer) throws(DefinitionLoadError) -> JSONObject {
            var members = JSONObject(minimumCapacity: mapping.count)
            var merged: [JSONObject] = []
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let keyScalar) = keyNode else {
                    throw failure("mapping keys must be plain strings, not collections", at: keyNode)
                }
                // Yams resolves key tags in place while checking for duplicates, so the merge
                // key may already carry its resolved tag.
                let keyTag = keyScalar.tag.rawValue
                if keyTag.isEmpty || keyTag == Tag.Name.merge.rawValue, keyScalar.style == .plain,
                    keyScalar.string == "<<"
                {
                    merged.append(contentsOf: try mergeSources(valueNode, at: pointer))
                    continue
                }
                let key = keyScalar.string
                members[key] = try convert(valueNode, at: pointer / key, member: location(of: keyNode))
            }
            // Keys written in the mapping itself win over merged ones; earlier merge sources win
            // over later ones.
            for source in merged {
                for (key, value) in source where members[key] == nil {
                    members[key] = value
                }
            }
            return members
        }

        private mutating func mergeSources(_ node: Node, at pointer: JSONPointer) throws(DefinitionLoadError) -> [JSONObject] {
            switch node {
            case .mapping(let mapping):
                return [try convertMapping(mapping, at: pointer)]
            case .sequence(let sequence):
                var sources: [JSONObject] = []
                for element in sequence {
                    guard case .mapping(let mapping) = element else {
                        throw failure("a merge key (<<) takes a mapping or a list of mappings", at: element)
                    }
                    sources.append(try convertMapping(mapping, at: pointer))
                }
                return sources
            default:
                throw failure("a merge key (<<) takes a mapping or a list of mappings", at: node)
            }
        }

        private func convertScalar(_ scalar: Node.Scalar, node: Node) throws(DefinitionLoadError) -> JSON {
            let text = scalar.string
            let tag = scalar.tag.rawValue
            let resolved: Tag.Name
            if tag.isEmpty {
                resolved = YAMLConversion.coreSchemaResolver.resolveTag(of: node)
            } else if tag == "!" || YAMLConversion.cloudFormationKey(forTag: tag) != nil || !tag.hasPrefix("tag:yaml.org,2002:") {
                // Non-specific and application tags: a plain scalar still gets its natural type.
                resolved =
                    scalar.style == .plain
                    ? YAMLConversion.coreSchemaResolver.resolveTag(of: .scalar(Node.Scalar(text)))
                    : .str
            } else {
                resolved = Tag.Name(rawValue: tag)
            }
            switch resolved {
            case .null:
                return .null
            case .bool:
                return .bool(text.lowercased() == "true")
            case .int:
                if let number = YAMLConversion.integer(from: text) { return .int(number) }
                if let number = YAMLConversion.real(from: text) { return .double(number) }
                throw failure("'\(text)' is not an integer", at: node)
            case .float:
                guard let number = YAMLConversion.real(from: text) else {
                    throw failure("'\(text)' is not a number", at: node)
                }
                guard number.isFinite else {
                    throw failure("'\(text)' (infinity or NaN) cannot be represented in JSON", at: node)
                }
                return .double(number)
            default:
                // Strings, timestamps, binary and anything else keep their text.
                return .string(text)
            }
        }
    }

    static func integer(from text: String) -> Int? {
        var digits = Substring(text.replacing("_", with: ""))
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        let magnitude: Int?
        if digits.hasPrefix("0x") {
            magnitude = Int(digits.dropFirst(2), radix: 16)
        } else if digits.hasPrefix("0o") {
            magnitude = Int(digits.dropFirst(2), radix: 8)
        } else {
            magnitude = Int(digits, radix: 10)
        }
        guard let magnitude else { return nil }
        return negative ? -magnitude : magnitude
    }

    static func real(from text: String) -> Double? {
        let cleaned = text.replacing("_", with: "")
        switch cleaned.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default: break
        }
        if let value = Double(cleaned) { return value }
        // Swift's parser wants a digit before the point (`.5`).
        if cleaned.hasPrefix(".") { return Double("0" + cleaned) }
        if cleaned.hasPrefix("-.") { return Double("-0" + cleaned.dropFirst()) }
        if cleaned.hasPrefix("+.") { return Double("0" + cleaned.dropFirst()) }
        return nil
    }
}

/// Helpers for positions in text.
enum SourceText {
    /// The 1-based line and column of a character offset.
    static func location(ofCharacterOffset offset: Int, in text: String) -> SourcePosition {
        var line = 1
        var column = 1
        for (position, character) in text.enumerated() {
            if position >= offset { break }
            if character == "\n" || character == "\r\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return SourcePosition(line: line, column: column)
    }
}
