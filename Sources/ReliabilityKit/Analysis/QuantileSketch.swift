import Foundation

/// A mergeable histogram with logarithmic buckets, for quantiles of any size of sample.
///
/// The bucket scheme is DDSketch's (Masson, Rim, Lee, VLDB 2019): a value x > 0 goes to bucket
/// k = ⌈log_γ x⌉ with γ = (1 + α)/(1 − α), and the bucket is represented by 2γ^k/(γ + 1). Every
/// quantile it returns is within relative error α of the exact empirical quantile (the ⌈qn⌉-th
/// smallest value); α is 0.5 %. Negative values use a mirrored set of buckets, and values with
/// |x| below 1e-12 count as zero. Merging adds counts, so any split of the trials merges to the
/// same sketch.
///
/// Two refinements keep every quantile within the sample's range:
/// - The sketch keeps the exact minimum and maximum, and a quantile is never below the one or
///   above the other: a bucket's representative may lie outside the values it holds (a sample of
///   4378s only gives 4381.1, the middle of its bucket), and the true quantile never does. The
///   relative error stays within α.
/// - A sketch of a metric that lives near 1 (`complement`) keeps 1 − x only for x ≥ 1/2, where
///   that is the smaller of the two and the error α·(1 − x) the finer; values below 1/2 keep x
///   itself. Sketching 1 − x for every x gave an error of α·(1 − x) ≈ 0.005 for availabilities
///   near 0 (values of 1e-8 came out as a median of 0.005).
package struct QuantileSketch: Sendable, Equatable, Codable {
  /// Relative accuracy α of every quantile.
  package static let relativeAccuracy = 0.005
  static let gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
  static let logGamma = log(gamma)
  static let zeroThreshold = 1e-12

  /// Buckets of x, or of 1 − x for the values at or above 1/2 of a `complement` sketch.
  private(set) var positive: [Int: Int] = [:]
  private(set) var negative: [Int: Int] = [:]
  private(set) var zeros = 0
  /// Buckets of x for the values below 1/2 of a `complement` sketch (empty otherwise).
  private(set) var lowPositive: [Int: Int] = [:]
  private(set) var lowNegative: [Int: Int] = [:]
  private(set) var lowZeros = 0
  package private(set) var count = 0
  /// Sketch 1 − x instead of x for x ≥ 1/2, for metrics that live just below 1
  /// (availabilities): the relative accuracy then applies to the unavailability, an absolute
  /// error of α·(1 − x).
  package private(set) var complement = false
  /// The smallest and largest value added (±infinity when none).
  package private(set) var minimum = Double.infinity
  package private(set) var maximum = -Double.infinity

  package init(complement: Bool = false) {
    self.complement = complement
  }

  /// The split point of a `complement` sketch: values at or above it are kept as 1 − x.
  static let complementFrom = 0.5

  package mutating func add(_ value: Double) {
    guard value.isFinite else { return }
    count += 1
    minimum = min(minimum, value)
    maximum = max(maximum, value)
    if complement, value < Self.complementFrom {
      Self.add(value, positive: &lowPositive, negative: &lowNegative, zeros: &lowZeros)
    } else {
      Self.add(complement ? 1 - value : value, positive: &positive, negative: &negative, zeros: &zeros)
    }
  }

  private static func add(_ x: Double, positive: inout [Int: Int], negative: inout [Int: Int], zeros: inout Int) {
    if abs(x) < zeroThreshold { zeros += 1; return }
    let key = Int((log(abs(x)) / logGamma).rounded(.up))
    if x > 0 { positive[key, default: 0] += 1 } else { negative[key, default: 0] += 1 }
  }

  package mutating func merge(_ other: QuantileSketch) {
    count += other.count
    zeros += other.zeros
    lowZeros += other.lowZeros
    minimum = min(minimum, other.minimum)
    maximum = max(maximum, other.maximum)
    for (k, c) in other.positive { positive[k, default: 0] += c }
    for (k, c) in other.negative { negative[k, default: 0] += c }
    for (k, c) in other.lowPositive { lowPositive[k, default: 0] += c }
    for (k, c) in other.lowNegative { lowNegative[k, default: 0] += c }
  }

  private static func value(ofBucket key: Int) -> Double { 2 * pow(gamma, Double(key)) / (gamma + 1) }

  /// One set of buckets in ascending order of value: (value of the representative, low and
  /// high bound, count).
  private static func ascending(positive: [Int: Int], negative: [Int: Int], zeros: Int)
    -> [(value: Double, low: Double, high: Double, count: Int)] {
    var result: [(Double, Double, Double, Int)] = []
    for key in negative.keys.sorted(by: >) {
      result.append((-value(ofBucket: key), -pow(gamma, Double(key)), -pow(gamma, Double(key - 1)), negative[key]!))
    }
    if zeros > 0 { result.append((0, 0, 0, zeros)) }
    for key in positive.keys.sorted() {
      result.append((value(ofBucket: key), pow(gamma, Double(key - 1)), pow(gamma, Double(key)), positive[key]!))
    }
    return result
  }

  /// Every bucket in ascending order of the values it holds, as values (not complements).
  private var buckets: [(value: Double, low: Double, high: Double, count: Int)] {
    let main = Self.ascending(positive: positive, negative: negative, zeros: zeros)
    guard complement else { return main }
    let low = Self.ascending(positive: lowPositive, negative: lowNegative, zeros: lowZeros)
    return low + main.reversed().map { (1 - $0.value, 1 - $0.high, 1 - $0.low, $0.count) }
  }

  /// The buckets in ascending order of value, with their bounds and counts.
  package var bins: [(low: Double, high: Double, count: Int)] {
    buckets.map { ($0.low, $0.high, $0.count) }
  }

  /// The q-quantile (0 <= q <= 1), within the sample's minimum and maximum, or NaN for an
  /// empty sketch. It is the ⌈qn⌉-th smallest value; for a `complement` sketch, the
  /// ⌈(1 − q)n⌉-th largest (the 1 − q quantile of 1 − x, as these sketches always counted).
  package func quantile(_ q: Double) -> Double {
    guard count > 0 else { return .nan }
    let rank = complement ? count + 1 - max(1, Int(((1 - q) * Double(count)).rounded(.up)))
      : max(1, Int((q * Double(count)).rounded(.up)))
    let all = buckets
    var seen = 0
    var estimate = all.last?.value ?? .nan
    for bucket in all {
      seen += bucket.count
      if seen >= rank { estimate = bucket.value; break }
    }
    // The exact extremes bound every quantile (unknown in sketches read from files written
    // before they were kept).
    guard minimum <= maximum else { return estimate }
    return min(max(estimate, minimum), maximum)
  }

  private enum CodingKeys: String, CodingKey {
    case positive, negative, zeros, lowPositive, lowNegative, lowZeros, count, complement, minimum, maximum
  }

  package init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    positive = try c.decode([Int: Int].self, forKey: .positive)
    negative = try c.decode([Int: Int].self, forKey: .negative)
    zeros = try c.decode(Int.self, forKey: .zeros)
    lowPositive = try c.decodeIfPresent([Int: Int].self, forKey: .lowPositive) ?? [:]
    lowNegative = try c.decodeIfPresent([Int: Int].self, forKey: .lowNegative) ?? [:]
    lowZeros = try c.decodeIfPresent(Int.self, forKey: .lowZeros) ?? 0
    count = try c.decode(Int.self, forKey: .count)
    complement = try c.decode(Bool.self, forKey: .complement)
    minimum = try c.decodeIfPresent(Double.self, forKey: .minimum) ?? .infinity
    maximum = try c.decodeIfPresent(Double.self, forKey: .maximum) ?? -.infinity
  }
}

/// Running statistics of one metric over trials: mergeable and exactly associative, so any split
/// of the trials (blocks, threads, shards) merges to bit-identical statistics.
///
/// The sums Σx and Σx² are exact (`ExactSum`); the mean and variance are derived from them once,
/// at the end: mean = Σx/n, variance = (Σx² − (Σx)²/n)/(n − 1), clamped at 0. The two sums are
/// each rounded once, so the variance's relative error is at most about 4ε·mean²/variance
/// (ε = 2^-53): negligible unless the spread is tiny next to the mean (an availability of
/// 0.9999 with sd 3e-6 keeps 5 significant digits of its sd).
public struct MetricAccumulator: Sendable, Equatable, Codable {
  /// Values added.
  public private(set) var count = 0
  private var sum = ExactSum()
  private var sumOfSquares = ExactSum()
  /// The smallest value added (+∞ when none).
  public private(set) var minimum = Double.infinity
  /// The largest value added (−∞ when none).
  public private(set) var maximum = -Double.infinity
  package private(set) var sketch: QuantileSketch

  /// - Parameter nearOne: the metric lives just below 1 (an availability): its quantiles are
  ///   kept to a relative accuracy of its complement.
  public init(nearOne: Bool = false) {
    sketch = QuantileSketch(complement: nearOne)
  }

  /// Adds one trial's value.
  public mutating func add(_ x: Double) {
    count += 1
    sum.add(x)
    sumOfSquares.add(x * x)
    minimum = min(minimum, x)
    maximum = max(maximum, x)
    sketch.add(x)
  }

  /// Merges another accumulator; the order of merges does not matter.
  public mutating func merge(_ other: MetricAccumulator) {
    count += other.count
    sum.merge(other.sum)
    sumOfSquares.merge(other.sumOfSquares)
    minimum = min(minimum, other.minimum)
    maximum = max(maximum, other.maximum)
    sketch.merge(other.sketch)
  }

  /// The mean of the values (NaN when none), from an exact sum.
  public var mean: Double { count > 0 ? sum.value / Double(count) : .nan }

  /// The sample standard deviation (n − 1).
  public var standardDeviation: Double {
    guard count > 1 else { return .nan }
    let s = sum.value
    let variance = max(0, (sumOfSquares.value - s * s / Double(count)) / Double(count - 1))
    // A constant metric has zero spread, whatever the rounding of the two sums.
    return minimum == maximum ? 0 : variance.squareRoot()
  }

  /// The 95 % confidence interval of the mean (Student t, n − 1 degrees of freedom).
  public var ci95: ClosedRange<Double>? {
    guard count > 1, standardDeviation.isFinite, mean.isFinite else { return nil }
    let half = GSL.studentTPinv(0.975, degreesOfFreedom: Double(count - 1)) * standardDeviation / Double(count).squareRoot()
    return (mean - half)...(mean + half)
  }
}

/// The values a quantity can take, which its reported interval respects.
package enum ValueDomain: Sendable, Equatable {
  /// Any real number (a difference B − A).
  case unbounded
  /// 0 or more: counts, hours, costs.
  case nonNegative
  /// 0 to 1: ratios (availabilities, ETTR, utilisation).
  case fraction

  /// The domain of a metric's own values by its unit: ratios lie in [0, 1]; counts, hours,
  /// GPU-hours, nodes and money are never negative; other units (an uncertain input written
  /// in `h` or `%`) are left unbounded.
  package static func of(unit: String) -> ValueDomain {
    switch unit {
    case "ratio": .fraction
    case "count", "count_per_month", "nodes", "hours", "gpu_hours", "usd", "usd_per_year": .nonNegative
    default: .unbounded
    }
  }

  /// `x` moved into the domain.
  package func clamp(_ x: Double) -> Double {
    guard x.isFinite else { return x }
    switch self {
    case .unbounded: return x
    case .nonNegative: return Swift.max(0, x)
    case .fraction: return Swift.min(1, Swift.max(0, x))
    }
  }
}

/// What the report says about one metric.
///
/// The 95 % interval is Student t's, clipped to the quantity's domain: with few trials, or
/// with most trials at 0, t's interval of a count or a cost reaches below 0 (and a ratio's above
/// 1), which no trial can take. Quantiles are the sketch's, kept inside the trials' [min, max]
/// (the sketch's relative error could otherwise put a p5 below the smallest trial).
public struct Estimate: Encodable, Sendable, Equatable {
  /// The metric's unit.
  public let unit: String
  /// Trials.
  public let n: Int
  /// The mean over trials.
  public let mean: FiniteOrNull
  /// The sample standard deviation (n − 1).
  public let sd: FiniteOrNull
  /// Lower bound of the mean's 95 % interval (Student t, clipped to the domain).
  public let ci95Low: FiniteOrNull
  /// Upper bound of the mean's 95 % interval (Student t, clipped to the domain).
  public let ci95High: FiniteOrNull
  /// The smallest trial value.
  public let min: FiniteOrNull
  /// The largest trial value.
  public let max: FiniteOrNull
  /// The 5th percentile of the trials (the sketch's, within [min, max]).
  public let p5: FiniteOrNull
  /// The median of the trials.
  public let p50: FiniteOrNull
  /// The 95th percentile of the trials.
  public let p95: FiniteOrNull
  /// The 99th percentile of the trials.
  public let p99: FiniteOrNull

  /// A metric's own values, whose domain its unit gives (`ValueDomain.of(unit:)`).
  public init(_ a: MetricAccumulator, unit: String) {
    self.init(a, unit: unit, domain: .of(unit: unit))
  }

  /// Paired differences B − A of a metric: unbounded, whatever the metric's unit.
  public init(difference a: MetricAccumulator, unit: String) {
    self.init(a, unit: unit, domain: .unbounded)
  }

  package init(_ a: MetricAccumulator, unit: String, domain: ValueDomain) {
    self.unit = unit
    n = a.count
    mean = FiniteOrNull(a.count > 0 ? a.mean : .nan)
    sd = FiniteOrNull(a.standardDeviation)
    ci95Low = FiniteOrNull(domain.clamp(a.ci95?.lowerBound ?? .nan))
    ci95High = FiniteOrNull(domain.clamp(a.ci95?.upperBound ?? .nan))
    min = FiniteOrNull(a.minimum)
    max = FiniteOrNull(a.maximum)
    let lowest = a.minimum, highest = a.maximum
    func quantile(_ q: Double) -> FiniteOrNull {
      let x = a.sketch.quantile(q)
      guard x.isFinite, lowest <= highest else { return FiniteOrNull(x) }
      return FiniteOrNull(Swift.min(highest, Swift.max(lowest, x)))
    }
    p5 = quantile(0.05)
    p50 = quantile(0.50)
    p95 = quantile(0.95)
    p99 = quantile(0.99)
  }
}
