import Foundation

/// Goodness of fit: the Anderson–Darling statistic, adjusted for censoring, truncation and
/// inspections, and the likelihood-ratio test of a constant hazard (Weibull against exponential).
public enum GoodnessOfFit {
  /// The Anderson–Darling statistic of one fit.
  public struct AndersonDarling: Sendable, Equatable {
    /// A² = n ∫ (F̂ − F)² / (F(1 − F)) dF over the ages where the non-parametric estimate F̂ is
    /// determined (see `andersonDarling`); lower is closer.
    public let statistic: Double
    /// True when every unit failed at a known age and was observed from new: the statistic is then
    /// the classical A², and `critical5` applies.
    public let complete: Bool
    /// The 5 % critical value of A² for this family with estimated parameters (Stephens' tables,
    /// with their small-sample factor folded in); nil for censored, truncated or inspected data
    /// and for the gamma, where no table applies.
    public let critical5: Double?

    /// Whether the fit is rejected at the 5 % level, when a critical value applies.
    public var rejectedAt5Percent: Bool? { critical5.map { statistic > $0 } }
  }

  /// A² of `fit` against the non-parametric estimate of `data`.
  ///
  /// F̂ is the Kaplan–Meier estimate (Turnbull's NPMLE when some failures are known only within
  /// an interval). With delayed entry both F̂ and the fitted F are conditional on survival to the
  /// youngest entry age a₀: F(t) = 1 − R(t)/R(a₀). The integral runs from a₀ to the oldest age
  /// observed (to infinity when the last unit failed and F̂ reaches 1), skipping the inside of
  /// Turnbull intervals, where F̂ is not determined. Between steps F̂ is a constant c, and
  /// ∫ (c − z)²/(z(1 − z)) dz from z₁ to z₂ = c² ln(z₂/z₁) − (1 − c)² ln((1 − z₂)/(1 − z₁)) − (z₂ − z₁).
  /// n is the number of units. For complete data this equals the classical
  /// A² = −n − (1/n) Σ (2i − 1)[ln zᵢ + ln(1 − z₍ₙ₊₁₋ᵢ₎)].
  public static func andersonDarling(_ fit: MaximumLikelihood.Fit, data: LifeData,
                                     estimate: [NonParametric.Step]? = nil) -> AndersonDarling? {
    guard fit.converged, let distribution = fit.distribution, data.count > 0 else { return nil }
    let start = data.observations.map(\.entry).min() ?? 0
    let survivalAtStart = distribution.survival(start)
    guard survivalAtStart > 0 else { return nil }
    func z(_ t: Double) -> Double {
      if t == .infinity { return 1 }
      return min(max(1 - distribution.survival(t) / survivalAtStart, 0), 1)
    }
    let steps = (estimate ?? NonParametric.cdfEstimate(data)).filter { $0.upperHours.isFinite }
    let lastAge = data.observations.map { o -> Double in
      let (l, u) = o.interval
      return u.isFinite ? u : l
    }.max() ?? start
    func piece(_ c: Double, _ z1: Double, _ z2: Double) -> Double {
      guard z2 > z1 else { return 0 }
      var value = -(z2 - z1)
      if c > 0 { value += c * c * log(z2 / z1) }
      if c < 1 { value -= (1 - c) * (1 - c) * log((1 - z2) / (1 - z1)) }
      return value
    }
    var total = 0.0
    var c = 0.0, from = z(start)
    for step in steps {
      total += piece(c, from, z(step.lowerHours))
      c = step.cdf >= 1 - 1e-9 ? 1 : step.cdf
      from = z(step.upperHours)
    }
    let end = c == 1 ? 1.0 : z(lastAge)
    total += piece(c, from, end)
    let n = Double(data.count)
    let statistic = n * total
    let complete = data.rightCensored == 0 && data.intervalFailures == 0 && data.delayedEntries == 0
    var critical: Double?
    if complete {
      switch fit.family {
      case .exponential: critical = 1.341 / (1 + 0.6 / n)
      case .weibull: critical = 0.757 / (1 + 0.2 / n.squareRoot())
      case .lognormal: critical = 0.787 / (1 + 4 / n - 25 / (n * n))
      case .gamma: critical = nil
      }
    }
    return AndersonDarling(statistic: statistic.isFinite ? statistic : .infinity, complete: complete, critical5: critical)
  }

  /// The likelihood-ratio test of a constant hazard: the exponential is the Weibull with shape 1.
  public struct LikelihoodRatioTest: Sendable, Equatable {
    /// 2(ln L_Weibull − ln L_exponential).
    public let statistic: Double
    /// P(χ²₁ > statistic).
    public let pValue: Double
    /// The Weibull shape.
    public let shape: Double
  }

  /// The test from a converged Weibull fit and an exponential fit of the same data.
  public static func weibullAgainstExponential(weibull: MaximumLikelihood.Fit, exponential: MaximumLikelihood.Fit) -> LikelihoodRatioTest? {
    guard weibull.converged, exponential.converged, weibull.family == .weibull, exponential.family == .exponential,
          let shape = weibull.parameters.first(where: { $0.name == "shape" })?.estimate else { return nil }
    let statistic = max(0, 2 * (weibull.logLikelihood - exponential.logLikelihood))
    return LikelihoodRatioTest(statistic: statistic, pValue: GSL.chiSquaredQ(statistic, degreesOfFreedom: 1), shape: shape)
  }
}
