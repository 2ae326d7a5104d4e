import Foundation

/// The lognormal distribution: ln T is normal with mean μ and standard deviation σ.
///
/// Density f(t) = exp(−(ln t − μ)² / 2σ²) / (t σ √(2π)); median e^μ; mean e^(μ + σ²/2);
/// variance (e^(σ²) − 1) e^(2μ + σ²).
///
/// The usual model of laser wear-out (Telcordia GR-468 practice, REFERENCE-DATA.md §2) and of
/// repair times, which are skewed with a long right tail.
///
/// Give it either as a median life and σ (how laser reliability is quoted), or as the mean and
/// standard deviation of the time itself, from which σ² = ln(1 + sd²/mean²) and
/// μ = ln(mean) − σ²/2.
public struct LogNormal: FailureDistribution, Hashable {
  /// μ, the mean of ln T (ln hours).
  public let mu: Double
  /// σ, the standard deviation of ln T (dimensionless).
  public let sigma: Double

  /// Creates the distribution from μ and σ of ln T.
  public init(mu: Double, sigma: Double) throws(DistributionError) {
    guard mu.isFinite else { throw .invalidParameter(name: "mu", value: mu, reason: "must be a finite number") }
    try requirePositive(sigma, "sigma")
    self.mu = mu
    self.sigma = sigma
  }

  /// Creates the distribution from the median time (hours) and σ of ln T.
  public init(median: Hours, sigma: Double) throws(DistributionError) {
    try requirePositive(median, "median")
    try self.init(mu: log(median), sigma: sigma)
  }

  /// Creates the distribution from the mean and standard deviation of T (both in hours).
  public init(mean: Hours, standardDeviation sd: Hours) throws(DistributionError) {
    try requirePositive(mean, "mean")
    try requirePositive(sd, "sd")
    let s2 = log1p((sd / mean) * (sd / mean))
    try self.init(mu: log(mean) - s2 / 2, sigma: s2.squareRoot())
  }

  /// The median time e^μ in hours.
  public var median: Hours { exp(mu) }

  public var mean: Hours { exp(mu + sigma * sigma / 2) }
  public var variance: Double { expm1(sigma * sigma) * exp(2 * mu + sigma * sigma) }
  /// √(e^(σ²) − 1) · e^(μ + σ²/2), without forming the variance.
  public var standardDeviation: Hours { expm1(sigma * sigma).squareRoot() * exp(mu + sigma * sigma / 2) }

  public func sample(using source: RandomSource) -> Hours {
    GSL.lognormal(source.handle, mu: mu, sigma: sigma)
  }

  public func cdf(_ t: Hours) -> Double { t <= 0 ? 0 : GSL.lognormalP(t, mu: mu, sigma: sigma) }
  public func survival(_ t: Hours) -> Double { t <= 0 ? 1 : GSL.lognormalQ(t, mu: mu, sigma: sigma) }

  public func quantile(_ p: Double) -> Hours {
    precondition(p >= 0 && p <= 1, "quantile needs 0 <= p <= 1, got \(p)")
    if p == 0 { return 0 }
    if p == 1 { return .infinity }
    return GSL.lognormalPinv(p, mu: mu, sigma: sigma)
  }

  public func sample(truncatedTo range: ClosedRange<Hours>, using source: RandomSource) throws(DistributionError) -> Hours {
    try inverseTransformTruncated(
      range: max(range.lowerBound, 0)...max(range.upperBound, 0), source: source,
      cdf: cdf, survival: survival, quantile: quantile,
      inverseSurvival: { q in GSL.lognormalQinv(q, mu: mu, sigma: sigma) })
  }
}
