import Foundation

/// The two-parameter Weibull distribution.
///
/// Reliability R(t) = exp(−(t/η)^β), hazard h(t) = (β/η)(t/η)^(β−1), with shape β and scale η
/// (the characteristic life: R(η) = e⁻¹ ≈ 36.8 %). Mean η Γ(1 + 1/β); variance
/// η² [Γ(1 + 2/β) − Γ(1 + 1/β)²].
///
/// The shape says what kind of failure it is: β < 1 infant mortality (a falling hazard),
/// β = 1 a constant hazard (the exponential with λ = 1/η), β > 1 wear-out.
///
/// Valid parameters: β and η positive and finite. For very small β (below about 0.006) the
/// mean overflows a `Double` and is reported as infinite.
public struct Weibull: FailureDistribution, Hashable {
  /// Shape β (dimensionless).
  public let shape: Double
  /// Scale η in hours.
  public let scale: Hours

  /// - Throws: `DistributionError.nonPositiveParameter` naming `shape` or `scale`.
  public init(shape: Double, scale: Hours) throws(DistributionError) {
    try requirePositive(shape, "shape")
    try requirePositive(scale, "scale")
    self.shape = shape
    self.scale = scale
  }

  public var mean: Hours { scale * exp(GSL.logGamma(1 + 1 / shape)) }

  public var variance: Double {
    let g1 = exp(GSL.logGamma(1 + 1 / shape))
    let g2 = exp(GSL.logGamma(1 + 2 / shape))
    return scale * scale * max(0, g2 - g1 * g1)
  }

  /// η·Γ₁·√(Γ₂/Γ₁² − 1) with Γₖ = Γ(1 + k/β), from log-gammas: Γ₂ alone overflows for β
  /// below about 0.012 while the standard deviation is still a finite number.
  public var standardDeviation: Hours {
    let lg1 = GSL.logGamma(1 + 1 / shape), lg2 = GSL.logGamma(1 + 2 / shape)
    return scale * exp(lg1 + 0.5 * log(max(0, expm1(lg2 - 2 * lg1))))
  }

  public func sample(using source: RandomSource) -> Hours {
    GSL.weibull(source.handle, shape: shape, scale: scale)
  }

  public func cdf(_ t: Hours) -> Double { t <= 0 ? 0 : GSL.weibullP(t, shape: shape, scale: scale) }
  public func survival(_ t: Hours) -> Double { t <= 0 ? 1 : GSL.weibullQ(t, shape: shape, scale: scale) }

  public func quantile(_ p: Double) -> Hours {
    precondition(p >= 0 && p <= 1, "quantile needs 0 <= p <= 1, got \(p)")
    return p == 1 ? .infinity : GSL.weibullPinv(p, shape: shape, scale: scale)
  }

  /// The cumulative hazard H(t) = (t/η)^β.
  public func cumulativeHazard(_ t: Hours) -> Double { t <= 0 ? 0 : pow(t / scale, shape) }

  /// Exact truncation through the cumulative hazard: draw E from an exponential truncated to
  /// [0, H(b) − H(a)] and return η (H(a) + E)^(1/β). Stable in both tails.
  public func sample(truncatedTo range: ClosedRange<Hours>, using source: RandomSource) throws(DistributionError) -> Hours {
    let a = max(range.lowerBound, 0), b = range.upperBound
    let ha = cumulativeHazard(a), hb = cumulativeHazard(b)
    guard hb > ha else { throw .emptyInterval(lower: range.lowerBound, upper: b) }
    let u = source.uniform()
    let e = hb == .infinity ? -log1p(-u) : -log1p(-u * -expm1(-(hb - ha)))
    return min(max(scale * pow(ha + e, 1 / shape), a), b)
  }
}
