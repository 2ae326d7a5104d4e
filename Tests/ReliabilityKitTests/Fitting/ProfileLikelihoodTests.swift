import Foundation
import Testing
@testable import ReliabilityKit

@Suite("Profile likelihood", .tags(.statistical))
struct ProfileLikelihoodTests {
  @Test("exponential: the LR bounds of λ solve 2[r ln(λ̂/λ) − (λ̂ − λ)T] = χ²₁(0.95), and B10 and AFR map them")
  func exponentialClosedForm() throws {
    let data = LifeData([.init(.failed(at: 120)), .init(entry: 30, .failed(at: 400)), .init(.failed(at: 700)), .init(.censored(at: 900))])
    let fit = ProfileLikelihood.withIntervals(try MaximumLikelihood.fit(.exponential, data: data, afrAges: [8760]))
    let r = 3.0, exposure = 120.0 + 370 + 700 + 900, rateHat = r / exposure
    let rate = try #require(fit.parameters.first { $0.name == "rate_per_hour" }?.lr)
    for bound in [rate.lower, rate.upper] {
      let deviance = 2 * (r * log(rateHat / bound) - (rateHat - bound) * exposure)
      #expect(abs(deviance - 3.841458820694124) < 1e-7, "deviance \(deviance) at \(bound)")
    }
    #expect(rate.lower < rateHat && rateHat < rate.upper)
    let mtbf = try #require(fit.parameters.first { $0.name == "mtbf_hours" }?.lr)
    #expect(close(mtbf.lower, 1 / rate.upper, 1e-8) && close(mtbf.upper, 1 / rate.lower, 1e-8))
    let b10 = try #require(fit.derived.first { $0.name == "b10_hours" }?.lr)
    #expect(close(b10.lower, -log(0.9) / rate.upper, 1e-8) && close(b10.upper, -log(0.9) / rate.lower, 1e-8))
    let afr = try #require(fit.derived.first { $0.ageHours == 8760 }?.lr)
    #expect(close(afr.lower, rate.lower * 876_000, 1e-8) && close(afr.upper, rate.upper * 876_000, 1e-8))
  }

  /// The profile deviance of the Weibull shape at β, with the scale maximised over a dense grid
  /// (an independent inner maximisation).
  static func gridDeviance(_ fit: MaximumLikelihood.Fit, shape: Double) -> Double {
    var best = -Double.infinity
    var center = fit.x[0], width = 2.0
    for _ in 0..<8 {
      var arg = center
      for i in -50...50 {
        let x0 = center + width * Double(i) / 50
        let v = fit.model.logLikelihood(hours: [x0, log(shape)])
        if v > best { best = v; arg = x0 }
      }
      center = arg
      width /= 10
    }
    return 2 * (fit.logLikelihood - best)
  }

  @Test("Weibull: at the LR bounds of the shape, a grid-maximised profile deviance is χ²₁(0.95)")
  func weibullAgainstGrid() throws {
    let data = LifeSamples.fleet(try Weibull(shape: 1.6, scale: 5000), n: 150, maxEntry: 3000, period: 800, follow: 6000, seed: 3)
    let fit = ProfileLikelihood.withIntervals(try MaximumLikelihood.fit(.weibull, data: data))
    let shape = try #require(fit.parameters.first { $0.name == "shape" }?.lr)
    for bound in [shape.lower, shape.upper] {
      #expect(abs(Self.gridDeviance(fit, shape: bound) - 3.841458820694124) < 1e-5, "at \(bound)")
    }
  }

  @Test("LR intervals of B10 and the AFR contain their estimates, for every family", arguments: MaximumLikelihood.Family.allCases)
  func derivedContainEstimates(family: MaximumLikelihood.Family) throws {
    let data = LifeSamples.fleet(try Weibull(shape: 1.6, scale: 5000), n: 150, maxEntry: 3000, period: 800, follow: 6000, seed: 4)
    let fit = ProfileLikelihood.withIntervals(try MaximumLikelihood.fit(family, data: data, afrAges: [2000, 8760]))
    #expect(fit.converged)
    for e in fit.parameters + fit.derived {
      let lr = try #require(e.lr, "\(family) \(e.name)")
      #expect(lr.lower < e.estimate && e.estimate < lr.upper, "\(family) \(e.name) \(e.estimate) outside \(lr)")
      // Asymptotically LR and Fisher agree; with 150 units they are within a factor of 2 in width.
      if let fisher = e.fisher, e.name != "mu" {
        let ratio = log(lr.upper / lr.lower) / log(fisher.upper / fisher.lower)
        #expect(ratio > 0.5 && ratio < 2, "\(family) \(e.name): LR \(lr) vs Fisher \(fisher)")
      }
    }
  }

  @Test("LR intervals cover the true Weibull parameters at the stated rate on truncated, interval-censored data")
  func coverage() throws {
    let runs = 200
    var shapeCovered = 0, scaleCovered = 0
    for run in 0..<runs {
      let data = LifeSamples.fleet(try Weibull(shape: 1.6, scale: 5000), n: 60, maxEntry: 3000, period: 800, follow: 6000, seed: UInt32(500 + run))
      let fit = try MaximumLikelihood.fit(.weibull, data: data)
      guard fit.converged else { continue }
      if ProfileLikelihood.interval(.parameter(1, log: true), fit: fit)?.contains(1.6) == true { shapeCovered += 1 }
      if ProfileLikelihood.interval(.parameter(0, log: true), fit: fit)?.contains(5000) == true { scaleCovered += 1 }
    }
    // The binomial 99.9 % band around 0.95 for 200 runs: ± 3.29 √(0.95 · 0.05 / 200) = ± 0.051.
    let band = Stats.z999 * (0.95 * 0.05 / Double(runs)).squareRoot()
    for (name, covered) in [("shape", shapeCovered), ("scale", scaleCovered)] {
      let rate = Double(covered) / Double(runs)
      #expect(abs(rate - 0.95) <= band, "\(name) coverage \(rate)")
    }
  }
}
