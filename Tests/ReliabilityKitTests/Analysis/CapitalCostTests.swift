import Foundation
import Testing
@testable import ReliabilityKit

/// The capital and contract cost lines (docs/alternatives.md) against hand arithmetic on a small
/// fabric with known prices, and P(each cheapest) on a constructed comparison whose answer is known.
@Suite("Capital, support and SerDes cost lines; P(each cheapest)")
struct CapitalCostTests {
  /// A leaf-spine of radix 4 for 8 GPUs (the test catalog's prices, Support/TemporaryFiles.swift):
  /// - leaf downlinks d = ⌊4 · 1/2⌋ = 2, uplinks u = 2; leaves L = ⌈8/2⌉ = 4; leaf-spine links
  ///   4 · 2 = 8; spines ⌈8/4⌉ = 2: 6 switches, 8 NIC links + 8 leaf-spine links = 16 fibres.
  /// - pluggable: switch ports in use 16 (leaves) + 8 (spines) = 24 modules, plus 8 at the NICs = 32.
  /// - 2 PSUs and 6 fans per switch (defaults): 12 PSUs, 36 fans; 8 NICs.
  static func fabric(optics: String, costs: String, extraParts: String = "") -> String {
    """
    horizon: 1y
    fabric: {topology: leaf-spine, gpus: 8, switch_radix: 4, optics: \(optics)}
    parts:
      switch-board: {support_usd_per_year: 3600}
      cpo-switch-board: {support_usd_per_year: 5000}
      pluggable-800g: {host_serdes_w: 4}
      cpo-optical-engine: {host_serdes_w: 6.4}
    \(extraParts)
    costs: {\(costs)}
    """
  }

  func values(_ yaml: String) throws -> (Simulation, [String: Double]) {
    let simulation = try Simulation(scenario: try scenario(yaml))
    let metrics = TrialMetrics(simulation: simulation)
    let outcome = simulation.runTrial(0, seed: 11)
    let named = Dictionary(uniqueKeysWithValues: zip(metrics.definitions.map(\.name), metrics.values(outcome)))
    return (simulation, named)
  }

  @Test("pluggable fabric: capital amortised over its life, support per switch-year, host SerDes energy, all in the total")
  func pluggableByHand() throws {
    let (_, v) = try values(Self.fabric(optics: "pluggable", costs: "capital_life: 4y, electricity_usd_per_kwh: 0.10, pue: 1.5"))
    // Installed capital, each FRU at the test catalog's price:
    //   6 switch boards x 36,000 = 216,000
    //   32 modules x 900         =  28,800
    //   16 fibres x 20           =     320
    //   12 PSUs x 500            =   6,000
    //   36 fans x 100            =   3,600
    //   8 NICs x 1,500           =  12,000
    //   total                    = 266,720; over a 4-year life a 1-year horizon carries 1/4: 66,680.
    #expect(abs(v["capital_cost_usd"]! - 66_680) < 1e-6)
    // Support: 6 switch boards x 3,600 a year x 1 year = 21,600 (no other FRU has a contract).
    #expect(abs(v["support_cost_usd"]! - 21_600) < 1e-6)
    // Host SerDes: 32 module ends x 4 W = 128 W; 128 W x 8,760 h x PUE 1.5 x $0.10/kWh / 1000 = 168.192.
    #expect(abs(v["serdes_energy_cost_usd"]! - 168.192) < 1e-9)
    // Optics energy is its own line, unchanged: 32 x 16 W (test catalog) = 512 W -> 672.768.
    #expect(abs(v["energy_cost_usd"]! - 672.768) < 1e-9)
    // The total counts every line once.
    let lines = ["interruption_cost_usd", "labour_cost_usd", "spares_cost_usd", "rma_cost_usd", "logistics_cost_usd",
                 "spares_capital_cost_usd", "spare_nodes_cost_usd", "energy_cost_usd", "serdes_energy_cost_usd",
                 "capital_cost_usd", "support_cost_usd"]
    let sum = lines.reduce(0) { $0 + (v[$1] ?? 0) }
    #expect(abs(v["total_cost_usd"]! - sum) < 1e-6 * max(1, sum))
    #expect(v["capital_cost_usd"]! + v["support_cost_usd"]! + v["serdes_energy_cost_usd"]! < v["total_cost_usd"]! + 1e-6)
  }

  @Test("capital_life: one-off counts the whole capital once; no capital_life leaves it out")
  func oneOffAndAbsent() throws {
    let (_, once) = try values(Self.fabric(optics: "pluggable", costs: "capital_life: one-off"))
    #expect(abs(once["capital_cost_usd"]! - 266_720) < 1e-6)
    let (_, none) = try values(Self.fabric(optics: "pluggable", costs: "pue: 1.5"))
    #expect(none["capital_cost_usd"] == 0)
    // Support and SerDes do not depend on capital_life.
    #expect(abs(none["support_cost_usd"]! - 21_600) < 1e-6)
    // A 2-year horizon on a 4-year life carries half of it: 133,360.
    let (_, half) = try values(Self.fabric(optics: "pluggable", costs: "capital_life: 4y").replacingOccurrences(of: "horizon: 1y", with: "horizon: 2y"))
    #expect(abs(half["capital_cost_usd"]! - 133_360) < 1e-6)
    #expect(abs(half["support_cost_usd"]! - 43_200) < 1e-6)
  }

  @Test("CPO fabric: the board carries the engines' price; ELS and the NIC-side modules are the only optics bought")
  func cpoByHand() throws {
    let (_, v) = try values(Self.fabric(optics: "cpo", costs: "capital_life: 4y, electricity_usd_per_kwh: 0.10, pue: 1.5"))
    // Engines: ⌈4 ports / 8 per engine⌉ = 1 per switch, ELS ⌈4/8⌉ = 1 per switch.
    //   6 CPO boards x 50,000 = 300,000 (the engine has no price of its own)
    //   6 ELS x 1,500         =   9,000
    //   8 NIC modules x 900   =   7,200
    //   16 fibres x 20        =     320
    //   12 PSUs x 500 + 36 fans x 100 + 8 NICs x 1,500 = 21,600
    //   total                 = 338,120; a quarter of it: 84,530.
    #expect(abs(v["capital_cost_usd"]! - 84_530) < 1e-6)
    // Support: 6 CPO boards x 5,000 = 30,000.
    #expect(abs(v["support_cost_usd"]! - 30_000) < 1e-6)
    // SerDes: 6 engines x 6.4 W + 8 NIC modules x 4 W = 70.4 W -> 70.4 x 8,760 x 1.5 x 0.10 / 1000 = 92.5056.
    #expect(abs(v["serdes_energy_cost_usd"]! - 92.5056) < 1e-9)
  }

  @Test("optics: lpo takes the lpo part as the transceiver unless the scenario names one")
  func lpoFabric() throws {
    let lpo = """
        lpo-800g: {fru: lpo-800g, power_w: 8.5, unit_cost_usd: 540, host_serdes_w: 4, source: estimate,
                   modes: {laser: {distribution: {kind: exponential, afr: 1%}}}}
      """
    let (simulation, v) = try values(Self.fabric(optics: "lpo", costs: "capital_life: 4y, electricity_usd_per_kwh: 0.10, pue: 1.5", extraParts: lpo))
    // The pluggable fabric's capital with 32 LPO modules at 540 instead of 900: 266,720 - 32 x 360 = 255,200; /4 = 63,800.
    #expect(abs(v["capital_cost_usd"]! - 63_800) < 1e-6)
    // Optics energy: 32 x 8.5 W = 272 W -> 272 x 8,760 x 1.5 x 0.10 / 1000 = 357.408.
    #expect(abs(v["energy_cost_usd"]! - 357.408) < 1e-9)
    #expect(simulation.economics.capitalUSD == 255_200)
  }

  @Test("a support contract covers hardware replacement: every replacement is an RMA shipment, none is bought")
  func supportCoversRepairs() throws {
    // 20 units of a $1,000 FRU failing with MTBF 5,000 h over 3 years (about 105 failures), a
    // 1-year warranty, $20 per RMA shipment. Without a contract the replacements after the first
    // year are bought; with a $100-a-year contract none is, and each is one shipment.
    func run(support: Int) throws -> (TrialOutcome, [String: Double]) {
      let s = try scenario("""
        horizon: 3y
        parts:
          unit-part:
            fru: unit-fru
            unit_cost_usd: 1000
            warranty: 1y
            rma_logistics_usd: 20
            support_usd_per_year: \(support)
            source: estimate
            modes: {fail: {distribution: {kind: exponential, mtbf: 5000h}}}
        system: {units: {u: {part: unit-part, count: 20}}}
        repair:
          detection: 0
          verification: 0
          workflows: {unit-fru: {action: hot-swap, clean_first: false, hands_on: 0}}
        """)
      let simulation = try Simulation(scenario: s)
      let metrics = TrialMetrics(simulation: simulation)
      let o = simulation.runTrial(0, seed: 5)
      return (o, Dictionary(uniqueKeysWithValues: zip(metrics.definitions.map(\.name), metrics.values(o))))
    }
    let (bare, without) = try run(support: 0)
    #expect(without["spares_cost_usd"]! > 0)
    #expect(without["spares_cost_usd"]! == Double(bare.sparesUsed[0] - bare.warrantyReplacements[0]) * 1000)
    let (covered, with) = try run(support: 100)
    #expect(covered.sparesUsed[0] > 50)
    #expect(with["spares_cost_usd"] == 0)
    #expect(with["logistics_cost_usd"] == Double(covered.sparesUsed[0]) * 20)
    // The contract: 20 units x $100 a year x 3 years.
    #expect(abs(with["support_cost_usd"]! - 6000) < 1e-9)
  }

  // MARK: P(each cheapest)

  @Test("counting the cheapest: the strict minimum wins, a shared minimum is a tie")
  func countCheapest() throws {
    let comparison = Comparison(simulations: try ["a", "b", "c"].map { _ in
      try Simulation(scenario: try scenario("system: {units: {u: {part: fan}}}\n"))
    })
    var s = comparison.emptyStatistics()
    Comparison.countCheapest([3, 1, 2], into: &s)
    Comparison.countCheapest([1, 5, 2], into: &s)
    Comparison.countCheapest([4, 4, 9], into: &s)
    Comparison.countCheapest([7, 6, 6], into: &s)
    Comparison.countCheapest([9, 8, 0.5], into: &s)
    #expect(s.cheapest == [1, 1, 1])
    #expect(s.cheapestTies == 2)
  }

  /// Three plain systems whose total costs are known per trial:
  /// - A: one part worth $1,000 that never fails in practice, capital counted once: always $1,000.
  /// - B: no capital line; one unit whose failures each buy a $2,000 spare (no warranty, no labour
  ///   or energy price): $2,000 × N with N ~ Poisson(λh). B is cheapest exactly when N = 0, which
  ///   has probability exp(−λh) = 1/2 with λh = ln 2 (MTBF = 1 y / ln 2 = 12,638 h).
  /// - C: like A at $1,500: never cheapest (A is always below it).
  /// So P(A cheapest) = P(B cheapest) = 1/2, P(C cheapest) = 0, no ties.
  @Test("P(each cheapest) on three scenarios with a known answer: 1/2, 1/2, 0", .tags(.statistical))
  func knownAnswer() throws {
    func plain(_ name: String, price: Int, mtbf: String, capital: Bool) throws -> Scenario {
      try scenario("""
        name: \(name)
        horizon: 1y
        parts:
          item-\(name): {fru: item-\(name), power_w: 0, unit_cost_usd: \(price), source: estimate,
                         modes: {fail: {distribution: {kind: exponential, mtbf: \(mtbf)}}}}
        system: {units: {u: {part: item-\(name), count: 1}}}
        repair:
          detection: 0
          verification: 0
          workflows: {item-\(name): {action: hot-swap, clean_first: false, hands_on: 0}}
        costs: {technician_usd_per_hour: 0, electricity_usd_per_kwh: 0\(capital ? ", capital_life: one-off" : "")}
        """)
    }
    let scenarios = [try plain("a", price: 1000, mtbf: "1e15h", capital: true),
                     try plain("b", price: 2000, mtbf: "\(8760 / log(2.0))h", capital: false),
                     try plain("c", price: 1500, mtbf: "1e15h", capital: true)]
    let comparison = Comparison(simulations: try scenarios.map { try Simulation(scenario: $0) })
    let n = 4000
    let statistics = comparison.run(trials: n, seed: 29, threads: 2)
    let report = ComparisonReport(comparison: comparison, statistics: statistics, seed: 29)
    let a = try #require(report.probabilityCheapest["a"]), b = try #require(report.probabilityCheapest["b"])
    let c = try #require(report.probabilityCheapest["c"])
    // 99.9 % band of a binomial share around 1/2: 3.29 x sqrt(0.25 / n).
    let band = 3.29 * (0.25 / Double(n)).squareRoot()
    #expect(abs(b.p.value - 0.5) < band, "P(b cheapest) = \(b.p.value)")
    #expect(abs(a.p.value + b.p.value - 1) < 1e-12)
    #expect(c.p.value == 0)
    #expect(report.cheapestTies.p.value == 0)
    // The Wilson interval brackets the estimate and holds 1/2.
    #expect(b.ci95Low.value < b.p.value && b.p.value < b.ci95High.value)
    #expect(report.verdicts.contains { $0.hasPrefix("P(cheapest) over \(n) paired trials: ") })
    // The same answer on one thread (determinism across threads).
    let single = comparison.run(trials: n, seed: 29, threads: 1)
    #expect(single.cheapest == statistics.cheapest)
  }
}
