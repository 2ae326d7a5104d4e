import Foundation
import ReliabilityKit

/// One kind of report the HTML renderer reads. Adding a kind is one file with a type that
/// conforms, plus its name in `HTMLReport.kinds`.
package protocol HTMLReportKind {
  /// The kind's name, as written in a report's `kind` field (`run`, `comparison`, ...).
  static var name: String { get }
  /// The `schema_version`s this renderer reads.
  static var schemaVersions: [Int] { get }
  /// Whether a report without a `kind` field has this kind's shape (reports of schema 1 carry
  /// no `kind`; newer kinds should write one).
  static func matches(_ json: ReportJSON) -> Bool
  /// Fields without which nothing can be drawn; a report that lacks one is refused.
  static var requiredFields: [String] { get }
  /// Draws the page. Optional fields that are missing skip their chart or table.
  static func render(_ json: ReportJSON, into page: inout HTMLPage)
}

/// A report the HTML renderer cannot read, with the message the user sees.
public enum ReportInputError: Error, Equatable, CustomStringConvertible {
  /// The file cannot be read (`reason` says why).
  case unreadable(file: String, reason: String)
  /// The file is not JSON (`reason` gives the syntax error).
  case notJSON(file: String, reason: String)
  /// The JSON is not a kind of report the renderer draws.
  case unknownKind(file: String, found: String)
  /// A report of a `schema_version` this build does not read.
  case unsupportedVersion(file: String, kind: String, version: String)
  /// A report without a field the page needs.
  case missingField(file: String, kind: String, field: String)
  /// A field the page reads does not have the type cposim writes there (an edited report).
  case wrongShape(file: String, kind: String, field: String, expected: String, found: String)
  /// A file larger than ``HTMLReport/maximumBytes``.
  case tooLarge(file: String, bytes: Int?, limit: Int)

  public var description: String {
    let reads = HTMLReport.readableSummary
    switch self {
    case let .unreadable(file, reason): return "\(file): cannot read it (\(reason))"
    case let .notJSON(file, reason): return "\(file): not JSON (\(reason)); cposim report reads \(reads)"
    case let .unknownKind(file, found):
      return "\(file): \(found) is not a report cposim report can draw; it reads \(reads)"
    case let .unsupportedVersion(file, kind, version):
      return "\(file): \(kind) report of schema_version \(version), which this cposim (\(ToolVersion.current)) does not read; it reads \(reads)"
    case let .missingField(file, kind, field):
      return "\(file): \(kind) report without '\(field)'; nothing to draw"
    case let .wrongShape(file, kind, field, expected, found):
      return "\(file): not a \(kind) report as cposim writes it (edited?): '\(field)' must be \(expected) (got \(found))"
    case let .tooLarge(file, bytes, limit):
      let size = bytes.map { "is \($0) bytes" } ?? "has more than \(limit) bytes"
      return "\(file): \(size); cposim report reads reports of at most \(limit) bytes (\(limit >> 20) MB; the reports cposim writes are far smaller)"
    }
  }
}

/// Renders cposim's JSON reports as one self-contained HTML file: verdict lines, tables with
/// intervals, inline SVG charts and provenance; no script, no external resource.
public enum HTMLReport {
  /// Every kind the renderer reads, in the order a report without a `kind` field is matched.
  package static var kinds: [any HTMLReportKind.Type] {
    [RunHTML.self, ComparisonHTML.self, SweepHTML.self, BreakevenHTML.self, SensitivityHTML.self, CalibrationHTML.self, RecurrentHTML.self, InferenceHTML.self]
  }

  /// `run, comparison, sweep, breakeven, sensitivity and calibration reports of schema_version 1`.
  public static var readableSummary: String {
    var groups: [(versions: String, names: [String])] = []
    for kind in kinds {
      let versions = kind.schemaVersions.map { String($0) }.joined(separator: " or ")
      if let i = groups.firstIndex(where: { $0.versions == versions }) {
        groups[i].names.append(kind.name)
      } else {
        groups.append((versions, [kind.name]))
      }
    }
    return groups.map { group in
      let names = group.names
      let list = names.count > 1 ? names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1] : names[0]
      return "\(list) reports of schema_version \(group.versions)"
    }.joined(separator: "; ")
  }

  /// Renders the report in `data` (read from `file`, named in messages).
  /// - Throws: `ReportInputError` when it is not JSON, not a kind the renderer reads, of a
  ///   schema version it does not read, or lacks a required field.
  public static func render(data: Data, file: String) throws(ReportInputError) -> String {
    let json: ReportJSON
    do {
      json = try ReportJSON.parse(data)
    } catch {
      throw .notJSON(file: file, reason: syntaxError(in: data) ?? describe(error))
    }
    guard json.object != nil else { throw .unknownKind(file: file, found: "a JSON \(shapeName(json))") }
    let kind = try identify(json, file: file)
    for field in kind.requiredFields where json[field] == nil || json[field]!.isNull {
      throw .missingField(file: file, kind: kind.name, field: field)
    }
    do { try ReportShape.kinds[kind.name]?.check(json) } catch {
      throw .wrongShape(file: file, kind: kind.name, field: error.path, expected: error.expected, found: error.found)
    }
    var page = HTMLPage(kind: kind.name, title: "\(kind.name) report")
    kind.render(json, into: &page)
    return page.html
  }

  /// The largest report `cposim report` reads: parsing takes about a second and 10 MB of
  /// memory per MB, and the reports cposim writes are well under a megabyte (a sweep of a
  /// thousand points is about 30 MB).
  public static let maximumBytes = 64 << 20

  /// Reads `path` (at most `maximumBytes`) and renders it.
  public static func render(file path: String) throws(ReportInputError) -> String {
    let data: Data
    do {
      data = try InputFile.read(path, limit: maximumBytes, what: "report (JSON) file")
    } catch {
      if case let .tooLarge(bytes, limit) = error { throw .tooLarge(file: path, bytes: bytes, limit: limit) }
      throw .unreadable(file: path, reason: error.reason)
    }
    return try render(data: data, file: path)
  }

  /// Renders a report cposim has just computed (for `--html`), through its JSON so that
  /// `--html` and `cposim report` write the same page.
  public static func render(_ report: some Encodable, file: String) throws -> String {
    try render(data: Data(JSONOutput.string(report).utf8), file: file)
  }

  /// Writes `html` to `path` as an `OutputFile`: atomically over a regular file (a failed
  /// render never leaves a half-written page), through a device, FIFO or symbolic link.
  public static func write(_ html: String, to path: String, option: String = "--html") throws {
    try OutputFile(path, option: option).write(Data(html.utf8))
  }

  static func identify(_ json: ReportJSON, file: String) throws(ReportInputError) -> any HTMLReportKind.Type {
    let version = json["schema_version"]
    let versionText = version.map { $0.int.map(String.init) ?? $0.text } ?? "(none)"
    if let declared = json["kind"] {
      guard let name = declared.string, let kind = kinds.first(where: { $0.name == name }) else {
        let found = declared.string.map { $0 == "cposim-partial" ? "a partial report (merge the shards first: cposim merge)" : "a report of kind '\($0)'" }
          ?? "a report whose kind is \(declared.text)"
        throw .unknownKind(file: file, found: found)
      }
      guard let v = version?.int, kind.schemaVersions.contains(v) else {
        throw .unsupportedVersion(file: file, kind: kind.name, version: versionText)
      }
      return kind
    }
    guard let kind = kinds.first(where: { $0.matches(json) }) else {
      throw .unknownKind(file: file, found: otherOutput(json))
    }
    guard let v = version?.int, kind.schemaVersions.contains(v) else {
      throw .unsupportedVersion(file: file, kind: kind.name, version: versionText)
    }
    return kind
  }

  /// Names the other outputs of cposim when it sees one.
  static func otherOutput(_ json: ReportJSON) -> String {
    if json["fits"] != nil { return "a fit (cposim fit --json)" }
    if json["distribution"] != nil, json["summary"] != nil { return "a sample (cposim sample --json)" }
    if json["fabric"] != nil || json["inventory"] != nil { return "a description (cposim describe --json)" }
    return "a JSON object of no kind it knows"
  }

  static func shapeName(_ json: ReportJSON) -> String {
    switch json {
    case .array: "array"
    case .string: "string"
    case .null: "null"
    case .bool: "boolean"
    default: "number"
    }
  }

  /// Where the JSON text goes wrong, as `invalid value near line 2, column 7`, from
  /// JSONSerialization's message (which gives a byte offset); nil when it has none.
  static func syntaxError(in data: Data) -> String? {
    do {
      _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
      return nil
    } catch {
      guard let message = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String else { return nil }
      guard let range = message.range(of: #"character (\d+)"#, options: .regularExpression),
            let offset = Int(message[range].split(separator: " ")[1]) else {
        let text = message.hasSuffix(".") ? String(message.dropLast()) : message
        return text.prefix(1).lowercased() + text.dropFirst()
      }
      let prefix = data.prefix(max(0, offset))
      let line = prefix.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
      let column = prefix.count - (prefix.lastIndex(of: 0x0A).map { $0 - prefix.startIndex + 1 } ?? 0) + 1
      let what = message[..<range.lowerBound].replacingOccurrences(of: " around", with: "").trimmingCharacters(in: .whitespaces)
      return "\(what.prefix(1).lowercased() + what.dropFirst()) near line \(line), column \(column)"
    }
  }

  static func describe(_ error: any Error) -> String {
    if let decoding = error as? DecodingError {
      switch decoding {
      case let .dataCorrupted(context):
        let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
        return underlying ?? context.debugDescription
      default: return "\(decoding)"
      }
    }
    return "\(error)"
  }
}
