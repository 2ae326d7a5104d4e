import Foundation

/// A mergeable histogram with logarithmic buckets, for quantiles of any size of sample.
///
/// The bucket scheme is DDSketch's (Masson, Rim, Lee, VLDB 2019): a value x > 0 goes to bucket
/// k = ⌈log_γ x⌉ with γ = (1 + α)/(1 − α), and the bucket is represented by 2γ^k/(γ + 1). Every
/// quantile it returns is within relative error α of the exact empirical quantile (the ⌈qn⌉-th
/// smallest value); α is 0.5 %. Negative values use a mirrored set of buckets, and values with
/// |x| below 1e-12 count as zero. Merging adds counts, so any split of the trials merges to the
/// same sketch.
public struct QuantileSketch: Sendable, Equatable, Codable {
  /// Relative accuracy α of every quantile.
  public static let relativeAccuracy = 0.005
  static let gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
  static let logGamma = log(gamma)
  static let zeroThreshold = 1e-12

  private(set) var positive: [Int: Int] = [:]
  private(set) var negative: [Int: Int] = [:]
  private(set) var zeros = 0
  public private(set) var count = 0
  /// Sketch 1 − x instead of x, for metrics that live just below 1 (availabilities): the
  /// relative accuracy then applies to the unavailability, an absolute error of α·(1 − x).
  public private(set) var complement = false

  public init(complement: Bool = false) {
    self.complement = complement
  }

  public mutating func add(_ value: Double) {
    let x = complement ? 1 - value : value
    guard x.isFinite else { return }
    count += 1
    if abs(x) < Self.zeroThreshold { zeros += 1; return }
    let key = Int((log(abs(x)) / Self.logGamma).rounded(.up))
    if x > 0 { positive[key, default: 0] += 1 } else { negative[key, default: 0] += 1 }
  }

  public mutating func merge(_ other: QuantileSketch) {
    count += other.count
    zeros += other.zeros
    for (k, c) in other.positive { positive[k, default: 0] += c }
    for (k, c) in other.negative { negative[k, default: 0] += c }
  }

  private static func value(ofBucket key: Int) -> Double { 2 * pow(gamma, Double(key)) / (gamma + 1) }

  /// The buckets in ascending order of value, with their bounds and counts.
  public var bins: [(low: Double, high: Double, count: Int)] {
    let raw = rawBins
    return complement ? raw.reversed().map { (1 - $0.high, 1 - $0.low, $0.count) } : raw
  }

  private var rawBins: [(low: Double, high: Double, count: Int)] {
    var result: [(Double, Double, Int)] = []
    for key in negative.keys.sorted(by: >) {
      result.append((-pow(Self.gamma, Double(key)), -pow(Self.gamma, Double(key - 1)), negative[key]!))
    }
    if zeros > 0 { result.append((0, 0, zeros)) }
    for key in positive.keys.sorted() {
      result.append((pow(Self.gamma, Double(key - 1)), pow(Self.gamma, Double(key)), positive[key]!))
    }
    return result
  }

  /// The q-quantile (0 <= q <= 1), or NaN for an empty sketch.
  public func quantile(_ q: Double) -> Double {
    complement ? 1 - rawQuantile(1 - q) : rawQuantile(q)
  }

  private func rawQuantile(_ q: Double) -> Double {
    guard count > 0 else { return .nan }
    let rank = max(1, Int((q * Double(count)).rounded(.up)))
    var seen = 0
    for key in negative.keys.sorted(by: >) {
      seen += negative[key]!
      if seen >= rank { return -Self.value(ofBucket: key) }
    }
    seen += zeros
    if seen >= rank { return 0 }
    for key in positive.keys.sorted() {
      seen += positive[key]!
      if seen >= rank { return Self.value(ofBucket: key) }
    }
    return Self.value(ofBucket: positive.keys.max() ?? 0)
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
  public private(set) var count = 0
  private var sum = ExactSum()
  private var sumOfSquares = ExactSum()
  public private(set) var minimum = Double.infinity
  public private(set) var maximum = -Double.infinity
  public private(set) var sketch: QuantileSketch

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
public enum ValueDomain: Sendable, Equatable {
  /// Any real number (a difference B − A).
  case unbounded
  /// 0 or more: counts, hours, costs.
  case nonNegative
  /// 0 to 1: ratios (availabilities, ETTR, utilisation).
  case fraction

  /// The domain of a metric's own values by its unit: ratios lie in [0, 1]; counts, hours,
  /// GPU-hours, nodes and money are never negative; other units (an uncertain input written
  /// in `h` or `%`) are left unbounded.
  public static func of(unit: String) -> ValueDomain {
    switch unit {
    case "ratio": .fraction
    case "count", "count_per_month", "nodes", "hours", "gpu_hours", "usd", "usd_per_year": .nonNegative
    default: .unbounded
    }
  }

  /// `x` moved into the domain.
  public func clamp(_ x: Double) -> Double {
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
  public let unit: String
  public let n: Int
  public let mean: FiniteOrNull
  public let sd: FiniteOrNull
  public let ci95Low: FiniteOrNull
  public let ci95High: FiniteOrNull
  public let min: FiniteOrNull
  public let max: FiniteOrNull
  public let p5: FiniteOrNull
  public let p50: FiniteOrNull
  public let p95: FiniteOrNull
  public let p99: FiniteOrNull

  /// A metric's own values, whose domain its unit gives (`ValueDomain.of(unit:)`).
  public init(_ a: MetricAccumulator, unit: String) {
    self.init(a, unit: unit, domain: .of(unit: unit))
  }

  /// Paired differences B − A of a metric: unbounded, whatever the metric's unit.
  public init(difference a: MetricAccumulator, unit: String) {
    self.init(a, unit: unit, domain: .unbounded)
  }

  public init(_ a: MetricAccumulator, unit: String, domain: ValueDomain) {
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
