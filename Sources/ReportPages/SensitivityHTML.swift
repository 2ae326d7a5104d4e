import Foundation
import ReliabilityKit

/// The page of a sensitivity report (`"kind": "sensitivity"`, docs/report.md): a tornado of the
/// inputs ranked by how far moving each to its low and high swings B − A.
package enum SensitivityHTML: HTMLReportKind {
  package static let name = "sensitivity"
  package static let schemaVersions = [1]
  package static let requiredFields = ["inputs"]

  package static func matches(_ json: ReportJSON) -> Bool {
    json["inputs"]?.array?.first?["low"]?["difference"] != nil
  }

  struct Input {
    let key: String
    let label: String
    let provenance: String?
    let centralText: String?
    let lowText: String
    let highText: String
    let atLow: EstimateView
    let atHigh: EstimateView
    var swing: Double { abs((atHigh.mean ?? 0) - (atLow.mean ?? 0)) }
  }

  package static func render(_ json: ReportJSON, into page: inout HTMLPage) {
    let a = json["baseline"]?.string ?? "A", b = json["alternative"]?.string ?? "B"
    let metric = json["metric"]?.string ?? "total_cost_usd_per_year"
    let central = EstimateView(json["central"])
    // Labels from key paths that two inputs share (two parts' `flap_duration.median`) name the part.
    let keys = (json["inputs"]?.array ?? []).compactMap { $0["key_path"]?.string }
    let shared = Dictionary(keys.map { (ReportSections.keyLabel($0), 1) }, uniquingKeysWith: +).filter { $0.value > 1 }
    func label(_ key: String) -> String {
      let short = ReportSections.keyLabel(key)
      guard shared[short] != nil else { return short }
      let steps = key.split(separator: ".")
      return steps.count > 2 && steps[0] == "parts" && !short.hasPrefix(steps[1]) ? "\(steps[1]) \(short)" : key
    }
    let inputs = (json["inputs"]?.array ?? []).compactMap { i -> Input? in
      guard let key = i["key_path"]?.string, let lo = EstimateView(i["low", "difference"]), let hi = EstimateView(i["high", "difference"]) else { return nil }
      let evidence = i["evidence"]?.string
      let provenance = evidence == "prior-only" ? "prior-only" + (i["provenance"]?.string.map { "; \($0)" } ?? "") : i["provenance"]?.string
      return Input(key: key, label: i["label"]?.string ?? label(key), provenance: provenance,
                   centralText: i["central", "text"]?.string.map(ReportSections.written),
                   lowText: (i["low", "text"]?.string).map(ReportSections.written) ?? i["low", "value"]?.text ?? "low",
                   highText: (i["high", "text"]?.string).map(ReportSections.written) ?? i["high", "value"]?.text ?? "high", atLow: lo, atHigh: hi)
    }.sorted { ($0.swing, $1.key) > ($1.swing, $0.key) }
    let unit = central?.unit ?? inputs.first?.atLow.unit ?? ""
    let f = { (v: Double?) in Quantity.format(v, unit: unit, metric: metric, signed: true) }
    let words = Quantity.words(metric)
    let centralMean = central?.mean ?? 0
    // An input flips the verdict when B − A changes sign somewhere between its low and high.
    let flips = inputs.filter { i in
      [i.atLow.mean, i.atHigh.mean].compactMap { $0 }.contains { ($0 > 0) != (centralMean > 0) && $0 != 0 }
    }
    // The counts over every input the command moved (`--top K` lists only K of them), else
    // over the inputs listed.
    let moved = json["inputs_moved"]?.int ?? inputs.count
    let flipping = json["inputs_flipping"]?.int ?? flips.count
    let flipText = flipping == 0 ? "no input flips the verdict" : "\(flipping) of \(moved) inputs can flip the verdict"
    if let top = inputs.first {
      page.title = "\(top.label.capitalizedFirst) moves \(b) − \(a) most: \(f(top.atLow.mean)) at \(top.lowText), \(f(top.atHigh.mean)) at \(top.highText)"
      if let central, !central.resolved {
        page.title += "; at central inputs \(b) − \(a) shows no detectable change (\(f(central.mean)), 95% CI "
          + "\(Quantity.interval(central.ci95Low, central.ci95High, unit: unit, metric: metric, signed: true)), which covers zero)"
      } else {
        page.title += "; " + flipText
      }
    } else {
      page.title = "Sensitivity of \(b) − \(a) on \(words)"
    }
    var facts = [moved > inputs.count ? "the \(inputs.count) largest swings of \(moved) inputs" : "\(inputs.count) inputs", "\(words), \(b) − \(a)"]
    if let trials = json["provenance", "trials"]?.int ?? json["trials"]?.int { facts.append("\(trials) paired trials per point") }
    page.subtitle = facts.joined(separator: " · ")
    if let central {
      page.keyNumbers.append(("\(b) − \(a) at central inputs", f(central.mean),
                              Quantity.interval(central.ci95Low, central.ci95High, unit: unit, metric: metric, signed: true).isEmpty ? ""
                                : "95% CI " + Quantity.interval(central.ci95Low, central.ci95High, unit: unit, metric: metric, signed: true)))
    }
    page.keyNumbers.append(("inputs that can flip the verdict", "\(flipping) of \(moved)", flips.prefix(3).map(\.label).joined(separator: ", ")))
    if let v = json["verdict"]?.string { page.verdicts = [v] }
    page.verdicts += (json["verdicts"]?.array ?? []).compactMap(\.string)

    let colour = ReportPalette.colour(ReportPalette.side(name: b))
    page.section("Tornado", intro: "Each input moved to its low and to its high with the others at their central values; bars run from the central B − A (dashed) to B − A at each end, ranked by the swing.")
    let shown = Array(inputs.prefix(20))
    page.charts([
      Charts.tornado(id: "tornado", title: page.title,
                     note: "\(words.capitalizedFirst), \(b) − \(a); light bars: input at its low, dark bars: at its high."
                       + (moved > shown.count ? " The \(shown.count) largest of \(moved) inputs." : ""),
                     central: central?.mean ?? ((shown.first.map { (($0.atLow.mean ?? 0) + ($0.atHigh.mean ?? 0)) / 2 }) ?? 0),
                     rows: shown.map { (name: $0.label, lowLabel: $0.lowText, highLabel: $0.highText, atLow: $0.atLow.mean ?? .nan, atHigh: $0.atHigh.mean ?? .nan) },
                     x: AxisSpec(label: "\(words), \(b) − \(a) (\(Quantity.axisUnit(unit)))", format: ReportSections.tickFormat(unit: unit, metric: metric), precise: ReportSections.tickPrecise(unit: unit, metric: metric)),
                     lowColour: ReportPalette.tint(colour, 0.55), highColour: colour, wide: true),
    ])
    page.section("Inputs", intro: "Ranked by swing: |B − A at high − B − A at low|.")
    page.table(HTMLTable(header: ["input", "key path", "low", "B − A at low", "high", "B − A at high", "swing", "provenance"], rows: inputs.map { i in
      [HTML.escape(i.label), HTML.escape(i.key), HTML.escape(i.lowText), ReportSections.cell(i.atLow, metric: metric, signed: true),
       HTML.escape(i.highText), ReportSections.cell(i.atHigh, metric: metric, signed: true),
       HTML.escape(Quantity.format(i.swing, unit: unit, metric: metric)), HTML.escape(i.provenance ?? "–")]
    }))
    var provenance = ReportSections.provenance(json)
    provenance.insert(("scenarios", "A = \(a), B = \(b)"), at: 0)
    page.provenance = provenance
  }
}
