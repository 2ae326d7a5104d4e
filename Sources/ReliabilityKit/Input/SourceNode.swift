import Foundation
import Yams

/// A YAML node that remembers where it came from: the file, line and column.
///
/// Scenario inputs are assembled from several files (`extends`, the part catalog, overrides),
/// so every node carries its own origin, and an error always names the file the bad value is in.
struct SourceNode: Sendable, Equatable {
  enum Value: Sendable, Equatable {
    /// A scalar, kept as the text the user wrote (units are parsed later).
    case scalar(String)
    /// A mapping, in file order; keys are unique (duplicates are rejected when reading).
    case mapping([(key: String, keyNode: SourceNode, value: SourceNode)])
    case sequence([SourceNode])
    case null

    static func == (lhs: Value, rhs: Value) -> Bool {
      switch (lhs, rhs) {
      case let (.scalar(a), .scalar(b)): a == b
      case let (.sequence(a), .sequence(b)): a == b
      case (.null, .null): true
      case let (.mapping(a), .mapping(b)):
        a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
      default: false
      }
    }
  }

  var value: Value
  var file: String
  var line: Int?
  var column: Int?

  init(value: Value, file: String, line: Int?, column: Int?) {
    self.value = value
    self.file = file
    self.line = line
    self.column = column
  }

  /// Reads and parses a YAML file.
  /// - Parameter displayName: how the file is named in messages (the path as the user gave it).
  /// - Throws: `InputErrors` for a missing or unreadable file, malformed YAML or duplicate keys.
  static func load(contentsOf url: URL, displayName: String) throws(InputErrors) -> SourceNode {
    func refuse(_ message: String) -> InputErrors {
      InputErrors([InputError(file: displayName, line: nil, column: nil, keyPath: "", message: message)])
    }
    let data: Data
    do {
      data = try InputFile.read(url.path, limit: maximumBytes, what: "scenario (YAML) file")
    } catch .directory {
      throw refuse("is a directory; give a scenario (YAML) file")
    } catch {
      throw refuse(error.reason)
    }
    guard !data.isEmpty || !InputFile.isStream(url.path) else {
      throw refuse("is empty: nothing was written to it (a FIFO with no writer, /dev/null, an empty standard input)")
    }
    guard let text = String(data: data, encoding: .utf8) else { throw refuse("cannot read the file as UTF-8 text") }
    return try parse(text, file: displayName)
  }

  /// Parses YAML text.
  static func parse(_ text: String, file: String) throws(InputErrors) -> SourceNode {
    let node: Node?
    do {
      node = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw InputErrors([yamlError(error, file: file)])
    } catch {
      throw InputErrors([InputError(file: file, line: nil, column: nil, keyPath: "", message: "malformed YAML: \(error)")])
    }
    guard let node else { return SourceNode(value: .null, file: file, line: 1, column: 1) }
    var problems: [InputError] = []
    var budget = maximumNodes
    let result = convert(node, file: file, path: "", problems: &problems, budget: &budget)
    if budget < 0 {
      throw InputErrors([InputError(file: file, line: nil, column: nil, keyPath: "",
                                    message: "the YAML expands to more than \(maximumNodes) values (aliases such as *name repeat what they refer to); cposim reads at most that many: write the values out or use fewer aliases")])
    }
    if !problems.isEmpty { throw InputErrors(problems) }
    return result
  }

  private static func yamlError(_ error: YamlError, file: String) -> InputError {
    switch error {
    case let .duplicatedKeysInMapping(duplicates, context):
      let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
      return InputError(file: file, line: context.mark.line, column: context.mark.column, keyPath: "",
                        message: "key \(keys) appears twice in the same mapping")
    case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
      let detail = context.map { "\(problem) \($0.text)" } ?? problem
      return InputError(file: file, line: mark.line, column: mark.column, keyPath: "", message: "malformed YAML: \(detail)")
    case let .reader(problem, _, _, _):
      return InputError(file: file, line: nil, column: nil, keyPath: "", message: "malformed YAML: \(problem)")
    default:
      return InputError(file: file, line: nil, column: nil, keyPath: "", message: "malformed YAML: \(error)")
    }
  }

  /// The largest YAML file cposim reads (the shipped catalog is about 60 kB).
  static let maximumBytes = 16 << 20

  /// The most values (scalars, mappings, sequences) a file may expand to once aliases are
  /// followed: far above any real scenario or catalog, far below what a "billion laughs" alias
  /// bomb asks for (each level of aliases multiplies the size).
  static let maximumNodes = 200_000

  private static func convert(_ node: Node, file: String, path: String, problems: inout [InputError], budget: inout Int) -> SourceNode {
    let mark = node.mark
    budget -= 1
    guard budget >= 0 else { return SourceNode(value: .null, file: file, line: mark?.line, column: mark?.column) }
    func make(_ value: Value) -> SourceNode { SourceNode(value: value, file: file, line: mark?.line, column: mark?.column) }
    switch node {
    case let .scalar(scalar):
      if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return make(.null) }
      return make(.scalar(scalar.string))
    case let .sequence(sequence):
      return make(.sequence(sequence.enumerated().map { convert($1, file: file, path: "\(path)[\($0)]", problems: &problems, budget: &budget) }))
    case let .mapping(mapping):
      var entries: [(key: String, keyNode: SourceNode, value: SourceNode)] = []
      var seen = Set<String>()
      for (keyNode, valueNode) in mapping {
        let key = keyNode.string ?? "\(keyNode)"
        let keyPath = path.isEmpty ? key : "\(path).\(key)"
        let keySource = SourceNode(value: .scalar(key), file: file, line: keyNode.mark?.line, column: keyNode.mark?.column)
        guard seen.insert(key).inserted else {
          problems.append(InputError(file: file, line: keyNode.mark?.line, column: keyNode.mark?.column, keyPath: keyPath,
                                     message: "key '\(key)' appears twice in the same mapping"))
          continue
        }
        entries.append((key, keySource, convert(valueNode, file: file, path: keyPath, problems: &problems, budget: &budget)))
        if budget < 0 { break }
      }
      return make(.mapping(entries))
    case .alias:
      return make(.null)
    }
  }

  /// Deep-merges `override` onto `self`: mappings merge key by key (recursively); any other value
  /// in `override` replaces the base value. Keys new in `override` are appended.
  ///
  /// A mapping with a `kind` key is a distribution and replaces the base whole: overriding an
  /// exponential with a Weibull must not keep the exponential's `afr`.
  func merged(with override: SourceNode) -> SourceNode {
    guard case let .mapping(baseEntries) = value, case let .mapping(overrideEntries) = override.value,
          override["kind"] == nil else {
      return override
    }
    var result = baseEntries
    for entry in overrideEntries {
      if let index = result.firstIndex(where: { $0.key == entry.key }) {
        result[index] = (entry.key, entry.keyNode, result[index].value.merged(with: entry.value))
      } else {
        result.append(entry)
      }
    }
    // The merged mapping is located where it was last changed: the most derived file.
    return SourceNode(value: .mapping(result), file: override.file, line: override.line, column: override.column)
  }

  /// This tree with the scalar at `path` set to `value` (mappings along the path are created as
  /// needed). The new node is located at `--set path=value`, which is what errors will name.
  ///
  /// A step may index a list that exists (`jobs[0].checkpoint_interval`, also written
  /// `jobs.0.checkpoint_interval`): the value is set inside that element.
  /// - Parameter option: the command-line option that set it (`--set`, `--vary`), for messages.
  func setting(_ path: [String], to value: String, option: String = "--set") -> SourceNode {
    setting(path[...], to: value, origin: (file: "\(option) \(path.joined(separator: "."))=\(value)", line: nil, column: nil))
  }

  /// This tree with the scalar at `path` set to `value`, the new nodes located at `origin` (a
  /// scenario's `set` entry).
  func setting(_ path: [String], to value: String, at origin: (file: String, line: Int?, column: Int?)) -> SourceNode {
    setting(path[...], to: value, origin: origin)
  }

  private func setting(_ path: ArraySlice<String>, to value: String, origin: (file: String, line: Int?, column: Int?)) -> SourceNode {
    func build(_ rest: ArraySlice<String>) -> SourceNode {
      guard let key = rest.first else { return SourceNode(value: .scalar(value), file: origin.file, line: origin.line, column: origin.column) }
      let keyNode = SourceNode(value: .scalar(key), file: origin.file, line: origin.line, column: origin.column)
      return SourceNode(value: .mapping([(key, keyNode, build(rest.dropFirst()))]), file: origin.file, line: origin.line, column: origin.column)
    }
    guard let step = path.first else { return build(path) }
    // A mapping or list a value is set in is located where it was last changed (as `merged`
    // does): a problem of the whole (a fabric that cannot be built) names the `set` line.
    if case var .sequence(items) = self.value, let index = Int(step), items.indices.contains(index) {
      items[index] = items[index].setting(path.dropFirst(), to: value, origin: origin)
      return SourceNode(value: .sequence(items), file: origin.file, line: origin.line, column: origin.column)
    }
    let (key, index) = Self.indexedStep(step) ?? (step, nil)
    if case let .mapping(entries) = self.value, let at = entries.firstIndex(where: { $0.key == key }) {
      var child = entries[at].value
      if let index {
        guard case var .sequence(items) = child.value, items.indices.contains(index) else {
          return merged(with: build(path))  // no such element: the reader reports the unknown key
        }
        items[index] = items[index].setting(path.dropFirst(), to: value, origin: origin)
        child.value = .sequence(items)
      } else {
        child = child.setting(path.dropFirst(), to: value, origin: origin)
      }
      var result = entries
      result[at] = (key, entries[at].keyNode, child)
      return SourceNode(value: .mapping(result), file: origin.file, line: origin.line, column: origin.column)
    }
    // A scalar override is not a distribution mapping, so `merged` merges it key by key.
    return merged(with: build(path))
  }

  /// The first list step of `path` beyond its list (`jobs[5]`, or `jobs.5`, when `jobs` has one
  /// item): the list's key, the index and the list's length; nil when every index names an item
  /// (or a list is absent, which the readers report).
  func indexBeyondList(_ path: [String]) -> (list: String, index: Int, count: Int)? {
    var node: SourceNode? = self
    var previous = ""
    for step in path {
      guard let current = node else { return nil }
      if let (key, index) = Self.indexedStep(step) {
        guard case .mapping = current.value else { return nil }
        guard let list = current[key] else { return (key, index, 0) }
        guard case let .sequence(items) = list.value else { return nil }
        guard items.indices.contains(index) else { return (key, index, items.count) }
        node = items[index]
      } else if case let .sequence(items) = current.value, let index = Int(step) {
        guard items.indices.contains(index) else { return (previous, index, items.count) }
        node = items[index]
      } else {
        node = current[step]
      }
      previous = step
    }
    return nil
  }

  /// `jobs[0]` as ("jobs", 0); nil for a plain key.
  static func indexedStep(_ step: String) -> (key: String, index: Int)? {
    guard step.hasSuffix("]"), let open = step.firstIndex(of: "["), open != step.startIndex,
          let index = Int(step[step.index(after: open)..<step.index(before: step.endIndex)]), index >= 0 else { return nil }
    return (String(step[..<open]), index)
  }

  /// The node at a dotted key path such as `repair.workflows.nic.hands_on` or `jobs[0].gpus`.
  func node(at keyPath: String) -> SourceNode? {
    var node: SourceNode? = self
    for step in keyPath.split(separator: ".", omittingEmptySubsequences: false).map(String.init) {
      if let (key, index) = Self.indexedStep(step) {
        guard case let .sequence(items)? = node?[key]?.value, items.indices.contains(index) else { return nil }
        node = items[index]
      } else if case let .sequence(items)? = node?.value, let index = Int(step), items.indices.contains(index) {
        node = items[index]
      } else {
        node = node?[step]
      }
      if node == nil { return nil }
    }
    return node
  }

  /// The value at `key` when this is a mapping.
  subscript(key: String) -> SourceNode? {
    guard case let .mapping(entries) = value else { return nil }
    return entries.first { $0.key == key }?.value
  }

  /// This mapping with `key` set to `value` (appended when absent).
  func replacing(_ key: String, with value: SourceNode) -> SourceNode {
    guard case var .mapping(entries) = self.value else { return self }
    if let i = entries.firstIndex(where: { $0.key == key }) {
      entries[i] = (key, entries[i].keyNode, value)
    } else {
      entries.append((key, SourceNode(value: .scalar(key), file: value.file, line: value.line, column: value.column), value))
    }
    return SourceNode(value: .mapping(entries), file: file, line: line, column: column)
  }

  /// This mapping without `key`.
  func removing(_ key: String) -> SourceNode {
    guard case let .mapping(entries) = value else { return self }
    return SourceNode(value: .mapping(entries.filter { $0.key != key }), file: file, line: line, column: column)
  }

  /// A short description of what kind of value this is, for type errors.
  var kindName: String {
    switch value {
    case let .scalar(text): "'\(text)'"
    case .mapping: "a mapping"
    case .sequence: "a list"
    case .null: "nothing"
    }
  }
}
