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

      With -o, completed blocks of trials are checkpointed atomically to OUTPUT.checkpoint; \
      after Ctrl-C, SIGTERM or a crash, run the same command with --resume to continue to the \
      same report. --shard i/n (0 <= i < n) computes shard i of n into a partial report; \
      `cposim merge` combines all n into the report a single run writes, byte for byte.

      --per-trial writes one JSON line of metrics per trial. --trace K writes every event of \
      trial K as NDJSON: time in hours, event, the unit's population and index, and a detail.

      Examples:
        cposim run Scenarios/cluster-16k-cpo-els.yaml -o out/cpo.json
        cposim run Scenarios/cluster-16k-pluggable.yaml --trials 200 --seed 7 --per-trial trials.ndjson
        cposim run Scenarios/cluster-16k-pluggable.yaml --trace 0 --trace-output story.ndjson
        cposim run Scenarios/cluster-128k-cpo-els.yaml --shard 2/8 -o part-2.json
        cposim run Scenarios/cluster-1k-cpo-els.yaml --trials 100 -o out/cpo.json --html out/cpo.html
      """
  )

  @Argument(help: "The scenario file.")
  var scenario: String

  @Option(name: .shortAndLong, help: "Write the JSON report here.")
  var output: String?

  @Option(help: ArgumentHelp("Also write the report as one self-contained HTML page here.", valueName: "file"))
  var html: String?

  @OptionGroup var simulation: SimulationOptions

  @Option(help: "Write each trial's metrics as NDJSON here.")
  var perTrial: String?

  @Option(help: "Write the event log of trial K as NDJSON.")
  var trace: Int?

  @Option(help: "Where --trace writes ('-' for standard output).")
  var traceOutput: String = "trace.ndjson"

  @Option(help: "Compute shard i of n (0 <= i < n) into a partial report (needs -o).")
  var shard: String?

  @Flag(help: "Continue an interrupted run from OUTPUT.checkpoint.")
  var resume = false

  /// `i/n` parsed.
  var shardSpec: (index: Int, count: Int)? {
    guard let shard else { return nil }
    let parts = shard.split(separator: "/").map { Int($0) }
    guard parts.count == 2, let i = parts[0], let n = parts[1], n >= 1, i >= 0, i < n else { return nil }
    return (i, n)
  }

  func validate() throws {
    if let trace, trace < 0 { throw ValidationError("'--trace' must be a trial index, 0 or more (got \(trace))") }
    if shard != nil, shardSpec == nil { throw ValidationError("'--shard' must be i/n with 0 <= i < n, such as 0/4 (got '\(shard!)')") }
    if (shard != nil || resume), output == nil { throw ValidationError("'--shard' and '--resume' need -o OUTPUT") }
    if (shard != nil || resume), perTrial != nil { throw ValidationError("'--per-trial' cannot be combined with '--shard' or '--resume'") }
    if html != nil, shard != nil { throw ValidationError("'--html' cannot be combined with '--shard': merge the shards, then run cposim report") }
    try HTMLOutput.validate(html, inputs: [scenario], outputs: [output, perTrial])
  }

  func run() throws {
    let loaded = try ScenarioLoader.load(path: scenario)
    let simulation = try Simulation(scenario: loaded)
    let seed = self.simulation.seed ?? loaded.seed
    let count = self.simulation.trials ?? loaded.trials
    let threads = self.simulation.threads, quiet = self.simulation.quiet
    if let trace { try writeTrace(simulation: simulation, trial: trace, seed: seed) }
    let metrics = TrialMetrics(simulation: simulation)
    let shard = shardSpec ?? (0, 1)
    let mine = PartialReport.blocks(ofShard: shard.index, count: shard.count, trials: count)
    let checkpoint = output.map { URL(fileURLWithPath: $0 + ".checkpoint") }
    let state = RunState(statistics: RunStatistics(metrics: metrics, simulation: simulation))
    @Sendable func partial() -> PartialReport {
      PartialReport(scenario: scenario, simulation: simulation, seed: seed, trials: count, shardIndex: shard.index,
                    shardCount: shard.count, completedBlocks: state.completed, statistics: state.statistics)
    }
    if resume, let checkpoint, FileManager.default.fileExists(atPath: checkpoint.path) {
      let saved = try PartialReport.read(checkpoint.path)
      let fresh = partial()
      guard saved.seed == seed, saved.trials == count, saved.shardIndex == shard.index, saved.shardCount == shard.count,
            saved.toolVersion == fresh.toolVersion, saved.scenarioFiles == fresh.scenarioFiles else {
        throw CLIError("\(checkpoint.path) belongs to another run (scenario, seed, trials, shard or version differ); remove it or drop --resume")
      }
      state.restore(saved.statistics, completed: saved.completedBlocks)
      printError("resuming: \(saved.statistics.trials) trials already done")
    }
    let remaining = mine.filter { !state.isCompleted($0) }
    let total = Simulation.blocks(of: 0..<count)
    let myTrials = mine.reduce(0) { $0 + total[$1].count }
    let progress = ProgressBar(total: myTrials, label: loaded.name, quiet: quiet)
    let already = myTrials - remaining.reduce(0) { $0 + total[$1].count }
    let stop = StopFlag.installed()
    simulation.runBlocks(remaining, of: 0..<count, seed: seed, metrics: metrics, threads: threads,
                         perTrialLine: perTrial == nil ? nil : Self.perTrialLine(metrics),
                         shouldStop: { stop.isSet }) { b, block, lines, done in
      state.add(block, index: b, lines: lines)
      progress.update(already + done)
      if let checkpoint, state.checkpointDue() { try? partial().write(to: checkpoint) }
    }
    if stop.isSet {
      if let checkpoint { try partial().write(to: checkpoint) }
      printError("\ninterrupted after \(state.statistics.trials) of \(myTrials) trials"
        + (checkpoint.map { "; completed blocks are saved in \($0.path): run the same command with --resume to continue" } ?? ""))
      throw ExitCode(130)
    }
    if shardSpec != nil, let output {
      try partial().write(to: URL(fileURLWithPath: output))
      if let checkpoint { try? FileManager.default.removeItem(at: checkpoint) }
      printError("shard \(shard.index)/\(shard.count) (\(myTrials) trials) written to \(output)")
      return
    }
    let report = RunReport(simulation: simulation, metrics: metrics, statistics: state.statistics, seed: seed)
    if let output { try JSONOutput.write(report, to: URL(fileURLWithPath: output)) }
    if let html { try HTMLOutput.write(report, to: html) }
    if let checkpoint { try? FileManager.default.removeItem(at: checkpoint) }
    if let perTrial { try state.lines(blocks: total.count).write(to: URL(fileURLWithPath: perTrial), options: .atomic) }
    print(ReportTable.render(report))
    if let output { printError("report written to \(output)") }
    if let html { printError("HTML report written to \(html)") }
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

/// The state of a run shared with worker callbacks (which the block scheduler serialises).
final class RunState: @unchecked Sendable {
  private let lock = NSLock()
  private var merged: RunStatistics
  private var done: Set<Int> = []
  private var linesByBlock: [Int: Data] = [:]
  private var lastCheckpoint = Date()

  init(statistics: RunStatistics) { merged = statistics }

  func restore(_ statistics: RunStatistics, completed: [Int]) {
    lock.lock(); defer { lock.unlock() }
    merged.merge(statistics)
    done.formUnion(completed)
  }

  func add(_ block: RunStatistics, index: Int, lines: Data) {
    lock.lock(); defer { lock.unlock() }
    merged.merge(block)
    done.insert(index)
    if !lines.isEmpty { linesByBlock[index] = lines }
  }

  func isCompleted(_ block: Int) -> Bool { lock.lock(); defer { lock.unlock() }; return done.contains(block) }
  var completed: [Int] { lock.lock(); defer { lock.unlock() }; return done.sorted() }
  var statistics: RunStatistics { lock.lock(); defer { lock.unlock() }; return merged }

  /// True at most once a second.
  func checkpointDue() -> Bool {
    lock.lock(); defer { lock.unlock() }
    guard Date().timeIntervalSince(lastCheckpoint) >= 1 else { return false }
    lastCheckpoint = Date()
    return true
  }

  func lines(blocks: Int) -> Data {
    lock.lock(); defer { lock.unlock() }
    var out = Data()
    for b in 0..<blocks { if let l = linesByBlock[b] { out.append(l) } }
    return out
  }
}

/// Set by SIGINT or SIGTERM: workers finish their current block and start no new one.
final class StopFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var set = false
  private var sources: [any DispatchSourceSignal] = []

  var isSet: Bool { lock.lock(); defer { lock.unlock() }; return set }

  static func installed() -> StopFlag {
    let flag = StopFlag()
    for number in [SIGINT, SIGTERM] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { [flag] in
        flag.lock.lock()
        flag.set = true
        flag.lock.unlock()
      }
      source.resume()
      flag.sources.append(source)
    }
    return flag
  }
}
