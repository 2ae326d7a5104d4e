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
    // Every count, hours or GPU-hours row of 1,000 or more is written with thousands separators.
    let large = TerminalFormat.keyMetrics.filter { m in
      guard let e = report.metrics[m], ["count", "hours", "gpu_hours"].contains(e.unit) else { return false }
      return e.mean.value >= 1000 && !TerminalFormat.allZero(e)
    }
    try #require(!large.isEmpty, "the small scenario has a row of 1,000 or more (lost GPU-hours)")
    for metric in large {
      let row = try #require(table.split(separator: "\n").first { $0.hasPrefix(Quantity.label(metric) + " ") })
      #expect(row.contains(","), "thousands separated: \(row)")
    }
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

  /// The lines of the README's block that shows `cposim compare` of the 16k demo as it prints.
  static func readmeComparison() throws -> [String] {
    let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let lines = readme.components(separatedBy: "\n")
    let start = try #require(lines.firstIndex { $0.hasPrefix("$ cposim compare Scenarios/cluster-16k-pluggable.yaml") },
                             "README.md shows the demo's comparison as it prints")
    let end = try #require(lines[start...].firstIndex { $0.hasPrefix("```") })
    return Array(lines[start..<end])
  }

  /// Cells of a table line: columns are at least three spaces apart.
  static func cells(_ line: String) -> [String] {
    line.components(separatedBy: "   ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }

  @Test("the README shows the comparison table as compare now prints it: its header, labels, layout and verdicts")
  func readmeShowsTheTable() throws {
    let shown = try Self.readmeComparison()
    // What the formatter prints for a comparison, with the small scenarios' names.
    let printed = ComparisonTable.render(try Self.comparisonReport()).components(separatedBy: "\n")
      .map { $0.replacingOccurrences(of: "small-pluggable", with: "cluster-16k-pluggable").replacingOccurrences(of: "small-cpo", with: "cluster-16k-cpo-els") }
    func digitsOut(_ s: String) -> String { s.replacingOccurrences(of: "[0-9][0-9,]*", with: "#", options: .regularExpression) }

    let top = try #require(shown.firstIndex { $0.hasPrefix("metric (mean per trial)") }, "\(shown)")
    #expect(digitsOut(shown[top - 3]) == digitsOut(printed[0]))
    #expect(shown[top - 2] == printed[1])
    let end = try #require(shown[top...].firstIndex { $0.isEmpty })
    let rows = shown[(top + 1)..<end].map(Self.cells)

    // The header is the formatter's, and the rows are laid out as TextTable lays them out.
    let header = Self.cells(try #require(printed.first { $0.hasPrefix("metric (mean per trial)") }))
    #expect(Self.cells(shown[top]) == header)
    #expect(rows.allSatisfy { $0.count == header.count }, "\(rows.filter { $0.count != header.count })")
    let relaid = TextTable(header: header, rows: rows).text.components(separatedBy: "\n")
    #expect(relaid == Array(shown[top..<end]), "the README's table is not laid out as TextTable lays it out")

    // Metric labels, in the order the formatter lists them; values with their units.
    let labels = TerminalFormat.keyMetrics.map(Quantity.label)
    let shownLabels = rows.map { $0[0] }
    #expect(shownLabels.count >= 20)
    #expect(shownLabels == labels.filter(shownLabels.contains), "\(shownLabels)")
    let table = shown[top..<end].joined(separator: "\n")
    #expect(!Self.hasENotation(table) && !table.contains("_usd") && !table.contains(" -"), "\(table)")
    for row in rows where row[0].hasSuffix("cost") || row[0].hasPrefix("total cost") {
      #expect(row.dropFirst().allSatisfy { $0.contains("$") }, "\(row)")
    }
    let perYear = try #require(rows.first { $0[0] == "total cost per year" })
    #expect(perYear.dropFirst().allSatisfy { $0.contains("/yr") }, "\(perYear)")

    // Verdicts: the same sentences, in the same order.
    func what(_ line: String) -> String {
      String(line.prefix { !"+−=0123456789".contains($0) })
    }
    let shownVerdicts = shown[(end + 1)...].filter { $0.hasPrefix("cluster-16k-cpo-els vs cluster-16k-pluggable: ") }
    let printedVerdicts = printed.filter { $0.hasPrefix("cluster-16k-cpo-els vs cluster-16k-pluggable: ") }
    #expect(shownVerdicts.map(what) == printedVerdicts.map(what))

    // The summary table at the top of the README states the same totals per year.
    let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let summary = try #require(readme.components(separatedBy: "\n").first { $0.hasPrefix("| **total cost** |") })
    for cell in perYear.dropFirst() {
      let amount = cell.components(separatedBy: "/yr").first!
      #expect(summary.contains(amount), "README's summary does not state \(amount): \(summary)")
    }
  }
}
