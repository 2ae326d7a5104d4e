import Foundation
import Testing
import ReliabilityKit

@Suite("Engine: fabrics")
struct FabricEngineTests {
  static func fabric(optics: String, extra: String = "") -> String {
    """
    horizon: 1y
    fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: \(optics)}
    jobs:
      - {name: train, gpus: 448, checkpoint_interval: 1h, restart_overhead: 10m, uplink_interrupt_probability: 0.5}
    \(extra)
    """
  }

  @Test("the same seed gives the same outcome; another seed a different one")
  func deterministic() throws {
    let simulation = try Simulation(scenario: try scenario(Self.fabric(optics: "cpo")))
    #expect(simulation.runTrial(3, seed: 42) == simulation.runTrial(3, seed: 42))
    #expect(simulation.runTrial(3, seed: 42) != simulation.runTrial(3, seed: 43))
    #expect(simulation.runTrial(3, seed: 42) != simulation.runTrial(4, seed: 42))
  }

  @Test("outcomes are consistent: job time adds up, downtime is bounded, repairs follow failures")
  func invariants() throws {
    let simulation = try Simulation(scenario: try scenario(Self.fabric(optics: "pluggable")))
    for trial in 0..<20 {
      let o = simulation.runTrial(trial, seed: 9)
      let job = o.jobs[0]
      let total = job.productiveHours + job.lostWorkHours + job.restartHours + job.waitingHours + job.checkpointHours
      #expect(abs(total - o.horizon) < 1e-6)
      #expect(o.linkDownHours >= 0 && o.linkDownHours <= Double(o.linkCount) * o.horizon)
      let hard = o.failures.reduce(0) { $0 + $1.reduce(0, +) } - o.flaps - o.absorbed
      let repairs = o.repairsByAction.reduce(0, +)
      #expect(repairs <= hard && repairs >= hard - 20)
      // Hands-on work finished at least as often as units were restored; the difference is
      // units still in verification at the horizon.
      #expect(o.cleaned + o.replaced >= repairs && o.cleaned + o.replaced <= repairs + 20)
    }
  }

  @Test("a CPO board replacement drains all ports of its switch, planned; the job checkpoints first")
  func boardReplacementDrains() throws {
    // Only the optical engines fail (often), so every repair is a board replacement.
    let s = try scenario(Self.fabric(optics: "cpo", extra: """
      parts:
        cpo-optical-engine: {modes: {engine: {distribution: {kind: exponential, mtbf: 20000h}}}}
        cpo-switch-board: {modes: {hardware: {distribution: {kind: exponential, mtbf: 1e12h}}}}
        els-module: {modes: {laser: {distribution: {kind: exponential, mtbf: 1e12h}}}}
        pluggable-800g: {modes: {}}
        fibre-patch-cord: {modes: {}}
        psu: {modes: {}}
        fan: {modes: {}}
        nic: {modes: {}}
      repair:
        workflows:
          cpo-switch-board: {action: board-replace, hands_on: 2h, drain: 30m}
      """))
    let simulation = try Simulation(scenario: s)
    var records: [TraceRecord] = []
    let o = simulation.runTrial(0, seed: 5) { records.append($0) }
    let failures = o.failures.reduce(0) { $0 + $1.reduce(0, +) }
    #expect(failures > 10)
    #expect(o.drains == o.repairsByAction[Workflow.Action.allCases.firstIndex(of: .boardReplace)!])
    #expect(o.switchDownHours > 0)
    // Each drained switch is down for the drain plus hands-on plus verification.
    #expect(o.switchDownHours >= Double(o.drains) * 2.5 - 1e-9)
    #expect(o.jobs[0].plannedInterruptions > 0)
    #expect(records.contains { $0.event == "drain" })
  }

  @Test("spare laser lanes absorb ELS failures without dark ports")
  func spareLanes() throws {
    let base = """
      parts:
        els-module: {modes: {laser: {distribution: {kind: exponential, mtbf: 5000h}}}}
        cpo-optical-engine: {modes: {}}
        cpo-switch-board: {modes: {}}
        pluggable-800g: {modes: {}}
        fibre-patch-cord: {modes: {}}
        psu: {modes: {}}
        fan: {modes: {}}
        nic: {modes: {}}
      """
    let without = try Simulation(scenario: try scenario(Self.fabric(optics: "cpo", extra: base))).runTrial(0, seed: 2)
    let withLanes = try Simulation(scenario: try scenario(Self.fabric(optics: "cpo", extra: base)
      .replacingOccurrences(of: "optics: cpo}", with: "optics: cpo, spare_laser_lanes: 1}"))).runTrial(0, seed: 2)
    #expect(without.absorbed == 0 && without.linkDownHours > 0)
    #expect(withLanes.absorbed > 0)
    #expect(withLanes.jobs[0].networkInterruptions < without.jobs[0].networkInterruptions)
  }

  @Test("a population that never fails is never touched: work follows failures, not fleet size")
  func costFollowsFailures() throws {
    let quiet = """
      parts:
        pluggable-800g: {modes: {laser: {distribution: {kind: exponential, afr: 1%}}}}
        fibre-patch-cord: {modes: {}}
        switch-board: {modes: {}}
        psu: {modes: {}}
        fan: {modes: {}}
        nic: {modes: {}}
      """
    let small = try Simulation(scenario: try scenario(Self.fabric(optics: "pluggable", extra: quiet))).runTrial(0, seed: 4)
    let large = try Simulation(scenario: try scenario("""
      horizon: 1y
      fabric: {topology: three-tier-clos, gpus: 131072, switch_radix: 128, optics: pluggable}
      \(quiet)
      """)).runTrial(0, seed: 4)
    let failuresSmall = small.failures.joined().reduce(0, +), failuresLarge = large.failures.joined().reduce(0, +)
    // Events per failure stay the same order whatever the fleet size.
    let perFailureSmall = Double(small.events) / Double(max(failuresSmall, 1))
    let perFailureLarge = Double(large.events) / Double(max(failuresLarge, 1))
    #expect(failuresLarge > 100 * failuresSmall / 2)
    #expect(perFailureLarge < 2 * perFailureSmall + 5)
  }
}
