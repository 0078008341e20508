import SFNJSON
import SFNLanguage

/// Where a Distributed Map's ItemReader reads: the S3 call's arguments and the item limit,
/// evaluated before the Map Run starts (AWS fails the state on a MaxItemsPath that is not an
/// integer, and the Map Run on one that is negative).
struct ItemReading: Sendable {
    var reader: ItemReader
    var bucket: String
    var key: String?
    var prefix: String
    /// MaxItems as given (nil: none).
    var maxItems: Int?

    /// AWS reads at most 100,000,000 items.
    static let itemCap = 100_000_000

    /// How many items to read: MaxItems, where 0 (and none) means AWS's cap.
    func limit() throws(StatesError) -> Int {
        guard let maxItems else { return Self.itemCap }
        guard maxItems >= 0 else { throw StatesError.itemReaderFailure("field MaxItems must be positive") }
        return maxItems == 0 ? Self.itemCap : min(maxItems, Self.itemCap)
    }

    var source: String { "s3://\(bucket)/\(key ?? prefix)" }
}

extension Interpreter {
    /// The ItemReader's arguments (Bucket and Key or Prefix) and MaxItems, evaluated against the
    /// Map's effective input.
    func itemReading(
        _ reader: ItemReader, _ entry: StateEntry, effective: JSON, context: JSON, path: PathContext
    ) throws(StatesError) -> ItemReading {
        var maxItems: Int?
        if let source = reader.maxItems {
            let value: JSON?
            do {
                value = try resolve(source, entry, input: effective, context: context, path: path)
            } catch {
                throw stateFailure(error, entry)
            }
            guard let value, let count = value.intValue else {
                let shown = value.map { $0.stringValue ?? $0.compactText } ?? "null"
                if case .path(let expression, _) = source {
                    throw stateFailure(
                        StatesError.runtime(
                            "The MaxItemsPath field refers to value \"\(shown)\" which is not a valid integer: \(expression.text)"),
                        entry)
                }
                throw stateFailure(StatesError.runtime("The MaxItems field must be an integer, found \(shown)"), entry)
            }
            maxItems = count
        }
        let arguments = try s3Arguments(reader.arguments, entry, effective: effective, context: context, path: path)
        guard let bucket = arguments["Bucket"]?.stringValue else {
            throw StatesError.itemReaderFailure("The ItemReader's arguments name no Bucket: \(arguments.compactText)")
        }
        let listing = reader.resource.hasSuffix("s3:listObjectsV2")
        let key = arguments["Key"]?.stringValue
        if !listing && key == nil {
            throw StatesError.itemReaderFailure("The ItemReader's arguments name no Key: \(arguments.compactText)")
        }
        return ItemReading(
            reader: reader, bucket: bucket, key: listing ? nil : key, prefix: arguments["Prefix"]?.stringValue ?? "", maxItems: maxItems)
    }

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

/// A Distributed Map's items, read as the Map Run asks for them: a JSON array held whole (the
/// state input's items, a JSON object's array, the listed objects), or JSON Lines and CSV rows
/// parsed from the object a piece at a time, so a large object is never held whole.
///
/// One task (the Map Run's) owns it.
final class ItemFeed {
    private enum Source {
        case values([JSON], next: Int)
        case lines(any ObjectReader, LineSplitter)
        case csv(any ObjectReader, CSVRowParser, headers: [String]?)
        case ended
    }

    private var source: Source
    private let limit: Int
    private let name: String
    /// Items handed out so far.
    private(set) var count = 0

    private init(_ source: Source, limit: Int, name: String) {
        self.source = source
        self.limit = limit
        self.name = name
    }

    /// Items already in hand (the Map's input items).
    init(items: [JSON]) {
        source = .values(items, next: 0)
        limit = Int.max
        name = "the state input"
    }

    /// Opens what the ItemReader names, through `store`.
    static func open(_ reading: ItemReading, store: any ObjectStore) async throws(StatesError) -> ItemFeed {
        let limit = try reading.limit()
        let reader = reading.reader
        guard let key = reading.key else {
            let objects = try await store.objects(bucket: reading.bucket, prefix: reading.prefix)
            let items: [JSON] = objects.prefix(limit).map { object in
                [
                    "Etag": .string(object.etag), "Key": .string(object.key), "LastModified": .int(Int(object.lastModified / 1000)),
                    "Size": .int(object.size), "StorageClass": "STANDARD",
                ]
            }
            return ItemFeed(.values(items, next: 0), limit: limit, name: reading.source)
        }
        switch reader.inputType ?? "JSON" {
        case "JSON":
            let bytes = try await store.object(bucket: reading.bucket, key: key)
            guard case .array(let array)? = try? JSON(parsing: String(decoding: bytes, as: UTF8.self)) else {
                throw StatesError.itemReaderFailure("Attempting to map over non-iterable node.")
            }
            return ItemFeed(.values(array, next: 0), limit: limit, name: reading.source)
        case "JSONL":
            let object = try await store.reader(bucket: reading.bucket, key: key)
            return ItemFeed(.lines(object, LineSplitter()), limit: limit, name: reading.source)
        case "CSV":
            var headers: [String]?
            if reader.csvHeaderLocation == "GIVEN" {
                guard let given = reader.csvHeaders, !given.isEmpty else {
                    throw StatesError.itemReaderFailure("CSVHeaderLocation is GIVEN but no CSVHeaders are given")
                }
                try CSVRowParser.checkHeaders(given)
                headers = given
            }
            let object = try await store.reader(bucket: reading.bucket, key: key)
            return ItemFeed(
                .csv(object, CSVRowParser(delimiter: CSVRowParser.delimiter(reader.csvDelimiter)), headers: headers), limit: limit,
                name: reading.source)
        case let other:
            throw StatesError.itemReaderFailure(
                "sfn does not read ItemReader InputType \(other): give the items as JSON, JSONL or CSV, or list them with s3:listObjectsV2")
        }
    }

    /// The next item, or nil after the last.
    func next() async throws(StatesError) -> JSON? {
        guard count < limit else { return nil }
        while true {
            switch source {
            case .ended:
                return nil
            case .values(let items, let index):
                guard index < items.count else {
                    source = .ended
                    return nil
                }
                source = .values(items, next: index + 1)
                count += 1
                return items[index]
            case .lines(let object, var splitter):
                source = .ended  // while the splitter is out, so it is not copied
                if let line = splitter.nextLine() {
                    source = .lines(object, splitter)
                    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                    guard let value = try? JSON(parsing: String(decoding: line, as: UTF8.self)) else {
                        throw StatesError.itemReaderFailure("Line \(splitter.lineNumber) of \(name) is not JSON")
                    }
                    count += 1
                    return value
                }
                if let piece = try await object.next() {
                    splitter.add(piece)
                } else {
                    guard splitter.finish() else { return nil }
                }
                source = .lines(object, splitter)
            case .csv(let object, var parser, let headers):
                source = .ended
                if let row = parser.nextRow() {
                    guard let headers else {
                        try CSVRowParser.checkHeaders(row)
                        source = .csv(object, parser, headers: row)
                        continue
                    }
                    source = .csv(object, parser, headers: headers)
                    if row == [""] { continue }
                    // Missing fields are empty strings, fields past the headers are dropped (as AWS does).
                    var item: JSONObject = [:]
                    for (index, header) in headers.enumerated() { item[header] = .string(index < row.count ? row[index] : "") }
                    count += 1
                    return .object(item)
                }
                if let piece = try await object.next() {
                    parser.add(piece)
                } else {
                    guard try parser.finish(source: name) else { return nil }
                }
                source = .csv(object, parser, headers: headers)
            }
        }
    }
}

/// Lines of bytes split from pieces as they arrive (`\n`, or `\r\n`).
struct LineSplitter {
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false
    private(set) var lineNumber = 0

    mutating func add(_ piece: [UInt8]) {
        if start > 0 && start * 2 >= buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: piece)
    }

    /// Marks the end: what is left is the last line. False when nothing is left.
    mutating func finish() -> Bool {
        ended = true
        return start < buffer.count
    }

    mutating func nextLine() -> ArraySlice<UInt8>? {
        guard start < buffer.count else { return nil }
        if let newline = buffer[start...].firstIndex(of: 0x0A) {
            var line = buffer[start..<newline]
            if line.last == 0x0D { line = line.dropLast() }
            start = newline + 1
            lineNumber += 1
            return line
        }
        guard ended else { return nil }
        let line = buffer[start...]
        start = buffer.count
        lineNumber += 1
        return line.last == 0x0D ? line.dropLast() : line
    }
}

/// CSV as AWS's ItemReader reads it (RFC 4180), a piece at a time: quoted fields may hold
/// delimiters, quotes (doubled) and line breaks, and may span pieces.
struct CSVRowParser {
    private enum Mode { case unquoted, quoted, quoteInQuoted }

    let delimiter: UInt8
    private var mode = Mode.unquoted
    private var field: [UInt8] = []
    private var row: [String] = []
    private var rows: [[String]] = []
    private var rowIndex = 0
    private var afterCarriageReturn = false

    init(delimiter: UInt8) { self.delimiter = delimiter }

    static func delimiter(_ name: String) -> UInt8 {
        switch name {
        case "PIPE": UInt8(ascii: "|")
        case "SEMICOLON": UInt8(ascii: ";")
        case "SPACE": UInt8(ascii: " ")
        case "TAB": UInt8(ascii: "\t")
        default: UInt8(ascii: ",")
        }
    }

    static func checkHeaders(_ headers: [String]) throws(StatesError) {
        if Set(headers).count != headers.count { throw StatesError.itemReaderFailure("CSV headers cannot contain duplicates.") }
    }

    mutating func nextRow() -> [String]? {
        guard rowIndex < rows.count else {
            rows.removeAll(keepingCapacity: true)
            rowIndex = 0
            return nil
        }
        defer { rowIndex += 1 }
        return rows[rowIndex]
    }

    private mutating func endField() {
        row.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
    }

    private mutating func endRow() {
        endField()
        rows.append(row)
        row = []
    }

    mutating func add(_ piece: [UInt8]) {
        let quote = UInt8(ascii: "\"")
        for byte in piece {
            if afterCarriageReturn {
                afterCarriageReturn = false
                if byte == 0x0A { continue }
            }
            switch mode {
            case .quoted:
                if byte == quote { mode = .quoteInQuoted } else { field.append(byte) }
                continue
            case .quoteInQuoted:
                if byte == quote {
                    field.append(quote)
                    mode = .quoted
                    continue
                }
                mode = .unquoted
            case .unquoted:
                break
            }
            if byte == quote && field.isEmpty {
                mode = .quoted
            } else if byte == delimiter {
                endField()
            } else if byte == 0x0A || byte == 0x0D {
                afterCarriageReturn = byte == 0x0D
                endRow()
            } else {
                field.append(byte)
            }
        }
    }

    /// The end of the object: a last row without a line break. False when no row is left.
    mutating func finish(source: String) throws(StatesError) -> Bool {
        if mode == .quoted { throw StatesError.itemReaderFailure("\(source) ends inside a quoted field") }
        mode = .unquoted
        guard !field.isEmpty || !row.isEmpty else { return false }
        endRow()
        return true
    }
}
