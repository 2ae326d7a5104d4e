import ArgumentParser
import Foundation
import ReliabilityKit

/// `cposim merge`: combine the shards of a run into its report.
struct Merge: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Combine the partial reports of `run --shard i/n` into the full report.",
    discussion: """
      All n shards of one run are needed, computed from the same scenario files, seed, trial \
      count and cposim version; anything else is refused with a message naming the file. The \
      merged report is byte for byte the one a single `cposim run` writes.

      Example:
        for i in 0 1 2; do cposim run s.yaml --shard $i/3 -o part-$i.json; done
        cposim merge part-*.json -o report.json
      """
  )

  @Argument(help: "Partial reports (one per shard).")
  var parts: [String]

  @Option(name: .shortAndLong, help: "Write the merged report here.")
  var output: String

  @Flag(help: "Print no table.")
  var quiet = false

  @Flag(help: "Also list metrics that are 0 in every trial in the table.")
  var showZero = false

  func validate() throws {
    guard !parts.isEmpty else { throw ValidationError("give the partial reports to merge") }
    try checkOutputNames([OutputFile(output, option: "-o")], inputs: parts)
  }

  func run() throws {
    let file = OutputFile(output, option: "-o")
    try OutputFile.check([file], inputs: parts)
    var loaded: [(path: String, part: PartialReport)] = []
    for path in parts { loaded.append((path, try PartialReport.read(path))) }
    let merged = try PartialReport.merge(loaded)
    try Self.checkRecordedFiles(merged, part: loaded[0].path)
    let scenario = try ScenarioLoader.load(path: merged.scenario)
    let simulation = try Simulation(scenario: scenario)
    let current = RunReport.hashes(scenario.files + (scenario.catalogFile.map { [$0] } ?? []))
    if current != merged.scenarioFiles {
      let changed = zip(current, merged.scenarioFiles).first { $0.sha256 != $1.sha256 }?.0.path ?? merged.scenario
      throw MergeError.scenarioChanged(path: changed)
    }
    try OutputFile.check([file], inputs: parts + scenario.inputFiles)
    let metrics = TrialMetrics(simulation: simulation)
    for (path, part) in loaded { try part.checkInvariants(path: path, expected: RunStatistics(metrics: metrics, simulation: simulation)) }
    let report = RunReport(simulation: simulation, metrics: metrics, statistics: merged.statistics, seed: merged.seed,
                           buildCommit: merged.buildCommit)
    try file.writeJSON(report)
    if !quiet { print(ReportTable.render(report, showZero: showZero)) }
    printError("\(parts.count) parts (\(merged.statistics.trials) trials) merged into \(output)")
  }

  /// The files a part names are read only when they are the files it records: the scenario must
  /// be among them, and each must have its recorded SHA-256, before any is read as YAML (a part
  /// naming /etc/passwd as its scenario had it read and quoted in the error).
  static func checkRecordedFiles(_ merged: PartialReport, part: String) throws {
    guard merged.scenarioFiles.contains(where: { $0.path == merged.scenario }) else {
      throw MergeError.inconsistent(path: part, reason: "the scenario it names is not among the files whose SHA-256 it records")
    }
    for file in merged.scenarioFiles {
      let bytes: Data
      do {
        bytes = try InputFile.read(file.path, limit: 16 << 20, what: "scenario (YAML) file")
      } catch .missing where !file.path.hasPrefix("/") {
        throw MergeError.unreadable(path: file.path, reason: "no such file; the parts name it relative to the folder the shards ran in: run merge there")
      } catch {
        throw MergeError.unreadable(path: file.path, reason: "\(error.reason) (a file the parts were computed from)")
      }
      guard SHA256.hex([UInt8](bytes)) == file.sha256 else { throw MergeError.scenarioChanged(path: file.path) }
    }
  }
}
