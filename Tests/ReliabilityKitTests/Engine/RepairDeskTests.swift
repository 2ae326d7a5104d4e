import Foundation
import Testing
import ReliabilityKit

@Suite("Repair desk: warranty and spare stock")
struct RepairDeskTests {
  /// Units of one part (exponential, MTBF 100 h) replaced at once from an unlimited pool, or a
  /// pool of `initial` spares that never reorders.
  static func units(count: Int, horizon: String, warranty: String?, workflow: String = "hot-swap",
                    mtbf: String = "100h", spares: String = "") throws -> Scenario {
    try scenario("""
      horizon: \(horizon)
      parts:
        unit-part:
          fru: unit-fru
          unit_cost_usd: 1000
          \(warranty.map { "warranty: \($0)" } ?? "")
          rework_cost_usd: 300
          rma_logistics_usd: 20
          source: estimate
          modes: {fail: {distribution: {kind: exponential, mtbf: \(mtbf)}}}
      system: {units: {u: {part: unit-part, count: \(count)}}}
      repair:
        detection: 0
        verification: 0
        \(spares)
        workflows: {unit-fru: {action: \(workflow), clean_first: false, hands_on: 0, rma_turnaround: 1h}}
      costs: {spares_carrying_rate: 20%}
      """)
  }

  @Test("a unit failing younger than its warranty goes back to the vendor: P(age < W) = 1 − exp(−W/MTBF)", .tags(.statistical))
  func warrantyFraction() throws {
    // Every failure's age (time since the unit was renewed) is exponential with mean 100 h, so
    // a 50 h warranty covers 1 − e^(−0.5) = 39.3 % of the replacements. Over 5 y each unit lives
    // about 438 lives; only the last, cut by the horizon, is not a full draw (a 0.2 % effect).
    let s = try Self.units(count: 20, horizon: "5y", warranty: "50h")
    let simulation = try Simulation(scenario: s)
    var inside = 0, all = 0
    for trial in 0..<4 {
      let o = simulation.runTrial(trial, seed: 11)
      inside += o.warrantyReplacements[0]
      all += o.sparesUsed[0]
    }
    let p = 1 - exp(-0.5), n = Double(all)
    let tolerance = Stats.z999 * (p * (1 - p) / n).squareRoot() + 0.003
    #expect(all > 30_000)
    #expect(abs(Double(inside) / n - p) <= tolerance, "\(inside) of \(all) inside warranty, expected \(p)")
  }

  @Test("without a warranty nothing is replaced under warranty; a warranty longer than any life covers everything")
  func warrantyBounds() throws {
    let none = try Simulation(scenario: try Self.units(count: 5, horizon: "1y", warranty: nil)).runTrial(0, seed: 2)
    #expect(none.sparesUsed[0] > 100 && none.warrantyReplacements[0] == 0)
    let long = try Simulation(scenario: try Self.units(count: 5, horizon: "1y", warranty: "2y")).runTrial(0, seed: 2)
    #expect(long.warrantyReplacements[0] == long.sparesUsed[0])
    // Reworked boards are split the same way.
    let rework = try Simulation(scenario: try Self.units(count: 5, horizon: "1y", warranty: "2y", workflow: "rma-rework")).runTrial(0, seed: 2)
    #expect(rework.reworked[0] > 100 && rework.warrantyReworks[0] == rework.reworked[0] && rework.sparesUsed[0] == 0)
  }

  @Test("the stock held is integrated over the horizon: S × H without failures, less Σ (H − t) for spares taken at t", .tags(.statistical))
  func stockHeld() throws {
    // No failure within the horizon (MTBF 1e12 h): 40 spares held for 1 year.
    let idle = try Simulation(scenario: try Self.units(count: 2, horizon: "1y", warranty: nil, mtbf: "1000000000000h",
      spares: "spares: {unit-fru: {initial: 40, reorder_point: 0, reorder_quantity: 1, lead_time: 1000y}}")).runTrial(0, seed: 1)
    #expect(idle.spareStockHours == [40 * 8760])
    // Three units failing at 1/1000 h each take spares as a Poisson process of rate 0.003/h (repairs
    // are instant); over H = 2000 h, E[Σ (H − t)] = 0.003 × H²/2, so E[stock-hours] = S·H − 6000.
    let s = try Self.units(count: 3, horizon: "2000h", warranty: nil, mtbf: "1000h",
                           spares: "spares: {unit-fru: {initial: 100, reorder_point: 0, reorder_quantity: 1, lead_time: 1000y}}")
    let values = try perTrial(s, trials: 400) { $0.spareStockHours[0] }
    expectMean(values, equals: 100 * 2000 - 0.003 * 2000 * 2000 / 2)
  }
}
