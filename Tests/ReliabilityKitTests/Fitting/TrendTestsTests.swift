import Foundation
import Testing
@testable import ReliabilityKit

@Suite("Trend tests")
struct TrendTestsTests {
  @Test("one unit from age 0: the textbook Laplace and MIL-HDBK-189 statistics, time- and failure-truncated")
  func textbook() throws {
    let ages: [Double] = [120, 390, 610, 800, 950]
    let timeTruncated = RecurrentData(units: [.init(id: "s", entry: 0, exit: 1000, events: ages)])
    let n = 5.0, t = 1000.0
    let u = (ages.reduce(0, +) / n - t / 2) / (t * (1 / (12 * n)).squareRoot())
    let laplace = try #require(TrendTests.laplace(timeTruncated))
    #expect(close(laplace.statistic, u, 1e-12))
    #expect(close(laplace.pValue, 2 * GSL.normalQ(abs(u)), 1e-12))
    let chi = 2 * ages.reduce(0) { $0 + log(t / $1) }
    let mil = try #require(TrendTests.milHdbk189(timeTruncated))
    #expect(close(mil.statistic, chi, 1e-12) && mil.degreesOfFreedom == 10)
    // Failure-truncated at 950: the last event is the end of the window and is not counted.
    let failureTruncated = RecurrentData(units: [.init(id: "s", entry: 0, exit: 950, events: ages)])
    let first = Array(ages.dropLast())
    let u2 = (first.reduce(0, +) / 4 - 950.0 / 2) / (950 * (1 / 48.0).squareRoot())
    #expect(close(try #require(TrendTests.laplace(failureTruncated)).statistic, u2, 1e-12))
    let mil2 = try #require(TrendTests.milHdbk189(failureTruncated))
    #expect(close(mil2.statistic, 2 * first.reduce(0) { $0 + log(950 / $1) }, 1e-12) && mil2.degreesOfFreedom == 8)
  }

  @Test("MIL-HDBK-189's statistic is 2N/β̂ of the power law's MLE for units observed from age 0 to a common age")
  func milIsPowerLaw() throws {
    let data = RecurrentDraws.fleet(units: 30, seed: 4101, window: { _ in (0, 2000) }, events: { a, b, s in
      RecurrentDraws.powerLaw(beta: 1.3, eta: 500, a: a, b: b, using: s)
    })
    let fit = try IntensityFit.fit(.powerLaw, data: data)
    let mil = try #require(TrendTests.milHdbk189(data))
    #expect(close(mil.statistic, 2 * Double(data.eventCount) / fit.parameter("beta")!, 1e-7))
  }

  /// Many fleets under a constant rate with delayed entry and early exits: the test statistics'
  /// null distributions.
  static func nullStatistics(fleets: Int, seed: UInt32, units: Int, window: @escaping (RandomSource) -> (Hours, Hours))
    -> (laplace: [Double], milLowerTail: [Double], lewisRobinson: [Double], pLaplace: [Double]) {
    var laplace: [Double] = [], mil: [Double] = [], lr: [Double] = [], p: [Double] = []
    for k in 0..<fleets {
      let data = RecurrentDraws.fleet(units: units, seed: seed &+ UInt32(k), window: window, events: { a, b, s in
        RecurrentDraws.powerLaw(beta: 1, eta: 100, a: a, b: b, using: s)
      })
      guard let l = TrendTests.laplace(data), let m = TrendTests.milHdbk189(data) else { continue }
      laplace.append(l.statistic)
      p.append(l.pValue)
      mil.append(GSL.chiSquaredP(m.statistic, degreesOfFreedom: Double(m.degreesOfFreedom!)))
      if let r = TrendTests.lewisRobinson(data) { lr.append(r.statistic) }
    }
    return (laplace, mil, lr, p)
  }

  @Test("under a constant rate Laplace's U is N(0, 1), MIL-HDBK-189's statistic chi-square with 2N df, and Lewis-Robinson's N(0, 1) with many events a unit (KS, 99.9 %)",
        .tags(.statistical))
  func nullDistributions() {
    let short = Self.nullStatistics(fleets: 600, seed: 70_001, units: 20, window: { s in
      let a = s.uniform() < 0.5 ? 0 : 500 * s.uniform()
      return (a, a + 100 + 400 * s.uniform())
    })
    let normal = { (x: Double) in 1 - GSL.normalQ(x) }
    let dLaplace = Stats.ksStatistic(short.laplace, cdf: normal)
    #expect(Stats.ksPValue(d: dLaplace, n: short.laplace.count) > 0.001, "Laplace D = \(dLaplace)")
    let dMil = Stats.ksStatistic(short.milLowerTail, cdf: { min(max($0, 0), 1) })
    #expect(Stats.ksPValue(d: dMil, n: short.milLowerTail.count) > 0.001, "MIL-HDBK-189 D = \(dMil)")
    // The two-sided p-values are uniform too.
    let dP = Stats.ksStatistic(short.pLaplace, cdf: { min(max($0, 0), 1) })
    #expect(Stats.ksPValue(d: dP, n: short.pLaplace.count) > 0.001, "Laplace p-values D = \(dP)")
    // Lewis-Robinson needs many gaps a unit: windows of about 40 events.
    let long = Self.nullStatistics(fleets: 400, seed: 71_001, units: 5, window: { s in (0, 3000 + 2000 * s.uniform()) })
    let dLR = Stats.ksStatistic(long.lewisRobinson, cdf: normal)
    #expect(Stats.ksPValue(d: dLR, n: long.lewisRobinson.count) > 0.001, "Lewis-Robinson D = \(dLR)")
  }

  @Test("Lewis-Robinson carries a caution with fewer than 10 events a unit, where it rejects a constant rate too often")
  func lewisRobinsonCaution() throws {
    let few = RecurrentDraws.fleet(units: 300, seed: 4103, window: { _ in (0, 200) }, events: { a, b, s in
      RecurrentDraws.powerLaw(beta: 1, eta: 100, a: a, b: b, using: s)
    })
    #expect(try #require(TrendTests.lewisRobinson(few)).caution?.contains("events a unit: with fewer than about 10") == true)
    let many = RecurrentDraws.fleet(units: 10, seed: 4104, window: { _ in (0, 3000) }, events: { a, b, s in
      RecurrentDraws.powerLaw(beta: 1, eta: 100, a: a, b: b, using: s)
    })
    #expect(try #require(TrendTests.lewisRobinson(many)).caution == nil)
    #expect(TrendTests.laplace(few)?.caution == nil)
  }

  @Test("a rising power law is found rising by every test, a falling one falling")
  func power() throws {
    for (beta, direction) in [(2.0, TrendTests.Direction.rising), (0.5, .falling)] {
      let data = RecurrentDraws.fleet(units: 40, seed: 4102, window: { s in (0, 1000 + 1000 * s.uniform()) }, events: { a, b, s in
        RecurrentDraws.powerLaw(beta: beta, eta: 300, a: a, b: b, using: s)
      })
      for test in TrendTests.all(data) {
        #expect(test.direction == direction, "\(test.kind) with β = \(beta): \(test.statistic), p = \(test.pValue)")
        #expect(test.pValue < 1e-4)
      }
    }
  }
}
