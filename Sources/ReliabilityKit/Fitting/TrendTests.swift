import Foundation

/// Tests of the null hypothesis that events come at a constant rate, the same for every unit (a
/// homogeneous Poisson process), against a trend in the units' age.
///
/// Under that hypothesis, given the number of events in a unit's window (a, b], their ages are
/// independent and uniform on the window. A unit whose observation ended at its last event
/// (failure-truncated: the exit equals the last event's age) is conditioned on that event: its
/// other events are uniform on (a, t_n], and the last one is not counted. Every statistic below is
/// pooled over units this way (Kvaløy and Lindqvist, *Reliability Engineering and System Safety*
/// 60, 1998), and reduces to the single-system textbook form for one unit observed from 0.
public enum TrendTests {
  /// The three tests.
  public enum Kind: String, Sendable, CaseIterable {
    /// Laplace: U = Σ (t − (a + b)/2) / √(Σ n (b − a)²/12), approximately N(0, 1); U > 0: rising.
    case laplace
    /// MIL-HDBK-189: 2 Σ ln((b − a)/(t − a)), exactly χ² with 2N degrees of freedom; small: rising.
    case milHdbk189 = "mil_hdbk_189"
    /// Lewis–Robinson: Laplace's U over the coefficient of variation of the times between events;
    /// approximately N(0, 1) under any renewal process (too liberal with few events a unit).
    case lewisRobinson = "lewis_robinson"

    /// The test's name as the text prints it.
    public var label: String {
      switch self {
      case .laplace: "Laplace"
      case .milHdbk189: "MIL-HDBK-189"
      case .lewisRobinson: "Lewis-Robinson"
      }
    }
  }

  /// The direction of a trend in the units' age.
  public enum Direction: String, Sendable {
    /// Events come faster with age.
    case rising
    /// Events come slower with age.
    case falling
    /// No trend at the 5 % level.
    case none
  }

  /// One test's outcome.
  public struct Result: Sendable, Equatable {
    /// The test.
    public let kind: Kind
    /// The statistic (N(0, 1) for Laplace and Lewis–Robinson, χ² for MIL-HDBK-189).
    public let statistic: Double
    /// Degrees of freedom of the chi-square reference (MIL-HDBK-189 only).
    public let degreesOfFreedom: Int?
    /// Two-sided p-value under a constant rate.
    public let pValue: Double
    /// The direction of the trend the statistic points to (`none` when p ≥ 5 %).
    public let direction: Direction
    /// The number of event ages counted.
    public let events: Int
    /// Why the p-value may mislead on this log, if it may.
    public var caution: String? = nil
  }

  /// The counted events: per unit its window (a, b'] and its ages, with b' the last event's age
  /// and that event left out for a failure-truncated unit.
  static func counted(_ data: RecurrentData) -> [(a: Hours, b: Hours, ages: ArraySlice<Hours>, truncated: Bool)] {
    data.units.map { u in
      u.failureTruncated ? (u.entry, u.exit, u.events.dropLast(), true) : (u.entry, u.exit, u.events[...], false)
    }
  }

  /// All three tests (those that have enough events).
  public static func all(_ data: RecurrentData) -> [Result] {
    [laplace(data), milHdbk189(data), lewisRobinson(data)].compactMap { $0 }
  }

  /// The pooled Laplace test: U = Σ_ij (t_ij − (a_i + b_i)/2) / √(Σ_i n_i (b_i − a_i)²/12), the
  /// standardised sum of uniforms, approximately N(0, 1) under a constant rate. U > 0: events
  /// later in the windows than a constant rate gives (rising). Nil without events.
  public static func laplace(_ data: RecurrentData) -> Result? {
    var sum = 0.0, variance = 0.0, n = 0
    for unit in counted(data) {
      let mid = (unit.a + unit.b) / 2, w = unit.b - unit.a
      for t in unit.ages { sum += t - mid }
      variance += Double(unit.ages.count) * w * w / 12
      n += unit.ages.count
    }
    guard n > 0, variance > 0 else { return nil }
    let u = sum / variance.squareRoot()
    return normalResult(.laplace, u, events: n, degreesOfFreedom: nil)
  }

  /// The MIL-HDBK-189 (Crow) test: χ² = 2 Σ_ij ln((b_i − a_i)/(t_ij − a_i)), exactly chi-square
  /// with 2N degrees of freedom under a constant rate (−ln of a uniform is exponential). Small
  /// values: events late in their windows (rising). For units observed from age 0 it is
  /// 2 Σ ln(T_i/t_ij) = 2N/β̂ of the power law's MLE. Nil without events.
  public static func milHdbk189(_ data: RecurrentData) -> Result? {
    var chi = 0.0, n = 0
    for unit in counted(data) {
      let w = unit.b - unit.a
      for t in unit.ages { chi += 2 * log(w / (t - unit.a)) }
      n += unit.ages.count
    }
    guard n > 0 else { return nil }
    let df = Double(2 * n)
    let upper = GSL.chiSquaredQ(chi, degreesOfFreedom: df)
    let lower = GSL.chiSquaredP(chi, degreesOfFreedom: df)
    let p = min(1, 2 * min(lower, upper))
    let direction: Direction = p >= 0.05 ? .none : (lower < upper ? .rising : .falling)
    return Result(kind: .milHdbk189, statistic: chi, degreesOfFreedom: 2 * n, pValue: p, direction: direction, events: n)
  }

  /// The Lewis–Robinson test: the Laplace statistic divided by the coefficient of variation of
  /// the times between events (pooled over units: between consecutive events, and from age 0 to
  /// the first event of a unit observed from new; not from a later entry, nor the open gap to
  /// exit), sample standard deviation over the mean. Approximately N(0, 1) under any renewal
  /// process, not only a Poisson one, so a fleet whose times between events are merely irregular
  /// is not read as a trend. With few events per unit the gaps that fit inside the windows are
  /// the short ones, the coefficient of variation comes out low and the test rejects too often
  /// (docs/fitting.md). Nil with fewer than two gaps.
  public static func lewisRobinson(_ data: RecurrentData) -> Result? {
    guard let laplace = laplace(data) else { return nil }
    var gaps: [Double] = []
    for unit in counted(data) {
      // From age 0 the first event ends a whole gap; from a later entry it ends only part of one.
      var last: Hours? = unit.a == 0 ? 0 : nil
      for t in unit.ages {
        if let last { gaps.append(t - last) }
        last = t
      }
      if unit.truncated, let last { gaps.append(unit.b - last) }  // the conditioning event ends a gap too
    }
    guard gaps.count >= 2 else { return nil }
    let mean = gaps.reduce(0, +) / Double(gaps.count)
    let sd = (gaps.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(gaps.count - 1)).squareRoot()
    guard mean > 0, sd > 0 else { return nil }
    var result = normalResult(.lewisRobinson, laplace.statistic * mean / sd, events: laplace.events, degreesOfFreedom: nil)
    let perUnit = Double(data.eventCount) / Double(max(1, data.units.count))
    if perUnit < 10 {
      result.caution = String(format: "%.2g events a unit: with fewer than about 10, the gaps that fit inside a window are the short ones, so the coefficient of variation reads low and the test rejects a constant rate too often (docs/fitting.md); trust Laplace and MIL-HDBK-189 here", perUnit)
    }
    return result
  }

  static func normalResult(_ kind: Kind, _ z: Double, events: Int, degreesOfFreedom: Int?) -> Result {
    let p = min(1, 2 * GSL.normalQ(abs(z)))
    let direction: Direction = p >= 0.05 ? .none : (z > 0 ? .rising : .falling)
    return Result(kind: kind, statistic: z, degreesOfFreedom: degreesOfFreedom, pValue: p, direction: direction, events: events)
  }
}
