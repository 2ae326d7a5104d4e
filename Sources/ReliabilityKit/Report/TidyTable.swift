import Foundation

/// A report as a tidy long-format table, one value per row, for spreadsheets and data frames
/// (`pandas.read_csv` reads every number as a float): the columns `scenario, metric, statistic,
/// value, unit`, with the columns that identify a row of a sweep (each swept key path) or of a
/// sensitivity analysis (`input`, `end`, `input_value`, `input_text`) between `scenario` and
/// `metric`. Written by `--csv` on run, compare, sweep and sensitivity (docs/report.md).
///
/// - A difference B − A is the scenario `B - A` (the two names with ` - ` between them).
/// - Statistics of an estimate: `n`, `mean`, `sd`, `ci95_low`, `ci95_high`, `min`, `max`, `p5`,
///   `p50`, `p95`, `p99`; of P(B better): `p_better`, `p_better_ci95_low`, `p_better_ci95_high`,
///   `p_tie` (unit `probability`).
/// - An undefined value (a standard deviation of one trial) is an empty cell, never NaN.
package struct TidyTable: Sendable, Equatable {
  /// Identifying columns after `scenario` and before `metric` (a sweep's key paths).
  package var keys: [String]
  package var rows: [Row]

  package struct Row: Sendable, Equatable {
    package var scenario: String
    package var keys: [String]
    package var metric: String
    package var statistic: String
    package var value: Double
    package var unit: String
  }

  package init(keys: [String] = [], rows: [Row] = []) {
    self.keys = keys
    self.rows = rows
  }

  package var header: [String] { ["scenario"] + keys + ["metric", "statistic", "value", "unit"] }

  /// The name of a difference `B - A` as the `scenario` column writes it.
  package static func difference(_ b: String, _ a: String) -> String { "\(b) - \(a)" }

  /// The statistics of an estimate, in the table's order.
  static func statistics(_ e: Estimate) -> [(String, Double)] {
    [("n", Double(e.n)), ("mean", e.mean.value), ("sd", e.sd.value), ("ci95_low", e.ci95Low.value), ("ci95_high", e.ci95High.value),
     ("min", e.min.value), ("max", e.max.value), ("p5", e.p5.value), ("p50", e.p50.value), ("p95", e.p95.value), ("p99", e.p99.value)]
  }

  mutating func add(_ scenario: String, keys: [String] = [], metric: String, estimate e: Estimate) {
    for (statistic, value) in Self.statistics(e) {
      rows.append(Row(scenario: scenario, keys: keys, metric: metric, statistic: statistic, value: value, unit: statistic == "n" ? "trials" : e.unit))
    }
  }

  mutating func add(_ scenario: String, metric: String, probability p: ComparisonReport.Probability) {
    for (statistic, value) in [("p_better", p.p), ("p_better_ci95_low", p.ci95Low), ("p_better_ci95_high", p.ci95High), ("p_tie", p.pTie)] {
      rows.append(Row(scenario: scenario, keys: [], metric: metric, statistic: statistic, value: value.value, unit: "probability"))
    }
  }

  /// RFC 4180 CSV with a header line and `\n` line ends; numbers in their shortest exact form.
  package var csv: String {
    var out = Self.line(header)
    for row in rows {
      out += Self.line([row.scenario] + row.keys + [row.metric, row.statistic, Self.number(row.value), row.unit])
    }
    return out
  }

  static func line(_ cells: [String]) -> String { cells.map(field).joined(separator: ",") + "\n" }

  /// A cell, quoted when it holds a comma, a quote or a line break.
  static func field(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// The shortest text that reads back as the same double; empty when it is not finite.
  static func number(_ x: Double) -> String {
    guard x.isFinite else { return "" }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
  }
}

extension TidyTable {
  /// A run: every metric's estimate, then the breakdowns (`failures_by_mode[part/mode]`,
  /// `repairs_by_action[action]`, `spares_used_by_fru[fru]`, `job[name].metric`).
  package init(_ report: RunReport) {
    self.init()
    let name = report.scenario.name
    for metric in report.metrics.keys.sorted() { add(name, metric: metric, estimate: report.metrics[metric]!) }
    let b = report.breakdowns
    for (group, entries) in [("failures_by_mode", b.failuresByMode), ("repairs_by_action", b.repairsByAction), ("spares_used_by_fru", b.sparesUsedByFru)] {
      for key in entries.keys.sorted() { add(name, metric: "\(group)[\(key)]", estimate: entries[key]!) }
    }
    for job in b.jobs.keys.sorted() {
      for metric in b.jobs[job]!.keys.sorted() { add(name, metric: "job[\(job)].\(metric)", estimate: b.jobs[job]![metric]!) }
    }
  }

  /// A comparison: each scenario's metrics, then for each other scenario its paired
  /// differences `B - A` and P(B better).
  package init(_ report: ComparisonReport) {
    self.init()
    let names = [report.baseline] + report.scenarios.keys.filter { $0 != report.baseline }.sorted()
    for name in names {
      let metrics = report.scenarios[name] ?? [:]
      for metric in metrics.keys.sorted() { add(name, metric: metric, estimate: metrics[metric]!) }
    }
    for name in names.dropFirst() {
      let difference = Self.difference(name, report.baseline)
      let estimates = report.differences[name] ?? [:]
      for metric in estimates.keys.sorted() {
        add(difference, metric: metric, estimate: estimates[metric]!)
        if let p = report.probabilityBetter[name]?[metric] { add(difference, metric: metric, probability: p) }
      }
    }
    // P(each cheapest): the share of paired trials in which the scenario had the lowest total cost.
    for name in names {
      guard let p = report.probabilityCheapest[name] else { continue }
      for (statistic, value) in [("p_cheapest", p.p), ("p_cheapest_ci95_low", p.ci95Low), ("p_cheapest_ci95_high", p.ci95High)] {
        rows.append(Row(scenario: name, keys: [], metric: Comparison.costMetric, statistic: statistic, value: value.value, unit: "probability"))
      }
    }
    // Per branch: the total cost's difference and P(cheaper), the scenario `B - A [branch]`.
    for branch in report.branches ?? [] {
      for name in names.dropFirst() {
        let difference = "\(Self.difference(name, report.baseline)) [\(branch.name)]"
        if let e = branch.differences[name] { add(difference, metric: "total_cost_usd_per_year", estimate: e) }
        if let p = branch.probabilityCheaper[name] { add(difference, metric: "total_cost_usd_per_year", probability: p) }
      }
    }
  }

  /// A sweep: one column per swept key path holding the value as written.
  package init(_ report: SweepReport) {
    self.init(keys: report.parameters)
    let name = URL(fileURLWithPath: report.scenario).deletingPathExtension().lastPathComponent
    for row in report.rows {
      add(name, keys: report.parameters.map { row.parameters[$0] ?? "" }, metric: row.metric, estimate: row.estimate)
    }
  }

  /// A sensitivity analysis: B − A at central inputs (`end` = `central`), then for each input
  /// B − A at its low and high, its swing and whether it flips the verdict (1 or 0).
  package init(_ report: SensitivityReport) {
    self.init(keys: ["input", "end", "input_value", "input_text"])
    let difference = Self.difference(report.alternative, report.baseline)
    add(difference, keys: ["", "central", "", ""], metric: report.metric, estimate: report.central)
    for input in report.inputs {
      for (end, result) in [("low", input.low), ("high", input.high)] {
        add(difference, keys: [input.keyPath, end, Self.number(result.value.value), result.text], metric: report.metric, estimate: result.difference)
      }
      rows.append(Row(scenario: difference, keys: [input.keyPath, "", "", ""], metric: report.metric, statistic: "swing",
                      value: input.swing.value, unit: report.central.unit))
      rows.append(Row(scenario: difference, keys: [input.keyPath, "", "", ""], metric: report.metric, statistic: "flips",
                      value: input.flips ? 1 : 0, unit: "boolean"))
    }
  }
}

extension TidyTable {
  /// The header of `compare --per-trial`.
  package static let perTrialHeader = "trial,scenario,metric,value,unit\n"

  /// The lines of one trial of `compare --per-trial`: each scenario's value of each shared
  /// metric, then each paired difference `B - A`, in the columns `trial, scenario, metric,
  /// value, unit`.
  package static func perTrialLines(_ comparison: Comparison) -> @Sendable (Int, [[Double]]) -> Data {
    let names = comparison.simulations.map(\.scenario.name)
    let metrics = comparison.sharedMetrics
    return { trial, values in
      var text = ""
      let t = String(trial)
      func add(_ scenario: String, _ m: Int, _ value: Double) {
        text += line([t, scenario, metrics[m].name, number(value), metrics[m].unit])
      }
      for (k, name) in names.enumerated() { for m in metrics.indices { add(name, m, values[k][m]) } }
      for k in names.indices.dropFirst() {
        let difference = Self.difference(names[k], names[0])
        for m in metrics.indices { add(difference, m, values[k][m] - values[0][m]) }
      }
      return Data(text.utf8)
    }
  }
}

extension TidyTable {
  /// An inference (`cposim infer --csv`): the columns `section, name, fleet` between `scenario`
  /// and `metric`.
  /// - `input`: each input's `posterior` (`mean`, `sd`, `mean_se`, `p5`, `p50`, `p95`; unit: the
  ///   suffix it is written in), and its `correlation[KEY]` with each other input.
  /// - `item`: each evidence item's `predictive_check` (`observed`, `predicted`,
  ///   `predictive_low`, `predictive_high`, `p_value`, `conflict` 1 or 0).
  /// - `fleet_spread`: each rate several fleets inform (`name`; `fleet`: the fleets, `;` between),
  ///   its `sigma`, `population_rate` and `new_fleet_rate` (`mean`, `p5`, `p50`, `p95`).
  /// - `leave_one_fleet_out`: each item of each fleet left out, `predictive_check` (`ess`,
  ///   `predicted`, `predicted_median`, `predictive_low`, `predictive_high`, `p_value`,
  ///   `not_predicted` 1 or 0).
  package init(_ report: InferenceReport) {
    self.init(keys: ["section", "name", "fleet"])
    let scenario = URL(fileURLWithPath: report.scenario).deletingPathExtension().lastPathComponent
    func add(_ keys: [String], _ metric: String, _ statistic: String, _ value: Double?, _ unit: String) {
      rows.append(Row(scenario: scenario, keys: keys, metric: metric, statistic: statistic, value: value ?? .nan, unit: unit))
    }
    for (a, input) in report.inputs.enumerated() {
      let keys = ["input", input.keyPath, ""]
      for (s, v) in [("mean", input.mean), ("sd", input.sd), ("mean_se", input.meanStandardError), ("p5", input.p5), ("p50", input.p50), ("p95", input.p95)] {
        add(keys, "posterior", s, v.value, input.suffix)
      }
      for (b, other) in report.inputs.enumerated() where b != a {
        add(keys, "correlation[\(other.keyPath)]", "weighted", report.correlations[a][b].value, "")
      }
    }
    for item in report.items {
      let keys = ["item", item.name, item.fleet]
      let unit = item.observedRatePerUnitHour.value == nil ? (item.observedCount.value == nil ? "probability" : "count") : "per unit-hour"
      let observed = item.observedCount.value.map(Double.init) ?? item.observedRatePerUnitHour.value?.value
      add(keys, "predictive_check", "observed", observed, unit)
      add(keys, "predictive_check", "predicted", item.predicted.value, unit)
      add(keys, "predictive_check", "predictive_low", item.predictiveLow.value?.value, unit)
      add(keys, "predictive_check", "predictive_high", item.predictiveHigh.value?.value, unit)
      add(keys, "predictive_check", "p_value", item.pValue.value, "probability")
      add(keys, "predictive_check", "conflict", item.conflict ? 1 : 0, "boolean")
    }
    for spread in report.fleetSpreads {
      let keys = ["fleet_spread", spread.rate, spread.fleets.joined(separator: ";")]
      for (metric, s, unit) in [("sigma", spread.sigma, "ln rate"), ("population_rate", spread.populationRate, "per unit-hour"),
                                ("new_fleet_rate", spread.newFleetRate, "per unit-hour")] {
        for (statistic, v) in [("mean", s.mean), ("p5", s.p5), ("p50", s.p50), ("p95", s.p95)] { add(keys, metric, statistic, v.value, unit) }
      }
    }
    for fleet in report.leaveOneFleetOut {
      for item in fleet.items {
        let keys = ["leave_one_fleet_out", item.name, fleet.fleet]
        add(keys, "predictive_check", "ess", fleet.effectiveSampleSize.value, "points")
        add(keys, "predictive_check", "predicted", item.predicted.value, "")
        add(keys, "predictive_check", "predicted_median", item.predictedMedian.value, "")
        add(keys, "predictive_check", "predictive_low", item.predictiveLow.value?.value, "")
        add(keys, "predictive_check", "predictive_high", item.predictiveHigh.value?.value, "")
        add(keys, "predictive_check", "p_value", item.pValue.value, "probability")
        add(keys, "predictive_check", "not_predicted", item.conflict ? 1 : 0, "boolean")
      }
    }
  }
}
