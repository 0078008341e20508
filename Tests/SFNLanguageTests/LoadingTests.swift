import Foundation
import SFNJSON
import SFNTestSupport
import Testing

@testable import SFNLanguage

private func pointer(_ text: String) -> JSONPointer {
    JSONPointer(parsing: text) ?? .root
}

private func location(_ map: SourceMap, _ text: String) -> SourcePosition? {
    map.position(of: pointer(text))
}

@Suite("Loading JSON definitions")
struct LoadingJSONTests {
    let text = """
        {
          "StartAt": "First",
          "States": {
            "First": { "Type": "Pass", "Next": "Second" },
            "Second": {
              "Type": "Pass",
              "Result": [1, {"é\\/x": true}],
              "End": true
            }
          }
        }
        """

    @Test func keepsValueAndKeyOrder() throws {
        let loaded = try DefinitionLoader.load(text: text, file: "machine.json")
        #expect(loaded.definition["StartAt"] == "First")
        #expect(loaded.definition["States"]?.objectValue?.keys.elementsEqual(["First", "Second"]) == true)
        #expect(loaded.stateMachine == nil)
        #expect(loaded.warnings.isEmpty)
    }

    @Test func mapsPointersToKeysAndValues() throws {
        let map = try DefinitionLoader.load(text: text, file: "machine.json").sourceMap
        #expect(location(map, "") == SourcePosition(line: 1, column: 1))
        #expect(location(map, "/StartAt") == SourcePosition(line: 2, column: 3))
        #expect(map.valuePosition(of: pointer("/StartAt")) == SourcePosition(line: 2, column: 14))
        #expect(location(map, "/States/First/Next") == SourcePosition(line: 4, column: 32))
        #expect(location(map, "/States/Second/Result/1") == SourcePosition(line: 7, column: 21))
        #expect(location(map, "/States/Second/End") == SourcePosition(line: 8, column: 7))
    }

    @Test func describesLocationsForMessages() throws {
        let loaded = try DefinitionLoader.load(text: text, file: "machine.json")
        #expect(loaded.describeLocation(of: pointer("/States/First/Next")) == "machine.json:4:32")
        let empty = LoadedDefinition(definition: [:], sourceMap: SourceMap(file: "x.json"), file: "x.json")
        #expect(empty.describeLocation(of: .root) == "x.json")
    }

    @Test func decodesEscapedKeysAndCountsScalarsForColumns() throws {
        let map = try DefinitionLoader.load(text: text, file: "machine.json").sourceMap
        let escapedKey = JSONPointer.root / "States" / "Second" / "Result" / 1 / "é/x"
        #expect(map.contains(escapedKey))
        #expect(map.valuePosition(of: escapedKey) == SourcePosition(line: 7, column: 30))
    }

    @Test func fallsBackToTheNearestRecordedAncestor() throws {
        let map = try DefinitionLoader.load(text: text, file: "machine.json").sourceMap
        #expect(!map.contains(pointer("/States/First/Missing")))
        #expect(location(map, "/States/First/Missing") == SourcePosition(line: 4, column: 5))
        let tuple = map.location(of: pointer("/States/First"))
        #expect(tuple?.line == 4 && tuple?.column == 5)
    }

    @Test func reportsSyntaxErrorsWithLineAndColumn() {
        let broken = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n}"
        #expect {
            try DefinitionLoader.load(text: broken, file: "broken.json")
        } throws: { error in
            guard let error = error as? DefinitionLoadError else { return false }
            return error.kind == .syntax && error.location?.line == 4 && error.description.hasPrefix("broken.json:4:")
        }
    }

    @Test(arguments: [
        ("{\"a\": 1 \"b\": 2}", SourcePosition(line: 1, column: 9)),
        ("{\"a\": tru}", SourcePosition(line: 1, column: 7)),
        ("{\"a\": [1,}", SourcePosition(line: 1, column: 10)),
        ("{\"é\": 1\n \"a\\\"b\": 2}", SourcePosition(line: 2, column: 2)),
    ])
    func pointsSyntaxErrorsAtTheStartOfTheBadToken(text: String, position: SourcePosition) {
        #expect {
            try DefinitionLoader.load(text: text, file: "x.json")
        } throws: { error in
            (error as? DefinitionLoadError)?.location == position
        }
    }

    @Test func rejectsEmptyFilesAndNonObjects() {
        #expect(throws: DefinitionLoadError.self) { try DefinitionLoader.load(text: "  \n", file: "empty.json") }
        #expect {
            try DefinitionLoader.load(text: "[1, 2]", file: "list.json")
        } throws: { error in
            (error as? DefinitionLoadError)?.message.contains("found array") == true
        }
    }

    @Test func refusesAStateMachineChoiceForAPlainDefinition() {
        #expect {
            try DefinitionLoader.load(text: text, file: "machine.json", stateMachine: "Other")
        } throws: { error in
            (error as? DefinitionLoadError)?.kind == .stateMachineSelection
        }
    }
}

@Suite("Loading YAML definitions")
struct LoadingYAMLTests {
    @Test func convertsScalarsByTheCoreSchema() throws {
        let yaml = """
            StartAt: A
            States:
              A:
                Type: Pass
                Result:
                  count: 3
                  ratio: 1.5
                  whole: 2.0
                  hex: 0x1F
                  flag: true
                  answer: yes
                  time: 10:30
                  quoted: "42"
                  nothing: null
                  tilde: ~
                  date: 2024-01-02
                  list: [1, "two", 3.25]
                End: true
            """
        let loaded = try DefinitionLoader.load(text: yaml, file: "machine.yaml", format: .yaml)
        let result = try #require(loaded.definition[pointer: pointer("/States/A/Result")])
        #expect(result["count"]?.intValue == 3)
        if case .int? = result["count"] {} else { Issue.record("count should be an integer") }
        if case .double(let ratio)? = result["ratio"] { #expect(ratio == 1.5) } else { Issue.record("ratio") }
        if case .double(let whole)? = result["whole"] { #expect(whole == 2) } else { Issue.record("2.0 stays real") }
        #expect(result["hex"] == 31)
        #expect(result["flag"] == true)
        #expect(result["answer"] == "yes")
        #expect(result["time"] == "10:30")
        #expect(result["quoted"] == "42")
        #expect(result["nothing"] == .null)
        #expect(result["tilde"] == .null)
        #expect(result["date"] == "2024-01-02")
        #expect(result["list"] == [1, "two", 3.25])
        #expect(result.objectValue?.keys.first == "count")
        #expect(loaded.definition["States"]?["A"]?["End"] == true)
    }

    @Test func keysStayStrings() throws {
        let yaml = "StartAt: yes\nStates:\n  yes: {Type: Succeed}\n  1: {Type: Succeed}\n"
        let loaded = try DefinitionLoader.load(text: yaml, file: "m.yml")
        #expect(loaded.definition["States"]?.objectValue?.keys.elementsEqual(["yes", "1"]) == true)
    }

    @Test func mapsPointersToMarks() throws {
        let yaml = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: B\n  B:\n    Type: Succeed\n"
        let map = try DefinitionLoader.load(text: yaml, file: "m.yaml").sourceMap
        #expect(location(map, "/States/A/Next") == SourcePosition(line: 5, column: 5))
        #expect(map.valuePosition(of: pointer("/States/A/Next")) == SourcePosition(line: 5, column: 11))
        #expect(location(map, "/States/B") == SourcePosition(line: 6, column: 3))
    }

    @Test func mergesAnchorsAndAliases() throws {
        let yaml = """
            StartAt: A
            States:
              A:
                <<: &common {Type: Pass, Comment: shared}
                Comment: own
                Next: B
              B:
                <<: *common
                End: true
            """
        let states = try DefinitionLoader.load(text: yaml, file: "m.yaml").definition["States"]
        #expect(states?["A"]?["Comment"] == "own")
        #expect(states?["A"]?["Type"] == "Pass")
        #expect(states?["B"]?["Comment"] == "shared")
        #expect(states?["B"]?["<<"] == nil)
    }

    @Test func stopsAliasBombs() {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (name, previous) in zip(["b", "c", "d", "e", "f", "g"], ["a", "b", "c", "d", "e", "f"]) {
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        #expect {
            try DefinitionLoader.load(text: yaml, file: "bomb.yaml")
        } throws: { error in
            (error as? DefinitionLoadError)?.message.contains("aliases repeated too often") == true
        }
    }

    @Test func turnsCloudFormationTagsIntoLongForm() throws {
        let yaml = """
            A: !Sub "${AWS::Region}-x"
            B: !GetAtt Worker.Arn
            C: !Ref Thing
            D: !Join [",", [a, b]]
            E: !Custom 5
            """
        let value = try DefinitionLoader.parseDocument(text: yaml, file: "t.yaml", format: .yaml).0
        #expect(value["A"] == ["Fn::Sub": "${AWS::Region}-x"])
        #expect(value["B"] == ["Fn::GetAtt": ["Worker", "Arn"]])
        #expect(value["C"] == ["Ref": "Thing"])
        #expect(value["D"] == ["Fn::Join": [",", ["a", "b"]]])
        #expect(value["E"] == 5)
    }

    @Test(arguments: [
        ("StartAt: A\nStates:\n  A: [unclosed\n", 4),
        ("StartAt: A\n  bad: indentation\n", 2),
        ("A: 1\nA: 2\n", 1),
    ])
    func reportsSyntaxErrorsWithLocation(yaml: String, line: Int) {
        #expect {
            try DefinitionLoader.load(text: yaml, file: "bad.yaml", format: .yaml)
        } throws: { error in
            guard let error = error as? DefinitionLoadError else { return false }
            return error.kind == .syntax && error.location?.line == line
        }
    }

    @Test func rejectsValuesJSONCannotHold() {
        #expect {
            try DefinitionLoader.load(text: "StartAt: A\nValue: .inf\n", file: "m.yaml")
        } throws: { error in
            (error as? DefinitionLoadError)?.location == SourcePosition(line: 2, column: 8)
        }
    }

    @Test func guessesTheFormatFromTheText() throws {
        let fromJSON = try DefinitionLoader.load(text: " {\"StartAt\": \"A\", \"States\": {}}", file: "machine.asl")
        #expect(fromJSON.definition["StartAt"] == "A")
        let fromYAML = try DefinitionLoader.load(text: "StartAt: A\nStates: {}\n", file: "machine.asl")
        #expect(fromYAML.definition["StartAt"] == "A")
    }
}

@Suite("Loading from templates")
struct LoadingTemplateTests {
    /// SAM's parser loads a template with a key written twice, the later one winning; a plain
    /// definition with one is still refused. Positions after the duplicate stay where they are.
    @Test func aKeyWrittenTwiceInATemplateTakesTheLaterValue() throws {
        let template = """
            Resources:
              Queue:
                Type: AWS::SQS::Queue
                Properties:
                  QueueName: first
                  Tags:
                    - {Key: a, Value: b}
                  QueueName: second
              Machine:
                Type: AWS::StepFunctions::StateMachine
                Properties:
                  Definition:
                    StartAt: P
                    States:
                      P: {Type: Pass, Result: !GetAtt Queue.QueueName, End: true}
            """
        let loaded = try DefinitionLoader.load(text: template, file: "template.yaml")
        #expect(loaded.definition["States"]?["P"]?["Result"] == "second")
        #expect(loaded.sourceMap.position(of: JSONPointer(parsing: "/States/P") ?? .root)?.line == 15)
        #expect(throws: DefinitionLoadError.self) {
            try DefinitionLoader.load(text: "StartAt: P\nStartAt: Q\nStates:\n  P: {Type: Pass, End: true}\n", file: "machine.yaml")
        }
    }

    @Test func readsAnInlineSAMDefinitionWithSubstitutions() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  FunctionName: order-worker
              Orders:
                Type: AWS::Serverless::StateMachine
                Properties:
                  DefinitionSubstitutions:
                    WorkerArn: !GetAtt Worker.Arn
                    Table: orders
                  Definition:
                    StartAt: Work
                    States:
                      Work:
                        Type: Task
                        Resource: ${WorkerArn}
                        Comment: writes to ${Table} in ${Unknown}
                        End: true
            """
        let loaded = try DefinitionLoader.load(text: template, file: "template.yaml")
        #expect(loaded.stateMachine == "Orders")
        let work = loaded.definition["States"]?["Work"]
        #expect(work?["Resource"] == "arn:aws:lambda:us-east-1:111111111111:function:order-worker")
        #expect(work?["Comment"] == "writes to orders in ${Unknown}")
        #expect(loaded.warnings.count == 1)
        #expect(loaded.warnings.first?.message.contains("${Unknown}") == true)
        #expect(loaded.warnings.first?.pointer == JSONPointer.root / "States" / "Work" / "Comment")
        #expect(location(loaded.sourceMap, "/States/Work/Resource") == SourcePosition(line: 18, column: 13))
        #expect(location(loaded.sourceMap, "") == SourcePosition(line: 14, column: 9))
    }

    @Test func readsTheMachineTypeOfSAMAndCloudFormationTemplates() throws {
        let sam = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Quick:
                Type: AWS::Serverless::StateMachine
                Properties:
                  Type: EXPRESS
                  Definition: {StartAt: A, States: {A: {Type: Succeed}}}
            """
        #expect(try DefinitionLoader.load(text: sam, file: "template.yaml").machineType == .express)
        let cloudFormation = """
            {"Resources":{"Slow":{"Type":"AWS::StepFunctions::StateMachine","Properties":{"StateMachineType":"STANDARD",
              "Definition":{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}}}}}
            """
        #expect(try DefinitionLoader.load(text: cloudFormation, file: "template.json").machineType == .standard)
        let untyped = #"{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}"#
        #expect(try DefinitionLoader.load(text: untyped, file: "machine.json").machineType == nil)
        let wrong = sam.replacingOccurrences(of: "Type: EXPRESS", with: "Type: FAST")
        #expect(throws: DefinitionLoadError.self) { try DefinitionLoader.load(text: wrong, file: "template.yaml") }
    }

    /// What `Ref` and `Fn::GetAtt` return, per CloudFormation's resource reference pages.
    @Test func referencesGiveWhatCloudFormationGives() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Review:
                Type: AWS::StepFunctions::Activity
                Properties: {Name: review-queue}
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Events: {Api: {Type: Api, Properties: {Path: /go, Method: get}}}
              Jobs:
                Type: AWS::SQS::Queue
              Runner:
                Type: AWS::IAM::Role
                Properties: {RoleName: runner}
              Orders:
                Type: AWS::Serverless::StateMachine
                Properties:
                  Definition:
                    StartAt: A
                    States:
                      A:
                        Type: Pass
                        Parameters:
                          activity: !Ref Review
                          activityName: !GetAtt Review.Name
                          function: !Ref Worker
                          functionArn: !GetAtt Worker.Arn
                          queue: !Ref Jobs
                          queueArn: !GetAtt Jobs.Arn
                          role: !Ref Runner
                          roleArn: !GetAtt Runner.Arn
                          implicitRole: !GetAtt WorkerRole.Arn
                          api: !Sub "https://${ServerlessRestApi}.execute-api.${AWS::Region}.amazonaws.com/Prod/"
                        End: true
            """
        let parameters = try DefinitionLoader.load(text: template, file: "template.yaml").definition["States"]?["A"]?["Parameters"]
        #expect(parameters?["activity"] == "arn:aws:states:us-east-1:111111111111:activity:review-queue")
        #expect(parameters?["activityName"] == "review-queue")
        #expect(parameters?["function"] == "Worker")
        #expect(parameters?["functionArn"] == "arn:aws:lambda:us-east-1:111111111111:function:Worker")
        #expect(parameters?["queue"] == "https://sqs.us-east-1.amazonaws.com/111111111111/Jobs")
        #expect(parameters?["queueArn"] == "arn:aws:sqs:us-east-1:111111111111:Jobs")
        #expect(parameters?["role"] == "runner")
        #expect(parameters?["roleArn"] == "arn:aws:iam::111111111111:role/runner")
        #expect(parameters?["implicitRole"] == "arn:aws:iam::111111111111:role/WorkerRole")
        let api = try #require(parameters?["api"]?.stringValue)
        #expect(api.hasPrefix("https://") && api.hasSuffix(".execute-api.us-east-1.amazonaws.com/Prod/"))
        #expect(!api.contains("${"))
    }

    @Test func theAccountIsTheOneGiven() throws {
        let template = """
            {"Resources":{"M":{"Type":"AWS::StepFunctions::StateMachine","Properties":{"Definition":{"StartAt":"A","States":{
              "A":{"Type":"Pass","Parameters":{"account":{"Ref":"AWS::AccountId"},"region":{"Ref":"AWS::Region"},
                "self":{"Ref":"M"}},"End":true}}}}}}}
            """
        let account = AWSAccount(region: "eu-west-2", accountId: "222233334444")
        let parameters = try DefinitionLoader.load(text: template, file: "t.json", account: account).definition["States"]?["A"]?[
            "Parameters"]
        #expect(parameters?["account"] == "222233334444")
        #expect(parameters?["region"] == "eu-west-2")
        #expect(parameters?["self"] == "arn:aws:states:eu-west-2:222233334444:stateMachine:M")
    }

    @Test func splitAndConditionsAreEvaluated() throws {
        let template = """
            Parameters:
              Stage: {Type: String, Default: prod}
              Names: {Type: String, Default: "a,b,,c"}
            Conditions:
              IsProd: !Equals [!Ref Stage, prod]
              IsDev: !Not [!Condition IsProd]
              Either: !Or [!Condition IsProd, !Condition IsDev]
              Both: !And [!Condition IsProd, !Condition IsDev]
            Resources:
              M:
                Type: AWS::StepFunctions::StateMachine
                Properties:
                  Definition:
                    StartAt: A
                    States:
                      A:
                        Type: Pass
                        Parameters:
                          names: !Split [",", !Ref Names]
                          second: !Select [1, !Split [",", !Ref Names]]
                          size: !If [IsProd, large, small]
                          either: !If [Either, yes-either, no-either]
                          both: !If [Both, yes-both, no-both]
                          dropped: !If [IsDev, here, !Ref AWS::NoValue]
                        End: true
            """
        let prod = try DefinitionLoader.load(text: template, file: "t.yaml").definition["States"]?["A"]?["Parameters"]
        #expect(prod?["names"] == ["a", "b", "", "c"])
        #expect(prod?["second"] == "b")
        #expect(prod?["size"] == "large")
        #expect(prod?["either"] == "yes-either")
        #expect(prod?["both"] == "no-both")
        #expect(prod?["dropped"] == nil)
        let dev = try DefinitionLoader.load(text: template, file: "t.yaml", parameters: ["Stage": "dev"]).definition["States"]?["A"]?[
            "Parameters"]
        #expect(dev?["size"] == "small")
        #expect(dev?["dropped"] == "here")
        // A condition the template does not define is an error at the Fn::If.
        let unknown = template.replacingOccurrences(of: "!If [IsProd,", with: "!If [IsStaging,")
        #expect(throws: DefinitionLoadError.self) { try DefinitionLoader.load(text: unknown, file: "t.yaml") }
        // Conditions that name each other in a cycle end in an error, not a crash.
        let cyclic = template.replacingOccurrences(of: "IsProd: !Equals [!Ref Stage, prod]", with: "IsProd: !Condition IsDev")
        #expect(throws: DefinitionLoadError.self) { try DefinitionLoader.load(text: cyclic, file: "t.yaml") }
    }

    @Test func readsADefinitionStringBlockAndMapsItsLines() throws {
        let template = """
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              Delay:
                Type: Number
                Default: 5
            Resources:
              Poller:
                Type: AWS::StepFunctions::StateMachine
                Properties:
                  DefinitionSubstitutions:
                    Seconds: !Ref Delay
                  DefinitionString: !Sub |
                    {
                      "StartAt": "Wait",
                      "States": {
                        "Wait": {"Type": "Wait", "Seconds": ${!Seconds}, "Comment": "${AWS::Region}", "End": true}
                      }
                    }
            """
        let loaded = try DefinitionLoader.load(text: template, file: "template.yaml")
        let wait = loaded.definition["States"]?["Wait"]
        #expect(wait?["Seconds"] == 5)
        #expect(wait?["Comment"] == "us-east-1")
        #expect(location(loaded.sourceMap, "/States/Wait/Seconds") == SourcePosition(line: 16, column: 38))
        let overridden = try DefinitionLoader.load(text: template, file: "template.yaml", parameters: ["Delay": "9"])
        #expect(overridden.definition["States"]?["Wait"]?["Seconds"] == 9)
    }

    @Test func reportsErrorsInsideADefinitionStringAtTheirTemplateLine() {
        let template = """
            Resources:
              Machine:
                Type: AWS::StepFunctions::StateMachine
                Properties:
                  DefinitionString: |
                    {
                      "StartAt": "A",,
                    }
            """
        #expect {
            try DefinitionLoader.load(text: template, file: "t.yaml")
        } throws: { error in
            guard let error = error as? DefinitionLoadError else { return false }
            return error.kind == .syntax && error.location?.line == 7
        }
    }

    @Test func readsAJSONTemplateWithDefinitionStringJoin() throws {
        let template = """
            {
              "Resources": {
                "Machine": {
                  "Type": "AWS::StepFunctions::StateMachine",
                  "Properties": {
                    "DefinitionString": {"Fn::Join": ["\\n", ["{\\"StartAt\\": \\"A\\",", "\\"States\\": {\\"A\\": {\\"Type\\": \\"Succeed\\"}}}"]]}
                  }
                }
              }
            }
            """
        let loaded = try DefinitionLoader.load(text: template, file: "template.json")
        #expect(loaded.definition["States"]?["A"]?["Type"] == "Succeed")
        #expect(location(loaded.sourceMap, "/States/A") == SourcePosition(line: 6, column: 29))
    }

    @Test func mapsPositionsInsideAJSONDefinitionStringLiteral() throws {
        let template = #"""
            {"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
              "DefinitionString": "{\"StartAt\": \"A\",\n \"States\": {\"A\": {\"Type\": \"Succeed\"}}}"
            }}}}
            """#
        let loaded = try DefinitionLoader.load(text: template, file: "t.json")
        #expect(loaded.definition["States"]?["A"]?["Type"] == "Succeed")
        #expect(location(loaded.sourceMap, "") == SourcePosition(line: 2, column: 24))
        #expect(location(loaded.sourceMap, "/StartAt") == SourcePosition(line: 2, column: 25))
        #expect(location(loaded.sourceMap, "/States/A/Type") == SourcePosition(line: 2, column: 68))
        let broken = template.replacingOccurrences(of: "\"Succeed\\\"}", with: "\"Succeed\\\",}")
        #expect(broken != template)
        #expect {
            try DefinitionLoader.load(text: broken, file: "t.json")
        } throws: { error in
            (error as? DefinitionLoadError)?.location == SourcePosition(line: 2, column: 90)
        }
    }

    @Test func readsALocalDefinitionUri() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.path + "/statemachine", withIntermediateDirectories: true)
        _ = try folder.write(
            "statemachine/flow.asl.json",
            "{\"StartAt\": \"A\",\n \"States\": {\"A\": {\"Type\": \"Pass\", \"Result\": \"${Greeting}\", \"End\": true}}}")
        let templatePath = try folder.write(
            "template.yaml",
            """
            Resources:
              Flow:
                Type: AWS::Serverless::StateMachine
                Properties:
                  DefinitionUri: statemachine/flow.asl.json
                  DefinitionSubstitutions:
                    Greeting: hello
            """)
        let loaded = try DefinitionLoader.load(contentsOf: templatePath)
        #expect(loaded.definition["States"]?["A"]?["Result"] == "hello")
        #expect(loaded.file.hasSuffix("statemachine/flow.asl.json"))
        #expect(loaded.sourceMap.file == loaded.file)
        #expect(location(loaded.sourceMap, "/States") == SourcePosition(line: 2, column: 2))
    }

    @Test func refusesDefinitionsStoredInS3() {
        let template = """
            Resources:
              Machine:
                Type: AWS::StepFunctions::StateMachine
                Properties:
                  DefinitionS3Location: {Bucket: b, Key: k}
            """
        #expect {
            try DefinitionLoader.load(text: template, file: "t.yaml")
        } throws: { error in
            guard let error = error as? DefinitionLoadError else { return false }
            return error.kind == .notLocal && error.location?.line == 5
        }
    }

    static let twoMachines = """
        Resources:
          First:
            Type: AWS::StepFunctions::StateMachine
            Properties:
              Definition: {StartAt: A, States: {A: {Type: Succeed}}}
          Queue:
            Type: AWS::SQS::Queue
          Second:
            Type: AWS::Serverless::StateMachine
            Properties:
              Definition: {StartAt: B, States: {B: {Type: Fail}}}
        """

    @Test func listsTheStateMachinesWhenNoneIsChosen() {
        #expect {
            try DefinitionLoader.load(text: Self.twoMachines, file: "t.yaml")
        } throws: { error in
            guard let error = error as? DefinitionLoadError else { return false }
            return error.kind == .stateMachineSelection && error.message.contains("First, Second")
                && error.isUsageError
        }
    }

    @Test func picksTheChosenStateMachine() throws {
        let loaded = try DefinitionLoader.load(text: Self.twoMachines, file: "t.yaml", stateMachine: "Second")
        #expect(loaded.definition["StartAt"] == "B")
        #expect {
            try DefinitionLoader.load(text: Self.twoMachines, file: "t.yaml", stateMachine: "Queue")
        } throws: { error in
            (error as? DefinitionLoadError)?.message.contains("it has: First, Second") == true
        }
    }

    @Test func explainsTemplatesWithoutStateMachines() {
        #expect {
            try DefinitionLoader.load(text: "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n", file: "t.yaml")
        } throws: { error in
            (error as? DefinitionLoadError)?.kind == .invalidDocument
        }
    }

    @Test func reportsUnknownSubVariables() {
        let template = """
            Resources:
              Machine:
                Type: AWS::StepFunctions::StateMachine
                Properties:
                  DefinitionString: !Sub '{"StartAt": "${Nope}", "States": {}}'
            """
        #expect {
            try DefinitionLoader.load(text: template, file: "t.yaml")
        } throws: { error in
            (error as? DefinitionLoadError)?.message.contains("${Nope}") == true
        }
    }
}

@Suite("Loading files")
struct LoadingFileTests {
    @Test func reportsMissingFilesAndFolders() throws {
        #expect {
            try DefinitionLoader.load(contentsOf: "/nonexistent/sfn/machine.json")
        } throws: { error in
            (error as? DefinitionLoadError)?.kind == .fileNotFound
        }
        let folder = try TemporaryFolder()
        #expect {
            try DefinitionLoader.load(contentsOf: folder.path)
        } throws: { error in
            (error as? DefinitionLoadError)?.kind == .unreadable
        }
    }

    @Test func acceptsAByteOrderMarkAndWindowsLineEndings() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("machine.json", "\u{FEFF}{\r\n  \"StartAt\": \"A\",\r\n  \"States\": {}\r\n}\r\n")
        let loaded = try DefinitionLoader.load(contentsOf: path)
        #expect(loaded.definition["StartAt"] == "A")
        #expect(location(loaded.sourceMap, "/States") == SourcePosition(line: 3, column: 3))
    }

    @Test func choosesTheParserByExtension() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("machine.yaml", "StartAt: A\nStates:\n  A: {Type: Succeed}\n")
        let loaded = try DefinitionLoader.load(contentsOf: path)
        #expect(loaded.file == path)
        #expect(loaded.definition["States"]?["A"]?["Type"] == "Succeed")
    }
}

@Suite("Loading deep definitions")
struct DeepDefinitionLoadingTests {
    /// Parallel states nested `levels` deep, each with a state name of its own.
    static func nested(_ levels: Int) -> String {
        var text = #"{"StartAt":"L","States":{"L":{"Type":"Pass","End":true}}}"#
        for level in 0..<levels {
            text = #"{"StartAt":"P\#(level)","States":{"P\#(level)":{"Type":"Parallel","Branches":[\#(text)],"End":true}}}"#
        }
        return text
    }

    @Test func recordingPositionsIsLinearInDepth() throws {
        // 480 levels is near jansson's nesting limit. Keys built from whole pointer texts made
        // this take 2.2 s for 400 levels in a release build (quadratic); now it is milliseconds.
        let text = Self.nested(480)
        let clock = ContinuousClock()
        let started = clock.now
        let loaded = try DefinitionLoader.load(text: text, file: "deep.json")
        let report = StateMachine.validate(loaded.definition)
        #expect(clock.now - started < .seconds(2))
        #expect(report.errors.first?.code == .tooDeeplyNested)
        var pointer = JSONPointer.root
        for level in (0..<480).reversed() { pointer = pointer / "States" / "P\(level)" / "Branches" / 0 }
        #expect(loaded.sourceMap.contains(pointer / "States" / "L"))
    }
}

@Suite struct LoadingEveryStateMachineTests {
    static let workflows = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("workflows").path

    @Test func aTemplateGivesEachOfItsStateMachines() throws {
        let loaded = try DefinitionLoader.loadAll(contentsOf: Self.workflows + "/sam-template.yaml")
        #expect(loaded.map(\.stateMachine) == ["PollingMachine", "GreetingMachine"])
        #expect(loaded[1].definition["StartAt"] == "Greet")
        #expect(loaded[0].definition["States"] != nil)
    }

    @Test func aPlainDefinitionIsItsOnlyStateMachine() throws {
        let loaded = try DefinitionLoader.loadAll(contentsOf: Self.workflows + "/choice-routing.asl.json")
        #expect(loaded.count == 1)
        #expect(loaded[0].stateMachine == nil)
    }
}
