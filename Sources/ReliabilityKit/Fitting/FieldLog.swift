import Foundation

/// A field failure log: one row per unit, with its age when observation started, what was seen
/// (a failure, survival to an age, or a failure found at an inspection) and the failure mode.
///
/// CSV with a header row (UTF-8, LF or CRLF line ends). Columns (docs/fitting.md has the full
/// reference):
/// - `id` (required): the unit, unique;
/// - the age at the end of observation, one of: `hours` (a number of hours), `time` (a duration
///   with a unit, such as `1200h` or `2.5y`), or `installed` and `removed` (ISO 8601 timestamps,
///   such as `2024-03-01T08:00:00Z` or `2024-03-01`);
/// - `failed` (required): `true`/`false`, `yes`/`no` or `1`/`0`; a unit that did not fail is
///   right-censored at its age;
/// - delayed entry (optional): `entered`, the age when observation started (hours or a duration),
///   or, with timestamps, `observed_from`, when observation started (age = observed_from −
///   installed, 0 for units installed later);
/// - inspections (optional): `failed_after` and `failed_before`, the ages (timestamps in a log of
///   timestamps) between which a failure happened; `failed_before` alone is a failure known only
///   to be before that age (left-censored); on such rows the end-of-observation value may be empty;
/// - `mode` (optional): the failure mode, to fit one mode at a time or each mode in turn.
/// Blank lines and lines starting with `#` are ignored, so a file can say where it came from.
public struct FieldLog: Sendable, Equatable {
  /// One row of the log: a unit's observation.
  public struct Row: Sendable, Equatable {
    /// The row's line in the file (1-based), for messages.
    public let line: Int
    /// The unit's id (`id` column), or empty.
    public let id: String
    /// What the row says about the unit's life (failed, censored, or within an interval).
    public let observation: LifeData.Observation
    /// The failure mode (`mode` column), or nil.
    public let mode: String?
  }

  /// The file, as named in messages.
  public let file: String
  /// The rows, in file order.
  public let rows: [Row]

  static let columns = ["id", "hours", "time", "installed", "removed", "failed", "mode",
                        "entered", "observed_from", "failed_after", "failed_before"]

  /// A log of `rows` read from `file`.
  public init(file: String, rows: [Row]) {
    self.file = file
    self.rows = rows
  }

  /// The failure modes named in the log, sorted.
  public var modes: [String] { Set(rows.compactMap(\.mode)).sorted() }

  /// Failures whose mode is not given, in a log that names modes.
  public var failuresWithoutMode: Int {
    modes.isEmpty ? 0 : rows.count { $0.observation.isFailure && $0.mode == nil }
  }

  /// Reads a log, reporting every bad row (with its line number) at once.
  public static func read(path: String) throws(InputErrors) -> FieldLog {
    func refuse(_ message: String) -> InputErrors { InputErrors([InputError(file: path, line: nil, column: nil, keyPath: "", message: message)]) }
    let data: Data
    do {
      data = try InputFile.read(path, limit: maximumBytes, what: "CSV file")
    } catch {
      throw refuse(error.reason)
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw refuse(data.isEmpty ? "is empty: a field log has a header line and a row per unit" : "cannot read the file as UTF-8 text")
    }
    return try parse(text, file: path)
  }

  /// The largest field log read (a million rows of id, hours and failed take about 25 MB).
  public static let maximumBytes = 64 << 20
  /// The most rows a log may have: fitting grows with them (a million rows took over two minutes).
  public static let maximumRows = 200_000
  /// The most fields a header may have (a log has at most \(columns.count) columns).
  static let maximumHeaderFields = 64

  // swiftlint:disable:next function_body_length cyclomatic_complexity
  /// Reads a log from CSV text (the columns above).
  /// - Throws: ``InputErrors``, every problem with its line and column name.
  public static func parse(_ text: String, file: String) throws(InputErrors) -> FieldLog {
    var errors: [InputError] = []
    func fail(_ line: Int, _ field: String, _ message: String) {
      errors.append(InputError(file: file, line: line, column: nil, keyPath: field, message: message))
    }
    // "\r\n" is a single Character in Swift, so split on every newline character, not on "\n".
    var body = Substring(text)
    if body.first == "\u{FEFF}" { body = body.dropFirst() }
    let lines = body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    var header: [String]?
    var rows: [Row] = []
    var ids: [String: Int] = [:]
    let iso = ISO8601DateFormatter()
    let isoDate = ISO8601DateFormatter()
    isoDate.formatOptions = [.withFullDate]
    func date(_ text: String) -> Date? { iso.date(from: text) ?? isoDate.date(from: text) }
    /// The form of each age column (bare hours or a duration), the same down the column.
    var ages = AgeColumns(wording: .init(first: "the column's first value", advice: "write every value of a column the same way"))

    for (offset, raw) in lines.enumerated() {
      let number = offset + 1
      let trimmed = String(raw).trimmingWhitespace()
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      if header == nil {
        // Counted before the line is split: a header of two million fields took 28 s and 420 MB.
        var commas = 0
        for byte in raw.utf8 where byte == UInt8(ascii: ",") {
          commas += 1
          if commas >= Self.maximumHeaderFields {
            throw InputErrors([InputError(file: file, line: number, column: nil, keyPath: "",
                                          message: "the header has more than \(Self.maximumHeaderFields) fields; a field log has at most \(Self.columns.count) columns: \(Self.columns.joined(separator: ", "))")])
          }
        }
      }
      let fields: [String]
      do { fields = try splitCSV(String(raw)) } catch {
        fail(number, "", "malformed CSV: \(error.message)")
        continue
      }
      guard let columns = header else {
        let names = fields.map { $0.trimmingWhitespace().lowercased() }
        var seen: [String: Int] = [:]
        for (index, name) in names.enumerated() {
          if let first = seen[name] {
            fail(number, name, "column '\(name)' appears twice (fields \(first + 1) and \(index + 1)); each column must appear once")
          } else {
            seen[name] = index
          }
        }
        // Unknown columns in one line, in the header's order (a Set listed them in another
        // order on every run, one line each).
        var unknown: [String] = []
        for name in names where !Self.columns.contains(name) && !unknown.contains(name) { unknown.append(name) }
        func hint(_ name: String) -> String {
          let hint = Suggestion.hint(for: name, in: Self.columns)
          if hint.isEmpty, ["unit", "exited", "unit_class"].contains(name) {
            return " (this looks like a log of recurrent events, one row per event: cposim recurrent reads it)"
          }
          return hint
        }
        if unknown.count == 1 {
          fail(number, unknown[0], "unknown column '\(unknown[0])'\(hint(unknown[0])); columns: \(Self.columns.joined(separator: ", "))")
        } else if !unknown.isEmpty {
          let listed = unknown.prefix(8).map { name in "'\(name)'" + hint(name) }.joined(separator: ", ")
          fail(number, "", "unknown columns \(listed)\(unknown.count > 8 ? " and \(unknown.count - 8) more" : ""); columns: \(Self.columns.joined(separator: ", "))")
        }
        for required in ["id", "failed"] where !names.contains(required) { fail(number, required, "missing column '\(required)'") }
        let stamps = names.contains("installed") && names.contains("removed")
        let timeColumns = ["hours", "time"].filter(names.contains).count + (stamps ? 1 : 0)
        if timeColumns != 1 {
          fail(number, "hours", "give the age at the end of observation as exactly one of: an 'hours' column, a 'time' column, or 'installed' and 'removed' columns")
        }
        if names.contains("observed_from"), !stamps {
          fail(number, "observed_from", "'observed_from' is a timestamp and needs 'installed' and 'removed' columns; give the age at entry in an 'entered' column instead")
        }
        if names.contains("observed_from"), names.contains("entered") {
          fail(number, "entered", "give delayed entry once: either 'entered' (an age) or 'observed_from' (a timestamp)")
        }
        if names.contains("failed_after"), !names.contains("failed_before") {
          fail(number, "failed_after", "'failed_after' needs a 'failed_before' column: the inspection that found the failure")
        }
        header = names
        if !errors.isEmpty { throw InputErrors(errors) }
        continue
      }
      guard rows.count < Self.maximumRows else {
        throw InputErrors([InputError(file: file, line: number, column: nil, keyPath: "",
                                      message: "more than \(Self.maximumRows) rows; cposim fits logs of at most that many units (fitting grows with the rows): fit a sample of the units, or one log per population")])
      }
      guard fields.count == columns.count else {
        fail(number, "", "expected \(columns.count) fields (\(columns.joined(separator: ", "))), got \(fields.count)")
        continue
      }
      var value: [String: String] = [:]
      for (name, field) in zip(columns, fields) { value[name] = field.trimmingWhitespace() }
      func given(_ name: String) -> String? { value[name].flatMap { $0.isEmpty ? nil : $0 } }
      let id = value["id"] ?? ""
      var ok = true
      func bad(_ field: String, _ message: String) { fail(number, field, message); ok = false }
      if id.isEmpty { bad("id", "is empty") }
      if let first = ids[id], !id.isEmpty { bad("id", "'\(id)' already appears on line \(first)") }

      let stamps = columns.contains("installed")
      let installed: Date? = stamps ? given("installed").flatMap(date) : nil
      /// An age in a log of ages: a bare number of hours or a duration, the same form down a column.
      func age(_ name: String, _ text: String) -> Hours? {
        switch ages.hours(text, column: name, line: number) {
        case .success(let hours): return hours
        case .failure(let error): bad(name, error.message); return nil
        }
      }
      /// An age given as a timestamp in a log of timestamps: hours since `installed`.
      func stampAge(_ name: String, _ text: String) -> Hours? {
        guard let moment = date(text) else {
          bad(name, "must be an ISO 8601 time such as 2024-03-01T08:00:00Z (got '\(text)')")
          return nil
        }
        guard let installed else { return nil }
        return moment.timeIntervalSince(installed) / 3600
      }

      // The age at the end of observation.
      var end: Hours?
      let endField = stamps ? "removed" : (columns.contains("hours") ? "hours" : "time")
      if stamps {
        if let start = given("installed") {
          if installed == nil { bad("installed", "must be an ISO 8601 time such as 2024-03-01T08:00:00Z (got '\(start)')") }
        } else {
          bad("installed", columns.contains("observed_from")
              ? "entry without an age: 'installed' is empty, so the unit's age at 'observed_from' is unknown"
              : "is empty: the unit's installation time gives its age")
        }
        if let stop = given("removed") { end = stampAge("removed", stop) }
      } else if let text = given("hours") {
        if let h = Double(text), h.isFinite { end = h } else { bad("hours", "must be a number of hours (got '\(text)')") }
      } else if let text = given("time") {
        do { end = try Units.hours(from: text) } catch { bad("time", error.description) }
      }

      // Delayed entry.
      var entry: Hours = 0
      if columns.contains("entered") {
        if let text = given("entered") {
          entry = age("entered", text) ?? 0
        } else {
          bad("entered", "entry without an age: give the unit's age when observation started (0 for a unit observed since new)")
        }
      } else if let text = given("observed_from") {
        if let a = stampAge("observed_from", text) { entry = max(0, a) }
      }

      // Inspections.
      var after: Hours?, before: Hours?
      if let text = given("failed_after") { after = stamps ? stampAge("failed_after", text) : age("failed_after", text) }
      if let text = given("failed_before") { before = stamps ? stampAge("failed_before", text) : age("failed_before", text) }
      let inspected = given("failed_after") != nil || given("failed_before") != nil

      var failed: Bool?
      switch (value["failed"] ?? "").lowercased() {
      case "true", "yes", "1", "y", "t": failed = true
      case "false", "no", "0", "n", "f": failed = false
      default: bad("failed", "must be true or false (got '\(value["failed"] ?? "")')")
      }

      var outcome: LifeData.Outcome?
      if inspected {
        if failed == false {
          bad("failed", "'failed_before' is given, so the unit failed: 'failed' must be true (got '\(value["failed"] ?? "")')")
        }
        if given("failed_before") == nil {
          bad("failed_after", "a failure found after \(value["failed_after"] ?? "") needs 'failed_before', the inspection that found it; a unit still working then is censored (failed false)")
        }
        if let l = after, let u = before, l > u {
          bad("failed_after", "interval with lower above upper: failed_after \(formatted(l)) h is after failed_before \(formatted(u)) h")
        } else if let l = after, l < 0 {
          bad("failed_after", "is before installation (age \(formatted(l)) h)")
        } else if let u = before {
          if u <= entry {
            bad("failed_before", "a failure before entry: failed before age \(formatted(u)) h, but observation started at age \(formatted(entry)) h")
          } else if let e = end, e < u {
            bad(endField, "the unit left observation at age \(formatted(e)) h, before the inspection that found its failure (\(formatted(u)) h)")
          } else if let l = after {
            outcome = l == u ? .failed(at: u) : .failedBetween(after: l, before: u)
          } else if ok {
            outcome = .failedBefore(u)
          }
        }
      } else if let h = end {
        if h < 0 {
          bad(endField, "age at the end of observation must not be negative (got \(formatted(h)) h)")
        } else if h < entry {
          bad(endField, failed == true
              ? "a failure before entry: failed at age \(formatted(h)) h, but observation started at age \(formatted(entry)) h"
              : "left observation at age \(formatted(h)) h, before it started (age \(formatted(entry)) h)")
        } else if failed == true, h == 0 {
          bad(endField, "a failure at age 0 has no likelihood under these distributions")
        } else if let failed {
          outcome = failed ? .failed(at: h) : .censored(at: h)
        }
      } else if ok {
        bad(endField, "is empty: give the age at the end of observation (or failed_before for a failure found at an inspection)")
      }
      guard ok, let outcome else { continue }
      ids[id] = number
      let mode = value["mode"].flatMap { $0.isEmpty ? nil : $0 }
      rows.append(Row(line: number, id: id, observation: .init(entry: entry, outcome), mode: mode))
    }
    if header == nil { fail(1, "", "the file is empty: expected a header row such as id,hours,failed,mode") }
    if !errors.isEmpty { throw InputErrors(errors) }
    return FieldLog(file: file, rows: rows)
  }

  struct CSVError: Error { let message: String }

  /// Splits one CSV line (RFC 4180 quoting within a line).
  static func splitCSV(_ line: String) throws(CSVError) -> [String] {
    var fields: [String] = [], current = "", quoted = false, wasQuoted = false
    var characters = Array(line)[...]
    while let c = characters.popFirst() {
      if quoted {
        if c == "\"" {
          if characters.first == "\"" { current.append("\""); characters.removeFirst() } else { quoted = false }
        } else { current.append(c) }
      } else if c == "," {
        fields.append(current); current = ""; wasQuoted = false
      } else if c == "\"" {
        guard current.trimmingWhitespace().isEmpty, !wasQuoted else { throw CSVError(message: "a quote inside an unquoted field") }
        current = ""; quoted = true; wasQuoted = true
      } else {
        current.append(c)
      }
    }
    if quoted { throw CSVError(message: "unterminated quoted field") }
    fields.append(current)
    return fields
  }

  /// The life data for one failure mode, or for every failure when `mode` is nil.
  ///
  /// For one mode, the failures of other modes are competing risks: such a unit is censored at
  /// the last age it is known to have been free of this mode, its failure age, or for a failure
  /// found at an inspection the lower end of the interval (entry for a left-censored one).
  public func data(mode: String? = nil) -> LifeData {
    LifeData(rows.map { row in
      let o = row.observation
      guard let mode, o.isFailure, row.mode != mode else { return o }
      return .init(entry: o.entry, .censored(at: o.interval.lower))
    })
  }

  /// Failure and censoring ages for one mode (right-censored logs observed from new).
  public func sample(mode: String? = nil) -> (failures: [Hours], censored: [Hours]) {
    var failures: [Hours] = [], censored: [Hours] = []
    for o in data(mode: mode).observations {
      switch o.outcome {
      case let .failed(t): failures.append(t)
      case let .censored(t): censored.append(t)
      default: break
      }
    }
    return (failures, censored)
  }
}
