/// Why a distribution could not be built or sampled as asked.
public enum DistributionError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A parameter that must be positive and finite was not.
  case nonPositiveParameter(name: String, value: Double)
  /// A parameter that must be zero or more (and finite) was not.
  case negativeParameter(name: String, value: Double)
  /// A parameter was outside its valid range for another stated reason.
  case invalidParameter(name: String, value: Double, reason: String)
  /// An empirical distribution was given no observations.
  case emptyObservations
  /// A mixture's weights do not add up to one.
  case weightsDoNotSumToOne(sum: Double)
  /// A mixture was given no components.
  case emptyMixture
  /// Truncated sampling was asked for an interval that holds no probability.
  case emptyInterval(lower: Double, upper: Double)

  public var description: String {
    switch self {
    case let .nonPositiveParameter(name, value):
      "'\(name)' must be a positive, finite number (got \(formatted(value)))"
    case let .negativeParameter(name, value):
      "'\(name)' must be zero or a positive, finite number (got \(formatted(value)))"
    case let .invalidParameter(name, value, reason):
      "'\(name)' \(reason) (got \(formatted(value)))"
    case .emptyObservations:
      "an empirical distribution needs at least one observed value"
    case let .weightsDoNotSumToOne(sum):
      "mixture weights must add up to 1 (they add up to \(formatted(sum)))"
    case .emptyMixture:
      "a mixture needs at least one component"
    case let .emptyInterval(lower, upper):
      "the interval [\(formatted(lower)), \(formatted(upper))] h has zero probability, so no value can be drawn from it"
    }
  }
}

/// Formats a number the way a user typed it: `-1` rather than `-1.0`, `nan`, `inf`.
func formatted(_ value: Double) -> String {
  if value.isNaN { return "nan" }
  if value.isInfinite { return value < 0 ? "-inf" : "inf" }
  if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
  return "\(value)"
}

// MARK: - Parameter checks shared by the distributions

@inline(__always)
func requirePositive(_ value: Double, _ name: String) throws(DistributionError) {
  guard value > 0, value.isFinite else { throw .nonPositiveParameter(name: name, value: value) }
}

@inline(__always)
func requireNonNegative(_ value: Double, _ name: String) throws(DistributionError) {
  guard value >= 0, value.isFinite else { throw .negativeParameter(name: name, value: value) }
}
