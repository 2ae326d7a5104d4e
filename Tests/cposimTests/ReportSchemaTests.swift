import Foundation
import Testing
@testable import cposim
import ReliabilityKit

@Suite("Report schemas")
struct ReportSchemaTests {
  static func simulation(_ name: String) throws -> Simulation {
    try Simulation(scenario: try ScenarioLoader.load(path: repositoryRoot.appendingPathComponent("Scenarios/\(name)").path))
  }

  /// The folder of the small scenarios (removed when the suite's value is released).
  let workspace = Workspace()

  /// A small but real fabric scenario: every part of the catalog, a job, 1 year.
  func smallScenario(optics: String) throws -> Scenario {
    let path = URL(fileURLWithPath: workspace.path("small-\(optics).yaml"))
    try """
      name: small-\(optics)
      catalog: \(repositoryRoot.path)/FailureData/parts.yaml
      horizon: 1y
      trials: 40
      fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: \(optics)}
      repair:
        technicians: {count: 2, shift: 8x5}
        spares: {pluggable-800g-module: {initial: 2, reorder_point: 1, reorder_quantity: 2, lead_time: 2w}}
      jobs: [{name: train, gpus: 448, flap_tolerance: 1m, uplink_interrupt_probability: 0.5}]
      """.write(to: path, atomically: true, encoding: .utf8)
    return try ScenarioLoader.load(path: path.path)
  }

  static func json(_ value: some Encodable) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(try JSONOutput.string(value).utf8))
  }

  @Test("a real run's report validates against schemas/report.schema.json and has the issue's metrics")
  func reportValidates() throws {
    let simulation = try Simulation(scenario: try smallScenario(optics: "cpo"))
    let metrics = TrialMetrics(simulation: simulation)
    let statistics = simulation.statistics(trials: 0..<40, seed: 3, metrics: metrics)
    let report = RunReport(simulation: simulation, metrics: metrics, statistics: statistics, seed: 3)
    let validator = try JSONSchemaValidator(schemaAt: repositoryRoot.appendingPathComponent("schemas/report.schema.json"))
    let object = try Self.json(report)
    #expect(validator.validate(object) == [])
    let names = Set((object as! [String: Any])["metrics"].map { ($0 as! [String: Any]).keys } ?? [:].keys)
    for required in ["link_availability", "fabric_capacity_availability", "job_interruptions", "job_ettr", "lost_gpu_hours",
                     "interruption_cost_usd", "labour_cost_usd", "spares_cost_usd", "rma_cost_usd", "logistics_cost_usd",
                     "spares_capital_cost_usd", "energy_cost_usd", "total_cost_usd"] {
      #expect(names.contains(required), "missing metric \(required)")
    }
    // The validator is not vacuous: a broken report fails it.
    var broken = object as! [String: Any]
    broken["schema_version"] = 2
    broken.removeValue(forKey: "metrics")
    #expect(validator.validate(broken).count == 2)
  }

  @Test("a real comparison validates against schemas/comparison.schema.json")
  func comparisonValidates() throws {
    let comparison = Comparison(simulations: [try Simulation(scenario: try smallScenario(optics: "pluggable")),
                                              try Simulation(scenario: try smallScenario(optics: "cpo"))])
    let statistics = comparison.run(trials: 20, seed: 5)
    let report = ComparisonReport(comparison: comparison, statistics: statistics, seed: 5)
    let validator = try JSONSchemaValidator(schemaAt: repositoryRoot.appendingPathComponent("schemas/comparison.schema.json"))
    #expect(validator.validate(try Self.json(report)) == [])
    #expect(report.verdicts.contains { $0.contains("total cost per year") })
  }
}

extension ReportSchemaTests {
  @Test("issue 17: a plain system's report (structure as JSON, system_outages, k-of-n downtime) validates against the schema")
  func systemReportValidates() throws {
    let path = workspace.path("system.yaml")
    try """
      catalog: \(repositoryRoot.path)/FailureData/parts.yaml
      horizon: 1y
      parts:
        p: {fru: f, source: estimate, modes: {fail: {distribution: {kind: exponential, mtbf: 500h}}}}
      system: {units: {u: {part: p, count: 3}, v: {part: p, count: 2}}, structure: {series: [{k_of_n: {k: 2, of: [u]}}, {parallel: [v]}]}}
      repair:
        workflows: {f: {action: hot-swap, clean_first: false, hands_on: 40h}}
      """.write(toFile: path, atomically: true, encoding: .utf8)
    let simulation = try Simulation(scenario: try ScenarioLoader.load(path: path))
    let metrics = TrialMetrics(simulation: simulation)
    let statistics = simulation.statistics(trials: 0..<16, seed: 3, metrics: metrics)
    let object = try Self.json(RunReport(simulation: simulation, metrics: metrics, statistics: statistics, seed: 3))
    let validator = try JSONSchemaValidator(schemaAt: repositoryRoot.appendingPathComponent("schemas/report.schema.json"))
    #expect(validator.validate(object) == [])
    let reported = ((object as! [String: Any])["metrics"] as! [String: Any]).keys
    #expect(reported.contains("system_outages") && reported.contains("k_of_n_0_downtime_hours"))
  }
}
