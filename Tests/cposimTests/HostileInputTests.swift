import ArgumentParser
import Foundation
import Testing
@testable import cposim
import ReliabilityKit

/// Issue 17: what a hostile (or careless) user gets from the command line.
@Suite("Hostile input: output files")
struct OutputSafetyTests {
  func run(_ arguments: [String]) throws {
    var command = try CPOSim.parseAsRoot(arguments)
    try command.run()
  }

  /// A base scenario, one that extends it, and the folder.
  static func workspace() throws -> (Workspace, base: String, scenario: String) {
    let workspace = Workspace()
    let base = try workspace.write("base.yaml", """
      \(Workspace.catalogLine)
      horizon: 1y
      trials: 16
      fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: cpo}
      """)
    let scenario = try workspace.write("s.yaml", """
      extends: base.yaml
      name: child
      jobs: [{name: train, gpus: 448, flap_tolerance: 1m}]
      """)
    return (workspace, base, scenario)
  }

  @Test("-o, --per-trial, --trace-output and --html naming the scenario, a file it extends or the catalog are refused before running; the inputs are untouched")
  func outputNamingInput() throws {
    let (dir, base, scenario) = try Self.workspace()
    let catalog = repositoryRoot.appendingPathComponent("FailureData/parts.yaml").path
    let before = try [base, scenario, catalog].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
    let cases: [[String]] = [
      ["-o", scenario], ["-o", base], ["-o", catalog], ["--per-trial", base], ["--html", scenario],
      ["--trace", "0", "--trace-output", base], ["-o", dir.path("./base.yaml")],
    ]
    for extra in cases {
      #expect(throws: (any Error).self, "\(extra)") { try run(["run", scenario, "--quiet"] + extra) }
      do { try run(["run", scenario, "--quiet"] + extra) } catch {
        #expect(CPOSim.message(for: error).contains("is an input of this command"), "\(extra): \(CPOSim.message(for: error))")
      }
    }
    #expect(try [base, scenario, catalog].map { try Data(contentsOf: URL(fileURLWithPath: $0)) } == before)
    #expect { try run(["compare", base, scenario, "--quiet", "-o", base]) } throws: {
      CPOSim.message(for: $0).contains("is an input of this command")
    }
    #expect { try run(["sweep", scenario, "--set", "horizon=1y,2y", "--quiet", "-o", base]) } throws: {
      CPOSim.message(for: $0).contains("is an input of this command")
    }
  }

  @Test("-o X --per-trial X is refused: two outputs, one file")
  func sameOutputTwice() throws {
    let (dir, _, scenario) = try Self.workspace()
    #expect { try run(["run", scenario, "--quiet", "-o", dir.path("x.json"), "--per-trial", dir.path("x.json")]) } throws: {
      CPOSim.message(for: $0).contains("name the same file")
    }
    #expect(!FileManager.default.fileExists(atPath: dir.path("x.json")))
  }

  @Test("merge refuses -o naming one of its parts")
  func mergeOverPart() throws {
    let (dir, _, scenario) = try Self.workspace()
    let part = dir.path("p.json")
    try run(["run", scenario, "--quiet", "--shard", "0/1", "-o", part])
    let before = try Data(contentsOf: URL(fileURLWithPath: part))
    #expect { try run(["merge", part, "-o", part, "--quiet"]) } throws: { CPOSim.message(for: $0).contains("is an input") }
    #expect(try Data(contentsOf: URL(fileURLWithPath: part)) == before)
  }

  @Test("an output that cannot be written is one line before the run, not an NSCocoaErrorDomain dump after it")
  func unwritableOutput() throws {
    let (dir, _, scenario) = try Self.workspace()
    let cases: [(String, String)] = [
      (dir.path("missing/r.json"), "does not exist"), (dir.url.path, "is a directory"), ("/proc/cposim.json", "cannot create a file in /proc"),
    ]
    for (path, expected) in cases {
      #expect { try run(["run", scenario, "--quiet", "-o", path]) } throws: {
        let message = CPOSim.message(for: $0)
        return message.contains(expected) && !message.contains("\n") && !message.contains("NSCocoaErrorDomain")
      }
    }
  }

  @Test("-o /dev/null and a symbolic link: written through, not replaced; no checkpoint beside a device")
  func specialFiles() throws {
    let (dir, _, scenario) = try Self.workspace()
    try run(["run", scenario, "--quiet", "-o", "/dev/null"])
    var info = stat()
    #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
    let command = try #require(try CPOSim.parseAsRoot(["run", scenario, "-o", "/dev/null"]) as? Run)
    #expect(command.outputs.checkpoint == nil)
    try FileManager.default.createSymbolicLink(atPath: dir.path("link.json"), withDestinationPath: "real.json")
    try run(["run", scenario, "--quiet", "-o", dir.path("link.json")])
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.path("link.json")) == "real.json")
    #expect(FileManager.default.fileExists(atPath: dir.path("real.json")))
  }

  @Test("a --per-trial run has no checkpoint, so an interruption never advises a --resume that is refused")
  func perTrialHasNoCheckpoint() throws {
    let (dir, _, scenario) = try Self.workspace()
    let command = try #require(try CPOSim.parseAsRoot(["run", scenario, "-o", dir.path("r.json"), "--per-trial", dir.path("t.ndjson")]) as? Run)
    #expect(command.outputs.checkpoint == nil)
    #expect(throws: (any Error).self) { try CPOSim.parseAsRoot(["run", scenario, "-o", dir.path("r.json"), "--per-trial", dir.path("t.ndjson"), "--resume"]) }
    let plain = try #require(try CPOSim.parseAsRoot(["run", scenario, "-o", dir.path("r.json")]) as? Run)
    #expect(plain.outputs.checkpoint?.path == dir.path("r.json") + ".checkpoint")
  }

  @Test("--trace K beyond the trial count is refused")
  func traceBeyondTrials() throws {
    let (dir, _, scenario) = try Self.workspace()
    defer { withExtendedLifetime(dir) {} }
    #expect { try run(["run", scenario, "--quiet", "--trace", "16", "--trace-output", "-"]) } throws: {
      CPOSim.message(for: $0).contains("trials are numbered 0 to 15")
    }
  }
}
