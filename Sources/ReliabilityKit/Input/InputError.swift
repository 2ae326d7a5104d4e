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

  /// An error at `file`:`line`:`column`, at key `keyPath`, with its message.
  public init(file: String, line: Int?, column: Int?, keyPath: String, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.keyPath = Self.shortened(keyPath)
    self.message = Self.shortened(message)
  }

  /// A value quoted in a message is cut to its first 60 characters when longer than 80, so that
  /// one line stays one readable line (a 5 MB scalar was quoted whole); a message still longer
  /// than 1,000 characters is cut there.
  static func shortened(_ text: String) -> String {
    guard text.utf8.count > 200 else { return text }
    var result = ""
    var rest = Substring(text)
    while let open = rest.firstIndex(of: "'") {
      result += rest[...open]
      rest = rest[rest.index(after: open)...]
      guard let close = rest.firstIndex(of: "'") else { break }
      let quoted = rest[..<close]
      if quoted.count > 80 {
        result += quoted.prefix(60) + "...' (\(quoted.count) characters)"
        rest = rest[rest.index(after: close)...]
      } else {
        result += rest[...close]
        rest = rest[rest.index(after: close)...]
      }
    }
    result += rest
    guard result.count > 1000 else { return result }
    return result.prefix(1000) + "... (\(result.count) characters)"
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
  /// Every problem found, in file order.
  public var errors: [InputError]

  /// The problems `errors`, thrown together.
  public init(_ errors: [InputError]) {
    self.errors = errors
  }

  /// One line per problem, in file and line order.
  public var description: String {
    errors.map(\.description).joined(separator: "\n")
  }
}
