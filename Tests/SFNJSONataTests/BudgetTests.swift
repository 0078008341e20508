import Foundation
import SFNJSON
import SFNJSONata
import Testing

/// Every evaluation has a budget: time, bytes built, and a time limit on each regex search.
@Suite struct BudgetTests {
    func environment(time: Duration = .seconds(10), bytes: Int = 256 * 1024 * 1024) -> JSONataEnvironment {
        var environment = JSONataEnvironment(now: { 1_700_000_000_000 }, random: { 0.5 })
        environment.limits.time = time
        environment.limits.builtBytes = bytes
        return environment
    }

    @Test func catastrophicBacktrackingStopsAtTheSearchBudget() {
        // (a+)+$ on 41 characters backtracks for minutes without a budget.
        let text = String(repeating: "a", count: 40) + "b"
        let started = Date()
        let result = run(#"$match($, /(a+)+$/)"#, .string(text))
        #expect(result == "ERROR U1002")
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(failure(#"$contains($, /(a+)+$/)"#, .string(text))?.message.contains("(a+)+$") == true)
    }

    @Test func ordinaryRegexSearchesAreUnaffected() {
        #expect(run(#"$replace($, /a+/, "-")"#, .string("baaad aa")) == #""b-d -""#)
        #expect(run(#"$split($, /,\s*/)"#, .string("a, b,c")) == #"["a","b","c"]"#)
    }

    @Test func stringDoublingStopsAtTheByteBudget() {
        let doubling = #"$reduce([1..40], function($acc, $i) { $acc & $acc }, "x")"#
        #expect(run(doubling, nil, environment: environment(bytes: 64 * 1024 * 1024)) == "ERROR U1004")
    }

    @Test func bigRangesCountAgainstTheByteBudget() {
        #expect(run("$count([1..10000000])", nil, environment: environment(bytes: 16 * 1024 * 1024)) == "ERROR U1004")
        #expect(run("$sum([1..100000])", nil) == "5000050000")
    }

    @Test func sortingMillionsCountsItsKeysAgainstTheBudget() {
        // Found by sfn-fuzz: ordering ten million items built 2 GB of sort keys for 20 s.
        #expect(run("[1..10000000]^($)", nil) == "ERROR U1004")
        #expect(run("[3, 1, 2]^($)", nil) == "[1,2,3]")
    }

    @Test func positionalBindingsOverMillionsCountAgainstTheBudget() {
        // Found by sfn-fuzz: binding `#$i` over ten million items made 2 GB of tuples.
        #expect(run("[1..10000000]#$i", nil) == "ERROR U1004")
        #expect(run("[10, 20, 30]#$i[$i > 0]", nil) == "[20,30]")
    }

    @Test func endlessTailRecursionOrLongLoopsStopAtTheTimeBudget() {
        // Each step is cheap; only the clock stops this one.
        let busy = "$count($map([1..3000], function($i) { $map([1..3000], function($j) { $i * $j }) }))"
        let started = Date()
        #expect(run(busy, nil, environment: environment(time: .milliseconds(200))) == "ERROR U1003")
        #expect(Date().timeIntervalSince(started) < 5)
    }
}
