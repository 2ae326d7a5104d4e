import Foundation
import ReliabilityKit

/// The page of `cposim recurrent --html` (kind `recurrent`): the MCF with its band and the fitted
/// curves, the ROCOF by age, the trend tests, the fits, the lemon candidates and the replacement age.
package enum RecurrentHTML: HTMLReportKind {
  package static let name = "recurrent"
  package static let schemaVersions = [1]
  package static let requiredFields = ["mean_cumulative_function"]

  package static func matches(_ json: ReportJSON) -> Bool {
    json["mean_cumulative_function"]?.array != nil && json["trend_tests"] != nil
  }

  static let labels = ["power_law": "power law (Crow-AMSAA)", "log_linear": "log-linear (Cox-Lewis)", "hpp": "constant rate (HPP)",
                       "power_law_sum_of_modes": "sum of the modes' power laws"]
  static let colours = ["power_law": ReportPalette.crossing, "log_linear": ReportPalette.others[1], "hpp": ReportPalette.axis]
  static let testLabels = ["laplace": "Laplace", "mil_hdbk_189": "MIL-HDBK-189", "lewis_robinson": "Lewis-Robinson"]

  static func n(_ x: Double?) -> String { x.map { Quantity.compact($0, significant: 4) } ?? "–" }
  static func p(_ x: Double?) -> String {
    guard let x else { return "–" }
    return x < 1e-16 ? "< 1e-16" : String(format: "%.3g", x)
  }
  static func range(_ v: ReportJSON?, low: String, high: String, scale: Double = 1) -> String {
    guard let l = v?[low]?.double, let h = v?[high]?.double else {
      if v?[low] != nil || v?[high] != nil { return "\(v?[low]?.double.map { n($0 * scale) } ?? "0") .. \(v?[high]?.double.map { n($0 * scale) } ?? "∞")" }
      return "–"
    }
    return "\(n(l * scale)) .. \(n(h * scale))"
  }

  // swiftlint:disable:next function_body_length
  package static func render(_ json: ReportJSON, into page: inout HTMLPage) {
    let file = json["file"]?.string ?? "log"
    let fits = json["fits"]?.array ?? []
    let best = fits.first
    let power = fits.first { $0["model"]?.string == "power_law" }
    let beta = power?["parameters", "beta"]
    let laplace = (json["trend_tests"]?.array ?? []).first { $0["test"]?.string == "laplace" }
    let rising = (json["trend_tests"]?.array ?? []).contains { $0["direction"]?.string == "rising" }
    let falling = (json["trend_tests"]?.array ?? []).contains { $0["direction"]?.string == "falling" }
    if let b = beta?["estimate"]?.double, rising || falling {
      page.title = "Failures come \(rising ? "faster" : "slower") with age: power law β = \(n(b)) (95% LR \(range(beta, low: "lr_ci95_low", high: "lr_ci95_high")))"
    } else if let rate = fits.first(where: { $0["model"]?.string == "hpp" })?["parameters", "rate_per_unit_hour", "estimate"]?.double {
      page.title = "No trend with age: a constant \(n(rate * 8760)) failures per unit-year fits"
    } else {
      page.title = "Recurrent failures in \(file)"
    }
    var facts = ["\(json["units"]?.int ?? 0) units", "\(json["events"]?.int ?? 0) events",
                 "\(n(json["exposure_unit_hours"]?.double.map { $0 / 8760 })) unit-years observed"]
    if let mode = json["mode"]?.string { facts.append("mode \(mode)") }
    if let c = json["unit_class"]?.string { facts.append("class \(c)") }
    page.subtitle = facts.joined(separator: " · ")
    if let b = beta?["estimate"]?.double {
      page.keyNumbers.append(("power-law β", n(b), "95% LR \(range(beta, low: "lr_ci95_low", high: "lr_ci95_high"))"))
    }
    if let laplace {
      page.keyNumbers.append(("Laplace trend test", "p = \(p(laplace["p_value"]?.double))", "U = \(n(laplace["statistic"]?.double))"))
    }
    let lemons = json["lemons"]
    if let flagged = lemons?["flagged"]?.int {
      page.keyNumbers.append(("lemon candidates", "\(flagged)", "FDR \(n((lemons?["false_discovery_rate"]?.double ?? 0) * 100))%"))
    }
    let replacement = json["replacement"]
    let replacementModels = replacement?["models"]?.array ?? []
    // The sum of the modes when there is one, else the best model of every event.
    let headline = replacementModels.first { $0["model"]?.string == "power_law_sum_of_modes" && !($0["age_hours"]?.isNull ?? true) }
      ?? best.flatMap { b in replacementModels.first { $0["model"]?.string == b["model"]?.string } }
    if let r = headline, let model = r["model"]?.string, let age = r["age_hours"], let t = age["estimate"]?.double {
      let lr = age["lr_ci95_low"]?.double != nil
      page.keyNumbers.append(("replacement age (\(labels[model] ?? model))", "\(n(t)) h",
                              "cost ratio \(n(replacement?["cost_ratio"]?.double)); 95% \(lr ? "LR" : "Fisher") "
                                + range(age, low: lr ? "lr_ci95_low" : "fisher_ci95_low", high: lr ? "lr_ci95_high" : "fisher_ci95_high")))
    }
    for t in json["trend_tests"]?.array ?? [] where t["direction"]?.string != "none" && t["caution"]?.string == nil {
      page.verdicts.append("\(testLabels[t["test"]?.string ?? ""] ?? "trend") test: events come \(t["direction"]?.string == "rising" ? "faster" : "slower") with age (p = \(p(t["p_value"]?.double))).")
    }

    // MCF chart.
    let points = json["mean_cumulative_function"]?.array ?? []
    var steps: [LinePoint] = []
    let start = json["age_range_hours", "low"]?.double ?? 0
    steps.append(LinePoint(x: start, y: 0, low: 0, high: 0))
    var previous = (y: 0.0, low: 0.0, high: 0.0)
    for point in points {
      guard let t = point["time_hours"]?.double, let m = point["mcf"]?.double else { continue }
      let low = point["ci95_low"]?.double ?? m, high = point["ci95_high"]?.double ?? m
      steps.append(LinePoint(x: t, y: previous.y, low: previous.low, high: previous.high))
      steps.append(LinePoint(x: t, y: m, low: low, high: high))
      previous = (m, low, high)
    }
    if let end = json["age_range_hours", "high"]?.double { steps.append(LinePoint(x: end, y: previous.y, low: previous.low, high: previous.high)) }
    var series = [LineSeries(name: "MCF (Nelson-Aalen) with 95% band", colour: ReportPalette.pluggable, points: steps, dots: false)]
    var rateSeries: [LineSeries] = []
    for fit in fits {
      guard let model = fit["model"]?.string, let curve = fit["curve"]?.array else { continue }
      let colour = colours[model] ?? ReportPalette.axis
      series.append(LineSeries(name: labels[model] ?? model, colour: colour, points: curve.compactMap { c in
        guard let t = c["age_hours"]?.double, let m = c["mcf"]?.double else { return nil }
        return LinePoint(x: t, y: m)
      }, dots: false))
      rateSeries.append(LineSeries(name: labels[model] ?? model, colour: colour, points: curve.compactMap { c in
        guard let t = c["age_hours"]?.double, let r = c["per_unit_hour"]?.double else { return nil }
        return LinePoint(x: t, y: r * 8760)
      }, dots: false))
    }
    let bands = (json["rocof"]?.array ?? []).compactMap { b -> LinePoint? in
      guard let lo = b["from_hours"]?.double, let hi = b["to_hours"]?.double, let r = b["per_unit_hour"]?.double else { return nil }
      return LinePoint(x: (lo + hi) / 2, y: r * 8760, low: b["ci95_low"]?.double.map { $0 * 8760 }, high: b["ci95_high"]?.double.map { $0 * 8760 })
    }
    let ageAxis = AxisSpec(label: "unit age (hours)", includeZero: true, format: { Quantity.compact($0) })
    page.section("Mean cumulative function", intro: "Expected failures per unit by age. A curve that bends upwards means failures come faster as units age.")
    page.charts([
      Charts.line(id: "recurrent-mcf", title: page.title,
                  note: "Steps: the Nelson-Aalen MCF with its 95% band (Lawless-Nadeau variance). Lines: the fitted NHPPs, counted from the youngest age observed.",
                  series: series, x: ageAxis, y: AxisSpec(label: "failures per unit", includeZero: true), wide: true),
      Charts.line(id: "recurrent-rocof", title: "Rate of failures by age",
                  note: "Dots: failures per unit-year in each age band, exact Poisson 95% interval. Lines: the fitted intensities.",
                  series: [LineSeries(name: "ROCOF by age band", colour: ReportPalette.pluggable, points: bands)] + rateSeries,
                  x: ageAxis, y: AxisSpec(label: "failures per unit-year", includeZero: true)),
    ])

    page.section("Trend tests", intro: "Null hypothesis: a constant rate, the same for every unit. Two-sided p-values.")
    page.table(HTMLTable(header: ["test", "statistic", "p", "reading"], rows: (json["trend_tests"]?.array ?? []).map { t in
      let df = t["degrees_of_freedom"]?.int.map { " (χ², \($0) df)" } ?? ""
      let direction = t["direction"]?.string ?? "none"
      var reading = direction == "none" ? "no trend at 5%" : (direction == "rising" ? "rising with age" : "falling with age")
      if let caution = t["caution"]?.string { reading += "; caution: " + caution }
      return [HTML.escape((testLabels[t["test"]?.string ?? ""] ?? "") + df), n(t["statistic"]?.double), p(t["p_value"]?.double), HTML.escape(reading)]
    }))

    page.section("Fits", intro: "Maximum likelihood with every unit's observation window; 95% likelihood-ratio and Fisher intervals.")
    var rows: [[String]] = []
    for fit in fits {
      let model = fit["model"]?.string ?? ""
      let label = "\(labels[model] ?? model) (ΔAIC \(n(fit["delta_aic"]?.double)))"
      for (key, value) in (fit["parameters"]?.object ?? [:]).sorted(by: { $0.key < $1.key }) {
        rows.append([HTML.escape(label), HTML.escape(key), n(value["estimate"]?.double),
                     range(value, low: "lr_ci95_low", high: "lr_ci95_high"), range(value, low: "fisher_ci95_low", high: "fisher_ci95_high")])
      }
    }
    page.table(HTMLTable(header: ["model", "parameter", "estimate", "likelihood ratio", "Fisher"], rows: rows))

    if let units = lemons?["units"]?.array {
      let flagged = units.filter { $0["flagged"]?.bool == true }
      page.section("Lemon candidates", intro: "One-sided Poisson test of each unit's count against the fleet fit; Benjamini-Hochberg at the false discovery rate shown. \(flagged.count) of \(units.count) units flagged.")
      page.table(HTMLTable(header: ["unit", "events", "expected", "p", "q"], rows: flagged.prefix(50).map { u in
        [HTML.escape(u["unit"]?.string ?? ""), "\(u["events"]?.int ?? 0)", n(u["expected"]?.double), p(u["p_value"]?.double), p(u["q_value"]?.double)]
      }))
    }
    if !replacementModels.isEmpty {
      page.section("Optimal replacement age", intro: "Replace at age T, repair (minimally) in between; minimises (preventive + corrective × expected failures by T) / T for the cost ratio \(n(replacement?["cost_ratio"]?.double)) (corrective over preventive).")
      page.table(HTMLTable(header: ["model", "age (h)", "likelihood ratio", "Fisher", "cost per unit-year"], rows: replacementModels.map { r in
        let model = r["model"]?.string ?? ""
        guard let age = r["age_hours"], !age.isNull else { return [HTML.escape(labels[model] ?? model), HTML.escape(r["reason"]?.string ?? ""), "", "", ""] }
        return [HTML.escape(labels[model] ?? model), n(age["estimate"]?.double), range(age, low: "lr_ci95_low", high: "lr_ci95_high"),
                range(age, low: "fisher_ci95_low", high: "fisher_ci95_high"),
                "\(n(r["cost_per_unit_hour"]?.double.map { $0 * 8760 })) preventive replacements"]
      }))
    }
    var provenance: [(String, String)] = [("log", file)]
    if let v = json["tool_version"] { provenance.append(("cposim", v.text)) }
    if let v = json["schema_version"] { provenance.append(("schema version", v.text)) }
    if let v = json["clock"]?.string { provenance.append(("ages", v == "ages" ? "given as ages" : (v == "installed" ? "from 'installed'" : "from each unit's entry"))) }
    page.provenance = provenance
  }
}
