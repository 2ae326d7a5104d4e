import Foundation
import ReliabilityKit

/// The page of an inference (`"kind": "inference"`, docs/inference.md): the inputs' posterior
/// (5/50/95 %), their correlations, the fleets' spreads, the posterior predictive check of every
/// evidence item with its conflicts, and each fleet predicted from the others.
package enum InferenceHTML: HTMLReportKind {
  package static let name = "inference"
  package static let schemaVersions = [1, 2]
  package static let requiredFields = ["inputs", "items"]

  package static func matches(_ json: ReportJSON) -> Bool { json["kind"]?.string == name }

  static func number(_ x: Double?) -> String {
    guard let x, x.isFinite else { return "–" }
    return String(format: "%.4g", x)
  }

  static func range(_ j: ReportJSON?) -> String {
    guard let j else { return "–" }
    return "\(number(j["p50"]?.double)) (\(number(j["p5"]?.double)) .. \(number(j["p95"]?.double)))"
  }

  package static func render(_ json: ReportJSON, into page: inout HTMLPage) {
    let scenario = json["scenario"]?.string ?? "scenario"
    let scenarioName = URL(fileURLWithPath: scenario).deletingPathExtension().lastPathComponent
    let colour = ReportPalette.colour(ReportPalette.side(name: scenarioName))
    let inputs = json["inputs"]?.array ?? []
    let items = json["items"]?.array ?? []
    let conflicts = (json["conflicts"]?.array ?? []).compactMap(\.string)
    let spreads = json["fleet_spreads"]?.array ?? []
    let lofo = json["leave_one_fleet_out"]?.array ?? []
    let notPredicted = (json["fleets_not_predicted"]?.array ?? []).compactMap(\.string)
    let hierarchical = json["model"]?.string == "hierarchical"

    page.title = "\(scenarioName): " + (inputs.isEmpty ? "the evidence checked at the scenario's values" : "posterior of \(inputs.count) input\(inputs.count == 1 ? "" : "s")")
      + " given \(items.count) evidence items; " + (conflicts.isEmpty ? "no conflict" : "\(conflicts.count) in conflict")
      + (lofo.isEmpty ? "" : notPredicted.isEmpty ? "; every fleet predicted by the others" : "; \(notPredicted.count) fleet\(notPredicted.count == 1 ? "" : "s") not predicted by the others")
    var facts: [String] = []
    if let e = json["evaluations"]?.int { facts.append("\(e) evaluations") }
    facts.append(hierarchical ? "hierarchical (fleets differ)" : "pooled")
    if let m = json["method"]?.string { facts.append(m) }
    page.subtitle = facts.joined(separator: " · ")
    if let ess = json["effective_sample_size"]?.double, !inputs.isEmpty {
      page.keyNumbers.append(("effective sample size", String(format: "%.0f", ess), "of \(json["draws"]?["weights"]?.array?.count ?? 0) points"))
    }
    page.keyNumbers.append(("conflicts", "\(conflicts.count) of \(items.count)", conflicts.isEmpty ? "every item covered" : conflicts.joined(separator: ", ")))
    for s in spreads {
      page.keyNumbers.append(("between-fleet spread σ of \(s["rate"]?.string ?? "?")", number(s["sigma"]?["p50"]?.double),
                              "90%: \(number(s["sigma"]?["p5"]?.double)) .. \(number(s["sigma"]?["p95"]?.double)), \(s["fleets"]?.array?.count ?? 0) fleets"))
    }
    if !lofo.isEmpty {
      page.keyNumbers.append(("fleets the others fail to predict", "\(notPredicted.count) of \(lofo.count)", notPredicted.joined(separator: ", ")))
    }
    if !conflicts.isEmpty {
      page.verdicts.append("The model, with every input in its posterior, does not reproduce \(conflicts.joined(separator: ", ")) (p < 0.05).")
    }
    for s in spreads {
      page.verdicts.append("Fleets differ on \(s["rate"]?.string ?? "?"): σ = \(range(s["sigma"])); a new fleet's rate \(range(s["new_fleet_rate"])) per unit-hour against the population's \(range(s["population_rate"])).")
    }
    if !notPredicted.isEmpty { page.verdicts.append("The other fleets fail to predict \(notPredicted.joined(separator: ", ")).") }

    if !inputs.isEmpty {
      page.section("Posterior of the inputs", intro: "Box: 5–95 %; tick: median; dot: mean. The prior is the range given to --vary.")
      let figures: [ChartFigure?] = inputs.enumerated().map { k, i in
        guard let key = i["key_path"]?.string, let e = EstimateView(i) else { return nil }
        let suffix = i["suffix"]?.string ?? ""
        let values = [e.p5, e.p95].compactMap { $0 }
        let logX = ReportSections.logarithmic(keyPath: key, values: values) || (values.min() ?? 0) > 0 && (values.max() ?? 1) / max(values.min() ?? 1, 1e-300) > 20
        return Charts.quantileStrips(
          id: "inference-input-\(k)", title: "\(ReportSections.keyLabel(key).capitalizedFirst): \(number(e.p50)) (90%: \(number(e.p5)) .. \(number(e.p95)))",
          note: "Posterior of \(key) (prior \(i["prior"]?.string ?? "?")).", rows: [("posterior", colour, e)],
          x: AxisSpec(logX ? .log : .linear, label: ReportSections.keyAxisLabel(key, suffix: suffix),
                      format: { Quantity.parameter($0, suffix: suffix) }))
      }
      page.charts(figures)
      page.table(HTMLTable(caption: "Inputs", header: ["input", "prior", "mean", "sd", "5%", "50%", "95%"], rows: inputs.map { i in
        [HTML.escape(i["key_path"]?.string ?? "?"), HTML.escape(i["prior"]?.string ?? "?"), number(i["mean"]?.double), number(i["sd"]?.double),
         number(i["p5"]?.double), number(i["p50"]?.double), number(i["p95"]?.double)]
      }))
      if inputs.count > 1, let rows = json["correlations"]?.array {
        page.table(HTMLTable(caption: "Correlations (weighted)", header: ["input"] + inputs.map { HTML.escape(ReportSections.keyLabel($0["key_path"]?.string ?? "?")) },
                             rows: zip(inputs, rows).map { i, row in
                               [HTML.escape(ReportSections.keyLabel(i["key_path"]?.string ?? "?"))] + (row.array ?? []).map { String(format: "%.3f", $0.double ?? .nan) }
                             }))
      }
    }

    if !spreads.isEmpty {
      page.section("Fleets differ", intro: "ln(fleet rate) = ln(population rate) + σ × N(0, 1) for every rate that several fleets inform; σ is learnt from the evidence, and the user's cluster draws its rate from the population unless its own items pin it. Rates per unit-hour of one part.")
      let figures: [ChartFigure?] = spreads.enumerated().map { k, s in
        let rows = [("population", colour, EstimateView(s["population_rate"])), ("new fleet", ReportPalette.tint(colour, 0.5), EstimateView(s["new_fleet_rate"]))]
          .compactMap { r in r.2.map { (name: r.0, colour: r.1, estimate: $0) } }
        return Charts.quantileStrips(
          id: "inference-fleets-\(k)", title: "\(s["rate"]?.string ?? "?"): σ \(range(s["sigma"]))",
          note: "Fleets: \((s["fleets"]?.array ?? []).compactMap(\.string).joined(separator: ", ")).", rows: rows,
          x: AxisSpec(.log, label: "rate per unit-hour", format: { String(format: "%.3g", $0) }))
      }
      page.charts(figures)
      page.table(HTMLTable(caption: "Between-fleet spreads", header: ["rate", "fleets", "σ 50% (5 .. 95%)", "population 50% (5 .. 95%)", "new fleet 50% (5 .. 95%)"],
                           rows: spreads.map { s in
                             [HTML.escape(s["rate"]?.string ?? "?"), HTML.escape((s["fleets"]?.array ?? []).compactMap(\.string).joined(separator: ", ")),
                              range(s["sigma"]), range(s["population_rate"]),
                              range(s["new_fleet_rate"]) + ((s["pinned_by_user_fleet"]?.bool ?? false) ? " (pinned by the cluster's fleet)" : "")]
                           }))
    }

    page.section("Posterior predictive check", intro: "Each item against the 95 % interval of what would be observed under the posterior" + (hierarchical ? " (an item of a rate several fleets inform: a replicate of its own fleet)" : "") + "; p < 0.05 is a conflict.")
    page.table(HTMLTable(caption: "Evidence items", header: ["item", "fleet", "observed", "predicted", "95% predictive", "p", "conflict"], rows: items.map { i in
      let low = i["predictive_low"]?.double, high = i["predictive_high"]?.double
      let conflict = i["conflict"]?.bool ?? false
      return [HTML.escape(i["name"]?.string ?? "?"), HTML.escape(i["fleet"]?.string ?? "?"), HTML.escape(i["observed"]?.string ?? "?"),
              number(i["predicted"]?.double), low.map { "\(number($0)) .. \(number(high))" } ?? "–",
              String(format: "%.3g", i["p_value"]?.double ?? .nan), conflict ? "<strong>CONFLICT</strong>" : "no"]
    }))

    if !lofo.isEmpty {
      page.section("Leave one fleet out", intro: "Each fleet's items predicted from the other fleets alone (the posterior reweighted without its items; under the hierarchical model, as a new fleet of the population the others describe). A fleet the others fail to predict (p < 0.05) is one whose rates the others do not explain.")
      var rows: [[String]] = []
      for f in lofo {
        let ess = f["effective_sample_size"]?.double ?? .nan
        for i in f["items"]?.array ?? [] {
          let low = i["predictive_low"]?.double, high = i["predictive_high"]?.double
          rows.append([HTML.escape(f["fleet"]?.string ?? "?"), String(format: "%.0f", ess), HTML.escape(i["name"]?.string ?? "?"),
                       HTML.escape(i["observed"]?.string ?? "?"), number(i["predicted_median"]?.double ?? i["predicted"]?.double),
                       low.map { "\(number($0)) .. \(number(high))" } ?? "–", String(format: "%.3g", i["p_value"]?.double ?? .nan),
                       (i["conflict"]?.bool ?? false) ? "<strong>NOT PREDICTED</strong>" : "predicted"])
        }
      }
      page.table(HTMLTable(caption: "Leave-one-fleet-out", header: ["fleet left out", "ESS", "item", "observed", "median prediction", "95% predictive", "p", ""], rows: rows))
    }
    var provenance = ReportSections.provenance(json)
    if let files = json["evidence_files"]?.array { provenance.append(("evidence", files.compactMap(\.string).joined(separator: "; "))) }
    if let out = json["output_scenario"]?.string { provenance.insert(("posterior scenario written to", out), at: 0) }
    page.provenance = provenance
  }
}
