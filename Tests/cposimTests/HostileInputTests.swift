import ArgumentParser
import Foundation
import Testing
@testable import cposim
import ReliabilityKit

/// Issue 17: what a hostile (or careless) user gets from the command line.
@Suite("Hostile input: output files")
struct OutputSafetyTests {
  func run(_ arguments: [String]) throws {
    var command = try CPOSim.parseAsRoot(arguments)
    try command.run()
  }

  /// A base scenario, one that extends it, and the folder.
  static func workspace() throws -> (Workspace, base: String, scenario: String) {
    let workspace = Workspace()
    let base = try workspace.write("base.yaml", """
      \(Workspace.catalogLine)
      horizon: 1y
      trials: 16
      fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: cpo}
      """)
    let scenario = try workspace.write("s.yaml", """
      extends: base.yaml
      name: child
      jobs: [{name: train, gpus: 448, flap_tolerance: 1m}]
      """)
    return (workspace, base, scenario)
  }

  @Test("-o, --per-trial, --trace-output and --html naming the scenario, a file it extends or the catalog are refused before running; the inputs are untouched")
  func outputNamingInput() throws {
    let (dir, base, scenario) = try Self.workspace()
    let catalog = repositoryRoot.appendingPathComponent("FailureData/parts.yaml").path
    let before = try [base, scenario, catalog].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
    let cases: [[String]] = [
      ["-o", scenario], ["-o", base], ["-o", catalog], ["--per-trial", base], ["--html", scenario],
      ["--trace", "0", "--trace-output", base], ["-o", dir.path("./base.yaml")],
    ]
    for extra in cases {
      #expect(throws: (any Error).self, "\(extra)") { try run(["run", scenario, "--quiet"] + extra) }
      do { try run(["run", scenario, "--quiet"] + extra) } catch {
        #expect(CPOSim.message(for: error).contains("is an input of this command"), "\(extra): \(CPOSim.message(for: error))")
      }
    }
    #expect(try [base, scenario, catalog].map { try Data(contentsOf: URL(fileURLWithPath: $0)) } == before)
    #expect { try run(["compare", base, scenario, "--quiet", "-o", base]) } throws: {
      CPOSim.message(for: $0).contains("is an input of this command")
    }
    #expect { try run(["sweep", scenario, "--set", "horizon=1y,2y", "--quiet", "-o", base]) } throws: {
      CPOSim.message(for: $0).contains("is an input of this command")
    }
  }

  @Test("-o X --per-trial X is refused: two outputs, one file")
  func sameOutputTwice() throws {
    let (dir, _, scenario) = try Self.workspace()
    #expect { try run(["run", scenario, "--quiet", "-o", dir.path("x.json"), "--per-trial", dir.path("x.json")]) } throws: {
      CPOSim.message(for: $0).contains("name the same file")
    }
    #expect(!FileManager.default.fileExists(atPath: dir.path("x.json")))
  }

  @Test("merge refuses -o naming one of its parts")
  func mergeOverPart() throws {
    let (dir, _, scenario) = try Self.workspace()
    let part = dir.path("p.json")
    try run(["run", scenario, "--quiet", "--shard", "0/1", "-o", part])
    let before = try Data(contentsOf: URL(fileURLWithPath: part))
    #expect { try run(["merge", part, "-o", part, "--quiet"]) } throws: { CPOSim.message(for: $0).contains("is an input") }
    #expect(try Data(contentsOf: URL(fileURLWithPath: part)) == before)
  }

  @Test("an output that cannot be written is one line before the run, not an NSCocoaErrorDomain dump after it")
  func unwritableOutput() throws {
    let (dir, _, scenario) = try Self.workspace()
    let cases: [(String, String)] = [
      (dir.path("missing/r.json"), "does not exist"), (dir.url.path, "is a directory"), ("/proc/cposim.json", "cannot create a file in /proc"),
    ]
    for (path, expected) in cases {
      #expect { try run(["run", scenario, "--quiet", "-o", path]) } throws: {
        let message = CPOSim.message(for: $0)
        return message.contains(expected) && !message.contains("\n") && !message.contains("NSCocoaErrorDomain")
      }
    }
  }

  @Test("-o /dev/null and a symbolic link: written through, not replaced; no checkpoint beside a device")
  func specialFiles() throws {
    let (dir, _, scenario) = try Self.workspace()
    try run(["run", scenario, "--quiet", "-o", "/dev/null"])
    var info = stat()
    #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
    let command = try #require(try CPOSim.parseAsRoot(["run", scenario, "-o", "/dev/null"]) as? Run)
    #expect(command.outputs.checkpoint == nil)
    try FileManager.default.createSymbolicLink(atPath: dir.path("link.json"), withDestinationPath: "real.json")
    try run(["run", scenario, "--quiet", "-o", dir.path("link.json")])
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.path("link.json")) == "real.json")
    #expect(FileManager.default.fileExists(atPath: dir.path("real.json")))
  }

  @Test("a --per-trial run has no checkpoint, so an interruption never advises a --resume that is refused")
  func perTrialHasNoCheckpoint() throws {
    let (dir, _, scenario) = try Self.workspace()
    let command = try #require(try CPOSim.parseAsRoot(["run", scenario, "-o", dir.path("r.json"), "--per-trial", dir.path("t.ndjson")]) as? Run)
    #expect(command.outputs.checkpoint == nil)
    #expect(throws: (any Error).self) { try CPOSim.parseAsRoot(["run", scenario, "-o", dir.path("r.json"), "--per-trial", dir.path("t.ndjson"), "--resume"]) }
    let plain = try #require(try CPOSim.parseAsRoot(["run", scenario, "-o", dir.path("r.json")]) as? Run)
    #expect(plain.outputs.checkpoint?.path == dir.path("r.json") + ".checkpoint")
  }

  @Test("--trace K beyond the trial count is refused")
  func traceBeyondTrials() throws {
    let (dir, _, scenario) = try Self.workspace()
    defer { withExtendedLifetime(dir) {} }
    #expect { try run(["run", scenario, "--quiet", "--trace", "16", "--trace-output", "-"]) } throws: {
      CPOSim.message(for: $0).contains("trials are numbered 0 to 15")
    }
  }
}

/// Issue 17: inputs beyond what the engine can hold are errors naming the file, line, key,
/// value and limit, never a trap.
@Suite("Hostile input: limits")
struct LimitTests {
  func run(_ arguments: [String]) throws {
    var command = try CPOSim.parseAsRoot(arguments)
    try command.run()
  }

  /// The message `arguments` fail with (records an issue when they succeed).
  func failure(_ arguments: [String]) -> String {
    guard let message = failureMessage(arguments) else { Issue.record("\(arguments) succeeded"); return "" }
    return message
  }

  static let system = """
    \(Workspace.catalogLine)
    horizon: 1y
    trials: 2
    parts:
      p: {fru: f, source: estimate, modes: {fail: {distribution: DIST}}}
    system: {units: {u: {part: p, count: COUNT}}, structure: {series: [u]}}
    repair:
      workflows: {f: {action: hot-swap, clean_first: false, hands_on: 4h}}
    """

  func system(_ dir: Workspace, distribution: String = "{kind: exponential, mtbf: 2000h}", count: String = "2") throws -> String {
    try dir.write("sys.yaml", Self.system.replacingOccurrences(of: "DIST", with: distribution).replacingOccurrences(of: "COUNT", with: count))
  }

  @Test("horizon, switch radix, unit count and gamma shape beyond the limits are input errors with file, line, key, value and limit")
  func scenarioLimits() throws {
    let dir = Workspace()
    let fabric = { (horizon: String, radix: String) in
      try dir.write("f.yaml", """
        \(Workspace.catalogLine)
        horizon: \(horizon)
        trials: 2
        fabric: {topology: leaf-spine, gpus: 512, switch_radix: \(radix), optics: cpo}
        """)
    }
    var message = failure(["run", try fabric("1e300y", "64"), "--quiet"])
    #expect(message.contains("f.yaml:2:10: horizon: must be at most 100y"), "\(message)")
    #expect(message.contains("1e300y"))
    message = failure(["validate", try fabric("1y", "1099511627776")])
    message = failure(["run", try fabric("1y", "1099511627776"), "--quiet"])
    #expect(message.contains("fabric.switch_radix: must be at most 4096") && message.contains("1099511627776"), "\(message)")
    message = failure(["run", try system(dir, count: "1000000000000"), "--quiet"])
    #expect(message.contains("sys.yaml:6:") && message.contains("system.units.u.count: must be at most 10000000"), "\(message)")
    message = failure(["run", try system(dir, count: "1e12"), "--quiet"])
    #expect(message.contains("system.units.u.count: must be a whole number written without an exponent"), "\(message)")
    message = failure(["run", try system(dir, distribution: "{kind: gamma, shape: 1e-300, scale: 100h}"), "--quiet"])
    #expect(message.contains("shape: gamma: 'shape' must be between 0.01 and 1000000") && message.contains("1e-300"), "\(message)")
  }

  @Test("an event volume beyond the engine's is refused; validate warns far below it")
  func eventVolume() throws {
    let dir = Workspace()
    let flaps = { (rate: String) in
      "{kind: exponential, rate: \(rate)}"
    }
    var message = failure(["run", try system(dir, distribution: flaps("1e4/h")), "--quiet"])
    #expect(message.contains("events per trial expected") && message.contains("at most 1e+08"), "\(message)")
    let scenario = try ScenarioLoader.load(path: try system(dir, distribution: flaps("1000/h")))
    let simulation = try Simulation(scenario: scenario)
    #expect(simulation.expectedEventsPerTrial > Simulation.eventWarning)
    #expect(abs(simulation.expectedEventsPerTrial - 2 * 1000 * 8760) < 1)
    let fabric = try dir.write("bg.yaml", """
      \(Workspace.catalogLine)
      horizon: 1y
      fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: cpo}
      jobs: [{name: train, gpus: 448, background_rate: 1000/h}]
      """)
    #expect(throws: (any Error).self) { try run(["validate", fabric]) }
    message = failure(["run", fabric, "--quiet"])
    #expect(message.contains("events per trial expected"), "\(message)")
  }

  @Test("sample refuses a Weibull shape of 1e-300 and a lognormal sigma of 1e300")
  func sampleLimits() {
    #expect(failure(["sample", "weibull", "--shape", "1e-300", "--scale", "1000h", "-n", "10"])
      == "weibull: 'shape' must be between 0.01 and 1000000 (the range cposim samples reliably) (got 1e-300)")
    #expect(failure(["sample", "lognormal", "--median", "100h", "--sigma", "1e300", "-n", "10"]).hasPrefix("lognormal: 'sigma' must be between 1e-09 and 10"))
  }

  @Test("fit on times of 1e-300 h and 1e300 h answers (or refuses) without trapping")
  func fitExtremes() throws {
    let dir = Workspace()
    for scale in ["e-300", "e300"] {
      let rows = ["a,1\(scale),true", "b,2\(scale),true", "c,3\(scale),false", "d,5\(scale),true", "e,7\(scale),true"]
      let log = try dir.write("log\(scale).csv", "id,hours,failed\n" + rows.joined(separator: "\n") + "\n")
      do { try run(["fit", log, "--json"]) } catch { #expect(!CPOSim.message(for: error).isEmpty) }
    }
  }

  @Test("sweep refuses the same key twice and a key that names a file; breakeven refuses varying extends")
  func sweepKeys() throws {
    let dir = Workspace()
    let scenario = try system(dir)
    #expect(failure(["sweep", scenario, "--set", "horizon=1y,2y", "--set", "horizon=3y"]).contains("'--set horizon' is given twice"))
    #expect(failure(["sweep", scenario, "--set", "extends=other.yaml"]).contains("names a file, not a value"))
    #expect(failure(["breakeven", scenario, scenario, "--vary", "extends", "--range", "1..2"]).contains("names a file, not a value"))
  }

  @Test("merge and --resume refuse tampered parts: truncated arrays, a negative count, blocks beyond the run")
  func tamperedParts() throws {
    let (dir, scenario) = try ShardTests.workspace()
    let part = dir.path("p.json")
    try run(["run", scenario, "--shard", "0/1", "-o", part, "--quiet"])
    func tampered(_ name: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
      var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: part))) as? [String: Any])
      edit(&json)
      let path = dir.path(name)
      try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
      return path
    }
    func statistics(_ json: inout [String: Any], _ edit: (inout [String: Any]) -> Void) {
      var s = json["statistics"] as! [String: Any]
      edit(&s)
      json["statistics"] = s
    }
    let truncated = try tampered("t.json") { j in statistics(&j) { $0["metrics"] = ($0["metrics"] as! [Any]).prefix(5).map { $0 } } }
    let negative = try tampered("n.json") { j in
      statistics(&j) { s in
        var metrics = s["metrics"] as! [[String: Any]]
        metrics[0]["count"] = -45
        s["metrics"] = metrics
      }
    }
    let beyond = try tampered("b.json") { $0["completed_blocks"] = [[0, 100_000_000_000_000]] }
    let cases: [(String, String)] = [
      (truncated, "'metrics' has 5 entries where the scenario has"), (negative, "negative count"),
      (beyond, "a run of 45 trials has 6 blocks"),
    ]
    for (path, expected) in cases {
      let message = failure(["merge", path, "-o", dir.path("m.json"), "--quiet"])
      #expect(message.contains("not a consistent partial report") && message.contains(expected), "\(message)")
    }
    // A checkpoint that lists more blocks than the run has is refused, not merged into a report of the wrong trial count.
    let output = dir.path("r.json")
    try FileManager.default.copyItem(atPath: beyond, toPath: output + ".checkpoint")
    let message = failure(["run", scenario, "-o", output, "--quiet", "--resume"])
    #expect(message.contains("a run of 45 trials has 6 blocks"), "\(message)")
  }

  @Test("--trials -1 says the number must be at least 1, not that the value is missing")
  func negativeTrials() {
    let message = failure(["run", "s.yaml", "--trials", "-1"])
    #expect(message.contains("'--trials' must be at least 1 (got -1)"), "\(message)")
  }
}

/// Issue 17: runaway work stops when asked, and memory does not grow with the trial count.
@Suite("Hostile input: runaway work")
struct RunawayTests {
  static let slowScenario = """
    \(Workspace.catalogLine)
    horizon: 1y
    trials: 1000000000
    parts:
      p: {fru: f, source: estimate, modes: {fl: {distribution: {kind: exponential, rate: 100/h}, effect: flap, fix: none, flap_duration: 1s}}}
    system: {units: {u: {part: p, count: 2}}, structure: {series: [u]}}
    repair:
      workflows: {f: {action: hot-swap, clean_first: false, hands_on: 4h}}
    """

  @Test("SIGINT during a trial of 1.75 million events stops the run within a second, with a billion trials asked and flat memory")
  func sigintInsideATrial() throws {
    let binary = SignalTests.binary
    try #require(FileManager.default.isExecutableFile(atPath: binary.path), "no cposim binary at \(binary.path)")
    let workspace = Workspace()
    let scenario = try workspace.write("slow.yaml", Self.slowScenario)
    let process = Process()
    process.executableURL = binary
    process.arguments = ["run", scenario, "-o", workspace.path("r.json"), "--quiet", "--threads", "2"]
    process.standardOutput = FileHandle.nullDevice
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    // Well inside the first trial (each takes many seconds in a debug build).
    usleep(2_000_000)
    try #require(process.isRunning)
    let signalled = Date()
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    let elapsed = Date().timeIntervalSince(signalled)
    #expect(process.terminationStatus == 130)
    #expect(elapsed < 1, "stopped \(elapsed) s after SIGINT")
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(message.contains("interrupted after 0 of 1000000000 trials"), "\(message)")
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    // ru_maxrss is in kB on Linux: a billion trials' bookkeeping up front would be gigabytes.
    #expect(usage.ru_maxrss < 1_000_000, "peak resident size of a child: \(usage.ru_maxrss) kB")
  }

  @Test("a stop inside a block discards the block: the statistics hold only whole trials")
  func stopDiscardsBlock() throws {
    let dir = Workspace()
    let path = try dir.write("slow.yaml", Self.slowScenario.replacingOccurrences(of: "100/h", with: "1/h"))
    let simulation = try Simulation(scenario: try ScenarioLoader.load(path: path))
    let metrics = TrialMetrics(simulation: simulation)
    let run = BlockRun(trials: 64, empty: RunStatistics(metrics: metrics, simulation: simulation))
    let calls = Counter()
    // Stops after a few thousand checks: inside the first block's trials.
    let stop: @Sendable () -> Bool = { calls.increment(); return calls.value > 3 }
    run.run(0..<run.blocks.count, threads: 1, makeWorker: simulation.blockWorker(seed: 1, metrics: metrics, shouldStop: stop),
            shouldStop: stop)
    #expect(run.statistics.trials == 0)
    #expect(run.completed.count == 0)
  }
}

/// Issue 17: structures validated on the merged scenario, break-even edge cases, sample edges.
@Suite("Hostile input: structure, break-even, sample")
struct StructureAndEdgeTests {
  func failure(_ arguments: [String]) -> String {
    guard let message = failureMessage(arguments) else { Issue.record("\(arguments) succeeded"); return "" }
    return message
  }

  static let base = """
    \(Workspace.catalogLine)
    horizon: 1y
    trials: 2
    parts:
      p: {fru: f, source: estimate, modes: {fail: {distribution: {kind: exponential, mtbf: 2000h}}}}
    system: {units: {u: {part: p, count: 3}}, structure: {k_of_n: {k: 2, of: [u]}}}
    repair:
      workflows: {f: {action: hot-swap, clean_first: false, hands_on: 4h}}
    """

  @Test("k_of_n: k above the blocks, k 0 or -1 and an empty list through extends, and two block kinds in one map are refused")
  func structures() throws {
    let dir = Workspace()
    try dir.write("base.yaml", Self.base)
    let cases: [(String, String)] = [
      ("{k_of_n: {k: 4}}", "k_of_n.k: cannot exceed the 3 blocks of 'of'"),
      ("{k_of_n: {k: 0}}", "k_of_n.k: must be at least 1 (got 0)"),
      ("{k_of_n: {k: -1}}", "k_of_n.k: must be at least 1 (got -1)"),
      ("{k_of_n: {of: []}}", "k_of_n.of: must be a non-empty list"),
      ("{series: [u]}", "not several (got series and k_of_n)"),
    ]
    for (structure, expected) in cases {
      let child = try dir.write("child.yaml", "extends: base.yaml\nsystem: {structure: \(structure)}\n")
      #expect { try ScenarioLoader.load(path: child) } throws: { error in
        "\(error)".contains(expected) && "\(error)".contains("child.yaml:2:")
      }
    }
    let plain = try dir.write("plain.yaml", Self.base.replacingOccurrences(of: "k: 2", with: "k: 4"))
    #expect { try ScenarioLoader.load(path: plain) } throws: { "\($0)".contains("cannot exceed the 3 blocks") }
  }

  @Test("breakeven: A vs A refused, an integer key never evaluated at a fraction, messages name --vary")
  func breakeven() throws {
    let dir = Workspace()
    let a = try dir.write("a.yaml", Self.base)
    let b = try dir.write("b.yaml", Self.base.replacingOccurrences(of: "hands_on: 4h", with: "hands_on: 8h") + "\nname: b\n")
    #expect(failure(["breakeven", a, dir.path("./a.yaml"), "--vary", "costs.pue", "--range", "1.1..1.5"]).contains("are the same file"))
    #expect(failure(["breakeven", a, b, "--vary", "repair.technicians.count", "--range", "1.5..3"]).contains("takes whole numbers"))
    let message = failure(["breakeven", a, b, "--vary", "repair.technicians.count", "--range", "0..3", "--quiet", "--trials", "4"])
    #expect(message.hasPrefix("--vary repair.technicians.count=0:") && !message.contains("--set"), "\(message)")
    // Points over 1..4 with 4 points and bisection: every value evaluated is a whole number.
    let result = try Breakeven.run(
      range: 1...4, text: { String(Int($0)) }, metric: "technician_wait_hours", points: 4, refinements: 3, trials: 4, seed: 1,
      threads: 1, wholeNumbers: true,
      scenarios: { value in
        (try ScenarioLoader.load(path: a, overrides: [.init(keyPath: "repair.technicians.count", value: value, option: "--vary")]),
         try ScenarioLoader.load(path: b, overrides: [.init(keyPath: "repair.technicians.count", value: value, option: "--vary")]))
      })
    #expect(result.points.allSatisfy { $0.value == $0.value.rounded() })
    // The same scenario twice, loaded from two files with equal content: no break-even.
    let copy = try dir.write("copy.yaml", Self.base + "\nname: copy\n")
    let same = try Breakeven.run(
      range: 1.1...1.5, text: { String($0) }, metric: "total_cost_usd", points: 3, refinements: 2, trials: 4, seed: 1, threads: 1,
      scenarios: { value in
        (try ScenarioLoader.load(path: a, overrides: [.init(keyPath: "costs.pue", value: value)]),
         try ScenarioLoader.load(path: copy, overrides: [.init(keyPath: "costs.pue", value: value)]))
      })
    #expect(same.crossing == nil)
    let report = BreakevenReport(same, keyPath: "costs.pue", range: 1.1...1.5, text: { String($0) })
    #expect(report.verdict.contains("is the same in every trial"), "\(report.verdict)")
  }

  @Test("sample -n 1 prints no interval; non-finite values are null in --json")
  func sampleEdges() throws {
    let distribution = Distribution.weibull(try Weibull(shape: 1, scale: 1000))
    let one = SampleSummary(values: [347])
    let table = SampleTable.render(distribution: distribution, truncation: nil, summary: one, seed: 1)
    #expect(table.contains("n/a (one draw)"))
    let json = try JSONOutput.string(SampleReport(distribution: distribution, truncation: nil, summary: one, seed: 1))
    #expect(json.contains("\"ci95_low_hours\" : null") && json.contains("\"sd_hours\" : null"))
    let infinite = try JSONOutput.string(SampleReport(distribution: distribution, truncation: nil,
                                                      summary: SampleSummary(values: [1, .infinity]), seed: 1))
    #expect(infinite.contains("\"max_hours\" : null"))
  }

  @Test("sample with 1000 draws never says 'one draw'; draws of 1e307 h have a finite sd, and overflows are noted")
  func sampleExtremes() throws {
    let distribution = Distribution.exponential(try Exponential(mtbf: 1e307))
    let huge = SampleSummary(values: (1...1000).map { Double($0) * 1e304 })
    var table = SampleTable.render(distribution: distribution, truncation: nil, summary: huge, seed: 1)
    #expect(!table.contains("one draw") && !table.contains(" inf"), "\(table)")
    let overflowing = SampleSummary(values: [1, 2, .infinity] + Array(repeating: 5, count: 997))
    table = SampleTable.render(distribution: distribution, truncation: nil, summary: overflowing, seed: 1)
    #expect(table.contains("n/a (draws overflow)") && table.contains("note: 1 of 1000 draws overflowed a double"), "\(table)")
  }
}

@Suite("Hostile input: report table")
struct ReportTableTests {
  @Test("the interval of a count with two trials is clipped at 0, never a negative count; a ratio at 1; a difference keeps its sign")
  func clipped() {
    var count = MetricAccumulator()
    count.add(0)
    count.add(20)
    let e = Estimate(count, unit: "count")
    #expect(count.ci95!.lowerBound < 0, "Student t reaches below 0 here")
    #expect(e.ci95Low.value == 0 && e.ci95High.value > 20)
    #expect(!ReportTable.render(rows: [("job_interruptions", e)]).contains("−"), "no negative count in the table")
    var ratio = MetricAccumulator(nearOne: true)
    ratio.add(0.9)
    ratio.add(1)
    #expect(Estimate(ratio, unit: "ratio").ci95High.value == 1 && Estimate(ratio, unit: "ratio").ci95Low.value >= 0)
    var signed = MetricAccumulator()
    signed.add(-5)
    signed.add(20)
    #expect(Estimate(difference: signed, unit: "usd").ci95Low.value < 0, "a difference B − A keeps its interval")
    #expect(Estimate(difference: signed, unit: "usd").ci95Low == FiniteOrNull(signed.ci95!.lowerBound))
  }
}
