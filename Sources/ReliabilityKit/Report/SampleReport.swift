/// The JSON that `cposim sample --json` writes: the distribution, its theoretical moments,
/// and the summary of the draws. Times are in hours.
public struct SampleReport: Encodable, Sendable {
  /// The report's `schema_version`; bumped on any breaking change.
  public static let schemaVersion = 1

  /// The distribution's own moments and quantiles (not computed under truncation: null and empty).
  public struct Theory: Encodable, Sendable {
    /// The distribution's mean, in hours.
    public let meanHours: FiniteOrNull
    /// Its standard deviation, in hours.
    public let sdHours: FiniteOrNull
    /// Its quantiles at 1, 5, 25, 50, 75, 95 and 99 % (`p1` ... `p99`), in hours.
    public let quantilesHours: [String: FiniteOrNull]
  }

  /// The draws' summary.
  public struct Summary: Encodable, Sendable {
    /// Draws made.
    public let n: Int
    /// Non-finite values (an overflowing draw, no spread of one draw) are written as null.
    public let meanHours: FiniteOrNull
    /// Their standard deviation, in hours.
    public let sdHours: FiniteOrNull
    /// Lower end of the mean's 95 % interval (Student t, n − 1 degrees of freedom), in hours; null for one draw.
    public let ci95LowHours: FiniteOrNull
    /// Upper end of the mean's 95 % interval, in hours; null for one draw.
    public let ci95HighHours: FiniteOrNull
    /// The smallest draw, in hours.
    public let minHours: FiniteOrNull
    /// The largest draw, in hours.
    public let maxHours: FiniteOrNull
    /// The draws' empirical quantiles at 1, 5, 25, 50, 75, 95 and 99 % (`p1` ... `p99`), in hours.
    public let quantilesHours: [String: FiniteOrNull]
  }

  /// The report's `schema_version`.
  public let schemaVersion = SampleReport.schemaVersion
  /// The tool, its build, the generator and the seed.
  public let provenance: Provenance
  /// What was sampled.
  public let distribution: DistributionDescription
  /// `[low, high]` in hours when the draws were conditioned on that interval; null otherwise.
  public let truncatedToHours: [Double]?
  /// The distribution's moments and quantiles.
  public let theory: Theory
  /// The draws' summary.
  public let summary: Summary

  /// - Parameters:
  ///   - distribution: what was sampled.
  ///   - truncation: the interval draws were conditioned on, if any.
  ///   - summary: the summary of the draws.
  ///   - seed: the master seed.
  public init(distribution: Distribution, truncation: ClosedRange<Hours>?, summary: SampleSummary, seed: UInt64) {
    provenance = Provenance(seed: seed)
    self.distribution = DistributionDescription(distribution)
    truncatedToHours = truncation.map { [$0.lowerBound, $0.upperBound] }
    let levels = SampleSummary.quantileLevels
    if truncation == nil {
      theory = Theory(
        meanHours: FiniteOrNull(distribution.mean), sdHours: FiniteOrNull(distribution.standardDeviation),
        quantilesHours: Dictionary(uniqueKeysWithValues: levels.map { (Self.label($0), FiniteOrNull(distribution.quantile($0))) }))
    } else {
      theory = Theory(meanHours: FiniteOrNull(.nan), sdHours: FiniteOrNull(.nan), quantilesHours: [:])
    }
    self.summary = Summary(
      n: summary.count, meanHours: FiniteOrNull(summary.mean), sdHours: FiniteOrNull(summary.standardDeviation),
      ci95LowHours: FiniteOrNull(summary.meanCI95?.lowerBound ?? .nan), ci95HighHours: FiniteOrNull(summary.meanCI95?.upperBound ?? .nan),
      minHours: FiniteOrNull(summary.minimum), maxHours: FiniteOrNull(summary.maximum),
      quantilesHours: Dictionary(uniqueKeysWithValues: zip(levels, summary.quantiles).map { (Self.label($0), FiniteOrNull($1)) }))
  }

  private enum CodingKeys: String, CodingKey {
    case schemaVersion, provenance, distribution, truncatedToHours, theory, summary
  }

  /// Writes every key, with an explicit `null` for a missing truncation (the default
  /// encoder would leave the key out).
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(schemaVersion, forKey: .schemaVersion)
    try container.encode(provenance, forKey: .provenance)
    try container.encode(distribution, forKey: .distribution)
    if let truncatedToHours {
      try container.encode(truncatedToHours.map(FiniteOrNull.init), forKey: .truncatedToHours)
    } else {
      try container.encodeNil(forKey: .truncatedToHours)
    }
    try container.encode(theory, forKey: .theory)
    try container.encode(summary, forKey: .summary)
  }

  /// `p50` for 0.5, `p1` for 0.01.
  static func label(_ p: Double) -> String { "p\(formatted(p * 100))" }
}

/// A distribution's family and parameters, in hours, for reports.
public struct DistributionDescription: Encodable, Sendable, Equatable {
  /// The family: `exponential`, `weibull`, `lognormal`, `gamma`, `deterministic`, `empirical` or `mixture`.
  public let kind: String
  /// Its parameters by name, times in hours: `rate_per_hour`, `mtbf_hours` (exponential); `shape`, `scale_hours` (Weibull, gamma); `mu`, `sigma`, `median_hours` (lognormal); `value_hours` (deterministic); `observations` (empirical: how many); none for a mixture.
  public let parameters: [String: Double]
  /// A mixture's components; absent for the other families.
  public let components: [Component]?

  /// One component of a mixture.
  public struct Component: Encodable, Sendable, Equatable {
    /// Its weight, 0..1 (the weights sum to 1).
    public let weight: Double
    /// Its distribution.
    public let distribution: DistributionDescription
  }

  /// The description of `distribution`.
  public init(_ distribution: Distribution) {
    kind = distribution.kind
    var components: [Component]?
    switch distribution {
    case let .exponential(d): parameters = ["rate_per_hour": d.rate, "mtbf_hours": d.mtbf]
    case let .weibull(d): parameters = ["shape": d.shape, "scale_hours": d.scale]
    case let .logNormal(d): parameters = ["mu": d.mu, "sigma": d.sigma, "median_hours": d.median]
    case let .gamma(d): parameters = ["shape": d.shape, "scale_hours": d.scale]
    case let .deterministic(d): parameters = ["value_hours": d.value]
    case let .empirical(d): parameters = ["observations": Double(d.values.count)]
    case let .mixture(d):
      parameters = [:]
      components = d.components.map { Component(weight: $0.weight, distribution: DistributionDescription($0.distribution)) }
    }
    self.components = components
  }
}
