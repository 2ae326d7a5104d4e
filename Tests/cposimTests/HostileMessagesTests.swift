import ArgumentParser
import Foundation
import Testing
@testable import cposim
@testable import ReliabilityKit

/// Issue 27, "Messages that mislead": what a careless user is told, checked line by line.
@Suite("Hostile input: messages that mislead")
struct HostileMessagesTests {
  @Test("sample -n -5, sample --seed -4 and sensitivity --top -1 name the value, never 'Missing value'")
  func negativeOptionValues() {
    let count = failureMessage(["sample", "exponential", "--afr", "1%", "-n", "-5"]) ?? ""
    #expect(count.contains("'--count' must be between 1 and 20000000 (got -5)"), "\(count)")
    let seed = failureMessage(["sample", "exponential", "--afr", "1%", "--seed", "-4"]) ?? ""
    #expect(seed.contains("The value '-4' is invalid for '--seed"), "\(seed)")
    let top = failureMessage(["sensitivity", "a.yaml", "b.yaml", "--top", "-1"]) ?? ""
    #expect(top.contains("'--top' must be at least 1 (got -1)"), "\(top)")
    for message in [count, seed, top] { #expect(!message.contains("Missing value"), "\(message)") }
  }

  @Test("cposim run -child.yaml is refused (it was read as -c -h ... and printed the help with exit 0); ./-child.yaml runs")
  func dashedFileName() throws {
    do {
      _ = try CPOSim.parseAsRoot(["run", "-child.yaml"])
      Issue.record("expected a refusal")
    } catch {
      #expect(CPOSim.exitCode(for: error) == .validationFailure)
      let message = CPOSim.message(for: error)
      #expect(message.contains("'-child.yaml' would be read as the options -c -h -i -l -d"), "\(message)")
      #expect(message.contains("write ./-child.yaml"), "\(message)")
    }
    // Negative numbers and single-letter options are untouched.
    #expect(throws: Never.self) { _ = try CPOSim.parseAsRoot(["sample", "weibull", "--shape", "-1.5", "--scale", "1h"]) }
    #expect(throws: Never.self) { _ = try CPOSim.parseAsRoot(["run", "./-child.yaml", "-o", "x.json"]) }
  }

  /// The message of loading `path`, or nil when it loads.
  static func loadMessage(_ path: String, overrides: [ScenarioLoader.Override] = []) -> String? {
    do {
      _ = try ScenarioLoader.load(path: path, overrides: overrides)
      return nil
    } catch {
      return error.description
    }
  }

  static let preset = repositoryRoot.appendingPathComponent("Scenarios/cluster-1k-pluggable.yaml").path

  @Test("a bad lemon, common cause, fleet or uncertain value in a file extending a preset is one line naming that file (it was up to 84 lines at the preset's and the catalog's ranges)",
        arguments: [
          ("parts: {pluggable-800g: {lemon: {probability: 2x, flap_multiplier: 50, failure_multiplier: 5}}}", "c.yaml:2:47: parts.pluggable-800g.lemon.probability: must be a probability"),
          ("common_causes: [{name: fw, switches: all, group_size: 16, rate: zz/y, duration: 1h}]", "c.yaml:2:65: common_causes[0].rate: expected a rate"),
          ("fleet: {installed_age: -3}", "c.yaml:2:24: fleet.installed_age: '-3' has no unit"),
          ("jobs: [{name: pretrain, gpus: 1000, usd_per_gpu_hour: {uncertain: triangular, low: 5, mode: 2.2, high: 1}}]", "c.yaml:2:84: jobs.0.usd_per_gpu_hour.low: must be below high"),
          ("parts: {pluggable-800g: {modes: {laser-wearout: {distribution: {afr: {uncertain: lognormal, low: zz, high: 0.1%}}}}}}", "c.yaml:2:98: parts.pluggable-800g.modes.laser-wearout.distribution.afr.low: must be a number"),
        ])
  func badValueUnderExtends(_ line: String, _ expected: String) throws {
    let dir = Workspace()
    let path = try dir.write("c.yaml", "extends: \(Self.preset)\n\(line)\n")
    let message = try #require(Self.loadMessage(path)).replacingOccurrences(of: dir.url.path + "/", with: "")
    #expect(!message.contains("\n"), "\(message)")
    #expect(message.hasPrefix(expected), "\(message)")
  }

  @Test("a derived file may write a job list anew, and replace a catalog distribution with another kind: the base's and the catalog's statements about the keys it dropped no longer apply")
  func replacedKeys() throws {
    let dir = Workspace()
    let jobs = try dir.write("jobs.yaml", "extends: \(Self.preset)\njobs: [{name: pretrain, gpus: 1000}]\n")
    #expect(Self.loadMessage(jobs) == nil)
    let weibull = try dir.write("w.yaml", "extends: \(Self.preset)\nparts: {pluggable-800g: {modes: {laser-wearout: {distribution: {kind: weibull, shape: 2, scale: 1e6h}}}}}\n")
    #expect(Self.loadMessage(weibull) == nil)
    // The file given is still held to its own statements.
    let own = try dir.write("own.yaml", "extends: \(Self.preset)\nranges:\n  jobs[0].nothere: [1, 2]\n")
    #expect(Self.loadMessage(own)?.contains("own.yaml:3:3: ranges.jobs[0].nothere: no key") == true, "\(Self.loadMessage(own) ?? "")")
  }

  @Test("set: a value that breaks its mapping is reported at the set line, not the base's; an index beyond the list says so; catalog and extends are refused as --set refuses them")
  func setEntries() throws {
    let (dir, _, _) = try OutputSafetyTests.workspace()
    let fabric = try dir.write("f.yaml", "extends: base.yaml\nset:\n  fabric.gpus: 100000\n")
    #expect(Self.loadMessage(fabric)?.hasPrefix(dir.path("f.yaml") + ":3:16: fabric: fabric cannot be built") == true, "\(Self.loadMessage(fabric) ?? "")")
    let index = try dir.write("i.yaml", "extends: base.yaml\nset:\n  jobs[5].gpus: 3\n")
    #expect(Self.loadMessage(index) == dir.path("i.yaml") + ":3:3: set.jobs[5].gpus: index 5 is beyond the list: 'jobs' has no items after extends; a set value can change an item, not add one")
    let catalog = try dir.write("k.yaml", "extends: base.yaml\nset: {catalog: \(repositoryRoot.path)/FailureData/parts.yaml}\n")
    #expect(Self.loadMessage(catalog)?.contains("set.catalog: 'catalog' names a file, not a value") == true, "\(Self.loadMessage(catalog) ?? "")")
    let extends = try dir.write("e.yaml", "extends: base.yaml\nset: {extends: base.yaml}\n")
    #expect(Self.loadMessage(extends)?.contains("set.extends: 'extends' names a file, not a value") == true)
    let scenario = dir.path("s.yaml")
    #expect(Self.loadMessage(scenario, overrides: [.init(keyPath: "jobs.2.gpus", value: "8")])
            == "--set jobs.2.gpus=8: jobs.2.gpus: index 2 is beyond the list: 'jobs' has one item (jobs[0]) after extends; a set value can change an item, not add one")
  }

  @Test("a missing catalog is the first and only line, not a part override's 'missing required key source'")
  func missingCatalogFirst() throws {
    let dir = Workspace()
    let path = try dir.write("s.yaml", """
      catalog: nothere.yaml
      horizon: 1y
      fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: cpo}
      parts: {pluggable-800g: {lemon: {probability: 2%, flap_multiplier: 50, failure_multiplier: 5}}}
      """)
    #expect(Self.loadMessage(path) == dir.path("s.yaml") + ":1:10: catalog: no such file 'nothere.yaml' (looked for \(dir.path("nothere.yaml")))")
  }

  @Test("calibrate refuses a whole-number key (it died at a fractional point naming --set), a key written as a word, and a fractional count target")
  func calibrateInputs() {
    let preset = Self.preset
    func message(_ target: String, _ vary: String) -> String {
      failureMessage(["calibrate", preset, "--target", target, "--vary", vary, "--trials", "4", "--quiet"]) ?? ""
    }
    let whole = message("job_unexpected_interruptions=3", "repair.technicians.count=1..4")
    #expect(whole == "'--vary repair.technicians.count' takes whole numbers, and calibrate fits an input that varies continuously: run cposim sweep --set repair.technicians.count=1,2,3,4 and compare the points with the targets")
    for key in ["fabric.optics", "name", "jobs[0].name"] {
      let word = message("job_unexpected_interruptions=3", "\(key)=1..4")
      #expect(word.hasPrefix("'--vary \(key)' is not a number in \(preset) (it is '"), "\(word)")
    }
    let fraction = message("job_unexpected_interruptions=3.5", "jobs[0].background_rate=1e-3/d..5e-3/d")
    #expect(fraction.hasPrefix("'--target job_unexpected_interruptions=3.5': a count observed once is a whole number"), "\(fraction)")
  }

  @Test("a 5 MB scalar is quoted by its first 60 characters and its length, and read in about a second (parsing it as a duration tried every prefix: 20,000 characters took 29 s)",
        arguments: ["horizon", "fabric.topology"])
  func hugeScalar(_ key: String) throws {
    let dir = Workspace()
    let huge = String(repeating: "x", count: 5_000_000)
    let value = key == "horizon" ? "horizon: \(huge)\nfabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: cpo}"
      : "horizon: 1y\nfabric: {topology: \(huge), gpus: 512, switch_radix: 64, optics: cpo}"
    let path = try dir.write("s.yaml", "\(Workspace.catalogLine)\n\(value)\n")
    let message = try #require(Self.loadMessage(path))
    #expect(message.count < 400, "\(message.prefix(400))")
    #expect(message.hasSuffix("(got '" + String(repeating: "x", count: 60) + "...' (5000000 characters))"), "\(message.prefix(400))")
  }

  @Test("merge: a truncated part, schema version 99, a part naming /etc/passwd as its scenario, a scenario relative to another folder: one line each, never the decoder's dump or another file's content")
  func mergeParts() throws {
    let (dir, scenario) = try ShardTests.workspace()
    let p0 = dir.path("p0.json"), p1 = dir.path("p1.json"), out = dir.path("out.json")
    _ = failureMessage(["run", scenario, "--shard", "0/2", "-o", p0, "--quiet"])
    _ = failureMessage(["run", scenario, "--shard", "1/2", "-o", p1, "--quiet"])
    let data = try Data(contentsOf: URL(fileURLWithPath: p1))
    func edited(_ name: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
      var json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
      edit(&json)
      let path = dir.path(name)
      try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
      return path
    }
    func merge(_ part: String) -> String { failureMessage(["merge", p0, part, "-o", out, "--quiet"]) ?? "" }

    let truncated = dir.path("cut.json")
    try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: truncated))
    #expect(merge(truncated) == "\(truncated): not a cposim partial report (not valid JSON (cut short?))")
    // Partial reports have snake_case keys since schema_version 3.
    #expect(try JSONSerialization.jsonObject(with: data) as? [String: Any] != nil)
    let v99 = try edited("v99.json") { $0["schema_version"] = 99 }
    let v99Message = merge(v99)
    #expect(v99Message.hasPrefix("\(v99): a partial report of schema_version 99 ") && v99Message.hasSuffix("compute the shard again with this cposim"),
            "\(v99Message)")
    let noMetrics = try edited("nometrics.json") {
      var statistics = $0["statistics"] as! [String: Any]
      statistics.removeValue(forKey: "metrics")
      $0["statistics"] = statistics
    }
    #expect(merge(noMetrics) == "\(noMetrics): not a consistent partial report (edited or truncated?): 'statistics.metrics' is missing")

    // A part naming another file as its scenario: refused before that file is read.
    let passwd = try edited("passwd.json") { $0["scenario"] = "/etc/passwd" }
    let named = failureMessage(["merge", passwd, p0, "-o", out, "--quiet"]) ?? ""
    #expect(named == "\(passwd): not a consistent partial report (edited or truncated?): the scenario it names is not among the files whose SHA-256 it records", "\(named)")
    // A copy of part `source` naming `scenario` as its scenario and only file, with some hash.
    func naming(_ name: String, _ source: String, scenario: String) throws -> String {
      var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: source))) as? [String: Any])
      json["scenario"] = scenario
      json["scenario_files"] = [["path": scenario, "sha256": String(repeating: "0", count: 64)]]
      let path = dir.path(name)
      try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
      return path
    }
    // Both parts naming it among their files, with some hash: the hash is compared before reading.
    if FileManager.default.fileExists(atPath: "/etc/passwd") {
      let a = try naming("a.json", p0, scenario: "/etc/passwd"), b = try naming("b.json", p1, scenario: "/etc/passwd")
      let message = failureMessage(["merge", a, b, "-o", out, "--quiet"]) ?? ""
      #expect(message == "/etc/passwd changed since the parts were computed (its SHA-256 differs)", "\(message)")
    }
    // Run from another folder: the relative scenario is named as such.
    let r0 = try naming("r0.json", p0, scenario: "elsewhere/s.yaml"), r1 = try naming("r1.json", p1, scenario: "elsewhere/s.yaml")
    #expect(failureMessage(["merge", r0, r1, "-o", out, "--quiet"])
            == "elsewhere/s.yaml: no such file; the parts name it relative to the folder the shards ran in: run merge there")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test("unknown CSV columns are one line in the header's order, capped at 8 (they were a line each, in another order on every run); a header of 2 million fields and more than 200,000 rows are refused")
  func csvColumns() throws {
    let dir = Workspace()
    let path = try dir.write("u.csv", "id,hourz,failed,zeta,alpha,beta,gamma,delta,eps,phi,chi,psi,omega\n")
    let message = "\(try #require(failureMessage(["fit", path])))"
    #expect(message.hasPrefix("\(path):1: unknown columns 'hourz' (did you mean 'hours'?), 'zeta', 'alpha', 'beta', 'gamma', 'delta', 'eps', 'phi' and 3 more; columns: id, hours"), "\(message)")
    let wide = try dir.write("w.csv", "id,hours,failed," + (0..<2_000_000).map { "c\($0)" }.joined(separator: ",") + "\n")
    #expect(failureMessage(["fit", wide]) == "\(wide):1: the header has more than 64 fields; a field log has at most 11 columns: id, hours, time, installed, removed, failed, mode, entered, observed_from, failed_after, failed_before")
    var rows = "id,hours,failed\n"
    rows.reserveCapacity(3_000_000)
    for i in 0...FieldLog.maximumRows { rows += "u\(i),10,false\n" }
    let long = try dir.write("long.csv", rows)
    #expect(failureMessage(["fit", long])?.hasPrefix("\(long):200002: more than 200000 rows; cposim fits logs of at most that many units") == true)
  }

  @Test("a FIFO with no writer and /dev/null are 'empty' (the FIFO blocked in open(), /dev/null was 'cannot read as UTF-8'), and a scenario is read from /dev/stdin with its relative paths taken from the current folder")
  func streams() throws {
    let dir = Workspace()
    let fifo = dir.path("f.yaml")
    #expect(mkfifo(fifo, 0o600) == 0)
    let empty = "is empty: nothing was written to it (a FIFO with no writer, /dev/null, an empty standard input)"
    #expect(Self.loadMessage(fifo) == "\(fifo): \(empty)")
    #expect(Self.loadMessage("/dev/null") == "/dev/null: \(empty)")
    let csvFIFO = dir.path("f.csv")
    #expect(mkfifo(csvFIFO, 0o600) == 0)
    #expect(failureMessage(["fit", csvFIFO])?.contains("the file is empty") == true)
    #expect(InputFile.isStream("/dev/stdin") && InputFile.isStream(fifo) && !InputFile.isStream(dir.url.path))
    #expect(ScenarioLoader.folder(of: "/dev/stdin").path == FileManager.default.currentDirectoryPath)
  }

  @Test("a price above its limit names the limit", arguments: [
    ("jobs[0].usd_per_gpu_hour", "2e6", "must be a price of 0 or more, at most 1000000 (got 2e6)"),
    ("costs.pue", "20", "must be at least 1 (a PUE below 1 is impossible), at most 10 (got 20)"),
  ])
  func priceLimit(_ key: String, _ value: String, _ expected: String) throws {
    let message = try #require(Self.loadMessage(Self.preset, overrides: [.init(keyPath: key, value: value)]))
    #expect(message.hasSuffix("\(key): \(expected)"), "\(message)")
  }

  /// A plain system of `count` parts, each with an uncertain MTBF over `range`.
  static func uncertainSystem(_ count: Int, range: (String, String) = ("1000h", "2000h"), bad: Int? = nil) -> String {
    var lines = [Workspace.catalogLine, "horizon: 1y", "trials: 10", "parts:"]
    for i in 0..<count {
      let low = i == bad ? "-5h" : range.0
      lines.append("  p\(i): {fru: f, source: estimate, modes: {m: {distribution: {kind: exponential, mtbf: {uncertain: uniform, low: \(low), high: \(range.1)}}, effect: hard, fix: replace}}}")
    }
    lines.append("system:")
    lines.append("  units: {" + (0..<count).map { "u\($0): {part: p\($0)}" }.joined(separator: ", ") + "}")
    lines.append("  structure: {series: [" + (0..<count).map { "u\($0)" }.joined(separator: ", ") + "]}")
    lines.append("repair:\n  workflows: {f: {action: hot-swap, clean_first: false, hands_on: 4h}}")
    return lines.joined(separator: "\n") + "\n"
  }

  @Test("1000 uncertain inputs validate with two reads of the scenario for their ends, not two each (300 took 71 s in a debug build, 1000 would take about 13 min); a bad end is still named alone")
  func manyUncertainInputs() throws {
    let dir = Workspace()
    let path = try dir.write("u.yaml", Self.uncertainSystem(1000))
    let scenario = try ScenarioLoader.load(path: path)
    #expect(scenario.uncertainInputs.count == 1000)
    let bad = try dir.write("bad.yaml", Self.uncertainSystem(40, bad: 17))
    let message = try #require(Self.loadMessage(bad))
    #expect(message.contains("bad.yaml:22: "), "\(message)")
    #expect(message.contains("parts.p17.modes.m.distribution.mtbf: the low end of the range (-5.0h) is not a valid value"), "\(message)")
    #expect(!message.contains("\n"), "\(message)")
  }

  @Test("sweep prints a cost's interval clipped at 0 and starred, as run does, never a negative bound for a metric no trial took below 0")
  func sweepClipsIntervals() throws {
    let dir = Workspace()
    let scenario = try dir.write("sw.yaml", """
      \(Workspace.catalogLine)
      horizon: 1y
      trials: 2
      parts:
        p: {fru: f, source: estimate, modes: {m: {distribution: {kind: exponential, mtbf: 3000h}, effect: hard, fix: replace}}}
      system: {units: {u: {part: p, count: 1}}, structure: {series: [u]}}
      repair:
        workflows: {f: {action: hot-swap, clean_first: false, hands_on: 400h}}
      """)
    let settings = [(keyPath: "horizon", value: "1y")]
    let points = [Sweep.Point(settings: settings, scenario: try ScenarioLoader.load(path: scenario, overrides: [.init(keyPath: "horizon", value: "1y")]))]
    let report = SweepReport(scenario: scenario, parameters: ["horizon"], results: try Sweep.run(points: points, trials: nil, seed: 3, threads: 1))
    // Two trials of a cost that is 0 in most years: the Student t interval reaches below 0.
    let cost = try #require(report.rows.first { $0.metric == "total_cost_usd_per_year" }).estimate
    #expect(cost.ci95Low.value == 0, "the sweep's estimate keeps a cost's interval at 0 or more: \(cost.ci95Low.value)")
    let table = SweepTable.render(report)
    #expect(!table.contains("-$") && !table.contains("−$"), "\(table)")
  }
}
