import Foundation
import Testing
import ReliabilityKit

/// A small but real fabric scenario (every part of the repository's catalog, a job, 1 year),
/// written to a folder that lives as long as the returned value.
struct SmallScenario {
  let directory = TemporaryDirectory()
  let scenario: Scenario

  init(optics: String) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let path = directory.write("small-\(optics).yaml", """
      name: small-\(optics)
      catalog: \(root.path)/FailureData/parts.yaml
      horizon: 1y
      trials: 40
      fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: \(optics)}
      repair:
        technicians: {count: 2, shift: 8x5}
        spares: {pluggable-800g-module: {initial: 2, reorder_point: 1, reorder_quantity: 2, lead_time: 2w}}
      jobs: [{name: train, gpus: 448, flap_tolerance: 1m, uplink_interrupt_probability: 0.5}]
      """)
    scenario = try ScenarioLoader.load(path: path)
  }

  func simulation() throws -> Simulation { try Simulation(scenario: scenario) }
}

@Suite("Run report")
struct RunReportTests {
  @Test("cost lines add up to the total, in every trial")
  func costsAddUp() throws {
    let small = try SmallScenario(optics: "cpo")
    let simulation = try small.simulation()
    let metrics = TrialMetrics(simulation: simulation)
    for trial in 0..<20 {
      let o = simulation.runTrial(trial, seed: 8)
      func value(_ name: String) -> Double { metrics.value(named: name, in: o)! }
      let lines = ["interruption_cost_usd", "labour_cost_usd", "spares_cost_usd", "rma_cost_usd", "logistics_cost_usd",
                   "spares_capital_cost_usd", "energy_cost_usd"]
      let sum = lines.map(value).reduce(0, +)
      #expect(abs(sum - value("total_cost_usd")) <= 1e-9 * max(1, sum))
      #expect(value("energy_cost_usd") > 0 && value("labour_cost_usd") > 0)
      // Board swaps go back to the vendor (a shipment each); the listed spare pool is capital held.
      #expect(value("logistics_cost_usd") > 0 && value("spares_capital_cost_usd") > 0)
      #expect(abs(value("total_cost_usd_per_year") - value("total_cost_usd")) <= 1e-9 * value("total_cost_usd"))
    }
  }

  @Test("metric values are matched to their names, whatever their position")
  func valuesByName() throws {
    let small = try SmallScenario(optics: "pluggable")
    let simulation = try small.simulation()
    let metrics = TrialMetrics(simulation: simulation)
    let o = simulation.runTrial(0, seed: 3)
    let values = metrics.values(o)
    #expect(values.count == metrics.definitions.count)
    for (definition, value) in zip(metrics.definitions, values) {
      #expect(metrics.value(named: definition.name, in: o) == value)
    }
    #expect(metrics.value(named: "failures", in: o) == Double(o.failures.joined().reduce(0, +)))
    #expect(metrics.value(named: "engine_events", in: o) == Double(o.events))
    #expect(metrics.value(named: "system_availability", in: o) == nil)
  }

  @Test("statistics merged from any split of the trials equal the whole, bit for bit")
  func mergeEqualsWhole() throws {
    let small = try SmallScenario(optics: "pluggable")
    let simulation = try small.simulation()
    let metrics = TrialMetrics(simulation: simulation)
    let whole = simulation.statistics(trials: 0..<150, seed: 4, metrics: metrics)
    // Any split, aligned with blocks or not: the accumulators are exactly associative.
    for cut in [1, 64, 101] {
      var merged = simulation.statistics(trials: 0..<cut, seed: 4, metrics: metrics)
      merged.merge(simulation.statistics(trials: cut..<150, seed: 4, metrics: metrics))
      #expect(merged == whole)
    }
    let reportA = try JSONOutput.string(RunReport(simulation: simulation, metrics: metrics, statistics: whole, seed: 4))
    var three = simulation.statistics(trials: 100..<150, seed: 4, metrics: metrics)
    three.merge(simulation.statistics(trials: 0..<50, seed: 4, metrics: metrics))
    three.merge(simulation.statistics(trials: 50..<100, seed: 4, metrics: metrics))
    #expect(try JSONOutput.string(RunReport(simulation: simulation, metrics: metrics, statistics: three, seed: 4)) == reportA)
  }

  @Test("the same inputs and seed give a byte-identical report")
  func reproducible() throws {
    func report() throws -> String {
      let small = try SmallScenario(optics: "cpo")
      let simulation = try small.simulation()
      let metrics = TrialMetrics(simulation: simulation)
      return try JSONOutput.string(RunReport(simulation: simulation, metrics: metrics,
                                             statistics: simulation.statistics(trials: 0..<30, seed: 2, metrics: metrics), seed: 2))
    }
    // The scenario files live in different temporary folders, so compare everything but the paths.
    func strip(_ s: String) -> String { s.split(separator: "\n").filter { !$0.contains("\"path\"") }.joined(separator: "\n") }
    #expect(strip(try report()) == strip(try report()))
  }
}
