import Foundation
import Testing
@testable import ReliabilityKit

struct TruncationCase: Sendable, CustomTestStringConvertible {
  let name: String
  let distribution: Distribution
  let range: ClosedRange<Hours>
  var testDescription: String { "\(name) on [\(range.lowerBound), \(range.upperBound)]" }

  static func make(_ name: String, _ range: ClosedRange<Hours>, _ build: () throws -> Distribution) -> TruncationCase {
    TruncationCase(name: name, distribution: try! build(), range: range)
  }

  static let table: [TruncationCase] = [
    make("exponential afr 1%, 5-year horizon", 0...43_800) { .exponential(try Exponential(annualisedFailureRatePercent: 1)) },
    make("exponential mtbf 100h, upper tail", 1000...Double.infinity) { .exponential(try Exponential(mtbf: 100)) },
    make("weibull 1.5/1000h, middle", 500...2000) { .weibull(try Weibull(shape: 1.5, scale: 1000)) },
    make("weibull 0.5/1000h, far tail", 100_000...1_000_000) { .weibull(try Weibull(shape: 0.5, scale: 1000)) },
    make("weibull 3/50000h, early", 0...8760) { .weibull(try Weibull(shape: 3, scale: 50_000)) },
    make("lognormal 82000h/0.9, horizon", 0...43_800) { .logNormal(try LogNormal(median: 82_000, sigma: 0.9)) },
    make("lognormal 10h/1, upper tail", 100...Double.infinity) { .logNormal(try LogNormal(median: 10, sigma: 1)) },
    make("gamma 2/500h, head", 0...100) { .gamma(try Gamma(shape: 2, scale: 500)) },
    make("gamma 2/500h, tail", 4000...9000) { .gamma(try Gamma(shape: 2, scale: 500)) },
    make("mixture, 5-year horizon", 0...43_800) {
      .mixture(try Mixture(components: [
        .init(weight: 0.05, distribution: .weibull(try Weibull(shape: 0.5, scale: 2000))),
        .init(weight: 0.95, distribution: .exponential(try Exponential(annualisedFailureRatePercent: 1))),
      ]))
    },
  ]
}

@Suite("Truncated sampling")
struct TruncatedSamplingTests {
  @Test("draws stay in [a, b] and follow the conditional CDF", .tags(.statistical), arguments: TruncationCase.table)
  func conditional(_ testCase: TruncationCase) throws {
    let source = RandomSource(seed: 606)
    let d = testCase.distribution, range = testCase.range
    let n = 20_000
    var values: [Double] = []
    for _ in 0..<n { values.append(try d.sample(truncatedTo: range, using: source)) }
    #expect(values.allSatisfy { range.contains($0) })
    let mass = d.probability(in: range)
    #expect(mass > 0)
    let conditionalCDF = { (x: Double) in d.probability(in: range.lowerBound...max(x, range.lowerBound)) / mass }
    let ks = Stats.ksStatistic(values, cdf: conditionalCDF)
    #expect(Stats.ksPValue(d: ks, n: n) > 0.001, "D = \(ks)")
  }

  @Test("an interval with no probability is an error, not a hang or a NaN")
  func emptyInterval() throws {
    let source = RandomSource(seed: 1)
    #expect(throws: DistributionError.emptyInterval(lower: 5, upper: 5)) {
      try Weibull(shape: 2, scale: 10).sample(truncatedTo: 5...5, using: source)
    }
    #expect(throws: DistributionError.self) { try Deterministic(value: 3).sample(truncatedTo: 4...9, using: source) }
    #expect(throws: DistributionError.self) { try Empirical(values: [1, 2]).sample(truncatedTo: 3...9, using: source) }
    #expect(try Deterministic(value: 3).sample(truncatedTo: 0...3, using: source) == 3)
  }

  @Test("empirical truncation picks only, and evenly, the observations inside")
  func empiricalTruncation() throws {
    let d = try Empirical(values: [1, 2, 3, 4, 5, 6])
    let source = RandomSource(seed: 9)
    var counts = [Double: Int]()
    for _ in 0..<30_000 { counts[try d.sample(truncatedTo: 2...4, using: source), default: 0] += 1 }
    #expect(Set(counts.keys) == [2, 3, 4])
    let chi2 = counts.values.reduce(0.0) { $0 + pow(Double($1) - 10_000, 2) / 10_000 }
    #expect(GSL.chiSquaredQ(chi2, degreesOfFreedom: 2) > 0.001)
  }

  @Test("the binomial-plus-truncated method reproduces plain sampling of a population", .tags(.statistical))
  func binomialPlusTruncated() throws {
    // 50,000 units, 5-year horizon: count failures per trial both ways and compare means.
    let d = try Weibull(shape: 1.2, scale: 400_000)
    let horizon: Hours = 43_800, units = 50_000
    let p = d.cdf(horizon)
    let source = RandomSource(seed: 77)
    var direct: [Double] = [], binomial: [Double] = []
    for _ in 0..<200 {
      direct.append(Double((0..<units).reduce(0) { c, _ in d.sample(using: source) <= horizon ? c + 1 : c }))
      binomial.append(Double(source.binomial(trials: units, probability: p)))
    }
    let a = Stats.moments(direct), b = Stats.moments(binomial)
    let se = (a.seMean * a.seMean + b.seMean * b.seMean).squareRoot()
    #expect(abs(a.mean - b.mean) <= Stats.z999 * se)
    #expect(abs(a.mean - Double(units) * p) <= Stats.z999 * a.seMean)
  }
}
