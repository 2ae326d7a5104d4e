import Foundation
@testable import cposim

/// A fresh folder for one test's files, removed when the value is released.
final class Workspace: @unchecked Sendable {
  let url: URL

  init() {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("cposim-cli-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  /// Writes `text` to `name` in the folder and returns the file's path.
  @discardableResult
  func write(_ name: String, _ text: String) throws -> String {
    let path = self.path(name)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  /// The `catalog:` line that points scenarios written here at the repository's catalog.
  static var catalogLine: String { "catalog: \(repositoryRoot.path)/FailureData/parts.yaml" }
}

/// Parses and runs a cposim command line: the message it fails with, as the user sees it, or nil
/// when it succeeds.
func failureMessage(_ arguments: [String]) -> String? {
  do {
    var command = try CPOSim.parseAsRoot(arguments)
    try command.run()
    return nil
  } catch {
    return CPOSim.message(for: error)
  }
}
