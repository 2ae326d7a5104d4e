import Foundation
import Testing
@testable import cposim
@testable import ReliabilityKit

/// Issue 28: partial reports use snake_case keys like every other file, carry the build's
/// commit, and a part of the earlier format is named as such.
@Suite("Partial report format")
struct PartialReportFormatTests {
  /// Every key of a JSON value, at any depth.
  static func keys(_ value: Any) -> [String] {
    switch value {
    case let object as [String: Any]: return object.keys + object.values.flatMap(keys)
    case let array as [Any]: return array.flatMap(keys)
    default: return []
    }
  }

  @Test("a shard's partial report has snake_case keys only, schema_version 3 and the build's commit, and merges to the single run")
  func snakeCase() throws {
    let (dir, scenario) = try ShardTests.workspace()
    let part = dir.path("p.json")
    #expect(failureMessage(["run", scenario, "--shard", "0/1", "-o", part, "--quiet"]) == nil)
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: part))) as! [String: Any]
    // Names, not the sketches' bucket indices (integers as keys).
    let keys = Self.keys(object).filter { Int($0) == nil }
    #expect(keys.contains("completed_blocks") && keys.contains("spares_by_fru") && keys.contains("shard_count"))
    #expect(keys.allSatisfy { $0.range(of: "^[a-z0-9_]+$", options: .regularExpression) != nil }, "\(keys.filter { $0.contains(where: \.isUppercase) })")
    #expect(object["schema_version"] as? Int == 3 && object["build_commit"] as? String == ToolVersion.commit)
    let merged = dir.path("m.json"), single = dir.path("s.json")
    #expect(failureMessage(["merge", part, "-o", merged, "--quiet"]) == nil)
    #expect(failureMessage(["run", scenario, "-o", single, "--quiet"]) == nil)
    #expect(try Data(contentsOf: URL(fileURLWithPath: merged)) == Data(contentsOf: URL(fileURLWithPath: single)))
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: merged))) as! [String: Any]
    #expect((report["provenance"] as! [String: Any])["build_commit"] as? String == ToolVersion.commit)
  }

  @Test("merge names a part of schema_version 2 (camelCase keys) and says to compute it again, instead of failing on a key")
  func olderPart() throws {
    let (dir, _) = try ShardTests.workspace()
    let old = try dir.write("old.json", """
      {"kind": "cposim-partial", "schemaVersion": 2, "toolVersion": "0.1.0", "shardIndex": 0, "shardCount": 1, "completedBlocks": {"ranges": []}}
      """)
    let message = failureMessage(["merge", old, "-o", dir.path("m.json"), "--quiet"]) ?? ""
    #expect(message.contains("\(old): a partial report of schema_version 2 (cposim 0.1.0)"), "\(message)")
    #expect(message.contains("reads schema_version 3: compute the shard again with this cposim"), "\(message)")
  }

  @Test("shards computed by two builds of one version merge, and the report names both commits")
  func twoBuilds() throws {
    let (dir, scenario) = try ShardTests.workspace()
    var paths: [String] = []
    for i in 0..<2 {
      let path = dir.path("p\(i).json")
      #expect(failureMessage(["run", scenario, "--shard", "\(i)/2", "-o", path, "--quiet"]) == nil)
      var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
      object["build_commit"] = i == 0 ? "aaaaaaaaaaaa" : "bbbbbbbbbbbb"
      try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
      paths.append(path)
    }
    let merged = dir.path("m.json")
    #expect(failureMessage(["merge"] + paths + ["-o", merged, "--quiet"]) == nil)
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: merged))) as! [String: Any]
    #expect((report["provenance"] as! [String: Any])["build_commit"] as? String == "aaaaaaaaaaaa, bbbbbbbbbbbb")
  }
}
