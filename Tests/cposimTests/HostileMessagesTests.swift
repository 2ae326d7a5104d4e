import ArgumentParser
import Foundation
import Testing
@testable import cposim
import ReliabilityKit

/// Issue 27, "Messages that mislead": what a careless user is told, checked line by line.
@Suite("Hostile input: messages that mislead")
struct HostileMessagesTests {
  @Test("sample -n -5, sample --seed -4 and sensitivity --top -1 name the value, never 'Missing value'")
  func negativeOptionValues() {
    let count = failureMessage(["sample", "exponential", "--afr", "1%", "-n", "-5"]) ?? ""
    #expect(count.contains("'--count' must be between 1 and 20000000 (got -5)"), "\(count)")
    let seed = failureMessage(["sample", "exponential", "--afr", "1%", "--seed", "-4"]) ?? ""
    #expect(seed.contains("The value '-4' is invalid for '--seed"), "\(seed)")
    let top = failureMessage(["sensitivity", "a.yaml", "b.yaml", "--top", "-1"]) ?? ""
    #expect(top.contains("'--top' must be at least 1 (got -1)"), "\(top)")
    for message in [count, seed, top] { #expect(!message.contains("Missing value"), "\(message)") }
  }

  @Test("cposim run -child.yaml is refused (it was read as -c -h ... and printed the help with exit 0); ./-child.yaml runs")
  func dashedFileName() throws {
    do {
      _ = try CPOSim.parseAsRoot(["run", "-child.yaml"])
      Issue.record("expected a refusal")
    } catch {
      #expect(CPOSim.exitCode(for: error) == .validationFailure)
      let message = CPOSim.message(for: error)
      #expect(message.contains("'-child.yaml' would be read as the options -c -h -i -l -d"), "\(message)")
      #expect(message.contains("write ./-child.yaml"), "\(message)")
    }
    // Negative numbers and single-letter options are untouched.
    #expect(throws: Never.self) { _ = try CPOSim.parseAsRoot(["sample", "weibull", "--shape", "-1.5", "--scale", "1h"]) }
    #expect(throws: Never.self) { _ = try CPOSim.parseAsRoot(["run", "./-child.yaml", "-o", "x.json"]) }
  }
}
