/// Any distribution cposim knows, as one value type.
///
/// The engine and the model hold `Distribution` values rather than existentials: calls are
/// dispatched by a `switch`, values are `Hashable` (so scenarios can be compared) and they
/// encode to JSON for the report's record of the resolved inputs.
public enum Distribution: FailureDistribution, Hashable {
  case exponential(Exponential)
  case weibull(Weibull)
  case logNormal(LogNormal)
  case gamma(Gamma)
  case deterministic(Deterministic)
  case empirical(Empirical)
  case mixture(Mixture)

  /// The wrapped distribution.
  @inline(__always)
  var base: any FailureDistribution {
    switch self {
    case let .exponential(d): d
    case let .weibull(d): d
    case let .logNormal(d): d
    case let .gamma(d): d
    case let .deterministic(d): d
    case let .empirical(d): d
    case let .mixture(d): d
    }
  }

  /// The family's name as written in scenario files and on the command line.
  public var kind: String {
    switch self {
    case .exponential: "exponential"
    case .weibull: "weibull"
    case .logNormal: "lognormal"
    case .gamma: "gamma"
    case .deterministic: "deterministic"
    case .empirical: "empirical"
    case .mixture: "mixture"
    }
  }

  @inline(__always)
  public func sample(using source: RandomSource) -> Hours {
    switch self {
    case let .exponential(d): d.sample(using: source)
    case let .weibull(d): d.sample(using: source)
    case let .logNormal(d): d.sample(using: source)
    case let .gamma(d): d.sample(using: source)
    case let .deterministic(d): d.sample(using: source)
    case let .empirical(d): d.sample(using: source)
    case let .mixture(d): d.sample(using: source)
    }
  }

  public func cdf(_ t: Hours) -> Double { base.cdf(t) }
  public func survival(_ t: Hours) -> Double { base.survival(t) }
  public func quantile(_ p: Double) -> Hours { base.quantile(p) }
  public var mean: Hours { base.mean }
  public var variance: Double { base.variance }
  public var standardDeviation: Hours { base.standardDeviation }
  public func probability(in range: ClosedRange<Hours>) -> Double { base.probability(in: range) }

  public func sample(truncatedTo range: ClosedRange<Hours>, using source: RandomSource) throws(DistributionError) -> Hours {
    switch self {
    case let .exponential(d): try d.sample(truncatedTo: range, using: source)
    case let .weibull(d): try d.sample(truncatedTo: range, using: source)
    case let .logNormal(d): try d.sample(truncatedTo: range, using: source)
    case let .gamma(d): try d.sample(truncatedTo: range, using: source)
    case let .deterministic(d): try d.sample(truncatedTo: range, using: source)
    case let .empirical(d): try d.sample(truncatedTo: range, using: source)
    case let .mixture(d): try d.sample(truncatedTo: range, using: source)
    }
  }
}
