import SFNJSON
import Testing

@testable import SFNLanguage

@Suite struct ValidationWarningTests {
    @Test(arguments: [
        (#"{"Type":"Pass","Parameters":{"id":"$.order.id"},"End":true}"#, DiagnosticCode.noDollar, "/States/A/Parameters/id"),
        (#"{"Type":"Pass","Parameters":{"n":{"v":"States.Format('{}', $.x)"}},"End":true}"#, .noDollar, "/States/A/Parameters/n/v"),
        (#"{"Type":"Pass","Assign":{"who":"$$.Execution.Id"},"End":true}"#, .noDollar, "/States/A/Assign/who"),
        (#"{"Type":"Fail","Error":"$.error"}"#, .noPath, "/States/A/Error"),
        (#"{"Type":"Pass","Result":{"x.$":"$.x"},"End":true}"#, .passResultIsStatic, "/States/A/Result"),
        (#"{"Type":"Pass","Result":["$.a"],"End":true}"#, .passResultIsStatic, "/States/A/Result"),
    ])
    func warnsButAccepts(_ state: String, _ code: DiagnosticCode, _ location: String) throws {
        let text = #"{"StartAt":"A","States":{"A":\#(state)}}"#
        let (machine, report) = StateMachine.check(try JSON(parsing: text))
        #expect(machine != nil)
        #expect(report.isValid)
        #expect(report.diagnostics.map(\.code) == [code])
        #expect(report.diagnostics.first?.location == location)
        #expect(report.diagnostics.first?.severity == .warning)
    }

    @Test(arguments: [
        #"{"Type":"Pass","Parameters":{"price":"$5","text":"costs $ 5","id.$":"$.id"},"End":true}"#,
        #"{"Type":"Pass","Result":{"note":"$money"},"End":true}"#,
        #"{"Type":"Fail","Error":"States.Custom","Cause":"no path here"}"#,
    ])
    func plainTextIsNotFlagged(_ state: String) {
        let report = StateMachine.validate(text: #"{"StartAt":"A","States":{"A":\#(state)}}"#)
        #expect(report.diagnostics.isEmpty, "\(report)")
    }
}
