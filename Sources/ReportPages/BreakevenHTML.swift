import Foundation
import ReliabilityKit

/// The page of `cposim breakeven -o`: the paired difference B − A against the varied input,
/// its 95 % band, the crossing and the crossing's interval.
package enum BreakevenHTML: HTMLReportKind {
  package static let name = "breakeven"
  package static let schemaVersions = [1]
  package static let requiredFields = ["points"]

  package static func matches(_ json: ReportJSON) -> Bool {
    json["points"]?.array != nil && json["key_path"] != nil
  }

  package static func render(_ json: ReportJSON, into page: inout HTMLPage) {
    let a = json["baseline"]?.string ?? "A", b = json["alternative"]?.string ?? "B"
    let key = json["key_path"]?.string ?? "parameter"
    let metric = json["metric"]?.string ?? "metric"
    let points = (json["points"]?.array ?? []).compactMap { p -> (x: Double, text: String, d: EstimateView, p: ReportJSON?)? in
      guard let x = p["value"]?.double, let d = EstimateView(p["difference"]) else { return nil }
      return (x, p["text"]?.string ?? Quantity.compact(x), d, p["probability_better"])
    }.sorted { $0.x < $1.x }
    let suffix = points.first.map { ReportSections.suffix(of: $0.text) } ?? ""
    let format: @Sendable (Double) -> String = { Quantity.parameter($0, suffix: suffix) }
    let unit = points.first?.d.unit ?? ""
    let crossing = json["crossing"]?.double
    let low = json["crossing_ci95_low"]?.double, high = json["crossing_ci95_high"]?.double
    let label = ReportSections.keyLabel(key)
    let words = Quantity.words(metric)

    if let crossing {
      let interval = low.flatMap { l in high.map { h in " (95% CI \(format(l)) .. \(format(h)))" } } ?? " (its interval reaches beyond the range)"
      page.title = "\(b) breaks even with \(a) on \(words) at \(label) = \(format(crossing))\(interval)"
    } else if let first = points.first, let last = points.last {
      let higher = (first.d.mean ?? 0) > 0
      page.title = "\(b)'s \(words) is \(higher ? "higher" : "lower") than \(a)'s over the whole range of \(label), \(format(first.x)) .. \(format(last.x))"
    } else {
      page.title = "\(b) vs \(a): break-even on \(label)"
    }
    var facts = ["\(points.count) points evaluated", "B − A paired with common random numbers"]
    if let trials = json["trials"]?.int { facts.append("\(trials) trials per point") }
    if let seed = json["seed"] { facts.append("seed \(seed.text)") }
    page.subtitle = facts.joined(separator: " · ")
    if let crossing {
      page.keyNumbers.append(("break-even \(label)", format(crossing),
                              low.flatMap { l in high.map { h in "95% CI \(format(l)) .. \(format(h))" } } ?? "interval reaches beyond the range"))
    }
    if let v = json["verdict"]?.string { page.verdicts = [v] }

    let xs = points.map(\.x)
    let logX = ReportSections.logarithmic(keyPath: key, values: xs)
    var markers: [VerticalMarker] = []
    if let crossing {
      markers.append(VerticalMarker(x: crossing, low: low, high: high, label: "break-even and its 95% interval", colour: ReportPalette.crossing))
    }
    let series = LineSeries(name: "\(b) − \(a)", colour: ReportPalette.difference,
                            points: points.map { LinePoint(x: $0.x, y: $0.d.mean ?? .nan, low: $0.d.ci95Low, high: $0.d.ci95High) })
    let probabilities = points.compactMap { p -> LinePoint? in
      guard let v = p.p?["p"]?.double ?? p.p?.double else { return nil }
      return LinePoint(x: p.x, y: v, low: p.p?["ci95_low"]?.double, high: p.p?["ci95_high"]?.double)
    }
    let alternativeColour = ReportPalette.colour(ReportPalette.side(name: b))
    page.section("Break-even curve", intro: "Above zero \(b) has the larger \(words); below zero, \(a) has.")
    page.charts([
      Charts.line(id: "breakeven-curve", title: page.title,
                  note: "Mean paired difference B − A per trial at each evaluated point, with its 95% band; the red line marks the crossing, the red band its interval.",
                  series: [series],
                  x: AxisSpec(logX ? .log : .linear, label: ReportSections.keyAxisLabel(key, suffix: suffix), format: format),
                  y: AxisSpec(label: "\(words), \(b) − \(a) (\(Quantity.axisUnit(unit)))", format: ReportSections.tickFormat(unit: unit, metric: metric), precise: ReportSections.tickPrecise(unit: unit, metric: metric)),
                  zeroLine: true, markers: markers, wide: true),
      probabilities.isEmpty ? nil : Charts.line(
        id: "breakeven-probability", title: "P(\(b) better on \(words)) against \(label)",
        note: "Probability that B beats A at each point, with its interval.",
        series: [LineSeries(name: "P(\(b) better)", colour: alternativeColour, points: probabilities)],
        x: AxisSpec(logX ? .log : .linear, label: ReportSections.keyAxisLabel(key, suffix: suffix), format: format),
        y: AxisSpec(label: "probability (%)", includeZero: true, format: { String(format: "%.0f%%", $0 * 100) }),
        markers: markers),
    ])
    page.section("Points")
    page.table(HTMLTable(header: [label, "B − A (95% CI)", "resolved"] + (probabilities.isEmpty ? [] : ["P(B better)"]), rows: points.map { p in
      [HTML.escape(Quantity.parameter(p.x, suffix: suffix)), ReportSections.cell(p.d, metric: metric, signed: true), p.d.resolved ? ((p.d.mean ?? 0) > 0 ? "B higher" : "B lower") : "no"]
        + (probabilities.isEmpty ? [] : [p.p.flatMap { $0["p"]?.double ?? $0.double }.map { String(format: "%.0f%%", $0 * 100) } ?? "–"])
    }))
    var provenance = ReportSections.provenance(json)
    provenance.insert(("varied", key), at: 0)
    provenance.insert(("scenarios", "A = \(a), B = \(b)"), at: 0)
    page.provenance = provenance
  }
}
