import SFNJSON
import Testing

@testable import SFNLanguage

@Suite struct DefinitionModelTests {
    static let workflow = #"""
        {
          "Comment": "orders",
          "StartAt": "Prepare",
          "TimeoutSeconds": 300,
          "Version": "1.0",
          "States": {
            "Prepare": {"Type": "Pass", "Result": {"n": 1}, "ResultPath": "$.prepared", "InputPath": null,
                        "OutputPath": "$.prepared", "Next": "Route"},
            "Route": {"Type": "Choice", "Comment": "pick",
                      "Choices": [{"Variable": "$.n", "NumericGreaterThan": 0, "Next": "Call", "Assign": {"big": true}}],
                      "Default": "Stop"},
            "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                     "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "ResultPath": null,
                     "TimeoutSecondsPath": "$.timeout", "HeartbeatSeconds": 10,
                     "Retry": [{"ErrorEquals": ["States.Timeout"]},
                               {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 3, "MaxAttempts": 0,
                                "BackoffRate": 1.5, "MaxDelaySeconds": 9, "JitterStrategy": "FULL"}],
                     "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Stop"}],
                     "Next": "Fan"},
            "Fan": {"Type": "Parallel", "Branches": [
                       {"StartAt": "B", "States": {"B": {"Type": "Wait", "Seconds": 0, "End": true}}}],
                    "Next": "Each"},
            "Each": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 4, "Label": "each",
                     "Iterator": {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}},
                     "Parameters": {"value.$": "$$.Map.Item.Value"}, "End": true},
            "Stop": {"Type": "Fail", "Error": "Stopped", "CausePath": "$.why"}
          }
        }
        """#

    @Test func parsesTheMachine() throws {
        let machine = try StateMachine.parse(text: Self.workflow)
        #expect(machine.comment == "orders")
        #expect(machine.startAt == "Prepare")
        #expect(machine.timeoutSeconds == 300)
        #expect(machine.version == "1.0")
        #expect(machine.queryLanguage == .jsonPath)
        #expect(machine.states.map(\.name) == ["Prepare", "Route", "Call", "Fan", "Each", "Stop"])
        #expect(machine.index(ofState: "Call") == 2)
        #expect(machine.state(named: "Nope") == nil)
        #expect(machine.startState?.name == "Prepare")
    }

    @Test func distinguishesNullFromAbsent() throws {
        let machine = try StateMachine.parse(text: Self.workflow)
        let prepare = try #require(machine.state(named: "Prepare"))
        let prepareFlow = try #require(prepare.jsonPath)
        #expect(prepareFlow.inputPath == .discard)
        #expect(prepareFlow.outputPath == .path(try PathExpression("$.prepared")))
        #expect(prepareFlow.resultPath == .at(try ReferencePath(resultPath: "$.prepared")))
        #expect(prepare.transition == .next("Route"))
        guard case .pass(let pass) = prepare.kind else {
            Issue.record("Prepare is \(prepare.typeName)")
            return
        }
        #expect(pass.result == .object(["n": .int(1)]))

        let call = try #require(machine.state(named: "Call"))
        let callFlow = try #require(call.jsonPath)
        #expect(callFlow.resultPath == .discard)
        #expect(callFlow.inputPath == .whole)
        #expect(callFlow.outputPath == .whole)
        #expect(callFlow.parameters != nil)
        #expect(callFlow.resultSelector == nil)
        #expect(call.jsonata == nil)
    }

    @Test func readsTaskFieldsRetriersAndCatchers() throws {
        let call = try #require(try StateMachine.parse(text: Self.workflow).state(named: "Call"))
        guard case .task(let task) = call.kind else {
            Issue.record("Call is \(call.typeName)")
            return
        }
        #expect(task.resource == "arn:aws:states:::lambda:invoke")
        guard case .path(let timeoutPath, let timeoutField)? = task.timeoutSeconds else {
            Issue.record("no TimeoutSecondsPath")
            return
        }
        #expect(timeoutPath.text == "$.timeout")
        #expect(timeoutField == "TimeoutSecondsPath")
        #expect(task.heartbeatSeconds?.literalInt == 10)

        #expect(call.retry.count == 2)
        let defaults = call.retry[0]
        #expect(defaults.errorEquals == ["States.Timeout"])
        #expect(defaults.intervalSeconds == 1 && defaults.maxAttempts == 3 && defaults.backoffRate == 2.0)
        #expect(defaults.maxDelaySeconds == nil && defaults.jitterStrategy == .none)
        let tuned = call.retry[1]
        #expect(tuned.intervalSeconds == 3 && tuned.maxAttempts == 0 && tuned.backoffRate == 1.5)
        #expect(tuned.maxDelaySeconds == 9 && tuned.jitterStrategy == .full)

        #expect(call.catch.count == 1)
        #expect(call.catch[0].next == "Stop")
        #expect(call.catch[0].resultPath == .at(try ReferencePath(resultPath: "$.error")))
    }

    @Test func readsChoiceParallelMapAndFail() throws {
        let machine = try StateMachine.parse(text: Self.workflow)
        let route = try #require(machine.state(named: "Route"))
        #expect(route.transition == nil)
        #expect(route.comment == "pick")
        guard case .choice(let choice) = route.kind else {
            Issue.record("Route is \(route.typeName)")
            return
        }
        #expect(choice.defaultNext == "Stop")
        #expect(choice.choices.count == 1)
        #expect(choice.choices[0].next == "Call")
        #expect(choice.choices[0].assign != nil)

        let fan = try #require(machine.state(named: "Fan"))
        guard case .parallel(let parallel) = fan.kind else {
            Issue.record("Fan is \(fan.typeName)")
            return
        }
        #expect(parallel.branches.count == 1)
        let branchState = try #require(parallel.branches[0].state(named: "B"))
        #expect(branchState.pointer.description == "/States/Fan/Branches/0/States/B")
        #expect(branchState.isTerminal)

        let each = try #require(machine.state(named: "Each"))
        guard case .map(let map) = each.kind else {
            Issue.record("Each is \(each.typeName)")
            return
        }
        #expect(map.usesLegacyIterator)
        #expect(map.processorConfig == ProcessorConfig(mode: .inline))
        #expect(map.itemsPath == .path(try PathExpression("$.items")))
        #expect(map.maxConcurrency?.literalInt == 4)
        #expect(map.label == "each")
        guard case .jsonPath? = map.itemSelector else {
            Issue.record("legacy Parameters became no ItemSelector")
            return
        }
        #expect(each.jsonPath?.parameters == nil)
        #expect(map.itemProcessor.pointer.description == "/States/Each/Iterator")
        #expect(map.itemProcessor.state(named: "I")?.isTerminal == true)

        let stop = try #require(machine.state(named: "Stop"))
        guard case .fail(let fail) = stop.kind else {
            Issue.record("Stop is \(stop.typeName)")
            return
        }
        guard case .literal("Stopped")? = fail.error else {
            Issue.record("Error not literal")
            return
        }
        guard case .path(let causePath, _)? = fail.cause else {
            Issue.record("CausePath not a path")
            return
        }
        #expect(causePath.text == "$.why")
        #expect(stop.isTerminal)
    }

    @Test func acceptsADistributedMapReadingAndWritingS3() throws {
        let definition = #"""
            {"StartAt":"M","States":{"M":{"Type":"Map","End":true,
              "ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"},
                            "Parameters":{"Bucket.$":"$.bucket","Key":"items.csv"}},
              "ItemBatcher":{"MaxItemsPerBatch":10,"BatchInput":{"run":1}},
              "ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":"runs"},
                              "WriterConfig":{"Transformation":"COMPACT","OutputType":"JSONL"}},
              "Label":"csvRun","ToleratedFailurePercentage":5,
              "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},
                               "StartAt":"I","States":{"I":{"Type":"Pass","End":true}}}}}}
            """#
        let (machine, report) = StateMachine.check(try JSON(parsing: definition))
        #expect(report.diagnostics.isEmpty, "\(report)")
        guard case .map(let map)? = machine?.state(named: "M")?.kind else {
            Issue.record("no Map")
            return
        }
        #expect(map.processorConfig == ProcessorConfig(mode: .distributed, executionType: .express))
        #expect(map.itemReader?["Resource"] == .string("arn:aws:states:::s3:getObject"))
        #expect(map.itemBatcher?.maxItemsPerBatch?.literalInt == 10)
        #expect(map.itemBatcher?.batchInput == ["run": 1])
        #expect(map.resultWriter?["WriterConfig"]?["OutputType"] == .string("JSONL"))
        guard case .literal(let percentage)? = map.toleratedFailurePercentage else {
            Issue.record("no percentage")
            return
        }
        #expect(percentage == .int(5))
    }

    @Test func inheritsAndOverridesTheQueryLanguage() throws {
        let definition = #"""
            {"QueryLanguage": "JSONata", "StartAt": "A", "States": {
              "A": {"Type": "Pass", "Output": {"x": "{% $states.input.x %}", "k": 1}, "Next": "B"},
              "B": {"Type": "Pass", "QueryLanguage": "JSONata", "Next": "W"},
              "W": {"Type": "Wait", "Timestamp": "{% $now() %}", "Next": "C"},
              "C": {"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "M"}], "Default": "M"},
              "M": {"Type": "Map", "Items": [1, 2], "MaxConcurrency": "{% 1 %}",
                    "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}, "End": true}
            }}
            """#
        let machine = try StateMachine.parse(text: definition)
        #expect(machine.queryLanguage == .jsonata)
        let a = try #require(machine.state(named: "A"))
        #expect(a.queryLanguage == .jsonata)
        guard case .object(let members)? = a.jsonata?.output else {
            Issue.record("Output should hold an expression")
            return
        }
        #expect(members.map(\.key) == ["x", "k"])
        guard case .expression(let expression, let field) = members[0].value else {
            Issue.record("x is not an expression")
            return
        }
        #expect(expression.source == " $states.input.x ")
        #expect(field == "Output/x")
        #expect(machine.state(named: "B")?.queryLanguage == .jsonata)

        let mixed = try StateMachine.parse(
            text: #"{"StartAt":"A","States":{"A":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% 1 %}","End":true}}}"#)
        #expect(mixed.queryLanguage == .jsonPath)
        #expect(mixed.state(named: "A")?.queryLanguage == .jsonata)

        let wait = try #require(machine.state(named: "W"))
        guard case .wait(let waitState) = wait.kind, case .timestamp(.expression) = waitState.duration else {
            Issue.record("Timestamp should be an expression")
            return
        }
        let choice = try #require(machine.state(named: "C"))
        guard case .choice(let choiceState) = choice.kind, case .condition = choiceState.choices[0].rule else {
            Issue.record("Condition should be compiled")
            return
        }
        let map = try #require(machine.state(named: "M"))
        guard case .map(let mapState) = map.kind else {
            Issue.record("M is \(map.typeName)")
            return
        }
        #expect(mapState.items?.isConstant == true)
        guard case .expression? = mapState.maxConcurrency else {
            Issue.record("MaxConcurrency should be an expression")
            return
        }
        #expect(mapState.itemProcessor.queryLanguage == .jsonata)
        #expect(mapState.itemProcessor.state(named: "I")?.queryLanguage == .jsonata)
    }
}

/// A JSONata state gets `$states.context` built only when its text may read it.
@Suite struct JSONataContextUseTests {
    func reads(_ output: String) throws -> Bool {
        let definition = try JSON(
            parsing:
                #"{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":\#(JSON.string(output).compactText),"End":true}}}"#
        )
        return try StateMachine.parse(definition).states[0].readsContext
    }

    @Test func onlyTextThatMayReachTheContextBuildsIt() throws {
        #expect(try !reads("{% $states.input.count + 1 %}"))
        #expect(try !reads("{% {'a': $states.input.a, 'n': $count($states.input.items)} %}"))
        #expect(try reads("{% $states.context.Execution.Id %}"))
        #expect(try reads("{% $states.context %}"))
        #expect(try reads("{% $lookup($states, 'con' & 'text') %}"))
        #expect(try reads("{% $keys($states) %}"))
        #expect(try reads("{% $states.* %}"))
        #expect(try reads("{% ($s := $states; $s.input) %}"))
        #expect(try reads("{% $eval('$sta' & 'tes.input') %}"))
    }
}
