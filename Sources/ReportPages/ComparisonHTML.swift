import Foundation
import ReliabilityKit

/// The page of `cposim compare -o` (schemas/comparison.schema.json): scenarios side by side in
/// their side's colours, paired differences with intervals, the verdicts, and P(B better) when
/// the report gives it.
package enum ComparisonHTML: HTMLReportKind {
  package static let name = "comparison"
  package static let schemaVersions = [1]
  package static let requiredFields = ["baseline", "scenarios"]

  package static func matches(_ json: ReportJSON) -> Bool {
    json["baseline"]?.string != nil && json["scenarios"]?.object != nil
  }

  package static func render(_ json: ReportJSON, into page: inout HTMLPage) {
    let baseline = json["baseline"]?.string ?? "baseline"
    let scenarioObjects = json["scenarios"]?.object ?? [:]
    let scenarios = scenarioObjects.mapValues(\.estimates)
    let names = [baseline] + scenarios.keys.filter { $0 != baseline }.sorted()
    let colours = ReportPalette.colours(names: names)
    let differences = (json["differences"]?.object ?? [:]).mapValues(\.estimates)
    let alternative = names.dropFirst().first
    let diff = alternative.flatMap { differences[$0] } ?? [:]
    let base = scenarios[baseline] ?? [:]
    let perYear = ReportSections.perYearFactor(base)
    let probability = json["probability_better"]

    if let alternative, let cost = diff["total_cost_usd_per_year"] {
      page.title = ReportSections.differenceSentence(cost, metric: "total_cost_usd_per_year", alternative: alternative, baseline: baseline)
      if cost.resolved, let driver = driver(diff: diff, perYear: perYear, sign: cost.mean ?? 0) { page.title += ", \(driver)" }
    } else {
      page.title = "\(names.joined(separator: " vs "))"
    }
    var facts = ["\(names.count) scenarios: " + names.joined(separator: ", ")]
    if let trials = json["provenance", "trials"]?.int { facts.append("\(trials) paired trials") }
    if json["provenance", "common_random_numbers"]?.bool == true { facts.append("common random numbers") }
    if let seed = json["provenance", "seed"] { facts.append("seed \(seed.text)") }
    if let factor = perYear, factor > 0 { facts.append("horizon \(Quantity.decimal(1 / factor, significant: 3)) years") }
    page.subtitle = facts.joined(separator: " · ")

    if let alternative {
      for (metric, label) in [("total_cost_usd_per_year", "cost per year, B − A"), ("job_interruptions_per_month", "job interruptions a month, B − A"),
                              ("job_ettr", "ETTR, B − A"), ("link_availability", "link availability, B − A"),
                              ("system_availability", "system availability, B − A")] {
        guard let e = diff[metric] else { continue }
        let interval = Quantity.interval(e.ci95Low, e.ci95High, unit: e.unit, metric: metric, signed: true)
        page.keyNumbers.append((label, Quantity.format(e.mean, unit: e.unit, metric: metric, signed: true), interval.isEmpty ? "" : "95% CI \(interval)"))
        if metric == "total_cost_usd_per_year", let p = probabilityRow(probability, scenario: alternative, metric: metric) {
          let given = json["posterior"]?.object == nil ? "" : " | evidence"
          page.keyNumbers.append(("P(\(alternative) cheaper\(given))", String(format: "%.0f%%", p.p * 100),
                                  p.low.map { lo in String(format: "95%% CI %.0f%% .. %.0f%%", lo * 100, (p.high ?? lo) * 100) } ?? ""))
        }
      }
    }
    page.verdicts = (json["verdicts"]?.array ?? []).compactMap(\.string)

    page.section("Cost and interruptions", intro: "B − A is the paired difference per trial: trial i of every scenario ran with the same seed.")
    page.charts([
      costChart(names: names, scenarios: scenarios, colours: colours, perYear: perYear, alternative: alternative, baseline: baseline, diff: diff),
      rootCauseChart(json, names: names, scenarios: scenarios, colours: colours, alternative: alternative, baseline: baseline, diff: diff),
      probabilityChart(probability, names: names, colours: colours),
    ])
    posteriorSections(json, names: names, baseline: baseline, into: &page)
    page.section("Distributions over trials", intro: "Each strip is a scenario's trials: the thin line spans min to max, the box p5 to p95, the tick is the median, the dot the mean.")
    page.charts([
      strips(metric: "link_availability", names: names, scenarios: scenarios, colours: colours),
      strips(metric: "system_availability", names: names, scenarios: scenarios, colours: colours),
      strips(metric: "job_ettr", names: names, scenarios: scenarios, colours: colours),
      strips(metric: "repair_downtime_hours", names: names, scenarios: scenarios, colours: colours),
      strips(metric: "job_interruptions_per_month", names: names, scenarios: scenarios, colours: colours),
      strips(metric: "total_cost_usd", names: names, scenarios: scenarios, colours: colours),
    ])

    page.section("Metrics side by side", intro: "Mean per trial with its 95% interval; the last columns are B − A, paired, with the interval drawn around zero.")
    let shared = ReportSections.ordered(Set(scenarios.values.flatMap(\.keys)))
    let alternatives = Array(names.dropFirst())
    let header = ["metric"] + names.map { "\($0)" } + alternatives.map { "\($0) − \(baseline)" } + (alternative == nil ? [] : ["B − A around 0"])
    page.table(HTMLTable(header: header, rows: shared.map { m in
      var row = [HTML.escape(m)] + names.map { ReportSections.cell(scenarios[$0]?[m], metric: m) }
      row += alternatives.map { ReportSections.cell(differences[$0]?[m], metric: m, signed: true) }
      if let alternative {
        row.append(differences[alternative]?[m].flatMap { Charts.miniInterval($0, colour: colours[alternative] ?? ReportPalette.difference) } ?? "")
      }
      return row
    }))
    page.provenance = ReportSections.provenance(json)
    page.notes.append("Colours: pluggable \(ReportPalette.pluggable), CPO \(ReportPalette.cpo), others from a neutral set; the same in every cposim chart.")
  }

  /// Under the posterior (`posterior` in the JSON): what was drawn (each key's 5/50/95 % and
  /// what the draws are of), and the verdict per named branch (`branches`): B − A cost per year
  /// and P(B cheaper) under the same draws, with the values each branch sets and its note.
  static func posteriorSections(_ json: ReportJSON, names: [String], baseline: String, into page: inout HTMLPage) {
    if let posterior = json["posterior"], let keys = posterior["keys"]?.array?.compactMap(\.string) {
      let units = posterior["units"]?.array?.compactMap(\.string) ?? []
      let draws = posterior["draws"]?.int ?? 0
      let drawnFor = posterior["provenance", "draws_for"]?.string
      page.section("Under the posterior",
                   intro: "Each paired trial ran with one of the \(draws) joint draws of \(posterior["file"]?.string ?? "the posterior") "
                     + "and one simulated history, so P(cheaper) is a posterior predictive probability given the evidence"
                     + (drawnFor.map { "; the draws are \($0)" } ?? "") + ".")
      func number(_ x: Double?, _ unit: String) -> String { x.map { HTML.escape(String(format: "%.4g", $0) + unit) } ?? "–" }
      page.table(HTMLTable(caption: "The drawn inputs over the \(draws) draws", header: ["input", "5%", "50%", "95%"], rows: keys.enumerated().map { k, key in
        let q = posterior["quantiles", key]
        let unit = k < units.count ? units[k] : ""
        return [HTML.escape(key), number(q?["p5"]?.double, unit), number(q?["p50"]?.double, unit), number(q?["p95"]?.double, unit)]
      }))
      var facts: [[String]] = []
      for field in ["seed", "ess", "points", "fleet_effects", "method"] {
        if let v = posterior["provenance", field]?.string { facts.append([HTML.escape(field), HTML.escape(v)]) }
      }
      if let sha = posterior["sha256"]?.string { facts.append(["sha256", HTML.escape(sha)]) }
      page.table(HTMLTable(caption: "Where the draws come from (the posterior block's provenance)", header: ["", ""], rows: facts))
    }
    guard let branches = json["branches"]?.array, !branches.isEmpty else { return }
    let others = Array(names.dropFirst())
    page.section("Branches: what no fleet measured",
                 intro: "Each branch sets inputs no evidence constrains and runs again with the same draws and the same trials; "
                   + "the verdict is given per branch, not averaged over them.")
    var header = ["branch", "sets"]
    for o in others { header += ["\(o) − \(baseline) per year", "P(\(o) cheaper)"] }
    header.append("why")
    let rows = branches.map { b -> [String] in
      let set = (b["set"]?.object ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value.string ?? $0.value.text)" }
      var row = [HTML.escape(b["name"]?.string ?? ""), set.map(HTML.escape).joined(separator: "<br>")]
      for o in others {
        row.append(ReportSections.cell(EstimateView(b["differences", o]), metric: "total_cost_usd_per_year", signed: true))
        if let p = probabilityValue(b["probability_cheaper", o]) {
          row.append(String(format: "%.2f", p.p) + (p.low.map { lo in String(format: "<br><span class=\"ci\">%.2f .. %.2f</span>", lo, p.high ?? lo) } ?? ""))
        } else {
          row.append("–")
        }
      }
      row.append(HTML.escape((b["note"]?.string ?? "") + (b["source"]?.string.map { " [\($0)]" } ?? "")))
      return row
    }
    page.table(HTMLTable(caption: "The verdict per branch (cost per year, paired, 95% CI; P with its Wilson interval)", header: header, rows: rows))
  }

  static func probabilityValue(_ entry: ReportJSON?) -> (p: Double, low: Double?, high: Double?, tie: Double?)? {
    guard let entry, let p = entry["p"]?.double else { return nil }
    return (p, entry["ci95_low"]?.double, entry["ci95_high"]?.double, entry["p_tie"]?.double)
  }

  static func costChart(names: [String], scenarios: [String: [String: EstimateView]], colours: [String: String], perYear: Double?,
                        alternative: String?, baseline: String, diff: [String: EstimateView]) -> ChartFigure? {
    let lines = ReportSections.costLines.filter { line in names.contains { scenarios[$0]?[line.metric] != nil } }
    guard !lines.isEmpty else { return nil }
    let factor = perYear ?? 1
    let unit = perYear == nil ? "usd" : "usd_per_year"
    let values = lines.map { line in names.map { scenarios[$0]?[line.metric]?.scaled(by: factor) } }
    var title = "Cost \(perYear == nil ? "over the horizon" : "per year") by line"
    if let alternative, let total = diff["total_cost_usd"]?.scaled(by: factor), let totalMean = total.mean {
      let deciding = lines.compactMap { line in diff[line.metric].map { (line.label, $0.scaled(by: factor)) } }
        .max { abs($0.1.mean ?? 0) < abs($1.1.mean ?? 0) }
      if let deciding, let m = deciding.1.mean {
        title = "\(deciding.0.capitalizedFirst) decide it: \(Quantity.format(m, unit: unit, signed: true)) of the "
          + "\(Quantity.format(totalMean, unit: unit, signed: true)) difference (\(alternative) − \(baseline))"
      }
    }
    return Charts.bars(id: "cost-breakdown", title: title,
                       note: "Mean cost \(perYear == nil ? "over the horizon" : "per year") of each line per scenario, with its 95% interval; the lines add up to the total.",
                       categories: lines.map(\.label), groups: names.map { ($0, colours[$0] ?? ReportPalette.difference) }, values: values,
                       x: AxisSpec(label: perYear == nil ? "USD over the horizon" : "USD per year", format: ReportSections.tickFormat(unit: unit, metric: ""), precise: ReportSections.tickPrecise(unit: unit, metric: "")),
                       valueText: { Quantity.format($0, unit: unit) })
  }

  /// The cost line that moves the total most in its direction, in words: `mostly job
  /// interruptions (−$1.48M/yr)`.
  static func driver(diff: [String: EstimateView], perYear: Double?, sign: Double) -> String? {
    let factor = perYear ?? 1, unit = perYear == nil ? "usd" : "usd_per_year"
    let lines = ReportSections.costLines.compactMap { line in diff[line.metric].map { (line.label, $0.scaled(by: factor)) } }
      .filter { ($0.1.mean ?? 0) * sign > 0 }
    guard let top = lines.max(by: { abs($0.1.mean ?? 0) < abs($1.1.mean ?? 0) }), let m = top.1.mean else { return nil }
    return "mostly \(top.0) (\(Quantity.format(m, unit: unit, signed: true)))"
  }

  /// P(B better) rows: `probability_better: {scenario: {metric: {p, ci95_low, ci95_high, p_tie}}}`.
  static func probabilityRow(_ json: ReportJSON?, scenario: String, metric: String) -> (p: Double, low: Double?, high: Double?, tie: Double?)? {
    guard let entry = json?[scenario]?[metric] else { return nil }
    guard let p = entry["p"]?.double ?? entry.double else { return nil }
    return (p, entry["ci95_low"]?.double, entry["ci95_high"]?.double, entry["p_tie"]?.double)
  }

  /// P(B better) for the metrics where better has a direction (`ReportSections.decisionMetrics`),
  /// each bar split into B better, tied and B worse.
  static func probabilityChart(_ json: ReportJSON?, names: [String], colours: [String: String]) -> ChartFigure? {
    guard let json else { return nil }
    var rows: [Charts.ProbabilityRow] = []
    let several = names.count > 2
    for name in names.dropFirst() {
      for (metric, better) in ReportSections.decisionMetrics {
        guard let p = probabilityRow(json, scenario: name, metric: metric) else { continue }
        rows.append(Charts.ProbabilityRow(name: several ? "\(name): \(better)" : better, colour: colours[name] ?? ReportPalette.difference,
                                          p: p.p, low: p.low, high: p.high, tie: p.tie))
      }
    }
    guard let first = rows.first, let alternative = names.dropFirst().first else { return nil }
    let interval = first.low.map { lo in String(format: " (95%% CI %.0f%% .. %.0f%%)", lo * 100, (first.high ?? lo) * 100) } ?? ""
    let what = several ? first.name : "\(alternative) \(first.name)"
    let ties = (first.tie ?? 0) > 0 ? String(format: "; tied in %.0f%%", (first.tie ?? 0) * 100) : ""
    return Charts.probabilities(id: "probability-better", title: "P(\(what)) = \(String(format: "%.0f%%", first.p * 100))\(interval)\(ties)",
                                note: "Share of paired trials in which B is better than \(names[0]) (its colour), tied (grey) or worse (light), "
                                  + "with the interval of P(better); input uncertainty included when drawn. The dashed line is 50%.",
                                rows: rows, worseColour: colours[names[0]] ?? ReportPalette.difference)
  }

  static func rootCauseChart(_ json: ReportJSON, names: [String], scenarios: [String: [String: EstimateView]], colours: [String: String],
                             alternative: String?, baseline: String, diff: [String: EstimateView]) -> ChartFigure? {
    let byScenario = names.map { ReportSections.rootCauses(metrics: scenarios[$0] ?? [:], breakdown: json["interruptions_by_cause"]?[$0]) }
    let causes = ReportSections.ordered(Set(byScenario.flatMap { $0.map(\.cause) }))
    guard !causes.isEmpty else { return nil }
    let values = causes.map { cause in byScenario.map { list in list.first { $0.cause == cause }?.estimate } }
    var title = "Job interruptions by root cause"
    if let alternative, let d = diff["job_interruptions_per_month"] ?? diff["job_interruptions"] {
      let metric = diff["job_interruptions_per_month"] != nil ? "job_interruptions_per_month" : "job_interruptions"
      title = ReportSections.differenceSentence(d, metric: metric, alternative: alternative, baseline: baseline)
    }
    return Charts.bars(id: "interruptions-by-cause", title: title, note: "Job interruptions per trial by root cause, mean with 95% interval.",
                       categories: causes, groups: names.map { ($0, colours[$0] ?? ReportPalette.difference) }, values: values,
                       x: AxisSpec(label: "job interruptions per trial (count)"), valueText: { Quantity.compact($0) })
  }

  static func strips(metric: String, names: [String], scenarios: [String: [String: EstimateView]], colours: [String: String]) -> ChartFigure? {
    let rows = names.compactMap { name in scenarios[name]?[metric].map { (name, colours[name] ?? ReportPalette.difference, $0) } }
    guard let first = rows.first else { return nil }
    let means = rows.map { "\(Quantity.format($0.2.mean, unit: first.2.unit, metric: metric)) for \($0.0)" }
    let title = "\(Quantity.words(metric).capitalizedFirst): " + means.joined(separator: " vs ") + " (means)"
    let values = rows.flatMap { [$0.2.min, $0.2.max, $0.2.p5, $0.2.p95].compactMap { $0 } }
    let positive = values.allSatisfy { $0 > 0 }
    let spread = (values.max() ?? 1) / max(values.min() ?? 1, 1e-300)
    let kind: ChartScale.Kind = metric.hasSuffix("availability") ? .nines : (positive && spread > 100 ? .log : .linear)
    return Charts.quantileStrips(id: "strips-\(metric)", title: title,
                                 note: "Per trial, over \(first.2.n.map(String.init) ?? "all") trials of each scenario.",
                                 rows: rows.map { (name: $0.0, colour: $0.1, estimate: $0.2) },
                                 x: AxisSpec(kind, label: ReportSections.axisLabel(metric: metric, unit: first.2.unit),
                                             format: ReportSections.tickFormat(unit: first.2.unit, metric: metric), precise: ReportSections.tickPrecise(unit: first.2.unit, metric: metric)))
  }
}
