import ArgumentParser
import Foundation
import ReportPages
import Testing
@testable import cposim
import ReliabilityKit

@Suite("Command line: sensitivity")
struct SensitivityCommandTests {
  /// Two small plain systems: A with one always-on unit, B with failing units; both with ranges.
  static func scenarios(_ workspace: Workspace, ranges: Bool = true) throws -> (a: String, b: String) {
    let common = """
      \(Workspace.catalogLine)
      horizon: 1y
      trials: 16
      costs: {electricity_usd_per_kwh: 0.1, pue: 1.5}
      """
    let a = try workspace.write("a.yaml", common + """

      name: a
      parts:
        pa: {fru: pa, power_w: {uncertain: lognormal, low: 80, high: 140}, source: estimate}
      system: {units: {u: {part: pa}}}
      """ + (ranges ? "\nranges: {costs.pue: [1.2, 1.8]}\n" : "\n"))
    let b = try workspace.write("b.yaml", common + """

      name: b
      parts:
        pb: {fru: pb, power_w: 6, unit_cost_usd: 0.35, source: estimate, modes: {fail: {distribution: {kind: exponential, mtbf: 1000h}}}}
      system: {units: {u: {part: pb, count: 10}}, structure: {parallel: [u]}}
      repair: {workflows: {pb: {action: hot-swap, clean_first: false, hands_on: 1m}}}
      """ + (ranges ? "\nranges: {costs.pue: [1.2, 1.8], parts.pb.unit_cost_usd: [0.1, 1.5]}\n" : "\n"))
    return (a, b)
  }

  @Test("the binary prints the ranked table, writes the JSON, and --html equals `cposim report` of that JSON")
  func binary() throws {
    let binary = SignalTests.binary
    try #require(FileManager.default.isExecutableFile(atPath: binary.path), "no cposim binary at \(binary.path)")
    let workspace = Workspace()
    let (a, b) = try Self.scenarios(workspace)
    let process = Process()
    process.executableURL = binary
    process.arguments = ["sensitivity", a, b, "--seed", "4", "--threads", "2", "-o", workspace.path("s.json"), "--html", workspace.path("s.html")]
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(stderr)")
    #expect(stdout.contains("16 paired trials per point, seed 4, common random numbers; 3 of 3 inputs shown"))
    let lines = stdout.split(separator: "\n").map(String.init)
    // Ranked: the spare price (swing ≈ 1.4 × 87.6 swaps) before A's power (60 W × 1.314 $/W a year) before PUE.
    let order = ["parts.pb.unit_cost_usd (b only)", "parts.pa.power_w (a only)", "costs.pue"].map { key in
      lines.firstIndex { $0.contains(" \(key) ") } ?? -1
    }
    #expect(order.allSatisfy { $0 >= 0 } && order == order.sorted(), "\(stdout)")
    #expect(lines.last?.hasPrefix("b vs a: total cost per year B − A") == true)
    #expect(stderr.contains("moving 3 inputs: 7 points of 16 paired trials") && stderr.contains("sensitivity written to"))

    let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: workspace.path("s.json")))) as? [String: Any])
    #expect(json["kind"] as? String == "sensitivity" && (json["inputs"] as? [Any])?.count == 3)
    let validator = try JSONSchemaValidator("sensitivity")
    #expect(validator.validate(json) == [])
    var broken = json
    broken["inputs"] = [["key_path": "x"]]
    #expect(!validator.validate(broken).isEmpty, "the schema checks the inputs")
    let page = try String(contentsOfFile: workspace.path("s.html"), encoding: .utf8)
    #expect(page == (try HTMLReport.render(file: workspace.path("s.json"))))
    #expect(page.contains("data-kind=\"sensitivity\"") && page.contains("unit cost usd moves b − a most"))
  }

  @Test("--posterior: an inferred input moves over its posterior 5-95 % range centred on its median (also a key no range named), every other input is labelled prior-only, in the JSON (valid against its schema), the table and the page")
  func posteriorRanges() throws {
    let workspace = Workspace()
    let (a, b) = try Self.scenarios(workspace)
    let posterior = try workspace.write("posterior.json", """
      {"kind": "inference", "schema_version": 2, "inputs": [
        {"key_path": "parts.pb.unit_cost_usd", "suffix": "", "p5": 0.2, "p50": 0.3, "p95": 0.5},
        {"key_path": "costs.electricity_usd_per_kwh", "suffix": "", "p5": 0.08, "p50": 0.1, "p95": 0.12}]}
      """)
    func sensitivity(_ extra: [String], _ name: String) throws -> [String: Any] {
      var command = try CPOSim.parseAsRoot(["sensitivity", a, b, "--seed", "4", "--trials", "8", "--quiet", "-o", workspace.path(name)] + extra)
      try command.run()
      return try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: workspace.path(name)))) as! [String: Any]
    }
    let json = try sensitivity(["--posterior", posterior, "--html", workspace.path("p.html")], "p.json")
    #expect(try JSONSchemaValidator("sensitivity").validate(json) == [])
    #expect(json["posterior"] as? String == posterior)
    let inputs = Dictionary(uniqueKeysWithValues: (json["inputs"] as! [[String: Any]]).map { ($0["key_path"] as! String, $0) })
    let cost = try #require(inputs["parts.pb.unit_cost_usd"])
    #expect(cost["evidence"] as? String == "posterior")
    #expect((cost["low"] as! [String: Any])["text"] as? String == "0.2" && (cost["high"] as! [String: Any])["text"] as? String == "0.5")
    #expect((cost["central"] as! [String: Any])["text"] as? String == "0.3")
    let kwh = try #require(inputs["costs.electricity_usd_per_kwh"], "a posterior key no range named is moved")
    #expect(kwh["evidence"] as? String == "posterior" && kwh["moves"] as? [String] == ["a", "b"])
    #expect(inputs["costs.pue"]?["evidence"] as? String == "prior-only" && inputs["parts.pa.power_w"]?["evidence"] as? String == "prior-only")
    // Centred on the median: B's spare at 0.30 instead of 0.35 makes the central B − A lower.
    let plain = try sensitivity([], "plain.json")
    #expect(plain["posterior"] == nil && (plain["inputs"] as! [[String: Any]]).allSatisfy { $0["evidence"] == nil })
    let centre = { (j: [String: Any]) in (j["central"] as! [String: Any])["mean"] as! Double }
    #expect(centre(json) < centre(plain), "\(centre(json)) against \(centre(plain))")
    let page = try String(contentsOfFile: workspace.path("p.html"), encoding: .utf8)
    #expect(page.contains("prior-only") && page.contains("posterior 5-95 %"))
    let bad = try workspace.write("not-inference.json", "{\"kind\": \"sensitivity\", \"inputs\": []}")
    #expect(throws: (any Error).self) { try sensitivity(["--posterior", bad], "x.json") }
  }

  @Test("the HTML report's fixture is in the shape the command writes")
  func fixtureShape() throws {
    let validator = try JSONSchemaValidator("sensitivity")
    let fixture = try JSONSerialization.jsonObject(with: Data(contentsOf: repositoryRoot.appendingPathComponent("Tests/report/fixtures/sensitivity.json")))
    #expect(validator.validate(fixture) == [])
  }

  @Test("--top keeps the largest swings; the result does not depend on it")
  func top() throws {
    let workspace = Workspace()
    let (a, b) = try Self.scenarios(workspace)
    for (top, count) in [("1", 1), ("5", 3)] {
      let command = try #require(try CPOSim.parseAsRoot(["sensitivity", a, b, "--top", top, "--quiet", "-o", workspace.path("t\(top).json")]) as? SensitivityCommand)
      try command.run()
      let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: workspace.path("t\(top).json")))) as! [String: Any]
      let inputs = json["inputs"] as! [[String: Any]]
      #expect(inputs.count == count && json["inputs_moved"] as? Int == 3)
      #expect(inputs[0]["key_path"] as? String == "parts.pb.unit_cost_usd")
    }
  }

  @Test("bad options fail validation in one line", arguments: [
    (["--top", "0"], "'--top' must be at least 1 (got 0)"),
    (["--top=-2"], "'--top' must be at least 1 (got -2)"),
    (["--trials", "0"], "'--trials' must be at least 1 (got 0)"),
  ])
  func badOptions(extra: [String], message: String) throws {
    let workspace = Workspace()
    let (a, b) = try Self.scenarios(workspace)
    do {
      _ = try CPOSim.parseAsRoot(["sensitivity", a, b] + extra)
      Issue.record("expected a validation error")
    } catch {
      #expect(CPOSim.exitCode(for: error) == .validationFailure)
      #expect(CPOSim.message(for: error) == message)
    }
  }

  @Test("an unknown metric and scenarios without ranges are one-line errors")
  func badInput() throws {
    let workspace = Workspace()
    let (a, b) = try Self.scenarios(workspace)
    for (arguments, prefix) in [
      (["sensitivity", a, b, "--metric", "technician_utilization", "--quiet"], "unknown metric 'technician_utilization' (did you mean 'technician_utilisation'?)"),
      (["sensitivity", a, b, "--metric", "total_cost_per_year", "--quiet"], "unknown metric 'total_cost_per_year' (did you mean 'total_cost_usd_per_year'?)"),
    ] {
      let command = try #require(try CPOSim.parseAsRoot(arguments) as? SensitivityCommand)
      #expect { try command.run() } throws: { error in
        CPOSim.message(for: error).hasPrefix(prefix) && !CPOSim.message(for: error).contains("\n") && CPOSim.exitCode(for: error) != .success
      }
    }
    let twice = try #require(try CPOSim.parseAsRoot(["sensitivity", a, a, "--quiet"]) as? SensitivityCommand)
    #expect { try twice.run() } throws: { CPOSim.message(for: $0) == "scenario names must differ to be compared (got a twice)" }
    let bare = Workspace()
    let plain = try bare.write("p.yaml", "\(Workspace.catalogLine)\nname: p\nparts: {pa: {fru: pa, power_w: 5, source: estimate}}\nsystem: {units: {u: {part: pa}}}\n")
    let other = try bare.write("q.yaml", "\(Workspace.catalogLine)\nname: q\nparts: {pa: {fru: pa, power_w: 7, source: estimate}}\nsystem: {units: {u: {part: pa}}}\n")
    let command = try #require(try CPOSim.parseAsRoot(["sensitivity", plain, other, "--quiet"]) as? SensitivityCommand)
    #expect { try command.run() } throws: { error in
      let message = CPOSim.message(for: error)
      return message.hasPrefix("nothing to move: \(plain) and \(other) give no input with a low/high range; add `ranges:`")
        && !message.contains("\n")
    }
  }
}
