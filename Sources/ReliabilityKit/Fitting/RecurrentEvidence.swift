import Foundation

/// A log of recurrent events summarised as evidence items: for each unit class and each event
/// kind, the count of events with the exposure they came from (the summed observation windows of
/// that class's units) and, for a timestamped log, the calendar window. The format is the one the
/// evidence (issue 25) reads; docs/fitting.md documents it:
///
/// ```yaml
/// fleet: my-fleet
/// source: my-telemetry
/// items:
///   - name: port-contamination
///     counted: failures
///     part: pluggable-800g-dr8
///     mode: contamination
///     count: 12
///     exposure: {unit_hours: 3100000}
///     window: {from: 2026-01-01, to: 2026-04-01}
/// ```
public struct RecurrentEvidence: Sendable, Equatable {
  /// One evidence item: a count of events with its exposure.
  public struct Item: Sendable, Equatable {
    /// The item's name (`port-contamination`).
    public let name: String
    /// The catalog part the units are.
    public let part: String
    /// Nil: every event of the part (a log that names no modes).
    public let mode: String?
    /// Events counted.
    public let count: Int
    /// The exposure: the summed observation windows of the class's units, in unit-hours.
    public let unitHours: Double
    /// The calendar window's start, for a timestamped log.
    public let from: Date?
    /// The calendar window's end, for a timestamped log.
    public let to: Date?
  }

  /// Why a log cannot be summarised as evidence.
  public enum EvidenceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Events without a mode in a log that names modes (`lines` where they are).
    case eventsWithoutMode(file: String, lines: [Int])

    public var description: String {
      switch self {
      case let .eventsWithoutMode(file, lines):
        let shown = lines.prefix(5).map(String.init).joined(separator: ", ") + (lines.count > 5 ? ", ..." : "")
        return "\(ModeCatalog.printable(file)): \(lines.count) event\(lines.count == 1 ? " has" : "s have") no mode (line\(lines.count == 1 ? "" : "s") \(shown)) in a log that names modes, so no evidence item can say what \(lines.count == 1 ? "it" : "they") counted; give every event a mode, or none"
      }
    }
  }

  /// The fleet the log is of (`--fleet`).
  public let fleet: String
  /// The source key of the items (`--source`).
  public let source: String
  /// One item per unit class and mode, in sorted order.
  public let items: [Item]

  /// The items of `log`: one per unit class (or `part` for every unit when given; the log's own
  /// classes otherwise, and `defaultPart` for units without one) and mode, classes and modes in
  /// sorted order, every mode of the log for every class (a count of 0 is evidence too).
  /// - Parameters:
  ///   - log: the event log read by ``RecurrentLog``.
  ///   - fleet: the fleet's name, carried into each item (fleets differ: ``Inference``).
  ///   - source: where the log comes from (a SOURCES.md key or a citation), carried into each item.
  ///   - part: the catalog part every unit is, or nil to use the log's unit classes.
  ///   - defaultPart: the part of units the log gives no class.
  ///   - mode: only this kind of event (`--mode`); nil for every kind of the log.
  ///   - unitClass: only the units of this class (`--class`); nil for every unit.
  /// - Throws: `EvidenceError` when some events have a mode and others do not (and no `mode` is
  ///   chosen, which would leave them out anyway).
  public init(log: RecurrentLog, fleet: String, source: String, part: String?, defaultPart: String,
              mode: String? = nil, unitClass: String? = nil) throws(EvidenceError) {
    if mode == nil {
      let missing = log.modes.isEmpty ? [] : log.units.filter { unitClass == nil || $0.unitClass == unitClass }
        .flatMap { $0.events.filter { $0.mode == nil } }
      if !missing.isEmpty { throw .eventsWithoutMode(file: log.file, lines: missing.map(\.line).sorted()) }
    }
    self.fleet = fleet
    self.source = source
    var groups: [String: [RecurrentLog.Unit]] = [:]
    for unit in log.units where unitClass == nil || unit.unitClass == unitClass {
      groups[part ?? unit.unitClass ?? defaultPart, default: []].append(unit)
    }
    let modes: [String?] = mode.map { [$0] } ?? (log.modes.isEmpty ? [nil] : log.modes.map { $0 })
    var names: Set<String> = []
    var items: [Item] = []
    for (name, units) in groups.sorted(by: { $0.key < $1.key }) {
      let exposure = units.reduce(0.0) { $0 + ($1.exit - $1.entry) }
      let from = units.compactMap(\.entered).min(), to = units.compactMap(\.exited).max()
      for mode in modes {
        let count = units.reduce(0) { $0 + $1.events.count { mode == nil || $0.mode == mode } }
        var base = ModeCatalog.kebab([name, mode].compactMap { $0 }.joined(separator: "-"))
        if base.isEmpty { base = "item" }
        var unique = base, k = 2
        while names.contains(unique) { unique = "\(base)-\(k)"; k += 1 }
        names.insert(unique)
        items.append(Item(name: unique, part: name, mode: mode, count: count, unitHours: exposure, from: from, to: to))
      }
    }
    self.items = items
  }

  /// The YAML text.
  public var yaml: String {
    var lines = [
      "# evidence from a log of recurrent events (cposim recurrent --evidence); format: docs/fitting.md",
      "fleet: \(Self.scalar(fleet))",
      "source: \(Self.scalar(source))",
      "items:",
    ]
    for item in items {
      lines.append("  - name: \(Self.scalar(item.name))")
      lines.append("    counted: failures")
      lines.append("    part: \(Self.scalar(item.part))")
      // Every item has every key: `null` says "every event of the part" (mode) or "no calendar" (window).
      lines.append("    mode: \(item.mode.map(Self.scalar) ?? "null")")
      lines.append("    count: \(item.count)")
      lines.append("    exposure: {unit_hours: \(Self.number(item.unitHours))}")
      if let from = item.from, let to = item.to {
        lines.append("    window: {from: \(Self.moment(from)), to: \(Self.moment(to))}")
      } else {
        lines.append("    window: null")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// A YAML scalar that reads back as `text` (``YAMLText/scalar(_:)``).
  static func scalar(_ text: String) -> String { YAMLText.scalar(text) }

  /// Unit-hours as a plain number: whole when it is, else up to 10 significant digits.
  static func number(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return String(format: "%.10g", x)
  }

  /// A date at midnight UTC as YYYY-MM-DD, any other moment as an ISO 8601 timestamp.
  static func moment(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    let full = formatter.string(from: date)
    return full.hasSuffix("T00:00:00Z") ? String(full.prefix(10)) : full
  }
}
