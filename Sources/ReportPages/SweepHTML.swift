import Foundation
import ReliabilityKit

/// The page of `cposim sweep -o`: the deciding metrics against the swept parameter, one line
/// per value of a second parameter, with 95 % bands.
package enum SweepHTML: HTMLReportKind {
  package static let name = "sweep"
  package static let schemaVersions = [1]
  package static let requiredFields = ["rows", "parameters"]

  package static func matches(_ json: ReportJSON) -> Bool {
    json["rows"]?.array != nil && json["parameters"]?.array != nil
  }

  /// Metrics charted, in order, when the sweep has them.
  static let charted = ["total_cost_usd_per_year", "job_interruptions_per_month", "job_ettr", "link_availability",
                        "system_availability", "repair_downtime_hours", "technician_utilisation"]

  struct Row {
    let parameters: [String: String]
    let numbers: [String: Double]
    let metric: String
    let estimate: EstimateView
  }

  package static func render(_ json: ReportJSON, into page: inout HTMLPage) {
    let keys = (json["parameters"]?.array ?? []).compactMap(\.string)
    let rows = (json["rows"]?.array ?? []).compactMap { r -> Row? in
      guard let metric = r["metric"]?.string, let e = EstimateView(r["estimate"]) else { return nil }
      let texts = (r["parameters"]?.object ?? [:]).compactMapValues(\.string)
      let numbers = (r["numeric_parameters"]?.object ?? [:]).compactMapValues(\.double)
      return Row(parameters: texts, numbers: numbers, metric: metric, estimate: e)
    }
    let scenario = json["scenario"]?.string ?? "scenario"
    let scenarioName = URL(fileURLWithPath: scenario).deletingPathExtension().lastPathComponent
    let colour = ReportPalette.colour(ReportPalette.side(name: scenarioName))
    let metrics = charted.filter { m in rows.contains { $0.metric == m } }
    guard let key = keys.first else { return }
    let second = keys.count > 1 ? keys[1] : nil

    // The x axis: numeric values of the first parameter, or their order when they are not numbers.
    let xTexts = orderedUnique(key: key, rows: rows)
    // Numeric only when every value is a number in one unit (`8x5` reads as 8 with a suffix "x5").
    let suffixes = Set(xTexts.map(ReportSections.suffix(of:)))
    let numeric = rows.allSatisfy { $0.numbers[key] != nil } && suffixes.count == 1 && ReportSections.units.contains(suffixes.first!)
    let suffix = numeric ? suffixes.first! : ""
    func x(_ r: Row) -> Double? { numeric ? r.numbers[key] : r.parameters[key].flatMap { xTexts.firstIndex(of: $0) }.map(Double.init) }
    let xValues = rows.compactMap(x)
    let logX = numeric && ReportSections.logarithmic(keyPath: key, values: xValues)
    let xFormat: @Sendable (Double) -> String
    if numeric {
      xFormat = { Quantity.parameter($0, suffix: suffix) }
    } else {
      xFormat = { [xTexts] v in
        guard v == v.rounded(), v >= 0, v < Double(xTexts.count) else { return "" }
        return xTexts[Int(v)]
      }
    }
    let xPrecise: @Sendable (Double, Int) -> String
    if numeric {
      xPrecise = { v, digits in Quantity.compact(v, significant: digits) + (suffix.isEmpty ? "" : " " + suffix) }
    } else {
      xPrecise = { v, _ in xFormat(v) }
    }
    let secondValues = second.map { orderedUnique(key: $0, rows: rows) } ?? [""]

    var figures: [ChartFigure?] = []
    var findings: [String] = []
    for metric in metrics {
      let series = secondValues.enumerated().map { i, value -> LineSeries in
        let points = rows.filter { $0.metric == metric && (second == nil || $0.parameters[second!] == value) }.compactMap { r -> LinePoint? in
          guard let px = x(r), let m = r.estimate.mean else { return nil }
          return LinePoint(x: px, y: m, low: r.estimate.ci95Low, high: r.estimate.ci95High)
        }
        let shade = secondValues.count > 1 ? ReportPalette.tint(colour, 0.6 * Double(i) / Double(secondValues.count - 1)) : colour
        return LineSeries(name: second.map { "\(ReportSections.keyLabel($0)) = \(value)" } ?? scenarioName, colour: shade, points: points)
      }
      guard let unit = rows.first(where: { $0.metric == metric })?.estimate.unit, let first = series.first, first.points.count >= 1 else { continue }
      let finding = findingSentence(metric: metric, unit: unit, rows: rows.filter { $0.metric == metric }, keys: keys)
      findings.append(finding)
      let kind = ReportSections.axisKind(metric: metric)
      figures.append(Charts.line(
        id: "sweep-\(metric)", title: finding,
        note: "Mean per trial with its 95% band at each grid point; every point ran the same seed." + (second == nil ? "" : " Lines: \(second!)."),
        series: series,
        x: AxisSpec(logX ? .log : .linear, label: ReportSections.keyAxisLabel(key, suffix: suffix), format: xFormat, precise: xPrecise),
        y: AxisSpec(kind, label: ReportSections.axisLabel(metric: metric, unit: unit), format: ReportSections.tickFormat(unit: unit, metric: metric), precise: ReportSections.tickPrecise(unit: unit, metric: metric))))
    }
    page.title = findings.first.map { "\(scenarioName): \($0)" } ?? "\(scenarioName): sweep of \(ReportSections.keyLabel(key))"
    var facts = ["sweep of " + keys.joined(separator: " × ")]
    if let trials = json["trials"]?.int { facts.append("\(trials) trials per point") }
    if let seed = json["seed"] { facts.append("seed \(seed.text)") }
    page.subtitle = facts.joined(separator: " · ")
    page.section("Curves")
    page.charts(figures)

    page.section("Grid", intro: "Mean per trial with its 95% interval at every grid point.")
    let tableMetrics = Array((metrics.isEmpty ? ReportSections.ordered(Set(rows.map(\.metric))) : metrics).prefix(5))
    var seenPoints: Set<String> = []
    let points = rows.map { r -> String in keys.map { r.parameters[$0] ?? "" }.joined(separator: "\u{1f}") }
      .filter { seenPoints.insert($0).inserted }
    page.table(HTMLTable(header: keys.map(ReportSections.keyLabel) + tableMetrics.map(Quantity.words), rows: points.map { point in
      let values = point.split(separator: "\u{1f}", omittingEmptySubsequences: false).map(String.init)
      return values.map(HTML.escape) + tableMetrics.map { m in
        ReportSections.cell(rows.first { r in r.metric == m && keys.map { r.parameters[$0] ?? "" } == values }?.estimate, metric: m)
      }
    }))
    page.provenance = ReportSections.provenance(json)
  }

  /// The values of parameter `key` in first-seen order, sorted by their number when every
  /// value has one.
  static func orderedUnique(key: String, rows: [Row]) -> [String] {
    var seen: Set<String> = []
    var unique: [String] = []
    var number: [String: Double] = [:]
    for r in rows {
      guard let text = r.parameters[key] else { continue }
      if seen.insert(text).inserted { unique.append(text) }
      if let n = r.numbers[key] { number[text] = n }
    }
    guard unique.allSatisfy({ number[$0] != nil }) else { return unique }
    return unique.sorted { number[$0]! < number[$1]! }
  }

  /// The change of a metric from the first to the last value of one parameter, the other held
  /// at `at`, with a 95 % interval (the two points' half-widths added in quadrature: every
  /// point ran the same seed, so this errs wide).
  struct Change {
    let key: String
    let at: (key: String, value: String)?
    let from: Row
    let to: Row
    var difference: Double { (to.estimate.mean ?? .nan) - (from.estimate.mean ?? .nan) }
    var halfWidth: Double? {
      guard let a = from.estimate.ci95Low, let b = from.estimate.ci95High, let c = to.estimate.ci95Low, let d = to.estimate.ci95High else { return nil }
      return (pow((b - a) / 2, 2) + pow((d - c) / 2, 2)).squareRoot()
    }
    /// The interval excludes zero.
    var detectable: Bool { halfWidth.map { abs(difference) > $0 } ?? false }
  }

  /// Every change over each parameter's range, one per value of the other parameter.
  static func changes(rows: [Row], keys: [String]) -> [Change] {
    var result: [Change] = []
    for key in keys {
      let order = orderedUnique(key: key, rows: rows)
      guard let firstValue = order.first, let lastValue = order.last, order.count >= 2 else { continue }
      let other = keys.first { $0 != key }
      for value in other.map({ orderedUnique(key: $0, rows: rows) }) ?? [""] {
        let slice = rows.filter { other == nil || $0.parameters[other!] == value }
        guard let from = slice.first(where: { $0.parameters[key] == firstValue }), let to = slice.first(where: { $0.parameters[key] == lastValue }),
              from.estimate.mean != nil, to.estimate.mean != nil else { continue }
        result.append(Change(key: key, at: other.map { ($0, value) }, from: from, to: to))
      }
    }
    return result
  }

  /// The finding of one metric over the grid: which parameter moves it most and by how much,
  /// or that no parameter makes a change the trials can detect.
  /// `Total cost per year rises from $382.2k/yr to $409.3k/yr as electricity usd per kwh goes
  /// from 0.05 to 0.2 (+$27.1k/yr, 95% CI ...); engine-failure MTBF makes no detectable change`.
  static func findingSentence(metric: String, unit: String, rows: [Row], keys: [String]) -> String {
    let words = Quantity.words(metric).capitalizedFirst
    let all = changes(rows: rows, keys: keys)
    func value(_ r: Row, _ key: String) -> String { r.parameters[key].map(ReportSections.written) ?? "?" }
    func size(_ c: Change) -> Double { abs(c.difference).isFinite ? abs(c.difference) : 0 }
    let detected = all.filter(\.detectable)
    guard let top = detected.max(by: { size($0) < size($1) }) else {
      let ranges = keys.map { k -> String in
        let order = orderedUnique(key: k, rows: rows)
        return "\(ReportSections.keyLabel(k)) \(order.first.map(ReportSections.written) ?? "") .. \(order.last.map(ReportSections.written) ?? "")"
      }
      var sentence = "\(words): no detectable change over " + ranges.joined(separator: " and ")
      if let largest = all.max(by: { size($0) < size($1) }), let half = largest.halfWidth {
        let d = largest.difference
        sentence += " (largest: \(Quantity.format(d, unit: unit, metric: metric, signed: true)), 95% CI "
          + "\(Quantity.interval(d - half, d + half, unit: unit, metric: metric, signed: true)), which covers zero)"
      }
      return sentence
    }
    let (a, b) = ReportSections.distinct(top.from.estimate.mean!, top.to.estimate.mean!, unit: unit, metric: metric)
    let half = top.halfWidth ?? 0, d = top.difference
    var sentence = "\(words) \(d > 0 ? "rises" : "falls") from \(a) to \(b) as \(ReportSections.keyLabel(top.key)) goes from "
      + "\(value(top.from, top.key)) to \(value(top.to, top.key))"
    sentence += " (\(Quantity.format(d, unit: unit, metric: metric, signed: true)), 95% CI "
      + "\(Quantity.interval(d - half, d + half, unit: unit, metric: metric, signed: true))"
      + (top.at.map { "; at \(ReportSections.keyLabel($0.key)) = \(ReportSections.written($0.value))" } ?? "") + ")"
    for other in keys where other != top.key {
      let own = all.filter { $0.key == other }
      if let strongest = own.filter(\.detectable).max(by: { size($0) < size($1) }) {
        sentence += "; \(ReportSections.keyLabel(other)) moves it by up to \(Quantity.format(strongest.difference, unit: unit, metric: metric, signed: true))"
      } else {
        sentence += "; \(ReportSections.keyLabel(other)) makes no detectable change"
      }
    }
    return sentence
  }
}
