import Foundation
import Testing
@testable import cposim
import ReliabilityKit

/// Issue 27: files cposim names itself (the checkpoint beside -o, temporaries) are never
/// followed through a link someone planted, and only what cposim wrote is removed.
@Suite("Hostile input: derived files")
struct DerivedFileTests {
  func run(_ arguments: [String]) throws {
    var command = try CPOSim.parseAsRoot(arguments)
    try command.run()
  }

  static func content(_ path: String) -> String? {
    try? String(contentsOfFile: path, encoding: .utf8)
  }

  @Test("a symbolic link at OUT.checkpoint is refused before the run; the file it points to is untouched")
  func checkpointLink() throws {
    let (dir, _, scenario) = try OutputSafetyTests.workspace()
    let victim = try dir.write("victim.txt", "precious\n")
    try FileManager.default.createSymbolicLink(atPath: dir.path("out.json.checkpoint"), withDestinationPath: "victim.txt")
    let message = failureMessage(["run", scenario, "--quiet", "-o", dir.path("out.json")])
    #expect(Self.content(victim) == "precious\n")
    #expect(message?.contains("out.json.checkpoint (the checkpoint of -o ") == true, "\(message ?? "succeeded")")
    #expect(message?.contains("it is a symbolic link (to victim.txt), and cposim follows no link at a file it names itself") == true)
    #expect(!FileManager.default.fileExists(atPath: dir.path("out.json")))
    // --resume through the link is refused the same way.
    #expect(failureMessage(["run", scenario, "--quiet", "-o", dir.path("out.json"), "--resume"])?.contains("symbolic link") == true)
    #expect(Self.content(victim) == "precious\n")
  }

  @Test("a FIFO or a directory at OUT.checkpoint is refused before the run")
  func checkpointSpecial() throws {
    let (dir, _, scenario) = try OutputSafetyTests.workspace()
    #expect(mkfifo(dir.path("f.json.checkpoint"), 0o644) == 0)
    #expect(failureMessage(["run", scenario, "--quiet", "-o", dir.path("f.json")])?.contains("it is a FIFO, not a regular file") == true)
    try FileManager.default.createDirectory(atPath: dir.path("d.json.checkpoint"), withIntermediateDirectories: false)
    #expect(failureMessage(["run", scenario, "--quiet", "-o", dir.path("d.json")])?.contains("it is a directory") == true)
  }

  @Test("a checkpoint swapped for a link after it was written is not removed through the link")
  func removeOnlyWhatWasWritten() throws {
    let dir = Workspace()
    let victim = try dir.write("victim.txt", "precious\n")
    let checkpoint = OutputFile(derived: dir.path("r.json.checkpoint"), option: "checkpoint", from: "-o r.json")
    try checkpoint.checkWritable()
    try checkpoint.write(Data("{}".utf8))
    try FileManager.default.removeItem(atPath: checkpoint.path)
    try FileManager.default.createSymbolicLink(atPath: checkpoint.path, withDestinationPath: "victim.txt")
    checkpoint.removeIfWritten()
    #expect(Self.content(victim) == "precious\n")
    // A regular file someone else put there instead is not removed either.
    try FileManager.default.removeItem(atPath: checkpoint.path)
    try dir.write("r.json.checkpoint", "theirs\n")
    checkpoint.removeIfWritten()
    #expect(Self.content(checkpoint.path) == "theirs\n")
    // What it wrote itself goes.
    try checkpoint.write(Data("{}".utf8))
    checkpoint.removeIfWritten()
    #expect(!FileManager.default.fileExists(atPath: checkpoint.path))
  }

  @Test("a checkpoint an earlier run left is replaced and removed when the run completes")
  func staleCheckpoint() throws {
    let (dir, _, scenario) = try OutputSafetyTests.workspace()
    try dir.write("r.json.checkpoint", "stale\n")
    try run(["run", scenario, "--quiet", "-o", dir.path("r.json")])
    #expect(!FileManager.default.fileExists(atPath: dir.path("r.json.checkpoint")))
    #expect(FileManager.default.fileExists(atPath: dir.path("r.json")))
  }

  @Test("temporaries have names nobody can plant a link at: --per-trial and -o never write through one")
  func temporaries() throws {
    let (dir, _, scenario) = try OutputSafetyTests.workspace()
    let victim = try dir.write("victim.txt", "precious\n")
    // The names temporaries had: .NAME.PID.tmp.
    for name in ["t.ndjson", "r.json"] {
      try FileManager.default.createSymbolicLink(atPath: dir.path(".\(name).\(getpid()).tmp"), withDestinationPath: "victim.txt")
    }
    try run(["run", scenario, "--quiet", "-o", dir.path("r.json"), "--per-trial", dir.path("t.ndjson")])
    #expect(Self.content(victim) == "precious\n")
    #expect(Self.content(dir.path("t.ndjson"))?.split(separator: "\n").count == 16)
  }
}
