/// Reads what the inputs rest on (docs/inputs.md): each catalog part's `source`, `sources`,
/// `calibrated` and `ranges` (and each mode's `source` and `calibrated`), and a scenario's
/// top-level `provenance` and `ranges`.
///
/// Every range is checked: its key path names a number, duration or rate in the merged scenario
/// (after `extends` and the catalog), both bounds are written in the value's unit kind, low is
/// below high, the value lies inside, and each bound is a valid value for that key (read as an
/// override, the way `cposim sweep --set` and a sensitivity study apply it).
package enum ProvenanceReader {
  struct Result {
    var ranges: [InputRange] = []
    var inputs: [InputValue] = []
  }

  /// Scenario sections whose numbers are listed as inputs (fabric keys describe the design under
  /// study; they are listed only when `provenance` or `ranges` names them).
  static let inputSections = ["repair", "node_pool", "jobs", "costs"]
  /// Keys of those sections that size the study rather than state a fact (a job's GPUs).
  static let designKeys: Set<String> = ["gpus", "min_nodes"]

  /// One range as read, before it is resolved against the value it bounds.
  private struct Written {
    var keyPath: String
    var low: String
    var high: String
    var origin: InputRange.Origin
    var node: SourceNode
    /// The key path used in error messages (`ranges.X` or `parts.ID.ranges.X`).
    var errorPath: String
    /// For catalog ranges: the part and the key path relative to it.
    var part: (id: String, keyNode: SourceNode, node: SourceNode, relative: String)?
  }

  /// What a part (or a mode) says about its values' provenance.
  private struct Statement {
    var source: String
    var sourceNode: SourceNode?
    var note: String?
    var calibrated: (target: String, date: String)?
  }

  /// - Parameters:
  ///   - top: the scenario tree (after `extends` and `--set`).
  ///   - parts: the catalog's `parts` merged with the scenario's part overrides.
  ///   - usedParts: ids of the parts the plant holds; only their values and ranges are listed.
  ///   - tryBound: reads the scenario with one value overridden and returns the problems; called
  ///     for scenario ranges only when nothing else is wrong.
  ///   - files: the scenario files, base first (the order of `extends`).
  ///   - otherwiseValid: whether the parts of the scenario read after this one (fleet, common
  ///     causes, thresholds) are valid; scenario bounds are tried only then.
  static func read(top: SourceNode, parts: SourceNode, catalogFile: String?, files: [String], usedParts: [String], reader: InputReader,
                   otherwiseValid: () -> Bool = { true },
                   tryBound: (_ keyPath: String, _ value: String) -> [InputError]) -> Result {
    var merged = top
    if case var .mapping(entries) = top.value {
      entries.removeAll { $0.key == "parts" }
      entries.append(("parts", SourceNode(value: .scalar("parts"), file: parts.file, line: parts.line, column: parts.column), parts))
      merged = SourceNode(value: .mapping(entries), file: top.file, line: top.line, column: top.column)
    }
    let errorsBefore = reader.errors.count

    // Scenario provenance statements, by key path.
    var statements: [(keyPath: String, provenance: InputProvenance)] = []
    if let node = top["provenance"], !isNull(node) {
      for (keyPath, keyNode, value) in reader.namedEntries(node, at: "provenance") {
        let path = "provenance.\(keyPath)"
        guard merged.node(at: keyPath) != nil else {
          // A base's statement about a key a derived file replaced (a job list written anew)
          // no longer applies; only the file given is held to its own statements.
          if let last = files.last, keyNode.file != last, files.contains(keyNode.file) { continue }
          reader.fail(keyNode, path, "no key '\(keyPath)' in the scenario (after extends and the catalog)\(hint(keyPath, in: merged))")
          continue
        }
        if let statement = statement(value, at: path, reader: reader, scalarIsSource: true) {
          statements.append((keyPath, provenance(statement)))
        }
      }
    }

    // Ranges: the scenario's, then every catalog part's.
    var written: [Written] = []
    if let node = top["ranges"], !isNull(node) {
      for (keyPath, keyNode, value) in reader.namedEntries(node, at: "ranges") {
        if let (low, high) = bounds(value, keyNode: keyNode, at: "ranges.\(keyPath)", reader: reader) {
          written.append(Written(keyPath: keyPath, low: low, high: high, origin: .scenario, node: keyNode,
                                 errorPath: "ranges.\(keyPath)", part: nil))
        }
      }
    }
    var partStatements: [String: (part: Statement, fields: [String: Statement], modes: [String: Statement])] = [:]
    if case let .mapping(entries) = parts.value {
      for (id, keyNode, partNode) in entries {
        guard case .mapping = partNode.value else { continue }  // CatalogReader reports it
        let path = "parts.\(id)"
        let part = statement(partNode, at: path, reader: reader, scalarIsSource: false)
          ?? Statement(source: "estimate", sourceNode: nil, note: nil, calibrated: nil)
        var fields: [String: Statement] = [:]
        if let sources = partNode["sources"], !isNull(sources) {
          for (field, fieldKey, value) in reader.namedEntries(sources, at: "\(path).sources") {
            guard CatalogReader.valueKeys.contains(field) || CatalogReader.blockKeys.contains(field) else {
              let names = CatalogReader.valueKeys + CatalogReader.blockKeys
              reader.fail(fieldKey, "\(path).sources.\(field)", "names no value of a part\(Suggestion.hint(for: field, in: names)); "
                            + "a part's values: \(names.joined(separator: ", "))")
              continue
            }
            guard let key = reader.text(value, at: "\(path).sources.\(field)") else { continue }
            if key == "calibrated", part.calibrated == nil {
              reader.fail(value, "\(path).sources.\(field)", "'calibrated' needs the part's calibrated: {target: ..., date: YYYY-MM-DD}")
            }
            fields[field] = Statement(source: key, sourceNode: value, note: part.note, calibrated: part.calibrated)
          }
        }
        var modes: [String: Statement] = [:]
        if let modesNode = partNode["modes"], case let .mapping(modeEntries) = modesNode.value {
          for (modeID, _, modeNode) in modeEntries where modeNode["source"] != nil || modeNode["calibrated"] != nil {
            var mode = statement(modeNode, at: "\(path).modes.\(modeID)", reader: reader, scalarIsSource: false) ?? part
            if modeNode["source"] == nil { mode.source = part.source; mode.sourceNode = part.sourceNode }
            if mode.note == nil { mode.note = part.note }
            if mode.calibrated == nil { mode.calibrated = part.calibrated }
            modes[modeID] = mode
          }
        }
        partStatements[id] = (part, fields, modes)
        if let rangesNode = partNode["ranges"], !isNull(rangesNode) {
          for (relative, rangeKey, value) in reader.namedEntries(rangesNode, at: "\(path).ranges") {
            if let (low, high) = bounds(value, keyNode: rangeKey, at: "\(path).ranges.\(relative)", reader: reader) {
              written.append(Written(keyPath: "parts.\(id).\(relative)", low: low, high: high, origin: .catalog, node: rangeKey,
                                     errorPath: "\(path).ranges.\(relative)", part: (id, keyNode, partNode, relative)))
            }
          }
        }
      }
    }

    // Resolve each range against the value it bounds.
    var resolved: [(range: InputRange, written: Written, applies: Bool)] = []
    for w in written {
      guard let valueNode = merged.node(at: w.keyPath) else {
        if w.part == nil, let last = files.last, w.node.file != last, files.contains(w.node.file) { continue }
        // A catalog range over a value the scenario's part override replaced (another kind of
        // distribution) no longer applies.
        if let part = w.part, part.node.file != w.node.file { continue }
        reader.fail(w.node, w.errorPath, "no key '\(w.part?.relative ?? w.keyPath)' in \(w.part.map { "part '\($0.id)'" } ?? "the scenario (after extends and the catalog)")"
                      + hint(w.keyPath, in: merged))
        continue
      }
      if reader.reported.contains(InputReader.location(valueNode)) { continue }
      guard case let .scalar(central) = valueNode.value else {
        let keys: [String]
        if case let .mapping(entries) = valueNode.value { keys = entries.map(\.key).filter { $0 != "kind" } } else { keys = [] }
        reader.fail(w.node, w.errorPath, keys.isEmpty
          ? "ranges bound a single number, duration or rate; '\(w.keyPath)' is \(valueNode.kindName)"
          : "'\(w.keyPath)' is a mapping; give the range on one of its values: " + keys.map { "\(w.part?.relative ?? w.keyPath).\($0)" }.joined(separator: ", "))
        continue
      }
      // A value the posterior draws (`posterior:`, held at its median) is bounded by the
      // evidence, not by the prior range: like a value set on the command line, the range does
      // not constrain it.
      let drawn = reader.posteriorKeys.contains(ScenarioLoader.normalisedKeyPath(w.keyPath))
      let fromSet = valueNode.file.hasPrefix("--set ") || valueNode.file.hasPrefix("--vary ") || drawn
      // A range bounds the value as its file saw it: when a later file (a scenario over the
      // catalog, a derived scenario over its base) overrides the value, the range no longer
      // applies; that file gives its own range if it has one.
      func order(_ file: String) -> Int { files.firstIndex(of: file) ?? -1 }
      let applies = fromSet || order(valueNode.file) <= order(w.node.file)
      guard let low = measure(w.low), let high = measure(w.high) else {
        let bad = measure(w.low) == nil ? w.low : w.high
        reader.fail(w.node, w.errorPath, "'\(bad)' is not a number, duration or rate")
        continue
      }
      guard commonKind([low, high] + (applies && !fromSet ? [measure(central)].compactMap { $0 } : [])) != nil else {
        let described = ([("low", w.low), ("high", w.high)] + (applies && !fromSet ? [("value", central)] : []))
          .map { "\($0.0) '\($0.1)' is \(measure($0.1).map { $0.kind.description } ?? "not a number")" }
        reader.fail(w.node, w.errorPath, "low and high must be written in the unit kind of the value they bound: " + described.joined(separator: ", "))
        continue
      }
      guard low.value < high.value else {
        reader.fail(w.node, w.errorPath, "low must be below high (got [\(w.low), \(w.high)])")
        continue
      }
      if applies, !fromSet {
        guard let value = measure(central) else {
          reader.fail(w.node, w.errorPath, "ranges bound a number, duration or rate; '\(w.keyPath)' is '\(central)'")
          continue
        }
        guard value.value >= low.value, value.value <= high.value else {
          reader.fail(w.node, w.errorPath, "the value \(central) (\(valueNode.file)\(valueNode.line.map { ":\($0)" } ?? "")) lies outside [\(w.low), \(w.high)]")
          continue
        }
      }
      resolved.append((InputRange(keyPath: w.keyPath, low: w.low, high: w.high, central: central, origin: w.origin,
                                  file: w.node.file, line: w.node.line), w, applies))
    }

    // Each bound must read as a valid value for its key. Catalog bounds are read with the part
    // alone; scenario bounds with the whole scenario, only when nothing else is wrong.
    // A part's own problems (a bad lemon, a bad value the scenario overrides) are reported once
    // where they are; only problems a bound adds are the bound's (issue 27: a bad lemon gave a
    // line for every range of the part, at the catalog's lines).
    let scenarioIsValid = reader.errors.isEmpty && otherwiseValid()
    var partBaseline: [String: Set<String>] = [:]
    func readPart(_ part: (id: String, keyNode: SourceNode, node: SourceNode, relative: String), _ node: SourceNode) -> [InputError] {
      let single = SourceNode(value: .mapping([(part.id, part.keyNode, node)]),
                              file: part.node.file, line: part.node.line, column: part.node.column)
      let sub = InputReader()
      _ = CatalogReader.parts(single, at: "parts", reader: sub)
      return sub.errors
    }
    for (range, w, _) in resolved {
      for (name, bound) in [("low", range.low), ("high", range.high)] {
        var problems: [InputError]
        if let part = w.part {
          let steps = part.relative.split(separator: ".").map(String.init)
          if partBaseline[part.id] == nil { partBaseline[part.id] = Set(readPart(part, part.node).map { "\($0.keyPath): \($0.message)" }) }
          problems = readPart(part, part.node.setting(steps, to: bound)).filter { !partBaseline[part.id]!.contains("\($0.keyPath): \($0.message)") }
        } else if scenarioIsValid {
          problems = tryBound(range.keyPath, bound)
        } else {
          problems = []
        }
        if let first = problems.first {
          reader.fail(w.node, w.errorPath, "the \(name) bound '\(bound)' is not a valid value here: \(first.message)")
        }
      }
    }

    var result = Result()
    guard reader.errors.count == errorsBefore else { return result }

    // The ranges that apply: the scenario's win over the catalog's for the same key path.
    let used = Set(usedParts)
    var byKey: [String: InputRange] = [:]
    for (range, w, applies) in resolved where applies && (w.part == nil || used.contains(w.part!.id)) {
      if byKey[range.keyPath]?.origin == .scenario, range.origin == .catalog { continue }
      byKey[range.keyPath] = range
    }
    result.ranges = resolved.map(\.range).filter { byKey[$0.keyPath] == $0 }

    func scenarioStatement(_ keyPath: String) -> InputProvenance? {
      statements.filter { keyPath == $0.keyPath || keyPath.hasPrefix($0.keyPath + ".") || keyPath.hasPrefix($0.keyPath + "[") }
        .max { $0.keyPath.count < $1.keyPath.count }?.provenance
    }

    // Catalog values of the parts the plant uses.
    var listed = Set<String>()
    for id in usedParts {
      guard let partNode = parts[id], let said = partStatements[id] else { continue }
      var values: [(keyPath: String, node: SourceNode, statement: Statement)] = []
      for field in CatalogReader.valueKeys {
        if let node = partNode[field], case .scalar = node.value {
          values.append(("parts.\(id).\(field)", node, said.fields[field] ?? said.part))
        }
      }
      // The lemon and bad-lot blocks: their numbers, backed by `sources: {lemon: ...}` or the part's source.
      for block in CatalogReader.blockKeys {
        guard let node = partNode[block], case .mapping = node.value else { continue }
        for (path, scalar) in scalars(node, at: "parts.\(id).\(block)") {
          values.append((path, scalar, said.fields[block] ?? said.part))
        }
      }
      if let modesNode = partNode["modes"], case let .mapping(modeEntries) = modesNode.value {
        for (modeID, _, modeNode) in modeEntries {
          let statement = said.modes[modeID] ?? said.part
          for key in ["distribution", "flap_duration"] {
            guard let node = modeNode[key] else { continue }
            for (path, scalar) in scalars(node, at: "parts.\(id).modes.\(modeID).\(key)") {
              values.append((path, scalar, statement))
            }
          }
        }
      }
      for (keyPath, node, statement) in values {
        let provenance: InputProvenance
        if let stated = scenarioStatement(keyPath) {
          provenance = stated
        } else if let sourceNode = statement.sourceNode, sourceNode.file == node.file {
          provenance = Self.provenance(statement)
        } else if statement.sourceNode == nil, node.file == catalogFile {
          provenance = Self.provenance(statement)
        } else {
          provenance = .unstated
        }
        listed.insert(keyPath)
        result.inputs.append(InputValue(keyPath: keyPath, value: text(node), provenance: provenance, range: byKey[keyPath],
                                        part: id, file: node.file, line: node.line))
      }
    }

    // Scenario numbers, and any other key the scenario's provenance or ranges name.
    var scenarioValues: [(String, SourceNode)] = []
    for section in inputSections {
      if let node = top[section] {
        scenarioValues += scalars(node, at: section).filter {
          measure(text($0.1)) != nil && !designKeys.contains(String($0.0.split(separator: ".").last ?? ""))
        }
      }
    }
    for keyPath in statements.map(\.keyPath) + written.filter({ $0.origin == .scenario }).map(\.keyPath) {
      if let node = merged.node(at: keyPath) {
        scenarioValues += (node.isScalar ? [(keyPath, node)] : scalars(node, at: keyPath)).filter { measure(text($0.1)) != nil }
      }
    }
    for (keyPath, node) in scenarioValues where !listed.contains(keyPath) {
      listed.insert(keyPath)
      result.inputs.append(InputValue(keyPath: keyPath, value: text(node), provenance: scenarioStatement(keyPath) ?? .unstated,
                                      range: byKey[keyPath], part: nil, file: node.file, line: node.line))
    }
    return result
  }

  // MARK: Pieces

  private static func isNull(_ node: SourceNode) -> Bool { if case .null = node.value { true } else { false } }

  private static func text(_ node: SourceNode) -> String { if case let .scalar(text) = node.value { text } else { "" } }

  /// Every scalar below `node` with its key path (lists as `key[i]`), except distribution kinds.
  private static func scalars(_ node: SourceNode, at path: String) -> [(String, SourceNode)] {
    switch node.value {
    case .scalar: return [(path, node)]
    case let .mapping(entries):
      return entries.filter { $0.key != "kind" }.flatMap { scalars($0.value, at: "\(path).\($0.key)") }
    case let .sequence(items):
      // Lists of mappings (jobs, mixture components) are walked; lists of scalars are one value.
      return items.enumerated().flatMap { index, item -> [(String, SourceNode)] in
        if case .mapping = item.value { return scalars(item, at: "\(path)[\(index)]") }
        return []
      }
    case .null: return []
    }
  }

  /// `[LOW, HIGH]`.
  private static func bounds(_ node: SourceNode, keyNode: SourceNode, at path: String, reader: InputReader) -> (String, String)? {
    guard case let .sequence(items) = node.value, items.count == 2,
          case let .scalar(low) = items[0].value, case let .scalar(high) = items[1].value else {
      reader.fail(node, path, "must be a list [LOW, HIGH] such as [1000000h, 5000000h] (got \(node.kindName))")
      return nil
    }
    return (low.trimmingWhitespace(), high.trimmingWhitespace())
  }

  /// `source`, `note` and `calibrated` of a part or mode mapping; or, for a scenario
  /// `provenance` entry, a plain source key or `{source, note, calibrated}`.
  private static func statement(_ node: SourceNode, at path: String, reader: InputReader, scalarIsSource: Bool) -> Statement? {
    var source: String?, sourceNode: SourceNode?, note: String?, calibrated: (String, String)?
    switch node.value {
    case let .scalar(text) where scalarIsSource:
      source = text
      sourceNode = node
    case .mapping:
      if scalarIsSource {
        guard let m = reader.mapping(node, at: path, allowed: ["source", "note", "calibrated"]) else { return nil }
        guard let s = m.required("source") else { return nil }
        sourceNode = s
        source = m.text("source")
        note = m.text("note")
      } else {
        sourceNode = node["source"]
        source = sourceNode.flatMap { if case let .scalar(t) = $0.value { t } else { nil } }
        note = node["note"].flatMap { if case let .scalar(t) = $0.value { t } else { nil } }
      }
      if let block = node["calibrated"], !isNull(block) {
        guard let c = reader.mapping(block, at: "\(path).calibrated", allowed: ["target", "date"]) else { return nil }
        let target = c.required("target").flatMap { reader.text($0, at: c.path("target")) }
        let date = c.required("date").flatMap { reader.text($0, at: c.path("date")) }
        if let date, !isDate(date) {
          reader.fail(c["date"]!, c.path("date"), "must be a date written YYYY-MM-DD (got '\(date)')")
        }
        if let target, let date { calibrated = (target, date) }
      }
    default:
      reader.fail(node, path, "must be a source key, or {source: KEY, note: ..., calibrated: {target: ..., date: ...}} (got \(node.kindName))")
      return nil
    }
    guard let source else { return nil }
    if source == "calibrated", calibrated == nil {
      reader.fail(sourceNode ?? node, "\(path).source", "'calibrated' needs calibrated: {target: what was matched, date: YYYY-MM-DD}")
    }
    if scalarIsSource, source == "estimate", note == nil {
      reader.fail(sourceNode ?? node, path, "an estimate needs its reason: {source: estimate, note: \"why this value\"}")
    }
    if source != "estimate", source != "calibrated", !CatalogReader.isKebabCase(source) {
      reader.fail(sourceNode ?? node, scalarIsSource ? path : "\(path).source",
                  "must be a key of FailureData/SOURCES.md (lower-case words joined by '-'), 'estimate' or 'calibrated' (got '\(source)')")
    }
    return Statement(source: source, sourceNode: sourceNode, note: note, calibrated: calibrated.map { (target: $0.0, date: $0.1) })
  }

  private static func provenance(_ s: Statement) -> InputProvenance {
    switch s.source {
    case "estimate": .estimate(reason: s.note ?? "")
    case "calibrated": .calibrated(target: s.calibrated?.target ?? "", date: s.calibrated?.date ?? "")
    default: .sourced(key: s.source)
    }
  }

  /// Whether `text` is a date written YYYY-MM-DD (as a `calibrated` provenance takes it).
  package static func isDate(_ text: String) -> Bool {
    let parts = text.split(separator: "-")
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
          let month = Int(parts[1]), let day = Int(parts[2]), Int(parts[0]) != nil else { return false }
    return (1...12).contains(month) && (1...31).contains(day)
  }

  /// " (did you mean 'x'?)" for the last step of a key path that does not exist.
  private static func hint(_ keyPath: String, in tree: SourceNode) -> String {
    var steps = keyPath.split(separator: ".").map(String.init)
    guard let last = steps.popLast() else { return "" }
    let parent = steps.isEmpty ? tree : tree.node(at: steps.joined(separator: "."))
    guard case let .mapping(entries)? = parent?.value else { return "" }
    return Suggestion.hint(for: last, in: entries.map(\.key))
  }

  // MARK: Unit kinds

  enum Kind: Equatable, CustomStringConvertible {
    case duration, rate, percent, number
    var description: String {
      switch self {
      case .duration: "a duration"
      case .rate: "a rate"
      case .percent: "a percentage"
      case .number: "a plain number"
      }
    }
  }

  /// A written number with its unit kind and its value in that kind's base unit (hours, per hour,
  /// percent, number), so bounds written in different units of one kind compare.
  static func measure(_ text: String) -> (kind: Kind, value: Double)? {
    let trimmed = text.trimmingWhitespace()
    let (number, unit) = Units.splitNumber(trimmed)
    guard let number, let value = Double(number), value.isFinite else { return nil }
    if unit.isEmpty { return (.number, value) }
    if unit == "%" { return (.percent, value) }
    if let hours = try? Units.hours(from: trimmed) { return (.duration, hours) }
    if let rate = try? Units.ratePerHour(from: trimmed) { return (.rate, rate) }
    return nil
  }

  /// The kind all values share; a bare 0 fits a duration or a rate.
  private static func commonKind(_ values: [(kind: Kind, value: Double)]) -> Kind? {
    let kinds = Set(values.filter { !($0.kind == .number && $0.value == 0) }.map { "\($0.kind)" })
    if kinds.count > 1 { return nil }
    if kinds.isEmpty { return .number }
    return values.first { !($0.kind == .number && $0.value == 0) }!.kind
  }
}

extension SourceNode {
  var isScalar: Bool { if case .scalar = value { true } else { false } }
}
