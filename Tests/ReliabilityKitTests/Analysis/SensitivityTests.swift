import Foundation
import Testing
@testable import ReliabilityKit

/// The tornado of a toy comparison whose cost difference is linear in every input, so each swing
/// has a closed form.
///
/// A is one unit drawing P_A watts (an uncertain input, triangular on [80, 140] W with its mode at
/// 90 W) that never fails. B is ten units of 6 W in parallel, each failing at MTBF 1000 h and
/// hot-swapped in a minute; each swap buys a spare at `unit_cost_usd`. Labour is free. Over one
/// year: B − A = (10 · P_B − P_A) · 8760 · PUE · price / 1000 + swaps · unit cost, with
/// E[swaps] = 10 · 8760 / 1000 (less 2e-5 for the minute of downtime per swap).
@Suite("Analysis: sensitivity")
struct SensitivityTests {
  /// $ per year per watt at `price` $/kWh and `pue`: 8760 h × PUE × price / 1000.
  static func energyPerWatt(price: Double = 0.1, pue: Double = 1.5) -> Double { 8760 * pue * price / 1000 }
  /// Expected swaps per year: 10 units at 1000 h MTBF (their minute of downtime shifts it by 2e-5).
  static let swapsPerYear = 10 * 8760 / 1000.0
  /// The median of the triangular range of A's power: high − √((1 − ½)·(high − low)·(high − mode)).
  static let medianA = 140 - (0.5 * 60 * 50).squareRoot()
  static let unitCost = 0.35

  static func files() -> (directory: TemporaryDirectory, a: String, b: String) {
    let directory = TemporaryDirectory()
    directory.write("FailureData/parts.yaml", testCatalog)
    let common = """
      horizon: 1y
      trials: 200
      seed: 11
      costs: {electricity_usd_per_kwh: 0.1, pue: 1.5, technician_usd_per_hour: 0, dispatch_fee_usd: 0}
      """
    let a = directory.write("a.yaml", common + """

      name: a
      parts:
        pa: {fru: pa, power_w: {uncertain: triangular, low: 80, high: 140, mode: 90}, source: estimate}
      system: {units: {u: {part: pa}}}
      ranges:
        costs.electricity_usd_per_kwh: [0.08, 0.25]
        costs.pue: [1.2, 1.8]
      """)
    let b = directory.write("b.yaml", common + """

      name: b
      parts:
        pb: {fru: pb, power_w: 6, unit_cost_usd: \(unitCost), source: estimate,
             modes: {fail: {distribution: {kind: exponential, mtbf: 1000h}}}}
      system: {units: {u: {part: pb, count: 10}}, structure: {parallel: [u]}}
      repair:
        detection: 0
        verification: 0
        technicians: {count: 20}
        workflows: {pb: {action: hot-swap, clean_first: false, hands_on: 1m}}
      ranges:
        costs.electricity_usd_per_kwh: [0.08, 0.25]
        costs.pue: [1.2, 1.8]
        parts.pb.power_w: [4, 9]
        parts.pb.unit_cost_usd: [0.1, 1.5]
      """)
    return (directory, a, b)
  }

  static func run(metric: String = "total_cost_usd_per_year", threads: Int = 2) throws -> Sensitivity.Result {
    let (directory, a, b) = files()
    return try withExtendedLifetime(directory) {
      try Sensitivity.run(baseline: try ScenarioLoader.loadWithTemplate(path: a), alternative: try ScenarioLoader.loadWithTemplate(path: b),
                          metric: metric, trials: nil, seed: nil, threads: threads)
    }
  }

  /// B − A per year, expected, at the given inputs.
  static func expected(price: Double = 0.1, pue: Double = 1.5, powerA: Double = medianA, powerB: Double = 60, cost: Double = unitCost) -> Double {
    (powerB - powerA) * energyPerWatt(price: price, pue: pue) + swapsPerYear * cost
  }

  @Test("inputs are the union of both scenarios' ranges and uncertain inputs; a shared key moves both, another only its own")
  func inputs() throws {
    let (directory, a, b) = Self.files()
    let scenarios = try withExtendedLifetime(directory) { [try ScenarioLoader.load(path: a), try ScenarioLoader.load(path: b)] }
    let inputs = Sensitivity.inputs(of: scenarios)
    #expect(inputs.map(\.keyPath) == ["costs.electricity_usd_per_kwh", "costs.pue", "parts.pa.power_w", "parts.pb.power_w",
                                      "parts.pb.unit_cost_usd"])
    #expect(inputs.map { $0.bounds.map { $0 != nil } } == [[true, true], [true, true], [true, false], [false, true], [false, true]])
    let uncertain = inputs[2]
    #expect(uncertain.origin == .uncertain && uncertain.shown.low == "80.0" && uncertain.shown.high == "140.0")
    #expect(abs(Double(uncertain.shown.central)! - Self.medianA) < 1e-9, "held at the median, not the mode (90)")
    #expect(inputs[0].origin == .scenario && inputs[0].shown == Sensitivity.Bounds(low: "0.08", central: "0.1", high: "0.25"))
    #expect(inputs[0].provenance == "unstated")
  }

  @Test("the tornado of a linear toy comparison equals its analytic swings, ranked, with the inputs that flip the sign",
        .tags(.statistical))
  func linearTornado() throws {
    let result = try Self.run()
    let n = Double(result.trials)
    let e = Self.energyPerWatt()
    // Deterministic lines (energy) move B − A by the same amount in every trial: exact swings.
    let exact: [String: Double] = [
      "costs.electricity_usd_per_kwh": abs(Self.expected(price: 0.25) - Self.expected(price: 0.08)),
      "costs.pue": abs(Self.expected(pue: 1.8) - Self.expected(pue: 1.2)),
      "parts.pa.power_w": 60 * e,
      "parts.pb.power_w": 10 * 5 * e,
    ]
    for (key, swing) in exact {
      let r = try #require(result.inputs.first { $0.input.keyPath == key })
      #expect(abs(r.swing - swing) <= 1e-9 * swing, "\(key): \(r.swing) vs \(swing)")
    }
    // The spare price multiplies a random count of swaps: the swing is 1.4 × the mean count per
    // year. Tolerance: the two ends' 95 % half-widths, widened to 99.9 % (3.29/1.96).
    let cost = try #require(result.inputs.first { $0.input.keyPath == "parts.pb.unit_cost_usd" })
    let halfWidths = [cost.low, cost.high].map { ($0.ci95High.value - $0.ci95Low.value) / 2 }.reduce(0, +)
    #expect(halfWidths > 0 && halfWidths < 0.05 * 1.4 * Self.swapsPerYear)
    #expect(abs(cost.swing - 1.4 * Self.swapsPerYear) <= 3.29 / 1.96 * halfWidths, "swing \(cost.swing), n \(n)")
    // Central: B − A with A's uncertain power at its median.
    let centralHalf = (result.central.ci95High.value - result.central.ci95Low.value) / 2
    #expect(abs(result.central.mean.value - Self.expected(powerB: 60)) <= 3.29 / 1.96 * centralHalf)
    #expect(abs(result.central.mean.value - Self.expected(powerA: 90, powerB: 60)) > 10 * centralHalf, "not at the mode")

    // Ranked by swing: 122.6 (spare price) > 92.2 (electricity) > 78.8 (A's power) > 65.7 (B's power) > 21.7 (PUE).
    #expect(result.inputs.map(\.input.keyPath) == ["parts.pb.unit_cost_usd", "costs.electricity_usd_per_kwh", "parts.pa.power_w",
                                                   "parts.pb.power_w", "costs.pue"])
    // B − A is negative at central inputs; a dear spare, a frugal A or a hungry B makes it positive.
    #expect(result.central.mean.value < 0)
    #expect(Dictionary(uniqueKeysWithValues: result.inputs.map { ($0.input.keyPath, $0.flips) }) == [
      "parts.pb.unit_cost_usd": true, "costs.electricity_usd_per_kwh": false, "parts.pa.power_w": true,
      "parts.pb.power_w": true, "costs.pue": false,
    ])
  }

  @Test("the result does not depend on the thread count; the central point is compare's B − A")
  func threadsAndCentral() throws {
    let one = try Self.run(threads: 1), three = try Self.run(threads: 3)
    #expect(one.central == three.central)
    #expect(one.inputs.map(\.low) == three.inputs.map(\.low) && one.inputs.map(\.high) == three.inputs.map(\.high))
    // With every uncertain input fixed at its median, the central point is a plain paired comparison.
    let (directory, a, b) = Self.files()
    let scenarios = try withExtendedLifetime(directory) {
      try [a, b].map { path in
        let (scenario, template) = try ScenarioLoader.loadWithTemplate(path: path)
        return try template.scenario(overrides: Sensitivity.centralOverrides(scenario))
      }
    }
    let comparison = Comparison(simulations: try scenarios.map { try Simulation(scenario: $0) })
    let statistics = comparison.run(trials: one.trials, seed: one.seed)
    let m = try #require(comparison.sharedMetrics.firstIndex { $0.name == "total_cost_usd_per_year" })
    #expect(Estimate(difference: statistics.differences[0][m], unit: "usd_per_year") == one.central)
  }

  @Test("an unknown metric says which it may have meant; scenarios without ranges say what to add")
  func badInput() throws {
    #expect { try Self.run(metric: "total_cost_per_year") } throws: {
      "\($0)".hasPrefix("unknown metric 'total_cost_per_year' (did you mean 'total_cost_usd_per_year'?)")
    }
    let directory = TemporaryDirectory()
    directory.write("FailureData/parts.yaml", testCatalog)
    let plain = directory.write("p.yaml", "name: p\nparts: {pa: {fru: pa, power_w: 5, source: estimate}}\nsystem: {units: {u: {part: pa}}}\n")
    let other = directory.write("q.yaml", "name: q\nparts: {pa: {fru: pa, power_w: 7, source: estimate}}\nsystem: {units: {u: {part: pa}}}\n")
    #expect { try Sensitivity.run(baseline: try ScenarioLoader.loadWithTemplate(path: plain),
                                  alternative: try ScenarioLoader.loadWithTemplate(path: other),
                                  metric: "total_cost_usd_per_year", trials: 2, seed: 1, threads: 1) } throws: {
      let text = "\($0)"
      return text.hasPrefix("nothing to move: \(plain) and \(other) give no input with a low/high range") && !text.contains("\n")
    }
  }

  @Test("the report has the documented shape, ranked, cut to --top, and one verdict sentence")
  func report() throws {
    let result = try Self.run()
    let report = SensitivityReport(result, top: 3)
    #expect(report.inputs.count == 3 && report.inputsMoved == 5 && report.inputsFlipping == 3)
    let object = try JSONSerialization.jsonObject(with: Data(JSONOutput.string(report).utf8)) as! [String: Any]
    #expect(object["kind"] as? String == "sensitivity" && object["schema_version"] as? Int == 1)
    let first = (object["inputs"] as! [[String: Any]])[0]
    #expect(first["key_path"] as? String == "parts.pb.unit_cost_usd")
    #expect(first["moves"] as? [String] == ["b"])
    let low = first["low"] as! [String: Any]
    #expect(low["text"] as? String == "0.1" && low["value"] as? Double == 0.1 && (low["difference"] as? [String: Any])?["mean"] != nil)
    #expect(SensitivityReport.number("2w") == 336 && SensitivityReport.number("25%") == 0.25 && SensitivityReport.number("6.5e-3/d") == 6.5e-3 / 24)
    #expect(report.verdict.hasPrefix("b vs a: total cost per year B − A −$") && report.verdict.contains("parts.pb.unit_cost_usd moves it most")
      && report.verdict.hasSuffix("3 of 5 inputs can flip its sign"))
  }
}
