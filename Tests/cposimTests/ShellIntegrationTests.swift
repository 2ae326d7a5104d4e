import ArgumentParser
import Foundation
import Testing
@testable import cposim

/// Issue 28: shell completion and the manual page cover every command.
@Suite("Shell completion and manual page")
struct ShellIntegrationTests {
  static let commands = CPOSim.configuration.subcommands.map { $0._commandName }

  @Test("the completion script of each shell offers every subcommand, and the docs say how to install it", arguments: [CompletionShell.bash, .zsh, .fish])
  func completion(shell: CompletionShell) throws {
    let script = CPOSim.completionScript(for: shell)
    for command in Self.commands { #expect(script.contains(command), "\(shell): \(command)") }
    #expect(script.contains("show-zero") && script.contains("csv"), "options of subcommands complete too")
    let usage = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/usage.md"), encoding: .utf8)
    #expect(usage.contains("--generate-completion-script \(shell.rawValue)"))
  }

  @Test("the help the man page is generated from (--experimental-dump-help) lists every subcommand; make man writes the page")
  func manual() throws {
    let binary = SignalTests.binary
    try #require(FileManager.default.isExecutableFile(atPath: binary.path), "no cposim binary at \(binary.path)")
    let process = Process()
    process.executableURL = binary
    process.arguments = ["--experimental-dump-help"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let info = try JSONSerialization.jsonObject(with: data) as! [String: Any]
    let root = info["command"] as! [String: Any]
    let names = (root["subcommands"] as! [[String: Any]]).compactMap { $0["commandName"] as? String }
    #expect(Set(Self.commands).isSubset(of: Set(names)), "\(names)")
    let makefile = try String(contentsOf: repositoryRoot.appendingPathComponent("Makefile"), encoding: .utf8)
    #expect(makefile.contains("package plugin generate-manual"))
  }
}
