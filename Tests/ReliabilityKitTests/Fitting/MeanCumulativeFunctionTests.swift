import Foundation
import Testing
@testable import ReliabilityKit

@Suite("Mean cumulative function")
struct MeanCumulativeFunctionTests {
  /// The MCF and both variances from their definitions, unit by unit at every event age: O(m·n),
  /// written independently of the sweep.
  static func byDefinition(_ data: RecurrentData) -> [(t: Double, mcf: Double, lawlessNadeau: Double, nelson: Double)] {
    let ages = Array(Set(data.units.flatMap(\.events))).sorted()
    var result: [(Double, Double, Double, Double)] = []
    var mcf = 0.0, nelson = 0.0
    var w = [Double](repeating: 0, count: data.units.count)
    for t in ages {
      let atRisk = data.units.map { $0.entry < t && t <= $0.exit }
      let y = Double(atRisk.count { $0 })
      let d = data.units.map { Double($0.events.count { $0 == t }) }
      let total = d.reduce(0, +)
      mcf += total / y
      var sum = 0.0
      for i in data.units.indices where atRisk[i] {
        sum += (d[i] - total / y) * (d[i] - total / y)
        w[i] += (d[i] - total / y) / y
      }
      nelson += sum / (y * y)
      result.append((t, mcf, w.reduce(0) { $0 + $1 * $1 }, nelson))
    }
    return result
  }

  @Test("equals its definition on a fleet with delayed entry, early exits, ties and failure truncation")
  func definition() {
    var units = RecurrentDraws.fleet(units: 60, seed: 912, window: { s in
      let a = s.uniform() < 0.5 ? 0 : 400 * s.uniform()
      return (a, a + 200 + 800 * s.uniform())
    }, events: { a, b, s in RecurrentDraws.powerLaw(beta: 1.5, eta: 300, a: a, b: b, using: s) }).units
    // Ties across units and within a unit, and units observed to an event.
    units.append(RecurrentData.Unit(id: "tie", entry: 0, exit: 900, events: [units[0].events.first ?? 100, 450, 450]))
    units.append(RecurrentData.Unit(id: "stop", entry: 10, exit: 450, events: [200, 450]))
    let data = RecurrentData(units: units)
    let sweep = MeanCumulativeFunction.estimate(data)
    let expected = Self.byDefinition(data)
    #expect(sweep.count == expected.count)
    for (p, e) in zip(sweep, expected) {
      #expect(p.timeHours == e.t)
      #expect(close(p.mcf, e.mcf, 1e-12))
      #expect(close(p.variance, e.lawlessNadeau, 1e-10), "Lawless-Nadeau at \(e.t): \(p.variance) vs \(e.lawlessNadeau)")
      #expect(close(p.varianceNelson, e.nelson, 1e-12))
      #expect(close(p.ci95Low, p.mcf * exp(-1.959963984540054 * p.variance.squareRoot() / p.mcf), 1e-12))
    }
  }

  @Test("ReliaSoft's five systems (Nelson's example as reliability's docs give it): MCF by hand")
  func fiveSystems() {
    let systems: [([Double], Double)] = [([5, 10, 15], 17), ([6, 13, 17], 19), ([12, 20, 25], 26), ([13, 15], 24), ([16, 22, 25], 28)]
    let data = RecurrentData(units: systems.enumerated().map { RecurrentData.Unit(id: "\($0)", entry: 0, exit: $1.1, events: $1.0) })
    let points = MeanCumulativeFunction.estimate(data)
    // Up to 17 all five are at risk (the unit leaving at 17 still counts at 17): 0.2 per event, two
    // at 13 and two at 15; then 3 at risk at 20 and 22 (exits at 17 and 19), 2 at 25 (two events).
    let at = { (t: Double) in MeanCumulativeFunction.value(at: t, in: points)?.mcf ?? 0 }
    #expect(close(at(16), 1.8) && close(at(17), 2.0) && close(at(20), 2.0 + 1.0 / 3) && close(at(22), 2.0 + 2.0 / 3))
    #expect(close(at(25), 2.0 + 2.0 / 3 + 1) && close(at(30), at(25)))
    #expect(points.map(\.atRisk) == [5, 5, 5, 5, 5, 5, 5, 5, 3, 3, 2])
    #expect(MeanCumulativeFunction.value(at: 4, in: points) == nil)
    // Each single event with r at risk adds (r − 1)/r³ to Nelson's variance.
    #expect(close(points[0].varianceNelson, 4.0 / 125))
  }

  @Test("Lawless-Nadeau is wider than the Poisson variance when units differ (lemons), Nelson's is not")
  func heterogeneity() {
    // Half the units fail ten times as often: between-unit variation the robust variance sees.
    let data = RecurrentDraws.fleet(units: 200, seed: 913, window: { _ in (0, 1000) }, events: { a, b, s in
      RecurrentDraws.powerLaw(beta: 1, eta: s.uniform() < 0.5 ? 50 : 500, a: a, b: b, using: s)
    })
    let last = MeanCumulativeFunction.estimate(data).last!
    let poisson = Double(data.eventCount) / (200 * 200)  // Σ d/Y² with Y = 200 throughout
    #expect(last.variance > 2 * poisson)
    #expect(close(last.varianceNelson, poisson, 0.01))
  }
}
