import Foundation
import Testing
@testable import ReliabilityKit

@Suite("Engine: common-cause events", .tags(.statistical))
struct CommonCauseTests {
  static func fabric(_ causes: String) -> String {
    """
    horizon: 2y
    fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable}
    parts:
      pluggable-800g: {modes: {laser: {distribution: {kind: exponential, mtbf: 1e15h}}, contamination: {distribution: {kind: exponential, mtbf: 1e15h}}, flap: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      fibre-patch-cord: {modes: {damage: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      switch-board: {modes: {hardware: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      psu: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      fan: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      nic: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
    common_causes:
    \(causes)
    """
  }

  @Test("switches down from a common cause: groups × size × (1 − e^(−λd)) of the time (fixed durations)")
  func switchDowntime() throws {
    // 16 leaves in rows of 4 (4 groups), λ = 0.01/h per row, d = 10 h: each row is down a share
    // 1 − e^(−0.1) of the time (the busy probability of M/D/∞), so 16 × 0.0952 leaves on average.
    let s = try scenario(Self.fabric("  - {name: row-power, switches: leaf, group_size: 4, rate: 0.01/h, duration: 10h}"))
    let expected = 16 * -expm1(-0.1) / 24  // as a share of the fabric's 24 switches
    let down = try perTrial(s, trials: 40) { $0.switchDownHours / (24 * $0.horizon) }
    expectMean(down, equals: expected, extraTolerance: expected * 0.002)
  }

  @Test("a planned firmware rollback of every spine interrupts a multi-leaf job as planned work")
  func plannedRollback() throws {
    let s = try scenario(Self.fabric("  - {name: spine-firmware, switches: spine, rate: 2/y, duration: 1h, planned: true}")
      + "\njobs: [{name: train, gpus: 448}]\n")
    let simulation = try Simulation(scenario: s)
    for trial in 0..<5 {
      let o = simulation.runTrial(trial, seed: 2)
      #expect(o.commonCauseEvents > 0)
      #expect(o.jobs[0].interruptions(.planned) == o.commonCauseEvents)
      #expect(o.jobs[0].totalInterruptions == o.jobs[0].interruptions(.planned))
    }
  }

  @Test("a group naming nothing in the fabric is an error at its line", arguments: [
    ("  - {name: x, switches: core, rate: 1/y, duration: 1h}", "no tier 'core' in this fabric"),
    ("  - {name: x, switches: leaf, group_size: 17, rate: 1/y, duration: 1h}", "cannot exceed the 16 switches of leaf (got 17)"),
    ("  - {name: x, switches: lef, rate: 1/y, duration: 1h}", "(did you mean 'leaf'?)"),
    ("  - {name: x, switches: leaf, group_size: 0, rate: 1/y, duration: 1h}", "common_causes[0].group_size: must be at least 1 (got 0)"),
  ])
  func badGroups(cause: String, message: String) {
    #expect { try scenario(Self.fabric(cause)) } throws: { "\($0)".contains(message) && "\($0)".contains("s.yaml:") }
  }

  @Test("common causes count in the event volume: two events per switch of a group and event", arguments: [
    ("  - {name: x, switches: all, group_size: 4, rate: 1e9/h, duration: 1h}", true),
    ("  - {name: x, switches: all, group_size: 4, rate: 300/h, duration: 1000y}", true),
    ("  - {name: x, switches: all, group_size: 4, rate: 1/h, duration: 1h}", false),
  ])
  func eventVolume(cause: String, refused: Bool) throws {
    let s = try scenario(Self.fabric(cause).replacingOccurrences(of: "horizon: 2y", with: "horizon: 1y"))
    if refused {
      // 1e9/h allocated every event of the horizon up front and aborted; 300/h for 1000 years ran for many minutes per trial.
      #expect { try Simulation(scenario: s) } throws: { "\($0)".contains("events per trial expected") && "\($0)".contains("common causes") }
    } else {
      // 24 switches, 8760 events a year per group of 4, each taking 4 switches down and up.
      let simulation = try Simulation(scenario: s)
      #expect(abs(simulation.expectedEventsPerTrial - 8760 * 2 * 24) < 1)
    }
  }
}
