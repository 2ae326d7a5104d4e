/// One problem in an input file, located precisely enough to fix it without searching.
///
/// Prints as `Scenarios/cpo.yaml:14:12: fabric.switch_radix: must be a positive integer (got '0')`.
public struct InputError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file as the user named it (or as it was reached through `extends`).
  public var file: String
  /// 1-based line, or nil when the problem is about the whole file.
  public var line: Int?
  /// 1-based column, or nil.
  public var column: Int?
  /// The key path inside the file, for example `fabric.switch_radix` (empty for the whole file).
  public var keyPath: String
  /// What is wrong, naming the expected form and the value found.
  public var message: String

  public init(file: String, line: Int?, column: Int?, keyPath: String, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.keyPath = keyPath
    self.message = message
  }

  public var description: String {
    var location = file
    if let line { location += ":\(line)" }
    if let column { location += ":\(column)" }
    return keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)"
  }
}

/// All the problems found in one go, so a user can fix a file in one pass.
public struct InputErrors: Error, Equatable, Sendable, CustomStringConvertible {
  public var errors: [InputError]

  public init(_ errors: [InputError]) {
    self.errors = errors
  }

  /// One line per problem, in file and line order.
  public var description: String {
    errors.map(\.description).joined(separator: "\n")
  }
}
