import Foundation
import ReliabilityKit

/// The page of `cposim run -o` (schemas/report.schema.json): one scenario's metrics with their
/// distributions over trials, cost lines, failures per month, interruptions by root cause.
package enum RunHTML: HTMLReportKind {
  package static let name = "run"
  package static let schemaVersions = [1]
  package static let requiredFields = ["metrics"]

  package static func matches(_ json: ReportJSON) -> Bool {
    json["metrics"]?.object != nil && json["scenarios"] == nil && json["baseline"] == nil
  }

  package static func render(_ json: ReportJSON, into page: inout HTMLPage) {
    let metrics = json["metrics"]?.estimates ?? [:]
    let scenarioName = json["scenario", "name"]?.string ?? "scenario"
    let optics = json["scenario", "fabric", "optics"]?.string
    let colour = ReportPalette.colour(ReportPalette.side(name: scenarioName, optics: optics))
    let horizon = json["scenario", "horizon_hours"]?.double
    let perYear = ReportSections.perYearFactor(metrics, horizonHours: horizon)
    let availabilityMetric = ["link_availability", "system_availability"].first { metrics[$0] != nil }
    let trials = json["provenance", "trials"]?.int ?? metrics.values.first?.n

    // Title: the cost a year when there is one, else the availability.
    if let cost = metrics["total_cost_usd_per_year"], (cost.mean ?? 0) > 0 {
      page.title = "\(scenarioName) costs \(ReportSections.withInterval(cost, metric: "total_cost_usd_per_year"))"
    } else if let a = availabilityMetric, let e = metrics[a] {
      page.title = "\(scenarioName): \(Quantity.words(a)) \(ReportSections.withInterval(e, metric: a))"
    } else {
      page.title = "\(scenarioName): simulation report"
    }
    var facts: [String] = []
    if let trials { facts.append("\(trials) trials") }
    if let horizon { facts.append("horizon \(Quantity.decimal(horizon / 8760, significant: 3)) years (\(Quantity.grouped(horizon)) h)") }
    if let fabric = json["scenario", "fabric"], fabric.object != nil {
      let gpus = fabric["gpus"]?.double.map { Quantity.grouped($0) + " GPUs" }
      facts += [gpus, fabric["topology"]?.string, fabric["optics"]?.string.map { "\($0) optics" }].compactMap { $0 }
    }
    if let seed = json["provenance", "seed"] { facts.append("seed \(seed.text)") }
    page.subtitle = facts.joined(separator: " · ")

    for (metric, label) in [("total_cost_usd_per_year", "total cost per year"), (availabilityMetric ?? "", "availability"),
                            ("job_interruptions_per_month", "job interruptions a month"), ("job_ettr", "effective training time ratio")] {
      guard let e = metrics[metric] else { continue }
      page.keyNumbers.append((label == "availability" ? Quantity.words(metric) : label,
                              Quantity.format(e.mean, unit: e.unit, metric: metric),
                              Quantity.interval(e.ci95Low, e.ci95High, unit: e.unit, metric: metric).isEmpty ? ""
                                : "95% CI " + Quantity.interval(e.ci95Low, e.ci95High, unit: e.unit, metric: metric)))
    }

    page.section("Distributions over trials", intro: "Histograms of the trials (bins of the report's quantile sketch); the dashed line is the mean.")
    page.charts([
      availabilityMetric.flatMap { distribution(json, metric: $0, name: scenarioName, colour: colour) },
      distribution(json, metric: "repair_downtime_hours", name: scenarioName, colour: colour),
      distribution(json, metric: "total_cost_usd", name: scenarioName, colour: colour),
      distribution(json, metric: "job_interruptions", name: scenarioName, colour: colour),
    ])

    page.section("Cost, failures and interruptions")
    let monthly = monthlyCharts(json, colour: colour)
    page.charts([
      costChart(metrics: metrics, perYear: perYear, name: scenarioName, colour: colour),
      monthly.first,
      rootCauseChart(metrics: metrics, breakdown: json["breakdowns", "interruptions_by_cause"], name: scenarioName, colour: colour),
      breakdownChart(json["breakdowns", "failures_by_mode"], id: "failures-by-mode", what: "failures", colour: colour),
      breakdownChart(json["breakdowns", "repairs_by_action"], id: "repairs-by-action", what: "repairs", colour: colour),
      breakdownChart(json["breakdowns", "spares_used_by_fru"], id: "spares-by-fru", what: "spares used", colour: colour),
    ] + monthly.dropFirst().map { Optional($0) })

    page.section("Metrics", intro: "Per trial: mean with its 95% confidence interval (Student t), and quantiles over trials.")
    page.table(HTMLTable(header: ["metric", "mean (95% CI)", "p5", "p50", "p95", "p99"], rows: ReportSections.ordered(metrics.keys).map { m in
      let e = metrics[m]!
      return [HTML.escape(m), ReportSections.cell(e, metric: m)] + [e.p5, e.p50, e.p95, e.p99].map {
        HTML.escape(Quantity.format($0, unit: e.unit, metric: m))
      }
    }))
    if let jobs = json["breakdowns", "jobs"]?.object, !jobs.isEmpty {
      let names = jobs.keys.sorted()
      let jobMetrics = ReportSections.ordered(Set(names.flatMap { jobs[$0]!.estimates.keys }))
      page.table(HTMLTable(caption: "Per job", header: ["metric"] + names, rows: jobMetrics.map { m in
        [HTML.escape(m)] + names.map { ReportSections.cell(jobs[$0]!.estimates[m], metric: m) }
      }))
    }
    if let advice = json["checkpoint_advice"]?.object, !advice.isEmpty {
      let rows = advice.keys.sorted().flatMap { job -> [[String]] in
        let a = advice[job]!.object ?? [:]
        func h(_ o: [String: ReportJSON], _ key: String) -> String { o[key]?.double.map { Quantity.compact($0) + " h" } ?? "n/a" }
        func r(_ key: String) -> String { a[key]?.double.map { Quantity.decimal($0, significant: 4) } ?? "n/a" }
        let durable = [HTML.escape(job), h(a, "current_interval_hours"), h(a, "mean_time_between_interruptions_hours"),
                       h(a, "young_interval_hours"), h(a, "daly_interval_hours"), r("simulated_ettr"),
                       r("model_ettr_at_current_interval"), r("model_ettr_at_daly_interval")]
        // A job with an in-memory tier: one row per tier, each answering its own interruptions.
        guard let m = a["memory_tier"]?.object else { return [durable] }
        return [[HTML.escape(job) + " (in memory)", h(m, "current_interval_hours"), h(m, "mean_time_between_interruptions_hours"),
                 h(m, "young_interval_hours"), h(m, "daly_interval_hours"), r("simulated_ettr"), "n/a", "n/a"],
                [HTML.escape(job) + " (durable)"] + durable.dropFirst()]
      }
      page.table(HTMLTable(caption: "Checkpoint advice (Young/Daly for the simulated mean time between interruptions)",
                           header: ["job", "interval", "MTBI", "Young", "Daly", "ETTR simulated", "ETTR model now", "ETTR model at Daly"],
                           rows: rows))
      for job in advice.keys.sorted() { if let note = advice[job]?["note"]?.string { page.notes.append("\(job): \(note).") } }
    }
    page.provenance = ReportSections.provenance(json)
  }

  /// A histogram of one metric's trials.
  static func distribution(_ json: ReportJSON, metric: String, name: String, colour: String) -> ChartFigure? {
    guard let bins = json["histograms", metric]?.array, let e = EstimateView(json["metrics", metric]) else { return nil }
    let parsed = bins.compactMap { b -> (low: Double, high: Double, count: Int)? in
      guard let lo = b["low"]?.double, let hi = b["high"]?.double, let n = b["count"]?.int else { return nil }
      return (lo, hi, n)
    }
    let kind = ReportSections.axisKind(metric: metric)
    let spread = [e.p5, e.p95].compactMap { $0 }
    let title: String
    if spread.count == 2 {
      title = "\(Quantity.words(metric).capitalizedFirst): mean \(Quantity.format(e.mean, unit: e.unit, metric: metric)); "
        + "90% of trials between \(Quantity.format(spread[0], unit: e.unit, metric: metric)) and \(Quantity.format(spread[1], unit: e.unit, metric: metric))"
    } else {
      title = "\(Quantity.words(metric).capitalizedFirst): mean \(Quantity.format(e.mean, unit: e.unit, metric: metric))"
    }
    let positive = parsed.filter { $0.count > 0 }
    let useLog = kind == .linear && (positive.map(\.low).min() ?? 0) > 0 && (positive.map(\.high).max() ?? 1) / (positive.map(\.low).min() ?? 1) > 50
    return Charts.histogram(id: "distribution-\(metric)", title: title,
                            note: "\(e.n.map { "\($0) trials" } ?? "Trials") of \(name), share in each bin.",
                            series: [(name, colour, parsed, e.mean)],
                            x: AxisSpec(useLog ? .log : kind, label: ReportSections.axisLabel(metric: metric, unit: e.unit),
                                        format: ReportSections.tickFormat(unit: e.unit, metric: metric), precise: ReportSections.tickPrecise(unit: e.unit, metric: metric)))
  }

  /// Cost lines per year with their intervals.
  static func costChart(metrics: [String: EstimateView], perYear: Double?, name: String, colour: String) -> ChartFigure? {
    let lines = ReportSections.costLines.filter { metrics[$0.metric] != nil }
    guard !lines.isEmpty else { return nil }
    let factor = perYear ?? 1
    let values = lines.map { [metrics[$0.metric]!.scaled(by: factor)] }
    let total = values.compactMap { $0[0].mean }.reduce(0, +)
    let largest = zip(lines, values).max { ($0.1[0].mean ?? 0) < ($1.1[0].mean ?? 0) }!
    let share = total > 0 ? (largest.1[0].mean ?? 0) / total : 0
    let unit = perYear == nil ? "usd" : "usd_per_year"
    return Charts.bars(id: "cost-breakdown", title: "\(largest.0.label.capitalizedFirst): \(Int((share * 100).rounded()))% of the cost",
                       note: "Mean cost \(perYear == nil ? "over the horizon" : "per year") of each line, with its 95% interval; the lines add up to the total.",
                       categories: lines.map(\.label), groups: [(name, colour)], values: values,
                       x: AxisSpec(label: perYear == nil ? "USD over the horizon" : "USD per year",
                                   format: ReportSections.tickFormat(unit: unit, metric: ""), precise: ReportSections.tickPrecise(unit: unit, metric: "")),
                       valueText: { Quantity.format($0, unit: unit) })
  }

  /// One chart per time series (`monthly_failures`, and any other monthly series the report has).
  static func monthlyCharts(_ json: ReportJSON, colour: String) -> [ChartFigure] {
    guard let series = json["timeseries"]?.object else { return [] }
    return series.keys.sorted { a, b in (a == "monthly_failures" ? 0 : 1, a) < (b == "monthly_failures" ? 0 : 1, b) }.compactMap { key in
      guard let points = series[key]?.array else { return nil }
      let parsed = points.compactMap { p -> LinePoint? in
        guard let month = p["month"]?.double, let mean = p["mean"]?.double else { return nil }
        return LinePoint(x: month + 1, y: mean, low: p["ci95_low"]?.double, high: p["ci95_high"]?.double)
      }
      guard !parsed.isEmpty else { return nil }
      let what = key.hasPrefix("monthly_") ? String(key.dropFirst("monthly_".count)).replacingOccurrences(of: "_", with: " ") : key
      let means = parsed.map(\.y)
      let positive = means.allSatisfy { $0 > 0 }
      let spread = (means.max() ?? 1) / max(means.min() ?? 1, 1e-300)
      var title = "\(what.capitalizedFirst) per month"
      if let t = ReportSections.trend(means) {
        switch t.word {
        case "rise": title += " rise from about \(Quantity.compact(t.first)) to \(Quantity.compact(t.last))"
        case "fall": title += " fall from about \(Quantity.compact(t.first)) to \(Quantity.compact(t.last))"
        default: title += " hold at about \(Quantity.compact((t.first + t.last) / 2))"
        }
      }
      return Charts.line(id: "timeseries-\(key)", title: title,
                         note: "Mean per month (730 h) over trials with its 95% band; month 1 starts at hour 0.",
                         series: [LineSeries(name: what, colour: colour, points: parsed, dots: parsed.count <= 36)],
                         x: AxisSpec(label: "month of the horizon", format: { Quantity.compact($0) }),
                         y: AxisSpec(positive && spread > 30 ? .log : .linear, label: "\(what) per month (count)",
                                     includeZero: !(positive && spread > 30)))
    }
  }

  /// Interruptions by root cause, with intervals.
  static func rootCauseChart(metrics: [String: EstimateView], breakdown: ReportJSON?, name: String, colour: String) -> ChartFigure? {
    let causes = ReportSections.rootCauses(metrics: metrics, breakdown: breakdown)
    guard !causes.isEmpty, let top = causes.max(by: { ($0.estimate.mean ?? 0) < ($1.estimate.mean ?? 0) }) else { return nil }
    let total = metrics["job_interruptions"]?.mean
    let share = total.flatMap { $0 > 0 ? (top.estimate.mean ?? 0) / $0 : nil }
    let title = "Most job interruptions are \(top.cause): \(Quantity.compact(top.estimate.mean ?? 0))"
      + (total.map { " of \(Quantity.compact($0)) per trial" } ?? " per trial") + (share.map { " (\(Int(($0 * 100).rounded()))%)" } ?? "")
    return Charts.bars(id: "interruptions-by-cause", title: title,
                       note: "Job interruptions per trial by root cause, mean with 95% interval.",
                       categories: causes.map(\.cause), groups: [(name, colour)], values: causes.map { [$0.estimate] },
                       x: AxisSpec(label: "job interruptions per trial (count)"), valueText: { Quantity.compact($0) })
  }

  /// The largest entries of a breakdown (failures by part and mode, repairs by action, spares by FRU).
  static func breakdownChart(_ json: ReportJSON?, id: String, what: String, colour: String) -> ChartFigure? {
    let entries = (json?.estimates ?? [:]).filter { ($0.value.mean ?? 0) > 0 }
      .sorted { ($0.value.mean ?? 0, $1.key) > ($1.value.mean ?? 0, $0.key) }
    guard let first = entries.first else { return nil }
    let shown = Array(entries.prefix(12))
    let means = shown.compactMap(\.value.mean)
    let useLog = (means.max() ?? 1) / max(means.min() ?? 1, 1e-300) > 100
    let total = entries.compactMap(\.value.mean).reduce(0, +)
    return Charts.bars(id: id, title: "\(first.key) leads the \(what): \(Quantity.compact(first.value.mean ?? 0)) per trial, \(Int(((first.value.mean ?? 0) / total * 100).rounded()))% of all",
                       note: "\(what.capitalizedFirst) per trial" + (entries.count > shown.count ? ", the \(shown.count) largest of \(entries.count)" : "") + ", mean with 95% interval.",
                       categories: shown.map(\.key), groups: [(what, colour)], values: shown.map { [$0.value] },
                       x: AxisSpec(useLog ? .log : .linear, label: "\(what) per trial (count)"), valueText: { Quantity.compact($0) })
  }
}

extension String {
  /// The string with its first letter in upper case.
  var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
