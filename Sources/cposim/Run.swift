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
    let shard = shardSpec ?? (0, 1)
    let session = RunSession(scenarioPath: scenario, simulation: simulation, seed: seed, trials: count, shard: shard,
                             checkpoint: files.checkpoint)
    if resume, let restored = try session.resume() {
      printError("resuming: \(restored) trials already done")
    }
    let myTrials = session.shardTrials
    let progress = ProgressBar(total: myTrials, label: loaded.name, quiet: quiet)
    let stop = StopSignal.installed()
    let lineFile = try files.perTrial.map { try $0.openLines() }
    var lineSink: (@Sendable (Data) -> Void)?
    if let lineFile { lineSink = { data in lineFile.append(data) } }
    let outcome = session.run(threads: threads, perTrialLine: perTrial == nil ? nil : RunSession.perTrialLine(session.metrics),
                              lines: lineSink, stop: stop, progress: { progress.update($0) },
                              checkpointFailed: { printError("\nwarning: \($0); the run goes on, but an interruption could not be resumed") })
    if case let .interrupted(trials, saved) = outcome {
      lineFile?.discard()
      let advice: String
      if let checkpoint = files.checkpoint, saved {
        advice = "; completed blocks are saved in \(checkpoint.path): run the same command with --resume to continue"
      } else if perTrial != nil {
        advice = "; a --per-trial run cannot be resumed: run it again"
      } else if files.checkpoint != nil {
        advice = "; the checkpoint could not be written, so the run cannot be resumed: run it again"
      } else {
        advice = ""
      }
      printError("\ninterrupted after \(trials) of \(myTrials) trials" + advice)
      throw ExitCode(130)
    }
    if shardSpec != nil, let report = files.report {
      try session.partialReport().write(to: report)
      session.removeCheckpoint()
      printError("shard \(shard.index)/\(shard.count) (\(myTrials) trials) written to \(report.path)")
      return
    }
    let report = session.report()
    if let file = files.report { try file.writeJSON(report) }
    if let html { try HTMLOutput.write(report, to: html) }
    if let file = files.csv { try file.write(Data(TidyTable(report).csv.utf8)) }
    session.removeCheckpoint()
    try lineFile?.commit()
    print(ReportTable.render(report, showZero: showZero))
    if let output { printError("report written to \(output)") }
    if let html { printError("HTML report written to \(html)") }
    if let csv { printError("CSV table written to \(csv)") }
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
