import Foundation
import Testing
@testable import ReliabilityKit

/// One distribution under test, with a readable name for the test report.
struct DistributionCase: Sendable, CustomTestStringConvertible {
  let name: String
  let distribution: Distribution
  var testDescription: String { name }

  static func make(_ name: String, _ build: () throws -> Distribution) -> DistributionCase {
    // Parameters here are valid by construction; a throw is a bug in the table.
    DistributionCase(name: name, distribution: try! build())
  }

  static let table: [DistributionCase] = [
    make("exponential afr 1%") { .exponential(try Exponential(annualisedFailureRatePercent: 1)) },
    make("exponential mtbf 10h") { .exponential(try Exponential(mtbf: 10)) },
    make("weibull 0.5/1000h") { .weibull(try Weibull(shape: 0.5, scale: 1000)) },
    make("weibull 1/1000h") { .weibull(try Weibull(shape: 1, scale: 1000)) },
    make("weibull 1.5/1000h") { .weibull(try Weibull(shape: 1.5, scale: 1000)) },
    make("weibull 3.5/20000h") { .weibull(try Weibull(shape: 3.5, scale: 20000)) },
    make("lognormal median 82000h sigma 0.9") { .logNormal(try LogNormal(median: 82000, sigma: 0.9)) },
    make("lognormal mean 4h sd 2h") { .logNormal(try LogNormal(mean: 4, standardDeviation: 2)) },
    make("gamma 0.5/10h") { .gamma(try Gamma(shape: 0.5, scale: 10)) },
    make("gamma 2/500h") { .gamma(try Gamma(shape: 2, scale: 500)) },
    make("gamma 9/1h") { .gamma(try Gamma(shape: 9, scale: 1)) },
    make("mixture infant mortality + random") {
      .mixture(try Mixture(components: [
        .init(weight: 0.05, distribution: .weibull(try Weibull(shape: 0.5, scale: 2000))),
        .init(weight: 0.95, distribution: .exponential(try Exponential(annualisedFailureRatePercent: 1))),
      ]))
    },
    make("mixture lognormal + gamma") {
      .mixture(try Mixture(components: [
        .init(weight: 0.6, distribution: .logNormal(try LogNormal(median: 2, sigma: 0.5))),
        .init(weight: 0.4, distribution: .gamma(try Gamma(shape: 3, scale: 4))),
      ]))
    },
  ]
}

@Suite("Statistical checks at fixed seeds", .tags(.statistical))
struct StatisticalTests {
  static let n = 20_000

  @Test("Kolmogorov–Smirnov: draws follow the distribution's own CDF", arguments: DistributionCase.table)
  func kolmogorovSmirnov(_ testCase: DistributionCase) {
    let values = draws(testCase.distribution, n: Self.n, seed: 4242)
    let d = Stats.ksStatistic(values, cdf: testCase.distribution.cdf)
    #expect(Stats.ksPValue(d: d, n: Self.n) > 0.001, "D = \(d)")
  }

  @Test("the sample mean and variance match the closed forms within their 99.9% intervals",
        arguments: DistributionCase.table)
  func moments(_ testCase: DistributionCase) {
    let values = draws(testCase.distribution, n: 200_000, seed: 777)
    let m = Stats.moments(values)
    #expect(abs(m.mean - testCase.distribution.mean) <= Stats.z999 * m.seMean,
            "mean \(m.mean) vs \(testCase.distribution.mean) ± \(Stats.z999 * m.seMean)")
    #expect(abs(m.variance - testCase.distribution.variance) <= Stats.z999 * m.seVariance,
            "variance \(m.variance) vs \(testCase.distribution.variance) ± \(Stats.z999 * m.seVariance)")
  }

  @Test("the KS test has power: it rejects draws from a nearby wrong distribution")
  func ksHasPower() throws {
    let values = draws(try Weibull(shape: 1.5, scale: 1000), n: Self.n, seed: 4242)
    let wrong = try Weibull(shape: 1.5, scale: 1030)
    #expect(Stats.ksPValue(d: Stats.ksStatistic(values, cdf: wrong.cdf), n: Self.n) < 0.001)
  }

  @Test("empirical draws pick every observation equally often (chi-squared)")
  func empiricalFrequencies() throws {
    let observations: [Double] = [0.5, 1, 2, 4, 8]
    let d = try Empirical(values: observations)
    var counts = [Double: Int]()
    for v in draws(d, n: 50_000, seed: 31) { counts[v, default: 0] += 1 }
    #expect(Set(counts.keys) == Set(observations))
    let expected = 50_000.0 / 5
    let chi2 = counts.values.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
    #expect(GSL.chiSquaredQ(chi2, degreesOfFreedom: 4) > 0.001)
  }
}
