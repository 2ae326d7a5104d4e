import Foundation
import Testing
import ReliabilityKit

extension Tag {
  /// Fixed-seed statistical checks: a mean inside a confidence interval, a KS test.
  @Tag static var statistical: Self
}

/// Test helpers built on textbook formulas; each states its source.
enum Stats {
  /// The two-sided Kolmogorov–Smirnov statistic D = sup |F_n(x) − F(x)| of `values` against `cdf`.
  static func ksStatistic(_ values: [Double], cdf: (Double) -> Double) -> Double {
    let sorted = values.sorted()
    let n = Double(sorted.count)
    var d = 0.0
    for (i, x) in sorted.enumerated() {
      let f = cdf(x)
      d = max(d, f - Double(i) / n, Double(i + 1) / n - f)
    }
    return d
  }

  /// P(D > d) for a sample of size n: the asymptotic Kolmogorov distribution with the
  /// Stephens small-sample correction λ = (√n + 0.12 + 0.11/√n) d (Numerical Recipes §14.3).
  static func ksPValue(d: Double, n: Int) -> Double {
    let sqrtN = Double(n).squareRoot()
    let lambda = (sqrtN + 0.12 + 0.11 / sqrtN) * d
    if lambda < 0.2 { return 1 }
    var sum = 0.0, sign = 1.0
    for j in 1...200 {
      let term = sign * 2 * exp(-2 * Double(j * j) * lambda * lambda)
      sum += term
      if abs(term) < 1e-12 { break }
      sign = -sign
    }
    return min(max(sum, 0), 1)
  }

  /// Sample mean, sample variance, and the standard errors of both: SE(mean) = s/√n and
  /// SE(s²) ≈ √((m₄ − s⁴)/n), with m₄ the sample fourth central moment.
  static func moments(_ values: [Double]) -> (mean: Double, variance: Double, seMean: Double, seVariance: Double) {
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    var m2 = 0.0, m4 = 0.0
    for v in values {
      let d = (v - mean) * (v - mean)
      m2 += d
      m4 += d * d
    }
    let variance = m2 / (n - 1)
    m4 /= n
    return (mean, variance, (variance / n).squareRoot(), max(m4 - variance * variance, 0).squareRoot() / n.squareRoot())
  }

  /// z for a two-sided 99.9 % interval. Statistical tests use it with fixed seeds: a correct
  /// implementation fails about once in a thousand seeds, a wrong one essentially always.
  static let z999 = 3.2905
}

/// Draws `n` values from `distribution` with a fixed seed.
func draws(_ distribution: some FailureDistribution, n: Int, seed: UInt32) -> [Double] {
  let source = RandomSource(seed: seed)
  return (0..<n).map { _ in distribution.sample(using: source) }
}

/// `|a − b| <= tolerance · max(1, |b|)`.
func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
  abs(a - b) <= tolerance * max(1, abs(b))
}
