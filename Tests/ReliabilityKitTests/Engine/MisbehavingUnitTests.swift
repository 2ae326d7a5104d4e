import Foundation
import Testing
@testable import ReliabilityKit

/// Lemons, lemon detection, degradation before failure, fleet age and bad lots on a single part
/// of a plain system, against closed forms.
@Suite("Engine: misbehaving units", .tags(.statistical))
struct MisbehavingUnitTests {
  static func system(part: String, count: Int = 1, workflow: String = "", horizon: String = "100000h", extra: String = "") -> String {
    """
    horizon: \(horizon)
    parts:
      unit-part:
        fru: unit-fru
        source: estimate
    \(part)
    system: {units: {u: {part: unit-part, count: \(count)}}, structure: {parallel: [u]}}
    repair:
      detection: 0
      verification: 0
      technicians: {count: 100}
      workflows: {unit-fru: {action: hot-swap, clean_first: false, hands_on: 0\(workflow)}}
    \(extra)
    """
  }

  @Test("lemon detection: with lemons at probability p replaced after K flaps, a link flaps K·p/(1 − p) times on average")
  func lemonRenewal() throws {
    // Every installation (also each replacement) is a lemon with p = 0.5; lemons flap 10/h
    // (the healthy rate 1e-5/h × 1e6), and the policy replaces a unit after 3 flaps. The number
    // of lemon installations before the first healthy one is geometric: p/(1 − p) = 1 on
    // average, each flapping exactly 3 times before it goes. A healthy unit flaps 0.01 times in
    // the 1000 h horizon: the tolerance allows it.
    let s = try scenario(Self.system(part: """
          lemon: {probability: 0.5, flap_multiplier: 1000000}
          modes:
            flap: {distribution: {kind: exponential, rate: 1e-5/h}, effect: flap, flap_duration: 1s}
      """, workflow: ", proactive: {after_flaps: 3, within: 1000000h, action: replace}", horizon: "1000h"))
    let flaps = try perTrial(s, trials: 800) { Double($0.flaps) }
    expectMean(flaps, equals: 3 * 0.5 / (1 - 0.5), extraTolerance: 0.02)
    let simulation = try Simulation(scenario: s)
    for trial in 0..<20 {
      let o = simulation.runTrial(trial, seed: 3)
      #expect(o.lemonFlaps == 3 * o.proactiveRepairs && o.flaps >= o.lemonFlaps)
    }
  }

  @Test("a lemon's flaps keep their duration distribution: in a fabric, flaps shorter than the tolerance never reach the job")
  func lemonFlapsInFabric() throws {
    // Every module flaps (5 %/yr, lemons 1000x as often) for a lognormal time of median 30 s and
    // σ = 1; the job rides out flaps up to 1 h, longer than a share Q(ln 120) = 8e-7 of them.
    // Healthy flaps are counted in aggregate; a lemon's are simulated one by one and must keep
    // their full duration distribution (not the one conditioned on exceeding the tolerance).
    let s = try scenario("""
      horizon: 1y
      fabric: {topology: leaf-spine, gpus: 128, switch_radix: 16, optics: pluggable}
      parts:
        pluggable-800g:
          lemon: {probability: 0.5, flap_multiplier: 1000}
          modes: {laser: {distribution: {kind: exponential, mtbf: 1e15h}}, contamination: {distribution: {kind: exponential, mtbf: 1e15h}}}
        fibre-patch-cord: {modes: {damage: {distribution: {kind: exponential, mtbf: 1e15h}}}}
        switch-board: {modes: {hardware: {distribution: {kind: exponential, mtbf: 1e15h}}}}
        psu: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
        fan: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
        nic: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      jobs: [{name: train, gpus: 64, checkpoint_interval: 1h, flap_tolerance: 1h}]
      """)
    let simulation = try Simulation(scenario: s)
    var lemonFlaps = 0, interruptions = 0
    for trial in 0..<4 {
      let o = simulation.runTrial(trial, seed: 11)
      lemonFlaps += o.lemonFlaps
      interruptions += o.jobs[0].networkInterruptions
    }
    // About 4 trials × 256 lemon modules × 50 flaps: ~50 000 lemon flaps, 0.04 expected above 1 h.
    #expect(lemonFlaps > 20_000)
    #expect(interruptions <= 2, "\(interruptions) interruptions from \(lemonFlaps) lemon flaps")
  }

  @Test("degradation caught first: a monitored unit is swapped as planned work before a share q of its failures")
  func precursors() throws {
    // MTBF 1000 h over 100 000 h: about 100 failures a trial; a share 0.6 shows a 10 h precursor.
    let s = try scenario(Self.system(part: """
          modes:
            wear: {distribution: {kind: exponential, mtbf: 1000h}, precursor: {probability: 0.6, lead_time: 10h}}
      """, workflow: ", act_on_degradation: true"))
    let simulation = try Simulation(scenario: s)
    var caught = 0.0, failures = 0.0
    for trial in 0..<40 {
      let o = simulation.runTrial(trial, seed: 8)
      caught += Double(o.degradationsCaught)
      failures += Double(o.failures.joined().reduce(0, +))
    }
    // Each caught degradation renews the unit, so its failure never comes: failures are the
    // uncaught 40 %, and caught / (caught + failures) = 0.6 (binomial sd about 0.008).
    let share = caught / (caught + failures)
    #expect(abs(share - 0.6) < 3.29 * (0.6 * 0.4 / (caught + failures)).squareRoot(), "\(share)")
  }

  @Test("a fleet installed at age a fails within the horizon with the Weibull's conditional probability")
  func fleetAge() throws {
    // Weibull shape 3, scale 10 000 h; 2000 units aged 8000 h; horizon 1000 h, no repair in it:
    // P = 1 − S(9000)/S(8000) = 1 − exp(−(0.9³ − 0.8³)) = 0.1951.
    let s = try scenario(Self.system(part: """
          modes:
            wear: {distribution: {kind: weibull, shape: 3, scale: 10000h}}
      """, count: 2000, workflow: "", horizon: "1000h", extra: "fleet: {installed_age: 8000h}")
      .replacingOccurrences(of: "hands_on: 0", with: "hands_on: 100000h"))
    let share = try perTrial(s, trials: 40) { Double($0.failures.joined().reduce(0, +)) / 2000 }
    expectMean(share, equals: -expm1(-(pow(0.9, 3) - pow(0.8, 3))))
    // New units would fail with 1 − exp(−0.1³) = 0.001.
    #expect(share.allSatisfy { $0 > 0.1 })
  }

  @Test("a bad lot of fraction f with multiplier m fails (1 − f + f·m) times as often")
  func badLot() throws {
    let s = try scenario(Self.system(part: """
          bad_lot: {fraction: 0.25, multiplier: 5}
          modes:
            fail: {distribution: {kind: exponential, mtbf: 100000h}}
      """, count: 4000, horizon: "1000h").replacingOccurrences(of: "hands_on: 0", with: "hands_on: 100000h"))
    // First failures only (repairs outlast the horizon): 4000 × [0.75 (1 − e^−0.01) + 0.25 (1 − e^−0.05)].
    let expected = 4000 * (0.75 * -expm1(-0.01) + 0.25 * -expm1(-0.05))
    let failures = try perTrial(s, trials: 60) { Double($0.failures.joined().reduce(0, +)) }
    expectMean(failures, equals: expected)
  }
}
