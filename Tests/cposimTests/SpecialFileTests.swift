import Foundation
import Testing
@testable import cposim
import ReliabilityKit

/// Issue 27: a FIFO among the outputs never blocks the process in open().
@Suite("Hostile input: FIFOs")
struct SpecialFileTests {
  /// Runs the cposim binary with `arguments` and a deadline; returns its exit status and
  /// standard error, or nil (after killing it) when it was still running at the deadline.
  static func runBinary(_ arguments: [String], deadline: TimeInterval = 20) throws -> (status: Int32, errors: String)? {
    let binary = SignalTests.binary
    try #require(FileManager.default.isExecutableFile(atPath: binary.path), "no cposim binary at \(binary.path)")
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    let end = Date().addingTimeInterval(deadline)
    while process.isRunning, Date() < end { usleep(50_000) }
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      return nil
    }
    return (process.terminationStatus, String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
  }

  @Test("-o, --per-trial and --html naming a FIFO with no reader are refused before the run, in one line, instead of blocking")
  func fifoWithoutReader() throws {
    let (dir, _, scenario) = try OutputSafetyTests.workspace()
    let fifo = dir.path("p")
    #expect(mkfifo(fifo, 0o644) == 0)
    for option in ["-o", "--per-trial", "--html"] {
      let result = try Self.runBinary(["run", scenario, "--quiet", option, fifo])
      let (status, errors) = try #require(result, "\(option) FIFO: still blocked after 20 s")
      #expect(status == 1, "\(option): \(errors)")
      #expect(errors == "Error: cannot write \(fifo) (\(option)): it is a FIFO that no process reads; start its reader first, or give a regular file\n")
    }
  }

  @Test("-o naming a FIFO with a reader streams the report to it")
  func fifoWithReader() throws {
    let (dir, _, scenario) = try OutputSafetyTests.workspace()
    let fifo = dir.path("p")
    #expect(mkfifo(fifo, 0o644) == 0)
    let reader = Process()
    reader.executableURL = URL(fileURLWithPath: "/bin/cat")
    reader.arguments = [fifo]
    let output = Pipe()
    reader.standardOutput = output
    try reader.run()
    // cat opens the FIFO for reading; wait until it is there (a writer's open would fail before).
    var fd: Int32 = -1
    for _ in 0..<200 where fd < 0 {
      fd = open(fifo, O_WRONLY | O_NONBLOCK)
      if fd < 0 { usleep(10_000) }
    }
    try #require(fd >= 0)
    try #require(failureMessage(["run", scenario, "--quiet", "-o", fifo]) == nil)
    close(fd)
    let data = output.fileHandleForReading.readDataToEndOfFile()
    reader.waitUntilExit()
    let report = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    #expect(report?["schema_version"] != nil)
  }
}
