/// The JSON that `cposim sample --json` writes: the distribution, its theoretical moments,
/// and the summary of the draws. Times are in hours.
public struct SampleReport: Encodable, Sendable {
  public static let schemaVersion = 1

  public struct Theory: Encodable, Sendable {
    public let meanHours: FiniteOrNull
    public let sdHours: FiniteOrNull
    public let quantilesHours: [String: FiniteOrNull]
  }

  public struct Summary: Encodable, Sendable {
    public let n: Int
    /// Non-finite values (an overflowing draw, no spread of one draw) are written as null.
    public let meanHours: FiniteOrNull
    public let sdHours: FiniteOrNull
    public let ci95LowHours: FiniteOrNull
    public let ci95HighHours: FiniteOrNull
    public let minHours: FiniteOrNull
    public let maxHours: FiniteOrNull
    public let quantilesHours: [String: FiniteOrNull]
  }

  public let schemaVersion = SampleReport.schemaVersion
  public let provenance: Provenance
  public let distribution: DistributionDescription
  public let truncatedToHours: [Double]?
  public let theory: Theory
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
  public let kind: String
  public let parameters: [String: Double]
  public let components: [Component]?

  public struct Component: Encodable, Sendable, Equatable {
    public let weight: Double
    public let distribution: DistributionDescription
  }

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
