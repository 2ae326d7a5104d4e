import Foundation

/// Reads a scenario's `posterior:` block (joint draws) and `branches:` (named sets of values for
/// what no evidence constrains). docs/inference.md, "The posterior block" and "Branches".
///
/// ```yaml
/// posterior:
///   keys: [jobs[0].uplink_interrupt_probability, jobs[0].background_rate]
///   units: ["", /d]
///   draws:
///     - [0.1968, 0.003602]
///     - [0.2113, 0.003511]
///   provenance: {method: ..., seed: 405, ess: 260.6, evidence: [...]}
/// branches:
///   engine-flaps-subsecond:
///     set: {parts.cpo-optical-engine.modes.link-flap.flap_duration.median: 0.5s}
///     note: "..."
///     source: flaps-and-connectors
/// ```
enum PosteriorReader {
  static let keys = ["keys", "units", "draws", "provenance"]
  static let branchKeys = ["set", "note", "source"]
  /// The most rows a posterior may hold (the YAML reader's node budget allows about this many
  /// of a few keys).
  static let maximumRows = 20_000

  /// The block as written; nil (with every problem logged) when it cannot be read.
  static func read(_ node: SourceNode, reader: InputReader) -> PosteriorDraws? {
    guard let m = reader.mapping(node, at: "posterior", allowed: keys) else { return nil }
    var failed = false
    func list(_ key: String) -> [SourceNode]? {
      guard let n = m.required(key) else { failed = true; return nil }
      guard case let .sequence(items) = n.value else {
        reader.fail(n, "posterior.\(key)", "must be a list (got \(n.kindName))")
        failed = true
        return nil
      }
      return items
    }
    let keyNodes = list("keys") ?? []
    var keys: [String] = []
    var seen: [String: Int] = [:]
    for (k, n) in keyNodes.enumerated() {
      guard case let .scalar(text) = n.value, !text.isEmpty,
            !text.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
        reader.fail(n, "posterior.keys[\(k)]", "must be a key path such as jobs[0].background_rate (got \(n.kindName))")
        failed = true
        continue
      }
      if ["posterior", "branches", "name", "extends", "catalog", "set"].contains(String(text.split(separator: ".")[0])) {
        reader.fail(n, "posterior.keys[\(k)]", "'\(text)' is not an input the posterior can draw")
        failed = true
      }
      let normal = ScenarioLoader.normalisedKeyPath(text)
      if let first = seen[normal] {
        reader.fail(n, "posterior.keys[\(k)]", "'\(text)' is posterior.keys[\(first)] already: give each key once")
        failed = true
      }
      seen[normal] = k
      keys.append(text)
    }
    if keyNodes.isEmpty, m["keys"] != nil, !failed {
      reader.fail(m["keys"]!, "posterior.keys", "must name at least one key")
      failed = true
    }
    var units: [String] = []
    if let unitNodes = list("units") {
      if unitNodes.count != keyNodes.count {
        reader.fail(m["units"]!, "posterior.units", "must give one unit per key (\(keyNodes.count) keys, got \(unitNodes.count) units)")
        failed = true
      }
      for (k, n) in unitNodes.enumerated() {
        switch n.value {
        case let .scalar(text): units.append(text)
        case .null: units.append("")
        default:
          reader.fail(n, "posterior.units[\(k)]", "must be a unit such as /d, %, h or \"\" (got \(n.kindName))")
          failed = true
        }
      }
    }
    let rowNodes = list("draws") ?? []
    if rowNodes.isEmpty, m["draws"] != nil, case .sequence = m["draws"]!.value {
      reader.fail(m["draws"]!, "posterior.draws", "must hold at least one draw")
      failed = true
    }
    if rowNodes.count > maximumRows {
      reader.fail(m["draws"]!, "posterior.draws", "holds \(rowNodes.count) draws; at most \(maximumRows) are read")
      return nil
    }
    var rows: [[Double]] = []
    rows.reserveCapacity(rowNodes.count)
    for (i, n) in rowNodes.enumerated() {
      guard case let .sequence(cells) = n.value else {
        reader.fail(n, "posterior.draws[\(i)]", "must be a list of \(keyNodes.count) numbers, one per key (got \(n.kindName))")
        failed = true
        continue
      }
      if cells.count != keyNodes.count {
        reader.fail(n, "posterior.draws[\(i)]", "has \(cells.count) values but posterior.keys names \(keyNodes.count)")
        failed = true
        continue
      }
      var row: [Double] = []
      for (k, cell) in cells.enumerated() {
        guard case let .scalar(text) = cell.value, let value = Double(text.trimmingWhitespace()), value.isFinite else {
          reader.fail(cell, "posterior.draws[\(i)][\(k)]",
                      "must be a finite number in the key's unit (posterior.units[\(k)]) (got \(cell.kindName))")
          failed = true
          continue
        }
        row.append(value)
      }
      rows.append(row)
    }
    var provenance: [(key: String, value: String)] = []
    if let p = m["provenance"] {
      guard case let .mapping(entries) = p.value else {
        reader.fail(p, "posterior.provenance", "must be a mapping (method, seed, evidence, ...) (got \(p.kindName))")
        return nil
      }
      provenance = entries.map { ($0.key, flatText($0.value)) }
    }
    guard !failed, !keys.isEmpty, !rows.isEmpty, units.count == keys.count else { return nil }
    var draws = PosteriorDraws(keys: keys, units: units, rows: rows)
    draws.file = node.file
    draws.line = node.line
    draws.provenance = provenance
    draws.keyLines = keyNodes.map(\.line)
    return draws
  }

  /// A provenance value on one line.
  static func flatText(_ node: SourceNode) -> String {
    switch node.value {
    case let .scalar(text): text
    case .null: ""
    case let .sequence(items): "[" + items.map(flatText).joined(separator: ", ") + "]"
    case let .mapping(entries): "{" + entries.map { "\($0.key): \(flatText($0.value))" }.joined(separator: ", ") + "}"
    }
  }

  /// The `branches:` block; nil entries are logged.
  static func branches(_ node: SourceNode, reader: InputReader) -> [ScenarioBranch] {
    var result: [ScenarioBranch] = []
    for (name, keyNode, value) in reader.namedEntries(node, at: "branches") {
      let path = "branches.\(name)"
      guard name.range(of: "^[A-Za-z0-9][A-Za-z0-9._-]*$", options: .regularExpression) != nil else {
        reader.fail(keyNode, path, "a branch name is letters, digits, '.', '_' and '-' (got '\(name)')")
        continue
      }
      guard let m = reader.mapping(value, at: path, allowed: branchKeys) else { continue }
      guard let setNode = m.required("set"), let note = m.required("note").flatMap({ reader.text($0, at: m.path("note")) }) else { continue }
      guard case let .mapping(entries) = setNode.value, !entries.isEmpty else {
        reader.fail(setNode, m.path("set"), "must map key paths to values, such as 'jobs[0].restart_overhead: 5m' (got \(setNode.kindName))")
        continue
      }
      var set: [ScenarioBranch.KeyValue] = []
      for (key, keyNode, v) in entries {
        guard case let .scalar(text) = v.value else {
          reader.fail(v, "\(m.path("set")).\(key)", "must be a single value (got \(v.kindName))")
          continue
        }
        if key.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
          reader.fail(keyNode, "\(m.path("set")).\(key)", "must be a key path such as jobs[0].restart_overhead (got '\(key)')")
          continue
        }
        set.append(.init(keyPath: key, value: text))
      }
      guard set.count == entries.count else { continue }
      result.append(ScenarioBranch(name: name, set: set, note: note, source: m.text("source"), file: keyNode.file, line: keyNode.line))
    }
    return result
  }
}
