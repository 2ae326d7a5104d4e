import Foundation

/// A log of recurrent events on repairable units: each unit is observed over a window of its age
/// (entry, exit] and every failure in that window is an event with its age and its kind (mode).
///
/// CSV with a header row (UTF-8, LF or CRLF line ends; blank lines and lines starting with `#`
/// are ignored). One row per event; a unit with no event has one row with an empty `time`. Columns
/// (docs/fitting.md has the reference):
/// - `unit` (required): the unit (a port, a link, a board position);
/// - `entered`, `exited` (required): the unit's observation window, ages in hours or durations
///   (`0`, `1200`, `2.5y`), or ISO 8601 timestamps (`2024-03-01`, `2024-03-01T08:00:00Z`); every row
///   of a unit repeats them, or leaves them empty after its first row;
/// - `time` (required column): the event's age or timestamp; empty on the row of a unit without events;
/// - `installed` (optional, timestamps only): when the unit was new; ages are counted from it. Without
///   it, a timestamped log counts each unit's age from its entry (new when it entered observation);
/// - `mode` (optional): the kind of event (failure mode);
/// - `unit_class` (optional): the kind of unit (a part id), for the evidence and `--class`.
public struct RecurrentLog: Sendable, Equatable {
  /// One event: the unit's age when it happened, its kind, and the line it came from.
  public struct Event: Sendable, Equatable {
    /// The unit's age at the event, in hours.
    public let age: Hours
    /// The event's kind (`mode` column), or nil.
    public let mode: String?
    /// The line of the CSV it came from.
    public let line: Int
    /// When it happened, when the log gives timestamps.
    public let moment: Date?
  }

  /// One unit with its observation window (ages) and its events in age order.
  public struct Unit: Sendable, Equatable {
    /// The unit's id (`unit` column).
    public let id: String
    /// The kind of unit (`unit_class` column), or nil.
    public let unitClass: String?
    /// Age at the start and at the end of observation, hours.
    public let entry: Hours
    /// Age at the end of observation, in hours.
    public let exit: Hours
    /// The window as timestamps, when the log gives timestamps.
    public let entered: Date?
    /// The end of the window as a timestamp, when the log gives timestamps.
    public let exited: Date?
    /// The line of the unit's first row.
    public let line: Int
    /// The unit's events, in age order (then line order).
    public internal(set) var events: [Event]

    /// Whether observation stopped at an event (failure-truncated): the last event is at exit.
    public var failureTruncated: Bool { events.last.map { $0.age == exit } ?? false }
  }

  /// How the ages were given.
  public enum Clock: String, Sendable, Equatable {
    /// Ages in hours or durations.
    case ages
    /// Timestamps, ages counted from `installed`.
    case installed
    /// Timestamps without `installed`: ages counted from entry.
    case entered
  }

  /// The file the log was read from.
  public let file: String
  /// Every unit, in the order of their first rows.
  public let units: [Unit]
  /// How the ages were given.
  public let clock: Clock

  static let columns = ["unit", "unit_class", "installed", "entered", "exited", "time", "mode"]

  /// A log of `units` read from `file`, with ages given as `clock` says.
  public init(file: String, units: [Unit], clock: Clock) {
    self.file = file
    self.units = units
    self.clock = clock
  }

  /// The event kinds named in the log, sorted.
  public var modes: [String] { Set(units.flatMap { $0.events.compactMap(\.mode) }).sorted() }

  /// The unit classes named in the log, sorted.
  public var classes: [String] { Set(units.compactMap(\.unitClass)).sorted() }

  /// Events without a mode, in a log that names modes.
  public var eventsWithoutMode: [Event] {
    modes.isEmpty ? [] : units.flatMap { $0.events.filter { $0.mode == nil } }
  }

  /// Events of every unit.
  public var eventCount: Int { units.reduce(0) { $0 + $1.events.count } }

  /// The data to analyse: the units of one class (all when nil), counting the events of one mode
  /// (all when nil), without the units named in `excluding`.
  ///
  /// Events of other modes are not counted, and the unit stays at risk: repairs take no time on
  /// the scale of the ages.
  public func data(mode: String? = nil, unitClass: String? = nil, excluding: Set<String> = []) -> RecurrentData {
    RecurrentData(units: units.compactMap { unit in
      if let unitClass, unit.unitClass != unitClass { return nil }
      if excluding.contains(unit.id) { return nil }
      let ages = unit.events.filter { mode == nil || $0.mode == mode }.map(\.age)
      return RecurrentData.Unit(id: unit.id, entry: unit.entry, exit: unit.exit, events: ages)
    })
  }

  /// Reads a log, reporting every bad row (with its line number) at once.
  public static func read(path: String) throws(InputErrors) -> RecurrentLog {
    func refuse(_ message: String) -> InputErrors { InputErrors([InputError(file: path, line: nil, column: nil, keyPath: "", message: message)]) }
    // Through the bounded reader, as the lifetime log: a FIFO with no writer never blocks, and
    // nothing larger than FieldLog.maximumBytes is read.
    let data: Data
    do {
      data = try InputFile.read(path, limit: FieldLog.maximumBytes, what: "CSV file")
    } catch {
      throw refuse(error.reason)
    }
    guard let text = String(data: data, encoding: .utf8) else { throw refuse("cannot read the file as UTF-8 text") }
    return try parse(text, file: path)
  }

  // swiftlint:disable:next function_body_length cyclomatic_complexity
  /// Parses the CSV `text` (read from `file`, named in messages); every problem is reported at once in `InputErrors`, each naming the file, line, column and value.
  public static func parse(_ text: String, file: String) throws(InputErrors) -> RecurrentLog {
    var errors: [InputError] = []
    func fail(_ line: Int, _ field: String, _ message: String) {
      errors.append(InputError(file: file, line: line, column: nil, keyPath: field, message: message))
    }
    var body = Substring(text)
    if body.first == "\u{FEFF}" { body = body.dropFirst() }
    let lines = body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    var header: [String]?
    let iso = ISO8601DateFormatter()
    let isoDate = ISO8601DateFormatter()
    isoDate.formatOptions = [.withFullDate]
    func date(_ text: String) -> Date? { iso.date(from: text) ?? isoDate.date(from: text) }
    /// Timestamps or ages, decided by the first `exited` value (and its line).
    var stamps: (yes: Bool, line: Int)?
    /// The form of the ages (bare hours or a duration), the same throughout the log.
    var ages = AgeColumns(wording: .init(first: "the first age of the log", advice: "write every age the same way"))

    struct Pending {
      var id: String
      var unitClass: String?
      var installed: String?
      var entered: String
      var exited: String
      var entry: Hours
      var exit: Hours
      var enteredDate: Date?
      var exitedDate: Date?
      var origin: Date?
      var line: Int
      var events: [Event] = []
    }
    var units: [Pending] = []
    var index: [String: Int] = [:]

    for (offset, raw) in lines.enumerated() {
      let number = offset + 1
      let trimmed = String(raw).trimmingWhitespace()
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      let fields: [String]
      do { fields = try FieldLog.splitCSV(String(raw)) } catch {
        fail(number, "", "malformed CSV: \(error.message)")
        continue
      }
      guard let columns = header else {
        let names = fields.map { $0.trimmingWhitespace().lowercased() }
        var seen: [String: Int] = [:]
        for (position, name) in names.enumerated() {
          if let first = seen[name] {
            fail(number, name, "column '\(name)' appears twice (fields \(first + 1) and \(position + 1)); each column must appear once")
          } else {
            seen[name] = position
          }
        }
        for (position, name) in names.enumerated() where !Self.columns.contains(name) && names.firstIndex(of: name) == position {
          var hint = Suggestion.hint(for: name, in: Self.columns)
          if hint.isEmpty, ["id", "hours", "failed", "removed"].contains(name) {
            hint = " (this looks like a lifetime log for cposim fit, one row per unit; cposim recurrent reads one row per event)"
          }
          fail(number, name, "unknown column '\(name)'\(hint); columns: \(Self.columns.joined(separator: ", "))")
        }
        for required in ["unit", "entered", "exited", "time"] where !names.contains(required) {
          fail(number, required, "missing column '\(required)'")
        }
        header = names
        if !errors.isEmpty { throw InputErrors(errors) }
        continue
      }
      guard fields.count == columns.count else {
        fail(number, "", "expected \(columns.count) fields (\(columns.joined(separator: ", "))), got \(fields.count)")
        continue
      }
      var value: [String: String] = [:]
      for (name, field) in zip(columns, fields) { value[name] = field.trimmingWhitespace() }
      func given(_ name: String) -> String? { value[name].flatMap { $0.isEmpty ? nil : $0 } }
      var ok = true
      func bad(_ field: String, _ message: String) { fail(number, field, message); ok = false }

      guard let id = given("unit") else {
        bad("unit", "is empty")
        continue
      }
      if stamps == nil, let exited = given("exited") {
        stamps = (date(exited) != nil, number)
      }
      let timestamps = stamps?.yes ?? false
      if !timestamps, given("installed") != nil, stamps != nil {
        bad("installed", "'installed' is a timestamp, but this log gives ages (the first 'exited', line \(stamps!.line), is an age); give ages from new in 'entered', 'exited' and 'time'")
      }

      /// An age: a bare number of hours or a duration, the same form down a column.
      func age(_ name: String, _ text: String) -> Hours? {
        if date(text) != nil {
          bad(name, "'\(text)' is a timestamp, but this log gives ages (the first 'exited', line \(stamps?.line ?? number), is an age); write every time the same way")
          return nil
        }
        let column = name == "exited" || name == "entered" || name == "time" ? "ages" : name
        switch ages.hours(text, column: column, line: number) {
        case .success(let hours): return hours
        case .failure(let error): bad(name, error.message); return nil
        }
      }
      /// A timestamp in a log of timestamps.
      func moment(_ name: String, _ text: String) -> Date? {
        guard let d = date(text) else {
          bad(name, "must be an ISO 8601 time such as 2024-03-01T08:00:00Z, as the log's first 'exited' (line \(stamps?.line ?? number)) is (got '\(text)')")
          return nil
        }
        return d
      }

      // The unit's window: from its first row, or checked against it.
      var unitIndex = index[id]
      if let u = unitIndex {
        let known = units[u]
        for (field, first) in [("entered", known.entered), ("exited", known.exited), ("installed", known.installed ?? ""),
                               ("unit_class", known.unitClass ?? "")] {
          if let text = given(field), text != first {
            bad(field, "unit '\(ModeCatalog.printable(id))' has \(field) '\(ModeCatalog.printable(first))' on line \(known.line) and '\(ModeCatalog.printable(text))' here; give each unit one window and class (or leave them empty after its first row)")
          }
        }
      } else {
        guard let enteredText = given("entered") else { bad("entered", "is empty: the first row of unit '\(ModeCatalog.printable(id))' must give its window (entered and exited)"); continue }
        guard let exitedText = given("exited") else { bad("exited", "is empty: the first row of unit '\(ModeCatalog.printable(id))' must give its window (entered and exited)"); continue }
        var entry: Hours?, exit: Hours?, enteredDate: Date?, exitedDate: Date?, origin: Date?
        if timestamps {
          enteredDate = moment("entered", enteredText)
          exitedDate = moment("exited", exitedText)
          if let installedText = given("installed") {
            origin = moment("installed", installedText)
          } else if columns.contains("installed") {
            bad("installed", "is empty: give when unit '\(ModeCatalog.printable(id))' was new (its ages are counted from it)")
          } else {
            origin = enteredDate
          }
          if let o = origin, let e = enteredDate, let x = exitedDate {
            entry = e.timeIntervalSince(o) / 3600
            exit = x.timeIntervalSince(o) / 3600
            if let a = entry, a < 0 { bad("entered", "is before the unit was installed (\(ModeCatalog.printable(given("installed") ?? "")))"); entry = nil }
          }
        } else {
          entry = age("entered", enteredText)
          exit = age("exited", exitedText)
        }
        if let a = entry, let b = exit {
          if b < a {
            bad("exited", "the window ends before it starts: exited \(timestamps ? exitedText : formatted(b) + " h") is before entered \(timestamps ? enteredText : formatted(a) + " h")")
          } else if b == a {
            bad("exited", "the window has zero length (entered and exited are both \(timestamps ? exitedText : formatted(b) + " h")): a unit must be observed for some time")
          } else if !b.isFinite || b > 1e12 {
            bad("exited", "an age of \(formatted(b)) h is beyond any unit's life (more than 1e12 h)")
          }
        }
        guard ok, let a = entry, let b = exit else { continue }
        units.append(Pending(id: id, unitClass: given("unit_class"), installed: given("installed"), entered: enteredText, exited: exitedText,
                             entry: a, exit: b, enteredDate: enteredDate, exitedDate: exitedDate, origin: origin, line: number))
        unitIndex = units.count - 1
        index[id] = unitIndex
      }
      guard let u = unitIndex else { continue }

      // The event, if any.
      let mode = given("mode")
      guard let timeText = given("time") else {
        if mode != nil { bad("time", "is empty, but 'mode' is '\(ModeCatalog.printable(mode!))': an event needs its time (a row without an event leaves both empty)") }
        continue
      }
      let unit = units[u]
      var eventAge: Hours?, eventDate: Date?
      if timestamps {
        if let d = moment("time", timeText), let o = unit.origin {
          eventDate = d
          eventAge = d.timeIntervalSince(o) / 3600
        }
      } else {
        eventAge = age("time", timeText)
      }
      guard let t = eventAge else { continue }
      let show: (Hours) -> String = { timestamps ? "" : "\(formatted($0)) h" }
      if t <= unit.entry {
        bad("time", "an event at or before entry: \(timestamps ? timeText : show(t)), but unit '\(ModeCatalog.printable(id))' entered observation at \(timestamps ? unit.entered : show(unit.entry)) (line \(unit.line)); an event must fall after entry, up to exit")
      } else if t > unit.exit {
        bad("time", "an event after exit: \(timestamps ? timeText : show(t)), but unit '\(ModeCatalog.printable(id))' left observation at \(timestamps ? unit.exited : show(unit.exit)) (line \(unit.line))")
      } else if ok {
        units[u].events.append(Event(age: t, mode: mode, line: number, moment: eventDate))
      }
    }
    if header == nil { fail(1, "", "the file is empty: expected a header row such as unit,entered,exited,time,mode") }
    if !errors.isEmpty { throw InputErrors(errors) }
    if units.isEmpty { throw InputErrors([InputError(file: file, line: nil, column: nil, keyPath: "", message: "no units: the log has a header but no rows")]) }
    let clock: Clock = !(stamps?.yes ?? false) ? .ages : ((header ?? []).contains("installed") ? .installed : .entered)
    return RecurrentLog(file: file, units: units.map { p in
      Unit(id: p.id, unitClass: p.unitClass, entry: p.entry, exit: p.exit, entered: p.enteredDate, exited: p.exitedDate, line: p.line,
           events: p.events.sorted { ($0.age, $0.line) < ($1.age, $1.line) })
    }, clock: clock)
  }
}

/// Recurrent-event data ready to analyse: units with their observation windows (entry, exit] and
/// the ages of their events in that window, in hours.
public struct RecurrentData: Sendable, Equatable {
  /// One unit: its observation window and its event ages.
  public struct Unit: Sendable, Equatable {
    /// The unit's id.
    public let id: String
    /// Age at the start of observation, in hours.
    public let entry: Hours
    /// Age at the end of observation, in hours.
    public let exit: Hours
    /// Ages of the events, sorted, each in (entry, exit].
    public let events: [Hours]

    /// A unit observed over (`entry`, `exit`] with events at `events` (sorted here).
    public init(id: String, entry: Hours, exit: Hours, events: [Hours]) {
      self.id = id
      self.entry = entry
      self.exit = exit
      self.events = events.sorted()
    }

    /// Whether observation stopped at an event (failure-truncated).
    public var failureTruncated: Bool { events.last == exit }
  }

  /// The units.
  public let units: [Unit]

  /// Data of `units`.
  public init(units: [Unit]) { self.units = units }

  /// Events of every unit.
  public var eventCount: Int { units.reduce(0) { $0 + $1.events.count } }

  /// Summed observation windows, unit-hours.
  public var exposure: Hours { units.reduce(0) { $0 + ($1.exit - $1.entry) } }

  /// Units that entered observation after age 0.
  public var delayedEntries: Int { units.count { $0.entry > 0 } }

  /// Units whose observation ended at an event.
  public var failureTruncatedUnits: Int { units.count(where: \.failureTruncated) }

  /// The youngest entry and the oldest exit.
  public var ageRange: ClosedRange<Hours> {
    (units.map(\.entry).min() ?? 0)...(units.map(\.exit).max() ?? 0)
  }
}
