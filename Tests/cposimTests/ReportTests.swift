import Foundation
import Testing
@testable import cposim
@testable import ReliabilityKit

@Suite("Reports")
struct ReportTests {
  static func simulation(_ name: String) throws -> Simulation {
    try Simulation(scenario: try ScenarioLoader.load(path: repositoryRoot.appendingPathComponent("Scenarios/\(name)").path))
  }

  /// A small but real fabric scenario: every part of the catalog, a job, 1 year.
  static func smallScenario(optics: String) throws -> Scenario {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cposim-report-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let path = directory.appendingPathComponent("small-\(optics).yaml")
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
    let simulation = try Simulation(scenario: try Self.smallScenario(optics: "cpo"))
    let metrics = TrialMetrics(simulation: simulation)
    let statistics = simulation.statistics(trials: 0..<40, seed: 3, metrics: metrics)
    let report = RunReport(simulation: simulation, metrics: metrics, statistics: statistics, seed: 3)
    let validator = try JSONSchemaValidator(schemaAt: repositoryRoot.appendingPathComponent("schemas/report.schema.json"))
    let object = try Self.json(report)
    #expect(validator.validate(object) == [])
    let names = Set((object as! [String: Any])["metrics"].map { ($0 as! [String: Any]).keys } ?? [:].keys)
    for required in ["link_availability", "fabric_capacity_availability", "job_interruptions", "job_ettr", "lost_gpu_hours",
                     "interruption_cost_usd", "labour_cost_usd", "spares_cost_usd", "energy_cost_usd", "total_cost_usd"] {
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
    let comparison = Comparison(simulations: [try Simulation(scenario: try Self.smallScenario(optics: "pluggable")),
                                              try Simulation(scenario: try Self.smallScenario(optics: "cpo"))])
    let statistics = comparison.run(trials: 20, seed: 5)
    let report = ComparisonReport(comparison: comparison, statistics: statistics, seed: 5)
    let validator = try JSONSchemaValidator(schemaAt: repositoryRoot.appendingPathComponent("schemas/comparison.schema.json"))
    #expect(validator.validate(try Self.json(report)) == [])
    #expect(report.verdicts.contains { $0.contains("total cost per year") })
  }

  @Test("cost lines add up to the total, in every trial")
  func costsAddUp() throws {
    let simulation = try Simulation(scenario: try Self.smallScenario(optics: "cpo"))
    let metrics = TrialMetrics(simulation: simulation)
    let names = metrics.definitions.map(\.name)
    func index(_ name: String) -> Int { names.firstIndex(of: name)! }
    for trial in 0..<20 {
      let v = metrics.values(simulation.runTrial(trial, seed: 8))
      let sum = v[index("interruption_cost_usd")] + v[index("labour_cost_usd")] + v[index("spares_cost_usd")] + v[index("energy_cost_usd")]
      #expect(abs(sum - v[index("total_cost_usd")]) <= 1e-9 * max(1, sum))
      #expect(v[index("energy_cost_usd")] > 0 && v[index("labour_cost_usd")] > 0)
      #expect(abs(v[index("total_cost_usd_per_year")] - v[index("total_cost_usd")]) <= 1e-9 * v[index("total_cost_usd")])
    }
  }

  @Test("statistics merged from any split of the trials equal the whole, bit for bit")
  func mergeEqualsWhole() throws {
    let simulation = try Simulation(scenario: try Self.smallScenario(optics: "pluggable"))
    let metrics = TrialMetrics(simulation: simulation)
    let whole = simulation.statistics(trials: 0..<150, seed: 4, metrics: metrics)
    // Any split, aligned with blocks or not: the accumulators are exactly associative.
    for cut in [1, 64, 101] {
      var merged = simulation.statistics(trials: 0..<cut, seed: 4, metrics: metrics)
      merged.merge(simulation.statistics(trials: cut..<150, seed: 4, metrics: metrics))
      #expect(merged == whole)
    }
    let reportA = try JSONOutput.string(RunReport(simulation: simulation, metrics: metrics, statistics: whole, seed: 4))
    var three = simulation.statistics(trials: 0..<50, seed: 4, metrics: metrics)
    three.merge(simulation.statistics(trials: 50..<100, seed: 4, metrics: metrics))
    three.merge(simulation.statistics(trials: 100..<150, seed: 4, metrics: metrics))
    #expect(try JSONOutput.string(RunReport(simulation: simulation, metrics: metrics, statistics: three, seed: 4)) == reportA)
  }

  @Test("the same inputs and seed give a byte-identical report")
  func reproducible() throws {
    func report() throws -> String {
      let simulation = try Simulation(scenario: try Self.smallScenario(optics: "cpo"))
      let metrics = TrialMetrics(simulation: simulation)
      return try JSONOutput.string(RunReport(simulation: simulation, metrics: metrics,
                                             statistics: simulation.statistics(trials: 0..<30, seed: 2, metrics: metrics), seed: 2))
    }
    // The scenario files live in different temporary folders, so compare everything but the paths.
    func strip(_ s: String) -> String { s.split(separator: "\n").filter { !$0.contains("\"path\"") }.joined(separator: "\n") }
    #expect(strip(try report()) == strip(try report()))
  }

  @Test("SHA-256 matches the FIPS 180-4 test vectors")
  func sha256() {
    #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
      == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }
}

@Suite("Threads")
struct ThreadTests {
  @Test("the report and the per-trial lines are byte-identical for 1, 2 and 3 threads")
  func threadsDoNotChangeResults() throws {
    let simulation = try Simulation(scenario: try ReportTests.smallScenario(optics: "cpo"))
    let metrics = TrialMetrics(simulation: simulation)
    var reports: [String] = [], lines: [Data] = []
    for threads in [1, 2, 3] {
      let collected = Collected()
      let statistics = simulation.statistics(trials: 0..<150, seed: 12, metrics: metrics, threads: threads,
                                             perTrialLine: Run.perTrialLine(metrics), lines: { collected.append($0) })
      reports.append(try JSONOutput.string(RunReport(simulation: simulation, metrics: metrics, statistics: statistics, seed: 12)))
      lines.append(collected.data)
    }
    #expect(reports[0] == reports[1] && reports[0] == reports[2])
    #expect(lines[0] == lines[1] && lines[0] == lines[2])
    #expect(String(decoding: lines[0], as: UTF8.self).split(separator: "\n").count == 150)
  }

  @Test("a comparison is identical for 1 and 2 threads")
  func comparisonThreads() throws {
    let comparison = Comparison(simulations: [try Simulation(scenario: try ReportTests.smallScenario(optics: "pluggable")),
                                              try Simulation(scenario: try ReportTests.smallScenario(optics: "cpo"))])
    let one = comparison.run(trials: 70, seed: 3, threads: 1)
    let two = comparison.run(trials: 70, seed: 3, threads: 2)
    #expect(one == two)
  }
}

/// Output lines collected from worker callbacks.
final class Collected: @unchecked Sendable {
  private let lock = NSLock()
  private var stored = Data()
  func append(_ data: Data) { lock.lock(); stored.append(data); lock.unlock() }
  var data: Data { lock.lock(); defer { lock.unlock() }; return stored }
}
