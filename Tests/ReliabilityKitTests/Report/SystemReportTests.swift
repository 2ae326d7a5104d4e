import Foundation
import Testing
@testable import ReliabilityKit

/// Issue 17: what the report says about plain systems, and the one rule for what is still open
/// at the horizon.
@Suite("System report")
struct SystemReportTests {
  static func scenario(_ structure: String, units: String = "{u: {part: p, count: 3}, v: {part: p, count: 2}}",
                       mtbf: String = "500h", handsOn: String = "40h", horizon: String = "1y", technicians: Int = 8) throws -> Scenario {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cposim-system-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("s.yaml").path
    let catalog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../FailureData/parts.yaml").standardizedFileURL.path
    try """
      catalog: \(catalog)
      horizon: \(horizon)
      trials: 16
      parts:
        p: {fru: f, source: estimate, modes: {fail: {distribution: {kind: exponential, mtbf: \(mtbf)}}}}
      system: {units: \(units), structure: \(structure)}
      repair:
        detection: 0h
        verification: 0h
        technicians: {count: \(technicians)}
        workflows: {f: {action: hot-swap, clean_first: false, hands_on: \(handsOn), drain: 0h}}
      """.write(toFile: path, atomically: true, encoding: .utf8)
    return try ScenarioLoader.load(path: path)
  }

  @Test("the structure is JSON (not a Swift debug string) and each k-of-n block names its downtime metric")
  func structureJSON() throws {
    let simulation = try Simulation(scenario: try Self.scenario("{series: [{k_of_n: {k: 2, of: [u]}}, {parallel: [v]}]}"))
    let metrics = TrialMetrics(simulation: simulation)
    let statistics = simulation.statistics(trials: 0..<8, seed: 1, metrics: metrics)
    let text = try JSONOutput.string(RunReport(simulation: simulation, metrics: metrics, statistics: statistics, seed: 1))
    #expect(!text.contains("kOutOfN(") && !text.contains("ReliabilityKit."))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    let system = try #require((json["scenario"] as? [String: Any])?["system"] as? [String: Any])
    let structure = try #require(system["structure"] as? [String: Any])
    let series = try #require(structure["series"] as? [Any])
    let group = try #require((series[0] as? [String: Any])?["k_of_n"] as? [String: Any])
    #expect(group["k"] as? Int == 2 && group["of"] as? [String] == ["u"] && group["downtime_metric"] as? String == "k_of_n_0_downtime_hours")
    #expect((series[1] as? [String: Any])?["parallel"] as? [String] == ["v"])
    let reported = try #require(json["metrics"] as? [String: Any])
    #expect(reported["system_outages"] != nil && reported["k_of_n_0_downtime_hours"] != nil)
  }

  @Test("system_outages counts the system's failures; a structure that is one k-of-n block has its group downtime equal to the system's")
  func outagesAndGroupDowntime() throws {
    let simulation = try Simulation(scenario: try Self.scenario("{k_of_n: {k: 2, of: [u]}}", units: "{u: {part: p, count: 3}}"))
    let metrics = TrialMetrics(simulation: simulation)
    let names = metrics.definitions.map(\.name)
    let availability = try #require(names.firstIndex(of: "system_availability"))
    let outages = try #require(names.firstIndex(of: "system_outages"))
    let group = try #require(names.firstIndex(of: "k_of_n_0_downtime_hours"))
    var sawOutage = false
    for trial in 0..<16 {
      let outcome = simulation.runTrial(trial, seed: 3)
      let values = metrics.values(outcome)
      #expect(values[outages] == Double(outcome.systemFailures))
      sawOutage = sawOutage || values[outages] > 0
      #expect(abs(values[group] - (1 - values[availability]) * 8760) < 1e-6)
    }
    #expect(sawOutage, "the test needs some outages to mean anything")
  }

  @Test("a repair and a technician wait still open at the horizon count up to it, like the downtime")
  func openAtHorizon() throws {
    // Two units in series, one technician, repairs far longer than the horizon: the first failure
    // is never repaired, the second waits for the technician until the horizon.
    let simulation = try Simulation(scenario: try Self.scenario(
      "{series: [u]}", units: "{u: {part: p, count: 2}}", mtbf: "20h", handsOn: "100000h", horizon: "200h", technicians: 1))
    let metrics = TrialMetrics(simulation: simulation)
    let names = metrics.definitions.map(\.name)
    let downtime = try #require(names.firstIndex(of: "repair_downtime_hours"))
    let wait = try #require(names.firstIndex(of: "technician_wait_hours"))
    let availability = try #require(names.firstIndex(of: "system_availability"))
    for trial in 0..<16 {
      let values = metrics.values(simulation.runTrial(trial, seed: 5))
      let systemDown = (1 - values[availability]) * 200
      // Each open repair counts from its failure to the horizon: together at least the system's downtime, at most two horizons.
      #expect(values[downtime] >= systemDown - 1e-9 && values[downtime] <= 400)
      #expect(values[downtime] > 0)
      #expect(values[wait] <= 200 && values[wait] >= 0)
      #expect(abs(values[downtime] - systemDown - values[wait]) < 1e-6, "the second repair waits for the technician from its failure on")
    }
  }
}
