import Foundation

/// Descriptive statistics of a set of draws: what `cposim sample` prints.
public struct SampleSummary: Sendable, Equatable {
  /// The probabilities at which quantiles are reported.
  public static let quantileLevels: [Double] = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]

  /// Draws summarised, `overflowed` ones included.
  public let count: Int
  /// Their mean, in the draws' unit (hours for `cposim sample`); ±infinity or NaN when a draw overflowed.
  public let mean: Double
  /// Sample standard deviation (divides by n − 1); NaN for one draw (no spread can be measured).
  public let standardDeviation: Double
  /// 95 % confidence interval of the mean, Student t with n − 1 degrees of freedom; nil for one
  /// draw (there is no interval, and printing a zero-width one would claim certainty).
  public let meanCI95: ClosedRange<Double>?
  /// The smallest draw.
  public let minimum: Double
  /// The largest draw.
  public let maximum: Double
  /// Empirical quantiles at `quantileLevels` (inverse empirical CDF: the ⌈pn⌉-th smallest).
  public let quantiles: [Double]
  /// Draws that are not finite numbers (beyond ±1.8e308 h: parameters a double cannot hold).
  public let overflowed: Int

  /// Summarises `values`.
  /// - Precondition: `values` is not empty.
  /// - Complexity: O(n log n) for the sort behind the quantiles.
  public init(values: [Double]) {
    precondition(!values.isEmpty, "cannot summarise zero values")
    let sorted = values.sorted()
    count = sorted.count
    overflowed = values.count { !$0.isFinite }
    // Values beyond 1e150 would overflow their squares: they are summarised divided by the
    // largest, and the mean and sd multiplied back (1e307 h has an sd of about 1e307 h, not inf).
    let largest = values.reduce(0.0) { max($0, abs($1)) }
    let scale = largest.isFinite && largest > 1e150 ? largest : 1
    // Welford's one-pass update keeps the variance accurate when the mean is large.
    var runningMean = 0.0, m2 = 0.0
    for (index, value) in values.enumerated() {
      let x = value / scale
      let delta = x - runningMean
      runningMean += delta / Double(index + 1)
      m2 += delta * (x - runningMean)
    }
    if overflowed > 0 {
      // A draw beyond the doubles: the mean is that infinity (n/a when they have both signs);
      // no spread can be measured.
      let signs = Set(values.filter { !$0.isFinite }.map { $0.isNaN ? 0 : $0.sign == .minus ? -1 : 1 })
      mean = signs == [1] ? .infinity : signs == [-1] ? -.infinity : .nan
      standardDeviation = .nan
    } else {
      mean = runningMean * scale
      standardDeviation = count > 1 ? (m2 / Double(count - 1)).squareRoot() * scale : .nan
    }
    if count > 1 {
      let t = GSL.studentTPinv(0.975, degreesOfFreedom: Double(count - 1))
      let half = t * standardDeviation / Double(count).squareRoot()
      // An infinite draw (a heavy tail overflowing a Double) leaves no finite interval.
      meanCI95 = mean.isFinite && half.isFinite ? (mean - half)...(mean + half) : nil
    } else {
      meanCI95 = nil
    }
    minimum = sorted.first!
    maximum = sorted.last!
    quantiles = SampleSummary.quantileLevels.map { p in
      sorted[max(Int((p * Double(sorted.count)).rounded(.up)), 1) - 1]
    }
  }
}
