import Foundation

/// A field failure log: one row per unit, with its time on test and whether it failed.
///
/// CSV with a header row. Columns:
/// - `id` (required): the unit;
/// - the time on test, one of: `hours` (a number of hours), `time` (a duration with a unit,
///   such as `1200h` or `2.5y`), or `installed` and `removed` (ISO 8601 timestamps, such as
///   `2024-03-01T08:00:00Z` or `2024-03-01`);
/// - `failed` (required): `true`/`false`, `yes`/`no` or `1`/`0`; a unit that did not fail is
///   right-censored at its time on test (still running, or removed for another reason);
/// - `mode` (optional): the failure mode, to fit one mode at a time.
/// Blank lines and lines starting with `#` are ignored, so a file can say where it came from.
public struct FieldLog: Sendable, Equatable {
  public struct Row: Sendable, Equatable {
    public let line: Int
    public let id: String
    public let hours: Hours
    public let failed: Bool
    public let mode: String?
  }

  public let file: String
  public let rows: [Row]

  static let columns = ["id", "hours", "time", "installed", "removed", "failed", "mode"]

  public init(file: String, rows: [Row]) {
    self.file = file
    self.rows = rows
  }

  /// Reads a log, reporting every bad row (with its line number) at once.
  public static func read(path: String) throws(InputErrors) -> FieldLog {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw InputErrors([InputError(file: path, line: nil, column: nil, keyPath: "", message: "no such file")])
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw InputErrors([InputError(file: path, line: nil, column: nil, keyPath: "", message: "cannot read the file as UTF-8 text")])
    }
    return try parse(text, file: path)
  }

  public static func parse(_ text: String, file: String) throws(InputErrors) -> FieldLog {
    var errors: [InputError] = []
    func fail(_ line: Int, _ field: String, _ message: String) {
      errors.append(InputError(file: file, line: line, column: nil, keyPath: field, message: message))
    }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
    var header: [String]?
    var rows: [Row] = []
    var ids: [String: Int] = [:]
    let iso = ISO8601DateFormatter()
    let isoDate = ISO8601DateFormatter()
    isoDate.formatOptions = [.withFullDate]

    for (offset, raw) in lines.enumerated() {
      let number = offset + 1
      let trimmed = raw.trimmingWhitespace()
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      let fields: [String]
      do { fields = try splitCSV(raw) } catch {
        fail(number, "", "malformed CSV: \(error.message)")
        continue
      }
      guard let columns = header else {
        let names = fields.map { $0.trimmingWhitespace().lowercased() }
        for name in names where !Self.columns.contains(name) {
          fail(number, name, "unknown column '\(name)'\(Suggestion.hint(for: name, in: Self.columns)); columns: \(Self.columns.joined(separator: ", "))")
        }
        for required in ["id", "failed"] where !names.contains(required) { fail(number, required, "missing column '\(required)'") }
        let timeColumns = ["hours", "time"].filter(names.contains).count + (names.contains("installed") && names.contains("removed") ? 1 : 0)
        if timeColumns != 1 {
          fail(number, "hours", "give the time on test as exactly one of: an 'hours' column, a 'time' column, or 'installed' and 'removed' columns")
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
      let id = value["id"] ?? ""
      var ok = true
      if id.isEmpty { fail(number, "id", "is empty"); ok = false }
      if let first = ids[id], !id.isEmpty { fail(number, "id", "'\(id)' already appears on line \(first)"); ok = false }
      var hours: Double?
      if let text = value["hours"] {
        if let h = Double(text), h.isFinite { hours = h } else { fail(number, "hours", "must be a number of hours (got '\(text)')"); ok = false }
      } else if let text = value["time"] {
        do { hours = try Units.hours(from: text) } catch { fail(number, "time", error.description); ok = false }
      } else if let start = value["installed"], let end = value["removed"] {
        let a = iso.date(from: start) ?? isoDate.date(from: start), b = iso.date(from: end) ?? isoDate.date(from: end)
        if a == nil { fail(number, "installed", "must be an ISO 8601 time such as 2024-03-01T08:00:00Z (got '\(start)')"); ok = false }
        if b == nil { fail(number, "removed", "must be an ISO 8601 time such as 2024-03-01T08:00:00Z (got '\(end)')"); ok = false }
        if let a, let b { hours = b.timeIntervalSince(a) / 3600 }
      }
      if let h = hours, h < 0 {
        fail(number, value["hours"] != nil ? "hours" : (value["time"] != nil ? "time" : "removed"), "time on test must not be negative (got \(formatted(h)) h)")
        ok = false
      }
      var failed: Bool?
      switch (value["failed"] ?? "").lowercased() {
      case "true", "yes", "1", "y", "t": failed = true
      case "false", "no", "0", "n", "f": failed = false
      default: fail(number, "failed", "must be true or false (got '\(value["failed"] ?? "")')"); ok = false
      }
      if failed == true, let h = hours, h == 0 { fail(number, "hours", "a failure at time 0 has no likelihood under these distributions"); ok = false }
      guard ok, let hours, let failed else { continue }
      ids[id] = number
      let mode = value["mode"].flatMap { $0.isEmpty ? nil : $0 }
      rows.append(Row(line: number, id: id, hours: hours, failed: failed, mode: mode))
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

  /// Failure times and censoring times for one failure mode (other modes count as censored at
  /// their time: competing risks), or for all failures when `mode` is nil.
  public func sample(mode: String? = nil) -> (failures: [Hours], censored: [Hours]) {
    var failures: [Hours] = [], censored: [Hours] = []
    for row in rows {
      if row.failed, mode == nil || row.mode == mode { failures.append(row.hours) } else { censored.append(row.hours) }
    }
    return (failures, censored)
  }
}
