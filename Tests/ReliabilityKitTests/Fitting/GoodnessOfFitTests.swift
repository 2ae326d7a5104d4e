import Foundation
import Testing
@testable import ReliabilityKit

@Suite("Non-parametric estimates and goodness of fit")
struct GoodnessOfFitTests {
  @Test("Kaplan–Meier and median ranks follow their definitions")
  func nonParametric() {
    // Failures at 1, 3; censored at 2; n = 3.
    let km = NonParametric.kaplanMeier(failures: [1, 3], censored: [2])
    #expect(close(km[0].survival, 2.0 / 3, 1e-15) && km[1].survival == 0)
    #expect(km.map(\.atRisk) == [3, 1])
    let ranks = NonParametric.medianRanks(failures: [1, 3], censored: [2])
    // Johnson: first rank 1; the next adjusted rank 1 + (4 − 1)/(1 + 1) = 2.5; Benard (j − 0.3)/(n + 0.4).
    #expect(close(ranks[0].unreliability, 0.7 / 3.4, 1e-14) && close(ranks[1].unreliability, 2.2 / 3.4, 1e-14))
  }

  @Test("Kaplan–Meier with delayed entry: a unit is at risk at t only when it entered before t")
  func kaplanMeierEntry() {
    // (entry, outcome): (0, fail 5), (4, fail 6), (5.5, censored 7), (0, censored 3).
    let data = LifeData([.init(.failed(at: 5)), .init(entry: 4, .failed(at: 6)), .init(entry: 5.5, .censored(at: 7)), .init(.censored(at: 3))])
    let km = NonParametric.kaplanMeier(data)
    // At 5: at risk the units entered at 0 (failing at 5) and 4 → 2; at 6: entered 4 and 5.5 → 2.
    #expect(km.map(\.atRisk) == [2, 2])
    #expect(close(km[0].survival, 0.5, 1e-15) && close(km[1].survival, 0.25, 1e-15))
  }

  @Test("Turnbull's estimate equals Kaplan–Meier on exact and right-censored data with delayed entry")
  func turnbullReducesToKaplanMeier() throws {
    let data = LifeSamples.fleet(try Weibull(shape: 1.5, scale: 1000), n: 80, maxEntry: 500, period: 100, follow: 2000, seed: 8)
    // Keep the exact failures and the censored units only.
    let exact = LifeData(data.observations.filter { if case .failedBetween = $0.outcome { false } else if case .failedBefore = $0.outcome { false } else { true } })
    let km = NonParametric.kaplanMeier(exact)
    let turnbull = NonParametric.turnbull(exact).filter { $0.upperHours.isFinite }
    #expect(km.count == turnbull.count)
    for (k, t) in zip(km, turnbull) {
      #expect(k.timeHours == t.lowerHours && t.lowerHours == t.upperHours)
      #expect(abs((1 - k.survival) - t.cdf) < 1e-6, "at \(k.timeHours): \(1 - k.survival) vs \(t.cdf)")
    }
  }

  @Test("Turnbull on current-status data gives the proportion failed at the inspection")
  func turnbullCurrentStatus() {
    let data = LifeData(Array(repeating: .init(.failedBefore(1000)), count: 7) + Array(repeating: .init(.censored(at: 1000)), count: 13))
    let steps = NonParametric.cdfEstimate(data)
    #expect(steps.count == 2)
    #expect(steps[0].lowerHours == 0 && steps[0].upperHours == 1000 && close(steps[0].cdf, 7.0 / 20, 1e-8))
  }

  @Test("for complete data A² is the classical −n − (1/n) Σ (2i − 1)[ln zᵢ + ln(1 − z₍ₙ₊₁₋ᵢ₎)]", arguments: MaximumLikelihood.Family.allCases)
  func andersonDarlingComplete(family: MaximumLikelihood.Family) throws {
    let lives = draws(try Weibull(shape: 1.8, scale: 1000), n: 40, seed: 17)
    let fit = try MaximumLikelihood.fit(family, failures: lives, censored: [])
    let ad = try #require(GoodnessOfFit.andersonDarling(fit, data: LifeData(failures: lives, censored: [])))
    let z = lives.sorted().map { fit.distribution!.cdf($0) }
    let n = Double(z.count)
    var sum = 0.0
    for i in 0..<z.count { sum += Double(2 * i + 1) * (log(z[i]) + log(1 - z[z.count - 1 - i])) }
    #expect(close(ad.statistic, -n - sum / n, 1e-9), "\(ad.statistic) vs \(-n - sum / n)")
    #expect(ad.complete && (ad.critical5 == nil) == (family == .gamma))
  }

  @Test("A² separates a wrong family from the right one on censored, truncated, inspected data")
  func andersonDarlingPower() throws {
    let data = LifeSamples.fleet(try Weibull(shape: 3, scale: 1000), n: 400, maxEntry: 500, period: 100, follow: 1500, seed: 9)
    let weibull = try MaximumLikelihood.fit(.weibull, data: data), exponential = try MaximumLikelihood.fit(.exponential, data: data)
    let good = try #require(GoodnessOfFit.andersonDarling(weibull, data: data)), bad = try #require(GoodnessOfFit.andersonDarling(exponential, data: data))
    #expect(!good.complete && good.critical5 == nil)
    #expect(bad.statistic > 5 * good.statistic, "weibull \(good.statistic), exponential \(bad.statistic)")
  }

  @Test("the Weibull vs exponential test: p = P(χ²₁ > 2Δ ln L); small for wear-out, not for a constant hazard")
  func constantHazardTest() throws {
    for (shape, wearOut) in [(2.0, true), (1.0, false)] {
      let (f, c) = LifeSamples.censored(try Weibull(shape: shape, scale: 1000), n: 300, window: 500...2000, seed: 31)
      let w = try MaximumLikelihood.fit(.weibull, failures: f, censored: c), e = try MaximumLikelihood.fit(.exponential, failures: f, censored: c)
      let test = try #require(GoodnessOfFit.weibullAgainstExponential(weibull: w, exponential: e))
      #expect(close(test.statistic, 2 * (w.logLikelihood - e.logLikelihood), 1e-12))
      #expect(close(test.pValue, GSL.chiSquaredQ(test.statistic, degreesOfFreedom: 1), 1e-15))
      // Fixed seed; at shape 1 the test rejects at 0.1 % only once in a thousand seeds.
      #expect(wearOut ? test.pValue < 1e-6 : test.pValue > 0.001, "shape \(shape): p = \(test.pValue)")
    }
  }
}
