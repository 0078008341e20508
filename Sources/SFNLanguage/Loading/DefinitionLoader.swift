import Foundation
import SFNJSON

/// A state machine definition read from a file, with where each part of it was written.
public struct LoadedDefinition: Sendable {
    /// The Amazon States Language definition.
    public var definition: JSON
    /// Locations of the definition's parts in `sourceMap.file`.
    public var sourceMap: SourceMap
    /// The file the definition was written in (for `DefinitionUri`, that file, not the template).
    public var file: String
    /// The template resource's logical id, when the definition came from a template.
    public var stateMachine: String?
    /// Things a person should know that did not stop loading (placeholders left unreplaced).
    public var warnings: [LoadWarning]
    /// The type a template gives the state machine (`StateMachineType`, or SAM's `Type`); nil for
    /// plain definitions and templates that leave it out.
    public var machineType: StateMachineType?
    /// The template's `StateMachineName` for it, the name its `Ref` and `Fn::GetAtt` ARNs carry
    /// (nil: none given; the ARNs carry the logical id).
    public var deployedName: String?

    /// A loaded definition with where its values sit in the file.
    public init(definition: JSON, sourceMap: SourceMap, file: String, stateMachine: String? = nil, warnings: [LoadWarning] = []) {
        self.definition = definition
        self.sourceMap = sourceMap
        self.file = file
        self.stateMachine = stateMachine
        self.warnings = warnings
    }
}

/// Something worth telling a person about a loaded definition that did not stop loading.
public struct LoadWarning: Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// Where in the definition (the first place, when there are several).
    public var pointer: JSONPointer

    /// A problem at `pointer`.
    public init(_ message: String, at pointer: JSONPointer = .root) {
        self.message = message
        self.pointer = pointer
    }

    /// The message.
    public var description: String { message }
}

extension LoadedDefinition {
    /// `file:line:column` for the part of the definition named by `pointer` (or its nearest
    /// recorded ancestor), `file` alone when nothing is recorded: the prefix of a message for people.
    public func describeLocation(of pointer: JSONPointer) -> String {
        guard let position = sourceMap.position(of: pointer) else { return sourceMap.file }
        return "\(sourceMap.file):\(position.line):\(position.column)"
    }
}

/// How a file's text is written.
public enum SourceFormat: Sendable, Equatable {
    case json
    case yaml

    /// By extension; `nil` when the extension says nothing (then the text decides).
    public init?(fileName: String) {
        let lowered = fileName.lowercased()
        if lowered.hasSuffix(".json") {
            self = .json
        } else if lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml") {
            self = .yaml
        } else {
            return nil
        }
    }

    /// JSON when the first meaningful character opens an object or array, YAML otherwise.
    static func guess(from text: String) -> SourceFormat {
        for character in text.unicodeScalars {
            switch character {
            case " ", "\t", "\n", "\r", "\u{FEFF}": continue
            case "{", "[": return .json
            default: return .yaml
            }
        }
        return .json
    }
}

/// Reads state machine definitions from files: plain definitions in JSON or YAML, and SAM or
/// CloudFormation templates holding `AWS::Serverless::StateMachine` or
/// `AWS::StepFunctions::StateMachine` resources.
///
/// Template rules:
/// - one state machine resource is picked automatically; with several, `stateMachine` must name
///   one by logical id;
/// - `Definition` (inline object), `DefinitionString` (a string, or `Fn::Sub`/`Fn::Join` of
///   strings) and SAM's `DefinitionUri` (a local path, relative to the template) are read;
///   `DefinitionS3Location` and S3 `DefinitionUri`s are refused, as they are not local;
/// - `DefinitionSubstitutions` replace `${Name}` placeholders: inside every string (and key) of
///   an inline or `DefinitionUri` definition, and in the text of a `DefinitionString` before it
///   is parsed (so `"Seconds": ${Delay}` yields a number). A placeholder with no substitution is
///   left as written and reported in `warnings`: the definition may legitimately contain `${`
///   text, and validation then shows where an unreplaced one breaks an ARN or path.
/// - intrinsic functions (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`, ...) are evaluated with
///   local stand-ins; see `CloudFormationIntrinsics`.
public enum DefinitionLoader {
    /// The template resource types that hold a state machine.
    public static let stateMachineTypes: Set<String> = ["AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine"]

    /// Loads the definition in the file at `path`.
    /// - Parameters:
    ///   - path: an ASL file (JSON or YAML) or a SAM/CloudFormation template.
    ///   - stateMachine: the logical id to pick from a template (ignored for plain definitions,
    ///     an error if given for a file that is not a template).
    ///   - parameters: values for template parameters, overriding their `Default`.
    ///   - account: the partition, region and account of the ARNs a template's `Ref`,
    ///     `Fn::GetAtt` and pseudo parameters produce.
    public static func load(
        contentsOf path: String, stateMachine: String? = nil, parameters: [String: String] = [:], account: AWSAccount = .local
    ) throws(DefinitionLoadError) -> LoadedDefinition {
        let text = try readText(path)
        return try load(
            text: text, file: path, format: SourceFormat(fileName: path), stateMachine: stateMachine,
            parameters: parameters, account: account)
    }

    /// Loads a definition from text; `file` names it in messages and locates `DefinitionUri`s.
    public static func load(
        text: String, file: String, format: SourceFormat? = nil, stateMachine: String? = nil,
        parameters: [String: String] = [:], account: AWSAccount = .local
    ) throws(DefinitionLoadError) -> LoadedDefinition {
        let (document, sourceMap) = try parseDocument(text: text, file: file, format: format)
        guard case .object(let members) = document else {
            throw DefinitionLoadError(
                .invalidDocument, file: file, location: sourceMap.position(of: .root),
                message: "expected a state machine definition (an object with States) or a template, found \(document.typeName)")
        }
        guard isTemplate(members) else {
            if let stateMachine {
                throw DefinitionLoadError(
                    .stateMachineSelection, file: file,
                    message:
                        "--state-machine \(stateMachine) was given, but the file is a plain definition, not a SAM or CloudFormation template"
                )
            }
            return LoadedDefinition(definition: document, sourceMap: sourceMap, file: file)
        }
        let template = TemplateLoader(
            template: members, file: file, text: text, sourceMap: sourceMap, parameters: parameters, account: account)
        return try template.load(stateMachine: stateMachine)
    }

    /// Loads every state machine in the file at `path`: each resource of a template (in the
    /// template's order), or the one plain definition.
    public static func loadAll(
        contentsOf path: String, parameters: [String: String] = [:], account: AWSAccount = .local
    ) throws(DefinitionLoadError) -> [LoadedDefinition] {
        let text = try readText(path)
        let (document, sourceMap) = try parseDocument(text: text, file: path, format: SourceFormat(fileName: path))
        guard case .object(let members) = document, isTemplate(members) else {
            return [try load(text: text, file: path, format: SourceFormat(fileName: path), parameters: parameters, account: account)]
        }
        let template = TemplateLoader(
            template: members, file: path, text: text, sourceMap: sourceMap, parameters: parameters, account: account)
        let names = template.stateMachineNames
        if names.isEmpty { return [try template.load(stateMachine: nil)] }
        var loaded: [LoadedDefinition] = []
        for name in names { loaded.append(try template.load(stateMachine: name)) }
        return loaded
    }

    /// The logical ids of the state machines of the template in `text`, in its order; empty for
    /// a plain definition or a document that does not parse.
    public static func stateMachineNames(text: String, file: String) -> [String] {
        guard let (document, _) = try? parseDocument(text: text, file: file, format: SourceFormat(fileName: file)),
            case .object(let members) = document, isTemplate(members)
        else { return [] }
        let resources = members["Resources"]?.objectValue ?? [:]
        return resources.filter { _, resource in resource["Type"]?.stringValue.map(stateMachineTypes.contains) ?? false }.map(\.key)
    }

    /// Parses JSON or YAML text into a value and its source map.
    public static func parseDocument(
        text: String, file: String, format: SourceFormat? = nil
    ) throws(DefinitionLoadError) -> (JSON, SourceMap) {
        let trimmed = text.unicodeScalars.first { !" \t\r\n\u{FEFF}".unicodeScalars.contains($0) }
        if trimmed == nil {
            throw DefinitionLoadError(.invalidDocument, file: file, message: "the file is empty")
        }
        switch format ?? SourceFormat.guess(from: text) {
        case .json:
            let value: JSON
            do {
                value = try JSON(parsing: text)
            } catch {
                throw DefinitionLoadError(
                    .syntax, file: file, location: syntaxErrorPosition(error, in: text),
                    message: "invalid JSON: \(error.message)")
            }
            return (value, JSONSourceScanner.sourceMap(of: text, file: file))
        case .yaml:
            return try YAMLConversion.load(text, file: file)
        }
    }

    /// jansson reports the position just after the token it choked on; people expect the
    /// token's start. Falls back to jansson's own line and column when the offset is unusable.
    static func syntaxErrorPosition(_ error: JSONParseError, in text: String) -> SourcePosition {
        let bytes = Array(text.utf8)
        guard error.offset > 0, error.offset <= bytes.count else {
            return SourcePosition(line: error.line, column: error.column)
        }
        var start = error.offset
        let last = bytes[start - 1]
        func isBareTokenByte(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte >= 0x80
        }
        if last == UInt8(ascii: "\""), start >= 2 {
            // Back to the opening quote: the nearest quote not escaped by a backslash.
            var index = start - 2
            while index > 0, !(bytes[index] == UInt8(ascii: "\"") && bytes[index - 1] != UInt8(ascii: "\\")) {
                index -= 1
            }
            start = bytes[index] == UInt8(ascii: "\"") ? index : start - 1
        } else if isBareTokenByte(last) {
            while start > 0, isBareTokenByte(bytes[start - 1]) { start -= 1 }
        } else {
            start -= 1
        }
        var line = 1
        var column = 1
        for byte in bytes[..<start] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourcePosition(line: line, column: column)
    }

    /// Whether a top-level object is a SAM or CloudFormation template rather than a definition.
    static func isTemplate(_ members: JSONObject) -> Bool {
        if members["States"] != nil { return false }
        return members["Resources"]?.objectValue != nil || members["AWSTemplateFormatVersion"] != nil
            || members["Transform"] != nil
    }

    static func readText(_ path: String) throws(DefinitionLoadError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DefinitionLoadError(.fileNotFound, file: path, message: "no such file")
        }
        if isDirectory.boolValue {
            throw DefinitionLoadError(.unreadable, file: path, message: "is a directory, not a file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DefinitionLoadError(.unreadable, file: path, message: "cannot be read (permission denied?)")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw DefinitionLoadError(.unreadable, file: path, message: "is not UTF-8 text")
        }
        // Editors on Windows may start files with a byte order mark, which JSON parsers refuse.
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        return text
    }
}

/// Picks and reads a state machine out of a template.
private struct TemplateLoader {
    let template: JSONObject
    let file: String
    let text: String
    let sourceMap: SourceMap
    let intrinsics: CloudFormationIntrinsics

    init(template: JSONObject, file: String, text: String, sourceMap: SourceMap, parameters: [String: String], account: AWSAccount) {
        self.template = template
        self.file = file
        self.text = text
        self.sourceMap = sourceMap
        self.intrinsics = CloudFormationIntrinsics(
            template: template, file: file, sourceMap: sourceMap, parameterOverrides: parameters, account: account)
    }

    private func failure(
        _ message: String, at pointer: JSONPointer, kind: DefinitionLoadError.Kind = .invalidDocument
    ) -> DefinitionLoadError {
        DefinitionLoadError(kind, file: file, location: sourceMap.position(of: pointer), message: message)
    }

    /// The logical ids of the template's state machine resources, in its order.
    var stateMachineNames: [String] {
        let resources = template["Resources"]?.objectValue ?? [:]
        return resources.filter { _, resource in
            resource["Type"]?.stringValue.map(DefinitionLoader.stateMachineTypes.contains) ?? false
        }.map(\.key)
    }

    func load(stateMachine requested: String?) throws(DefinitionLoadError) -> LoadedDefinition {
        let machines = stateMachineNames
        let chosen: String
        if let requested {
            guard machines.contains(requested) else {
                let known = machines.isEmpty ? "the template has none" : "it has: " + machines.joined(separator: ", ")
                throw DefinitionLoadError(
                    .stateMachineSelection, file: file,
                    message: "no state machine resource named '\(requested)'; \(known)")
            }
            chosen = requested
        } else if machines.count == 1, let only = machines.first {
            chosen = only
        } else if machines.isEmpty {
            throw DefinitionLoadError(
                .invalidDocument, file: file,
                message: "the template has no AWS::Serverless::StateMachine or AWS::StepFunctions::StateMachine resource")
        } else {
            throw DefinitionLoadError(
                .stateMachineSelection, file: file,
                message:
                    "the template has \(machines.count) state machines (\(machines.joined(separator: ", "))); choose one with --state-machine"
            )
        }
        return try loadMachine(chosen)
    }

    private func loadMachine(_ logicalID: String) throws(DefinitionLoadError) -> LoadedDefinition {
        var loaded = try loadDefinition(logicalID)
        loaded.machineType = try machineType(logicalID)
        if case .string(let name)? = template["Resources"]?[logicalID]?["Properties"]?["StateMachineName"] { loaded.deployedName = name }
        return loaded
    }

    /// `StateMachineType` (CloudFormation) or `Type` (SAM), STANDARD or EXPRESS.
    private func machineType(_ logicalID: String) throws(DefinitionLoadError) -> StateMachineType? {
        let resource = template["Resources"]?[logicalID]
        let field = resource?["Type"]?.stringValue == "AWS::Serverless::StateMachine" ? "Type" : "StateMachineType"
        let pointer = JSONPointer.root / "Resources" / logicalID / "Properties" / field
        guard let raw = resource?["Properties"]?[field] else { return nil }
        guard let text = try intrinsics.resolve(raw, at: pointer)?.stringValue, let type = StateMachineType(rawValue: text) else {
            throw failure("\(field) of '\(logicalID)' must be STANDARD or EXPRESS", at: pointer)
        }
        return type
    }

    private func loadDefinition(_ logicalID: String) throws(DefinitionLoadError) -> LoadedDefinition {
        let resourcePointer = JSONPointer.root / "Resources" / logicalID
        let propertiesPointer = resourcePointer / "Properties"
        guard let properties = template["Resources"]?[logicalID]?["Properties"]?.objectValue else {
            throw failure("state machine '\(logicalID)' has no Properties", at: resourcePointer)
        }
        let substitutions = try definitionSubstitutions(properties, at: propertiesPointer / "DefinitionSubstitutions")
        var warnings: [LoadWarning] = []

        if let definition = properties["Definition"] {
            let pointer = propertiesPointer / "Definition"
            guard let resolved = try intrinsics.resolve(definition, at: pointer), case .object = resolved else {
                throw failure("Definition of '\(logicalID)' must be an object", at: pointer)
            }
            let substituted = substitute(resolved, substitutions, warnings: &warnings)
            return LoadedDefinition(
                definition: substituted, sourceMap: sourceMap.subtree(at: pointer), file: file,
                stateMachine: logicalID, warnings: warnings)
        }
        if let definitionString = properties["DefinitionString"] {
            return try loadDefinitionString(
                definitionString, at: propertiesPointer / "DefinitionString", substitutions: substitutions,
                logicalID: logicalID)
        }
        if let uri = properties["DefinitionUri"] {
            return try loadDefinitionURI(uri, at: propertiesPointer / "DefinitionUri", substitutions: substitutions, logicalID: logicalID)
        }
        if properties["DefinitionS3Location"] != nil {
            throw failure(
                "'\(logicalID)' reads its definition from S3 (DefinitionS3Location), which cannot be read locally; use Definition, DefinitionString or a local DefinitionUri",
                at: propertiesPointer / "DefinitionS3Location", kind: .notLocal)
        }
        throw failure(
            "state machine '\(logicalID)' has no Definition, DefinitionString or DefinitionUri", at: propertiesPointer)
    }

    private func definitionSubstitutions(_ properties: JSONObject, at pointer: JSONPointer) throws(DefinitionLoadError) -> [String: String]
    {
        guard let raw = properties["DefinitionSubstitutions"] else { return [:] }
        guard case .object(let members)? = try intrinsics.resolve(raw, at: pointer) else {
            throw failure("DefinitionSubstitutions must be a map of names to strings", at: pointer)
        }
        var substitutions: [String: String] = [:]
        for (name, value) in members {
            guard let text = CloudFormationIntrinsics.text(of: value) else {
                throw failure("DefinitionSubstitutions value '\(name)' must be a string, not \(value.typeName)", at: pointer / name)
            }
            substitutions[name] = text
        }
        return substitutions
    }

    private func loadDefinitionString(
        _ raw: JSON, at pointer: JSONPointer, substitutions: [String: String], logicalID: String
    ) throws(DefinitionLoadError) -> LoadedDefinition {
        guard let resolved = try intrinsics.resolve(raw, at: pointer), case .string(let resolvedText) = resolved else {
            throw failure("DefinitionString of '\(logicalID)' must be a string", at: pointer)
        }
        var unresolved: Set<String> = []
        let definitionText = Placeholders.replace(in: resolvedText) { name in
            if let value = substitutions[name] { return value }
            unresolved.insert(name)
            return nil
        }
        let stringLocation = sourceMap.valuePosition(of: pointer) ?? SourcePosition(line: 1, column: 1)
        let translate = positionTranslation(
            stringAt: stringLocation, isLiteral: raw.stringValue != nil, original: resolvedText, substituted: definitionText)
        let (definition, innerMap): (JSON, SourceMap)
        do {
            (definition, innerMap) = try DefinitionLoader.parseDocument(text: definitionText, file: file, format: .json)
        } catch {
            var located = error
            if let inner = error.location, let outer = translate?(inner) {
                located.location = outer
            } else {
                located.location = stringLocation
                if let inner = error.location {
                    located.message += " (line \(inner.line), column \(inner.column) of the DefinitionString)"
                }
            }
            throw located
        }
        let map = translate.map { innerMap.remapped($0) } ?? SourceMap.single(file: file, at: stringLocation)
        return LoadedDefinition(
            definition: definition, sourceMap: map, file: file, stateMachine: logicalID,
            warnings: Self.unresolvedWarnings(unresolved.map { ($0, JSONPointer.root) }))
    }

    /// How a position inside a DefinitionString's text becomes a position in the template, when
    /// that is knowable: a YAML literal block (`|`) whose line structure substitution kept, or a
    /// JSON string literal that nothing changed.
    private func positionTranslation(
        stringAt location: SourcePosition, isLiteral: Bool, original: String, substituted: String
    ) -> ((SourcePosition) -> SourcePosition?)? {
        if lineCount(original) == lineCount(substituted), let origin = blockScalarOrigin(at: location) {
            return { SourcePosition(line: $0.line + origin.line, column: $0.column + origin.column) }
        }
        if isLiteral, original == substituted, let positions = JSONStringLiteral.sourcePositions(in: text, at: location) {
            return { inner in positions[inner.line]?[inner.column] }
        }
        return nil
    }

    private func lineCount(_ text: String) -> Int { text.utf8.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 } }

    /// When the string at `location` is a YAML literal block (`|`, possibly after `!Sub`),
    /// the line and column offsets that turn a position inside the string into a template
    /// position.
    private func blockScalarOrigin(at location: SourcePosition) -> SourcePosition? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard location.line >= 1, location.line <= lines.count else { return nil }
        let header = lines[location.line - 1].unicodeScalars.dropFirst(location.column - 1)
        var indicator = String(String.UnicodeScalarView(header)).trimmingCharacters(in: .whitespaces)
        if indicator.hasPrefix("!Sub") { indicator = indicator.dropFirst(4).trimmingCharacters(in: .whitespaces) }
        if let comment = indicator.firstIndex(of: "#") { indicator = String(indicator[..<comment]).trimmingCharacters(in: .whitespaces) }
        guard indicator.hasPrefix("|"), indicator.dropFirst().allSatisfy({ "+-0123456789".contains($0) }) else { return nil }
        for line in lines.dropFirst(location.line) where !line.allSatisfy({ $0 == " " || $0 == "\r" }) {
            let indent = line.prefix { $0 == " " }.count
            return SourcePosition(line: location.line, column: indent)
        }
        return nil
    }

    private func loadDefinitionURI(
        _ raw: JSON, at pointer: JSONPointer, substitutions: [String: String], logicalID: String
    ) throws(DefinitionLoadError) -> LoadedDefinition {
        guard case .string(let uri)? = try intrinsics.resolve(raw, at: pointer), !uri.lowercased().hasPrefix("s3://") else {
            throw failure(
                "'\(logicalID)' reads its definition from S3 (DefinitionUri), which cannot be read locally; use a local path",
                at: pointer, kind: .notLocal)
        }
        let base = URL(fileURLWithPath: file).deletingLastPathComponent()
        let path = uri.hasPrefix("/") ? uri : base.appendingPathComponent(uri).path
        let text: String
        do {
            text = try DefinitionLoader.readText(path)
        } catch {
            throw failure("DefinitionUri '\(uri)' of '\(logicalID)': \(path) \(error.message)", at: pointer, kind: error.kind)
        }
        let (definition, map) = try DefinitionLoader.parseDocument(text: text, file: path, format: SourceFormat(fileName: path))
        var warnings: [LoadWarning] = []
        let substituted = substitute(definition, substitutions, warnings: &warnings)
        return LoadedDefinition(definition: substituted, sourceMap: map, file: path, stateMachine: logicalID, warnings: warnings)
    }

    /// Replaces placeholders in every string and key of a definition.
    private func substitute(_ definition: JSON, _ substitutions: [String: String], warnings: inout [LoadWarning]) -> JSON {
        var unresolved: [String: JSONPointer] = [:]
        func replace(_ text: String, at pointer: JSONPointer) -> String {
            Placeholders.replace(in: text) { name in
                if let value = substitutions[name] { return value }
                if unresolved[name] == nil { unresolved[name] = pointer }
                return nil
            }
        }
        func walk(_ value: JSON, at pointer: JSONPointer) -> JSON {
            switch value {
            case .string(let text): return .string(replace(text, at: pointer))
            case .array(let elements):
                return .array(elements.enumerated().map { walk($0.element, at: pointer / $0.offset) })
            case .object(let members):
                var result = JSONObject(minimumCapacity: members.count)
                for (key, member) in members {
                    result[replace(key, at: pointer / key)] = walk(member, at: pointer / key)
                }
                return .object(result)
            default: return value
            }
        }
        let result = walk(definition, at: .root)
        warnings += Self.unresolvedWarnings(unresolved.map { ($0.key, $0.value) })
        return result
    }

    private static func unresolvedWarnings(_ placeholders: [(name: String, pointer: JSONPointer)]) -> [LoadWarning] {
        placeholders.sorted { $0.name < $1.name }.map { placeholder in
            LoadWarning(
                "placeholder ${\(placeholder.name)} has no DefinitionSubstitutions entry and was left as written",
                at: placeholder.pointer)
        }
    }
}

/// Where each character of a JSON string literal's decoded text was written.
enum JSONStringLiteral {
    /// For the string literal whose opening quote is at `location`: decoded line → decoded column
    /// → source position (1-based throughout, columns in Unicode scalars). `nil` when there is no
    /// string literal there.
    static func sourcePositions(in text: String, at location: SourcePosition) -> [Int: [Int: SourcePosition]]? {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        var line = 1
        while line < location.line, index < scalars.count {
            if scalars[index] == "\n" { line += 1 }
            index += 1
        }
        index += location.column - 1
        guard index < scalars.count, scalars[index] == "\"" else { return nil }
        var sourceColumn = location.column + 1
        index += 1
        var table: [Int: [Int: SourcePosition]] = [:]
        var decodedLine = 1
        var decodedColumn = 1
        func emit(_ decoded: Unicode.Scalar, from column: Int) {
            table[decodedLine, default: [:]][decodedColumn] = SourcePosition(line: location.line, column: column)
            if decoded == "\n" {
                decodedLine += 1
                decodedColumn = 1
            } else {
                decodedColumn += 1
            }
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\"" || scalar == "\n" { return table }
            let start = sourceColumn
            if scalar == "\\", index + 1 < scalars.count {
                let escape = scalars[index + 1]
                if escape == "u", index + 5 < scalars.count,
                    let unit = UInt32(String(String.UnicodeScalarView(scalars[(index + 2)...(index + 5)])), radix: 16)
                {
                    index += 6
                    sourceColumn += 6
                    // Surrogate pairs take two escapes for one scalar; the position is the first's.
                    if (0xD800..<0xDC00).contains(unit), index + 5 < scalars.count, scalars[index] == "\\", scalars[index + 1] == "u" {
                        index += 6
                        sourceColumn += 6
                        emit("\u{FFFD}", from: start)
                    } else {
                        emit(Unicode.Scalar(unit) ?? "\u{FFFD}", from: start)
                    }
                    continue
                }
                let decoded: Unicode.Scalar = escape == "n" ? "\n" : escape
                index += 2
                sourceColumn += 2
                emit(decoded, from: start)
                continue
            }
            index += 1
            sourceColumn += 1
            emit(scalar, from: start)
        }
        return table
    }
}
