import ArgumentParser
import Foundation
import Testing
@testable import cposim
import ReliabilityKit

@Suite("Command line")
struct CommandLineTests {
  /// Parses `arguments` as the root command would and returns the command.
  func parse(_ arguments: [String]) throws -> any ParsableCommand {
    try CPOSim.parseAsRoot(arguments)
  }

  @Test("sample parses a Weibull with durations and a negative-looking value")
  func parsesSample() throws {
    let command = try #require(try parse(["sample", "weibull", "--shape", "-1", "--scale", "1000h"]) as? Sample)
    #expect(command.shape == "-1")
    #expect(command.scale == "1000h")
    #expect(command.count == 100_000)
  }

  @Test("a bad parameter is one line naming the parameter and the value, with a non-zero exit")
  func badParameter() throws {
    let command = try #require(try parse(["sample", "weibull", "--shape", "-1", "--scale", "1000h"]) as? Sample)
    do {
      try command.run()
      Issue.record("expected an error")
    } catch {
      let message = CPOSim.message(for: error)
      #expect(message == "weibull: 'shape' must be a positive, finite number (got -1)")
      #expect(!message.contains("\n"))
      #expect(CPOSim.exitCode(for: error) != .success)
    }
  }

  @Test("a count out of range fails validation with exit code 64")
  func validation() {
    do {
      _ = try parse(["sample", "weibull", "--shape", "1", "--scale", "1h", "-n", "0"])
      Issue.record("expected a validation error")
    } catch {
      #expect(CPOSim.exitCode(for: error) == .validationFailure)
      #expect(CPOSim.message(for: error).contains("'--count' must be between 1 and 20000000 (got 0)"))
    }
  }

  @Test("components are only for mixtures")
  func componentsOnlyForMixture() {
    #expect(throws: (any Error).self) {
      _ = try parse(["sample", "weibull", "--component", "1:exponential:afr=1"])
    }
  }

  @Test("the JSON summary of the issue's example: mean within 1% of 902.7 h")
  func issueExample() throws {
    let command = try #require(
      try parse(["sample", "weibull", "--shape", "1.5", "--scale", "1000h", "-n", "200000", "--seed", "7", "--json"]) as? Sample)
    let distribution = try command.spec().build()
    let report = try JSONOutput.string(SampleReport(
      distribution: distribution, truncation: nil,
      summary: SampleSummary(values: draws(distribution, n: 200_000, seed: SeedSequence(master: 7).seed(forTrial: 0))),
      seed: 7))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any])
    let summary = try #require(json["summary"] as? [String: Any])
    let mean = try #require(summary["mean_hours"] as? Double)
    #expect(abs(mean - 902.745) / 902.745 < 0.01)
    #expect(json["schema_version"] as? Int == 1)
    #expect(json["truncated_to_hours"] is NSNull)
    let provenance = try #require(json["provenance"] as? [String: Any])
    #expect(provenance["generator"] as? String == "taus2")
    #expect(provenance["seed"] as? Int == 7)
  }

  @Test("--version names the tool, the build's commit, GSL and the generator")
  func version() {
    let version = CPOSim.configuration.version
    #expect(version.hasPrefix("cposim \(ToolVersion.current) (commit \(ToolVersion.commit), GSL 2."), "\(version)")
    #expect(version.hasSuffix("generator taus2)"))
  }
}

/// Draws like `cposim sample` does: one stream seeded for trial 0 of the master seed.
func draws(_ distribution: Distribution, n: Int, seed: UInt32) -> [Double] {
  let source = RandomSource(seed: seed)
  return (0..<n).map { _ in distribution.sample(using: source) }
}
