/// The empirical distribution of a list of observed durations: each observation is equally
/// likely (a bootstrap draw).
///
/// F(t) = (number of observations <= t) / n. The mean and variance are those of the list
/// itself (the variance divides by n). Use it for repair or detection times measured on your
/// own fleet, when no parametric form is trusted.
public struct Empirical: FailureDistribution, Hashable {
  /// The observations, sorted ascending, in hours.
  public let values: [Hours]

  /// - Throws: `DistributionError.emptyObservations` for an empty list, or
  ///   `negativeParameter` naming the first negative or non-finite observation.
  public init(values: [Hours]) throws(DistributionError) {
    guard !values.isEmpty else { throw .emptyObservations }
    for (index, value) in values.enumerated() {
      try requireNonNegative(value, "values[\(index)]")
    }
    self.values = values.sorted()
  }

  public var mean: Hours { values.reduce(0, +) / Double(values.count) }

  public var variance: Double {
    let m = mean
    return values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count)
  }

  public func sample(using source: RandomSource) -> Hours {
    values[source.uniformInt(below: values.count)]
  }

  /// Number of observations strictly below `t`.
  private func countBelow(_ t: Hours) -> Int {
    var low = 0, high = values.count
    while low < high {
      let mid = (low + high) / 2
      if values[mid] < t { low = mid + 1 } else { high = mid }
    }
    return low
  }

  /// Number of observations at or below `t`.
  private func countAtOrBelow(_ t: Hours) -> Int {
    var low = 0, high = values.count
    while low < high {
      let mid = (low + high) / 2
      if values[mid] <= t { low = mid + 1 } else { high = mid }
    }
    return low
  }

  public func cdf(_ t: Hours) -> Double { Double(countAtOrBelow(t)) / Double(values.count) }
  public func survival(_ t: Hours) -> Double { Double(values.count - countAtOrBelow(t)) / Double(values.count) }

  /// The inverse of the empirical CDF: the ⌈pn⌉-th smallest observation (the smallest for p = 0).
  public func quantile(_ p: Double) -> Hours {
    precondition(p >= 0 && p <= 1, "quantile needs 0 <= p <= 1, got \(p)")
    let rank = Int((p * Double(values.count)).rounded(.up))
    return values[max(rank, 1) - 1]
  }

  public func probability(in range: ClosedRange<Hours>) -> Double {
    Double(countAtOrBelow(range.upperBound) - countBelow(range.lowerBound)) / Double(values.count)
  }

  /// A uniform pick among the observations that lie in the interval.
  public func sample(truncatedTo range: ClosedRange<Hours>, using source: RandomSource) throws(DistributionError) -> Hours {
    let low = countBelow(range.lowerBound), high = countAtOrBelow(range.upperBound)
    guard high > low else { throw .emptyInterval(lower: range.lowerBound, upper: range.upperBound) }
    return values[low + source.uniformInt(below: high - low)]
  }
}
