import Foundation
import Testing
import ReliabilityKit

/// Issue 17: every file of the malformed-input corpus (Tests/malformed, also the seeds of
/// `make fuzz`) is refused with exactly the one-line message listed in expected.txt.
@Suite("Malformed-input corpus")
struct MalformedCorpusTests {
  static let folder = repositoryRoot.appendingPathComponent("Tests/malformed")

  static func expected() throws -> [(file: String, message: String)] {
    let text = try String(contentsOf: folder.appendingPathComponent("expected.txt"), encoding: .utf8)
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
      let fields = line.split(separator: "\t", maxSplits: 1).map(String.init)
      return fields.count == 2 ? (fields[0], fields[1]) : nil
    }
  }

  /// The message reading `file` gives, with the folder taken off its paths.
  static func message(_ file: String) -> String? {
    let path = folder.appendingPathComponent(file).path
    do {
      if file.hasSuffix(".csv") {
        _ = try FieldLog.read(path: path)
      } else {
        _ = try Simulation(scenario: try ScenarioLoader.load(path: path))
      }
      return nil
    } catch {
      // Paths are named as given, or relative to the current folder: take the corpus folder off both.
      return "\(error)".replacingOccurrences(of: folder.path + "/", with: "").replacingOccurrences(of: "Tests/malformed/", with: "")
    }
  }

  @Test("every malformed file is listed, and gives its listed message in one line", arguments: try expected().map(\.file))
  func corpus(_ file: String) throws {
    let listed = try #require(try Self.expected().first { $0.file == file }).message
    let message = Self.message(file)
    #expect(message == listed)
    #expect(message.map { !$0.contains("\n") } == true)
  }

  @Test("no file of the corpus is left without an expected message")
  func complete() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".csv") }
    #expect(Set(files) == Set(try Self.expected().map(\.file)))
  }
}
