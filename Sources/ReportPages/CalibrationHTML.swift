import Foundation
import ReliabilityKit

/// The page of a calibration report (`"kind": "calibration"`, docs/report.md): every evaluation
/// of the fit, input value against simulated metric, with the target's band and the fitted
/// input with its interval.
package enum CalibrationHTML: HTMLReportKind {
  package static let name = "calibration"
  package static let schemaVersions = [1]
  package static let requiredFields = ["targets", "evaluations"]

  package static func matches(_ json: ReportJSON) -> Bool {
    json["targets"]?.array != nil && json["evaluations"]?.array != nil
  }

  struct Input {
    let key: String
    let fitted: Double?
    let fittedText: String?
    let low: Double?
    let high: Double?
    let suffix: String
  }

  struct Target {
    let metric: String
    let value: Double
    let low: Double?
    let high: Double?
    let band: String?
    let simulated: EstimateView?
    let residual: Double?
    var within: Bool? {
      guard let m = simulated?.mean else { return nil }
      if let low, let high { return m >= low && m <= high }
      if let lo = simulated?.ci95Low, let hi = simulated?.ci95High { return value >= lo && value <= hi }
      return nil
    }
  }

  package static func render(_ json: ReportJSON, into page: inout HTMLPage) {
    let inputs = (json["inputs"]?.array ?? []).compactMap { i -> Input? in
      guard let key = i["key_path"]?.string else { return nil }
      let text = i["fitted_text"]?.string
      return Input(key: key, fitted: i["fitted"]?.double, fittedText: text, low: i["ci95_low"]?.double, high: i["ci95_high"]?.double,
                   suffix: i["suffix"]?.string ?? text.map(ReportSections.suffix(of:)) ?? "")
    }
    let targets = (json["targets"]?.array ?? []).compactMap { t -> Target? in
      guard let metric = t["metric"]?.string, let value = t["value"]?.double else { return nil }
      return Target(metric: metric, value: value, low: t["low"]?.double, high: t["high"]?.double, band: t["band"]?.string,
                    simulated: EstimateView(t["simulated"]), residual: t["residual"]?.double)
    }
    let evaluations = (json["evaluations"]?.array ?? []).compactMap { e -> (inputs: [String: Double], metrics: [String: EstimateView])? in
      guard let values = e["inputs"]?.object?.compactMapValues(\.double), let metrics = e["metrics"]?.estimates else { return nil }
      return (values, metrics)
    }
    let scenario = json["scenario"]?.string ?? "scenario"
    let scenarioName = URL(fileURLWithPath: scenario).deletingPathExtension().lastPathComponent
    let colour = ReportPalette.colour(ReportPalette.side(name: scenarioName))

    let fittedWords = inputs.compactMap { i -> String? in
      guard let v = i.fitted else { return nil }
      let interval = i.low.flatMap { l in i.high.map { h in " (95% CI \(Quantity.parameter(l, suffix: i.suffix)) .. \(Quantity.parameter(h, suffix: i.suffix)))" } } ?? ""
      return "\(ReportSections.keyLabel(i.key)) = \(Quantity.parameter(v, suffix: i.suffix))\(interval)"
    }
    let inside = targets.filter { $0.within == true }.count
    page.title = (fittedWords.isEmpty ? "\(scenarioName): calibration" : "\(scenarioName) calibrated: " + fittedWords.joined(separator: ", "))
      + (targets.isEmpty ? "" : "; \(inside) of \(targets.count) targets met")
    var facts = ["\(evaluations.count) evaluations", "\(targets.count) targets", "\(inputs.count) inputs"]
    if let method = json["method"]?.string { facts.append(method) }
    page.subtitle = facts.joined(separator: " · ")
    for t in targets {
      let unit = t.simulated?.unit ?? ""
      page.keyNumbers.append((Quantity.words(t.metric), Quantity.format(t.simulated?.mean, unit: unit, metric: t.metric),
                              "target \(Quantity.format(t.value, unit: unit, metric: t.metric))"
                                + (t.low.flatMap { l in t.high.map { h in " (\(Quantity.format(l, unit: unit, metric: t.metric)) .. \(Quantity.format(h, unit: unit, metric: t.metric)))" } } ?? "")))
    }
    if let v = json["verdict"]?.string { page.verdicts = [v] }
    page.verdicts += (json["verdicts"]?.array ?? []).compactMap(\.string)

    var figures: [ChartFigure?] = []
    for t in targets {
      for (k, input) in inputs.enumerated() {
        let others = inputs.enumerated().filter { $0.offset != k }.map(\.element.key)
        // One line per combination of the other inputs' values (a single line for one input).
        var groups: [String: [LinePoint]] = [:]
        for e in evaluations {
          guard let x = e.inputs[input.key], let m = e.metrics[t.metric], let y = m.mean else { continue }
          let label = others.map { "\(ReportSections.keyLabel($0)) = \(e.inputs[$0].map { Quantity.compact($0) } ?? "?")" }.joined(separator: ", ")
          groups[label, default: []].append(LinePoint(x: x, y: y, low: m.ci95Low, high: m.ci95High))
        }
        guard !groups.isEmpty else { continue }
        let labels = groups.keys.sorted()
        let series = labels.enumerated().map { i, label in
          LineSeries(name: label.isEmpty ? "simulated \(Quantity.words(t.metric))" : label,
                     colour: labels.count > 1 ? ReportPalette.tint(colour, 0.6 * Double(i) / Double(labels.count - 1)) : colour,
                     points: groups[label]!)
        }
        let unit = t.simulated?.unit ?? evaluations.first?.metrics[t.metric]?.unit ?? ""
        let format = ReportSections.tickFormat(unit: unit, metric: t.metric)
        let xs = evaluations.compactMap { $0.inputs[input.key] }
        let logX = ReportSections.logarithmic(keyPath: input.key, values: xs)
        let band = HorizontalBand(value: t.value, low: t.low ?? t.value, high: t.high ?? t.value,
                                  label: "target" + (t.band.map { " (\($0))" } ?? ""), colour: ReportPalette.target)
        let marker = input.fitted.map {
          VerticalMarker(x: $0, low: input.low, high: input.high, label: "fitted and its 95% interval", colour: ReportPalette.crossing)
        }
        let simulatedText = t.simulated.map { " at the fit: \(ReportSections.withInterval($0, metric: t.metric))" } ?? ""
        let verdict = t.within.map { $0 ? "meets" : "misses" } ?? "against"
        figures.append(Charts.line(
          id: "calibration-\(t.metric)-\(k)",
          title: "\(Quantity.words(t.metric).capitalizedFirst) \(verdict) the target \(format(t.value))\(simulatedText)",
          note: "Every evaluation of the fit (mean with 95% band) against \(ReportSections.keyLabel(input.key)); green: the target and its band; red: the fitted value and its interval.",
          series: series,
          x: AxisSpec(logX ? .log : .linear, label: ReportSections.keyAxisLabel(input.key, suffix: input.suffix),
                      format: { [suffix = input.suffix] in Quantity.parameter($0, suffix: suffix) }),
          y: AxisSpec(ReportSections.axisKind(metric: t.metric), label: ReportSections.axisLabel(metric: t.metric, unit: unit), format: format),
          markers: marker.map { [$0] } ?? [], bands: [band]))
      }
    }
    page.section("Fit", intro: "Common random numbers across evaluations, so neighbouring points share failure draws.")
    page.charts(figures)
    page.section("Inputs and targets")
    page.table(HTMLTable(caption: "Fitted inputs", header: ["input", "key path", "fitted", "95% CI"], rows: inputs.map { i in
      [HTML.escape(ReportSections.keyLabel(i.key)), HTML.escape(i.key), HTML.escape(i.fittedText ?? i.fitted.map { Quantity.parameter($0, suffix: i.suffix) } ?? "–"),
       HTML.escape(i.low.flatMap { l in i.high.map { h in "\(Quantity.parameter(l, suffix: i.suffix)) .. \(Quantity.parameter(h, suffix: i.suffix))" } } ?? "–")]
    }))
    page.table(HTMLTable(caption: "Targets", header: ["metric", "target", "band", "simulated at the fit (95% CI)", "residual", "met"], rows: targets.map { t in
      let unit = t.simulated?.unit ?? ""
      return [HTML.escape(t.metric), HTML.escape(Quantity.format(t.value, unit: unit, metric: t.metric)),
              HTML.escape(t.low.flatMap { l in t.high.map { h in "\(Quantity.format(l, unit: unit, metric: t.metric)) .. \(Quantity.format(h, unit: unit, metric: t.metric))" } } ?? "–")
                + (t.band.map { " <span class=\"ci\">\(HTML.escape($0))</span>" } ?? ""),
              ReportSections.cell(t.simulated, metric: t.metric),
              HTML.escape(t.residual.map { Quantity.format($0, unit: unit, metric: t.metric, signed: true) } ?? "–"),
              t.within.map { $0 ? "yes" : "no" } ?? "–"]
    }))
    var provenance = ReportSections.provenance(json)
    if let out = json["output_scenario"]?.string { provenance.insert(("calibrated scenario written to", out), at: 0) }
    page.provenance = provenance
  }
}
