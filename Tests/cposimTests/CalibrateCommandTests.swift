import ArgumentParser
import Foundation
import Testing
@testable import cposim
import ReliabilityKit

@Suite("cposim calibrate")
struct CalibrateCommandTests {
  static func workspace() throws -> (Workspace, String) {
    let workspace = Workspace()
    let scenario = try workspace.write("s.yaml", Workspace.smallScenario())
    return (workspace, scenario)
  }

  func run(_ arguments: [String]) throws {
    var command = try CPOSim.parseAsRoot(arguments)
    try command.run()
  }

  /// The message a bad command line gives, as the user sees it.
  func message(_ arguments: [String]) -> String? { failureMessage(arguments) }

  @Test("a fit writes a scenario that extends the input, loads, carries the fitted value and says it is calibrated")
  func writesScenario() throws {
    let (dir, scenario) = try Self.workspace()
    let written = dir.path("calibrated.yaml"), json = dir.path("calibration.json")
    try run(["calibrate", scenario, "--target", "job_interruptions_host=60", "--vary", "jobs[0].background_rate=1e-3/d..2e-2/d",
             "--trials", "4", "--quiet", "--date", "2026-12-02", "--write-scenario", written, "-o", json])
    let text = try String(contentsOfFile: written, encoding: .utf8)
    #expect(text.contains("extends: s.yaml"))
    #expect(text.contains("# Targets, observed over the horizon (8760h):"))
    let loaded = try ScenarioLoader.load(path: written)
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
    #expect(report["kind"] as? String == "calibration")
    let fitted = ((report["inputs"] as! [[String: Any]])[0]["fitted"] as! Double)
    // The loaded scenario runs the fitted rate (per hour inside the model).
    #expect(abs(loaded.jobs[0].backgroundRatePerNodeHour - fitted / 24) < 1e-5 * fitted)
    let input = loaded.inputs.first { $0.keyPath == "jobs[0].background_rate" }
    #expect(input?.provenance.className == "calibrated")
    #expect((report["evaluations"] as! [Any]).count >= 9)
  }

  @Test("--write-scenario naming the scenario it fits is refused before anything runs, and the file is untouched")
  func refusesOverwritingInput() throws {
    let (dir, scenario) = try Self.workspace()
    let before = try String(contentsOfFile: scenario, encoding: .utf8)
    let message = withExtendedLifetime(dir) {
      self.message(["calibrate", scenario, "--quiet", "--trials", "1", "--target", "job_interruptions_host=3",
                    "--vary", "jobs[0].background_rate=1e-3/d..2e-2/d", "--write-scenario", scenario])
    }
    #expect(message?.contains("is an input of this command") == true, "\(message ?? "no error")")
    #expect(try String(contentsOfFile: scenario, encoding: .utf8) == before)
  }

  @Test("bad targets and ranges get one line naming the option", arguments: [
    (["--target", "job_interruptions_hots=3", "--vary", "jobs[0].background_rate=1e-3/d..2e-2/d"], "did you mean 'job_interruptions_host'"),
    (["--target", "job_interruptions_host=many", "--vary", "jobs[0].background_rate=1e-3/d..2e-2/d"], "'--target job_interruptions_host=...' needs a number"),
    (["--target", "job_interruptions_host=-3", "--vary", "jobs[0].background_rate=1e-3/d..2e-2/d"], "a count cannot be negative"),
    (["--target", "job_ettr=0.9", "--vary", "jobs[0].background_rate=1e-3/d..2e-2/d"], "job_ettr is in ratio, not a count"),
    (["--target", "job_interruptions_host=3", "--vary", "jobs[0].background_rate=2e-2/d..1e-3/d"], "LOW must be below HIGH"),
    (["--target", "job_interruptions_host=3", "--vary", "jobs[0].background_rate=1e-3/d..2h"], "same unit"),
    (["--target", "job_interruptions_host=3", "--vary", "jobs[0].background_rate=1h..2h"], "jobs[0].background_rate"),
    (["--target", "job_interruptions_host=3", "--vary", "jobs[0].background_rate=1e-3/d..2e-2/d", "--vary", "jobs.0.background_rate=1e-3/d..2e-2/d"], "names jobs[0].background_rate twice"),
    (["--target", "job_interruptions_host=3", "--vary", "jobs[0].bakground_rate=1..2"], "did you mean 'background_rate'"),
    (["--target", "job_interruptions_host=3", "--target", "job_interruptions_host=4", "--vary", "jobs[0].background_rate=1e-3/d..2e-2/d"], "names job_interruptions_host twice"),
  ])
  func badInput(arguments: [String], expected: String) throws {
    let (dir, scenario) = try Self.workspace()
    let message = withExtendedLifetime(dir) { self.message(["calibrate", scenario, "--quiet", "--trials", "1"] + arguments) }
    #expect(message?.contains(expected) == true, "\(message ?? "no error")")
    #expect(message.map { !$0.contains("\n") || $0.split(separator: "\n").count <= 2 } == true)
  }
}

/// The published anchor the calibrated scenario must reproduce (llama3-2024: Table 5 and the
/// effective training time), with the trial count the issue names.
@Suite("Llama 3 reproduced")
struct Llama3Tests {
  @Test("the calibrated Llama 3 scenario lands in the Poisson ranges of all four published figures with 200 trials at a seed it was not fitted at")
  func publishedRanges() throws {
    let scenario = try ScenarioLoader.load(path: repositoryRoot.appendingPathComponent("Scenarios/llama3-calibrated.yaml").path)
    let simulation = try Simulation(scenario: scenario)
    let metrics = TrialMetrics(simulation: simulation)
    // The fit used seed 405 (common random numbers); these trials are fresh draws.
    #expect(scenario.seed == 405)
    let statistics = simulation.statistics(trials: 0..<200, seed: 2407, metrics: metrics, threads: 2)
    func mean(_ name: String) -> Double { statistics.metrics[metrics.definitions.firstIndex { $0.name == name }!].mean }
    // Exact (Garwood) 95% ranges of the published counts over the 54 days.
    for (metric, count) in [("job_interruptions_switch_and_cable", 35.0), ("job_interruptions_nic", 7), ("job_unexpected_interruptions", 419)] {
      let band = Calibration.Target(metric: metric, value: count).band
      #expect(band.contains(mean(metric)), "\(metric): \(mean(metric)) outside \(band)")
    }
    // "More than 90 % effective training time" over the one published run: the model's mean is
    // above 0.9 and a run above 0.9 is the likely outcome (fewer than half the trials below,
    // counting the share's 95 % upper bound). With a detection time in every loss the calibrated
    // job sits near the bound (derived-checkpoint-llama3), so some 54-day trials fall below.
    #expect(mean("job_ettr") > 0.9)
    let below = Double(statistics.beyond[0]) / 200
    #expect(below + 1.96 * (below * (1 - below) / 200).squareRoot() < 0.5, "share of trials with ETTR below 0.9: \(below)")
  }

  @Test("every shipped cluster scenario uses the calibrated inputs (a new calibration must be carried into the presets)")
  func presetsInheritCalibration() throws {
    let scenarios = repositoryRoot.appendingPathComponent("Scenarios")
    let calibrated = try ScenarioLoader.load(path: scenarios.appendingPathComponent("llama3-calibrated.yaml").path)
    let keys = ["jobs[0].uplink_interrupt_probability", "jobs[0].background_rate"]
    func value(_ s: Scenario, _ key: String) -> String? { s.inputs.first { $0.keyPath == key }?.value }
    let names = try FileManager.default.contentsOfDirectory(atPath: scenarios.path).filter { $0.hasPrefix("cluster-") }.sorted()
    #expect(names.count >= 10)
    for name in names {
      let s = try ScenarioLoader.load(path: scenarios.appendingPathComponent(name).path)
      for key in keys {
        #expect(value(s, key) == value(calibrated, key), "\(name): \(key) = \(value(s, key) ?? "none"), calibrated \(value(calibrated, key) ?? "none")")
      }
    }
  }
}

/// Issue 27: nothing cposim writes into the calibrated scenario can add a key to it.
extension CalibrateCommandTests {
  @Test("arguments, the scenario's path and the written file's name holding newlines inject no key into the written scenario")
  func noInjection() throws {
    let (dir, base) = try Self.workspace()
    // The scenario to fit, under a name that holds a line of YAML.
    let scenario = dir.path("s\ntrials: 3\n#.yaml")
    try FileManager.default.copyItem(atPath: base, toPath: scenario)
    let written = dir.path("c\nhorizon: 1h\nx: \"y.yaml")
    try run(["calibrate", scenario, "--target", "job_interruptions_host=60", "--vary", "jobs[0].background_rate=1e-3/d..2e-2/d",
             "--trials", "2", "--quiet", "--date", "2026-12-02", "--write-scenario", written])
    let loaded = try ScenarioLoader.load(path: written)
    #expect(loaded.trials == 8 && loaded.horizon == 8760)
    #expect(loaded.name == "c\nhorizon: 1h\nx: \"y")
    // The command line, with an --html argument that holds a key, stays one comment line.
    let command = CalibrateCommand.commandLine(["calibrate", scenario, "--html", "r\ntrials: 3\n#.html", "--vary", "a=1..2"])
    #expect(!command.contains("\n"))
    let text = try String(contentsOfFile: written, encoding: .utf8)
    let injected = text.replacingOccurrences(of: try #require(text.split(separator: "\n").first { $0.hasPrefix("# Command:") }),
                                             with: "# Command: \(YAMLText.commentSafe(command))")
    let again = try dir.write("again.yaml", injected)
    #expect(try ScenarioLoader.load(path: again).trials == 8)
  }

  @Test("names and paths are written as YAML that reads back as the same string", arguments: [
    "plain-name_1.2", "two words", "a: b", "x\ny: 1", "\"quoted\"", "back\\slash", "tab\there", "true", "null", "1e5", "-dash",
    "#hash", "[list]", "{map}", "&anchor", "*alias", "line\u{2028}separator", "nel\u{85}x", "bell\u{7}", "ünïcødé", "",
  ])
  func scalarsRoundTrip(text: String) throws {
    let (dir, _) = try Self.workspace()
    let path = try dir.write("n.yaml", "extends: s.yaml\nname: \(YAMLText.scalar(text))\n")
    #expect(try ScenarioLoader.load(path: path).name == text)
  }

  @Test("command-line arguments are quoted so bash reads back the same string", arguments: [
    "plain-name_1.2", "two words", "it's", "a'b'c", "back\\slash", "x\ny: 1", "tab\there", "cr\rx", "bell\u{7}",
    "line\u{2028}separator", "rtl\u{202E}override", "$HOME", "`cmd`", "\"dq\"", "quote'and\nbreak", "",
  ])
  func shellArgumentsRoundTrip(text: String) throws {
    let bash = Process()
    bash.executableURL = URL(fileURLWithPath: "/bin/bash")
    bash.arguments = ["-c", "printf %s " + YAMLText.shellQuoted(text)]
    let pipe = Pipe()
    bash.standardOutput = pipe
    try bash.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    bash.waitUntilExit()
    #expect(bash.terminationStatus == 0)
    #expect(String(decoding: data, as: UTF8.self) == text)
  }
}
