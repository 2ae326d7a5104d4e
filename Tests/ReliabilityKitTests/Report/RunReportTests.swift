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
                   "spares_capital_cost_usd", "spare_nodes_cost_usd", "energy_cost_usd", "serdes_energy_cost_usd",
                   "capital_cost_usd", "support_cost_usd"]
      let sum = lines.map(value).reduce(0, +)
      #expect(abs(sum - value("total_cost_usd")) <= 1e-9 * max(1, sum))
      #expect(value("energy_cost_usd") > 0 && value("labour_cost_usd") > 0)
      // Board swaps go back to the vendor (a shipment each); the listed spare pool is capital held.
      #expect(value("logistics_cost_usd") > 0 && value("spares_capital_cost_usd") > 0)
      #expect(abs(value("total_cost_usd_per_year") - value("total_cost_usd")) <= 1e-9 * value("total_cost_usd"))
      // 64 nodes of 8 GPUs, 56 in the job: 8 idle spares × 8 GPUs at the job's $2.0 per GPU-hour.
      #expect(abs(value("spare_nodes_cost_usd") - 64 * 2.0 * o.horizon) <= 1e-6)
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

  @Test("checkpoint advice for two tiers: each tier's Young interval answers the interruptions restarted from it")
  func tieredAdvice() throws {
    let directory = TemporaryDirectory()
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let path = directory.write("tiered.yaml", """
      name: tiered
      catalog: \(root.path)/FailureData/parts.yaml
      horizon: 1y
      fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable}
      node_pool: {spare_nodes: 4, host_repair: 1d}
      jobs: [{name: train, gpus: 448, checkpoint_interval: 1h, checkpoint_write: 2m, detection: 1m, background_rate: 0.02/d,
              memory_checkpoint: {interval: 10m, write: 5s, restart: 2m, survives_nodes_lost: 1}}]
      """)
    let simulation = try Simulation(scenario: try ScenarioLoader.load(path: path))
    let metrics = TrialMetrics(simulation: simulation)
    let statistics = simulation.statistics(trials: 0..<30, seed: 8, metrics: metrics)
    let json = try JSONOutput.string(RunReport(simulation: simulation, metrics: metrics, statistics: statistics, seed: 8))
    let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let advice = try #require((report["checkpoint_advice"] as? [String: Any])?["train"] as? [String: Any])
    let tier = try #require(advice["memory_tier"] as? [String: Any])
    func mean(_ name: String) throws -> Double { try #require(jobMetric(report, name)) }
    let horizon = 8760.0
    let unplanned = try mean("job_interruptions") - mean("job_planned_interruptions")
    let fromMemory = try mean("job_restarts_from_memory")
    #expect(fromMemory > 0 && fromMemory < unplanned, "both tiers must serve some restarts: \(fromMemory) of \(unplanned)")
    // Young: sqrt(2 w M) with M the horizon over the tier's own interruptions.
    let memoryM = horizon / fromMemory, durableM = horizon / (unplanned - fromMemory)
    #expect(abs((tier["young_interval_hours"] as? Double ?? .nan) - (2 * (5.0 / 3600) * memoryM).squareRoot()) < 1e-9 * memoryM)
    #expect(abs((advice["young_interval_hours"] as? Double ?? .nan) - (2 * (2.0 / 60) * durableM).squareRoot()) < 1e-9 * durableM)
    #expect(abs((tier["share_restarted_from_memory"] as? Double ?? .nan) - fromMemory / unplanned) < 1e-12)
    #expect(advice["detection_hours"] as? Double == 1.0 / 60)
    #expect(advice["model_ettr_at_current_interval"] is NSNull)
  }

  /// A job metric's mean from a report's per-job estimates.
  private func jobMetric(_ report: [String: Any], _ name: String) -> Double? {
    let jobs = (report["breakdowns"] as? [String: Any])?["jobs"] as? [String: Any]
    return ((jobs?["train"] as? [String: Any])?[name] as? [String: Any])?["mean"] as? Double
      ?? ((report["metrics"] as? [String: Any])?[name] as? [String: Any])?["mean"] as? Double
  }
}
