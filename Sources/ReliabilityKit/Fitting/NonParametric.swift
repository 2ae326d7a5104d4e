import Foundation

/// Non-parametric views of life data, for probability plots and goodness of fit.
public enum NonParametric {
  /// The Kaplan–Meier estimate at one failure age.
  public struct KaplanMeierPoint: Sendable, Equatable {
    /// The failure age, in hours.
    public let timeHours: Double
    /// Units at risk at that age (entered before it, left at it or later).
    public let atRisk: Int
    /// Failures at that age.
    public let failures: Int
    /// The survival estimate just after it, 0..1 (conditional on survival to the youngest entry age).
    public let survival: Double
    /// Greenwood 95 % interval, clamped to [0, 1].
    public let ci95Low: Double
    /// Upper end of the Greenwood 95 % interval, clamped to 1.
    public let ci95High: Double
  }

  /// One piece of the non-parametric estimate of the CDF: the failure probability mass in the
  /// ages (lower, upper] (a single age when they are equal), and the CDF after it. Between pieces
  /// the estimate is flat; inside a piece of positive width it is not determined (Turnbull).
  public struct Step: Sendable, Equatable {
    /// Where the piece begins, in hours.
    public let lowerHours: Double
    /// Where it ends, in hours (infinite beyond the last age).
    public let upperHours: Double
    /// The failure probability in (lower, upper].
    public let mass: Double
    /// The CDF after the piece, 0..1.
    public let cdf: Double
  }

  /// The Kaplan–Meier product-limit estimate at each distinct failure age, with delayed entry:
  /// a unit is at risk at age t when it entered before t and left at t or later (censored units at
  /// a tied age count as at risk). With delayed entry it estimates survival conditional on
  /// survival to the youngest entry age.
  public static func kaplanMeier(_ data: LifeData) -> [KaplanMeierPoint] {
    var failureAges: [Double: Int] = [:]
    var exits: [(Double, Double)] = []  // (entry, exit)
    for o in data.observations {
      switch o.outcome {
      case let .failed(t): failureAges[t, default: 0] += 1; exits.append((o.entry, t))
      case let .censored(t): exits.append((o.entry, t))
      default: break
      }
    }
    let entries = exits.map(\.0).sorted(), leaving = exits.map(\.1).sorted()
    var survival = 1.0, greenwood = 0.0
    var points: [KaplanMeierPoint] = []
    for (t, d) in failureAges.sorted(by: { $0.key < $1.key }) {
      // at risk: entry < t and exit >= t.
      let entered = lowerBound(entries) { $0 < t }
      let left = lowerBound(leaving) { $0 < t }
      let atRisk = entered - left
      guard atRisk > 0 else { continue }
      survival *= 1 - Double(d) / Double(atRisk)
      if atRisk > d { greenwood += Double(d) / (Double(atRisk) * Double(atRisk - d)) }
      let half = 1.959963984540054 * survival * greenwood.squareRoot()
      points.append(.init(timeHours: t, atRisk: atRisk, failures: d, survival: survival,
                          ci95Low: max(0, survival - half), ci95High: min(1, survival + half)))
    }
    return points
  }

  /// Kaplan–Meier for right-censored ages observed from new.
  public static func kaplanMeier(failures: [Hours], censored: [Hours]) -> [KaplanMeierPoint] {
    kaplanMeier(LifeData(failures: failures, censored: censored))
  }

  /// The count of elements of a sorted array for which `below` holds (a prefix).
  private static func lowerBound(_ sorted: [Double], _ below: (Double) -> Bool) -> Int {
    var low = 0, high = sorted.count
    while low < high {
      let mid = (low + high) / 2
      if below(sorted[mid]) { low = mid + 1 } else { high = mid }
    }
    return low
  }

  /// The non-parametric maximum-likelihood estimate of the CDF: Kaplan–Meier when every failure
  /// age is known, Turnbull's self-consistency algorithm (Turnbull 1976, with truncation) when
  /// some failures are only known to lie in an interval. With delayed entry it is conditional on
  /// survival to the youngest entry age.
  public static func cdfEstimate(_ data: LifeData) -> [Step] {
    if data.intervalFailures == 0 {
      var previous = 0.0
      return kaplanMeier(data).map { point in
        let cdf = 1 - point.survival
        defer { previous = cdf }
        return Step(lowerHours: point.timeHours, upperHours: point.timeHours, mass: cdf - previous, cdf: cdf)
      }
    }
    return turnbull(data)
  }

  /// An end of an interval, ordered by age and then: the closed left end of an exact age, a right
  /// end (included), an open left end (excluded).
  private struct End: Comparable {
    let age: Double
    let order: Int
    static func < (a: End, b: End) -> Bool { a.age < b.age || (a.age == b.age && a.order < b.order) }
  }

  /// Turnbull's NPMLE on the innermost intervals, by self-consistency iterations until no mass
  /// moves by more than 1e-9 (at most 20,000 iterations).
  static func turnbull(_ data: LifeData) -> [Step] {
    var intervals: [(low: End, high: End, entry: End)] = []
    for o in data.observations {
      let (l, u) = o.interval
      let entry = End(age: o.entry, order: 2)
      if case .failed = o.outcome {
        intervals.append((End(age: l, order: 0), End(age: u, order: 1), entry))
      } else {
        intervals.append((End(age: l, order: 2), End(age: u, order: 1), entry))
      }
    }
    // Innermost intervals: a left end immediately followed by a right end in the sorted ends.
    let ends = (intervals.map { ($0.low, true) } + intervals.map { ($0.high, false) }).sorted { $0.0 < $1.0 }
    var supports: [(low: End, high: End)] = []
    for (a, b) in zip(ends, ends.dropFirst()) where a.1 && !b.1 {
      if supports.last.map({ $0.low == a.0 && $0.high == b.0 }) != true { supports.append((a.0, b.0)) }
    }
    let m = supports.count
    guard m > 0 else { return [] }
    // Each observation covers a contiguous run of supports; its truncation set a suffix.
    func firstSupport(notBefore end: End) -> Int {
      var low = 0, high = m
      while low < high { let mid = (low + high) / 2; if supports[mid].low < end { low = mid + 1 } else { high = mid } }
      return low
    }
    func lastSupport(notAfter end: End) -> Int {
      var low = 0, high = m
      while low < high { let mid = (low + high) / 2; if supports[mid].high <= end { low = mid + 1 } else { high = mid } }
      return low - 1
    }
    let ranges = intervals.map { (firstSupport(notBefore: $0.low), lastSupport(notAfter: $0.high), firstSupport(notBefore: $0.entry)) }
    var s = [Double](repeating: 1 / Double(m), count: m)
    var prefix = [Double](repeating: 0, count: m + 1)
    var weight = [Double](repeating: 0, count: m + 1)
    for _ in 0..<20_000 {
      for j in 0..<m { prefix[j + 1] = prefix[j] + s[j] }
      for j in 0...m { weight[j] = 0 }
      for (first, last, visible) in ranges {
        if first <= last {
          let mass = prefix[last + 1] - prefix[first]
          if mass > 0 { weight[first] += 1 / mass; weight[last + 1] -= 1 / mass }
        }
        // Ghost units (truncation): mass before the entry, in proportion to the unseen part.
        let seen = prefix[m] - prefix[visible]
        if visible > 0, seen > 0 { weight[0] += 1 / seen; weight[visible] -= 1 / seen }
      }
      var running = 0.0, total = 0.0
      var next = s
      for j in 0..<m {
        running += weight[j]
        next[j] = s[j] * running
        total += next[j]
      }
      guard total > 0 else { break }
      var change = 0.0
      for j in 0..<m {
        next[j] /= total
        change = max(change, abs(next[j] - s[j]))
      }
      s = next
      if change < 1e-9 { break }
    }
    var cdf = 0.0
    var steps: [Step] = []
    for (support, mass) in zip(supports, s) where mass > 1e-12 {
      cdf += mass
      steps.append(Step(lowerHours: support.low.age, upperHours: support.high.age, mass: mass, cdf: min(cdf, 1)))
    }
    return steps
  }

  /// Median-rank plotting positions of the exact failures: Johnson's adjusted ranks for censored
  /// data and Benard's approximation F ≈ (j − 0.3)/(n + 0.4). For logs observed from new with
  /// exact failures and right censoring only; with delayed entry or inspections use `cdfEstimate`.
  public static func medianRanks(failures: [Hours], censored: [Hours]) -> [(timeHours: Double, unreliability: Double)] {
    let events = (failures.map { ($0, true) } + censored.map { ($0, false) }).sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 && !$1.1) }
    let n = Double(events.count)
    var previous = 0.0
    var points: [(Double, Double)] = []
    for (index, event) in events.enumerated() where event.1 {
      let reverseRank = n - Double(index)
      let rank = previous + (n + 1 - previous) / (1 + reverseRank)
      previous = rank
      points.append((event.0, (rank - 0.3) / (n + 0.4)))
    }
    return points
  }
}
