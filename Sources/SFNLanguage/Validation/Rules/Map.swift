import SFNJSON

// Map: the item processor, where items come from and how they are shaped, concurrency, tolerance,
// and the distributed Map's reader, batcher and writer.

extension DefinitionParser {
    mutating func map(_ reader: inout FieldReader, depth: Int) -> StateKind? {
        let pointer = reader.pointer
        let fields = reader.fields
        let processorField: String
        switch (fields["ItemProcessor"], fields["Iterator"]) {
        case (.some, nil): processorField = "ItemProcessor"
        case (nil, .some): processorField = "Iterator"
        case (nil, nil):
            report(.requiredFields(["ItemProcessor"], at: pointer))
            return nil
        default:
            report(.exclusiveFields(["ItemProcessor", "Iterator"], at: pointer))
            return nil
        }
        let processorPointer = pointer / processorField
        guard case .object(let processorFields)? = fields[processorField] else {
            report(.wrongType(processorField, expected: "an object", at: processorPointer))
            return nil
        }
        let config = processorConfig(processorFields["ProcessorConfig"], at: processorPointer / "ProcessorConfig")
        let processor = machine(
            processorFields, at: processorPointer, language: machineLanguage, scope: .itemProcessor, depth: depth + 1)

        if fields["ItemSelector"] != nil, fields["Parameters"] != nil {
            report(.exclusiveFields(["ItemSelector", "Parameters"], at: pointer))
        }
        var itemSelector: Assignment?
        switch reader.language {
        case .jsonPath:
            if let template = payloadTemplate(&reader, "ItemSelector") ?? payloadTemplate(&reader, "Parameters") {
                itemSelector = .jsonPath(template)
            }
        case .jsonata:
            itemSelector = reader.jsonata("ItemSelector").map { .jsonata($0) }
        }
        var items: JSONataValue?
        if let value = fields["Items"] {
            let isExpression = value.stringValue.flatMap(JSONataValue.expressionSource) != nil
            if value.arrayValue != nil || isExpression {
                items = reader.jsonata("Items")
            } else {
                report(.expectedJSONataExpression("Items", expected: "an array", at: pointer / "Items"))
            }
        }
        var itemsPath = PathSelection.whole
        if let path = reader.referencePath("ItemsPath"), !path.isRoot { itemsPath = .path(path.expression) }
        let maxConcurrency = reader.number("MaxConcurrency", pathField: "MaxConcurrencyPath", minimum: 0, maximum: Int.max)
        let toleratedCount = reader.number(
            "ToleratedFailureCount", pathField: "ToleratedFailureCountPath", minimum: 0, maximum: Int.max)
        let toleratedPercentage = reader.percentage("ToleratedFailurePercentage", pathField: "ToleratedFailurePercentagePath")
        let label = self.label(fields["Label"], at: pointer / "Label")
        let itemReader = mapConfiguration(
            fields, "ItemReader", allowed: FieldTable.itemReaderFields, required: ["Resource"], at: pointer,
            language: reader.language, resources: ["s3:getObject", "s3:listObjectsV2"])
        let compiledReader = itemReader.flatMap {
            self.reader($0.objectValue ?? [:], at: pointer / "ItemReader", language: reader.language)
        }
        let itemBatcher = mapConfiguration(
            fields, "ItemBatcher", allowed: FieldTable.itemBatcherFields, required: [], at: pointer,
            language: reader.language
        ).map { batcher(($0.objectValue ?? [:]), at: pointer / "ItemBatcher", language: reader.language) }
        let resultWriter = mapConfiguration(
            fields, "ResultWriter", allowed: FieldTable.resultWriterFields, required: [], at: pointer,
            language: reader.language, resources: ["s3:putObject"])
        if let resultWriter { checkResultWriter(resultWriter, at: pointer / "ResultWriter", language: reader.language) }
        let compiledWriter = resultWriter.map {
            self.writer($0.objectValue ?? [:], at: pointer / "ResultWriter", language: reader.language)
        }
        guard let processor else { return nil }
        return .map(
            MapState(
                itemProcessor: processor, processorConfig: config, usesLegacyIterator: processorField == "Iterator",
                itemsPath: itemsPath, items: items, itemSelector: itemSelector, itemReader: itemReader, reader: compiledReader,
                resultWriter: resultWriter, writer: compiledWriter, itemBatcher: itemBatcher, maxConcurrency: maxConcurrency,
                toleratedFailureCount: toleratedCount, toleratedFailurePercentage: toleratedPercentage, label: label))
    }

    /// ItemReader compiled: its arguments, its ReaderConfig (the CSV settings, MaxItems).
    mutating func reader(_ fields: JSONObject, at pointer: JSONPointer, language: QueryLanguage) -> ItemReader? {
        guard case .string(let resource)? = fields["Resource"] else { return nil }
        var result = ItemReader(resource: resource)
        var fieldReader = FieldReader(fields: fields, pointer: pointer, language: language)
        switch language {
        case .jsonPath:
            if let parameters = fields["Parameters"],
                let template = payloadTemplate(parameters, field: "Parameters", at: pointer / "Parameters")
            {
                result.arguments = .jsonPath(template)
            }
        case .jsonata:
            result.arguments = fieldReader.jsonata("Arguments").map { .jsonata($0) }
        }
        diagnostics += fieldReader.diagnostics
        guard case .object(let config)? = fields["ReaderConfig"] else { return result }
        result.inputType = config["InputType"]?.stringValue
        if let location = config["CSVHeaderLocation"]?.stringValue { result.csvHeaderLocation = location }
        if let delimiter = config["CSVDelimiter"]?.stringValue { result.csvDelimiter = delimiter }
        if case .array(let headers)? = config["CSVHeaders"] { result.csvHeaders = headers.compactMap(\.stringValue) }
        var configReader = FieldReader(fields: config, pointer: pointer / "ReaderConfig", language: language)
        result.maxItems = configReader.number("MaxItems", pathField: "MaxItemsPath", minimum: 0, maximum: 100_000_000)
        diagnostics += configReader.diagnostics
        return result
    }

    /// ResultWriter compiled: its Resource and its arguments.
    mutating func writer(_ fields: JSONObject, at pointer: JSONPointer, language: QueryLanguage) -> ResultWriter {
        var result = ResultWriter(resource: fields["Resource"]?.stringValue)
        if case .object(let config)? = fields["WriterConfig"] {
            result.transformation = config["Transformation"]?.stringValue
            result.outputType = config["OutputType"]?.stringValue
        }
        switch language {
        case .jsonPath:
            if let parameters = fields["Parameters"],
                let template = payloadTemplate(parameters, field: "Parameters", at: pointer / "Parameters")
            {
                result.arguments = .jsonPath(template)
            }
        case .jsonata:
            var fieldReader = FieldReader(fields: fields, pointer: pointer, language: language)
            result.arguments = fieldReader.jsonata("Arguments").map { .jsonata($0) }
            diagnostics += fieldReader.diagnostics
        }
        return result
    }

    /// ItemBatcher's sizes (literal, from a path, or JSONata) and its BatchInput.
    mutating func batcher(_ fields: JSONObject, at pointer: JSONPointer, language: QueryLanguage) -> ItemBatcher {
        var reader = FieldReader(fields: fields, pointer: pointer, language: language)
        let batcher = ItemBatcher(
            maxItemsPerBatch: reader.number("MaxItemsPerBatch", pathField: "MaxItemsPerBatchPath", minimum: 0, maximum: Int.max),
            maxInputBytesPerBatch: reader.number(
                "MaxInputBytesPerBatch", pathField: "MaxInputBytesPerBatchPath", minimum: 0, maximum: Int.max),
            batchInput: fields["BatchInput"])
        diagnostics += reader.diagnostics
        return batcher
    }

    /// A ResultWriter says where results go (a Resource with its bucket), how to shape them
    /// (WriterConfig), or both; AWS refuses an empty one and a Resource given no bucket.
    mutating func checkResultWriter(_ writer: JSON, at pointer: JSONPointer, language: QueryLanguage) {
        let members = writer.objectValue ?? [:]
        if members["Resource"] == nil, members["WriterConfig"] == nil {
            report(.requiredOneOf(["Resource", "WriterConfig"], at: pointer))
        }
        let destination = language == .jsonPath ? "Parameters" : "Arguments"
        if members["Resource"] != nil, members[destination] == nil {
            report(.requiredFields([destination], at: pointer))
        }
    }

    /// ItemReader, ItemBatcher, ResultWriter: known fields only, a string `Resource`, and
    /// compiled `Parameters` / `Arguments`. Kept as written in the model.
    mutating func mapConfiguration(
        _ fields: JSONObject, _ field: String, allowed: Set<String>, required: [String], at statePointer: JSONPointer,
        language: QueryLanguage, resources: [String] = []
    ) -> JSON? {
        guard let value = object(fields, field, at: statePointer) else { return nil }
        let pointer = statePointer / field
        let members = value.objectValue ?? [:]
        for key in members.keys {
            if !allowed.contains(key) {
                report(.unsupportedField(key, at: pointer))
            } else if !FieldTable.belongs(key, to: language) {
                report(.fieldNotInLanguage(key, language: language, at: pointer / key))
            }
        }
        let missing = required.filter { members[$0] == nil }
        if !missing.isEmpty { report(.requiredFields(missing, at: pointer)) }
        if let resource = members["Resource"] {
            if case .string(let text) = resource {
                if !MapResources.matches(text, anyOf: resources) {
                    report(.resourceNotAllowed(resources.map(MapResources.example), at: pointer / "Resource"))
                }
            } else {
                report(.wrongType("Resource", expected: "a string", at: pointer / "Resource"))
            }
        }
        for key in ["ReaderConfig", "WriterConfig", "BatchInput"] where members[key] != nil {
            _ = object(members, key, at: pointer)
        }
        checkEnumeration(members["ReaderConfig"], "InputType", MapResources.inputTypes, at: pointer / "ReaderConfig")
        checkEnumeration(members["WriterConfig"], "Transformation", MapResources.transformations, at: pointer / "WriterConfig")
        checkEnumeration(members["WriterConfig"], "OutputType", MapResources.outputTypes, at: pointer / "WriterConfig")
        if language == .jsonPath, let parameters = members["Parameters"] {
            _ = payloadTemplate(parameters, field: "Parameters", at: pointer / "Parameters")
        }
        if language == .jsonata, members["Arguments"] != nil {
            var nested = FieldReader(fields: members, pointer: pointer, language: language)
            _ = nested.jsonata("Arguments")
            diagnostics += nested.diagnostics
        }
        return value
    }

    mutating func checkEnumeration(_ container: JSON?, _ field: String, _ allowed: [String], at pointer: JSONPointer) {
        guard let value = container?[field] else { return }
        if let text = value.stringValue, allowed.contains(text) { return }
        report(.valueNotAllowed(field, value: value, allowed: allowed, at: pointer / field))
    }

    mutating func processorConfig(_ value: JSON?, at pointer: JSONPointer) -> ProcessorConfig {
        var config = ProcessorConfig()
        guard let value else { return config }
        guard case .object(let fields) = value else {
            report(.wrongType("ProcessorConfig", expected: "an object", at: pointer))
            return config
        }
        for key in fields.keys where key != "Mode" && key != "ExecutionType" { report(.unsupportedField(key, at: pointer)) }
        if let mode = fields["Mode"] {
            if let parsed = mode.stringValue.flatMap(ProcessorConfig.Mode.init(rawValue:)) {
                config.mode = parsed
            } else {
                report(.valueNotAllowed("Mode", value: mode, allowed: ["INLINE", "DISTRIBUTED"], at: pointer / "Mode"))
            }
        }
        if let executionType = fields["ExecutionType"] {
            if let parsed = executionType.stringValue.flatMap(ProcessorConfig.ExecutionType.init(rawValue:)) {
                config.executionType = parsed
            } else {
                report(
                    .valueNotAllowed(
                        "ExecutionType", value: executionType, allowed: ["STANDARD", "EXPRESS"], at: pointer / "ExecutionType"))
            }
        } else if config.mode == .distributed {
            report(.requiredFields(["ExecutionType"], at: pointer))
        }
        return config
    }

    mutating func label(_ value: JSON?, at pointer: JSONPointer) -> String? {
        guard let value else { return nil }
        guard case .string(let label) = value else {
            report(.wrongType("Label", expected: "a string", at: pointer))
            return nil
        }
        let forbidden = Set(" \t\n\r<>{}[]?*\"#%\\^|~`$&,;:/")
        if label.isEmpty || label.count > StateNameRules.maximumLabelLength
            || label.contains(where: { forbidden.contains($0) })
            || label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        {
            report(.invalidLabel(label, at: pointer))
        } else if !labels.insert(label).inserted {
            report(.duplicateLabel(label, at: pointer))
        }
        return label
    }
}

/// The S3 integrations a distributed Map reads from and writes to.
enum MapResources {
    static let inputTypes = ["MANIFEST", "JSON", "CSV", "JSONL", "PARQUET"]
    static let transformations = ["NONE", "COMPACT", "FLATTEN"]
    static let outputTypes = ["JSON", "JSONL"]

    /// `arn:<partition>:states:::<action>` for one of the actions, in any partition.
    static func matches(_ resource: String, anyOf actions: [String]) -> Bool {
        guard let arn = ARN(parsing: resource), !arn.partition.isEmpty, arn.isServiceIntegration, arn.resourceParts.count == 2
        else { return false }
        return actions.contains(arn.resource)
    }

    static func example(_ action: String) -> String { "arn:<partition>:states:::\(action)" }
}

extension FieldTable {
    static let mapFields: Set<String> = common.union(transition).union([
        "ItemProcessor", "Iterator", "ItemsPath", "Items", "ItemSelector", "Parameters", "ItemReader",
        "ItemBatcher", "ResultWriter", "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailureCount",
        "ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "Label",
        "InputPath", "OutputPath", "ResultPath", "ResultSelector", "Retry", "Catch", "Assign", "Arguments",
        "Output",
    ])
    static let mapJSONPathOnly: Set<String> = [
        "ItemsPath", "Iterator", "MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath",
    ]
    static let mapJSONataOnly: Set<String> = ["Items"]
    static let itemReaderFields: Set<String> = ["Resource", "Parameters", "Arguments", "ReaderConfig"]
    static let resultWriterFields: Set<String> = ["Resource", "Parameters", "Arguments", "WriterConfig"]
    static let itemBatcherFields: Set<String> = [
        "MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", "BatchInput",
    ]
}
