/// Where a result came from: enough to reproduce it exactly.
public struct Provenance: Encodable, Sendable, Equatable {
  /// cposim's version.
  public let toolVersion: String
  /// The git commit of the build that computed the result (`ToolVersion.commit`).
  public let buildCommit: String
  /// The GNU Scientific Library's version.
  public let gslVersion: String
  /// The random number generator (`taus2`).
  public let generator: String
  /// The master seed.
  public let seed: UInt64

  /// This build's provenance with master seed `seed`.
  public init(seed: UInt64) {
    toolVersion = ToolVersion.current
    buildCommit = ToolVersion.commit
    gslVersion = ToolVersion.gsl
    generator = RandomSource.generatorName
    self.seed = seed
  }
}
