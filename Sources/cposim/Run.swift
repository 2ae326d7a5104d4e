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

  @Option(help: ArgumentHelp("Also write the report as a tidy CSV table (scenario, metric, statistic, value, unit) here.", valueName: "file"))
  var csv: String?

  @OptionGroup var simulation: SimulationOptions

  @Option(help: "Write each trial's metrics as NDJSON here.")
  var perTrial: String?

  @Option(parsing: .unconditional, help: "Write the event log of trial K as NDJSON.")
  var trace: Int?

  @Option(help: "Where --trace writes ('-' for standard output).")
  var traceOutput: String = "trace.ndjson"

  @Option(help: "Compute shard i of n (0 <= i < n) into a partial report (needs -o).")
  var shard: String?

  @Flag(help: "Continue an interrupted run from OUTPUT.checkpoint.")
  var resume = false

  @Flag(help: "Also list metrics that are 0 in every trial in the table.")
  var showZero = false

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
    if csv != nil, shard != nil { throw ValidationError("'--csv' cannot be combined with '--shard': merge the shards into a report first") }
    let files = outputs
    try checkOutputNames([files.report, files.html, files.perTrial, files.trace, files.checkpoint, files.csv], inputs: [scenario])
  }

  /// Every file this run writes, named by its option. The checkpoint is OUTPUT.checkpoint when
  /// -o names a regular file (or a new one) and there is no --per-trial (whose lines of earlier
  /// blocks could not be resumed).
  var outputs: (report: OutputFile?, html: OutputFile?, perTrial: OutputFile?, trace: OutputFile?, checkpoint: OutputFile?, csv: OutputFile?) {
    let report = output.map { OutputFile($0, option: shard == nil ? "-o" : "-o (shard part)") }
    let checkpoint = perTrial == nil ? report.flatMap { $0.isSpecial || $0.isStandardOutput ? nil : OutputFile(derived: $0.path + ".checkpoint", option: "checkpoint", from: "-o \($0.path)") } : nil
    return (report, html.map { OutputFile($0, option: "--html") }, perTrial.map { OutputFile($0, option: "--per-trial") },
            trace == nil ? nil : OutputFile(traceOutput, option: "--trace-output"), checkpoint, csv.map { OutputFile($0, option: "--csv") })
  }

  func run() throws {
    let loaded = try ScenarioLoader.load(path: scenario)
    let files = outputs
    // The checkpoint of an interrupted run exists, and is read by --resume: it is an output,
    // but not one that must be absent.
    try OutputFile.check([files.report, files.html, files.perTrial, files.trace, files.checkpoint, files.csv].compactMap { $0 },
                         inputs: loaded.inputFiles)
    if resume, files.checkpoint == nil {
      throw CLIError("--resume needs -o to name a regular file: \(output ?? "-") has no checkpoint")
    }
    let simulation = try Simulation(scenario: loaded)
    let seed = self.simulation.seed ?? loaded.seed
    let count = self.simulation.trials ?? loaded.trials
    if let trace, trace >= count {
      throw CLIError("'--trace \(trace)' is beyond the run: trials are numbered 0 to \(count - 1)")
    }
    let threads = self.simulation.threads, quiet = self.simulation.quiet
    if let trace, let traceFile = files.trace { try writeTrace(simulation: simulation, trial: trace, seed: seed, to: traceFile) }
    let metrics = TrialMetrics(simulation: simulation)
    let shard = shardSpec ?? (0, 1)
    let blocks = TrialBlocks(trials: count)
    let mine = blocks.blocks(ofShard: shard.index, of: shard.count)
    let checkpoint = files.checkpoint
    let run = BlockRun(trials: count, empty: RunStatistics(metrics: metrics, simulation: simulation))
    let scenarioPath = scenario
    @Sendable func partial() -> PartialReport {
      let (statistics, completed) = run.snapshot()
      return PartialReport(scenario: scenarioPath, simulation: simulation, seed: seed, trials: count, shardIndex: shard.index,
                           shardCount: shard.count, completedBlocks: completed, statistics: statistics)
    }
    if resume, let checkpoint, FileManager.default.fileExists(atPath: checkpoint.path) {
      let saved = try PartialReport.read(checkpoint.path)
      try partial().checkResumable(saved, path: checkpoint.path)
      try saved.checkInvariants(path: checkpoint.path, expected: RunStatistics(metrics: metrics, simulation: simulation))
      guard saved.completedBlocks.ranges.allSatisfy({ mine.contains($0.lowerBound) && $0.upperBound <= mine.upperBound }) else {
        throw MergeError.inconsistent(path: checkpoint.path, reason: "it lists blocks outside this shard's \(mine)")
      }
      run.restore(saved.statistics, completed: saved.completedBlocks)
      printError("resuming: \(saved.statistics.trials) trials already done")
    }
    // A checkpoint already there (the one resumed from, or one an earlier run left) is replaced
    // by this run's at once: the file removed when the run completes is always one it wrote.
    let checkpointFailure = CheckpointFailure()
    if let checkpoint, checkpoint.exists {
      do { try partial().write(to: checkpoint) } catch { checkpointFailure.report(error) }
    }
    let myTrials = blocks.trialCount(of: mine)
    let already = run.statistics.trials
    let progress = ProgressBar(total: myTrials, label: loaded.name, quiet: quiet)
    let stop = StopFlag.installed()
    let lineFile = try files.perTrial.map { try $0.openLines() }
    let timer = CheckpointTimer()
    var lineSink: (@Sendable (Data) -> Void)?
    if let lineFile { lineSink = { data in lineFile.append(data) } }
    let perTrialLine: (@Sendable (Int, TrialOutcome) -> Data)? = perTrial == nil ? nil : Self.perTrialLine(metrics)
    let blockDone: @Sendable (Int) -> Void = { done in
      progress.update(already + done)
      if let checkpoint, timer.due() {
        do { try partial().write(to: checkpoint) } catch { checkpointFailure.report(error) }
      }
    }
    run.run(mine, threads: threads, makeWorker: simulation.blockWorker(seed: seed, metrics: metrics, perTrialLine: perTrialLine,
                                                                      shouldStop: { stop.isSet }),
            lines: lineSink, shouldStop: { stop.isSet }, blockDone: blockDone)
    if stop.isSet {
      lineFile?.discard()
      var saved = false
      if let checkpoint {
        do { try partial().write(to: checkpoint); saved = true } catch { checkpointFailure.report(error) }
      }
      let trials = run.statistics.trials
      let advice: String
      if let checkpoint, saved {
        advice = "; completed blocks are saved in \(checkpoint.path): run the same command with --resume to continue"
      } else if perTrial != nil {
        advice = "; a --per-trial run cannot be resumed: run it again"
      } else if checkpoint != nil {
        advice = "; the checkpoint could not be written, so the run cannot be resumed: run it again"
      } else {
        advice = ""
      }
      printError("\ninterrupted after \(trials) of \(myTrials) trials" + advice)
      throw ExitCode(130)
    }
    if shardSpec != nil, let report = files.report {
      try partial().write(to: report)
      checkpoint?.removeIfWritten()
      printError("shard \(shard.index)/\(shard.count) (\(myTrials) trials) written to \(report.path)")
      return
    }
    let report = RunReport(simulation: simulation, metrics: metrics, statistics: run.statistics, seed: seed)
    if let file = files.report { try file.writeJSON(report) }
    if let html { try HTMLOutput.write(report, to: html) }
    if let file = files.csv { try file.write(Data(TidyTable(report).csv.utf8)) }
    checkpoint?.removeIfWritten()
    try lineFile?.commit()
    print(ReportTable.render(report, showZero: showZero))
    if let output { printError("report written to \(output)") }
    if let html { printError("HTML report written to \(html)") }
    if let csv { printError("CSV table written to \(csv)") }
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
  private func writeTrace(simulation: Simulation, trial: Int, seed: UInt64, to file: OutputFile) throws {
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
    try file.write(lines)
    if !file.isStandardOutput { printError("trace of trial \(trial) written to \(traceOutput)") }
  }
}

/// True at most once a second: how often a running job rewrites its checkpoint.
final class CheckpointTimer: @unchecked Sendable {
  private let lock = NSLock()
  private var last = Date()

  func due() -> Bool {
    lock.lock(); defer { lock.unlock() }
    guard Date().timeIntervalSince(last) >= 1 else { return false }
    last = Date()
    return true
  }
}

/// Reports the first failing checkpoint write (later ones would say the same): the run goes
/// on, but the user learns that it could not be resumed.
final class CheckpointFailure: @unchecked Sendable {
  private let lock = NSLock()
  private var reported = false

  func report(_ error: any Error) {
    lock.lock(); defer { lock.unlock() }
    guard !reported else { return }
    reported = true
    printError("\nwarning: \(error); the run goes on, but an interruption could not be resumed")
  }
}

/// Set by SIGINT or SIGTERM: workers stop inside the trial they run (within a few thousand
/// events), discard their block and start no new one.
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
