import Foundation

/// The gamma distribution with shape k and scale θ.
///
/// Density f(t) = t^(k−1) e^(−t/θ) / (Γ(k) θ^k); mean kθ; variance kθ².
///
/// With integer k it is the time to the k-th event of a Poisson process of rate 1/θ (the
/// Erlang distribution), which makes it the natural model of a repair made of k similar
/// exponential steps, or of a standby system that fails after k failures. k = 1 is the
/// exponential with mean θ.
public struct Gamma: FailureDistribution, Hashable {
  /// Shape k (dimensionless).
  public let shape: Double
  /// Scale θ in hours.
  public let scale: Hours

  /// - Throws: `DistributionError.nonPositiveParameter` naming `shape` or `scale`.
  public init(shape: Double, scale: Hours) throws(DistributionError) {
    try requirePositive(shape, "shape")
    try requirePositive(scale, "scale")
    self.shape = shape
    self.scale = scale
  }

  public var mean: Hours { shape * scale }
  public var variance: Double { shape * scale * scale }
  public var standardDeviation: Hours { shape.squareRoot() * scale }

  public func sample(using source: RandomSource) -> Hours {
    GSL.gamma(source.handle, shape: shape, scale: scale)
  }

  public func cdf(_ t: Hours) -> Double { t <= 0 ? 0 : GSL.gammaP(t, shape: shape, scale: scale) }
  public func survival(_ t: Hours) -> Double { t <= 0 ? 1 : GSL.gammaQ(t, shape: shape, scale: scale) }

  public func quantile(_ p: Double) -> Hours {
    precondition(p >= 0 && p <= 1, "quantile needs 0 <= p <= 1, got \(p)")
    if p == 0 { return 0 }
    if p == 1 { return .infinity }
    return GSL.gammaPinv(p, shape: shape, scale: scale)
  }

  public func sample(truncatedTo range: ClosedRange<Hours>, using source: RandomSource) throws(DistributionError) -> Hours {
    try inverseTransformTruncated(
      range: max(range.lowerBound, 0)...max(range.upperBound, 0), source: source,
      cdf: cdf, survival: survival, quantile: quantile,
      inverseSurvival: { q in GSL.gammaQinv(q, shape: shape, scale: scale) })
  }
}
