import Foundation
import Testing
@testable import cposim
import ReliabilityKit
import ReportPages

/// Issue 27: `cposim report` on reports a careless or hostile hand has edited.
@Suite("Hostile input: reports")
struct HostileReportTests {
  /// `json` with every number replaced, alternately, by 1e308 and -1e308 (versions kept).
  static func extreme(_ data: Data) throws -> Data {
    var sign = 1.0
    func text(_ value: ReportJSON, key: String?) -> String {
      switch value {
      case .null: return "null"
      case let .bool(b): return b ? "true" : "false"
      case .integer, .unsigned, .number:
        if key == "schema_version" { return value.text }
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
}
