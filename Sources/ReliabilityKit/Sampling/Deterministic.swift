/// A fixed duration: every draw is the same value.
///
/// Used for scripted steps (a verification that always takes 15 minutes, a fixed 10 h repair
/// in a benchmark). F(t) is 0 below the value and 1 from it on.
public struct Deterministic: FailureDistribution, Hashable {
  /// The duration in hours.
  public let value: Hours

  /// - Throws: `DistributionError.negativeParameter` unless `value` is finite and >= 0.
  public init(value: Hours) throws(DistributionError) {
    try requireNonNegative(value, "value")
    self.value = value
  }

  public var mean: Hours { value }
  public var variance: Double { 0 }

  public func sample(using source: RandomSource) -> Hours { value }
  public func cdf(_ t: Hours) -> Double { t >= value ? 1 : 0 }
  public func survival(_ t: Hours) -> Double { t >= value ? 0 : 1 }

  public func quantile(_ p: Double) -> Hours {
    precondition(p >= 0 && p <= 1, "quantile needs 0 <= p <= 1, got \(p)")
    return value
  }

  public func probability(in range: ClosedRange<Hours>) -> Double {
    range.contains(value) ? 1 : 0
  }

  public func sample(truncatedTo range: ClosedRange<Hours>, using source: RandomSource) throws(DistributionError) -> Hours {
    guard range.contains(value) else { throw .emptyInterval(lower: range.lowerBound, upper: range.upperBound) }
    return value
  }
}
