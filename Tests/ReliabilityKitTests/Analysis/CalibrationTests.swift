import Foundation
import Testing
@testable import ReliabilityKit

/// `cposim calibrate`'s fit: the likelihood pieces against textbook values, and recovery of
/// known inputs from counts the same model produced at another seed.
@Suite("Calibration", .tags(.statistical))
struct CalibrationTests {
  /// A 16-node fabric whose job sees host interruptions at `rate` per node-hour and NIC
  /// failures at `nicAFR`; nothing else fails.
  static func yaml(rate: String = "0.002/h", nicAFR: String = "20%") -> String {
    """
    horizon: 20000h
    fabric: {topology: leaf-spine, gpus: 128, switch_radix: 16, optics: pluggable}
    \(NodePoolTests.immortal.replacingOccurrences(
        of: "nic: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}",
        with: "nic: {modes: {fail: {distribution: {kind: exponential, afr: \(nicAFR)}}}}"))
    node_pool: {spare_nodes: 8, spare_swap_time: 0, host_repair: 1h}
    jobs: [{name: train, gpus: 64, checkpoint_interval: 1h, restart_overhead: 0, background_rate: \(rate)}]
    """
  }

  /// Writes the scenario once and loads it with the fit's values as `--set` overrides.
  final class Loader: @unchecked Sendable {
    let directory = TemporaryDirectory()
    let path: String
    init(_ yaml: String) {
      directory.write("FailureData/parts.yaml", testCatalog)
      path = directory.write("s.yaml", yaml)
    }
    func load(_ inputs: [Calibration.Input]) -> ([String]) throws -> Scenario {
      let path = path
      return { values in
        try ScenarioLoader.load(path: path, overrides: zip(inputs, values).map { .init(keyPath: $0.keyPath, value: $1) })
      }
    }
  }

  /// One trial's value of `metric`: a count as an operator would observe it once.
  static func observed(_ yaml: String, metric: String, seed: UInt64) throws -> Double {
    let simulation = try Simulation(scenario: try scenario(yaml))
    let metrics = TrialMetrics(simulation: simulation)
    return metrics.value(named: metric, in: simulation.runTrial(0, seed: seed))!
  }

  @Test("the Poisson band of a count is Garwood's exact interval")
  func garwood() {
    // Garwood (1936) 95% limits for 35: 24.38 and 48.68; for 0: 0 and 3.689.
    let band = Calibration.Target(metric: "m", value: 35).band
    #expect(abs(band.lowerBound - 24.379) < 0.01 && abs(band.upperBound - 48.677) < 0.01)
    let zero = Calibration.Target(metric: "m", value: 0).band
    #expect(zero.lowerBound == 0 && abs(zero.upperBound - 3.689) < 0.01)
    #expect(Calibration.Target(metric: "m", value: 0.9, sd: 0.02).band == (0.9 - 0.0392)...(0.9 + 0.0392))
  }

  @Test("the deviance is zero at the target and rises by 3.84 at the likelihood-ratio limits")
  func deviance() {
    let t = Calibration.Target(metric: "m", value: 35)
    #expect(t.deviance(35) == 0)
    #expect(t.deviance(30) > 0 && t.deviance(40) > 0)
    // The likelihood-ratio 95% limits of a Poisson mean for a count of 35 (deviance = 3.84):
    // 24.648 and 47.910 (solved independently with scipy.optimize.brentq).
    #expect(abs(t.deviance(24.648) - 3.8415) < 0.002)
    #expect(abs(t.deviance(47.910) - 3.8415) < 0.002)
    #expect(Calibration.Target(metric: "m", value: 1, sd: 0.5).deviance(2) == 4)
  }

  @Test("one input: the fit recovers the rate that produced the observed count, inside its interval")
  func recoversOneInput() throws {
    let truth = 0.002
    let observed = try Self.observed(Self.yaml(rate: "\(truth)/h"), metric: "job_interruptions_host", seed: 99)
    let loader = Loader(Self.yaml())
    let input = Calibration.Input(keyPath: "jobs[0].background_rate", low: 0.0002, high: 0.02, suffix: "/h")
    let r = try Calibration.run(inputs: [input], targets: [.init(metric: "job_interruptions_host", value: observed)],
                                trials: 30, seed: 1, threads: 2, scenario: loader.load([input]))
    let fitted = r.inputs[0]
    #expect(fitted.interval.contains(truth), "truth \(truth) outside \(fitted.interval) (fitted \(fitted.value), observed \(observed))")
    #expect(!fitted.openAtLow && !fitted.openAtHigh)
    #expect(r.missed.isEmpty)
    // The job's 8 nodes × 0.002/h × 20000 h ≈ 320 interruptions: the interval of the rate is
    // about ±2/√320 = ±11 % wide, not the whole range.
    #expect(fitted.interval.upperBound / fitted.interval.lowerBound < 1.5)
    // Every evaluation ran the same trials: the grid is in the JSON's evaluations.
    #expect(r.evaluations.count >= 9)
  }

  @Test("two inputs: both rates recovered inside their intervals")
  func recoversTwoInputs() throws {
    let truth = (rate: 0.001, nic: 0.15)
    let yaml = Self.yaml(rate: "\(truth.rate)/h", nicAFR: "\(truth.nic * 100)%")
    let host = try Self.observed(yaml, metric: "job_interruptions_host", seed: 7)
    let nic = try Self.observed(yaml, metric: "job_interruptions_nic", seed: 7)
    let loader = Loader(Self.yaml())
    let inputs = [Calibration.Input(keyPath: "jobs[0].background_rate", low: 0.0002, high: 0.005, suffix: "/h"),
                  Calibration.Input(keyPath: "parts.nic.modes.fail.distribution.afr", low: 2, high: 60, suffix: "%")]
    let r = try Calibration.run(inputs: inputs,
                                targets: [.init(metric: "job_interruptions_host", value: host), .init(metric: "job_interruptions_nic", value: nic)],
                                trials: 20, seed: 3, threads: 2, scenario: loader.load(inputs))
    #expect(r.inputs[0].interval.contains(truth.rate), "\(r.inputs[0].interval) (host count \(host))")
    #expect(r.inputs[1].interval.contains(truth.nic * 100), "\(r.inputs[1].interval) (NIC count \(nic))")
    #expect(r.missed.isEmpty)
  }

  @Test("a target no value in the range can reach is refused, naming the bound")
  func unreachable() throws {
    let loader = Loader(Self.yaml())
    let input = Calibration.Input(keyPath: "jobs[0].background_rate", low: 0.0002, high: 0.002, suffix: "/h")
    #expect {
      try Calibration.run(inputs: [input], targets: [.init(metric: "job_interruptions_host", value: 5000)],
                          trials: 5, seed: 1, threads: 1, scenario: loader.load([input]))
    } throws: { error in
      guard case let .unreachable(metric, _, _, keyPath, bound, side) = error as? Calibration.Failure else { return false }
      return metric == "job_interruptions_host" && keyPath == "jobs[0].background_rate" && bound == "0.002/h" && side == "high"
    }
  }

  @Test("root causes add up to the interruptions in every trial")
  func rootCausesAddUp() throws {
    let s = try scenario("""
      horizon: 2y
      fabric: {topology: leaf-spine, gpus: 256, switch_radix: 32, optics: pluggable}
      parts: {nic: {modes: {fail: {distribution: {kind: exponential, afr: 30%}}}}}
      repair: {maintenance_window: {every: 1w, duration: 4h}}
      node_pool: {spare_nodes: 2, spare_swap_time: 5m, host_repair: 24h}
      jobs: [{name: train, gpus: 192, checkpoint_interval: 1h, background_rate: 0.01/d, uplink_interrupt_probability: 0.5}]
      """)
    let simulation = try Simulation(scenario: s)
    let metrics = TrialMetrics(simulation: simulation)
    for trial in 0..<20 {
      let o = simulation.runTrial(trial, seed: 5)
      let v = { (name: String) in metrics.value(named: name, in: o)! }
      let causes = ["host", "nic", "nic_link", "leaf", "uplink"].map { v("job_interruptions_\($0)") }.reduce(0, +)
      #expect(causes + v("job_planned_interruptions") == v("job_interruptions"), "trial \(trial)")
      #expect(v("job_unexpected_interruptions") == v("job_interruptions") - v("job_planned_interruptions"))
      #expect(v("job_interruptions_switch_and_cable") == v("job_interruptions_nic_link") + v("job_interruptions_leaf") + v("job_interruptions_uplink"))
    }
  }
}
