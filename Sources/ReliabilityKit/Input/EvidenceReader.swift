import Foundation

/// Reads evidence files (Evidence/README.md): `{fleet, source, items: [...]}`, the format
/// `cposim recurrent --evidence` writes, with the keys the other kinds of item need.
///
/// Every problem of every file is reported in one go, each as `file:line:column: key: message`;
/// unknown keys are refused with a did-you-mean.
public enum EvidenceReader {
  static let fileKeys = ["fleet", "source", "items", "description", "note"]
  static let itemKeys = [
    "name", "counted", "part", "mode", "per_unit", "input", "metric", "threshold", "count", "rate", "exposure", "window",
    "spread", "source", "note",
  ]
  static let exposureKeys = ["unit_hours", "units", "duration", "scenario"]
  static let rateKeys = ["value", "low", "high"]

  /// Reads evidence from files and folders (every `*.yaml` and `*.yml` of a folder, in name
  /// order; a README or other files are ignored).
  /// - Throws: `InputErrors` with every problem found, or when no file is found.
  public static func load(paths: [String]) throws(InputErrors) -> [EvidenceFile] {
    var files: [String] = []
    var errors: [InputError] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        errors.append(InputError(file: path, line: nil, column: nil, keyPath: "", message: "no such file or folder"))
        continue
      }
      if isDirectory.boolValue {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
          .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        if names.isEmpty {
          errors.append(InputError(file: path, line: nil, column: nil, keyPath: "", message: "the folder holds no evidence file (*.yaml)"))
        }
        files += names.map { (path.hasSuffix("/") ? path : path + "/") + $0 }
      } else {
        files.append(path)
      }
    }
    var result: [EvidenceFile] = []
    for file in files {
      do {
        let node = try SourceNode.load(contentsOf: URL(fileURLWithPath: file), displayName: file)
        let reader = InputReader()
        if let evidence = read(node, file: file, reader: reader) { result.append(evidence) }
        errors += reader.errors
      } catch {
        errors += error.errors
      }
    }
    // Item names are unique across every file read together (reports and the PPC name them).
    var seen: [String: EvidenceItem] = [:]
    for item in result.flatMap(\.items) {
      if let first = seen[item.name] {
        errors.append(InputError(file: item.file, line: item.line, column: nil, keyPath: "items.name",
                                 message: "the item name '\(item.name)' is used twice (first at \(first.file):\(first.line ?? 0)); names must be unique across the evidence"))
      } else {
        seen[item.name] = item
      }
    }
    guard errors.isEmpty else {
      throw InputErrors(errors.sorted { ($0.file, $0.line ?? 0, $0.column ?? 0) < ($1.file, $1.line ?? 0, $1.column ?? 0) })
    }
    return result
  }

  /// Reads evidence text (tests, and files already in memory).
  public static func parse(_ text: String, file: String) throws(InputErrors) -> EvidenceFile {
    let node = try SourceNode.parse(text, file: file)
    let reader = InputReader()
    let evidence = read(node, file: file, reader: reader)
    try reader.throwIfFailed()
    guard let evidence else { throw InputErrors([InputError(file: file, line: nil, column: nil, keyPath: "", message: "invalid evidence file")]) }
    return evidence
  }

  static func read(_ node: SourceNode, file: String, reader: InputReader) -> EvidenceFile? {
    guard let top = reader.mapping(node, at: "", allowed: fileKeys) else { return nil }
    let fleet = top.required("fleet").flatMap { reader.text($0, at: "fleet") }
    let source = top.required("source").flatMap { reader.text($0, at: "source") }
    guard let itemsNode = top.required("items") else { return nil }
    guard case let .sequence(list) = itemsNode.value else {
      reader.fail(itemsNode, "items", "must be a list of evidence items (got \(itemsNode.kindName))")
      return nil
    }
    if list.isEmpty { reader.fail(itemsNode, "items", "holds no item") }
    var items: [EvidenceItem] = []
    var names: Set<String> = []
    for (index, itemNode) in list.enumerated() {
      let path = "items[\(index)]"
      guard let item = self.item(itemNode, at: path, file: file, fleet: fleet ?? "", source: source ?? "", reader: reader) else { continue }
      if !names.insert(item.name).inserted {
        reader.fail(itemNode, reader.join(path, "name"), "the item name '\(item.name)' appears twice in this file")
        continue
      }
      items.append(item)
    }
    guard let fleet, let source else { return nil }
    return EvidenceFile(file: file, fleet: fleet, source: source, items: items)
  }

  private static func item(_ node: SourceNode, at path: String, file: String, fleet: String, source: String,
                           reader: InputReader) -> EvidenceItem? {
    guard let m = reader.mapping(node, at: path, allowed: itemKeys) else { return nil }
    let name = m.required("name").flatMap { reader.text($0, at: m.path("name")) }
    guard let counted = m.required("counted").flatMap({ reader.choice($0, at: m.path("counted"), [
      ("failures", "failures"), ("input_rate", "input_rate"), ("metric", "metric"), ("threshold", "threshold"),
    ]) }) else { return nil }

    // Which keys belong to which kind of item: a key of another kind is a mistake worth naming.
    let kindKeys: [String: [String]] = [
      "failures": ["part", "mode", "per_unit", "count", "rate"],
      "input_rate": ["input", "per_unit", "count", "rate"],
      "metric": ["metric", "count"],
      "threshold": ["threshold"],
    ]
    let allKindKeys = Set(kindKeys.values.flatMap { $0 })
    for key in allKindKeys.sorted() where m[key] != nil && !(kindKeys[counted] ?? []).contains(key) {
      // `mode: null` is what `recurrent --evidence` writes for every item: only a value is refused.
      reader.fail(m[key]!, m.path(key), "an item with counted: \(counted) has no '\(key)' (its keys: \((kindKeys[counted] ?? []).joined(separator: ", ")))")
    }

    let perUnit = m.number("per_unit", range: Double.leastNonzeroMagnitude...1e9, rangeText: "a positive number of units per unit of exposure") ?? 1
    let spread = m.number("spread", range: 0...10, rangeText: "a coefficient of variation between 0 and 10") ?? 0
    let exposure = m["exposure"].flatMap { self.exposure($0, at: m.path("exposure"), file: file, reader: reader) }
    let window = m["window"].flatMap { self.window($0, at: m.path("window"), reader: reader) }

    var measure: EvidenceItem.Measure?
    var observed: EvidenceItem.Observed?
    switch counted {
    case "failures", "input_rate":
      if counted == "failures" {
        let part = m.required("part").flatMap { reader.text($0, at: m.path("part")) }
        let mode = m.text("mode")
        if let part { measure = .failures(part: part, mode: mode, perUnit: perUnit) }
      } else if let key = m.required("input").flatMap({ reader.text($0, at: m.path("input")) }) {
        measure = .inputRate(keyPath: key, perUnit: perUnit)
      }
      switch (m["count"], m["rate"]) {
      case (nil, nil):
        reader.fail(node, path, "give the observation: 'count' (events seen over the exposure) or 'rate' ({value, low, high}: a published rate with its 90% range)")
      case (_?, _?):
        reader.fail(m["rate"]!, m.path("rate"), "give 'count' or 'rate', not both")
      case let (countNode?, nil):
        if let k = reader.integer(countNode, at: m.path("count"), minimum: 0, maximum: 1_000_000_000) { observed = .count(k) }
        if m["exposure"] == nil {
          reader.fail(node, path, "missing required key 'exposure' ({unit_hours: N}, or {units: N, duration: 13w}): what the count was observed over")
        } else if case .scenario? = exposure {
          reader.fail(m["exposure"]!, m.path("exposure"), "counted: \(counted) is predicted from unit-hours, not by simulating a scenario: give {unit_hours: N} or {units: N, duration: D}")
        }
      case let (nil, rateNode?):
        observed = rate(rateNode, at: m.path("rate"), reader: reader)
        if let e = m["exposure"], case .scenario? = exposure {
          reader.fail(e, m.path("exposure"), "a rate needs no scenario; give {unit_hours: N} (what the rate was measured over) or leave exposure out")
        }
      }
    case "metric":
      if let metric = m.required("metric").flatMap({ reader.text($0, at: m.path("metric")) }) { measure = .metric(metric) }
      if let countNode = m.required("count"), let k = reader.integer(countNode, at: m.path("count"), minimum: 0, maximum: 1_000_000_000) {
        observed = .count(k)
      }
    default:  // threshold
      if let t = m.required("threshold").flatMap({ threshold($0, at: m.path("threshold"), reader: reader) }) { measure = .threshold(t) }
      observed = .held
    }
    if counted == "metric" || counted == "threshold" {
      if m["exposure"] == nil {
        reader.fail(node, path, "missing required key 'exposure' ({scenario: FILE}): the scenario whose horizon the \(counted) was observed over")
      } else if case .unitHours? = exposure {
        reader.fail(m["exposure"]!, m.path("exposure"), "a \(counted) is predicted by simulating a scenario: give {scenario: FILE}")
      }
      if m["spread"] != nil, counted == "threshold" {
        reader.fail(m["spread"]!, m.path("spread"), "a threshold has no spread (it is seen once: held or not)")
      }
    }
    if case .rate? = observed, m["spread"] != nil {
      reader.fail(m["spread"]!, m.path("spread"), "a rate states its uncertainty as its 90% range (low, high), not a spread")
    }
    guard let name, let measure, let observed else { return nil }
    if let exposure, case .scenario = exposure, measure.isAnalyticMeasure { return nil }
    return EvidenceItem(name: name, measure: measure, exposure: exposure, observed: observed, spread: spread,
                        source: m.text("source") ?? source, fleet: fleet, note: m.text("note"), window: window,
                        file: file, line: node.line)
  }

  private static func exposure(_ node: SourceNode, at path: String, file: String, reader: InputReader) -> EvidenceItem.Exposure? {
    guard let m = reader.mapping(node, at: path, allowed: exposureKeys) else { return nil }
    let given = exposureKeys.filter { m[$0] != nil }
    switch Set(given) {
    case ["unit_hours"]:
      return m.number("unit_hours", range: Double.leastNonzeroMagnitude...1e18, rangeText: "a positive number of unit-hours").map { .unitHours($0) }
    case ["units", "duration"]:
      guard let units = m.number("units", range: Double.leastNonzeroMagnitude...1e12, rangeText: "a positive number of units"),
            let hours = m.duration("duration", positive: true) else { return nil }
      return .unitHours(units * hours)
    case ["scenario"]:
      guard let text = m.text("scenario") else { return nil }
      let base = URL(fileURLWithPath: file).deletingLastPathComponent()
      let url = text.hasPrefix("/") ? URL(fileURLWithPath: text) : URL(fileURLWithPath: text, relativeTo: base)
      let resolved = ScenarioLoader.relativeDisplayName(url)
      guard FileManager.default.fileExists(atPath: url.path) else {
        reader.fail(m["scenario"]!, m.path("scenario"), "no such scenario '\(text)' (looked for \(resolved))")
        return nil
      }
      return .scenario(path: text, resolved: resolved)
    default:
      reader.fail(node, path, "must be {unit_hours: N}, {units: N, duration: D} or {scenario: FILE} (got \(given.isEmpty ? "none of them" : given.joined(separator: ", ")))")
      return nil
    }
  }

  private static func window(_ node: SourceNode, at path: String, reader: InputReader) -> (from: String, to: String)? {
    if case .null = node.value { return nil }
    guard let m = reader.mapping(node, at: path, allowed: ["from", "to"]),
          let from = m.required("from").flatMap({ reader.text($0, at: m.path("from")) }),
          let to = m.required("to").flatMap({ reader.text($0, at: m.path("to")) }) else { return nil }
    for (key, text) in [("from", from), ("to", to)] where Self.moment(text) == nil {
      reader.fail(m[key]!, m.path(key), "must be a date YYYY-MM-DD or an ISO 8601 timestamp (got '\(text)')")
      return nil
    }
    if let a = Self.moment(from), let b = Self.moment(to), a > b {
      reader.fail(m["to"]!, m.path("to"), "must not be before from (got from \(from), to \(to))")
      return nil
    }
    return (from, to)
  }

  static func moment(_ text: String) -> Date? {
    if ProvenanceReader.isDate(text) { return ISO8601DateFormatter().date(from: text + "T00:00:00Z") }
    return ISO8601DateFormatter().date(from: text)
  }

  /// `{value, low, high}`, each a rate (`2.6%/y`, `385 FIT`, `3e-3/y`) or an MTBF written as a
  /// duration (`550000h`, taken as 1/MTBF); low ≤ value ≤ high as rates.
  private static func rate(_ node: SourceNode, at path: String, reader: InputReader) -> EvidenceItem.Observed? {
    guard let m = reader.mapping(node, at: path, allowed: rateKeys) else { return nil }
    func perHour(_ key: String) -> Double? {
      guard let n = m.required(key), let text = reader.text(n, at: m.path(key)) else { return nil }
      if let r = try? Units.ratePerHour(from: text), r > 0, r.isFinite { return r }
      if let h = try? Units.hours(from: text), h > 0, h.isFinite { return 1 / h }
      reader.fail(n, m.path(key), "must be a positive rate (2.6%/y, 385 FIT, 3e-3/y) or an MTBF as a duration (550000h) (got '\(text)')")
      return nil
    }
    let value = perHour("value"), low = perHour("low"), high = perHour("high")
    guard let value, var low, var high else { return nil }
    // An MTBF range is written low..high in hours, which is high..low as rates: order them.
    if low > high { swap(&low, &high) }
    guard low <= value, value <= high, low < high else {
      reader.fail(node, path, String(format: "the range must contain the value and be wider than a point (as rates per hour: low %.4g, value %.4g, high %.4g)", low, value, high))
      return nil
    }
    return .rate(perUnitHour: value, low: low, high: high)
  }

  /// `"job_ettr > 0.9"`: a metric, a comparison and a number or percentage (the metric is checked
  /// against the exposure scenario's report when the evidence is bound to a scenario).
  private static func threshold(_ node: SourceNode, at path: String, reader: InputReader) -> Threshold? {
    guard let text = reader.text(node, at: path) else { return nil }
    let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    guard parts.count == 3, let comparison = Threshold.Comparison(rawValue: parts[1]) else {
      reader.fail(node, path, "must be 'METRIC > VALUE' (or <, <=, >=) such as 'job_ettr > 0.9' (got '\(text)')")
      return nil
    }
    var value = Double(parts[2]), written = Threshold.Written.number
    if value == nil, parts[2].hasSuffix("%"), let p = Double(parts[2].dropLast()) { value = p / 100; written = .percent }
    guard let value, value.isFinite else {
      reader.fail(node, path, "the value must be a number or a percentage (got '\(parts[2])')")
      return nil
    }
    return Threshold(metric: parts[0], comparison: comparison, value: value, written: written, text: text)
  }
}

extension EvidenceItem.Measure {
  var isAnalyticMeasure: Bool {
    switch self {
    case .failures, .inputRate: true
    case .metric, .threshold: false
    }
  }
}
