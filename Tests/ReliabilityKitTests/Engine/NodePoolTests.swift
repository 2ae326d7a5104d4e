import Foundation
import Testing
@testable import ReliabilityKit

/// The node pool against closed forms: a job of J nodes whose nodes fail at rate λ each (only
/// while it runs) and are repaired at rate μ each, with S spares and instant restarts, is a
/// birth–death chain on k, the nodes in repair: birth Jλ while k ≤ S, death kμ. So
/// π_k ∝ a^k / k! with a = Jλ/μ (k = 0...S+1), and the job waits a share π_{S+1} of the time:
/// the Erlang loss formula B(S+1, a).
@Suite("Engine: node pool and spares", .tags(.statistical))
struct NodePoolTests {
  /// Everything but hosts is (practically) immortal.
  static let immortal = """
    parts:
      pluggable-800g: {modes: {laser: {distribution: {kind: exponential, mtbf: 1e15h}}, contamination: {distribution: {kind: exponential, mtbf: 1e15h}}, flap: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      fibre-patch-cord: {modes: {damage: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      switch-board: {modes: {hardware: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      psu: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      fan: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      nic: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
    """

  static func hosts(spares: Int, minNodes: String = "", horizon: String = "5000h", rate: String = "0.01/h",
                    repair: String = "{kind: exponential, mtbf: 10h}", restart: String = "0", swap: String = "0") -> String {
    """
    horizon: \(horizon)
    fabric: {topology: leaf-spine, gpus: 128, switch_radix: 16, optics: pluggable}
    \(immortal)
    node_pool: {spare_nodes: \(spares), spare_swap_time: \(swap), host_repair: \(repair)}
    jobs: [{name: train, gpus: 64, checkpoint_interval: 1h, restart_overhead: \(restart), background_rate: \(rate)\(minNodes)}]
    """
  }

  /// Erlang's loss formula B(c, a), by the stable recursion.
  static func erlangB(servers c: Int, load a: Double) -> Double {
    var b = 1.0
    for k in 1...c { b = a * b / (Double(k) + a * b) }
    return b
  }

  @Test("the job waits for spares the share of time Erlang's loss formula gives", arguments: [0, 1, 2])
  func waitingShare(spares: Int) throws {
    // J = 8 nodes, λ = 0.01/h, 1/μ = 10 h: a = 0.8.
    let s = try scenario(Self.hosts(spares: spares))
    let share = try perTrial(s, trials: 60) { $0.jobs[0].waitingHours / $0.horizon }
    // Relaxation time 1/μ = 10 h against a 5000 h horizon starting empty: the transient lowers
    // the mean by at most about 10/5000 of the share.
    let expected = Self.erlangB(servers: spares + 1, load: 0.8)
    expectMean(share, equals: expected, extraTolerance: expected * 10 / 5000)
  }

  @Test("with spares enough, ETTR is the renewal-reward value with the swap time in the restart")
  func ettrWithSpares() throws {
    // a = 8·0.01·1 = 0.08 with 6 spares: B(7, 0.08) ≈ 1e-11, the job never waits.
    let s = try scenario(Self.hosts(spares: 6, rate: "0.01/h", repair: "{kind: exponential, mtbf: 1h}", restart: "10m", swap: "5m"))
    let ettr = try perTrial(s, trials: 40) { $0.jobs[0].ettr(horizon: $0.horizon) }
    let exact = Checkpointing.exactETTR(interruptionRate: 0.08, restartOverhead: 0.25, interval: 1, writeTime: 0)
    expectMean(ettr, equals: exact, extraTolerance: 0.002)
    let waits = try perTrial(s, trials: 10) { $0.jobs[0].waitingHours }
    #expect(waits.allSatisfy { $0 == 0 })
  }

  @Test("an elastic job runs degraded, and waits only below its minimum: the truncated chain")
  func elastic() throws {
    // No spares, min 7 of 8 nodes. States: k = 0 (full, birth 8λ), k = 1 (7 nodes, birth 7λ),
    // k = 2 (waits). π ∝ 1, 8λ/μ, 8λ·7λ/(2μ²); λ = 0.01/h, 1/μ = 10 h.
    let s = try scenario(Self.hosts(spares: 0, minNodes: ", min_nodes: 7"))
    let a0 = 1.0, a1 = 0.8, a2 = 0.8 * 0.7 / 2
    let total = a0 + a1 + a2
    let degraded = try perTrial(s, trials: 60) { $0.jobs[0].degradedHours / $0.horizon }
    let waiting = try perTrial(s, trials: 60) { $0.jobs[0].waitingHours / $0.horizon }
    expectMean(degraded, equals: a1 / total, extraTolerance: 0.002)
    expectMean(waiting, equals: a2 / total, extraTolerance: 0.002)
    // Running on 7 of 8 nodes books 1/8 of that time as degraded loss.
    let loss = try perTrial(s, trials: 20) { $0.jobs[0].degradedLossHours / max($0.jobs[0].degradedHours, 1e-9) }
    #expect(loss.allSatisfy { abs($0 - 1.0 / 8) < 1e-6 })
  }

  @Test("the six parts of a job's time add up to the horizon, and root causes add up to the total")
  func accounting() throws {
    let s = try scenario(Self.hosts(spares: 1, minNodes: ", min_nodes: 6", restart: "10m", swap: "5m"))
    let simulation = try Simulation(scenario: s)
    for trial in 0..<10 {
      let job = simulation.runTrial(trial, seed: 3).jobs[0]
      let total = job.productiveHours + job.lostWorkHours + job.restartHours + job.waitingHours + job.checkpointHours + job.degradedLossHours
      #expect(abs(total - 5000) < 1e-6)
      #expect(job.interruptions.reduce(0, +) == job.totalInterruptions && job.interruptions(.host) == job.totalInterruptions)
    }
  }
}

@Suite("Engine: fabric variants and jobs")
struct FabricVariantTests {
  static func leafFailures(_ fabric: String, jobs: String) -> String {
    """
    horizon: 1y
    fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable\(fabric)}
    parts:
      pluggable-800g: {modes: {laser: {distribution: {kind: exponential, mtbf: 1e15h}}, contamination: {distribution: {kind: exponential, mtbf: 1e15h}}, flap: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      fibre-patch-cord: {modes: {damage: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      switch-board: {modes: {hardware: {distribution: {kind: exponential, afr: 10%}}}}
      psu: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      fan: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      nic: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
    repair:
      detection: 5m
      workflows: {switch-board: {action: board-replace, hands_on: 1h, drain: 10m}}
    jobs: [\(jobs)]
    """
  }

  @Test("a dual-homed fabric never interrupts a job on a single leaf failure; single-homed does")
  func dualHomed() throws {
    let job = "{name: train, gpus: 448, uplink_interrupt_probability: 0}"
    let single = try scenario(Self.leafFailures("", jobs: job))
    let dual = try scenario(Self.leafFailures(", nic_homing: 2", jobs: job))
    var singleHits = 0, dualHits = 0, dualLeafFailures = 0
    let a = try Simulation(scenario: single), b = try Simulation(scenario: dual)
    for trial in 0..<30 {
      let o = a.runTrial(trial, seed: 9)
      singleHits += o.jobs[0].interruptions(.leaf) + o.jobs[0].interruptions(.planned)
      let d = b.runTrial(trial, seed: 9)
      dualHits += d.jobs[0].totalInterruptions
      dualLeafFailures += d.failures.reduce(0) { $0 + $1.reduce(0, +) }
    }
    #expect(singleHits > 20)
    #expect(dualLeafFailures > 50)
    #expect(dualHits == 0)
  }

  @Test("uplink overbuild absorbs a spine's loss; without it the job is interrupted")
  func overbuild() throws {
    // Without overbuild each leaf has 4 of its 32 uplinks on each of the 8 spines. With 8 extra
    // uplinks (d = 28, u = 36, 19 leaves, 11 spines) a spine carries at most 4 of a leaf's
    // uplinks, within the slack.
    let job = "{name: train, gpus: 256, uplink_interrupt_probability: 1}"
    func uplinkInterruptions(_ fabric: String) throws -> Int {
      let simulation = try Simulation(scenario: try scenario(Self.leafFailures(fabric, jobs: job)))
      return (0..<20).reduce(0) { total, trial in total + simulation.runTrial(trial, seed: 4).jobs[0].interruptions(.uplink) }
    }
    #expect(try uplinkInterruptions("") > 10)
    #expect(try uplinkInterruptions(", uplink_overbuild: 8") == 0)
  }

  @Test("on a rail-optimised fabric a leaf drain hits one NIC of many nodes: the job needs many spares")
  func railsSpreadTheBlast() throws {
    // 448 GPUs = 56 nodes, 8 spare nodes. Without rails a leaf holds 4 nodes: spares absorb a
    // leaf loss. With rails a leaf holds one NIC of 32 nodes: the job waits.
    let job = "{name: train, gpus: 448, uplink_interrupt_probability: 0}"
    func waiting(_ fabric: String) throws -> Double {
      let simulation = try Simulation(scenario: try scenario(Self.leafFailures(fabric, jobs: job)))
      return (0..<10).reduce(0) { $0 + simulation.runTrial($1, seed: 2).jobs[0].waitingHours }
    }
    #expect(try waiting("") == 0)
    #expect(try waiting(", rail_optimized: true") > 0)
  }
}
