/// A low/high range for one scalar input, for sensitivity studies: each bound can be applied as
/// an override (`ScenarioLoader.Override(keyPath: range.keyPath, value: range.low)`), exactly as
/// `cposim sweep --set` applies a value.
public struct InputRange: Sendable, Hashable {
  /// Where a range was written.
  public enum Origin: String, Sendable, Hashable {
    /// A part's `ranges` in the catalog (or in a scenario's part override).
    case catalog
    /// The scenario's top-level `ranges`.
    case scenario
  }

  /// The full key path, as `--set` takes it (`parts.cpo-optical-engine.modes.engine-failure.distribution.mtbf`).
  public var keyPath: String
  /// The bounds as written (`1000000h`, `0.5%`, `2`), in the same unit as `central`.
  public var low: String
  /// The upper bound as written.
  public var high: String
  /// The value the range brackets, as written.
  public var central: String
  /// Where the range was written.
  public var origin: Origin
  /// The file and line where the range was written.
  public var file: String
  /// The line, or nil.
  public var line: Int?

  /// A range of `keyPath` from `low` to `high` around `central` (all as written), from `file`:`line`.
  public init(keyPath: String, low: String, high: String, central: String, origin: Origin, file: String, line: Int?) {
    self.keyPath = keyPath
    self.low = low
    self.high = high
    self.central = central
    self.origin = origin
    self.file = file
    self.line = line
  }
}
