import Foundation
import Testing
@testable import ReliabilityKit

@Suite("Inference (adaptive importance sampling)")
struct InferenceTests {
  /// ln of the Gamma(shape a, rate b) density at x.
  static func gammaLogDensity(_ x: Double, a: Double, b: Double) -> Double {
    a * log(b) - GSL.logGamma(a) + (a - 1) * log(x) - b * x
  }

  @Test("one Poisson rate with a conjugate gamma prior: the posterior mean, sd and 5/50/95 % quantiles match Gamma(a + k, b + T) within 4 Monte Carlo standard errors of the ESS",
        .tags(.statistical))
  func conjugateGamma() throws {
    // Prior Gamma(2, 200) on a rate per unit-time; 12 events in 600 units of exposure.
    let (a, b, k, exposure) = (2.0, 200.0, 12, 600.0)
    let input = Inference.Input(keyPath: "rate", prior: .gamma(shape: a, rate: b), suffix: "")
    let r = try Inference.run(inputs: [input], likelihoods: [.count(k, spread: 0)], population: 400, maxRounds: 4, seed: 20261207) {
      [$0[0] * exposure]
    }
    let (pa, pb) = (a + Double(k), b + exposure)
    let mean = pa / pb, sd = pa.squareRoot() / pb
    let m = r.marginals[0], ess = r.effectiveSampleSize
    #expect(ess > 100, "ESS \(ess)")
    // The standard error of a weighted mean is sd/√ESS; of the sd about sd/√(2 ESS); of a
    // q-quantile √(q(1−q)/ESS) / f(x_q) (the posterior density there). 4 of them: a correct
    // sampler fails this about once in 15,000 seeds.
    #expect(abs(m.mean - mean) <= 4 * sd / ess.squareRoot(), "mean \(m.mean) against \(mean)")
    #expect(abs(m.sd - sd) <= 4 * sd / (2 * ess).squareRoot(), "sd \(m.sd) against \(sd)")
    for (q, estimate) in [(0.05, m.p5), (0.5, m.p50), (0.95, m.p95)] {
      let x = GSL.gammaPinv(q, shape: pa, scale: 1 / pb)
      let se = (q * (1 - q) / ess).squareRoot() / exp(Self.gammaLogDensity(x, a: pa, b: pb))
      #expect(abs(estimate - x) <= 4 * se, "q\(q): \(estimate) against \(x) (se \(se))")
    }
  }

  /// Simulation-based calibration (Talts et al. 2018) of two correlated rates seen through three
  /// counts (the first alone, the sum, and a zero-heavy one): for each of `replications` data
  /// sets drawn from the prior, the posterior CDF at the true value (the rank of the truth among
  /// posterior draws, as their number grows), binned in 10; returns the chi-square p-value of
  /// uniformity for each rate. `misstated` scales the exposure the inference believes in.
  static func sbc(replications: Int, misstated: Double = 1) throws -> [Double] {
    let inputs = [Inference.Input(keyPath: "l1", prior: .uniform(low: 0.5, high: 5), suffix: ""),
                  Inference.Input(keyPath: "l2", prior: .logUniform(low: 0.05, high: 5), suffix: "")]
    func mu(_ v: [Double]) -> [Double] { [v[0] * 4, (v[0] + v[1]) * 6, v[1] * 0.5] }
    let random = RandomSource(seed: 405)
    let bins = 10
    var counts = [[Int]](repeating: [Int](repeating: 0, count: bins), count: 2)
    for rep in 0..<replications {
      let truth = inputs.map { $0.prior.value($0.prior.draw(using: random)) }
      let data = mu(truth).map { random.poisson(mean: $0) }
      let r = try Inference.run(inputs: inputs, likelihoods: data.map { .count($0, spread: 0) }, population: 200, maxRounds: 4,
                                seed: UInt64(1000 + rep)) { mu($0).map { $0 * misstated } }
      for j in 0..<2 {
        let u = zip(r.values, r.weights).reduce(0) { $0 + ($1.0[j] < truth[j] ? $1.1 : 0) }
        counts[j][min(Int(u * Double(bins)), bins - 1)] += 1
      }
    }
    let expected = Double(replications) / Double(bins)
    return (0..<2).map { j in
      let chi2 = counts[j].reduce(0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
      return GSL.chiSquaredQ(chi2, degreesOfFreedom: Double(bins - 1))
    }
  }

  @Test("simulation-based calibration (Talts et al. 2018): over 200 data sets drawn from the prior, the posterior CDF at the true value of each of two correlated rates is uniform (chi-square over 10 bins, p > 0.01)",
        .tags(.statistical))
  func simulationBasedCalibration() throws {
    // 1 % is the false-alarm rate of the check at this fixed seed (two rates: about 2 %).
    for (j, p) in try Self.sbc(replications: 200).enumerated() { #expect(p > 0.01, "rate \(j + 1): p \(p)") }
  }

  @Test("the same calibration detects a likelihood that misstates the exposure by 30 % (p < 0.01 for a rate)", .tags(.statistical))
  func simulationBasedCalibrationHasPower() throws {
    let p = try Self.sbc(replications: 200, misstated: 1.3)
    #expect(p.min()! < 0.01, "p \(p)")
  }

  @Test("the predictive check of a count at a point: the 95 % interval is the Poisson's (Poisson(10): 4 .. 17) and a count far outside is a conflict")
  func pointCheck() throws {
    let at10 = Inference.check(.count(10, spread: 0), predictions: [10], weights: [1])
    #expect(at10.interval == 4...17)
    #expect(!at10.conflict && at10.pValue > 0.9)
    let far = Inference.check(.count(57, spread: 0), predictions: [265], weights: [1])
    #expect(far.conflict && far.pValue < 1e-40)
    // A zero-failure bound is never a conflict by itself being low.
    let zero = Inference.check(.count(0, spread: 0), predictions: [0.36], weights: [1])
    #expect(!zero.conflict && zero.interval == 0...2)
    // A spread widens the interval (negative binomial of CV 0.5 around 10).
    let spread = Inference.check(.count(10, spread: 0.5), predictions: [10], weights: [1])
    #expect(spread.interval!.upperBound > 17 && spread.interval!.lowerBound < 4)
  }

  @Test("a rate's likelihood is lognormal with sigma from the wider side of its 90 % range; its check flags a model rate beyond the range")
  func rateLikelihood() {
    let l = Inference.Likelihood.rate(2, low: 1, high: 3)
    #expect(close(l.sigma, log(2) / 1.6448536269514722, 1e-12))
    #expect(l.logLikelihood(2) > l.logLikelihood(3))
    #expect(!Inference.check(l, predictions: [2.5], weights: [1]).conflict)
    #expect(Inference.check(l, predictions: [20], weights: [1]).conflict)
  }

  @Test("the same seed gives the same posterior, bit for bit; no input checks the point once")
  func deterministic() throws {
    let inputs = [Inference.Input(keyPath: "x", prior: .uniform(low: 0, high: 10), suffix: "")]
    let a = try Inference.run(inputs: inputs, likelihoods: [.count(3, spread: 0)], population: 50, seed: 9) { [$0[0]] }
    let b = try Inference.run(inputs: inputs, likelihoods: [.count(3, spread: 0)], population: 50, seed: 9) { [$0[0]] }
    #expect(a.values == b.values && a.weights == b.weights)
    let none = try Inference.run(inputs: [], likelihoods: [.count(3, spread: 0)], population: 50, seed: 9) { _ in [3] }
    #expect(none.evaluations == 1 && none.checks[0].pValue == 1)
  }

  @Test("evidence no point of the prior can produce is refused by name")
  func noSupport() {
    let inputs = [Inference.Input(keyPath: "x", prior: .uniform(low: 0, high: 1), suffix: "")]
    #expect(throws: Inference.Failure.noSupport(round: 0)) {
      try Inference.run(inputs: inputs, likelihoods: [.held], population: 20, seed: 1) { _ in [0] }
    }
  }
}
