import ArgumentParser
import Foundation
import ReliabilityKit

/// `cposim recurrent`: a log of recurrent events on repaired units, analysed as repairable systems.
struct Recurrent: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Analyse a log of recurrent failures on repaired units: MCF, trend tests, NHPP fits, ROCOF, lemons, replacement age.",
    discussion: """
      LOG is a CSV file with one row per event: unit; entered and exited, the unit's observation \
      window (ages in hours or durations, or ISO 8601 timestamps); time, the event's age or \
      timestamp (empty on the one row of a unit without events); optionally mode (the kind of \
      event), unit_class, and installed (timestamps: when the unit was new; without it ages count \
      from entry). Prints the mean cumulative function (Nelson-Aalen, Lawless-Nadeau band), the \
      Laplace, MIL-HDBK-189 and Lewis-Robinson trend tests, power-law (Crow-AMSAA), log-linear and \
      constant-rate fits with likelihood-ratio and Fisher 95% intervals, the ROCOF by age, lemon \
      candidates (one-sided Poisson test, Benjamini-Hochberg), the optimal replacement age for a \
      cost ratio, each mode's power law, and a part for the catalog that `cposim run` simulates \
      (Weibull modes whose repair keeps the age). docs/fitting.md has the format and the methods.

      Examples:
        cposim recurrent FailureData/field/recurrent/synthetic-ports.csv --cost-ratio 10
        cposim recurrent ports.csv --mode contamination --at 1y,3y --json > ports.json
        cposim recurrent ports.csv --html ports.html --evidence ports-evidence.yaml --fleet dc-west
      """
  )

  @Argument(help: "The event log (CSV).")
  var log: String

  @Option(help: "Count only the events of this mode (the units stay at risk). Example: --mode contamination")
  var mode: String?

  @Option(name: .customLong("class"), help: "Analyse only the units of this unit_class. Example: --class pluggable-800g-dr8")
  var unitClass: String?

  @Option(help: "Ages at which to give the fitted intensity and MCF, durations separated by commas (default: half the oldest age observed and the oldest). Example: --at 1y,3y")
  var at: String?

  @Option(help: "Age bands of the ROCOF table (1 to 100). Example: --bands 12")
  var bands: Int = 10

  @Option(help: "Corrective over preventive cost (a failure's repair cost over a planned replacement's), for the optimal replacement age. Example: --cost-ratio 10")
  var costRatio: Double?

  @Option(help: "False discovery rate of the lemon screen (Benjamini-Hochberg), between 0 and 1. Example: --fdr 0.1")
  var fdr: Double = 0.05

  @Option(help: "The part id of the catalog block and of the evidence items (kebab-case; default: the log's unit_class when it has one, else its file name). Example: --part pluggable-800g-dr8")
  var part: String?

  @Flag(help: "Print JSON (kind recurrent, schema version 1: schemas/recurrent.schema.json).")
  var json = false

  @Option(help: "Also write an HTML page with the MCF chart. Example: --html ports.html")
  var html: String?

  @Option(help: "Write the log as evidence items (YAML, per unit class and mode, only those of --class and --mode when given: counts with their exposure). Example: --evidence ports-evidence.yaml")
  var evidence: String?

  @Option(help: "The fleet the evidence comes from (default: the log's file name without extension). Example: --fleet dc-west")
  var fleet: String?

  @Option(help: "The source key of the evidence (default: operator-telemetry). Example: --source dc-west-telemetry")
  var source: String?

  func validate() throws {
    if let part, ModeCatalog.kebab(part) != part {
      throw ValidationError("--part must be a catalog id: lower-case words joined by '-', such as pluggable-800g-dr8 (got '\(ModeCatalog.printable(part))')")
    }
    if !(fdr > 0 && fdr < 1) { throw ValidationError("--fdr must be between 0 and 1, such as 0.05 (got \(fdr))") }
    if let costRatio, !(costRatio > 0 && costRatio.isFinite) {
      throw ValidationError("--cost-ratio must be a positive number, corrective over preventive cost, such as 10 (got \(costRatio))")
    }
    if !(1...100).contains(bands) { throw ValidationError("--bands must be 1 to 100 (got \(bands))") }
    if evidence == nil {
      if fleet != nil { throw ValidationError("--fleet names the fleet of the evidence file: add --evidence OUT.yaml") }
      if source != nil { throw ValidationError("--source names the source of the evidence file: add --evidence OUT.yaml") }
    }
    if let fleet, fleet.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--fleet must not be empty") }
    if let source, source.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--source must not be empty") }
    if let ages = try ages(), ages.count > 20 { throw ValidationError("--at: at most 20 ages (each adds likelihood-ratio searches per model)") }
    try checkOutputNames(outputFiles, inputs: [log])
  }

  var outputFiles: [OutputFile?] {
    [html.map { OutputFile($0, option: "--html") }, evidence.map { OutputFile($0, option: "--evidence") }]
  }

  func ages() throws -> [Hours]? {
    guard let at else { return nil }
    return try at.split(separator: ",", omittingEmptySubsequences: false).map { text in
      let age: Hours
      do { age = try Units.hours(from: String(text)) } catch { throw ValidationError("--at: \(error)") }
      guard age > 0, age.isFinite else { throw ValidationError("--at: ages must be positive durations such as 1y (got '\(text)')") }
      return age
    }
  }

  /// The file name without its folder and extension.
  var stem: String { URL(fileURLWithPath: log).deletingPathExtension().lastPathComponent }

  func run() throws {
    try OutputFile.check(outputFiles.compactMap { $0 }, inputs: [log])
    let log = try RecurrentLog.read(path: self.log)
    let name = ModeCatalog.printable(self.log)
    if let mode, !log.modes.contains(mode) {
      throw CLIError("\(name): no events with mode '\(ModeCatalog.printable(mode))'" + (log.modes.isEmpty ? "; the log names no modes" : "; modes: \(log.modes.map(ModeCatalog.printable).joined(separator: ", "))"))
    }
    if let unitClass, !log.classes.contains(unitClass) {
      throw CLIError("\(name): no units of class '\(ModeCatalog.printable(unitClass))'" + (log.classes.isEmpty ? "; the log has no unit_class column" : "; classes: \(log.classes.map(ModeCatalog.printable).joined(separator: ", "))"))
    }
    let oldest = log.units.filter { unitClass == nil || $0.unitClass == unitClass }.map(\.exit).max() ?? 0
    let ages = try ages() ?? [oldest / 2, oldest].map(Self.round)
    let options = RecurrentAnalysis.Options(ages: ages.filter { $0 > 0 }, bands: bands, costRatio: costRatio, falseDiscoveryRate: fdr)
    let analysis = RecurrentAnalysis(log: log, mode: mode, unitClass: unitClass, options: options)
    let partID = part ?? defaultPart(log)
    let partYAML = RecurrentCatalog.partYAML(partID: partID, analysis: analysis, source: self.log)
    var evidenceFile: RecurrentEvidence?
    if evidence != nil {
      do {
        evidenceFile = try RecurrentEvidence(log: log, fleet: fleet ?? stem, source: source ?? "operator-telemetry", part: part,
                                             defaultPart: defaultPart(nil), mode: mode, unitClass: unitClass)
      } catch {
        throw CLIError(error.description)
      }
    }
    let report = RecurrentReport(file: self.log, log: log, mode: mode, unitClass: unitClass, analysis: analysis, partYAML: partYAML,
                                 evidence: evidenceFile)
    if let html { try HTMLOutput.write(report, to: html) }
    if let evidence, let evidenceFile { try OutputFile(evidence, option: "--evidence").write(Data(evidenceFile.yaml.utf8)) }
    if json {
      print(try JSONOutput.string(report), terminator: "")
    } else {
      print(RecurrentText.render(report: report, analysis: analysis, log: log, name: name, partID: partID))
    }
    if let html { printError("HTML page written to \(html)") }
    if let evidence, let evidenceFile { printError("\(evidenceFile.items.count) evidence items written to \(evidence)") }
    if analysis.best == nil, analysis.data.eventCount > 0 { throw ExitCode(1) }
  }

  /// The part id: the class analysed, the log's only class, or the file name.
  func defaultPart(_ log: RecurrentLog?) -> String {
    if let unitClass, !ModeCatalog.kebab(unitClass).isEmpty { return ModeCatalog.kebab(unitClass) }
    if let log, log.classes.count == 1, !ModeCatalog.kebab(log.classes[0]).isEmpty { return ModeCatalog.kebab(log.classes[0]) }
    let base = ModeCatalog.kebab(stem)
    return base.isEmpty ? "fitted-part" : base
  }

  /// An age rounded to three significant digits.
  static func round(_ hours: Hours) -> Hours {
    guard hours > 0, hours.isFinite else { return hours }
    let digits = pow(10, floor(log10(hours)) - 2)
    return (hours / digits).rounded() * digits
  }
}

/// The terminal text of `cposim recurrent`.
enum RecurrentText {
  static func number(_ x: Double) -> String {
    if x == .infinity { return "inf" }
    if x == -.infinity { return "-inf" }
    guard x.isFinite else { return "n/a" }
    return String(format: "%.5g", x)
  }

  static func p(_ x: Double) -> String { x < 1e-16 ? "< 1e-16" : String(format: "%.3g", x) }

  /// "p = 0.012" or "p < 1e-16".
  static func pIs(_ x: Double) -> String { x < 1e-16 ? "p < 1e-16" : "p = " + p(x) }

  static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
  static func right(_ s: String, _ n: Int) -> String { s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s }

  static func interval(_ i: MaximumLikelihood.Interval?) -> String {
    guard let i else { return "n/a" }
    return "\(number(i.lower)) .. \(number(i.upper))"
  }

  static func row(_ name: String, _ e: IntensityFit.Estimate, scale: Double = 1) -> String {
    let scaled = { (i: MaximumLikelihood.Interval?) in i.map { MaximumLikelihood.Interval($0.lower * scale, $0.upper * scale) } }
    return "    " + pad(name, 30) + right(number(e.estimate * scale), 11) + right(interval(scaled(e.lr)), 26) + right(interval(scaled(e.fisher)), 26)
  }

  static func fitLines(_ fit: IntensityFit, deltaAIC: Double, header: Bool) -> [String] {
    var lines = [String(format: "%@  lnL %.4f  AIC %.4f  ΔAIC %.2f", pad(fit.model.label, 24), fit.logLikelihood, fit.aic, deltaAIC)]
    if header { lines.append("    " + pad("95% intervals", 30) + right("estimate", 11) + right("likelihood ratio", 26) + right("Fisher", 26)) }
    for e in fit.parameters {
      switch e.name {
      case "rate_per_unit_hour": lines.append(row("rate (per unit-year)", e, scale: 8760))
      default: lines.append(row(e.name, e))
      }
    }
    for e in fit.intensity where fit.model != .hpp { lines.append(row("intensity at \(number(e.ageHours ?? 0))h (/unit-yr)", e, scale: 8760)) }
    for e in fit.mcf { lines.append(row("MCF at \(number(e.ageHours ?? 0))h", e)) }
    if let unbiased = fit.betaUnbiased { lines.append("    beta with Crow's bias correction: \(number(unbiased))") }
    return lines
  }

  // swiftlint:disable:next function_body_length
  static func render(report: RecurrentReport, analysis a: RecurrentAnalysis, log: RecurrentLog, name: String, partID: String) -> String {
    let data = a.data
    var heading = "\(name)\(report.mode.value.map { ", mode \(ModeCatalog.printable($0))" } ?? "")\(report.unitClass.value.map { ", class \(ModeCatalog.printable($0))" } ?? ""): "
    heading += "\(data.units.count) unit\(data.units.count == 1 ? "" : "s"), \(data.eventCount) event\(data.eventCount == 1 ? "" : "s")"
    if report.mode.value == nil, !report.modes.isEmpty {
      heading += " (" + report.modes.map { "\(ModeCatalog.printable($0.mode)) \($0.events)" }.joined(separator: ", ") + ")"
    }
    heading += String(format: "; %@ unit-hours observed, ages %@ .. %@ h", number(data.exposure), number(data.ageRange.lowerBound), number(data.ageRange.upperBound))
    var lines = [heading]
    var notes: [String] = []
    if data.delayedEntries > 0 { notes.append("\(data.delayedEntries) unit\(data.delayedEntries == 1 ? "" : "s") entered observation after age 0") }
    if data.failureTruncatedUnits > 0 { notes.append("\(data.failureTruncatedUnits) observed until an event (failure-truncated)") }
    switch log.clock {
    case .entered: notes.append("no 'installed' column: ages count from each unit's entry")
    case .installed: notes.append("ages from 'installed'")
    case .ages: break
    }
    if !notes.isEmpty { lines.append(notes.joined(separator: "; ")) }
    guard data.eventCount > 0 else {
      lines += ["", "no events: nothing to fit (a count of 0 in \(number(data.exposure)) unit-hours is still evidence: --evidence writes it)"]
      return lines.joined(separator: "\n")
    }

    lines += ["", "trend tests (null: a constant rate, the same for every unit)         statistic   p (two-sided)"]
    for t in a.trends {
      let label = t.kind == .milHdbk189 ? "MIL-HDBK-189 (chi-square, \(t.degreesOfFreedom ?? 0) df)" : t.kind.label + (t.kind == .laplace ? " (normal)" : " (normal, any renewal process)")
      let verdict = t.direction == .none ? "no trend at 5%" : (t.direction == .rising ? "rising with age" : "falling with age")
      lines.append("    " + pad(label, 62) + right(number(t.statistic), 11) + right(p(t.pValue), 16) + "   " + verdict)
      if let caution = t.caution { lines.append("      caution: \(caution)") }
    }

    lines += ["", "NHPP fits, best by AIC first (ages in hours; intensity per unit-year)"]
    let bestAIC = a.best?.aic ?? 0
    for (index, fit) in a.fits.enumerated() { lines += fitLines(fit, deltaAIC: fit.aic - bestAIC, header: index == 0) }
    for fit in a.notConverged { lines.append("\(pad(fit.model.label, 24))  did not converge: \(fit.problem ?? "")") }
    for (model, reason) in a.unfitted { lines.append("\(pad(model.label, 24))  not fitted: \(reason)") }
    for test in a.versusConstant {
      lines.append(String(format: "%@ vs constant rate: likelihood ratio %.4g, %@ (chi-square, 1 df)", test.model.label, test.statistic, pIs(test.pValue)))
    }

    lines += ["", "MCF: expected events per unit by age (Nelson-Aalen; 95% band from the Lawless-Nadeau variance)"]
    lines.append("    " + right("age (h)", 12) + right("at risk", 9) + right("MCF", 11) + right("95% band", 26))
    let range = data.ageRange
    for k in 1...8 {
      let t = range.lowerBound + (range.upperBound - range.lowerBound) * Double(k) / 8
      guard let point = MeanCumulativeFunction.value(at: t, in: a.mcf) else {
        lines.append("    " + right(number(t), 12) + right("", 9) + right("0", 11))
        continue
      }
      lines.append("    " + right(number(t), 12) + right("\(point.atRisk)", 9) + right(number(point.mcf), 11)
        + right("\(number(point.ci95Low)) .. \(number(point.ci95High))", 26))
    }

    lines += ["", "ROCOF by age band: events per unit-year (exact Poisson 95%)"]
    lines.append("    " + right("ages (h)", 24) + right("events", 8) + right("unit-years", 12) + right("rate", 11) + right("95%", 24))
    for band in a.rocof {
      lines.append("    " + right("\(number(band.fromHours)) .. \(number(band.toHours))", 24) + right("\(band.events)", 8)
        + right(number(band.exposureUnitHours / 8760), 12) + right(number(band.perUnitHour * 8760), 11)
        + right("\(number(band.ci95Low * 8760)) .. \(number(band.ci95High * 8760))", 24))
    }

    if let screen = a.lemons {
      let flagged = screen.flagged
      lines += ["", String(format: "lemon candidates: %d of %d units (one-sided Poisson test of each unit's count against the %@ fit; Benjamini-Hochberg, false discovery rate %@%%)",
                           flagged.count, screen.units.count, screen.model.label, number(screen.falseDiscoveryRate * 100))]
      let shown = screen.units.prefix(max(flagged.count, 5)).prefix(20)
      lines.append("    " + pad("unit", 24) + right("events", 8) + right("expected", 10) + right("p", 11) + right("q", 11) + "  flagged")
      for u in shown {
        lines.append("    " + pad(ModeCatalog.printable(u.id), 24) + right("\(u.events)", 8) + right(number(u.expected), 10) + right(p(u.pValue), 11)
          + right(p(u.qValue), 11) + (u.flagged ? "  yes" : "  no"))
      }
      if flagged.count > shown.count { lines.append("    ... \(flagged.count - shown.count) more flagged (--json lists every unit)") }
    }

    if let r = a.options.costRatio {
      lines += ["", "optimal replacement age (corrective/preventive cost ratio \(number(r)); minimal repair between replacements, Barlow-Hunter)"]
      for item in a.replacement {
        let label = item.sumOfModes ? "sum of the modes' power laws" : item.model.label
        if let age = item.age {
          let bounds = age.lr.map { "LR 95% " + interval($0) + ", " } ?? ""
          lines.append("    " + pad(label, 30) + right(number(age.estimate), 11) + " h   " + bounds + "Fisher " + interval(age.fisher)
            + String(format: "; cost %@ preventive replacements per unit-year", number((item.costPerUnitHour ?? .nan) * 8760)))
          continue
        }
        lines.append("    " + pad(label, 30) + " " + (item.reason ?? ""))
      }
    } else if a.fits.contains(where: { ($0.parameter("beta") ?? 0) > 1 || ($0.parameter("gamma_per_hour") ?? 0) > 0 }) {
      lines += ["", "the intensity rises: --cost-ratio R (corrective over preventive cost) gives the optimal replacement age"]
    }

    if a.byMode.count > 1 || a.badLot != nil {
      let left = a.byMode.first?.unitsLeftOut ?? 0
      lines += ["", "per mode" + (left > 0 ? " (the \(left) lemon candidate\(left == 1 ? "" : "s") left out)" : "") + ": power law and log-linear"]
      for m in a.byMode {
        lines.append("mode \(m.mode.map(ModeCatalog.printable) ?? "(all)"): \(m.events) event\(m.events == 1 ? "" : "s")")
        let best = m.best?.aic ?? 0
        for (index, fit) in m.fits.enumerated() where fit.model != .hpp { lines += fitLines(fit, deltaAIC: fit.aic - best, header: index == 0).map { "  " + $0 } }
        for fit in m.notConverged { lines.append("  \(pad(fit.model.label, 24))  did not converge: \(fit.problem ?? "")") }
        for (model, reason) in m.unfitted where model != .hpp { lines.append("  \(pad(model.label, 24))  not fitted: \(reason)") }
      }
      if let lot = a.badLot {
        lines.append(String(format: "lemon candidates as a bad lot: %@ of units, failing %@x as often as the rest (an upper-biased estimate: they were chosen for their counts)",
                            number(lot.fraction * 100) + "%", number(lot.multiplier)))
      }
    }
    if log.classes.count > 1, report.unitClass.value == nil {
      lines += ["", "note: the log has \(log.classes.count) unit classes (\(log.classes.map(ModeCatalog.printable).joined(separator: ", "))), pooled here; --class NAME analyses one"]
    }
    if a.byMode.contains(where: { $0.powerLaw != nil }) {
      lines += ["", "for the part catalog (FailureData/parts.yaml format, under parts:); it runs with cposim run:", ""]
    } else {
      lines.append("")
    }
    lines.append(report.partYaml)
    return lines.joined(separator: "\n")
  }
}
