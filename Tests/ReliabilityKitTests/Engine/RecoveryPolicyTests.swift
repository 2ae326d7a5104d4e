import Foundation
import Testing
@testable import ReliabilityKit

/// How jobs fail and recover (issue 24): flaps seen per job, flap tolerance per class of link,
/// degraded nodes and the bandwidth they leave, the in-memory checkpoint tier, detection, the
/// spare nodes' cost and a fleet installed over a ramp. Each test is built on parameters of its
/// own and checked against a value derived by hand or a closed form.
@Suite("Engine: job failure and recovery policies", .tags(.statistical))
struct RecoveryPolicyTests {
  // MARK: Plain systems: what a job sees

  @Test("a flap the job tolerates neither hides a hard failure nor holds back the restart after one")
  func toleratedFlapsMaskNothing() throws {
    // A hard unit (MTBF 100 h, 5 h repairs, alone in a 1-of-1 group so its downtime is reported)
    // in series with a unit that flaps twice an hour for 30 s (1.7 % of the time), which the job
    // tolerates. The job must stop at every hard failure (even one that starts during a flap) and
    // restart the moment the hard unit is back (even while a flap is on): with no restart time it
    // waits exactly as long as the hard unit is down.
    let s = try scenario("""
      horizon: 20000h
      parts:
        hard-part: {fru: hard-fru, source: estimate, modes: {fail: {distribution: {kind: exponential, mtbf: 100h}}}}
        flappy-part: {fru: flappy-fru, source: estimate,
                      modes: {flap: {distribution: {kind: exponential, rate: 2/h}, effect: flap, flap_duration: 30s}}}
      system:
        units: {hard: {part: hard-part}, flappy: {part: flappy-part}}
        structure: {series: [{k_of_n: {k: 1, of: [hard]}}, flappy]}
      repair:
        detection: 0
        verification: 0
        technicians: {count: 50}
        workflows: {hard-fru: {action: hot-swap, clean_first: false, hands_on: 5h}}
      jobs: [{name: train, gpus: 8, checkpoint_interval: 1h, restart_overhead: 0, flap_tolerance: 1m}]
      """)
    let simulation = try Simulation(scenario: s)
    var flapsDuringOutages = 0
    for trial in 0..<6 {
      let o = simulation.runTrial(trial, seed: 515)
      let job = o.jobs[0]
      #expect(job.totalInterruptions == o.failures[0].reduce(0, +))
      #expect(abs(job.waitingHours - o.groupDownHours[0]) < 1e-6)
      flapsDuringOutages += o.failures[1][0]
    }
    #expect(flapsDuringOutages > 100_000)
  }

  // MARK: Flap tolerance per class of link

  static let nicFlaps = """
    horizon: 2000h
    fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable}
    parts:
      pluggable-800g: {modes: {laser: {distribution: {kind: exponential, mtbf: 1e15h}}, contamination: {distribution: {kind: exponential, mtbf: 1e15h}}, flap: {distribution: {kind: exponential, rate: 0.001/h}, flap_duration: 10s}}}
      fibre-patch-cord: {modes: {damage: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      switch-board: {modes: {hardware: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      psu: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      fan: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      nic: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
    node_pool: {spare_swap_time: 0}
    """

  @Test("flap tolerance is per class of link: a 10-s flap stops the job on a NIC link, not above the leaf")
  func toleranceByLinkClass() throws {
    // 448 of 512 GPUs in the job: 56 nodes, 448 NIC links, 896 modules at their ends, each
    // flapping 0.001 times an hour for 10 s. NIC links tolerate nothing, uplinks 30 s: every NIC
    // link flap of the job's nodes is a hit (0.896 an hour, on the calendar), no uplink flap is.
    // Each is noticed after the flap detection d = 2 min and restarts at once; hits meanwhile
    // extend the hang, which lasts (e^(Λd) − 1)/Λ per interruption.
    let s = try scenario(Self.nicFlaps + "\n" + """
      jobs: [{name: train, gpus: 448, checkpoint_interval: 1h, restart_overhead: 0, uplink_interrupt_probability: 1,
              flap_tolerance: 0, uplink_flap_tolerance: 30s, detection: 30s, flap_detection: 2m}]
      """)
    let simulation = try Simulation(scenario: s)
    let outcomes = (0..<20).map { simulation.runTrial($0, seed: 31) }
    let Λ = 896 * 0.001
    expectMean(outcomes.map { Double($0.jobs[0].hits(.nicLink)) / $0.horizon }, equals: Λ)
    #expect(outcomes.allSatisfy { $0.jobs[0].hits(.uplink) == 0 })
    let hang = Checkpointing.expectedRestartPhase(interruptionRate: Λ, hangAndRestart: 2.0 / 60)
    expectMean(outcomes.map { $0.jobs[0].hangHours / Double($0.jobs[0].totalInterruptions) }, equals: hang)
    // The uplinks' flaps are counted without events (all shorter than 30 s); the NIC links' are simulated.
    let layout = try PlantLayout(scenario: s)
    #expect(layout.aggregatedFlaps.allSatisfy { $0.tolerance == 30.0 / 3600 })
    #expect(!layout.aggregatedFlaps.isEmpty)
  }

  // MARK: Degraded nodes

  static func nicFailures(planes: Int, policy: String, repair: String = "2h", share: String = "0.5") -> String {
    """
    horizon: 1y
    fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable, planes: \(planes)}
    parts:
      pluggable-800g: {modes: {laser: {distribution: {kind: exponential, mtbf: 1e15h}}, contamination: {distribution: {kind: exponential, mtbf: 1e15h}}, flap: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      fibre-patch-cord: {modes: {damage: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      switch-board: {modes: {hardware: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      psu: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      fan: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      nic: {modes: {fail: {distribution: {kind: exponential, mtbf: 20000h}}}}
    repair:
      detection: 0
      verification: 0
      technicians: {count: 20}
      workflows: {nic: {action: hot-swap, clean_first: false, hands_on: \(repair)}}
    node_pool: {spare_swap_time: 0}
    jobs: [{name: train, gpus: 448, checkpoint_interval: 1h, restart_overhead: 0, uplink_interrupt_probability: 0,
            plane_loss: \(policy), nic_loss: \(policy), communication_share: \(share)}]
    """
  }

  @Test("a node that lost one NIC of eight slows the job to its bandwidth: 1/((1 − c) + c·8/7)", arguments: [1, 2])
  func degradedThroughput(planes: Int) throws {
    // 512 NICs failing every 20,000 h, repaired in 2 h: two NICs of one node are almost never
    // down together (7 × 2/20,000 per failure), so a degraded job has its slowest node at 7/8.
    let s = try scenario(Self.nicFailures(planes: planes, policy: "degrade"))
    let simulation = try Simulation(scenario: s)
    let expected = 1 / (0.5 + 0.5 * 8.0 / 7)
    for trial in 0..<5 {
      let job = simulation.runTrial(trial, seed: 12).jobs[0]
      #expect(job.degradedHours > 100)
      #expect(abs(1 - job.degradedLossHours / job.degradedHours - expected) < 2e-3)
      #expect(job.totalInterruptions == 0)
    }
    // The policy `interrupt` stops the job at each of them instead.
    let stop = try Simulation(scenario: try scenario(Self.nicFailures(planes: planes, policy: "interrupt")))
    #expect(stop.runTrial(0, seed: 12).jobs[0].interruptions(.nic) > 100)
  }

  @Test("swap-at-checkpoint runs degraded until the next checkpoint, Δ/2 on average, then swaps the node as planned work")
  func swapAtCheckpoint() throws {
    // NICs take 100 h to repair: left alone a degraded node would slow the job for days. Swapped
    // at the next checkpoint (hourly, no write time), each degradation lasts the time to the
    // next checkpoint, uniform over the hour.
    let s = try scenario(Self.nicFailures(planes: 1, policy: "swap-at-checkpoint", repair: "100h"))
    let simulation = try Simulation(scenario: s)
    let outcomes = (0..<10).map { simulation.runTrial($0, seed: 5) }
    for o in outcomes {
      let job = o.jobs[0]
      #expect(job.degradedSwaps >= job.interruptions(.planned) && job.interruptions(.planned) > 100)
      #expect(job.totalInterruptions == job.interruptions(.planned))
      #expect(job.lostWorkHours == 0)
    }
    expectMean(outcomes.map { $0.jobs[0].degradedHours / Double($0.jobs[0].interruptions(.planned)) }, equals: 0.5)
  }

  // MARK: Checkpoint tiers

  static func tiered(survives: Int) -> String {
    NodePoolTests.hosts(spares: 8, horizon: "20000h", rate: "0.02/h", repair: "2h", restart: "30m", interval: "2h", job: """
      , memory_checkpoint: {interval: 15m, restart: 5m, survives_nodes_lost: \(survives)}
      """)
  }

  @Test("with in-memory copies that survive the lost nodes, the job restarts from memory: ETTR at the memory tier's interval")
  func restartFromMemory() throws {
    // 8 nodes failing at 0.02/h (Λ = 0.16/h), no writes: the exact calendar renewal-reward value
    // with Δ = 15 min and the memory restart of 5 min.
    let s = try scenario(Self.tiered(survives: 8))
    let outcomes = try (0..<30).map { try Simulation(scenario: s).runTrial($0, seed: 8) }
    // Every restart completed loads memory: one per interruption (the last may be cut by the horizon).
    #expect(outcomes.allSatisfy { $0.jobs[0].totalInterruptions - $0.jobs[0].restartsFromMemory <= 1 && $0.jobs[0].restartsFromMemory > 1000 })
    let exact = Checkpointing.exactETTR(interruptionRate: 0.16, restartOverhead: 5.0 / 60, interval: 0.25, writeTime: 0)
    expectMean(outcomes.map { $0.jobs[0].ettr(horizon: $0.horizon) }, equals: exact, extraTolerance: 3 / 20000)
  }

  @Test("when the lost nodes' copies are gone too, the job falls back to the durable tier: ETTR at its interval")
  func restartFromDurable() throws {
    let s = try scenario(Self.tiered(survives: 0))
    let outcomes = try (0..<30).map { try Simulation(scenario: s).runTrial($0, seed: 8) }
    #expect(outcomes.allSatisfy { $0.jobs[0].restartsFromMemory == 0 })
    let exact = Checkpointing.exactETTR(interruptionRate: 0.16, restartOverhead: 0.5, interval: 2, writeTime: 0)
    expectMean(outcomes.map { $0.jobs[0].ettr(horizon: $0.horizon) }, equals: exact, extraTolerance: 5 / 20000)
  }

  @Test("two tiers' writes are booked at their own cost: every k-th checkpoint is the durable one")
  func tieredWrites() throws {
    // One run with no failures: 2 h durable interval, 30-min memory interval (k = 4), writes of
    // 1 min (memory) and 6 min (durable). A cycle is 4 × 30 + 3 × 1 + 6 = 129 min.
    let s = try scenario(NodePoolTests.hosts(spares: 0, horizon: "129h", rate: "0/h", interval: "2h", job: """
      , checkpoint_write: 6m, memory_checkpoint: {interval: 30m, write: 1m, restart: 5m, survives_nodes_lost: 1}
      """))
    let job = try Simulation(scenario: s).runTrial(0, seed: 1).jobs[0]
    // 60 cycles in 129 h: 60 × 9 min of writes.
    #expect(abs(job.checkpointHours - 60 * 9.0 / 60) < 1e-9)
    #expect(abs(job.productiveHours - 120) < 1e-9)
    #expect(throws: InputErrors.self) {
      try scenario(NodePoolTests.hosts(spares: 0, job: ", memory_checkpoint: {interval: 25m, restart: 5m, survives_nodes_lost: 1}"))
    }
  }

  // MARK: Money and fleet age

  @Test("idle warm spares cost their GPUs at the spare price for the whole horizon")
  func spareNodesCost() throws {
    let s = try scenario(NodePoolTests.hosts(spares: 3, horizon: "1000h", rate: "0/h")
                           .replacingOccurrences(of: "spare_swap_time: 0,", with: "spare_swap_time: 0, spare_usd_per_gpu_hour: 1.25,"))
    let simulation = try Simulation(scenario: s)
    let o = simulation.runTrial(0, seed: 1)
    // 3 nodes × 8 GPUs × $1.25 × 1000 h.
    #expect(TrialMetrics(simulation: simulation).value(named: "spare_nodes_cost_usd", in: o) == 30_000)
  }

  @Test("a fleet installed uniformly over a 4-year ramp fails within the year as the integral over installation ages says")
  func commissioningRamp() throws {
    // One million units with an infant-mortality Weibull (shape 0.5, scale 1e6 h), installed over
    // 4 years (35,040 h) before a 1-year horizon, never repaired within it. Expected failures:
    // n · (1/R) ∫ [1 − S(a + H)/S(a)] da, integrated with a = R u² (smooth in u).
    let n = 1_000_000.0, R = 35_040.0, H = 8760.0, η = 1e6
    func p(_ a: Double) -> Double { -expm1(-(((a + H) / η).squareRoot() - (a / η).squareRoot())) }
    var exact = 0.0
    let steps = 20_000
    for i in 0...steps {
      let u = Double(i) / Double(steps)
      let weight = (i == 0 || i == steps) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0)
      exact += weight * 2 * u * p(R * u * u)
    }
    exact *= n / (3 * Double(steps))
    let s = try scenario("""
      horizon: 8760h
      fleet: {commissioning_ramp: 35040h}
      parts:
        young-part: {fru: young-fru, source: estimate, modes: {fail: {distribution: {kind: weibull, shape: 0.5, scale: 1e6h}}}}
      system: {units: {u: {part: young-part, count: 1000000}}}
      repair: {detection: 3y, technicians: {count: 1}}
      """)
    let counts = try perTrial(s, trials: 20) { Double($0.failures[0].reduce(0, +)) }
    expectMean(counts, equals: exact)
    // The test has the power to see the eight equal-age cohorts used before: 1 % fewer failures.
    let cohorts = (0..<8).map { n / 8 * p(R * (Double($0) + 0.5) / 8) }.reduce(0, +)
    #expect(abs(cohorts - exact) > 3.3 * Stats.moments(counts).seMean)
  }

  @Test("the next checkpoint after a checkpoint is the one after it, never the same instant")
  func nextCheckpointAdvances() throws {
    // A swap retried when spares are short asks for the next checkpoint at a checkpoint's own
    // completion; rounding put that instant just before it and the same time came back, a loop
    // without time advancing (a 16k two-plane CPO trial with swap-at-checkpoint hung this way).
    for (interval, durable, write, durableWrite) in [(1.0 / 60, 0.5, 1.0 / 3600, 0.0), (0.1, 0.7, 0.0, 0.01), (1.0 / 6, 1.0, 0, 0)] {
      var spec = JobSpec(name: "j", gpus: 8, checkpointInterval: durable, checkpointWrite: durableWrite, restartOverhead: 0,
                         usdPerGPUHour: 1, backgroundRatePerNodeHour: 0, uplinkInterruptProbability: 0)
      spec.memoryCheckpoint = .init(interval: interval, write: write, restart: 0, survivesNodesLost: 0)
      let job = JobState(spec: spec, months: 1)
      var t = 0.0, stuck = 0
      for _ in 0..<20_000 {
        let next = try #require(job.nextCheckpoint(after: t))
        if next <= t { stuck += 1; break }
        t = next
      }
      #expect(stuck == 0, "interval \(interval): the next checkpoint after \(t) is \(t) again")
    }
  }
}
