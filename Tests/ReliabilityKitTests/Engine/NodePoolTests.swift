import Foundation
import Testing
@testable import ReliabilityKit

/// The node pool against closed forms. Hardware fails on the calendar: a job of J nodes whose
/// nodes fail at rate λ each (whether it runs, restarts or waits) and are repaired at rate μ
/// each, with S spares and instant restarts, is a birth–death chain on k, the nodes in repair.
/// While k ≤ S the job holds J nodes (birth Jλ); beyond, it waits holding the J + S − k nodes
/// left, which keep failing (birth (J + S − k)λ). Death kμ. So π_k ∝ Π_{i<k} b_i / ((i + 1)μ),
/// and the job waits a share Σ_{k>S} π_k of the time. (Were failures drawn only while the job
/// runs, the chain would stop at S + 1 and give Erlang's loss formula B(S + 1, Jλ/μ).)
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
                    repair: String = "{kind: exponential, mtbf: 10h}", restart: String = "0", swap: String = "0",
                    interval: String = "1h", job: String = "") -> String {
    """
    horizon: \(horizon)
    fabric: {topology: leaf-spine, gpus: 128, switch_radix: 16, optics: pluggable}
    \(immortal)
    node_pool: {spare_nodes: \(spares), spare_swap_time: \(swap), host_repair: \(repair)}
    jobs: [{name: train, gpus: 64, checkpoint_interval: \(interval), restart_overhead: \(restart), background_rate: \(rate)\(minNodes)\(job)}]
    """
  }

  /// The stationary distribution of the birth–death chain on 0...n with births `birth(k)` and
  /// deaths kμ.
  static func chain(states n: Int, mu: Double, birth: (Int) -> Double) -> [Double] {
    var p = [1.0]
    for k in 0..<n { p.append(p[k] * birth(k) / (Double(k + 1) * mu)) }
    let total = p.reduce(0, +)
    return p.map { $0 / total }
  }

  @Test("the job waits for spares the share of time the calendar birth–death chain gives", arguments: [0, 1, 2])
  func waitingShare(spares: Int) throws {
    // J = 8 nodes, λ = 0.01/h, 1/μ = 10 h. The chain keeps failing the nodes of a waiting job.
    let J = 8, λ = 0.01, μ = 0.1
    let s = try scenario(Self.hosts(spares: spares))
    let share = try perTrial(s, trials: 60) { $0.jobs[0].waitingHours / $0.horizon }
    let π = Self.chain(states: J + spares, mu: μ) { k in λ * Double(min(J, J + spares - k)) }
    let expected = π[(spares + 1)...].reduce(0, +)
    // Relaxation time 1/μ = 10 h against a 5000 h horizon starting empty: the transient lowers
    // the mean by at most about 10/5000 of the share.
    expectMean(share, equals: expected, extraTolerance: expected * 10 / 5000)
    // Every host failure is a hit, whatever the job was doing: Jλ per hour while the job holds J
    // nodes, fewer while it waits on fewer.
    let hits = try perTrial(s, trials: 60) { Double($0.jobs[0].hits(.host)) / $0.horizon }
    let rate = π.indices.reduce(0.0) { $0 + π[$1] * λ * Double(min(J, J + spares - $1)) }
    expectMean(hits, equals: rate, extraTolerance: rate * 10 / 5000)
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

  @Test("an elastic job runs degraded, and waits only below its minimum: the binomial chain")
  func elastic() throws {
    // No spares, min 7 of 8 nodes: the job holds 8 − k nodes, which all keep failing, so k is
    // binomial(8, λ/(λ + μ)). It runs degraded at k = 1 and waits from k = 2 on.
    let s = try scenario(Self.hosts(spares: 0, minNodes: ", min_nodes: 7"))
    let π = Self.chain(states: 8, mu: 0.1) { k in 0.01 * Double(8 - k) }
    let degraded = try perTrial(s, trials: 60) { $0.jobs[0].degradedHours / $0.horizon }
    let waiting = try perTrial(s, trials: 60) { $0.jobs[0].waitingHours / $0.horizon }
    expectMean(degraded, equals: π[1], extraTolerance: 0.002)
    expectMean(waiting, equals: π[2...].reduce(0, +), extraTolerance: 0.002)
    // Running on 7 of 8 nodes books 1/8 of that time as degraded loss.
    let loss = try perTrial(s, trials: 20) { $0.jobs[0].degradedLossHours / max($0.jobs[0].degradedHours, 1e-9) }
    #expect(loss.allSatisfy { abs($0 - 1.0 / 8) < 1e-6 })
  }

  @Test("the seven parts of a job's time add up to the horizon, and root causes add up to the total")
  func accounting() throws {
    let s = try scenario(Self.hosts(spares: 1, minNodes: ", min_nodes: 6", restart: "10m", swap: "5m", job: ", detection: 3m"))
    let simulation = try Simulation(scenario: s)
    for trial in 0..<10 {
      let job = simulation.runTrial(trial, seed: 3).jobs[0]
      let total = job.productiveHours + job.lostWorkHours + job.hangHours + job.restartHours + job.waitingHours
        + job.checkpointHours + job.degradedLossHours
      #expect(abs(total - 5000) < 1e-6)
      #expect(job.hangHours > 0)
      #expect(job.interruptions.reduce(0, +) == job.totalInterruptions && job.interruptions(.host) == job.totalInterruptions)
      #expect(job.totalHits >= job.totalInterruptions)
    }
  }

  @Test("the pool's record of usable spares follows every host failure, repair and restart")
  func sparePoolOrder() throws {
    // 8 spares, a job of 8 nodes: background failures send nodes with their host down to the
    // pool, repairs make them usable again, restarts take spares. After every step each spare
    // must sit in its recorded slot with its usable bit right, and the count must match.
    let s = try scenario(Self.hosts(spares: 8))
    let simulation = try Simulation(scenario: s)
    var board = JobBoard(specs: s.jobs, pool: s.nodePool, fabric: simulation.layout.fabric, months: 1)
    let source = RandomSource(seed: 5)
    var down: [Int] = []
    var taken = 0, mostDown = 0
    for step in 0..<3000 {
      if down.isEmpty || source.uniform() < 0.55 {
        board.background(0, at: Double(step), using: source)
        down += board.hostRepairs.map(\.node)
        taken += board.restarts.count
      } else {
        board.hostRepaired(down.remove(at: source.uniformInt(below: down.count)), at: Double(step))
      }
      mostDown = max(mostDown, down.count)
      #expect(board.sparePoolIsConsistent)
    }
    // The pool was exercised both ways: unusable spares piled up, and restarts took spares.
    #expect(mostDown > 4 && taken > 100)
  }

  @Test("hardware fails on the calendar: hits during restarts are repaired, take spares and start the restart over")
  func calendarFailures() throws {
    // Λ = 8 nodes × 0.05/h = 0.4/h, restart 1 h: about a third of the failures land in a restart.
    // Hits per hour are Λ exactly (the job always holds 8 nodes: 8 spares, 2 h repairs, 0.8 nodes in repair on average), and ETTR
    // is the calendar renewal-reward value, in which each failure during the hang or the restart
    // starts both over.
    let Λ = 0.4, d = 0.1, u0 = 1.0, swap = 0.1
    let s = try scenario(Self.hosts(spares: 8, rate: "0.05/h", repair: "2h", restart: "1h", swap: "6m",
                                    job: ", detection: 6m"))
    let simulation = try Simulation(scenario: s)
    let outcomes = (0..<40).map { simulation.runTrial($0, seed: 77) }
    expectMean(outcomes.map { Double($0.jobs[0].totalHits) / $0.horizon }, equals: Λ)
    // Every hit took a spare: the job never ran or restarted short of nodes.
    #expect(outcomes.allSatisfy { $0.jobs[0].spareSwaps == $0.jobs[0].totalHits && $0.jobs[0].stockouts == 0 })
    let ettr = Checkpointing.exactETTR(interruptionRate: Λ, restartOverhead: u0 + swap, interval: 1, writeTime: 0, detection: d)
    expectMean(outcomes.map { $0.jobs[0].ettr(horizon: $0.horizon) }, equals: ettr, extraTolerance: (1 / Λ + 3) / 5000)
    // Interruptions are the hits while running: one per cycle of a run (1/Λ) and a restart phase.
    let phase = Checkpointing.expectedRestartPhase(interruptionRate: Λ, hangAndRestart: d + u0 + swap)
    expectMean(outcomes.map { Double($0.jobs[0].totalInterruptions) / $0.horizon }, equals: 1 / (1 / Λ + phase),
               extraTolerance: 1 / 5000)
    // Lost GPU-hours per interruption = GPUs × (work since the checkpoint + hang + restart, each
    // restart started over by the hits that land in it); to first order GPUs × (d + Δ/2 + u0).
    let perInterruption = 64 * (Checkpointing.expectedLostWork(interruptionRate: Λ, interval: 1) + phase)
    let metrics = TrialMetrics(simulation: simulation)
    expectMean(outcomes.map { metrics.value(named: "lost_gpu_hours", in: $0)! / Double($0.jobs[0].totalInterruptions) },
               equals: perInterruption, extraTolerance: perInterruption / 1000)
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

  @Test("a dual-homed fabric never interrupts a job on a single leaf failure, even when every uplink loss would; single-homed does")
  func dualHomed() throws {
    // Leaves and spines fail (10 %/yr each). With every uplink loss interrupting the job, a dead
    // leaf's own uplinks must not count: its traffic moved to the other leaf of each NIC's pair.
    let job = "{name: train, gpus: 448, uplink_interrupt_probability: 1}"
    let single = try scenario(Self.leafFailures("", jobs: job))
    let dual = try scenario(Self.leafFailures(", nic_homing: 2", jobs: job))
    var singleHits = 0, dualLeafHits = 0, dualUplinkHits = 0
    let a = try Simulation(scenario: single), b = try Simulation(scenario: dual)
    for trial in 0..<30 {
      let o = a.runTrial(trial, seed: 9)
      singleHits += o.jobs[0].interruptions(.leaf) + o.jobs[0].interruptions(.planned)
      let d = b.runTrial(trial, seed: 9)
      dualLeafHits += d.jobs[0].hits(.leaf) + d.jobs[0].interruptions(.planned)
      dualUplinkHits += d.jobs[0].hits(.uplink)
    }
    #expect(singleHits > 20)
    #expect(dualLeafHits == 0)
    // Spines still fail, and their loss still strikes the job.
    #expect(dualUplinkHits > 5)
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
