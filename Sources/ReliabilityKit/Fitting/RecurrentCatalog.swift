import Foundation

/// The part a scenario simulates to reproduce a log of recurrent events (FailureData/parts.yaml
/// format, indented to paste under `parts:` of the catalog or of a scenario).
///
/// A power-law NHPP under minimal repair is what the engine does with a Weibull mode whose repair
/// keeps the unit's age: after a `clean` or `reseat`, the next failure is drawn conditioned on
/// survival to the unit's age, so the failures of a unit form an NHPP with Λ(t) = (t/η)^β. Each
/// mode of the log becomes such a mode (shape β̂, scale η̂, `fix: clean`), fitted on the units not
/// flagged as lemon candidates; the flagged units become a `bad_lot` (the fraction flagged, their
/// intensity multiplier), which, unlike `lemon`, survives a clean in the engine. The repair keeps
/// the age only when every clean succeeds, so the scenario's workflow for the part's FRU needs
/// `clean_first: true, clean_success: 100%`; the block says so in its header.
public enum RecurrentCatalog {
  /// The part block.
  /// - Parameters:
  ///   - partID: the part id (kebab-case), also its FRU.
  ///   - analysis: the analysis of the log (its per-mode power laws and bad lot).
  ///   - source: the log, as the user named it.
  public static func partYAML(partID: String, analysis: RecurrentAnalysis, source: String) -> String {
    let sig = MaximumLikelihood.sig
    guard analysis.byMode.contains(where: { $0.powerLaw != nil }) else {
      let reasons = analysis.byMode.map { mode in
        (mode.mode.map { "\(ModeCatalog.printable($0)): " } ?? "")
          + (mode.notConverged.first { $0.model == .powerLaw }?.problem ?? mode.unfitted.first { $0.model == .powerLaw }?.reason ?? "no fit")
      }
      return "# no mode's power law fitted (\(reasons.joined(separator: "; "))): nothing for the part catalog\n"
    }
    let units = analysis.data.units.count, events = analysis.data.eventCount
    let modes = analysis.byMode
    var lines = [
      "# fitted by cposim recurrent \(ModeCatalog.printable(source)): \(units) units, \(events) events in \(modes.count) mode\(modes.count == 1 ? "" : "s");",
      "# each mode is a power-law NHPP (Crow-AMSAA) under minimal repair: a Weibull mode whose repair keeps the unit's age (fix: clean).",
    ]
    if let lot = analysis.badLot, let screen = analysis.lemons {
      lines.append("# \(lot.units) lemon candidates (Benjamini-Hochberg, false discovery rate \(sig(screen.falseDiscoveryRate * 100))%) are left out of the modes and written as bad_lot.")
    }
    lines += [
      "# The repair keeps the age only if every clean succeeds; in the scenario:",
      "#   repair: {workflows: {\(partID): {action: hot-swap, clean_first: true, clean_success: 100%}}}",
      "# Set fru, power_w and unit_cost_usd; cite the log in SOURCES.md and use its key as source.",
      "  \(partID):",
      "    description: \"fitted from \(ModeCatalog.yamlEscaped(source)) by cposim recurrent\"",
      "    fru: \(partID)",
      "    power_w: 0          # not in a failure log: set it",
      "    unit_cost_usd: 0    # not in a failure log: set it",
      "    source: estimate    # replace with the SOURCES.md key of this log",
      "    note: \"recurrent events of \(units) units (\(events) events) in \(ModeCatalog.yamlEscaped(source)), minimal repair\"",
    ]
    if let lot = analysis.badLot {
      lines.append("    bad_lot: {fraction: \(sig(lot.fraction)), multiplier: \(sig(lot.multiplier))}   # the lemon candidates: \(lot.units) of \(units) units")
    }
    lines.append("    modes:")
    var used: Set<String> = []
    for (index, mode) in modes.enumerated() {
      var id = ModeCatalog.kebab(mode.mode ?? "failure")
      if id.isEmpty { id = "mode-\(index + 1)" }
      while used.contains(id) { id += "-\(index + 1)" }
      used.insert(id)
      guard let fit = mode.powerLaw, let beta = fit.parameter("beta"), let eta = fit.parameter("eta_hours") else {
        let reason = mode.notConverged.first { $0.model == .powerLaw }?.problem ?? mode.unfitted.first { $0.model == .powerLaw }?.reason ?? "no fit"
        lines.append("      # \(id): the power law did not fit (\(reason)); not written")
        continue
      }
      var note = "power-law NHPP from \(mode.events) events"
      if let b = fit.parameters.first(where: { $0.name == "beta" })?.lr {
        note += ", beta 95% LR \(sig(b.lower))..\(sig(b.upper))"
      }
      if let better = mode.best, better.model != .powerLaw { note += "; \(better.model.label) fits better by AIC" }
      if let m = mode.mode, ModeCatalog.kebab(m) != m { note += "; mode '\(ModeCatalog.yamlEscaped(m))' in the log" }
      lines += [
        "      \(id):",
        "        distribution: {kind: weibull, shape: \(sig(beta)), scale: \(sig(eta))h}",
        "        effect: hard",
        "        fix: clean",
        "        note: \"\(note)\"",
      ]
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
