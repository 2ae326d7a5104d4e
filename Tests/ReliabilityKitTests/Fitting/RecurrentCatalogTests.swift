import Foundation
import Testing
@testable import ReliabilityKit

/// The catalog part `cposim recurrent` writes is something the engine simulates as the log's
/// process: simulate it, fit what was simulated, and find the part's parameters again.
@Suite("Recurrent events to the catalog and back")
struct RecurrentCatalogTests {
  /// A log of `units` units observed from new to `window` hours with two power-law modes.
  static func log(units: Int, window: Hours, seed: UInt32, lemons: Int = 0) throws -> RecurrentLog {
    let source = RandomSource(seed: seed)
    var lines = ["unit,entered,exited,time,mode"]
    for i in 0..<units {
      let factor = i < lemons ? 10.0 : 1.0
      let dirt = RecurrentDraws.events(a: 0, b: window, cumulative: { factor * pow($0 / 30_000, 1.5) }, inverse: { 30_000 * pow($0 / factor, 1 / 1.5) },
                                       using: source)
      let laser = RecurrentDraws.events(a: 0, b: window, cumulative: { factor * pow($0 / 50_000, 2.5) }, inverse: { 50_000 * pow($0 / factor, 1 / 2.5) },
                                        using: source)
      let rows = dirt.map { ($0, "dirt") } + laser.map { ($0, "laser") }
      if rows.isEmpty { lines.append("p\(i),0,\(window),,") }
      for (t, mode) in rows.sorted(by: { $0.0 < $1.0 }) { lines.append("p\(i),0,\(window),\(t),\(mode)") }
    }
    return try RecurrentLog.parse(lines.joined(separator: "\n"), file: "ports.csv")
  }

  /// The scenario that runs the part: `count` units of it from new, repairs that take no time
  /// and keep the age (every clean succeeds), `horizon` hours.
  static func scenario(part yaml: String, id: String, count: Int, horizon: String) throws -> Scenario {
    try ReliabilityKitTests.scenario("""
      name: recurrent-round-trip
      horizon: \(horizon)
      trials: 1
      system:
        units: {p: {part: \(id), count: \(count)}}
        structure: {parallel: [p]}
      repair:
        detection: 0
        verification: 0
        workflows:
          \(id): {action: hot-swap, clean_first: true, clean_success: 100%, hands_on: 0}
      parts:
      \(yaml)
      """)
  }

  /// The simulated failures of trial 0 as a log: every unit observed from 0 to the horizon.
  static func simulated(_ scenario: Scenario, units count: Int, horizon: Hours, seed: UInt64) throws -> RecurrentLog {
    var records: [TraceRecord] = []
    _ = try Simulation(scenario: scenario).runTrial(0, seed: seed, trace: { records.append($0) })
    let failures = records.filter { $0.event == "failure" }
    var lines = ["unit,entered,exited,time,mode"]
    var byUnit: [Int: [(Hours, String)]] = [:]
    for f in failures { byUnit[f.unit, default: []].append((f.tHours, String(f.detail.split(separator: "/").last!))) }
    for u in 0..<count {
      let events = byUnit[u] ?? []
      if events.isEmpty { lines.append("u\(u),0,\(horizon),,") }
      for (t, mode) in events { lines.append("u\(u),0,\(horizon),\(t),\(mode)") }
    }
    return try RecurrentLog.parse(lines.joined(separator: "\n"), file: "simulated.csv")
  }

  @Test("the block of a fitted log runs, and a fit of what it simulates recovers its β and η per mode (seed 31337)")
  func roundTrip() throws {
    let analysis = RecurrentAnalysis(log: try Self.log(units: 400, window: 26_280, seed: 7001))
    #expect(analysis.badLot == nil)
    let block = RecurrentCatalog.partYAML(partID: "port-fleet", analysis: analysis, source: "ports.csv")
    #expect(block.contains("fix: clean") && block.contains("clean_success: 100%"))
    let scenario = try Self.scenario(part: block, id: "port-fleet", count: 300, horizon: "10y")
    let simulated = try Self.simulated(scenario, units: 300, horizon: 87_600, seed: 31_337)
    #expect(simulated.modes == ["dirt", "laser"])
    for mode in analysis.byMode {
      let block = try #require(mode.powerLaw)
      let refit = try IntensityFit.fit(.powerLaw, data: simulated.data(mode: mode.mode))
      for name in ["beta", "eta_hours"] {
        let truth = try #require(block.parameter(name))
        let found = try #require(refit.parameters.first { $0.name == name })
        #expect(found.lr!.contains(truth), "\(mode.mode ?? "") \(name): block \(truth), simulated fit \(found.estimate) \(found.lr!)")
      }
      // Minimal repair, not renewal: a renewal process of these Weibull lives would have a
      // different count; the count matches the power law's Λ(T) per unit.
      let expected = 300 * block.cumulative(at: 87_600)
      let count = Double(simulated.data(mode: mode.mode).eventCount)
      #expect(abs(count - expected) <= Stats.z999 * expected.squareRoot(), "\(mode.mode ?? ""): \(count) events, power law expects \(expected)")
    }
  }

  @Test("a log whose modes cannot be fitted gives no part, and says why")
  func nothingToWrite() throws {
    let log = try RecurrentLog.parse("unit,entered,exited,time\na,0,100,50\nb,0,200,\n", file: "one.csv")
    let block = RecurrentCatalog.partYAML(partID: "x", analysis: RecurrentAnalysis(log: log), source: "one.csv")
    #expect(block == "# no mode's power law fitted (the power law (Crow-AMSAA) needs at least 2 events to fit (got 1)): nothing for the part catalog\n")
  }

  @Test("lemon candidates become a bad lot the engine runs: the simulated count matches fraction × multiplier")
  func badLot() throws {
    let analysis = RecurrentAnalysis(log: try Self.log(units: 300, window: 30_000, seed: 7002, lemons: 12))
    let lot = try #require(analysis.badLot)
    #expect(lot.units >= 6 && lot.multiplier > 4, "\(lot)")
    let block = RecurrentCatalog.partYAML(partID: "port-fleet", analysis: analysis, source: "ports.csv")
    #expect(block.contains("bad_lot: {fraction: "))
    let units = 1000
    let scenario = try Self.scenario(part: block, id: "port-fleet", count: units, horizon: "30000h")
    let simulated = try Self.simulated(scenario, units: units, horizon: 30_000, seed: 4242)
    let healthy = analysis.byMode.reduce(0.0) { $0 + $1.powerLaw!.cumulative(at: 30_000) }
    let badUnits = (lot.fraction * Double(units)).rounded()
    let expected = healthy * ((Double(units) - badUnits) + badUnits * lot.multiplier)
    let count = Double(simulated.eventCount)
    #expect(abs(count - expected) <= Stats.z999 * expected.squareRoot(), "\(count) events against \(expected)")
  }
}
