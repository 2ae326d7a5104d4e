import ArgumentParser
import Foundation
import Testing
@testable import cposim
import ReliabilityKit

@Suite("Shards, merge and resume")
struct ShardTests {
  /// A folder with a small scenario; returns the folder and the scenario path.
  static func workspace() throws -> (Workspace, String) {
    let workspace = Workspace()
    let scenario = try workspace.write("s.yaml", """
      \(Workspace.catalogLine)
      horizon: 1y
      trials: 45
      fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: cpo}
      jobs: [{name: train, gpus: 448, flap_tolerance: 1m}]
      """)
    return (workspace, scenario)
  }

  func run(_ arguments: [String]) throws {
    var command = try CPOSim.parseAsRoot(arguments)
    try command.run()
  }

  @Test("3 shards merged give the single run's report, byte for byte")
  func shardsMergeToSingle() throws {
    let (dir, scenario) = try Self.workspace()
    let single = dir.url.appendingPathComponent("single.json").path
    try run(["run", scenario, "-o", single, "--quiet", "--threads", "1"])
    var parts: [String] = []
    for i in 0..<3 {
      let part = dir.url.appendingPathComponent("part-\(i).json").path
      try run(["run", scenario, "--shard", "\(i)/3", "-o", part, "--quiet", "--threads", "2"])
      parts.append(part)
    }
    let merged = dir.url.appendingPathComponent("merged.json").path
    try run(["merge"] + parts.reversed() + ["-o", merged, "--quiet"])
    #expect(try Data(contentsOf: URL(fileURLWithPath: single)) == Data(contentsOf: URL(fileURLWithPath: merged)))
  }

  @Test("merge refuses an incomplete set, a duplicate, and parts of another seed or trial count")
  func mergeRefuses() throws {
    let (dir, scenario) = try Self.workspace()
    func part(_ name: String, _ extra: [String]) throws -> String {
      let path = dir.url.appendingPathComponent(name).path
      try run(["run", scenario, "-o", path, "--quiet"] + extra)
      return path
    }
    let p0 = try part("p0.json", ["--shard", "0/2"]), p1 = try part("p1.json", ["--shard", "1/2"])
    let otherSeed = try part("seed.json", ["--shard", "1/2", "--seed", "77"])
    let otherTrials = try part("trials.json", ["--shard", "1/2", "--trials", "30"])
    let out = dir.url.appendingPathComponent("out.json").path
    let cases: [([String], String)] = [
      ([p0], "incomplete set: the parts are 2 shards (0 to 1) and shard 1 is missing"),
      ([p0, p0, p1], "shard 0 is given twice"),
      ([p0, otherSeed], "come from different runs: 'seed' is 1 in \(p0) and 77 in \(otherSeed)"),
      ([p0, otherTrials], "'trials' is 45 in \(p0) and 30 in \(otherTrials)"),
    ]
    for (inputs, message) in cases {
      do {
        try run(["merge"] + inputs + ["-o", out, "--quiet"])
        Issue.record("merge of \(inputs) should fail")
      } catch {
        #expect(CPOSim.message(for: error).contains(message), "\(CPOSim.message(for: error))")
        #expect(CPOSim.exitCode(for: error) != .success)
      }
      #expect(!FileManager.default.fileExists(atPath: out))
    }
    try "not json".write(toFile: dir.url.appendingPathComponent("junk.json").path, atomically: true, encoding: .utf8)
    #expect(throws: MergeError.self) { try PartialReport.read(dir.url.appendingPathComponent("junk.json").path) }
  }

  @Test("resuming from a checkpoint of an interrupted run gives the uninterrupted report")
  func resume() throws {
    let (dir, scenario) = try Self.workspace()
    let single = dir.url.appendingPathComponent("single.json").path
    try run(["run", scenario, "-o", single, "--quiet"])
    // Interrupt after some blocks: what a SIGINT leaves behind is a checkpoint of the blocks done.
    let loaded = try ScenarioLoader.load(path: scenario)
    let simulation = try Simulation(scenario: loaded)
    let metrics = TrialMetrics(simulation: simulation)
    let state = BlockRun(trials: 45, empty: RunStatistics(metrics: metrics, simulation: simulation))
    let counter = Counter()
    state.run(0..<6, threads: 2, makeWorker: simulation.blockWorker(seed: 1, metrics: metrics),
              shouldStop: { counter.value >= 3 }, blockDone: { _ in counter.increment() })
    let done = state.completed
    #expect(done.count >= 3 && done.count < 6)
    let output = dir.url.appendingPathComponent("resumed.json").path
    try PartialReport(scenario: scenario, simulation: simulation, seed: 1, trials: 45, shardIndex: 0, shardCount: 1,
                      completedBlocks: done, statistics: state.statistics)
      .write(to: URL(fileURLWithPath: output + ".checkpoint"))
    try run(["run", scenario, "-o", output, "--quiet", "--resume"])
    #expect(try Data(contentsOf: URL(fileURLWithPath: single)) == Data(contentsOf: URL(fileURLWithPath: output)))
    #expect(!FileManager.default.fileExists(atPath: output + ".checkpoint"))
  }

  @Test("a checkpoint of another run is refused")
  func resumeRefusesOtherRun() throws {
    let (dir, scenario) = try Self.workspace()
    let output = dir.url.appendingPathComponent("r.json").path
    try run(["run", scenario, "--shard", "0/2", "-o", output + ".checkpoint", "--quiet", "--seed", "5"])
    #expect { try run(["run", scenario, "-o", output, "--quiet", "--resume"]) } throws: {
      CPOSim.message(for: $0).contains("belongs to another run")
    }
  }
}

final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var count = 0
  var value: Int { lock.lock(); defer { lock.unlock() }; return count }
  func increment() { lock.lock(); count += 1; lock.unlock() }
}

@Suite("Signals")
struct SignalTests {
  /// The `cposim` binary built beside the test bundle.
  static var binary: URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("cposim")
  }

  @Test("SIGINT stops a run cleanly with a checkpoint; --resume finishes it to the uninterrupted report")
  func sigintAndResume() throws {
    let binary = Self.binary
    try #require(FileManager.default.isExecutableFile(atPath: binary.path), "no cposim binary at \(binary.path)")
    let workspace = Workspace()
    let directory = workspace.url
    let scenario = try workspace.write("s.yaml", """
      \(Workspace.catalogLine)
      horizon: 1y
      trials: 400000
      parts:
        unit-part: {fru: unit-fru, source: estimate, modes: {fail: {distribution: {kind: exponential, mtbf: 2000h}}}}
      system: {units: {u: {part: unit-part, count: 2}}, structure: {parallel: [u]}}
      repair:
        workflows: {unit-fru: {action: hot-swap, clean_first: false, hands_on: 4h}}
      """)
    func launch(_ arguments: [String]) throws -> Process {
      let process = Process()
      process.executableURL = binary
      process.arguments = arguments
      process.currentDirectoryURL = directory
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      return process
    }
    let reference = try launch(["run", scenario, "-o", "single.json", "--quiet"])
    reference.waitUntilExit()
    #expect(reference.terminationStatus == 0)

    // The checkpoint is written once a second at most (CheckpointTimer), so the interrupted run
    // must last well beyond a second: 400,000 trials on one thread take 7.5 s of the release build
    // on the 2-core reference machine (40,000 took 0.75 s and finished before the first checkpoint).
    let interrupted = try launch(["run", scenario, "-o", "out.json", "--quiet", "--threads", "1"])
    let checkpoint = directory.appendingPathComponent("out.json.checkpoint").path
    let deadline = Date().addingTimeInterval(120)
    while !FileManager.default.fileExists(atPath: checkpoint), interrupted.isRunning, Date() < deadline { usleep(50_000) }
    try #require(interrupted.isRunning, "the run finished before it could be interrupted")
    kill(interrupted.processIdentifier, SIGINT)
    interrupted.waitUntilExit()
    #expect(interrupted.terminationStatus == 130)
    #expect(FileManager.default.fileExists(atPath: checkpoint))
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out.json").path))

    let resumed = try launch(["run", scenario, "-o", "out.json", "--quiet", "--resume"])
    resumed.waitUntilExit()
    #expect(resumed.terminationStatus == 0)
    #expect(try Data(contentsOf: directory.appendingPathComponent("single.json"))
      == Data(contentsOf: directory.appendingPathComponent("out.json")))
    #expect(!FileManager.default.fileExists(atPath: checkpoint))
  }
}
