/// Durations in hours, the model's single unit of time.
public typealias Hours = Double

/// A probability distribution of a non-negative duration: a time to failure, a repair time,
/// a detection delay.
///
/// Conforming types validate their parameters when they are built, so every method here can
/// rely on valid parameters. All times are in hours.
public protocol FailureDistribution: Sendable {
  /// One draw from the distribution.
  func sample(using source: RandomSource) -> Hours

  /// The cumulative distribution function F(t) = P(T <= t): unreliability at `t`.
  func cdf(_ t: Hours) -> Double

  /// The survival function R(t) = P(T > t): reliability at `t`, computed directly
  /// (never as 1 - F(t)) so tail probabilities keep their precision.
  func survival(_ t: Hours) -> Double

  /// The quantile function F⁻¹(p): the smallest t with F(t) >= p.
  /// - Precondition: `0 <= p <= 1`.
  func quantile(_ p: Double) -> Hours

  /// The expected value E[T] in hours (may be infinite for extreme parameters).
  var mean: Hours { get }

  /// The variance Var[T] in hours² (may be infinite for extreme parameters).
  var variance: Double { get }

  /// The standard deviation in hours, computed without squaring first where a distribution
  /// can (a variance of 1e614 h² overflows; its root, 1e307 h, does not).
  var standardDeviation: Hours { get }

  /// One draw from the distribution conditioned on `lower <= T <= upper`.
  ///
  /// The engine uses this to draw failure times only for the units that fail within the
  /// horizon: the count comes from a binomial draw with p = F(horizon), then each time is drawn
  /// truncated to [0, horizon].
  /// - Throws: `DistributionError.emptyInterval` when the interval has zero probability.
  func sample(truncatedTo range: ClosedRange<Hours>, using source: RandomSource) throws(DistributionError) -> Hours

  /// P(lower <= T <= upper), including any point mass at either end.
  func probability(in range: ClosedRange<Hours>) -> Double
}

extension FailureDistribution {
  /// The reliability R(t) = P(T > t); a synonym of `survival(_:)` in the field's vocabulary.
  public func reliability(at t: Hours) -> Double { survival(t) }

  /// The standard deviation in hours: √variance, unless the distribution computes it directly.
  public var standardDeviation: Hours { variance.squareRoot() }

  /// P(lower <= T <= upper) for a continuous distribution, computed on whichever tail is
  /// more precise. Distributions with point masses provide their own.
  public func probability(in range: ClosedRange<Hours>) -> Double {
    let lowerCDF = cdf(range.lowerBound)
    if lowerCDF > 0.5 {
      return max(0, survival(range.lowerBound) - survival(range.upperBound))
    }
    return max(0, cdf(range.upperBound) - lowerCDF)
  }
}

/// Inverse-transform sampling of a continuous distribution truncated to `range`, working on
/// the upper tail (with the inverse survival function) when the interval lies beyond the
/// median, so that intervals deep in the right tail keep their precision.
@inline(__always)
func inverseTransformTruncated(
  range: ClosedRange<Hours>,
  source: RandomSource,
  cdf: (Hours) -> Double,
  survival: (Hours) -> Double,
  quantile: (Double) -> Hours,
  inverseSurvival: (Double) -> Hours
) throws(DistributionError) -> Hours {
  let a = range.lowerBound, b = range.upperBound
  let fa = cdf(a)
  let x: Double
  if fa > 0.5 {
    let qa = survival(a), qb = survival(b)
    guard qa > qb else { throw .emptyInterval(lower: a, upper: b) }
    x = inverseSurvival(qb + source.uniformPositive() * (qa - qb))
  } else {
    let fb = cdf(b)
    guard fb > fa else { throw .emptyInterval(lower: a, upper: b) }
    x = quantile(fa + source.uniform() * (fb - fa))
  }
  return min(max(x, a), b)
}
