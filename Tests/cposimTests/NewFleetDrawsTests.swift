import Foundation
import Testing
import ReportPages
@testable import cposim
@testable import ReliabilityKit

/// `infer --write-scenario` under the hierarchical model writes the draws of the user's cluster:
/// a new fleet of the population (or the `--fleet` named), each rate several fleets inform
/// mapped onto the scenario keys that set it (docs/inference.md, "Your cluster in the written
/// posterior").
@Suite("new-fleet draws in the written posterior")
struct NewFleetDrawsTests {
  static let hoursPerYear = 8760.0

  func run(_ arguments: [String]) throws {
    var command = try CPOSim.parseAsRoot(arguments)
    try command.run()
  }

  /// Three operators' counts of one rate over 1e8 part-hours, at 1e-6, 4e-6 and 2.5e-7 per hour:
  /// fleets a factor 4 apart, so sigma is near 1 and a new fleet's rate spans about two decades.
  static func fleets(_ dir: Workspace, part: String, mode: String, perUnit: Int = 1, counts: [Int] = [100, 400, 25],
                     hours: Double = 1e8) throws -> [String] {
    try counts.enumerated().map { k, count in
      try dir.write("fleet\(k).yaml", """
        fleet: operator-\(k)
        source: operator-telemetry
        items:
          - {name: op\(k), counted: failures, part: \(part), mode: \(mode), per_unit: \(perUnit), count: \(count), exposure: {unit_hours: \(hours)}}
        """)
    }
  }

  /// The share of `xs` at or below `x`.
  static func cdf(_ xs: [Double], _ x: Double) -> Double { Double(xs.filter { $0 <= x }.count) / Double(xs.count) }

  /// The written draws against infer's printed new-fleet rate: at each printed quantile q, the
  /// share of draws below it is q within 4 standard errors of the two samples' difference
  /// (the printed quantiles come from `Inference.fleetCheckDraws` draws, the written ones are N).
  static func expectMatches(_ rates: [Double], _ printed: [String: Double], _ label: String) {
    let n = Double(rates.count), m = Double(Inference.fleetCheckDraws)
    for (key, q) in [("p5", 0.05), ("p50", 0.5), ("p95", 0.95)] {
      let share = cdf(rates, printed[key]!)
      let tolerance = 4 * (q * (1 - q) * (1 / n + 1 / m)).squareRoot()
      #expect(abs(share - q) <= tolerance, "\(label): \(share) of the draws below the printed \(key) \(printed[key]!), expected \(q) ± \(tolerance)")
    }
  }

  static func load(_ dir: Workspace, _ json: String, _ written: String) throws -> ([String: Any], PosteriorDraws, String) {
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
    let loaded = try ScenarioLoader.load(path: written)
    return (report, try #require(loaded.posterior), try String(contentsOfFile: written, encoding: .utf8))
  }

  @Test("a new fleet: the written laser AFR, as a rate, spreads as infer's new-fleet interval for that mode (not as the population's), and the provenance says so")
  func newFleetSpread() throws {
    let (dir, scenario) = try InferCommandTests.workspace()
    let evidence = try Self.fleets(dir, part: "pluggable-800g", mode: "laser-wearout")
    let (json, written) = (dir.path("o.json"), dir.path("p.yaml"))
    try run(["infer", scenario] + evidence.flatMap { ["--evidence", $0] }
      + ["--vary", "parts.pluggable-800g.modes.laser-wearout.distribution.afr=0.01%..20%", "--population", "300", "--seed", "5",
         "--draws", "2000", "--quiet", "--date", "2026-12-07", "-o", json, "--write-scenario", written])
    let (report, draws, text) = try Self.load(dir, json, written)
    #expect(report["model"] as? String == "hierarchical")
    let spread = (report["fleet_spreads"] as! [[String: Any]])[0]
    #expect(spread["rate"] as? String == "pluggable-800g/laser-wearout")
    #expect(draws.keys == ["parts.pluggable-800g.modes.laser-wearout.distribution.afr"] && draws.rows.count == 2000)
    let rates = draws.rows.map { $0[0] / 100 / Self.hoursPerYear }
    Self.expectMatches(rates, spread["new_fleet_rate"] as! [String: Double], "new fleet")
    // The population's rate is far narrower: its 5 % is well above a new fleet's.
    let population = spread["population_rate"] as! [String: Double]
    #expect(Self.cdf(rates, population["p5"]!) > 0.15, "the draws are a new fleet's, wider than the population's")
    #expect(text.contains("draws_for: \"a new fleet drawn from the population of fleets"))
    #expect(text.contains("fleet_effects: [\"pluggable-800g/laser-wearout: a new fleet's e^(sigma eps) on parts.pluggable-800g.modes.laser-wearout.distribution.afr x m\"]"))
  }

  @Test("a part's hard modes: every hard mode is scaled by the same multiplier (the ones no --vary names are added as keys at the scenario's value times it), and the part's total rate spreads as the printed new-fleet rate")
  func hardModes() throws {
    let (dir, scenario) = try InferCommandTests.workspace()
    // Per module-hour: 2 modules a link, so 2e8 module-hours.
    let evidence = try Self.fleets(dir, part: "pluggable-800g", mode: "null", perUnit: 2, counts: [400, 1600, 100])
    let (json, written) = (dir.path("o.json"), dir.path("p.yaml"))
    try run(["infer", scenario] + evidence.flatMap { ["--evidence", $0] }
      + ["--vary", "parts.pluggable-800g.modes.laser-wearout.distribution.afr=0.01%..20%", "--population", "300", "--seed", "6",
         "--draws", "2000", "--quiet", "--date", "2026-12-07", "-o", json, "--write-scenario", written])
    let (report, draws, _) = try Self.load(dir, json, written)
    let prefix = "parts.pluggable-800g.modes."
    #expect(draws.keys == [prefix + "laser-wearout.distribution.afr", prefix + "electronics-other.distribution.afr",
                           prefix + "contamination.distribution.afr"], "\(draws.keys)")
    #expect(draws.units == ["%", "%", "%"])
    // The catalog's 0.11 % and 0.48 %: each row's two added modes carry one multiplier.
    for row in draws.rows { #expect(abs((row[1] / 0.11) / (row[2] / 0.48) - 1) < 1e-4, "\(row)") }
    let total = draws.rows.map { ($0[0] + $0[1] + $0[2]) / 100 / Self.hoursPerYear }
    let spread = (report["fleet_spreads"] as! [[String: Any]])[0]
    #expect(spread["rate"] as? String == "pluggable-800g (hard modes)")
    Self.expectMatches(total, spread["new_fleet_rate"] as! [String: Double], "hard modes")
    // The scenario holds each key's median and names it calibrated.
    let loaded = try ScenarioLoader.load(path: written)
    let contamination = loaded.inputs.first { $0.keyPath == prefix + "contamination.distribution.afr" }
    #expect(contamination?.provenance.className == "calibrated" && contamination?.range != nil)
  }

  @Test("the user's fleet pins its rate: with --fleet, the written MTBF (divided by the multiplier) gives that fleet's own rate, 4e-6 per hour from 400 failures, as infer prints it")
  func pinnedFleet() throws {
    let dir = Workspace()
    let scenario = try dir.write("s.yaml", Workspace.smallScenario(optics: "cpo"))
    var evidence = try Self.fleets(dir, part: "cpo-optical-engine", mode: "engine-failure")
    evidence.append(try dir.write("mine.yaml", """
      fleet: mine
      source: operator-telemetry
      items:
        - {name: my-engines, counted: failures, part: cpo-optical-engine, mode: engine-failure, count: 400, exposure: {unit_hours: 1e8}}
      """))
    evidence.append(try dir.write("lowest.yaml", """
      fleet: operator-9
      source: operator-telemetry
      items:
        - {name: op9, counted: failures, part: cpo-optical-engine, mode: engine-failure, count: 60, exposure: {unit_hours: 1e8}}
      """))
    let (json, written) = (dir.path("o.json"), dir.path("p.yaml"))
    try run(["infer", scenario] + evidence.flatMap { ["--evidence", $0] }
      + ["--vary", "parts.cpo-optical-engine.modes.engine-failure.distribution.mtbf=20000h..20000000h", "--population", "300",
         "--seed", "7", "--draws", "2000", "--fleet", "mine", "--quiet", "-o", json, "--write-scenario", written])
    let (report, draws, text) = try Self.load(dir, json, written)
    let spread = (report["fleet_spreads"] as! [[String: Any]])[0]
    #expect(spread["pinned_by_user_fleet"] as? Bool == true)
    let rates = draws.rows.map { 1 / $0[0] }
    Self.expectMatches(rates, spread["new_fleet_rate"] as! [String: Double], "pinned")
    // 400 failures in 1e8 h: the median within 4 Poisson standard errors (5 % each) of 4e-6.
    let median = rates.sorted()[rates.count / 2]
    #expect(abs(median / 4e-6 - 1) < 4 / 400.0.squareRoot(), "\(median)")
    #expect(text.contains("draws_for: \"the cluster of fleet mine: its own rates where its items pin them"))
    #expect(text.contains("engine-failure.distribution.mtbf / m"))
  }

  @Test("the pooled model, and a spread near 0, give the population's draws: no key added, the first key's quantiles within 1/N of the weighted posterior's")
  func pooledAndNoSpread() throws {
    let (dir, scenario) = try InferCommandTests.workspace()
    let evidence = try Self.fleets(dir, part: "pluggable-800g", mode: "null", perUnit: 2, counts: [400, 1600, 100])
    let vary = ["--vary", "parts.pluggable-800g.modes.laser-wearout.distribution.afr=0.01%..20%", "--population", "300", "--seed", "6",
                "--draws", "2000", "--quiet"]
    for (label, options) in [("pooled", ["--pooled"]), ("spread near 0", ["--fleet-spread", "0.0001"])] {
      let (json, written) = (dir.path("\(label).json"), dir.path("\(label).yaml"))
      try run(["infer", scenario] + evidence.flatMap { ["--evidence", $0] } + vary + options + ["-o", json, "--write-scenario", written])
      let (report, draws, text) = try Self.load(dir, json, written)
      let input = (report["inputs"] as! [[String: Any]])[0]
      let afr = draws.rows.map { $0[0] }
      // The resampled first key is within 1/N of cumulative weight of the weighted quantiles
      // (and, with sigma at most 4e-4, the multipliers move it by less than 0.2 %).
      for (key, q) in [("p5", 0.05), ("p50", 0.5), ("p95", 0.95)] {
        let x = input[key] as! Double
        #expect(Self.cdf(afr, x * 1.002) >= q - 1.0 / 2000 && Self.cdf(afr, x * 0.998) <= q + 1.0 / 2000 + 1e-9, "\(label) \(key)")
      }
      if label == "pooled" {
        #expect(draws.keys.count == 1 && text.contains("draws_for: \"the posterior points (the pooled model"))
      } else {
        // The added modes stay at the catalog's values.
        #expect(draws.keys.count == 3)
        for row in draws.rows { #expect(abs(row[1] / 0.11 - 1) < 2e-3 && abs(row[2] / 0.48 - 1) < 2e-3, "\(row)") }
      }
    }
  }

  @Test("a rate whose key the scenario draws as {uncertain:} is refused with the evidence item and the key, not dropped")
  func uncertainKeyRefused() throws {
    let dir = Workspace()
    let scenario = try dir.write("s.yaml", Workspace.smallScenario("""
      parts:
        pluggable-800g:
          modes:
            contamination: {distribution: {afr: {uncertain: lognormal, low: 0.26%, high: 0.95%}}}
      """))
    let evidence = try Self.fleets(dir, part: "pluggable-800g", mode: "null", perUnit: 2, counts: [400, 1600, 100])
    let message = failureMessage(["infer", scenario] + evidence.flatMap { ["--evidence", $0] }
      + ["--vary", "parts.pluggable-800g.modes.laser-wearout.distribution.afr=0.01%..20%", "--population", "50", "--rounds", "1",
         "--quiet", "--write-scenario", dir.path("p.yaml")])
    #expect(message?.contains("fleet effect of pluggable-800g (hard modes)") == true, "\(message ?? "no error")")
    #expect(message?.contains("contamination.distribution.afr' is {uncertain:} in the scenario") == true, "\(message ?? "no error")")
  }
  @Test("--same-rate: the CPO board's hardware mode takes the pluggable board's varied value and fleet effect (both 2.6 % in the catalog: equal in every row), and LPO's hard modes take the pluggable module's, mode by mode")
  func sameRate() throws {
    let (dir, scenario) = try InferCommandTests.workspace()
    let boards = try Self.fleets(dir, part: "switch-board", mode: "board-hardware", counts: [300, 1200, 75])
    let (json, written) = (dir.path("o.json"), dir.path("p.yaml"))
    try run(["infer", scenario] + boards.flatMap { ["--evidence", $0] }
      + ["--vary", "parts.switch-board.modes.board-hardware.distribution.afr=0.1%..20%", "--population", "200", "--seed", "4",
         "--draws", "500", "--quiet", "--same-rate", "cpo-switch-board/board-hardware=switch-board/board-hardware",
         "-o", json, "--write-scenario", written])
    let (_, draws, text) = try Self.load(dir, json, written)
    #expect(draws.keys == ["parts.switch-board.modes.board-hardware.distribution.afr", "parts.cpo-switch-board.modes.board-hardware.distribution.afr"])
    for row in draws.rows { #expect(abs(row[1] / row[0] - 1) < 1e-5, "\(row)") }
    #expect(text.contains("parts.cpo-switch-board.modes.board-hardware.distribution.afr x m (and as parts.switch-board.modes.board-hardware.distribution.afr moves)"))

    let modules = try Self.fleets(dir, part: "pluggable-800g", mode: "null", perUnit: 2, counts: [400, 1600, 100])
    let (json2, written2) = (dir.path("o2.json"), dir.path("p2.yaml"))
    try run(["infer", scenario] + modules.flatMap { ["--evidence", $0] }
      + ["--vary", "parts.pluggable-800g.modes.laser-wearout.distribution.afr=0.01%..20%", "--population", "200", "--seed", "4",
         "--draws", "500", "--quiet", "--same-rate", "lpo-800g=pluggable-800g", "-o", json2, "--write-scenario", written2])
    let (_, d2, _) = try Self.load(dir, json2, written2)
    let column = Dictionary(uniqueKeysWithValues: d2.keys.enumerated().map { ($1, $0) })
    func at(_ part: String, _ mode: String) -> Int { column["parts.\(part).modes.\(mode).distribution.afr"]! }
    #expect(d2.keys.count == 6, "\(d2.keys)")
    for row in d2.rows {
      // Lasers: the same varied value (both 1.00 %); the others: each its own value times one m.
      #expect(abs(row[at("lpo-800g", "laser-wearout")] / row[at("pluggable-800g", "laser-wearout")] - 1) < 1e-5)
      let m = row[at("pluggable-800g", "contamination")] / 0.48
      #expect(abs(row[at("lpo-800g", "contamination")] / 0.48 / m - 1) < 1e-4 && abs(row[at("lpo-800g", "electronics-other")] / 0.06 / m - 1) < 1e-4, "\(row)")
    }
    let message = failureMessage(["infer", scenario] + modules.flatMap { ["--evidence", $0] }
      + ["--vary", "parts.pluggable-800g.modes.laser-wearout.distribution.afr=0.01%..20%", "--population", "20", "--rounds", "1",
         "--quiet", "--same-rate", "lpo-800g/laser-wearout=pluggable-800g", "--write-scenario", dir.path("p3.yaml")])
    #expect(message?.contains("'--same-rate' must look like PART/MODE=PART/MODE or PART=PART") == true, "\(message ?? "no error")")
  }

  @Test("one spread, not two: under the hierarchical model an item's stated spread (a negative binomial between fleets) is replaced by the learnt sigma, so the same counts with and without 'spread: 0.5' give the same sigma and new-fleet rate (counted twice, sigma came out smaller); --pooled keeps the stated spread")
  func statedSpreadReplaced() throws {
    let (dir, scenario) = try InferCommandTests.workspace()
    func files(_ spread: String) throws -> [String] {
      try [100, 400, 25].enumerated().map { k, count in
        try dir.write("s\(spread)-\(k).yaml", """
          fleet: operator-\(k)
          source: operator-telemetry
          items:
            - {name: op\(k), counted: failures, part: pluggable-800g, mode: laser-wearout, count: \(count), exposure: {unit_hours: 1e8}\(spread)}
          """)
      }
    }
    let with = try files(", spread: 0.5"), without = try files("")
    func report(_ evidence: [String], _ options: [String], _ name: String) throws -> [String: Any] {
      let json = dir.path(name)
      try run(["infer", scenario] + evidence.flatMap { ["--evidence", $0] }
        + ["--vary", "parts.pluggable-800g.modes.laser-wearout.distribution.afr=0.01%..20%", "--population", "200", "--seed", "9",
           "--quiet", "-o", json] + options)
      return try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
    }
    let a = try report(with, [], "a.json"), b = try report(without, [], "b.json")
    let sa = (a["fleet_spreads"] as! [[String: Any]])[0], sb = (b["fleet_spreads"] as! [[String: Any]])[0]
    #expect(sa["sigma"] as! [String: Double] == sb["sigma"] as! [String: Double], "\(sa["sigma"]!) against \(sb["sigma"]!)")
    #expect(sa["new_fleet_rate"] as! [String: Double] == sb["new_fleet_rate"] as! [String: Double])
    #expect((a["method"] as! String).contains("the stated spread of op0, op1, op2 replaced by the learnt sigma"), "\(a["method"]!)")
    // Pooled: the stated spread widens the posterior of the one rate (negative binomials of CV
    // 0.5 against Poisson counts of 25-400).
    let pa = (try report(with, ["--pooled"], "pa.json")["inputs"] as! [[String: Any]])[0]
    let pb = (try report(without, ["--pooled"], "pb.json")["inputs"] as! [[String: Any]])[0]
    #expect((pa["sd"] as! Double) > 3 * (pb["sd"] as! Double), "\(pa["sd"]!) against \(pb["sd"]!)")
  }
}


/// The posterior and the branches wherever a scenario or a comparison is shown.
@Suite("posterior and branches in describe --json and the comparison page")
struct PosteriorShownTests {
  @Test("describe --json carries the posterior block's summary (keys, units, draws, 5/50/95 %, provenance) and the branches")
  func describeJSON() throws {
    let path = repositoryRoot.appendingPathComponent("Scenarios/posterior-16k.yaml").path
    let scenario = try ScenarioLoader.load(path: path)
    let p = try #require(scenario.posterior)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(try JSONOutput.string(try Inventory(scenario: scenario)).utf8)) as? [String: Any])
    let posterior = try #require(json["posterior"] as? [String: Any])
    #expect(posterior["keys"] as? [String] == p.keys && posterior["units"] as? [String] == p.units)
    #expect(posterior["draws"] as? Int == p.rows.count)
    let quantiles = try #require(posterior["quantiles"] as? [String: [String: Double]])
    for (k, key) in p.keys.enumerated() {
      #expect(quantiles[key]?["p50"] == p.quantile(0.5, key: k) && quantiles[key]!["p5"]! <= quantiles[key]!["p95"]!)
    }
    let provenance = try #require(posterior["provenance"] as? [String: String])
    #expect(provenance["seed"] != nil && provenance["evidence"]?.contains("Evidence/") == true)
    let branches = try #require(json["branches"] as? [[String: Any]])
    #expect(branches.map { $0["name"] as! String } == scenario.branches.map(\.name))
    let minutes = try #require(branches.first(where: { $0["name"] as? String == "cpo-flaps-minutes" }))
    let set = minutes["set"] as? [String: String]
    #expect(set?["parts.cpo-optical-engine.modes.link-flap.flap_duration.median"] == "5m")
    // A scenario without either: null and an empty list.
    let plain = try Inventory(scenario: ScenarioLoader.load(path: repositoryRoot.appendingPathComponent("Scenarios/cluster-16k-pluggable.yaml").path))
    let none = try #require(try JSONSerialization.jsonObject(with: Data(try JSONOutput.string(plain).utf8)) as? [String: Any])
    #expect(none["posterior"] is NSNull && (none["branches"] as? [Any])?.isEmpty == true)
  }

  @Test("the comparison page of a compare under a posterior shows P(B cheaper | evidence), the drawn inputs and the verdict per branch")
  func comparisonPage() throws {
    let dir = Workspace()
    let small = repositoryRoot.appendingPathComponent("Notebooks-export/scenarios")
    let json = dir.path("c.json")
    var command = try CPOSim.parseAsRoot(["compare", small.appendingPathComponent("small-pluggable.yaml").path,
                                          small.appendingPathComponent("small-cpo.yaml").path, "--posterior",
                                          repositoryRoot.appendingPathComponent("Scenarios/posterior-16k.yaml").path,
                                          "--trials", "4", "--quiet", "-o", json])
    try command.run()
    let page = try HTMLReport.render(file: json)
    let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
    let alternative = (report["scenarios"] as! [String: Any]).keys.first { $0 != report["baseline"] as? String }!
    #expect(page.contains("P(\(alternative) cheaper | evidence)"))
    #expect(page.contains("Under the posterior") && page.contains("jobs[0].uplink_interrupt_probability"))
    #expect(page.contains("Branches: what no fleet measured"))
    let branches = report["branches"] as! [[String: Any]]
    #expect(!branches.isEmpty)
    for b in branches {
      let name = b["name"] as! String
      #expect(page.contains("<td>\(name)</td>"), "branch \(name) missing from the page")
      let p = ((b["probability_cheaper"] as! [String: Any])[alternative] as! [String: Any])["p"] as! Double
      #expect(page.contains(String(format: "%.2f", p)))
    }
  }
}
