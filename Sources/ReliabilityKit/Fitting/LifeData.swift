import Foundation

/// Life data as fleets record it: for each unit, the age at which observation started (delayed
/// entry) and what was seen, an exact failure, survival to an age (right censoring), or a failure
/// found between two ages (interval censoring; left censoring when only the upper age is known).
///
/// Ages are in hours since the unit was new. The likelihood of a unit conditions on its survival
/// to its entry age `a`: f(t)/R(a) for a failure at t, R(t)/R(a) for a unit censored at t, and
/// (R(l) − R(u))/R(a) for a failure in (l, u] (with l = a for a left-censored failure).
public struct LifeData: Sendable, Equatable {
  /// What was seen of one unit.
  public enum Outcome: Sendable, Equatable {
    /// Failed at this age.
    case failed(at: Hours)
    /// Still working at this age (then removed, or still running).
    case censored(at: Hours)
    /// Failed after the first age and no later than the second (found at an inspection).
    case failedBetween(after: Hours, before: Hours)
    /// Failed after entry and no later than this age (left-censored when entry is 0).
    case failedBefore(Hours)
  }

  /// One unit: when observation started and what was seen.
  public struct Observation: Sendable, Equatable {
    /// Age when observation started, hours (0: observed since new).
    public var entry: Hours
    /// What was seen.
    public var outcome: Outcome

    /// A unit observed from age `entry` (hours) with `outcome`.
    public init(entry: Hours = 0, _ outcome: Outcome) {
      self.entry = entry
      self.outcome = outcome
    }

    /// Whether the unit failed (at a known time or within an interval).
    public var isFailure: Bool {
      if case .censored = outcome { false } else { true }
    }

    /// The failure or censoring interval as (lower, upper) ages: equal for an exact failure,
    /// upper infinite for a censored unit, lower equal to entry for a left-censored failure.
    public var interval: (lower: Hours, upper: Hours) {
      switch outcome {
      case let .failed(t): (t, t)
      case let .censored(t): (t, .infinity)
      case let .failedBetween(l, u): (max(l, entry), u)
      case let .failedBefore(u): (entry, u)
      }
    }
  }

  /// The units, one observation each.
  public var observations: [Observation]

  /// Data of `observations`.
  public init(_ observations: [Observation]) {
    self.observations = observations
  }

  /// Right-censored data observed from new: exact failure ages and censoring ages.
  public init(failures: [Hours], censored: [Hours]) {
    observations = failures.map { Observation(.failed(at: $0)) } + censored.map { Observation(.censored(at: $0)) }
  }

  /// Units.
  public var count: Int { observations.count }
  /// Failures at a known age.
  public var exactFailures: Int { observations.count { if case .failed = $0.outcome { true } else { false } } }
  /// Failures known to lie between two ages (interval-censored, left-censored included).
  public var intervalFailures: Int { observations.count { $0.isFailure } - exactFailures }
  /// Failures known only to be before an age after entry (a subset of `intervalFailures`).
  public var leftCensored: Int { observations.count { if case .failedBefore = $0.outcome { true } else { false } } }
  /// Units still working at the end of their observation.
  public var rightCensored: Int { observations.count { !$0.isFailure } }
  /// Units that entered observation at an age above 0 (delayed entry, left truncation).
  public var delayedEntries: Int { observations.count { $0.entry > 0 } }
  /// Every failure, exact or interval.
  public var failures: Int { observations.count(where: \.isFailure) }

  /// The same units with entry ages ignored (every unit taken as observed since new): what a
  /// fit that does not know about delayed entry sees.
  public var ignoringEntry: LifeData {
    LifeData(observations.map { observation in
      var copy = observation
      copy.entry = 0
      return copy
    })
  }

  /// Every age that appears in the data (entries above 0 and all finite interval ends).
  var ages: [Hours] {
    var result: [Hours] = []
    for observation in observations {
      if observation.entry > 0 { result.append(observation.entry) }
      let (l, u) = observation.interval
      if l > 0 { result.append(l) }
      if u.isFinite, u != l { result.append(u) }
    }
    return result
  }

  /// The data with every age divided by `c` (used to fit on a scale near 1).
  func scaled(by c: Double) -> LifeData {
    LifeData(observations.map { o in
      let outcome: Outcome
      switch o.outcome {
      case let .failed(t): outcome = .failed(at: t / c)
      case let .censored(t): outcome = .censored(at: t / c)
      case let .failedBetween(l, u): outcome = .failedBetween(after: l / c, before: u / c)
      case let .failedBefore(u): outcome = .failedBefore(u / c)
      }
      return Observation(entry: o.entry / c, outcome)
    })
  }
}
