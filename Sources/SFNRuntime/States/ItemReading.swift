import SFNJSON
import SFNLanguage

extension Interpreter {
    /// A Map's items from its ItemReader: an S3 object's content (JSON array, JSON Lines, CSV
    /// rows) or the objects under a prefix, read through the configuration's object store.
    func readItems(
        _ reader: ItemReader, _ entry: StateEntry, effective: JSON, context: JSON, path: PathContext
    ) async throws(StatesError) -> [JSON] {
        let arguments = try s3Arguments(reader.arguments, entry, effective: effective, context: context, path: path)
        guard let store = run.configuration.objects else {
            throw StatesError.itemReaderFailure(
                "No S3 store is configured for ItemReader: give sfn a folder standing for S3 (--s3 DIR) or set RuntimeConfiguration.objects."
            )
        }
        guard let bucket = arguments["Bucket"]?.stringValue else {
            throw StatesError.itemReaderFailure("The ItemReader's arguments name no Bucket: \(arguments.compactText)")
        }
        var limit = Int.max
        if let source = reader.maxItems {
            let value = try resolve(source, entry, input: effective, context: context, path: path)
            guard let count = value?.intValue, count >= 0 else {
                throw StatesError.itemReaderFailure("MaxItems must be a non-negative integer, found \(value?.compactText ?? "nothing")")
            }
            if count > 0 { limit = count }
        }
        var items: [JSON] = []
        if reader.resource.hasSuffix("s3:listObjectsV2") {
            let prefix = arguments["Prefix"]?.stringValue ?? ""
            for object in try await store.objects(bucket: bucket, prefix: prefix).prefix(limit) {
                items.append([
                    "Etag": .string(object.etag), "Key": .string(object.key), "LastModified": .int(Int(object.lastModified / 1000)),
                    "Size": .int(object.size), "StorageClass": "STANDARD",
                ])
            }
            return items
        }
        guard let key = arguments["Key"]?.stringValue else {
            throw StatesError.itemReaderFailure("The ItemReader's arguments name no Key: \(arguments.compactText)")
        }
        let bytes = try await store.object(bucket: bucket, key: key)
        switch reader.inputType ?? "JSON" {
        case "JSON":
            guard case .array(let array)? = try? JSON(parsing: String(decoding: bytes, as: UTF8.self)) else {
                throw StatesError.itemReaderFailure(
                    "Attempting to map over non-iterable node. The content of s3://\(bucket)/\(key) is not a JSON array.")
            }
            items = Array(array.prefix(limit))
        case "JSONL":
            var number = 0
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true) {
                number += 1
                let text = line.hasSuffix("\r") ? line.dropLast() : line
                if text.allSatisfy(\.isWhitespace) { continue }
                guard let value = try? JSON(parsing: String(text)) else {
                    throw StatesError.itemReaderFailure("Line \(number) of s3://\(bucket)/\(key) is not JSON")
                }
                items.append(value)
                if items.count == limit { break }
            }
        case "CSV":
            items = try CSVItems.read(bytes, reader: reader, limit: limit, source: "s3://\(bucket)/\(key)")
        case let other:
            throw StatesError.itemReaderFailure("sfn does not read ItemReader InputType \(other) yet")
        }
        return items
    }
}

extension Interpreter {
    /// An ItemReader's or ResultWriter's `Parameters` (JSONPath) or `Arguments` (JSONata): the
    /// Bucket and Key or Prefix.
    func s3Arguments(
        _ arguments: Assignment?, _ entry: StateEntry, effective: JSON, context: JSON, path: PathContext
    ) throws(StatesError) -> JSON {
        do {
            switch arguments {
            case .jsonPath(let template)?: return try template.evaluate(scope(effective, context: context, path: path))
            case .jsonata(let template)?: return try template.evaluate(jsonataBindings(entry, context: context, path: path))
            case nil: return .emptyObject
            }
        } catch {
            throw stateFailure(error, entry)
        }
    }
}

/// CSV as AWS's ItemReader reads it (RFC 4180): each row after the header is an object of
/// strings keyed by the header's names; quoted fields may hold delimiters, quotes (doubled) and
/// line breaks.
enum CSVItems {
    static func read(_ bytes: [UInt8], reader: ItemReader, limit: Int, source: String) throws(StatesError) -> [JSON] {
        let delimiter: UInt8
        switch reader.csvDelimiter {
        case "PIPE": delimiter = UInt8(ascii: "|")
        case "SEMICOLON": delimiter = UInt8(ascii: ";")
        case "SPACE": delimiter = UInt8(ascii: " ")
        case "TAB": delimiter = UInt8(ascii: "\t")
        default: delimiter = UInt8(ascii: ",")
        }
        var rows = try self.rows(bytes, delimiter: delimiter, source: source)
        let headers: [String]
        if reader.csvHeaderLocation == "GIVEN" {
            guard let given = reader.csvHeaders, !given.isEmpty else {
                throw StatesError.itemReaderFailure("CSVHeaderLocation is GIVEN but no CSVHeaders are given")
            }
            headers = given
        } else {
            guard !rows.isEmpty else { return [] }
            headers = rows.removeFirst()
        }
        var items: [JSON] = []
        for (number, row) in rows.enumerated() {
            if row == [""] { continue }
            guard row.count <= headers.count else {
                throw StatesError.itemReaderFailure(
                    "Row \(number + 1) of \(source) has \(row.count) fields, more than the \(headers.count) headers")
            }
            var item: JSONObject = [:]
            for (index, header) in headers.enumerated() { item[header] = .string(index < row.count ? row[index] : "") }
            items.append(.object(item))
            if items.count == limit { break }
        }
        return items
    }

    static func rows(_ bytes: [UInt8], delimiter: UInt8, source: String) throws(StatesError) -> [[String]] {
        let quote = UInt8(ascii: "\"")
        var rows: [[String]] = []
        var row: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var index = 0
        func endField() {
            row.append(String(decoding: field, as: UTF8.self))
            field = []
        }
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == quote {
                    if index + 1 < bytes.count, bytes[index + 1] == quote {
                        field.append(quote)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(byte)
                }
            } else if byte == quote && field.isEmpty {
                quoted = true
            } else if byte == delimiter {
                endField()
            } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                if byte == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                endField()
                rows.append(row)
                row = []
            } else {
                field.append(byte)
            }
            index += 1
        }
        if quoted { throw StatesError.itemReaderFailure("\(source) ends inside a quoted field") }
        if !field.isEmpty || !row.isEmpty {
            endField()
            rows.append(row)
        }
        return rows
    }
}
