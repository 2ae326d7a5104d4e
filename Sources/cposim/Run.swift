import ArgumentParser
import Foundation
import ReliabilityKit

/// `cposim run`: simulate a scenario and report it.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Simulate a scenario's trials and report availability, interruptions and cost with intervals.",
    discussion: """
      Prints a summary table (mean, 95% confidence interval, median and 95th percentile over \
      trials) and writes the full JSON report with -o. The report is a pure function of the \
      scenario files, the seed, the trial count and the cposim version.

      --per-trial writes one JSON line of metrics per trial. --trace K writes every event of \
      trial K as NDJSON: time in hours, event, the unit's population and index, and a detail.

      Examples:
        cposim run Scenarios/cluster-16k-cpo-els.yaml -o out/cpo.json
        cposim run Scenarios/cluster-16k-pluggable.yaml --trials 200 --seed 7 --per-trial trials.ndjson
        cposim run Scenarios/cluster-16k-pluggable.yaml --trace 0 --trace-output story.ndjson
      """
  )

  @Argument(help: "The scenario file.")
  var scenario: String

  @Option(name: .shortAndLong, help: "Write the JSON report here.")
  var output: String?

  @Option(help: "Number of trials (default: the scenario's).")
  var trials: Int?

  @Option(help: "Master seed (default: the scenario's).")
  var seed: UInt64?

  @Option(help: "Write each trial's metrics as NDJSON here.")
  var perTrial: String?

  @Option(help: "Write the event log of trial K as NDJSON.")
  var trace: Int?

  @Option(help: "Where --trace writes ('-' for standard output).")
  var traceOutput: String = "trace.ndjson"

  @Option(help: "Worker threads (default: the number of cores). The report does not depend on it.")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  @Flag(help: "No progress bar.")
  var quiet = false

  func validate() throws {
    if let trials, trials < 1 { throw ValidationError("'--trials' must be at least 1 (got \(trials))") }
    if let trace, trace < 0 { throw ValidationError("'--trace' must be a trial index, 0 or more (got \(trace))") }
    if threads < 1 { throw ValidationError("'--threads' must be at least 1 (got \(threads))") }
  }

  func run() throws {
    let loaded = try ScenarioLoader.load(path: scenario)
    let simulation = try Simulation(scenario: loaded)
    let seed = seed ?? loaded.seed
    let count = trials ?? loaded.trials
    if let trace { try writeTrace(simulation: simulation, trial: trace, seed: seed) }
    let metrics = TrialMetrics(simulation: simulation)
    let progress = ProgressBar(total: count, label: loaded.name, quiet: quiet)
    let update: @Sendable (Int) -> Void = { progress.update($0) }
    let (statistics, lines) = simulation.statistics(
      trials: 0..<count, seed: seed, metrics: metrics, threads: threads,
      perTrialLine: perTrial == nil ? nil : Self.perTrialLine(metrics), progress: update)
    let report = RunReport(simulation: simulation, metrics: metrics, statistics: statistics, seed: seed)
    if let output { try JSONOutput.write(report, to: URL(fileURLWithPath: output)) }
    if let perTrial { try lines.write(to: URL(fileURLWithPath: perTrial), options: .atomic) }
    print(ReportTable.render(report))
    if let output { printError("report written to \(output)") }
  }

  /// One NDJSON line of a trial's metrics.
  static func perTrialLine(_ metrics: TrialMetrics) -> @Sendable (Int, TrialOutcome) -> Data {
    { trial, outcome in
      var object: [String: FiniteOrNull] = ["trial": FiniteOrNull(Double(trial))]
      for (definition, value) in zip(metrics.definitions, metrics.values(outcome)) {
        object[definition.name] = FiniteOrNull(value)
      }
      guard var line = try? JSONOutput.lineEncoder().encode(object) else { return Data() }
      line.append(0x0A)
      return line
    }
  }

  /// Writes the trace in one go, atomically, so a failed run never leaves half a trace.
  private func writeTrace(simulation: Simulation, trial: Int, seed: UInt64) throws {
    let encoder = JSONOutput.lineEncoder()
    var lines = Data()
    var encodingError: (any Error)?
    _ = simulation.runTrial(trial, seed: seed) { record in
      do {
        lines.append(try encoder.encode(record))
        lines.append(0x0A)
      } catch {
        encodingError = error
      }
    }
    if let encodingError { throw encodingError }
    if traceOutput == "-" {
      FileHandle.standardOutput.write(lines)
    } else {
      try lines.write(to: URL(fileURLWithPath: traceOutput), options: .atomic)
      printError("trace of trial \(trial) written to \(traceOutput)")
    }
  }
}

/// The terminal summary of a report.
enum ReportTable {
  static let keyMetrics = [
    "link_availability", "switch_availability", "fabric_capacity_availability", "system_availability",
    "failures", "flaps", "repairs", "drains", "spare_stockouts", "technician_utilisation",
    "job_interruptions", "job_network_interruptions", "job_ettr", "lost_gpu_hours",
    "interruption_cost_usd", "labour_cost_usd", "spares_cost_usd", "energy_cost_usd", "total_cost_usd", "total_cost_usd_per_year",
  ]

  static func number(_ value: FiniteOrNull) -> String {
    guard value.value.isFinite else { return "n/a" }
    let v = value.value
    if abs(v) >= 1e6 { return String(format: "%.4g", v) }
    if abs(v) >= 100 { return String(format: "%.0f", v) }
    if abs(v) >= 1 { return String(format: "%.3g", v) }
    return String(format: "%.5g", v)
  }

  static func render(_ report: RunReport) -> String {
    var lines = ["\(report.scenario.name): \(report.provenance.trials) trials, seed \(report.provenance.seed), "
      + "horizon \(String(format: "%g", report.scenario.horizonHours)) h", ""]
    lines.append(row("metric (per trial)", "mean", "95% CI", "p50", "p95"))
    for name in keyMetrics {
      guard let e = report.metrics[name] else { continue }
      lines.append(row(name, number(e.mean), "\(number(e.ci95Low)) .. \(number(e.ci95High))", number(e.p50), number(e.p95)))
    }
    return lines.joined(separator: "\n")
  }

  static func row(_ a: String, _ b: String, _ c: String, _ d: String, _ e: String) -> String {
    a.padding(toLength: 32, withPad: " ", startingAt: 0) + pad(b, 12) + pad(c, 26) + pad(d, 12) + pad(e, 12)
  }

  static func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(1, n - s.count)) + s }
}
