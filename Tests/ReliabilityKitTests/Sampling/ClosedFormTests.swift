import Foundation
import Testing
import ReliabilityKit

@Suite("Closed forms")
struct ClosedFormTests {
  static let times: [Double] = [0, 1, 10, 250, 1000, 5000, 40_000]

  @Test("Weibull with shape 1 is the exponential with rate 1/scale")
  func weibullShapeOne() throws {
    let weibull = try Weibull(shape: 1, scale: 2000)
    let exponential = try Exponential(mtbf: 2000)
    for t in Self.times {
      #expect(close(weibull.cdf(t), exponential.cdf(t)))
      #expect(close(weibull.survival(t), exponential.survival(t)))
    }
    for p in [0.01, 0.5, 0.99] { #expect(close(weibull.quantile(p), exponential.quantile(p), 1e-12)) }
    #expect(close(weibull.mean, exponential.mean, 1e-12))
    #expect(close(weibull.variance, exponential.variance, 1e-12))
  }

  @Test("gamma with shape 1 is the exponential with mean scale")
  func gammaShapeOne() throws {
    let gamma = try Gamma(shape: 1, scale: 300)
    let exponential = try Exponential(mtbf: 300)
    for t in Self.times { #expect(close(gamma.cdf(t), exponential.cdf(t), 1e-12)) }
  }

  @Test("Weibull mean and variance: η Γ(1+1/β) and η²(Γ(1+2/β) − Γ(1+1/β)²)")
  func weibullMoments() throws {
    let weibull = try Weibull(shape: 1.5, scale: 1000)
    #expect(close(weibull.mean, 1000 * tgamma(1 + 1 / 1.5), 1e-12))
    #expect(close(weibull.mean, 902.745292950934, 1e-12))
    let g1 = tgamma(1 + 1 / 1.5), g2 = tgamma(1 + 2 / 1.5)
    #expect(close(weibull.variance, 1e6 * (g2 - g1 * g1), 1e-10))
  }

  @Test("lognormal: median e^μ, mean e^(μ+σ²/2), variance (e^σ² − 1)e^(2μ+σ²)")
  func lognormalMoments() throws {
    let d = try LogNormal(median: 82_000, sigma: 0.9)
    #expect(close(d.quantile(0.5), 82_000, 1e-10))
    #expect(close(d.mean, 82_000 * exp(0.81 / 2), 1e-12))
    #expect(close(d.variance, (exp(0.81) - 1) * 82_000 * 82_000 * exp(0.81), 1e-12))
  }

  @Test("gamma: mean kθ, variance kθ²")
  func gammaMoments() throws {
    let d = try Gamma(shape: 2.5, scale: 40)
    #expect(d.mean == 100)
    #expect(d.variance == 4000)
  }

  @Test("exponential: R(MTBF) = e⁻¹, median MTBF·ln 2")
  func exponentialPoints() throws {
    let d = try Exponential(mtbf: 876_000)
    #expect(close(d.reliability(at: 876_000), exp(-1)))
    #expect(close(d.quantile(0.5), 876_000 * log(2.0), 1e-12))
  }

  @Test("survival is computed in the tail, not as 1 − F")
  func tailPrecision() throws {
    let d = try Weibull(shape: 2, scale: 100)
    // R(1000) = exp(−100) ≈ 3.7e−44: 1 − F(1000) would be exactly 0 in Double.
    #expect(close(d.survival(1000), exp(-100), 1e-10))
    #expect(close(try Exponential(mtbf: 1).survival(50), exp(-50), 1e-10))
  }

  @Test("quantile inverts the CDF")
  func quantileInverts() throws {
    let cases: [Distribution] = [
      .exponential(try Exponential(mtbf: 500)), .weibull(try Weibull(shape: 0.7, scale: 3000)),
      .logNormal(try LogNormal(median: 20, sigma: 1.2)), .gamma(try Gamma(shape: 3, scale: 7)),
      .mixture(try Mixture(components: [
        .init(weight: 0.1, distribution: .weibull(try Weibull(shape: 0.5, scale: 100))),
        .init(weight: 0.9, distribution: .logNormal(try LogNormal(median: 5000, sigma: 0.4))),
      ])),
    ]
    for d in cases {
      for p in [0.001, 0.05, 0.5, 0.9, 0.999] { #expect(close(d.cdf(d.quantile(p)), p, 1e-9), "\(d.kind) p=\(p)") }
    }
  }

  @Test("mixture CDF, mean and variance follow from the components")
  func mixtureForms() throws {
    let a = Distribution.exponential(try Exponential(mtbf: 100)), b = Distribution.gamma(try Gamma(shape: 4, scale: 50))
    let m = try Mixture(components: [.init(weight: 0.3, distribution: a), .init(weight: 0.7, distribution: b)])
    for t in Self.times { #expect(close(m.cdf(t), 0.3 * a.cdf(t) + 0.7 * b.cdf(t))) }
    #expect(close(m.mean, 0.3 * 100 + 0.7 * 200))
    let second = 0.3 * (10_000 + 10_000) + 0.7 * (10_000 + 40_000)
    #expect(close(m.variance, second - 170 * 170, 1e-12))
  }

  @Test("empirical CDF, quantile and moments follow the definitions")
  func empiricalForms() throws {
    let d = try Empirical(values: [4, 1, 3, 2])
    #expect(d.cdf(0.5) == 0)
    #expect(d.cdf(2) == 0.5)
    #expect(d.survival(2) == 0.5)
    #expect(d.cdf(4) == 1)
    #expect(d.quantile(0) == 1)
    #expect(d.quantile(0.5) == 2)
    #expect(d.quantile(0.51) == 3)
    #expect(d.quantile(1) == 4)
    #expect(d.mean == 2.5)
    #expect(d.variance == 1.25)
    #expect(d.probability(in: 2...3) == 0.5)
  }

  @Test("deterministic: a step at the value")
  func deterministicForms() throws {
    let d = try Deterministic(value: 10)
    #expect(d.cdf(9.999) == 0 && d.cdf(10) == 1)
    #expect(d.mean == 10 && d.variance == 0)
    #expect(d.sample(using: RandomSource(seed: 1)) == 10)
  }
}
