import Foundation
import ReliabilityKit

/// Columns of text, each as wide as its widest cell: the first `leftColumns` left-aligned
/// (names), the others right-aligned (numbers line up on their last digit).
struct TextTable {
  var header: [String]
  var rows: [[String]] = []
  var leftColumns = 1

  var text: String {
    let columns = header.count
    var widths = header.map(\.count)
    for row in rows { for (i, cell) in row.prefix(columns).enumerated() { widths[i] = max(widths[i], cell.count) } }
    func line(_ cells: [String]) -> String {
      cells.prefix(columns).enumerated().map { i, cell in
        let pad = String(repeating: " ", count: widths[i] - cell.count)
        return i < leftColumns ? cell + pad : pad + cell
      }.joined(separator: "   ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n")
  }
}

/// What the terminal tables share: the metrics they list, how a value and an interval read
/// (the pages' `Quantity`: units, $, thousands separators, a real minus sign), and which rows
/// are left out.
enum TerminalFormat {
  /// The metrics the run and compare tables list, in order.
  static let keyMetrics = [
    "link_availability", "switch_availability", "fabric_capacity_availability", "system_availability", "system_outages",
    "job_interruptions", "job_interruptions_per_month", "job_network_interruptions", "job_hits_per_1000_node_days", "job_ettr",
    "lost_gpu_hours", "failures", "flaps", "repairs", "drains", "spare_stockouts", "repair_downtime_hours", "technician_utilisation",
    "interruption_cost_usd", "labour_cost_usd", "spares_cost_usd", "rma_cost_usd", "logistics_cost_usd", "spares_capital_cost_usd",
    "energy_cost_usd", "spare_nodes_cost_usd", "serdes_energy_cost_usd", "capital_cost_usd", "support_cost_usd", "total_cost_usd",
    "total_cost_usd_per_year",
  ]

  static func value(_ x: FiniteOrNull, _ e: Estimate, metric: String, signed: Bool = false) -> String {
    Quantity.format(x.value, unit: e.unit, metric: metric, signed: signed)
  }

  /// `low .. high`, or `n/a` without an interval (one trial).
  static func interval(_ e: Estimate, metric: String, signed: Bool = false) -> String {
    guard e.ci95Low.value.isFinite, e.ci95High.value.isFinite else { return "n/a" }
    return "\(value(e.ci95Low, e, metric: metric, signed: signed)) .. \(value(e.ci95High, e, metric: metric, signed: signed))"
  }

  /// `mean (low .. high)`.
  static func withInterval(_ e: Estimate, metric: String, signed: Bool = false) -> String {
    let i = interval(e, metric: metric, signed: signed)
    return value(e.mean, e, metric: metric, signed: signed) + (i == "n/a" ? "" : " (\(i))")
  }

  /// Zero in every trial (its minimum and maximum are both 0).
  static func allZero(_ e: Estimate) -> Bool { e.min.value == 0 && e.max.value == 0 }

  /// The line that says which rows were left out and how to see them.
  static func hiddenNote(_ hidden: [String]) -> String? {
    guard !hidden.isEmpty else { return nil }
    let names = hidden.map(Quantity.label).joined(separator: ", ")
    return "\(hidden.count) metric\(hidden.count == 1 ? " is" : "s are") 0 in every trial and not shown (\(names)); --show-zero lists them"
  }
}

/// The terminal summary of a run report.
enum ReportTable {
  static var keyMetrics: [String] { TerminalFormat.keyMetrics }

  static func render(_ report: RunReport, showZero: Bool = false) -> String {
    let horizon = report.scenario.horizonHours
    var lines = ["\(report.scenario.name): \(Quantity.grouped(Double(report.provenance.trials))) trials, seed \(report.provenance.seed), "
      + "horizon \(Quantity.decimal(horizon / 8760, significant: 3)) years (\(Quantity.grouped(horizon)) h)", ""]
    var hidden: [String] = []
    var rows: [(String, Estimate)] = []
    for name in keyMetrics {
      guard let e = report.metrics[name] else { continue }
      if !showZero, TerminalFormat.allZero(e) { hidden.append(name); continue }
      rows.append((name, e))
    }
    lines.append(render(rows: rows))
    if let note = TerminalFormat.hiddenNote(hidden) { lines += ["", note] }
    return lines.joined(separator: "\n")
  }

  /// The table of `rows`: mean, 95 % interval, median and 95th percentile over trials.
  static func render(rows: [(String, Estimate)]) -> String {
    var table = TextTable(header: ["metric (per trial)", "mean", "95% CI", "p50", "p95"])
    for (name, e) in rows {
      table.rows.append([Quantity.label(name), TerminalFormat.value(e.mean, e, metric: name), TerminalFormat.interval(e, metric: name),
                         TerminalFormat.value(e.p50, e, metric: name), TerminalFormat.value(e.p95, e, metric: name)])
    }
    return table.text
  }

  /// A number for the tables of other commands (calibrate): grouped above a million, never in
  /// e-notation.
  static func number(_ value: FiniteOrNull) -> String {
    guard value.value.isFinite else { return "n/a" }
    let v = value.value
    if abs(v) >= 1e6 { return Quantity.compact(v) }
    if abs(v) >= 100 { return Quantity.grouped(v) }
    if abs(v) >= 1 { return String(format: "%.3g", v) }
    if v == 0 { return "0" }
    if abs(v) < 1e-4 { return Quantity.decimal(v, significant: 3) }
    return String(format: "%.5g", v)
  }

  static func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(1, n - s.count)) + s }
}

/// The terminal table of a comparison: each scenario's mean and, for each other scenario, the
/// paired difference from the baseline with its interval; then the verdicts.
enum ComparisonTable {
  static func render(_ report: ComparisonReport, showZero: Bool = false) -> String {
    let names = [report.baseline] + report.scenarios.keys.filter { $0 != report.baseline }.sorted()
    let letters = names.indices.map { String(UnicodeScalar(UInt8(65 + min($0, 25)))) }
    var lines = ["\(Quantity.grouped(Double(report.provenance.trials))) paired trials, seed \(report.provenance.seed), common random numbers",
                 zip(letters, names).map { "\($0) = \($1)" }.joined(separator: ", ")
                   + "; \(letters.dropFirst().map { "\($0) − A" }.joined(separator: ", ")): paired per trial, with its 95% CI", ""]
    var table = TextTable(header: ["metric (mean per trial)"] + zip(letters, names).map { "\($0): \($1)" }
      + letters.dropFirst().map { "\($0) − A (95% CI)" })
    var hidden: [String] = []
    for metric in TerminalFormat.keyMetrics {
      guard report.scenarios[report.baseline]?[metric] != nil else { continue }
      let estimates = names.map { report.scenarios[$0]?[metric] }
      if !showZero, estimates.allSatisfy({ $0.map(TerminalFormat.allZero) ?? true }) { hidden.append(metric); continue }
      var row = [Quantity.label(metric)]
      row += estimates.map { $0.map { TerminalFormat.value($0.mean, $0, metric: metric) } ?? "–" }
      row += names.dropFirst().map { name in
        report.differences[name]?[metric].map { TerminalFormat.withInterval($0, metric: metric, signed: true) } ?? "–"
      }
      table.rows.append(row)
    }
    lines.append(table.text)
    if let note = TerminalFormat.hiddenNote(hidden) { lines += ["", note] }
    lines.append("")
    lines += report.verdicts
    if let posterior = report.posterior {
      lines += ["", "posterior: \(posterior.draws) joint draws of \(posterior.keys.count) inputs from \(posterior.file) (each trial takes one, "
        + "the same in every scenario)"]
      for key in posterior.keys {
        let q = posterior.quantiles[key] ?? [:], unit = posterior.units[posterior.keys.firstIndex(of: key)!]
        func v(_ s: String) -> String { q[s].map { String(format: "%.4g", $0) + unit } ?? "–" }
        lines.append("  \(key): 5% \(v("p5")), 50% \(v("p50")), 95% \(v("p95"))")
      }
    }
    if let branches = report.branches, !branches.isEmpty {
      lines += ["", "branches (what no evidence constrains), each under the same draws and trials:"]
      var table = TextTable(header: ["branch"] + letters.dropFirst().flatMap { letter in
        ["\(letter) − A: total cost/yr (95% CI)", "P(\(letter) cheaper) (95% CI)"]
      } + ["set"])
      for b in branches {
        var row = [b.name]
        for name in names.dropFirst() {
          row.append(b.differences[name].map { TerminalFormat.withInterval($0, metric: "total_cost_usd_per_year", signed: true) } ?? "–")
          row.append(b.probabilityCheaper[name].map { String(format: "%.2f (%.2f .. %.2f)", $0.p.value, $0.ci95Low.value, $0.ci95High.value) } ?? "–")
        }
        row.append(b.set.keys.sorted().map { "\(Self.shortKey($0))=\(b.set[$0]!)" }.joined(separator: ", "))
        table.rows.append(row)
      }
      table.leftColumns = 1
      lines.append(table.text)
      for b in branches { lines.append("  \(b.name): \(b.note)\(b.source.map { " [\($0)]" } ?? "")") }
    }
    return lines.joined(separator: "\n")
  }

  /// A key path without the catalog's boilerplate (`parts.x.modes.y.distribution.rate` →
  /// `x.y.rate`).
  static func shortKey(_ key: String) -> String {
    key.replacingOccurrences(of: "parts.", with: "").replacingOccurrences(of: ".modes.", with: ".")
      .replacingOccurrences(of: ".distribution.", with: ".")
  }
}

/// The terminal table of a sweep: one row per grid point, the deciding metrics with intervals.
enum SweepTable {
  static let shown = ["total_cost_usd_per_year", "job_interruptions_per_month", "job_ettr", "link_availability", "system_availability"]

  static func render(_ report: SweepReport) -> String {
    let metrics = shown.filter { m in report.rows.contains { $0.metric == m } }
    var table = TextTable(header: report.parameters.map(keyLabel) + metrics.map { "\(Quantity.label($0)) (95% CI)" })
    var seen: Set<[String]> = []
    for row in report.rows {
      let point = report.parameters.map { row.parameters[$0] ?? "" }
      guard seen.insert(point).inserted else { continue }
      table.rows.append(point + metrics.map { metric in
        report.rows.first { r in r.metric == metric && report.parameters.map { r.parameters[$0] ?? "" } == point }
          .map { TerminalFormat.withInterval($0.estimate, metric: metric) } ?? "–"
      })
    }
    table.leftColumns = report.parameters.count
    return "\(report.rows.isEmpty ? 0 : report.trials) trials per point, seed \(report.seed)\n\n" + table.text
  }

  /// The last two words of a key path (`engine-failure.distribution.mtbf` → `engine-failure mtbf`).
  static func keyLabel(_ keyPath: String) -> String {
    let parts = keyPath.split(separator: ".").filter { Int($0) == nil && $0 != "distribution" && $0 != "modes" }
    return parts.suffix(2).joined(separator: " ").replacingOccurrences(of: "_", with: " ")
  }
}

/// The terminal lines of a break-even search.
enum BreakevenTable {
  static func render(_ report: BreakevenReport) -> String {
    var table = TextTable(header: [SweepTable.keyLabel(report.keyPath), "\(Quantity.label(report.metric)), B − A (95% CI)", "verdict"])
    for point in report.points {
      let d = point.difference
      let resolved = d.ci95Low.value > 0 || d.ci95High.value < 0
      table.rows.append([point.text, TerminalFormat.withInterval(d, metric: report.metric, signed: true),
                         resolved ? (d.mean.value > 0 ? "B higher" : "B lower") : "no detectable change"])
    }
    return "A = \(report.baseline), B = \(report.alternative); \(report.trials) paired trials per point\n\n" + table.text + "\n\n" + report.verdict
  }
}

/// The terminal table of a sensitivity analysis: ranked inputs with B − A at each end.
enum SensitivityTable {
  static func render(_ report: SensitivityReport) -> String {
    let c = report.central
    let f = { (e: Estimate) in TerminalFormat.withInterval(e, metric: report.metric, signed: true) }
    var lines = [
      "\(report.provenance.trials) paired trials per point, seed \(report.provenance.seed), common random numbers; "
        + "\(report.inputs.count) of \(report.inputsMoved) inputs shown, largest swing first",
      "\(Quantity.label(report.metric)), B − A (B = \(report.alternative), A = \(report.baseline)) at central inputs: \(f(c))",
      "",
    ]
    var table = TextTable(header: ["rank", "input", "low", "B − A at low (95% CI)", "high", "B − A at high (95% CI)", "swing", "flips"],
                          leftColumns: 2)
    for (rank, input) in report.inputs.enumerated() {
      let only = (input.moves.count == 1 ? " (\(input.moves[0]) only)" : "") + (input.evidence.map { " [\($0)]" } ?? "")
      table.rows.append([String(rank + 1), input.keyPath + only, input.low.text, f(input.low.difference), input.high.text, f(input.high.difference),
                         Quantity.format(input.swing.value, unit: c.unit, metric: report.metric), input.flips ? "yes" : ""])
    }
    lines.append(table.text)
    if let posterior = report.posterior {
      let fromPosterior = report.inputs.filter { $0.evidence == "posterior" }.count
      lines.append("")
      lines.append("[posterior]: the range is the 5-95 % posterior of \(posterior), centred on its median; [prior-only]: no evidence moved it, "
        + "its range is the prior's (\(fromPosterior) of \(report.inputs.count) shown inputs from the posterior)")
    }
    lines.append("")
    lines.append(report.verdict)
    return lines.joined(separator: "\n")
  }
}
