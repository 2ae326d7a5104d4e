import ArgumentParser
import Foundation
import Testing
@testable import cposim
@testable import ReliabilityKit

/// The posterior block (joint draws read by the engine per trial), `compare --posterior` and
/// branches (issue 25; docs/inference.md).
@Suite("Posterior draws, compare under the posterior, branches")
struct PosteriorDrawsTests {
  static let fabric = """
    \(Workspace.catalogLine)
    horizon: 1y
    trials: 12
    fabric: {topology: leaf-spine, gpus: 256, switch_radix: 32, optics: pluggable, nic_link: copper}
    node_pool: {spare_nodes: 2, spare_swap_time: 5m, host_repair: 24h}
    jobs: [{name: train, gpus: 192, checkpoint_interval: 30m, restart_overhead: 5m, background_rate: 3.4e-3/d, uplink_interrupt_probability: 0.5, flap_tolerance: 30s}]
    """

  /// A posterior of two fabric inputs with `n` rows that differ (the background rate spans a
  /// decade, the probability moves with it).
  static func posteriorBlock(rows n: Int) -> String {
    var lines = ["posterior:", "  keys: [\"jobs[0].background_rate\", \"jobs[0].uplink_interrupt_probability\"]", "  units: [/d, \"\"]",
                 "  provenance: {method: test}", "  draws:"]
    for i in 0..<n {
      let rate = 1e-3 * pow(10, Double(i) / Double(max(1, n - 1)))
      lines.append("    - [\(rate), \(0.1 + 0.8 * Double(i) / Double(max(1, n - 1)))]")
    }
    return lines.joined(separator: "\n")
  }

  func run(_ arguments: [String]) throws {
    var command = try CPOSim.parseAsRoot(arguments)
    try command.run()
  }

  // MARK: Loader errors

  @Test("malformed posterior blocks: unknown key path, wrong row length, non-finite values, a key also uncertain, an invalid value, each named with file, line, field and value")
  func loaderErrors() throws {
    let dir = Workspace()
    func message(_ block: String, jobs: String? = nil) throws -> String {
      var text = Self.fabric
      if let jobs { text = text.replacingOccurrences(of: "background_rate: 3.4e-3/d", with: jobs) }
      let path = try dir.write("p.yaml", text + "\n" + block + "\n")
      do {
        _ = try ScenarioLoader.load(path: path)
        return ""
      } catch {
        return error.description
      }
    }
    let unknown = try message("posterior:\n  keys: [\"jobs[0].no_such_rate\"]\n  units: [/d]\n  draws:\n    - [0.001]")
    #expect(unknown.contains("p.yaml:8") && unknown.contains("no_such_rate") && unknown.contains("unknown key"), "\(unknown)")
    let short = try message("posterior:\n  keys: [\"jobs[0].background_rate\", \"jobs[0].uplink_interrupt_probability\"]\n  units: [/d, \"\"]\n  draws:\n    - [0.001, 0.2]\n    - [0.002]")
    #expect(short.contains("p.yaml:12") && short.contains("posterior.draws[1]") && short.contains("has 1 values but posterior.keys names 2"), "\(short)")
    for bad in [".nan", ".inf", "1e999", "fast"] {
      let text = try message("posterior:\n  keys: [\"jobs[0].background_rate\"]\n  units: [/d]\n  draws:\n    - [0.001]\n    - [\(bad)]")
      #expect(text.contains("p.yaml:12") && text.contains("posterior.draws[1][0]") && text.contains("finite number") && text.contains("'\(bad)'"), "\(text)")
    }
    let twice = try message("posterior:\n  keys: [\"jobs[0].background_rate\"]\n  units: [/d]\n  draws:\n    - [0.001]",
                            jobs: "background_rate: {uncertain: lognormal, low: 1e-3/d, high: 1e-2/d}")
    #expect(twice.contains("p.yaml:8") && twice.contains("posterior.keys[0]") && twice.contains("also uncertain at"), "\(twice)")
    let invalid = try message("posterior:\n  keys: [\"jobs[0].uplink_interrupt_probability\"]\n  units: [\"\"]\n  draws:\n    - [0.3]\n    - [1.7]")
    #expect(invalid.contains("p.yaml:8") && invalid.contains("posterior.draws[1][0]") && invalid.contains("1.7"), "\(invalid)")
    let units = try message("posterior:\n  keys: [\"jobs[0].background_rate\"]\n  units: [/d, h]\n  draws:\n    - [0.001]")
    #expect(units.contains("posterior.units") && units.contains("one unit per key"), "\(units)")
    // And the command line says the same, with a non-zero exit and no stack trace.
    let path = try dir.write("q.yaml", Self.fabric + "\nposterior:\n  keys: [\"jobs[0].background_rate\"]\n  units: [/d]\n  draws:\n    - [.nan]\n")
    let cli = failureMessage(["run", path, "--quiet"])
    #expect(cli?.contains("q.yaml:11") == true && cli?.contains("posterior.draws[0][0]") == true, "\(cli ?? "nil")")
    // A posterior may move an input beyond its prior range (that is what evidence does): the
    // range does not bound the median the scenario holds, in the file or through --posterior.
    let ranged = try dir.write("r.yaml", Self.fabric + "\nranges:\n  jobs[0].uplink_interrupt_probability: [0.4, 0.6]\n")
    let outside = try dir.write("o.yaml", "extends: r.yaml\nposterior:\n  keys: [\"jobs[0].uplink_interrupt_probability\"]\n  units: [\"\"]\n  draws:\n    - [0.1]\n    - [0.2]\n")
    #expect(abs(try ScenarioLoader.load(path: outside).jobs[0].uplinkInterruptProbability - 0.1) < 1e-12)
    let applied = try ScenarioLoader.load(path: ranged, applying: try ScenarioLoader.posteriorSource(path: outside))
    #expect(abs(applied.jobs[0].uplinkInterruptProbability - 0.1) < 1e-12)
    // A well-formed block loads, each key at the draws' median.
    let good = try dir.write("g.yaml", Self.fabric + "\n" + Self.posteriorBlock(rows: 5) + "\n")
    let scenario = try ScenarioLoader.load(path: good)
    #expect(scenario.posterior?.rows.count == 5)
    #expect(abs(scenario.jobs[0].uplinkInterruptProbability - 0.5) < 1e-12)
    // describe lists the drawn keys with their 5/50/95 % over the draws (rows 0.1, 0.3, 0.5, 0.7, 0.9).
    let described = Describe.posteriorLines(scenario).joined(separator: "\n")
    #expect(described.contains("5 joint draws of 2 inputs") && described.contains("jobs[0].uplink_interrupt_probability")
      && described.contains("0.1") && described.contains("0.5") && described.contains("0.9"), "\(described)")
  }

  // MARK: Engine

  @Test("each trial runs with one row: trial i of the posterior scenario is trial i of the scenario with that row set; the row is a pure function of (seed, trial), and runs are byte-identical across threads and shards")
  func perTrialDraws() throws {
    let dir = Workspace()
    let path = try dir.write("p.yaml", Self.fabric + "\n" + Self.posteriorBlock(rows: 40) + "\n")
    let plainPath = try dir.write("plain.yaml", Self.fabric + "\n")
    let scenario = try ScenarioLoader.load(path: path)
    let posterior = try #require(scenario.posterior)
    let simulation = try Simulation(scenario: scenario)
    let metrics = TrialMetrics(simulation: simulation)
    let seeds = SeedSequence(master: 7)
    var rows = Set<Int>()
    for trial in 0..<6 {
      let row = posterior.rowIndex(trial: trial, seeds: seeds)
      #expect(row == posterior.rowIndex(trial: trial, seeds: SeedSequence(master: 7)))
      rows.insert(row)
      let fixed = try ScenarioLoader.load(path: plainPath, overrides: posterior.overrides(row: row).map {
        ScenarioLoader.Override(keyPath: $0.keyPath, value: $0.value)
      })
      let plain = try Simulation(scenario: fixed)
      let a = metrics.values(simulation.runTrial(trial, seed: 7))
      let b = TrialMetrics(simulation: plain).values(plain.runTrial(trial, seed: 7))
      #expect(a.elementsEqual(b) { $0 == $1 || ($0.isNaN && $1.isNaN) }, "trial \(trial), row \(row)")
    }
    #expect(rows.count > 1, "the trials took \(rows) rows")
    // Threads and shards: one run on one thread against three shards on two threads, merged.
    let single = dir.path("single.json")
    try run(["run", path, "-o", single, "--quiet", "--threads", "1"])
    var parts: [String] = []
    for i in 0..<3 {
      let part = dir.path("part-\(i).json")
      try run(["run", path, "--shard", "\(i)/3", "-o", part, "--quiet", "--threads", "2"])
      parts.append(part)
    }
    let merged = dir.path("merged.json")
    try run(["merge"] + parts + ["-o", merged, "--quiet"])
    #expect(try Data(contentsOf: URL(fileURLWithPath: single)) == Data(contentsOf: URL(fileURLWithPath: merged)))
    // The draws move the results: the run differs from the scenario at its medians.
    let central = try dir.write("c.yaml", Self.fabric.replacingOccurrences(of: "background_rate: 3.4e-3/d", with: "background_rate: \(posterior.medians[0])/d")
      .replacingOccurrences(of: "uplink_interrupt_probability: 0.5", with: "uplink_interrupt_probability: \(posterior.medians[1])"))
    let centralJSON = dir.path("central.json")
    try run(["run", central, "-o", centralJSON, "--quiet"])
    let interruptions = { (p: String) throws -> Double in
      let o = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: p))) as! [String: Any]
      return ((o["metrics"] as! [String: Any])["job_interruptions"] as! [String: Any])["mean"] as! Double
    }
    #expect(try interruptions(single) != interruptions(centralJSON))
  }

  @Test("paired: two different scenarios carrying the same posterior (their own block, or --posterior applied to both) take the same row in every trial")
  func paired() throws {
    let dir = Workspace()
    let block = Self.posteriorBlock(rows: 50)
    let a = try dir.write("a.yaml", Self.fabric + "\n" + block + "\n")
    let b = try dir.write("b.yaml", Self.fabric.replacingOccurrences(of: "optics: pluggable", with: "optics: cpo")
      .replacingOccurrences(of: "flap_tolerance: 30s", with: "flap_tolerance: 0") + "\n" + block + "\n")
    let plainB = try dir.write("plain-b.yaml", Self.fabric.replacingOccurrences(of: "optics: pluggable", with: "optics: cpo"))
    let pa = try #require(try ScenarioLoader.load(path: a).posterior)
    let pb = try #require(try ScenarioLoader.load(path: b).posterior)
    let source = try ScenarioLoader.posteriorSource(path: a)
    let pc = try #require(try ScenarioLoader.load(path: plainB, applying: source).posterior)
    let seeds = SeedSequence(master: 3)
    var distinct = Set<Int>()
    for trial in 0..<500 {
      let row = pa.rowIndex(trial: trial, seeds: seeds)
      #expect(row == pb.rowIndex(trial: trial, seeds: seeds) && row == pc.rowIndex(trial: trial, seeds: seeds))
      distinct.insert(row)
    }
    #expect(distinct.count == 50)
    // A scenario with a posterior of its own is not given another.
    let other = try dir.write("other.yaml", Self.fabric + "\n" + Self.posteriorBlock(rows: 7) + "\n")
    #expect(throws: InputErrors.self) { try ScenarioLoader.load(path: other, applying: source) }
  }

  @Test("the inputs drawn over many trials follow the weighted posterior: systematic resampling and the per-trial row choice keep every weighted quantile (tolerance from the number of trials and of draws)")
  func drawnQuantiles() throws {
    // A weighted sample of 1000 points on (0, 1) with weights ∝ x²(1 − x) (a Beta(3, 2)).
    let points = (0..<1000).map { (Double($0) + 0.5) / 1000 }
    let weights = points.map { $0 * $0 * (1 - $0) }
    let total = weights.reduce(0, +)
    let n = 2000, trials = 20_000
    let indices = PosteriorDraws.systematicResample(weights: weights, count: n, seed: 5)
    let draws = PosteriorDraws(keys: ["x"], units: [""], rows: indices.map { [points[$0]] })
    let seeds = SeedSequence(master: 9)
    let drawn = (0..<trials).map { draws.rows[draws.rowIndex(trial: $0, seeds: seeds)][0] }
    let wMax = weights.max()! / total
    for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
      // The weighted q-quantile: the smallest point with at least q of the weight at or below it.
      var cumulative = 0.0
      let quantile = zip(points, weights).first { cumulative += $1 / total; return cumulative >= q }!.0
      let share = weights.enumerated().filter { points[$0.offset] <= quantile }.reduce(0) { $0 + $1.element } / total
      // The share of trials at or below it: binomial over the trials (4 sd), plus the resampling's
      // CDF error (at most 1/n for systematic resampling).
      let observed = Double(drawn.filter { $0 <= quantile }.count) / Double(trials)
      let tolerance = 4 * (share * (1 - share) / Double(trials)).squareRoot() + 1.0 / Double(n)
      #expect(abs(observed - share) <= tolerance, "q \(q): quantile \(quantile), weight below \(share), trials below \(observed), tolerance \(tolerance)")
      #expect(share >= q && share < q + wMax + 1e-12)
    }
    // Systematic resampling: every point appears ⌊n·w⌋ or ⌈n·w⌉ times.
    var counts = [Int](repeating: 0, count: points.count)
    for i in indices { counts[i] += 1 }
    for (i, w) in weights.enumerated() {
      let expected = Double(n) * w / total
      #expect(Double(counts[i]) >= expected.rounded(.down) && Double(counts[i]) <= expected.rounded(.up), "point \(i): \(counts[i]) for \(expected)")
    }
  }

  // MARK: Compare

  /// Two plain systems of one unit whose parts never fail in practice: the total cost is the
  /// energy of the unit, so B (a 10 W part) is cheaper exactly when A's part draws above 10 W.
  static func systems(_ dir: Workspace, rows: [Double], branches: String = "") throws -> (String, String, String) {
    let parts = """
      parts:
        px: {fru: fx, source: estimate, power_w: 10, modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
        py: {fru: fy, source: estimate, power_w: 10, modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      repair:
        workflows: {fx: {action: hot-swap, clean_first: false, hands_on: 4h}, fy: {action: hot-swap, clean_first: false, hands_on: 4h}}
      """
    let a = try dir.write("a.yaml", "\(Workspace.catalogLine)\nname: a\nhorizon: 1y\ntrials: 10\n\(parts)\nsystem: {units: {u: {part: px, count: 1}}, structure: {series: [u]}}\n")
    let b = try dir.write("b.yaml", "\(Workspace.catalogLine)\nname: b\nhorizon: 1y\ntrials: 10\n\(parts)\nsystem: {units: {u: {part: py, count: 1}}, structure: {series: [u]}}\n")
    let post = try dir.write("post.yaml", "extends: a.yaml\nname: post\nposterior:\n  keys: [parts.px.power_w]\n  units: [\"\"]\n  draws:\n"
      + rows.map { "    - [\($0)]" }.joined(separator: "\n") + "\n" + branches)
    return (a, b, post)
  }

  @Test("compare --posterior: P(B cheaper) is the share of paired trials whose draw puts A's part above 10 W, counted by hand from the row choice, and near the posterior mass above 10 W; text, JSON (schema) and CSV carry it")
  func compareUnderPosterior() throws {
    let dir = Workspace()
    let rows = (1...25).map(Double.init)   // 15 of 25 rows above 10 W
    let (a, b, post) = try Self.systems(dir, rows: rows)
    let json = dir.path("c.json"), csv = dir.path("c.csv")
    let trials = 2000
    try run(["compare", a, b, "--posterior", post, "--trials", "\(trials)", "--seed", "4", "--quiet", "-o", json, "--csv", csv])
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json)))
    let validator = try JSONSchemaValidator(schemaAt: repositoryRoot.appendingPathComponent("schemas/comparison.schema.json"))
    #expect(validator.validate(object) == [])
    let report = object as! [String: Any]
    let p = ((report["probability_better"] as! [String: Any])["b"] as! [String: Any])["total_cost_usd_per_year"] as! [String: Any]
    let posterior = try #require(try ScenarioLoader.load(path: post).posterior)
    let seeds = SeedSequence(master: 4)
    let above = (0..<trials).filter { posterior.rows[posterior.rowIndex(trial: $0, seeds: seeds)][0] > 10 }.count
    #expect(p["p"] as! Double == Double(above) / Double(trials), "\(p) against \(above) of \(trials)")
    let mass = 15.0 / 25
    #expect(abs(p["p"] as! Double - mass) <= 4 * (mass * (1 - mass) / Double(trials)).squareRoot())
    let summary = report["posterior"] as! [String: Any]
    #expect(summary["draws"] as? Int == 25 && (summary["keys"] as? [String]) == ["parts.px.power_w"])
    #expect(try String(contentsOfFile: csv, encoding: .utf8).contains("b - a,total_cost_usd_per_year,p_better,\(TidyTable.number(Double(above) / Double(trials)))"))
  }

  @Test("branches: each branch runs under the same draws; a branch that makes B's part 5 W makes B cheaper in every trial, one at 30 W dearer in every trial, with the cost difference the energy arithmetic gives")
  func branchTable() throws {
    let dir = Workspace()
    let branches = """
      branches:
        b-frugal: {set: {parts.py.power_w: "5"}, note: "B's part at 5 W", source: test}
        b-hungry: {set: {parts.py.power_w: "30"}, note: "B's part at 30 W"}
      """
    let (a, b, post) = try Self.systems(dir, rows: [8, 9, 11, 12], branches: branches)
    let json = dir.path("c.json")
    try run(["compare", a, b, "--posterior", post, "--trials", "200", "--seed", "4", "--quiet", "-o", json])
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json)))
    let validator = try JSONSchemaValidator(schemaAt: repositoryRoot.appendingPathComponent("schemas/comparison.schema.json"))
    #expect(validator.validate(object) == [])
    let list = (object as! [String: Any])["branches"] as! [[String: Any]]
    #expect(list.map { $0["name"] as! String } == ["b-frugal", "b-hungry"])
    let base = try ScenarioLoader.load(path: b)
    // Energy per year of 1 W at the scenario's price and PUE.
    let perWatt = 8.76 * base.costs.electricityUSDPerKWh * base.costs.pue
    let posterior = try #require(try ScenarioLoader.load(path: post).posterior)
    let seeds = SeedSequence(master: 4)
    let meanA = (0..<200).map { posterior.rows[posterior.rowIndex(trial: $0, seeds: seeds)][0] }.reduce(0, +) / 200
    for (branch, watts, p) in [(list[0], 5.0, 1.0), (list[1], 30.0, 0.0)] {
      let probability = (branch["probability_cheaper"] as! [String: Any])["b"] as! [String: Any]
      #expect(probability["p"] as! Double == p, "\(branch)")
      let mean = ((branch["differences"] as! [String: Any])["b"] as! [String: Any])["mean"] as! Double
      #expect(abs(mean - (watts - meanA) * perWatt) <= 1e-6 * abs(mean), "\(branch["name"]!): \(mean) against \((watts - meanA) * perWatt)")
    }
    let verdicts = ((object as! [String: Any])["verdicts"] as! [String]).joined(separator: "\n")
    #expect(verdicts.contains("b vs a if b-frugal: total cost per year") && verdicts.contains("P(b cheaper) = 1.00")
      && verdicts.contains("b vs a if b-hungry") && verdicts.contains("P(b cheaper) = 0.00"), "\(verdicts)")
    // A branch may not set what the posterior draws.
    let clash = try dir.write("clash.yaml", "extends: post.yaml\nname: clash\nbranches:\n  x: {set: {parts.px.power_w: \"3\"}, note: n}\n")
    let message = failureMessage(["compare", a, b, "--posterior", clash, "--trials", "2", "--quiet"])
    #expect(message?.contains("the posterior draws parts.px.power_w") == true, "\(message ?? "nil")")
  }
}

