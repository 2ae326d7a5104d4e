/// Reads typed values out of `SourceNode`s, collecting every problem instead of stopping at the
/// first, so a user sees all of a file's mistakes at once.
///
/// Each mapping is read against the list of keys it may hold: an unknown key is an error with a
/// "did you mean" suggestion. A reader method returns nil when the value is absent or wrong; the
/// wrong case has already been logged with file, line, column, key path and value.
final class InputReader {
  private(set) var errors: [InputError] = []
  /// The part catalog could not be read (reported once at `catalog`): every reference to a part
  /// would fail too, and those errors say nothing more.
  var catalogMissing = false

  /// Values whose problems were reported already (an uncertain range that could not be read):
  /// the readers that expect a number there would only add lines about the same place.
  var reported: Set<String> = []

  /// The normalised key paths a scenario's posterior draws: their prior ranges do not bound the
  /// (median) value the scenario holds.
  var posteriorKeys: Set<String> = []

  static func location(_ node: SourceNode) -> String { "\(node.file):\(node.line ?? 0):\(node.column ?? 0)" }

  func fail(_ node: SourceNode, _ keyPath: String, _ message: String) {
    if !reported.isEmpty, reported.contains(Self.location(node)) { return }
    errors.append(InputError(file: node.file, line: node.line, column: node.column, keyPath: keyPath, message: message))
  }

  /// Throws everything logged so far, sorted by file and position.
  /// Problems found by an earlier, identical reading (`ScenarioLoader.PartsStage`), added as
  /// they were.
  func append(_ found: [InputError]) { errors.append(contentsOf: found) }

  func throwIfFailed() throws(InputErrors) {
    guard !errors.isEmpty else { return }
    // Without the catalog, a scenario's part overrides lack the catalog's half (a part's
    // source, a distribution's kind): problems under `parts` are consequences too.
    let shown = catalogMissing
      ? errors.filter { $0.keyPath == "catalog" || !($0.message.contains(" in the catalog") || $0.keyPath == "parts" || $0.keyPath.hasPrefix("parts.")) }
      : errors
    throw InputErrors(shown.sorted {
      ($0.file, $0.line ?? 0, $0.column ?? 0) < ($1.file, $1.line ?? 0, $1.column ?? 0)
    })
  }

  /// Opens `node` as a mapping whose keys must be among `allowed`.
  func mapping(_ node: SourceNode, at keyPath: String, allowed: [String]) -> MappingReader? {
    guard case let .mapping(entries) = node.value else {
      fail(node, keyPath, "must be a mapping of keys to values (got \(node.kindName))")
      return nil
    }
    for entry in entries where !allowed.contains(entry.key) {
      let where_ = keyPath.isEmpty ? "here" : "in '\(keyPath)'"
      fail(entry.keyNode, join(keyPath, entry.key),
           "unknown key '\(entry.key)'\(Suggestion.hint(for: entry.key, in: allowed)); allowed \(where_): "
             + allowed.joined(separator: ", "))
    }
    return MappingReader(node: node, keyPath: keyPath, reader: self)
  }

  /// Opens `node` as a mapping with free-form keys (names chosen by the user, such as part ids).
  func namedEntries(_ node: SourceNode, at keyPath: String) -> [(name: String, keyNode: SourceNode, value: SourceNode)] {
    guard case let .mapping(entries) = node.value else {
      fail(node, keyPath, "must be a mapping of names to entries (got \(node.kindName))")
      return []
    }
    return entries.map { ($0.key, $0.keyNode, $0.value) }
  }

  func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  // MARK: Scalars

  func text(_ node: SourceNode, at keyPath: String) -> String? {
    guard case let .scalar(text) = node.value else {
      fail(node, keyPath, "must be a single value (got \(node.kindName))")
      return nil
    }
    return text
  }

  /// A whole number in `minimum...maximum`. The default maximum (`InputLimits.integer`) keeps
  /// every count, size and radix within what the engine can hold in memory; keys that may be
  /// larger (trials) pass their own.
  func integer(_ node: SourceNode, at keyPath: String, minimum: Int = 0, maximum: Int = InputLimits.integer) -> Int? {
    guard let text = text(node, at: keyPath) else { return nil }
    guard let value = Int(text.replacingAll("_", with: "")) else {
      if let number = Double(text.replacingAll("_", with: "")), number.isFinite, number == number.rounded() {
        fail(node, keyPath, "must be a whole number written without an exponent, at most \(maximum) (got '\(text)')")
      } else {
        fail(node, keyPath, "must be a whole number (got '\(text)')")
      }
      return nil
    }
    guard value >= minimum else {
      fail(node, keyPath, "must be at least \(minimum) (got \(value))")
      return nil
    }
    guard value <= maximum else {
      fail(node, keyPath, "must be at most \(maximum), the limit cposim can simulate (got \(value))")
      return nil
    }
    return value
  }

  func number(_ node: SourceNode, at keyPath: String, range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude,
              rangeText: String? = nil) -> Double? {
    guard let text = text(node, at: keyPath) else { return nil }
    guard let value = Double(text.trimmingWhitespace()), value.isFinite else {
      fail(node, keyPath, "must be a number (got '\(text)')")
      return nil
    }
    guard range.contains(value) else {
      // A value above the limit names the limit ("a price of 0 or more (got 2e6)" did not).
      if let rangeText, value > range.upperBound {
        fail(node, keyPath, "must be \(rangeText), at most \(formatted(range.upperBound)) (got \(text))")
        return nil
      }
      fail(node, keyPath, "must be \(rangeText ?? "in \(formatted(range.lowerBound))...\(formatted(range.upperBound))") (got \(text))")
      return nil
    }
    return value
  }

  /// A probability in [0, 1], written as `0.3` or `30%`.
  func probability(_ node: SourceNode, at keyPath: String) -> Double? {
    guard let text = text(node, at: keyPath) else { return nil }
    var body = text.trimmingWhitespace(), scale = 1.0
    if body.hasSuffix("%") { body = String(body.dropLast()).trimmingWhitespace(); scale = 0.01 }
    guard let raw = Double(body), (0...1).contains(raw * scale) else {
      fail(node, keyPath, "must be a probability between 0 and 1, such as 0.3 or 30% (got '\(text)')")
      return nil
    }
    return raw * scale
  }

  func boolean(_ node: SourceNode, at keyPath: String) -> Bool? {
    guard let text = text(node, at: keyPath) else { return nil }
    switch text.lowercased() {
    case "true", "yes", "on": return true
    case "false", "no", "off": return false
    default:
      fail(node, keyPath, "must be true or false (got '\(text)')")
      return nil
    }
  }

  func duration(_ node: SourceNode, at keyPath: String, positive: Bool = false, maximum: Hours = .infinity, maximumText: String? = nil) -> Hours? {
    guard let text = text(node, at: keyPath) else { return nil }
    do {
      let hours = try Units.hours(from: text)
      guard hours >= 0, !positive || hours > 0 else {
        fail(node, keyPath, "must be a \(positive ? "positive" : "non-negative") duration (got '\(text)')")
        return nil
      }
      guard hours <= maximum else {
        fail(node, keyPath, "must be at most \(maximumText ?? "\(formatted(maximum))h"), the limit cposim can simulate (got '\(text)')")
        return nil
      }
      return hours
    } catch {
      fail(node, keyPath, error.description)
      return nil
    }
  }

  func rate(_ node: SourceNode, at keyPath: String) -> Double? {
    guard let text = text(node, at: keyPath) else { return nil }
    do {
      let value = try Units.ratePerHour(from: text)
      guard value >= 0 else {
        fail(node, keyPath, "must not be negative (got '\(text)')")
        return nil
      }
      return value
    } catch {
      fail(node, keyPath, error.description)
      return nil
    }
  }

  /// One of a fixed set of words.
  func choice<T>(_ node: SourceNode, at keyPath: String, _ options: [(String, T)]) -> T? {
    guard let text = text(node, at: keyPath) else { return nil }
    if let match = options.first(where: { $0.0 == text }) { return match.1 }
    let names = options.map(\.0)
    fail(node, keyPath, "must be one of \(names.joined(separator: ", ")) (got '\(text)')\(Suggestion.hint(for: text, in: names))")
    return nil
  }

  /// A distribution: a mapping `{kind: weibull, shape: 1.5, scale: 1000h}`, or (for durations
  /// such as repair times) a plain duration meaning that fixed value.
  func distribution(_ node: SourceNode, at keyPath: String, allowPlainDuration: Bool = true) -> Distribution? {
    if case .scalar = node.value, allowPlainDuration {
      guard let hours = duration(node, at: keyPath) else { return nil }
      return .deterministic(try! Deterministic(value: hours))  // duration() returned a finite value >= 0
    }
    guard let spec = distributionSpec(node, at: keyPath) else { return nil }
    do {
      return try spec.build()
    } catch {
      // Point at the parameter's own line when the error is about one parameter.
      let target = error.parameterName.flatMap { node[$0] } ?? node
      let path = error.parameterName.map { join(keyPath, $0) } ?? keyPath
      fail(target, path, error.description)
      return nil
    }
  }

  private func distributionSpec(_ node: SourceNode, at keyPath: String) -> DistributionSpec? {
    guard case let .mapping(entries) = node.value else {
      fail(node, keyPath, "must be a distribution such as {kind: exponential, afr: 1%} (got \(node.kindName))")
      return nil
    }
    guard let kindNode = node["kind"], let kind = text(kindNode, at: join(keyPath, "kind")) else {
      if node["kind"] == nil { fail(node, keyPath, "a distribution needs 'kind' (one of \(DistributionSpec.families.map(\.kind).joined(separator: ", ")))") }
      return nil
    }
    var parameters: [DistributionSpec.Parameter] = []
    var components: [DistributionSpec.Component] = []
    for entry in entries where entry.key != "kind" {
      if entry.key == "components", kind == "mixture" {
        guard case let .sequence(items) = entry.value.value else {
          fail(entry.value, join(keyPath, "components"), "must be a list of {weight: W, distribution: {...}}")
          return nil
        }
        for (index, item) in items.enumerated() {
          let itemPath = "\(join(keyPath, "components"))[\(index)]"
          guard let fields = mapping(item, at: itemPath, allowed: ["weight", "distribution"]),
                let weightNode = fields.required("weight"), let weight = text(weightNode, at: join(itemPath, "weight")),
                let distributionNode = fields.required("distribution"),
                let spec = distributionSpec(distributionNode, at: join(itemPath, "distribution"))
          else { return nil }
          components.append(.init(weight: weight, spec: spec))
        }
        continue
      }
      if case .sequence(let items) = entry.value.value, entry.key == "values" {
        let texts = items.compactMap { text($0, at: join(keyPath, "values")) }
        parameters.append(.init(name: "values", value: texts.joined(separator: ",")))
        continue
      }
      guard let value = text(entry.value, at: join(keyPath, entry.key)) else { return nil }
      parameters.append(.init(name: entry.key, value: value))
    }
    return DistributionSpec(kind: kind, parameters: parameters, components: components)
  }
}

/// A mapping being read; absent keys return nil, present but wrong ones are logged.
struct MappingReader {
  let node: SourceNode
  let keyPath: String
  let reader: InputReader

  func path(_ key: String) -> String { reader.join(keyPath, key) }

  subscript(key: String) -> SourceNode? {
    guard let value = node[key] else { return nil }
    if case .null = value.value { return nil }
    return value
  }

  /// The value at `key`, logging an error when it is missing.
  func required(_ key: String) -> SourceNode? {
    if let value = self[key] { return value }
    reader.fail(node, keyPath, "missing required key '\(key)'")
    return nil
  }

  func text(_ key: String) -> String? { self[key].flatMap { reader.text($0, at: path(key)) } }
  func integer(_ key: String, minimum: Int = 0, maximum: Int = InputLimits.integer) -> Int? {
    self[key].flatMap { reader.integer($0, at: path(key), minimum: minimum, maximum: maximum) }
  }
  func number(_ key: String, range: ClosedRange<Double>, rangeText: String? = nil) -> Double? {
    self[key].flatMap { reader.number($0, at: path(key), range: range, rangeText: rangeText) }
  }
  func probability(_ key: String) -> Double? { self[key].flatMap { reader.probability($0, at: path(key)) } }
  func boolean(_ key: String) -> Bool? { self[key].flatMap { reader.boolean($0, at: path(key)) } }
  func duration(_ key: String, positive: Bool = false, maximum: Hours = .infinity, maximumText: String? = nil) -> Hours? {
    self[key].flatMap { reader.duration($0, at: path(key), positive: positive, maximum: maximum, maximumText: maximumText) }
  }
  func rate(_ key: String) -> Double? { self[key].flatMap { reader.rate($0, at: path(key)) } }
  func choice<T>(_ key: String, _ options: [(String, T)]) -> T? { self[key].flatMap { reader.choice($0, at: path(key), options) } }
  func distribution(_ key: String, allowPlainDuration: Bool = true) -> Distribution? {
    self[key].flatMap { reader.distribution($0, at: path(key), allowPlainDuration: allowPlainDuration) }
  }
  func mapping(_ key: String, allowed: [String]) -> MappingReader? {
    self[key].flatMap { reader.mapping($0, at: path(key), allowed: allowed) }
  }
}

/// The largest inputs cposim accepts: beyond them a scenario describes no real study and the
/// engine could not hold it (memory, integer ranges of GSL's samplers, event volume). Each is
/// an input error naming the key, the value and the limit (docs/hostile-input.md).
public enum InputLimits {
  /// Any count, size or index in a scenario (units, ports, technicians, spares, ...).
  public static let integer = 1_000_000
  /// Trials of one run.
  public static let trials = 1_000_000_000
  /// GPUs of a fabric: 2^22, four times the largest preset (`cluster-1m-*`, 2^20 GPUs on two
  /// planes of a radix-128 three-tier Clos).
  public static let gpus = 4_194_304
  /// Ports of a switch.
  public static let switchRadix = 4096
  /// Units of one population of a plain system.
  public static let unitCount = 10_000_000
  /// The simulated horizon: 100 years.
  public static let horizonHours: Hours = 100 * 8766
}
