import Foundation
import Testing
@testable import ReliabilityKit

@Suite("Lemon screen and ROCOF by age")
struct LemonScreenTests {
  @Test("each unit's p-value is the Poisson tail P(N ≥ n | μ), its q-value Benjamini-Hochberg's, and the flagged units are those with q ≤ FDR")
  func definitions() throws {
    let data = RecurrentDraws.fleet(units: 150, seed: 6301, window: { s in (0, 500 + 1500 * s.uniform()) }, events: { a, b, s in
      RecurrentDraws.powerLaw(beta: 1.5, eta: s.uniform() < 0.05 ? 150 : 600, a: a, b: b, using: s)
    })
    let fit = try IntensityFit.fit(.powerLaw, data: data)
    let screen = LemonScreen(data: data, fit: fit, falseDiscoveryRate: 0.05)
    let m = Double(screen.units.count)
    for (rank, u) in screen.units.enumerated() {
      var below = 0.0, term = exp(-u.expected)
      for k in 0..<u.events { below += term; term *= u.expected / Double(k + 1) }
      #expect(close(u.pValue, max(0, 1 - below), 1e-9) || u.pValue < 1e-12, "\(u.id): \(u.pValue) vs \(1 - below)")
      let q = screen.units[rank...].enumerated().map { j, v in v.pValue * m / Double(rank + j + 1) }.min()!
      #expect(close(u.qValue, min(1, q), 1e-12))
      #expect(u.flagged == (u.qValue <= 0.05))
    }
    #expect(!screen.flagged.isEmpty)
    #expect(zip(screen.units, screen.units.dropFirst()).allSatisfy { $0.pValue <= $1.pValue })
  }

  @Test("planted lemons are found: at a fixed seed, most flagged units are lemons and most lemons with a long window are flagged")
  func finds() throws {
    var lemons: Set<String> = []
    let source = RandomSource(seed: 6302)
    let data = RecurrentData(units: (0..<400).map { i in
      let lemon = source.uniform() < 0.03
      if lemon { lemons.insert("u\(i)") }
      let events = RecurrentDraws.powerLaw(beta: 1.6, eta: 2000, a: 0, b: 3000, using: source)
      let extra = lemon ? (0..<9).flatMap { _ in RecurrentDraws.powerLaw(beta: 1.6, eta: 2000, a: 0, b: 3000, using: source) } : []
      return RecurrentData.Unit(id: "u\(i)", entry: 0, exit: 3000, events: events + extra)
    })
    let fit = try IntensityFit.fit(.powerLaw, data: data)
    let flagged = Set(LemonScreen(data: data, fit: fit, falseDiscoveryRate: 0.05).flagged.map(\.id))
    #expect(Double(flagged.intersection(lemons).count) >= 0.9 * Double(flagged.count), "flagged \(flagged.sorted()), lemons \(lemons.sorted())")
    #expect(Double(flagged.intersection(lemons).count) >= 0.7 * Double(lemons.count))
  }

  @Test("without lemons, a fleet has any unit flagged in at most 5 % of fleets (Benjamini-Hochberg under the global null; binomial 99.9 % band)",
        .tags(.statistical))
  func falseAlarms() throws {
    let fleets = 300
    var alarms = 0
    for k in 0..<fleets {
      let data = RecurrentDraws.fleet(units: 60, seed: 6400 + UInt32(k), window: { s in let a = 500 * s.uniform(); return (a, a + 1000) }, events: { a, b, s in
        RecurrentDraws.powerLaw(beta: 1.5, eta: 700, a: a, b: b, using: s)
      })
      let fit = try IntensityFit.fit(.powerLaw, data: data, intervals: false)
      if !LemonScreen(data: data, fit: fit, falseDiscoveryRate: 0.05).flagged.isEmpty { alarms += 1 }
    }
    let share = Double(alarms) / Double(fleets)
    #expect(share <= 0.05 + Stats.z999 * (0.05 * 0.95 / Double(fleets)).squareRoot(), "\(alarms) of \(fleets) fleets had a false alarm")
  }

  @Test("ROCOF bands: events and exposure add up to the log's, exact Poisson bounds (upper only with no event)")
  func bands() {
    let data = RecurrentDraws.fleet(units: 50, seed: 6303, window: { s in let a = 1000 * s.uniform(); return (a, a + 200 + 2000 * s.uniform()) },
                                    events: { a, b, s in RecurrentDraws.powerLaw(beta: 2, eta: 900, a: a, b: b, using: s) })
    let bands = RateByAge.bands(data, count: 7)
    #expect(bands.reduce(0) { $0 + $1.events } == data.eventCount)
    #expect(close(bands.reduce(0) { $0 + $1.exposureUnitHours }, data.exposure, 1e-12))
    for b in bands where b.events > 0 {
      #expect(close(b.ci95Low, GSL.chiSquaredPinv(0.025, degreesOfFreedom: Double(2 * b.events)) / (2 * b.exposureUnitHours), 1e-12))
      #expect(b.ci95Low < b.perUnitHour && b.perUnitHour < b.ci95High)
    }
    let quiet = RateByAge.bands(RecurrentData(units: [.init(id: "a", entry: 0, exit: 100, events: [])]), count: 2)
    #expect(quiet.count == 2 && quiet[0].ci95Low == 0 && close(quiet[0].ci95High, 3.688879454113936 / 50, 1e-9))
  }
}
