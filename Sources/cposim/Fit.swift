import ArgumentParser
import Foundation
import ReliabilityKit

/// `cposim fit`: turn a field failure log into catalog-ready distributions.
struct Fit: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Fit failure distributions to a field log (maximum likelihood with censoring).",
    discussion: """
      LOG is a CSV file with a header row: id, a time on test (hours, time with a unit, or \
      installed and removed timestamps), failed (true/false) and an optional mode. Units that did \
      not fail are right-censored. Prints each candidate with 95% confidence intervals, log \
      likelihood, AIC and BIC, best first by AIC, and a block to paste into the part catalog. \
      --json adds the Kaplan-Meier estimate and median-rank points for probability plots.

      Examples:
        cposim fit FailureData/field/synthetic-weibull-censored.csv
        cposim fit my-optics.csv --dist weibull --mode laser --json > fit.json
      """
  )

  enum Choice: String, ExpressibleByArgument, CaseIterable {
    case weibull, lognormal, exponential, gamma, all
  }

  @Argument(help: "The field log (CSV).")
  var log: String

  @Option(help: "Distribution to fit: weibull, lognormal, exponential, gamma or all.")
  var dist: Choice = .all

  @Option(help: "Fit one failure mode; failures of other modes count as censored (competing risks).")
  var mode: String?

  @Flag(help: "Print JSON.")
  var json = false

  func run() throws {
    let data = try FieldLog.read(path: log)
    let (failures, censored) = data.sample(mode: mode)
    if let mode, !data.rows.contains(where: { $0.mode == mode }) {
      let modes = Set(data.rows.compactMap(\.mode)).sorted()
      throw CLIError("\(log): no rows with mode '\(mode)'" + (modes.isEmpty ? "" : "; modes: \(modes.joined(separator: ", "))"))
    }
    let families: [MaximumLikelihood.Family] = dist == .all ? MaximumLikelihood.Family.allCases : [MaximumLikelihood.Family(rawValue: dist.rawValue)!]
    var fits: [MaximumLikelihood.Fit] = []
    var problems: [String] = []
    for family in families {
      do { fits.append(try MaximumLikelihood.fit(family, failures: failures, censored: censored)) } catch {
        if case .noFailures = error { throw CLIError("\(log): \(error)") }
        problems.append(error.description)
      }
    }
    guard !fits.isEmpty else { throw CLIError("\(log): " + problems.joined(separator: "; ")) }
    let report = FitReport(file: log, mode: mode, failures: failures, censored: censored, fits: fits)
    if json {
      print(try JSONOutput.string(report), terminator: "")
      return
    }
    print("\(log)\(mode.map { ", mode \($0)" } ?? ""): \(report.units) units, \(report.failures) failures, \(report.censored) censored\n")
    for candidate in report.fits {
      print(String(format: "%@  lnL %.4f  AIC %.4f  BIC %.4f%@", candidate.distribution.padding(toLength: 12, withPad: " ", startingAt: 0),
                   candidate.logLikelihood, candidate.aic, candidate.bic, candidate.converged ? "" : "  (did not converge)"))
      for (name, p) in candidate.parameters.sorted(by: { $0.key < $1.key }) {
        print(String(format: "    %@ %.6g  (95%% CI %@ .. %@)", name.padding(toLength: 14, withPad: " ", startingAt: 0), p.estimate,
                     ReportTable.number(p.ci95Low), ReportTable.number(p.ci95High)))
      }
    }
    for problem in problems { printError("note: \(problem)") }
    print("\nbest by AIC: \(report.best); for the part catalog:\n\n\(report.catalogYaml)")
  }
}
