/// Where a result came from: enough to reproduce it exactly.
public struct Provenance: Encodable, Sendable, Equatable {
  public let toolVersion: String
  public let buildCommit: String
  public let gslVersion: String
  public let generator: String
  public let seed: UInt64

  public init(seed: UInt64) {
    toolVersion = ToolVersion.current
    buildCommit = ToolVersion.commit
    gslVersion = ToolVersion.gsl
    generator = RandomSource.generatorName
    self.seed = seed
  }
}
