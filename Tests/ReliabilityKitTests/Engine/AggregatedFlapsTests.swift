import Foundation
import Testing
@testable import ReliabilityKit

/// Flaps shorter than every job's tolerance are counted instead of simulated. Whatever the
/// split, flap counts and link downtime must match the closed form of a Poisson process of
/// flaps, and the simulated and aggregated paths must agree with each other.
@Suite("Engine: aggregated flaps")
struct AggregatedFlapsTests {
  /// Only the pluggable modules fail (other modes have an MTBF of 1e15 h), and only by flapping: 2 flaps a year each, lasting a
  /// lognormal time with median 36 s (0.01 h) and sigma 1.
  static let rate = 2.0 / 8760
  static let median = 0.01
  static let meanDuration = 0.01 * exp(0.5)

  static func fabric(jobs: String) -> String {
    """
    horizon: 1y
    fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable}
    parts:
      pluggable-800g:
        modes:
          flap:
            distribution: {kind: exponential, rate: 2/y}
            effect: flap
            flap_duration: {kind: lognormal, median: 36s, sigma: 1}
          laser: {distribution: {kind: exponential, mtbf: 1e15h}}
          contamination: {distribution: {kind: exponential, mtbf: 1e15h}}
      fibre-patch-cord: {modes: {damage: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      switch-board: {modes: {hardware: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      psu: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      fan: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      nic: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
    \(jobs)
    """
  }

  static func job(tolerance: String) -> String {
    "jobs:\n  - {name: train, gpus: 448, checkpoint_interval: 1h, flap_tolerance: \(tolerance)}"
  }

  /// Tolerances: 0 simulates every flap, the median splits them in half, no job aggregates all.
  static let cases: [(label: String, jobs: String, aggregatedShare: Double)] = [
    ("all simulated", job(tolerance: "0"), 0),
    ("half aggregated", job(tolerance: "36s"), 0.5),
    ("all aggregated", "", 1),
  ]

  static func modules(_ simulation: Simulation) -> Int {
    simulation.layout.populations.filter { $0.parts.first?.part.id == "pluggable-800g" }.reduce(0) { $0 + $1.count }
  }

  @Test("the layout aggregates the share of flaps no job notices", arguments: 0..<3)
  func split(_ index: Int) throws {
    let c = Self.cases[index]
    let simulation = try Simulation(scenario: try scenario(Self.fabric(jobs: c.jobs)))
    let aggregated = simulation.layout.aggregatedFlaps.reduce(0) { $0 + $1.rate * Double($1.units) }
    #expect(abs(aggregated - c.aggregatedShare * Self.rate * Double(Self.modules(simulation))) < 1e-12)
  }

  @Test("flap counts and flap downtime match the Poisson closed form, whatever the split", arguments: 0..<3)
  func closedForm(_ index: Int) throws {
    let c = Self.cases[index]
    let simulation = try Simulation(scenario: try scenario(Self.fabric(jobs: c.jobs)))
    let flapsExpected = Double(Self.modules(simulation)) * Self.rate * 8760
    let outcomes = (0..<40).map { simulation.runTrial($0, seed: 77) }
    expectMean(outcomes.map { Double($0.flaps) }, equals: flapsExpected)
    // Each module flap darkens one link; overlapping flaps of a link's two ends are of order
    // rate x duration = 2e-6 of the flaps, far below the interval.
    expectMean(outcomes.map(\.linkDownHours), equals: flapsExpected * Self.meanDuration)
  }

  @Test("few aggregated flaps (each duration drawn, not the normal approximation) match the closed form",
        arguments: ["36s", ""])
  func exactDraws(_ tolerance: String) throws {
    // 0.02 flaps a module-year: about 40 a trial, so every group stays under the exact-draw limit.
    let yaml = Self.fabric(jobs: tolerance.isEmpty ? "" : Self.job(tolerance: tolerance))
      .replacingOccurrences(of: "rate: 2/y", with: "rate: 0.02/y")
    let simulation = try Simulation(scenario: try scenario(yaml))
    let modules = Double(Self.modules(simulation))
    let flaps = simulation.layout.aggregatedFlaps
    #expect(flaps.count == 3 && flaps.allSatisfy { $0.rate * Double($0.units) * 8760 < Double(AggregatedFlaps.exactDrawLimit) })
    let outcomes = (0..<400).map { simulation.runTrial($0, seed: 79) }
    expectMean(outcomes.map { Double($0.flaps) }, equals: modules * 0.02)
    expectMean(outcomes.map(\.linkDownHours), equals: modules * 0.02 * Self.meanDuration)
  }

  @Test("NIC link downtime from aggregated flaps agrees with the simulated flaps")
  func nicShare() throws {
    func nicHours(_ jobs: String) throws -> [Double] {
      let simulation = try Simulation(scenario: try scenario(Self.fabric(jobs: jobs)))
      return (0..<40).map { simulation.runTrial($0, seed: 78).nicLinkDownHours }
    }
    let simulated = Stats.moments(try nicHours(Self.job(tolerance: "0")))
    let aggregated = Stats.moments(try nicHours(""))
    let tolerance = Stats.z999 * (simulated.seMean * simulated.seMean + aggregated.seMean * aggregated.seMean).squareRoot()
    #expect(abs(simulated.mean - aggregated.mean) <= tolerance, "\(simulated.mean) vs \(aggregated.mean) ± \(tolerance)")
    #expect(aggregated.mean > 0)
  }

  @Test("aggregated flaps appear in the trace and leave the event count small")
  func trace() throws {
    let simulation = try Simulation(scenario: try scenario(Self.fabric(jobs: "")))
    var records: [TraceRecord] = []
    let outcome = simulation.runTrial(0, seed: 5) { records.append($0) }
    #expect(records.contains { $0.event == "flaps-aggregated" })
    #expect(!records.contains { $0.event == "failure" })
    #expect(outcome.flaps > 1000 && outcome.events == 0)
  }

  @Test("the conditional moments of a truncated duration match the closed form")
  func moments() throws {
    // Exponential with mean 1 truncated at 1: mean (1 − 2/e)/(1 − 1/e), E[D²] = (2 − 5/e)/(1 − 1/e).
    let d = Distribution.exponential(try Exponential(rate: 1))
    let m = AggregatedFlaps.conditionalMoments(of: d, atMost: 1)
    let q = 1 - exp(-1.0)
    let mean = (1 - 2 / M_E) / q
    let second = (2 - 5 / M_E) / q
    #expect(abs(m.mean - mean) < 1e-6)
    #expect(abs(m.sd - (second - mean * mean).squareRoot()) < 1e-6)
    let untruncated = AggregatedFlaps.conditionalMoments(of: d, atMost: .infinity)
    #expect(untruncated.mean == 1 && untruncated.sd == 1)
  }
  @Test("billions of flaps a trial are counted (drawn in 32-bit pieces), not trapped in the binomial split", .tags(.statistical))
  func billionsOfFlaps() throws {
    // 1,000 flaps an hour per module, all shorter than any tolerance: about 9e9 a trial, more
    // than the 2^32 GSL counts in one draw (a precondition failure in RandomSource.binomial before).
    let yaml = Self.fabric(jobs: "").replacingOccurrences(of: "rate: 2/y", with: "rate: 1000/h")
    let simulation = try Simulation(scenario: try scenario(yaml))
    let expected = 1000 * 8760 * Double(Self.modules(simulation))
    #expect(expected > Double(UInt32.max))
    #expect(abs(simulation.expectedAggregatedFlapsPerTrial - expected) < 1e-6 * expected)
    let flaps = Double(simulation.runTrial(0, seed: 5).flaps)
    // One Poisson count: within z(99.9%) of its standard deviation.
    #expect(abs(flaps - expected) <= Stats.z999 * expected.squareRoot(), "\(flaps) vs \(expected)")
  }

  @Test("more flaps than cposim counts are refused as an input error, naming the limit")
  func tooManyFlaps() throws {
    let yaml = Self.fabric(jobs: "").replacingOccurrences(of: "rate: 2/y", with: "rate: 1e9/h")
    #expect { try Simulation(scenario: try scenario(yaml)) } throws: {
      "\($0)".contains("flaps per trial expected that no job notices (counted, not simulated); cposim counts at most 1e+12")
    }
  }
}
