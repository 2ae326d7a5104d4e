import ArgumentParser
import Foundation
import ReliabilityKit

/// `cposim run`: simulate a scenario.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Simulate a scenario's trials and summarise them.",
    discussion: """
      Runs the scenario's trials (override with --trials and --seed) and prints mean counts per \
      trial. With --trace K it also writes every event of trial K as one JSON object per line \
      (NDJSON): time in hours, event, the unit's population and index, and a detail.

      Examples:
        cposim run Scenarios/cluster-16k-cpo-els.yaml --trials 200
        cposim run Scenarios/cluster-16k-pluggable.yaml --trace 0 --trace-output story.ndjson
      """
  )

  @Argument(help: "The scenario file.")
  var scenario: String

  @Option(help: "Number of trials (default: the scenario's).")
  var trials: Int?

  @Option(help: "Master seed (default: the scenario's).")
  var seed: UInt64?

  @Option(help: "Write the event log of trial K as NDJSON.")
  var trace: Int?

  @Option(help: "Where --trace writes ('-' for standard output).")
  var traceOutput: String = "trace.ndjson"

  func validate() throws {
    if let trials, trials < 1 { throw ValidationError("'--trials' must be at least 1 (got \(trials))") }
    if let trace, trace < 0 { throw ValidationError("'--trace' must be a trial index, 0 or more (got \(trace))") }
  }

  func run() throws {
    let loaded = try ScenarioLoader.load(path: scenario)
    let simulation = try Simulation(scenario: loaded)
    let seed = seed ?? loaded.seed
    let count = trials ?? loaded.trials
    if let trace {
      try writeTrace(simulation: simulation, trial: trace, seed: seed)
    }
    let outcomes = simulation.run(trials: 0..<count, seed: seed)
    print(RunTable.render(scenario: loaded, simulation: simulation, outcomes: outcomes, seed: seed))
  }

  /// Writes the trace to a temporary file first and moves it into place, so a failed run never
  /// leaves a half-written trace.
  private func writeTrace(simulation: Simulation, trial: Int, seed: UInt64) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
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

/// The summary `cposim run` prints until the full report (mean counts per trial).
enum RunTable {
  static func render(scenario: Scenario, simulation: Simulation, outcomes: [TrialOutcome], seed: UInt64) -> String {
    let n = Double(outcomes.count)
    func mean(_ f: (TrialOutcome) -> Double) -> Double { outcomes.reduce(0) { $0 + f($1) } / n }
    func row(_ label: String, _ value: Double, _ unit: String = "") -> String {
      label.padding(toLength: 36, withPad: " ", startingAt: 0) + String(format: "%14.6g", value) + (unit.isEmpty ? "" : " \(unit)")
    }
    var lines = ["\(scenario.name): \(outcomes.count) trials, seed \(seed), horizon \(String(format: "%g", scenario.horizon)) h", ""]
    lines.append("mean per trial")
    lines.append(row("failures", mean { Double($0.failures.joined().reduce(0, +)) }))
    lines.append(row("  flaps", mean { Double($0.flaps) }))
    lines.append(row("repairs", mean { Double($0.repairsByAction.values.reduce(0, +)) }))
    lines.append(row("  cleaned, no spare", mean { Double($0.cleaned) }))
    lines.append(row("  drains (planned)", mean { Double($0.drains) }))
    lines.append(row("technician hands-on", mean { $0.handsOnHours }, "h"))
    lines.append(row("wait for technician", mean { $0.technicianWaitHours }, "h"))
    lines.append(row("wait for spare", mean { $0.spareWaitHours }, "h"))
    if outcomes.first?.linkCount ?? 0 > 0 {
      lines.append(row("link availability", mean { 1 - $0.linkDownHours / (Double($0.linkCount) * $0.horizon) }))
      lines.append(row("switch availability", mean { 1 - $0.switchDownHours / (Double($0.switchCount) * $0.horizon) }))
    } else {
      lines.append(row("system availability", mean { 1 - $0.systemDownHours / $0.horizon }))
    }
    for (j, job) in scenario.jobs.enumerated() {
      lines.append(row("job \(job.name): interruptions", mean { Double($0.jobs[j].interruptions) }))
      lines.append(row("job \(job.name): network interruptions", mean { Double($0.jobs[j].networkInterruptions) }))
      lines.append(row("job \(job.name): ETTR", mean { $0.jobs[j].ettr(horizon: $0.horizon) }))
    }
    return lines.joined(separator: "\n")
  }
}
