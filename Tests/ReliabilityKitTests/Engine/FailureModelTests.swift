import Foundation
import Testing
@testable import ReliabilityKit

@Suite("Failure model", .tags(.statistical))
struct FailureModelTests {
  @Test("competing exponential modes: the first failure is Exp(Σ mλ) and each mode wins in proportion to mλ")
  func competingExponentials() throws {
    let model = FailureModel(modes: [
      .init(part: 0, mode: 0, distribution: .exponential(try Exponential(rate: 1e-4)), multiplicity: 1),
      .init(part: 1, mode: 0, distribution: .exponential(try Exponential(rate: 2e-5)), multiplicity: 8),
    ])
    let total = 1e-4 + 8 * 2e-5
    #expect(close(model.probabilityOfFailure(by: 1000), -expm1(-total * 1000), 1e-12))
    let source = RandomSource(seed: 5)
    var times: [Double] = [], wins = 0
    for _ in 0..<20_000 {
      let draw = model.sampleFresh(using: source)
      times.append(draw.time)
      if draw.mode == 1 { wins += 1 }
    }
    let exponential = try Exponential(rate: total)
    #expect(Stats.ksPValue(d: Stats.ksStatistic(times, cdf: exponential.cdf), n: times.count) > 0.001)
    let p = 8 * 2e-5 / total
    #expect(abs(Double(wins) / 20_000 - p) <= Stats.z999 * (p * (1 - p) / 20_000).squareRoot())
  }

  @Test("first failures conditioned on the horizon follow the conditional CDF of the minimum")
  func conditionedFirstFailure() throws {
    // A board of 8 Weibull wear-out engines plus an exponential board mode.
    let weibull = try Weibull(shape: 2.5, scale: 60_000)
    let model = FailureModel(modes: [
      .init(part: 0, mode: 0, distribution: .exponential(try Exponential(annualisedFailureRatePercent: 5)), multiplicity: 1),
      .init(part: 1, mode: 0, distribution: .weibull(weibull), multiplicity: 8),
    ])
    let h = 43_800.0
    let survival = { (t: Double) in exp(-t * 0.05 / 8760) * pow(weibull.survival(t), 8) }
    #expect(close(model.probabilityOfFailure(by: h), 1 - survival(h), 1e-12))
    let source = RandomSource(seed: 8)
    let times = (0..<20_000).map { _ in model.sampleFirstFailure(by: h, using: source).time }
    #expect(times.allSatisfy { $0 >= 0 && $0 <= h })
    let conditional = { (t: Double) in (1 - survival(min(t, h))) / (1 - survival(h)) }
    #expect(Stats.ksPValue(d: Stats.ksStatistic(times, cdf: conditional), n: times.count) > 0.001)
  }

  @Test("a unit that survived to an age fails later, following the conditional survival")
  func afterSurvival() throws {
    let weibull = try Weibull(shape: 3, scale: 1000)
    let model = FailureModel(modes: [.init(part: 0, mode: 0, distribution: .weibull(weibull), multiplicity: 2)])
    let source = RandomSource(seed: 13)
    let age = 600.0
    let times = (0..<20_000).map { _ in model.sampleAfterSurvival(age: age, using: source).time }
    #expect(times.allSatisfy { $0 >= age })
    let conditional = { (t: Double) in 1 - pow(weibull.survival(t) / weibull.survival(age), 2) }
    #expect(Stats.ksPValue(d: Stats.ksStatistic(times, cdf: conditional), n: times.count) > 0.001)
  }

  @Test("Floyd's sampling picks k distinct indices uniformly")
  func distinctIndices() {
    let source = RandomSource(seed: 21)
    var counts = [Int](repeating: 0, count: 10)
    for _ in 0..<20_000 {
      let picked = Trial.distinctIndices(count: 3, from: 10, using: source)
      #expect(Set(picked).count == 3 && picked == picked.sorted())
      for i in picked { counts[i] += 1 }
    }
    let expected = 20_000.0 * 3 / 10
    let chi2 = counts.reduce(0.0) { $0 + pow(Double($1) - expected, 2) / expected }
    #expect(GSL.chiSquaredQ(chi2, degreesOfFreedom: 9) > 0.001)
  }

  @Test("Floyd's sampling gives the same indices from the same draws with a bit set as with a hash set",
        arguments: [(0, 10), (1, 1), (3, 10), (10, 10), (5, 1000), (700, 1000), (40, 786_432), (5000, 786_432)])
  func distinctIndicesBothWays(k: Int, n: Int) {
    for seed in 1...5 {
      let sparse = Trial.distinctIndices(count: k, from: n, using: RandomSource(seed: UInt32(seed)), dense: false)
      let dense = Trial.distinctIndices(count: k, from: n, using: RandomSource(seed: UInt32(seed)), dense: true)
      #expect(sparse == dense)
      #expect(sparse.count == k && Set(sparse).count == k && sparse == sparse.sorted())
      #expect(sparse.allSatisfy { (0..<n).contains($0) })
    }
  }

  @Test("first failures from a per-population table are the same draws as computed per unit")
  func firstFailureTable() throws {
    let weibull = try Weibull(shape: 2.5, scale: 60_000)
    let infant = try Weibull(shape: 0.6, scale: 400_000)
    var never = FailureModel.Mode(part: 2, mode: 0, distribution: .exponential(try Exponential(rate: 1e-3)), multiplicity: 1)
    never.never = true
    let model = FailureModel(modes: [
      .init(part: 0, mode: 0, distribution: .exponential(try Exponential(annualisedFailureRatePercent: 5)), multiplicity: 1),
      .init(part: 1, mode: 0, distribution: .weibull(weibull), multiplicity: 8),
      never,
      .init(part: 3, mode: 0, distribution: .weibull(infant), multiplicity: 1),
      .init(part: 4, mode: 0, distribution: .exponential(try Exponential(rate: 2e-6)), multiplicity: 4),
    ])
    for (h, age) in [(43_800.0, 0.0), (43_800.0, 20_000.0), (1296.0, 0.0), (8760.0, 35_040.0)] {
      let table = model.firstFailureTable(by: h, age: age)
      let a = RandomSource(seed: 17), b = RandomSource(seed: 17)
      for _ in 0..<5_000 {
        let perUnit = model.sampleFirstFailure(by: h, age: age, using: a)
        let tabulated = model.sampleFirstFailure(table: table, using: b)
        #expect(perUnit.time.bitPattern == tabulated.time.bitPattern && perUnit.mode == tabulated.mode)
      }
    }
  }
}
