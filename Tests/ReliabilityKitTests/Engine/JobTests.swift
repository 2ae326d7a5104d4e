import Foundation
import Testing
import ReliabilityKit

@Suite("Engine: jobs under Poisson interruptions", .tags(.statistical))
struct JobTests {
  static let horizon = 20_000.0

  /// A job on a plain system that never fails, interrupted only by background failures.
  static func jobScenario(rate: String, interval: String, write: String, restart: String) throws -> Scenario {
    try scenario("""
      horizon: \(Int(horizon))h
      parts:
        solid: {fru: solid, source: estimate}
      system: {units: {s: {part: solid}}}
      jobs:
        - {name: train, gpus: 8, checkpoint_interval: \(interval), checkpoint_write: \(write),
           restart_overhead: \(restart), background_rate: \(rate)}
      """)
  }

  func ettr(_ scenario: Scenario, trials: Int) throws -> [Double] {
    try perTrial(scenario, trials: trials) { $0.jobs[0].ettr(horizon: $0.horizon) }
  }

  @Test("the five parts of a job's time add up to the horizon")
  func timeBudget() throws {
    let s = try Self.jobScenario(rate: "0.3/h", interval: "40m", write: "2m", restart: "7m")
    let outcome = try Simulation(scenario: s).runTrial(0, seed: 1)
    let job = outcome.jobs[0]
    let total = job.productiveHours + job.lostWorkHours + job.restartHours + job.waitingHours + job.checkpointHours
    #expect(abs(total - Self.horizon) < 1e-6)
    #expect(job.backgroundInterruptions > 5000)
  }

  @Test("ETTR at Kokolis' 16k-GPU points matches the exact renewal-reward value", arguments: [60.0, 5.0])
  func kokolisPoints(intervalMinutes: Double) throws {
    // 16k GPUs at the RSC-1 rate: λ = 2000 nodes × 6.5e-3 per node-day, u0 = 5 min, w = 0.
    // Exact values 0.721 (Δ = 60 min) and 0.936 (Δ = 5 min); Kokolis' first-order formula gives
    // 0.684 and 0.932 (published: 0.70 and 0.93). At Δ = 60 min the job's MTTF (1.85 h) is below
    // the 0.1 day for which the paper states its approximation, and it is 5% low there.
    let λ = 2000 * 6.5e-3 / 24, u0 = 5.0 / 60, Δ = intervalMinutes / 60
    let s = try Self.jobScenario(rate: "\(λ)/h", interval: "\(intervalMinutes)m", write: "0", restart: "5m")
    let exact = Checkpointing.exactETTR(interruptionRate: λ, restartOverhead: u0, interval: Δ, writeTime: 0)
    // The run starts without a restart and ends mid-cycle: at most one cycle of edge effect.
    expectMean(try ettr(s, trials: 40), equals: exact, extraTolerance: (1 / λ + u0 + Δ) / Self.horizon)
  }

  @Test("Kokolis' approximation is within its stated 5% where it claims to be (MTTF >= 0.1 day)",
        arguments: [60.0, 30.0, 10.0])
  func kokolisApproximation(intervalMinutes: Double) throws {
    // 16k GPUs at the RSC-2 rate, 2.34e-3 per node-day: the job's MTTF is 5.1 h.
    let λ = 2000 * 2.34e-3 / 24, u0 = 5.0 / 60, Δ = intervalMinutes / 60
    #expect(1 / λ >= 2.4)
    let s = try Self.jobScenario(rate: "\(λ)/h", interval: "\(intervalMinutes)m", write: "1m", restart: "5m")
    let values = try ettr(s, trials: 40)
    expectMean(values, equals: Checkpointing.exactETTR(interruptionRate: λ, restartOverhead: u0, interval: Δ, writeTime: 1.0 / 60),
               extraTolerance: (1 / λ + u0 + Δ) / Self.horizon)
    let kokolis = Checkpointing.kokolisETTR(interruptionRate: λ, restartOverhead: u0, interval: Δ, writeTime: 1.0 / 60)
    #expect(abs(Stats.moments(values).mean - kokolis) / kokolis < 0.05)
  }

  @Test("the Young/Daly interval beats a third of it and three times it")
  func youngDalyOptimum() throws {
    // M = 10 h between interruptions, checkpoint writes of 6 min, restart 10 min.
    let λ = 0.1, w = 0.1, u0 = 10.0 / 60
    let daly = Checkpointing.dalyOptimum(writeTime: w, meanTimeBetweenInterruptions: 1 / λ)
    var means: [Double] = []
    for τ in [daly / 3, daly, 3 * daly] {
      let s = try Self.jobScenario(rate: "0.1/h", interval: "\(τ)h", write: "6m", restart: "10m")
      let values = try ettr(s, trials: 40)
      expectMean(values, equals: Checkpointing.exactETTR(interruptionRate: λ, restartOverhead: u0, interval: τ, writeTime: w),
                 extraTolerance: (1 / λ + u0 + τ) / Self.horizon)
      means.append(Stats.moments(values).mean)
    }
    #expect(means[1] > means[0] && means[1] > means[2])
    // Daly's interval is within 1% of the exact model's optimum (found by a fine search).
    let grid = stride(from: 0.2, through: 5.0, by: 0.001).map { $0 }
    let best = grid.max { Checkpointing.exactETTR(interruptionRate: λ, restartOverhead: u0, interval: $0, writeTime: w)
      < Checkpointing.exactETTR(interruptionRate: λ, restartOverhead: u0, interval: $1, writeTime: w) }!
    #expect(abs(best - daly) / best < 0.01)
  }
}
