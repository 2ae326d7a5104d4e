import Foundation
import Testing
import ReliabilityKit

/// Synthetic life data for the fitting tests.
enum LifeSamples {
  /// Each unit observed for a uniform window from new, censored beyond it.
  static func censored(_ d: some FailureDistribution, n: Int, window: ClosedRange<Double>, seed: UInt32) -> ([Double], [Double]) {
    let source = RandomSource(seed: seed)
    var failures: [Double] = [], censored: [Double] = []
    for _ in 0..<n {
      let life = d.sample(using: source), end = window.lowerBound + source.uniform() * (window.upperBound - window.lowerBound)
      if life <= end { failures.append(life) } else { censored.append(end) }
    }
    return (failures, censored)
  }

  /// A fleet as `FailureData/field/synthetic-inspections.csv` describes it, in units of the scale:
  /// half the units enter at an age uniform on [0, maxEntry] (and are in the data only if they
  /// survived to it: lives drawn conditioned on that), inspections every `period` from entry for
  /// `follow`, 30 % of failures exact, the rest found at the next inspection; units with no
  /// baseline check found failed at the first inspection are left-censored.
  static func fleet(_ d: some FailureDistribution, n: Int, maxEntry: Double, period: Double, follow: Double, seed: UInt32) -> LifeData {
    let source = RandomSource(seed: seed)
    var observations: [LifeData.Observation] = []
    for _ in 0..<n {
      let entry = source.uniform() < 0.5 ? 0 : source.uniform() * maxEntry
      // A finite upper end: Gamma.sample(truncatedTo: a...inf) refuses the interval (GSL's gamma P at inf).
      let life = entry == 0 ? d.sample(using: source) : ((try? d.sample(truncatedTo: entry...1e12, using: source)) ?? .nan)
      let checks = stride(from: entry + period, through: entry + follow + 1e-9, by: period).map { $0 }
      let exact = source.uniform() < 0.3, baseline = source.uniform() < 0.7
      if life > checks.last! {
        observations.append(.init(entry: entry, .censored(at: checks.last!)))
      } else if exact {
        observations.append(.init(entry: entry, .failed(at: life)))
      } else {
        let k = checks.firstIndex { $0 >= life }!
        if k == 0, !baseline {
          observations.append(.init(entry: entry, .failedBefore(checks[0])))
        } else {
          observations.append(.init(entry: entry, .failedBetween(after: k == 0 ? entry : checks[k - 1], before: checks[k])))
        }
      }
    }
    return LifeData(observations)
  }

  /// Every kind of observation, for checks of the likelihood itself.
  static let mixed = LifeData([
    .init(.failed(at: 120)), .init(entry: 40, .failed(at: 300)), .init(.censored(at: 500)), .init(entry: 200, .censored(at: 450)),
    .init(.failedBetween(after: 100, before: 260)), .init(entry: 150, .failedBetween(after: 90, before: 400)),
    .init(.failedBefore(80)), .init(entry: 60, .failedBefore(210)), .init(.failed(at: 35)), .init(entry: 10, .censored(at: 610)),
  ])
}

@Suite("Maximum likelihood", .tags(.statistical))
struct MaximumLikelihoodTests {
  func expectCovers(_ fit: MaximumLikelihood.Fit, _ name: String, _ truth: Double) {
    let parameter = fit.parameters.first { $0.name == name }!
    let interval = parameter.ci95!
    #expect(interval.contains(truth), "\(fit.family) \(name): \(truth) outside \(interval)")
  }

  @Test("Weibull parameters are recovered within their 95% intervals from censored data")
  func weibull() throws {
    let (f, c) = LifeSamples.censored(try Weibull(shape: 1.8, scale: 20_000), n: 400, window: 5000...25_000, seed: 11)
    let fit = try MaximumLikelihood.fit(.weibull, failures: f, censored: c)
    #expect(fit.converged)
    expectCovers(fit, "shape", 1.8)
    expectCovers(fit, "scale_hours", 20_000)
  }

  @Test("lognormal parameters are recovered within their 95% intervals from censored data")
  func lognormal() throws {
    let (f, c) = LifeSamples.censored(try LogNormal(median: 40_000, sigma: 0.9), n: 400, window: 30_000...30_000, seed: 12)
    let fit = try MaximumLikelihood.fit(.lognormal, failures: f, censored: c)
    expectCovers(fit, "mu", log(40_000))
    expectCovers(fit, "sigma", 0.9)
  }

  @Test("gamma parameters are recovered within their 95% intervals from censored data")
  func gamma() throws {
    let (f, c) = LifeSamples.censored(try Gamma(shape: 2.5, scale: 4000), n: 400, window: 8000...20_000, seed: 13)
    let fit = try MaximumLikelihood.fit(.gamma, failures: f, censored: c)
    #expect(fit.converged)
    expectCovers(fit, "shape", 2.5)
    expectCovers(fit, "scale_hours", 4000)
  }

  @Test("parameters are recovered from truncated, interval- and left-censored data", arguments: MaximumLikelihood.Family.allCases)
  func fleet(family: MaximumLikelihood.Family) throws {
    let truth: Distribution = switch family {
    case .weibull: .weibull(try Weibull(shape: 1.7, scale: 10_000))
    case .lognormal: .logNormal(try LogNormal(median: 8000, sigma: 0.8))
    case .exponential: .exponential(try Exponential(mtbf: 12_000))
    case .gamma: .gamma(try Gamma(shape: 2.2, scale: 4000))
    }
    let data = LifeSamples.fleet(truth, n: 500, maxEntry: 6000, period: 1500, follow: 12_000, seed: 21)
    #expect(data.intervalFailures > 50 && data.leftCensored > 0 && data.delayedEntries > 150, "\(data.intervalFailures), \(data.leftCensored), \(data.delayedEntries)")
    let fit = try MaximumLikelihood.fit(family, data: data)
    #expect(fit.converged, "\(fit.problem ?? "")")
    switch truth {
    case let .weibull(d): expectCovers(fit, "shape", d.shape); expectCovers(fit, "scale_hours", d.scale)
    case let .logNormal(d): expectCovers(fit, "mu", d.mu); expectCovers(fit, "sigma", d.sigma)
    case let .exponential(d): expectCovers(fit, "mtbf_hours", d.mtbf)
    case let .gamma(d): expectCovers(fit, "shape", d.shape); expectCovers(fit, "scale_hours", d.scale)
    default: Issue.record("unexpected family")
    }
  }

  @Test("the exponential fit is the closed form r / T with ln L = r ln λ − λT")
  func exponential() throws {
    let fit = try MaximumLikelihood.fit(.exponential, failures: [100, 300, 600], censored: [1000, 1000])
    let rate = 3.0 / 3000
    #expect(close(fit.parameters[0].estimate, rate, 1e-15))
    #expect(close(fit.logLikelihood, 3 * log(rate) - rate * 3000, 1e-12))
    #expect(close(fit.aic, 2 - 2 * fit.logLikelihood, 1e-12))
    #expect(close(fit.bic, log(5.0) - 2 * fit.logLikelihood, 1e-12))
  }

  @Test("with delayed entry the exponential counts only the time after entry: λ = r / Σ(t − a)")
  func exponentialDelayedEntry() throws {
    let data = LifeData([.init(entry: 50, .failed(at: 100)), .init(entry: 200, .failed(at: 300)), .init(entry: 400, .censored(at: 1000))])
    let fit = try MaximumLikelihood.fit(.exponential, data: data)
    let exposure = 50.0 + 100 + 600, rate = 2 / exposure
    #expect(close(fit.parameters[0].estimate, rate, 1e-14))
    #expect(close(fit.logLikelihood, 2 * log(rate) - rate * exposure, 1e-12))
  }

  @Test("left-censored only: the exponential MLE is −ln(1 − k/n)/τ (a binomial proportion)")
  func exponentialLeftCensored() throws {
    // 7 of 20 units found failed at the one inspection at τ = 1000 h, 13 still working.
    let data = LifeData(Array(repeating: .init(.failedBefore(1000)), count: 7) + Array(repeating: .init(.censored(at: 1000)), count: 13))
    let fit = try MaximumLikelihood.fit(.exponential, data: data)
    #expect(fit.converged)
    #expect(close(fit.parameters[0].estimate, -log(1 - 7.0 / 20) / 1000, 1e-8))
    #expect(close(fit.logLikelihood, 7 * log(7.0 / 20) + 13 * log(13.0 / 20), 1e-10))
  }

  @Test("Fisher intervals of B-lives and AFR come from the delta method; for the exponential they map the rate's interval")
  func derivedFisher() throws {
    let fit = try MaximumLikelihood.fit(.exponential, data: LifeData(failures: [100, 300, 600, 900], censored: [1000]), afrAges: [8760])
    let rate = try #require(fit.parameters.first { $0.name == "rate_per_hour" }?.fisher)
    let b10 = try #require(fit.derived.first { $0.name == "b10_hours" })
    let q = -log(0.9)
    #expect(close(b10.estimate, q / fit.parameters[0].estimate, 1e-12))
    #expect(close(b10.fisher!.lower, q / rate.upper, 1e-6) && close(b10.fisher!.upper, q / rate.lower, 1e-6))
    let afr = try #require(fit.derived.first { $0.ageHours == 8760 })
    #expect(close(afr.estimate, fit.parameters[0].estimate * 876_000, 1e-9))
    #expect(close(afr.fisher!.lower, rate.lower * 876_000, 1e-6))
  }

  @Test("issue 17: ages of 1e-300 h and 1e300 h fit (or fail with an error), never trap", arguments: [1e-300, 1e300, 1e-200, 1e200])
  func extremeScales(scale: Double) throws {
    let failures = [1.0, 2.0, 3.5, 0.7].map { $0 * scale }, censored = [4.0, 5.0].map { $0 * scale }
    for family in MaximumLikelihood.Family.allCases {
      let fit = try MaximumLikelihood.fit(family, failures: failures, censored: censored)
      let plain = try MaximumLikelihood.fit(family, failures: [1.0, 2.0, 3.5, 0.7], censored: [4.0, 5.0])
      #expect(fit.converged == plain.converged, "\(family) at \(scale)")
      if fit.converged {
        // Rescaling the ages multiplies the scale by the same factor and leaves the shape alone.
        let value = { (f: MaximumLikelihood.Fit, name: String) in f.parameters.first { $0.name == name }!.estimate }
        switch family {
        case .weibull, .gamma:
          #expect(close(value(fit, "shape"), value(plain, "shape"), 1e-6), "\(family) shape at \(scale)")
          #expect(close(value(fit, "scale_hours") / scale, value(plain, "scale_hours"), 1e-6), "\(family) scale at \(scale)")
        case .lognormal:
          #expect(close(value(fit, "sigma"), value(plain, "sigma"), 1e-6))
          #expect(close(value(fit, "median_hours") / scale, value(plain, "median_hours"), 1e-6))
        case .exponential:
          #expect(close(value(fit, "mtbf_hours") / scale, value(plain, "mtbf_hours"), 1e-12))
        }
        // ln L shifts by −r ln c.
        #expect(close(fit.logLikelihood, plain.logLikelihood - 4 * log(scale), 1e-9))
      }
    }
  }

  @Test("issue 17: gamma converges on data where the optimum is found (no false non-convergence)")
  func gammaConvergence() throws {
    // The 1e-300 h log of the issue: the old convergence test reported this fit as not converged
    // although it sits at the optimum of the same data at 1 h.
    let tiny = try MaximumLikelihood.fit(.gamma, failures: [1e-300, 2e-300], censored: [3e-300])
    let plain = try MaximumLikelihood.fit(.gamma, failures: [1, 2], censored: [3])
    #expect(tiny.converged && plain.converged)
    #expect(close(tiny.parameters[0].estimate, plain.parameters[0].estimate, 1e-6))
  }

  @Test("the 95% Fisher intervals cover the true Weibull shape at about the stated rate")
  func coverage() throws {
    var covered = 0
    let runs = 200
    for seed in 0..<runs {
      let (f, c) = LifeSamples.censored(try Weibull(shape: 1.5, scale: 1000), n: 60, window: 500...2000, seed: UInt32(1000 + seed))
      if try MaximumLikelihood.fit(.weibull, failures: f, censored: c).parameters[0].ci95!.contains(1.5) { covered += 1 }
    }
    // Wald intervals at n = 60 are approximate; the binomial 99.9% band around 0.95 is ± 0.05.
    let rate = Double(covered) / Double(runs)
    #expect(abs(rate - 0.95) <= Stats.z999 * (0.95 * 0.05 / Double(runs)).squareRoot(), "coverage \(rate)")
  }

  @Test("no failures at all is a clear error")
  func noFailures() {
    #expect(throws: MaximumLikelihood.FitError.noFailures(censored: 3)) {
      try MaximumLikelihood.fit(.weibull, failures: [], censored: [1, 2, 3])
    }
  }
}
