import Foundation
import Testing
@testable import ReliabilityKit

/// The log-likelihood and the optimiser's pieces (internal API).
@Suite("Log-likelihood")
struct LogLikelihoodTests {
  @Test("ln L is the sum of ln f(t), ln R(t), ln(R(l) − R(u)) minus ln R(entry), for every family", arguments: MaximumLikelihood.Family.allCases)
  func logLikelihoodDefinition(family: MaximumLikelihood.Family) throws {
    let d: Distribution, x: [Double]
    switch family {
    case .weibull: d = .weibull(try Weibull(shape: 1.4, scale: 300)); x = [log(300), log(1.4)]
    case .lognormal: d = .logNormal(try LogNormal(mu: 5.5, sigma: 0.7)); x = [5.5, log(0.7)]
    case .exponential: d = .exponential(try Exponential(mtbf: 350)); x = [log(350)]
    case .gamma: d = .gamma(try Gamma(shape: 1.8, scale: 150)); x = [log(150), log(1.8)]
    }
    func density(_ t: Double) -> Double {
      let h = 1e-4 * t
      return (d.cdf(t + h) - d.cdf(t - h)) / (2 * h)
    }
    var expected = 0.0
    for o in LifeSamples.mixed.observations {
      switch o.outcome {
      case let .failed(t): expected += log(density(t))
      case let .censored(t): expected += log(d.survival(t))
      case .failedBetween, .failedBefore:
        let (l, u) = o.interval
        expected += log(d.survival(l) - d.survival(u))
      }
      expected -= log(d.survival(o.entry))
    }
    let model = ScaledModel(family: family, data: LifeSamples.mixed)
    // The density above is a numerical derivative of the CDF: agreement to about 1e-8.
    #expect(close(model.logLikelihood(hours: x), expected, 1e-7), "\(model.logLikelihood(hours: x)) vs \(expected)")
  }

  @Test("the analytic gradients match central differences on every kind of observation",
        arguments: [MaximumLikelihood.Family.weibull, .lognormal, .exponential])
  func gradients(family: MaximumLikelihood.Family) {
    let ll = LogLikelihood(family: family, data: LifeSamples.mixed.scaled(by: 200))
    for x in family == .exponential ? [[0.3], [-0.5]] : [[0.3, 0.2], [-0.4, -0.3], [0.8, 0.5]] {
      let analytic = ll.gradient(x)!, numeric = Optimiser.numericalGradient(ll.value, at: x)
      for (a, n) in zip(analytic, numeric) { #expect(close(a, n, 1e-6), "\(family) at \(x): \(analytic) vs \(numeric)") }
    }
  }

  @Test("issue 17: a gamma fit reported as converged sits at the optimum (no point of a fine grid is higher)")
  func gammaAtOptimum() throws {
    let (f, c) = LifeSamples.censored(try Gamma(shape: 2.5, scale: 4000), n: 200, window: 2000...12_000, seed: 5)
    let fit = try MaximumLikelihood.fit(.gamma, failures: f, censored: c)
    #expect(fit.converged)
    let model = ScaledModel(family: .gamma, data: LifeData(failures: f, censored: c))
    var best = -Double.infinity
    for i in -20...20 { for j in -20...20 {
      best = max(best, model.logLikelihood(hours: [fit.x[0] + Double(i) * 1e-4, fit.x[1] + Double(j) * 1e-4]))
    } }
    #expect(best <= fit.logLikelihood + 1e-9)
  }
}
