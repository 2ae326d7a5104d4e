import Foundation
import Testing
import ReliabilityKit

@Suite("Sample summary")
struct SampleSummaryTests {
  @Test("mean, sd, quantiles and the t interval of a small known sample")
  func knownSample() {
    let s = SampleSummary(values: [2, 4, 4, 4, 5, 5, 7, 9])
    #expect(s.count == 8)
    #expect(s.mean == 5)
    #expect(close(s.standardDeviation, (32.0 / 7).squareRoot(), 1e-14))
    // t(0.975, 7) = 2.364624251592785
    let half = 2.364624251592785 * s.standardDeviation / 8.0.squareRoot()
    #expect(close(s.meanCI95!.lowerBound, 5 - half, 1e-12))
    #expect(close(s.meanCI95!.upperBound, 5 + half, 1e-12))
    #expect(s.minimum == 2 && s.maximum == 9)
    #expect(s.quantiles[SampleSummary.quantileLevels.firstIndex(of: 0.5)!] == 4)
  }

  @Test("one value gives no interval and no spread (issue 17: a zero-width interval claimed certainty)")
  func single() {
    let s = SampleSummary(values: [3])
    #expect(s.standardDeviation.isNaN && s.meanCI95 == nil)
    #expect(s.mean == 3)
  }

  @Test("the 95% interval of the mean covers the true mean at about the stated rate", .tags(.statistical))
  func coverage() throws {
    // 2,000 independent intervals of n = 50 exponential draws; the count covering the true mean
    // is binomial(2000, 0.95) if the interval is right (the t interval is approximate for a
    // skewed distribution at n = 50, slightly under-covering; allow the binomial 99.9% band
    // around 0.94).
    let d = try Exponential(mtbf: 10)
    let sequence = SeedSequence(master: 11)
    var covered = 0
    for trial in 0..<2000 {
      let values = draws(d, n: 50, seed: sequence.seed(forTrial: trial))
      if SampleSummary(values: values).meanCI95!.contains(10) { covered += 1 }
    }
    let rate = Double(covered) / 2000
    let band = Stats.z999 * (0.94 * 0.06 / 2000).squareRoot()
    #expect(rate >= 0.94 - band && rate <= 0.96 + band, "coverage \(rate)")
  }
}

/// Issue 27: `cposim sample` with extreme parameters prints the numbers, not overflows.
@Suite("Sample summary and theory at extreme parameters")
struct ExtremeSampleTests {
  @Test("draws near 1e307 h have a finite sd (their squares overflow), equal to the sd of the same draws scaled down")
  func hugeDraws() throws {
    let small = draws(try Exponential(mtbf: 1), n: 1000, seed: 5)
    let huge = SampleSummary(values: small.map { $0 * 1e307 }), unit = SampleSummary(values: small)
    #expect(huge.standardDeviation.isFinite && huge.meanCI95 != nil)
    #expect(abs(huge.standardDeviation / 1e307 - unit.standardDeviation) <= 1e-12 * unit.standardDeviation)
    #expect(abs(huge.mean / 1e307 - unit.mean) <= 1e-12 * unit.mean)
    #expect(huge.overflowed == 0)
  }

  @Test("a draw that overflows makes the mean infinite and is counted")
  func overflowingDraws() {
    let s = SampleSummary(values: [1, 2, .infinity, 3])
    #expect(s.mean == .infinity && s.standardDeviation.isNaN && s.overflowed == 1 && s.meanCI95 == nil)
  }

  @Test("theoretical sd without squaring: exponential, lognormal, gamma, Weibull of shape 0.01, and a mixture of them")
  func theorySD() throws {
    #expect(close(try Exponential(mtbf: 1e307).standardDeviation, 1e307, 1e-15))
    let logNormal = try LogNormal(median: 1e250, sigma: 2)
    // √(e^4 − 1)·e^(μ + 2): about 5.4e251.
    #expect(close(logNormal.standardDeviation, expm1(4).squareRoot() * 1e250 * exp(2), 1e-12))
    #expect(close(try Gamma(shape: 4, scale: 1e306).standardDeviation, 2e306, 1e-15))
    // Γ(201) overflows a double; the sd η·Γ(101)·√(Γ(201)/Γ(101)² − 1) does not.
    let weibull = try Weibull(shape: 0.01, scale: 1e5)
    let expected = 1e5 * exp(lgamma(101) + 0.5 * log(expm1(lgamma(201) - 2 * lgamma(101))))
    #expect(weibull.standardDeviation.isFinite && close(weibull.standardDeviation, expected, 1e-10))
    let mixture = try Mixture(components: [.init(weight: 0.5, distribution: .weibull(weibull)),
                                           .init(weight: 0.5, distribution: .exponential(try Exponential(mtbf: 1000)))])
    // Var = ½(σ² + μ²) + ½(1000² + 1000²) − μ_mix²: dominated by the Weibull, sd ≈ √½·√(σ² + μ²/2).
    let r = weibull.mean / weibull.standardDeviation
    let sd = weibull.standardDeviation * (0.5 * (1 + r * r) - 0.25 * r * r).squareRoot()
    #expect(mixture.standardDeviation > 0 && close(mixture.standardDeviation, sd, 1e-9), "\(mixture.standardDeviation) vs \(sd)")
  }

  @Test("a mixture's quantile solves F(t) = p even when its components' quantiles are 200 decades apart")
  func mixtureQuantile() throws {
    let weibull = try Weibull(shape: 0.01, scale: 1e5)
    let mixture = try Mixture(components: [.init(weight: 0.5, distribution: .weibull(weibull)),
                                           .init(weight: 0.5, distribution: .exponential(try Exponential(mtbf: 1000)))])
    for p in [0.01, 0.05, 0.25, 0.5, 0.99] {
      let q = mixture.quantile(p)
      #expect(abs(mixture.cdf(q) - p) <= 1e-9 * p, "p \(p): F(\(q)) = \(mixture.cdf(q))")
    }
  }
}
