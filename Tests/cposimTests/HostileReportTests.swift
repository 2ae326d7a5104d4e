import Foundation
import Testing
@testable import cposim
import ReliabilityKit
import ReportPages

/// Issue 27: `cposim report` on reports a careless or hostile hand has edited.
@Suite("Hostile input: reports")
struct HostileReportTests {
  static let wholeNumbers: Set<String> = ["schema_version", "n", "count", "trials", "seed", "block_size"]

  /// `json` with every number replaced, alternately, by 1e308 and -1e308 (counts and versions kept).
  static func extreme(_ data: Data) throws -> Data {
    var sign = 1.0
    func text(_ value: ReportJSON, key: String?) -> String {
      switch value {
      case .null: return "null"
      case let .bool(b): return b ? "true" : "false"
      case .integer, .unsigned, .number:
        // Counts stay counts (a count of 1e308 is refused as not a whole number).
        if let key, Self.wholeNumbers.contains(key) { return value.text }
        sign = -sign
        return sign > 0 ? "1e308" : "-1e308"
      case let .string(s): return String(decoding: try! JSONEncoder().encode(s), as: UTF8.self)
      case let .array(a): return "[" + a.map { text($0, key: nil) }.joined(separator: ",") + "]"
      case let .object(o):
        return "{" + o.keys.sorted().map { k in String(decoding: try! JSONEncoder().encode(k), as: UTF8.self) + ":" + text(o[k]!, key: k) }
          .joined(separator: ",") + "}"
      }
    }
    return Data(text(try ReportJSON.parse(data), key: nil).utf8)
  }

  @Test("every kind of report whose numbers span -1e308..1e308 renders in well under a minute, without allocating for the range")
  func extremeNumbers() throws {
    let dir = Workspace()
    for page in try HTMLReportTests.pages() {
      let input = dir.path("\(page.kind).json")
      try Self.extreme(page.data).write(to: URL(fileURLWithPath: input))
      let result = try SpecialFileTests.runBinary(["report", input, "-o", dir.path("\(page.kind).html")], deadline: 60)
      let (status, errors) = try #require(result, "\(page.kind): still running after 60 s")
      #expect(status == 0, "\(page.kind): exit \(status): \(errors)")
      let html = try String(contentsOfFile: dir.path("\(page.kind).html"), encoding: .utf8)
      // No coordinate of the charts is out of range (the canvas drops non-finite ones; none may be written).
      #expect(html.contains("<svg") && html.range(of: "=\"-?(nan|inf)", options: [.regularExpression, .caseInsensitive]) == nil, "\(page.kind)")
    }
  }

  /// `data` (a JSON object) with the value at `path` (keys, and indices in lists) replaced by `value`.
  static func edit(_ data: Data, _ path: [Any], to value: Any) throws -> Data {
    func set(_ node: Any, _ path: ArraySlice<Any>) -> Any {
      guard let first = path.first else { return value }
      if let key = first as? String, var object = node as? [String: Any] {
        object[key] = set(object[key] as Any, path.dropFirst())
        return object
      }
      if let index = first as? Int, var array = node as? [Any] {
        array[index] = set(array[index], path.dropFirst())
        return array
      }
      return node
    }
    return try JSONSerialization.data(withJSONObject: set(try JSONSerialization.jsonObject(with: data), path[...]))
  }

  @Test("a report with a field of the wrong type is refused, naming the field, instead of drawn as an empty page")
  func wrongTypes() throws {
    let pages = Dictionary(uniqueKeysWithValues: try HTMLReportTests.pages().map { ($0.kind, $0.data) })
    let cases: [(kind: String, path: [Any], value: Any, message: String)] = [
      ("run", ["metrics", "link_availability", "mean"], "0.99", "'metrics.link_availability.mean' must be a number (got a string)"),
      ("run", ["histograms", "failures"], 5, "'histograms.failures' must be a list (got a whole number)"),
      ("run", ["metrics", "failures", "n"], 2.5, "'metrics.failures.n' must be a whole number (got a number)"),
      ("comparison", ["scenarios", "small-cpo"], 3, "'scenarios.small-cpo' must be an object (got a whole number)"),
      ("sweep", ["rows", 0, "estimate"], [1], "'rows[0].estimate' must be an object (got a list)"),
      ("breakeven", ["points", 1], 1, "'points[1]' must be an object (got a whole number)"),
      ("sensitivity", ["inputs", 0, "low", "difference", "mean"], true, "'inputs[0].low.difference.mean' must be a number (got true or false)"),
      ("calibration", ["targets", 0, "value"], "12", "'targets[0].value' must be a number (got a string)"),
    ]
    for c in cases {
      let data = try Self.edit(try #require(pages[c.kind]), c.path, to: c.value)
      do {
        _ = try HTMLReport.render(data: data, file: "e.json")
        Issue.record("\(c.kind) \(c.path): rendered")
      } catch {
        #expect(error.description == "e.json: not a \(c.kind) report as cposim writes it (edited?): \(c.message)", "\(error.description)")
      }
    }
  }

  @Test("a report larger than 64 MB is refused before it is read; /dev/zero is read no further than that")
  func tooLarge() throws {
    let dir = Workspace()
    let path = dir.path("big.json")
    #expect(FileManager.default.createFile(atPath: path, contents: nil))
    #expect(truncate(path, off_t(HTMLReport.maximumBytes + 1)) == 0)
    #expect(failureMessage(["report", path, "-o", dir.path("big.html")])
      == "\(path): is 67108865 bytes; cposim report reads reports of at most 67108864 bytes (64 MB; the reports cposim writes are far smaller)")
    let result = try SpecialFileTests.runBinary(["report", "/dev/zero", "-o", dir.path("zero.html")], deadline: 30)
    let (status, errors) = try #require(result, "cposim report /dev/zero still running after 30 s")
    #expect(status == 1 && errors.contains("/dev/zero: has more than 67108864 bytes"), "\(errors)")
    #expect(!FileManager.default.fileExists(atPath: dir.path("zero.html")))
  }
}
