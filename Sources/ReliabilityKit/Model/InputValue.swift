/// One scalar input of a scenario with its provenance: a catalog value of a part the plant uses,
/// or a number in the scenario's `repair`, `node_pool`, `jobs` or `costs` (and any key the
/// scenario's `provenance` or `ranges` name).
public struct InputValue: Sendable, Hashable {
  /// The full key path, as `--set` takes it.
  public var keyPath: String
  /// The value as written.
  public var value: String
  /// Where the value comes from: sourced, calibrated, an estimate, or unstated.
  public var provenance: InputProvenance
  /// The range that applies to it, if any.
  public var range: InputRange?
  /// The part whose catalog entry holds the value; nil for scenario values.
  public var part: String?
  /// The file and line where the value was written.
  public var file: String
  /// The line, or nil.
  public var line: Int?

  /// An input at `keyPath` written as `value` at `file`:`line`, with its provenance, range and part.
  public init(keyPath: String, value: String, provenance: InputProvenance, range: InputRange?, part: String?, file: String, line: Int?) {
    self.keyPath = keyPath
    self.value = value
    self.provenance = provenance
    self.range = range
    self.part = part
    self.file = file
    self.line = line
  }
}
