import ArgumentParser
import Foundation
import ReliabilityKit

/// `cposim fit`: turn a field failure log into catalog-ready distributions.
struct Fit: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Fit failure distributions to a field log (maximum likelihood with censoring and delayed entry).",
    discussion: """
      LOG is a CSV file with a header row: id; the age at the end of observation (hours, time \
      with a unit, or installed and removed timestamps); failed (true/false); optionally entered \
      (age when observation started) or observed_from (a timestamp), failed_after and \
      failed_before (a failure found at an inspection; failed_before alone: failed before that \
      age), and mode. Units that did not fail are right-censored; the likelihood conditions on \
      survival to entry. Prints each converged candidate best first by AIC with 95% \
      likelihood-ratio and Fisher intervals for its parameters, B1 and B10 lives and the AFR at \
      the --afr-at ages, the Anderson-Darling statistic, a likelihood-ratio test of Weibull \
      against exponential, and a block to paste into the part catalog. A fit that did not \
      converge is named with the reason and never ranked. docs/fitting.md has the column \
      reference and the methods.

      Examples:
        cposim fit FailureData/field/synthetic-weibull-censored.csv
        cposim fit FailureData/field/synthetic-delayed-entry.csv --dist weibull --bounds both
        cposim fit FailureData/field/synthetic-inspections.csv --bounds lr --afr-at 26w,2y
        cposim fit FailureData/field/synthetic-optics-modes.csv --by-mode --part optics-800g
        cposim fit my-optics.csv --mode laser --json > fit.json
      """
  )

  enum Choice: String, ExpressibleByArgument, CaseIterable {
    case weibull, lognormal, exponential, gamma, all
  }

  @Argument(help: "The field log (CSV).")
  var log: String

  @Option(help: "Distribution to fit: weibull, lognormal, exponential, gamma or all. Example: --dist weibull")
  var dist: Choice = .all

  @Option(help: "Fit one failure mode; failures of other modes count as censored (competing risks). Example: --mode laser")
  var mode: String?

  @Flag(help: "Fit each failure mode in turn (others censored) and print one catalog part with every mode. Example: --by-mode --part optics-800g")
  var byMode = false

  @Option(help: "The part id of the --by-mode catalog block (kebab-case; default: from the log's file name). Example: --part optics-800g")
  var part: String?

  @Option(help: "95% intervals to compute and print: lr (likelihood ratio, profile), fisher (Wald) or both. Example: --bounds lr")
  var bounds: FitAnalysis.Bounds = .both

  @Option(help: "Ages at which to estimate the AFR (hazard in %/yr), durations separated by commas. Example: --afr-at 26w,1y,5y")
  var afrAt: String = "1y,3y,5y"

  @Flag(help: "Print JSON (schema version 2, keys in docs/fitting.md).")
  var json = false

  func validate() throws {
    if byMode, mode != nil { throw ValidationError("--mode fits one mode and --by-mode fits every mode: give one of them") }
    if part != nil, !byMode { throw ValidationError("--part names the part that --by-mode prints: add --by-mode") }
    if let part, ModeCatalog.kebab(part) != part {
      throw ValidationError("--part must be a catalog id: lower-case words joined by '-', such as optics-800g (got '\(ModeCatalog.printable(part))')")
    }
    if try ages().count > 20 { throw ValidationError("--afr-at: at most 20 ages (each adds two likelihood-ratio searches per candidate)") }
  }

  func ages() throws -> [Hours] {
    try afrAt.split(separator: ",", omittingEmptySubsequences: false).map { text in
      let age: Hours
      do { age = try Units.hours(from: String(text)) } catch {
        throw ValidationError("--afr-at: \(error)")
      }
      guard age > 0, age.isFinite else { throw ValidationError("--afr-at: ages must be positive durations such as 1y (got '\(text)')") }
      return age
    }
  }

  func run() throws {
    let log = try FieldLog.read(path: self.log)
    let name = ModeCatalog.printable(self.log)
    if let mode, !log.modes.contains(mode) {
      throw CLIError("\(name): no rows with mode '\(ModeCatalog.printable(mode))'" + (log.modes.isEmpty ? "" : "; modes: \(log.modes.joined(separator: ", "))"))
    }
    if byMode, log.modes.isEmpty { throw CLIError("\(name): --by-mode needs a 'mode' column naming the failure modes; this log names none") }
    let families = dist == .all ? MaximumLikelihood.Family.allCases : MaximumLikelihood.Family(rawValue: dist.rawValue).map { [$0] } ?? []
    let ages = try ages()
    func analyse(_ data: LifeData) throws -> FitAnalysis {
      do { return try FitAnalysis(data: data, families: families, bounds: bounds, afrAges: ages) } catch {
        throw CLIError("\(name): \(error)")
      }
    }
    let analysis = try analyse(log.data(mode: mode))
    var modeAnalyses: [(mode: String, analysis: FitAnalysis)]?
    var partYAML: String?
    if byMode {
      var list: [(mode: String, analysis: FitAnalysis)] = []
      for m in log.modes { list.append((m, try analyse(log.data(mode: m)))) }
      modeAnalyses = list
      let id = part ?? defaultPartID()
      partYAML = ModeCatalog.partYAML(partID: id, modes: list, source: self.log, units: log.rows.count)
    }
    let report = FitReport(file: self.log, mode: mode, analysis: analysis, modes: modeAnalyses, partYAML: partYAML)
    if json {
      print(try JSONOutput.string(report), terminator: "")
      if analysis.best == nil { throw ExitCode(1) }
      return
    }
    var lines = [FitText.heading(name, mode: mode, data: analysis.data), ""]
    lines += FitText.candidates(analysis)
    if let modeAnalyses {
      for (m, a) in modeAnalyses {
        lines += ["", "mode \(ModeCatalog.printable(m)) (other modes censored): " + FitText.counts(a.data), ""]
        lines += FitText.candidates(a)
      }
    }
    if log.failuresWithoutMode > 0, mode != nil || byMode {
      lines += ["", "note: \(log.failuresWithoutMode) failures have no mode; each mode's fit counts them as censored"]
    }
    lines.append("")
    if byMode, let partYAML {
      lines += ["for the part catalog (FailureData/parts.yaml format, under parts:):", "", partYAML]
    } else if let best = analysis.best {
      let label = FitReport.label(file: self.log, mode: mode, data: analysis.data)
      if let yaml = best.fit.catalogYAML(source: label) {
        lines += ["best by AIC: \(best.fit.family.rawValue); for the part catalog:", "", yaml]
      } else {
        // The catalog (and validate) would refuse it: never recommend a line that does not load.
        lines.append("best by AIC: \(best.fit.family.rawValue), which the part catalog would refuse (\(best.fit.catalogProblem ?? "no catalog form"))")
        if let next = analysis.ranked.first(where: { $0.fit.catalogDistribution != nil }), let yaml = next.fit.catalogYAML(source: label) {
          lines += [String(format: "the best fit the catalog takes: %@ (AIC %.3g above the best); for the part catalog:", next.fit.family.rawValue, next.deltaAIC), "", yaml]
        } else {
          lines.append("no fit is one the part catalog takes")
        }
      }
      if mode == nil, log.modes.count > 1 {
        lines.append("the log names \(log.modes.count) failure modes (\(log.modes.joined(separator: ", "))): --by-mode fits each and prints a part with every mode")
      }
    } else {
      lines += ["no fit converged, so there is nothing for the part catalog"]
    }
    print(lines.joined(separator: "\n"))
    if analysis.best == nil { throw ExitCode(1) }
  }

  /// A part id from the log's file name.
  func defaultPartID() -> String {
    let base = ModeCatalog.kebab(URL(fileURLWithPath: log).deletingPathExtension().lastPathComponent)
    return base.isEmpty ? "fitted-part" : base
  }
}

/// The terminal text of `cposim fit`.
enum FitText {
  static func counts(_ data: LifeData) -> String {
    var text = "\(data.count) units, \(data.failures) failures"
    if data.intervalFailures > 0 {
      text += " (\(data.exactFailures) at a known age, \(data.intervalFailures) found at inspections"
      text += data.leftCensored > 0 ? ", \(data.leftCensored) of them known only to be before an age)" : ")"
    }
    text += ", \(data.rightCensored) censored"
    if data.delayedEntries > 0 { text += "; \(data.delayedEntries) entered observation after age 0 (delayed entry)" }
    return text
  }

  static func heading(_ name: String, mode: String?, data: LifeData) -> String {
    "\(name)\(mode.map { ", mode \(ModeCatalog.printable($0))" } ?? ""): " + counts(data)
  }

  static func number(_ x: Double) -> String {
    if x == .infinity { return "inf" }
    if x == -.infinity { return "-inf" }
    guard x.isFinite else { return "n/a" }
    return String(format: "%.5g", x)
  }

  static func interval(_ i: MaximumLikelihood.Interval?) -> String {
    guard let i else { return "n/a" }
    return "\(number(i.lower)) .. \(number(i.upper))"
  }

  static func row(_ name: String, _ e: MaximumLikelihood.Estimate, _ bounds: FitAnalysis.Bounds) -> String {
    var line = "    " + name.padding(toLength: 22, withPad: " ", startingAt: 0) + ReportTable.pad(number(e.estimate), 11)
    if bounds.lr { line += ReportTable.pad(interval(e.lr), 26) }
    if bounds.fisher { line += ReportTable.pad(interval(e.fisher), 26) }
    return line
  }

  static func candidates(_ analysis: FitAnalysis) -> [String] {
    var lines: [String] = []
    let bounds = analysis.bounds
    var header = "    " + "95% intervals".padding(toLength: 22, withPad: " ", startingAt: 0) + ReportTable.pad("estimate", 11)
    if bounds.lr { header += ReportTable.pad("likelihood ratio", 26) }
    if bounds.fisher { header += ReportTable.pad("Fisher", 26) }
    for (index, candidate) in analysis.ranked.enumerated() {
      let fit = candidate.fit
      var title = String(format: "%@  lnL %.4f  AIC %.4f  ΔAIC %.2f  BIC %.4f", fit.family.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0),
                         fit.logLikelihood, fit.aic, candidate.deltaAIC, fit.bic)
      if let ad = candidate.andersonDarling {
        title += String(format: "  AD %.4g", ad.statistic)
        if let rejected = ad.rejectedAt5Percent { title += rejected ? " (rejected at 5%)" : " (not rejected at 5%)" }
      }
      lines.append(title)
      if index == 0 { lines.append(header) }
      for e in fit.parameters { lines.append(row(e.name, e, bounds)) }
      for e in fit.derived {
        let name = e.ageHours.map { "afr_at_\(duration($0)) (%/yr)" } ?? e.name
        lines.append(row(name, e, bounds))
      }
    }
    for fit in analysis.notConverged {
      lines.append("\(fit.family.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0))  did not converge: \(fit.problem ?? "")")
    }
    for (family, reason) in analysis.unfitted {
      lines.append("\(family.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0))  not fitted: \(reason)")
    }
    if let test = analysis.weibullVsExponential {
      let verdict = test.pValue < 0.05
        ? "the hazard is not constant (shape \(number(test.shape)): \(test.shape > 1 ? "wear-out" : "infant mortality"))"
        : "no evidence against a constant hazard at 5%"
      lines.append(String(format: "Weibull vs exponential: likelihood ratio %.4g, p = %.3g (chi-square, 1 df): %@", test.statistic, test.pValue, verdict))
    }
    if let best = analysis.best, best.andersonDarling?.complete == false {
      lines.append("Anderson-Darling: adjusted for censoring\(analysis.data.delayedEntries > 0 ? ", delayed entry" : "")\(analysis.data.intervalFailures > 0 ? " and inspections" : "") (docs/fitting.md); compare between candidates, lower is closer; no p-value for such data")
    }
    if let naive = analysis.ignoringEntry, let best = analysis.best {
      let estimates = naive.parameters.map { "\($0.name) \(number($0.estimate))" }.joined(separator: ", ")
      let outside = zip(naive.parameters, best.fit.parameters).filter { n, b in
        let i = b.lr ?? b.fisher
        return i.map { !$0.contains(n.estimate) } ?? false
      }.map { $0.0.name }
      lines.append("delayed entry: fitted as if every unit were observed from new, \(naive.family.rawValue) would give \(estimates)"
        + (outside.isEmpty ? " (inside the 95% intervals above)" : "; \(outside.joined(separator: ", ")) outside the 95% intervals above"))
    }
    return lines
  }

  /// An age as the shortest exact duration: 8760 h → 1y, 4380 h → 6m... in hours otherwise.
  static func duration(_ hours: Hours) -> String {
    for (suffix, factor) in [("y", 8760.0), ("w", 168.0), ("d", 24.0)] where hours >= factor {
      let value = hours / factor
      if value == value.rounded(), value < 1e9 { return String(format: "%.0f%@", value, suffix) }
    }
    return "\(number(hours))h"
  }
}

extension FitAnalysis.Bounds: ExpressibleByArgument {}
