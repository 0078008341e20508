import SFNJSON
import SFNJSONata
import Testing

@Suite("Dates, times and number formatting")
struct FormattingTests {
    static let cases: [Case] = [
        Case("$now()", #""2023-11-14T22:13:20.000Z""#),
        Case("$millis()", "1700000000000"),
        Case("$now() = $now()", "true"),
        Case("$now('[Y0001]-[M01]-[D01]')", #""2023-11-14""#),
        Case("$fromMillis(1510067557121)", #""2017-11-07T15:12:37.121Z""#),
        Case("$fromMillis(0)", #""1970-01-01T00:00:00.000Z""#),
        Case("$fromMillis(-86400000)", #""1969-12-31T00:00:00.000Z""#),
        Case("$fromMillis(1510067557121, '[M01]/[D01]/[Y0001] [h#1]:[m01][P]')", #""11/07/2017 3:12pm""#),
        Case("$fromMillis(1510067557121, '[H01]:[m01]:[s01] [z]', '-0500')", #""10:12:37 GMT-05:00""#),
        Case("$fromMillis(1510067557121, '[FNn], [D1] [MNn] [Y]')", #""Tuesday, 7 November 2017""#),
        Case("$fromMillis(1510067557121, '[MNn,3-3] [Y]')", #""Nov 2017""#),
        Case("$fromMillis(1510067557121, '[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01][Z]', '+0530')", #""2017-11-07T20:42:37+05:30""#),
        Case("$fromMillis(1510067557121, '[[[Y]]]')", #""[2017]""#),
        Case("$toMillis('2017-11-07T15:07:54.972Z')", "1510067274972"),
        Case("$toMillis('2017-11-07')", "1510012800000"),
        Case("$toMillis('2017-11-07T15:07:54+01:00')", "1510063674000"),
        Case("$toMillis('2018-07-04', '[Y0001]-[M01]-[D01]')", "1530662400000"),
        Case("$toMillis(Nothing)", "undefined"),
        Case("$fromMillis($toMillis('2024-02-29T12:00:00.000Z'))", #""2024-02-29T12:00:00.000Z""#),
        Case("$formatNumber(12345.6, '#,###.00')", #""12,345.60""#),
        Case("$formatNumber(1234.5678, '#,##0.00')", #""1,234.57""#),
        Case("$formatNumber(34.555, '#0.00;(#0.00)')", #""34.56""#),
        Case("$formatNumber(-34.555, '#0.00;(#0.00)')", #""(34.56)""#),
        Case("$formatNumber(-6, '0')", #""-6""#),
        Case("$formatNumber(0.14, '01%')", #""14%""#),
        Case("$formatNumber(0.5, '#.0')", #"".5""#),
        Case("$formatNumber(1234567.891, '#,##0.0#')", #""1,234,567.89""#),
        Case("$formatNumber(1234.5, '#.###,0', {'decimal-separator': ',', 'grouping-separator': '.'})", #""1.234,5""#),
        Case("$formatInteger(2789, 'w')", #""two thousand, seven hundred and eighty-nine""#),
        Case("$formatInteger(1999, 'I')", #""MCMXCIX""#),
        Case("$formatInteger(12, '000')", #""012""#),
        Case("$formatInteger(1234567, '#,##0')", #""1,234,567""#),
        Case("$formatInteger(3, 'a')", #""c""#),
        Case("$formatInteger(28, 'A')", #""AB""#),
        Case("$formatInteger(21, '1;o')", #""21st""#),
        Case("$formatInteger(12, 'w;o')", #""twelfth""#),
        Case("$parseInteger('twelve thousand, four hundred and seventy-six', 'w')", "12476"),
        Case("$parseInteger('12,345,678', '#,##0')", "12345678"),
        Case("$parseInteger('MCMXCIX', 'I')", "1999"),
        Case("$parseInteger('AB', 'A')", "28"),
    ]

    @Test(arguments: cases)
    func formatting(_ testCase: Case) {
        #expect(run(testCase.expression) == testCase.expected)
    }

    @Test func badTimestampIsReported() {
        #expect(failure("$toMillis('yesterday')")?.code == "D3110")
        #expect(failure("$fromMillis(0, '[Q]')")?.code == "D3132")
    }
}
