import Foundation
import Testing
@testable import ReliabilityKit

@Suite("Hostile YAML")
struct HostileYAMLTests {
  /// A "billion laughs": each level lists the previous one nine times (9^9 values at 9 levels).
  static func aliasBomb(levels: Int) -> String {
    var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in 1...levels { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]") }
    return lines.joined(separator: "\n") + "\nhorizon: 1y\n"
  }

  @Test("an alias bomb is refused with one message, quickly and in little memory")
  func aliasBomb() throws {
    let started = Date()
    #expect { try SourceNode.parse(Self.aliasBomb(levels: 9), file: "bomb.yaml") } throws: { error in
      let errors = (error as? InputErrors)?.errors ?? []
      return errors.count == 1 && errors[0].message.contains("expands to more than 200000 values") && errors[0].file == "bomb.yaml"
    }
    // Unbounded, 9 levels are 387 million values (minutes and many GB); bounded, well under a second.
    #expect(Date().timeIntervalSince(started) < 20)
  }

  @Test("aliases that expand within the limit still read")
  func smallAliases() throws {
    let node = try SourceNode.parse("a: &x {k: 1}\nb: *x\n", file: "ok.yaml")
    guard case let .mapping(entries) = node.value else { Issue.record("not a mapping"); return }
    #expect(entries.map(\.key) == ["a", "b"])
    #expect(entries[1].value == entries[0].value)
  }

  @Test("a duplicate key is one line with its line and column")
  func duplicateKey() {
    #expect { try SourceNode.parse("horizon: 1y\nfabric: {gpus: 1, gpus: 2}\n", file: "dup.yaml") } throws: { error in
      let errors = (error as? InputErrors)?.errors ?? []
      return errors.count == 1 && errors[0].line == 2 && errors[0].message == "key 'gpus' appears twice in the same mapping"
    }
  }

  @Test("a directory given as a scenario says so")
  func directory() {
    let folder = FileManager.default.temporaryDirectory.path
    #expect { try ScenarioLoader.load(path: folder) } throws: { error in
      "\(error)".contains("is a directory; give a scenario (YAML) file")
    }
  }

  @Test("a missing catalog is reported once, not once per part reference")
  func missingCatalog() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cposim-yaml-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("s.yaml").path
    try """
      catalog: nothere.yaml
      horizon: 1y
      fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: cpo}
      """.write(toFile: path, atomically: true, encoding: .utf8)
    #expect { try ScenarioLoader.load(path: path) } throws: { error in
      let errors = (error as? InputErrors)?.errors ?? []
      return errors.count == 1 && errors[0].keyPath == "catalog" && errors[0].message.hasPrefix("no such file 'nothere.yaml'")
    }
  }
}
