import Foundation
import Testing
@testable import cposim
import ReliabilityKit

/// Issue 28: `--version` and every report name the commit the binary was built from.
@Suite("Build commit")
struct BuildCommitTests {
  static let script = repositoryRoot.appendingPathComponent("deploy/stamp-commit.sh")

  /// Runs `executable arguments` and returns its standard output and status.
  static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> (String, Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe()
    process.standardOutput = out
    process.standardError = Pipe()
    try process.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (text, process.terminationStatus)
  }

  @Test("a stamped binary prints its commit in --version and writes it as build_commit; stamping again replaces it")
  func stamp() throws {
    let binary = SignalTests.binary
    try #require(FileManager.default.isExecutableFile(atPath: binary.path), "no cposim binary at \(binary.path)")
    let workspace = Workspace()
    let copy = workspace.path("cposim")
    try FileManager.default.copyItem(atPath: binary.path, toPath: copy)
    #expect(try Self.run(copy, ["--version"]).0.contains("(commit unknown,"), "a binary nobody stamped says so")
    #expect(try Self.run("/bin/sh", [Self.script.path, copy, "0123456789ab"]).1 == 0)
    #expect(try Self.run(copy, ["--version"]).0.hasPrefix("cposim \(ToolVersion.current) (commit 0123456789ab, GSL"))
    #expect(try Self.run("/bin/sh", [Self.script.path, copy, "fedcba987654-dirty"]).1 == 0)
    #expect(try Self.run(copy, ["--version"]).0.contains("(commit fedcba987654-dirty,"))
    let (folder, scenario) = try ShardTests.workspace()
    defer { withExtendedLifetime(folder) {} }
    _ = try Self.run(copy, ["run", scenario, "--trials", "2", "--quiet", "-o", workspace.path("r.json")])
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: workspace.path("r.json")))) as! [String: Any]
    #expect((report["provenance"] as! [String: Any])["build_commit"] as? String == "fedcba987654-dirty")
    #expect(try Self.run("/bin/sh", [Self.script.path, copy, "not a commit"]).1 != 0)
  }

  @Test("in a source tarball without .git, the commit comes from the COMMIT file git archive fills in; unfilled, it is unknown")
  func tarball() throws {
    let workspace = Workspace()
    try FileManager.default.createDirectory(atPath: workspace.path("deploy"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: Self.script.path, toPath: workspace.path("deploy/stamp-commit.sh"))
    try workspace.write("COMMIT", "3f2a9c1d0b8e7f6a5d4c3b2a1908f7e6d5c4b3a2\n")
    #expect(try Self.run("/bin/sh", [workspace.path("deploy/stamp-commit.sh"), "--print"], in: workspace.url).0 == "3f2a9c1d0b8e\n")
    try workspace.write("COMMIT", "$Format:%H$\n")
    #expect(try Self.run("/bin/sh", [workspace.path("deploy/stamp-commit.sh"), "--print"], in: workspace.url).0 == "unknown\n")
    #expect(try String(contentsOf: repositoryRoot.appendingPathComponent(".gitattributes"), encoding: .utf8).contains("COMMIT export-subst"))
  }
}
