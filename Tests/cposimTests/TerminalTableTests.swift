import Foundation
import Testing
@testable import cposim
@testable import ReliabilityKit

/// Issue 28: the terminal tables read like the pages.
@Suite("Terminal tables")
struct TerminalTableTests {
  static func runReport(trials: Int = 8) throws -> RunReport {
    try HTMLReportTests.withSmallScenarios { _, cpo in
      let simulation = try Simulation(scenario: try ScenarioLoader.load(path: cpo))
      let metrics = TrialMetrics(simulation: simulation)
      return RunReport(simulation: simulation, metrics: metrics, statistics: simulation.statistics(trials: 0..<trials, seed: 3, metrics: metrics), seed: 3)
    }
  }

  static func comparisonReport() throws -> ComparisonReport {
    try HTMLReportTests.withSmallScenarios { pluggable, cpo in
      let comparison = Comparison(simulations: [try Simulation(scenario: try ScenarioLoader.load(path: pluggable)),
                                                try Simulation(scenario: try ScenarioLoader.load(path: cpo))])
      return ComparisonReport(comparison: comparison, statistics: comparison.run(trials: 8, seed: 5), seed: 5)
    }
  }

  static let eNotation = try! NSRegularExpression(pattern: "[0-9]e[+-]?[0-9]")

  static func hasENotation(_ text: String) -> Bool {
    eNotation.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
  }

  @Test("the run table writes values with their units, $ and thousands separators, and metric labels instead of identifiers")
  func runTable() throws {
    let report = try Self.runReport()
    let table = ReportTable.render(report)
    #expect(!Self.hasENotation(table), "\(table)")
    #expect(!table.contains("total_cost_usd") && !table.contains("link_availability"))
    let cost = try #require(table.split(separator: "\n").first { $0.hasPrefix("total cost per year ") })
    #expect(cost.contains("$") && cost.contains("/yr"), "\(cost)")
    let availability = try #require(table.split(separator: "\n").first { $0.hasPrefix("link availability ") })
    #expect(availability.contains("%"))
    let failures = try #require(table.split(separator: "\n").first { $0.hasPrefix("failures ") })
    #expect(failures.contains(","), "thousands separated: \(failures)")
    #expect(table.contains(Quantity.format(report.metrics["total_cost_usd_per_year"]!.mean.value, unit: "usd_per_year")))
  }

  @Test("metrics that are 0 in every trial are left out and named, unless --show-zero asks for them")
  func zeroRows() throws {
    let report = try Self.runReport()
    let zero = TerminalFormat.keyMetrics.filter { report.metrics[$0].map(TerminalFormat.allZero) ?? false }
    try #require(!zero.isEmpty, "the small scenario has metrics that are 0 in every trial (RMA cost)")
    let table = ReportTable.render(report)
    for metric in zero { #expect(!table.contains("\n\(Quantity.label(metric)) "), "\(metric) shown") }
    #expect(table.contains("0 in every trial and not shown") && table.contains("--show-zero"))
    let all = ReportTable.render(report, showZero: true)
    for metric in zero { #expect(all.contains("\n\(Quantity.label(metric)) "), "\(metric) missing with --show-zero") }
    #expect(!all.contains("not shown"))
    var command = try CPOSim.parseAsRoot(["run", "x.yaml", "--show-zero"]) as! Run
    #expect(command.showZero)
    command.showZero = false
  }

  @Test("compare prints B − A with its interval beside the means, and its verdicts use a real minus sign and no e-notation")
  func comparisonTable() throws {
    let report = try Self.comparisonReport()
    let table = ComparisonTable.render(report)
    #expect(table.contains("B − A (95% CI)"))
    let difference = report.differences["small-cpo"]!["total_cost_usd_per_year"]!
    let row = try #require(table.split(separator: "\n").first { $0.hasPrefix("total cost per year ") })
    let expected = "\(Quantity.format(difference.mean.value, unit: "usd_per_year", signed: true)) "
      + "(\(Quantity.format(difference.ci95Low.value, unit: "usd_per_year", signed: true)) .. "
      + "\(Quantity.format(difference.ci95High.value, unit: "usd_per_year", signed: true)))"
    #expect(row.hasSuffix(expected), "\(row)")
    #expect(!Self.hasENotation(table), "\(table)")
    for verdict in report.verdicts {
      #expect(!Self.hasENotation(verdict) && !verdict.contains("-$") && !verdict.contains(" -0"), "\(verdict)")
    }
    #expect(report.verdicts.contains { $0.contains("link availability") && $0.contains(" pp") && $0.contains("−") })
  }
}
