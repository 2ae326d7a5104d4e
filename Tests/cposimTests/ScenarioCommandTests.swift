import ArgumentParser
import Foundation
import Testing
@testable import cposim
import ReliabilityKit

/// The repository root, found from this file's path (Tests/cposimTests/...).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite("validate and describe")
struct ScenarioCommandTests {
  static let scenarioFiles: [String] = {
    let folder = repositoryRoot.appendingPathComponent("Scenarios")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".yaml") }.sorted().map { folder.appendingPathComponent($0).path }
  }()

  @Test("every scenario shipped in Scenarios/ is valid", arguments: scenarioFiles)
  func shippedScenariosAreValid(path: String) throws {
    _ = try ScenarioLoader.load(path: path)
  }

  @Test("the shipped scenarios cover pluggable, CPO with ELS, CPO with internal lasers, 16k and 128k")
  func coverage() throws {
    let names = Self.scenarioFiles.map { URL(fileURLWithPath: $0).lastPathComponent }
    for expected in ["cluster-16k-pluggable.yaml", "cluster-16k-cpo-els.yaml", "cluster-128k-pluggable.yaml",
                     "cluster-128k-cpo-els.yaml", "cluster-16k-cpo-internal-laser.yaml", "llama3-calibration.yaml"] {
      #expect(names.contains(expected))
    }
  }

  @Test("validate exits 1 and lists every problem when a file is invalid")
  func validateFails() throws {
    let workspace = Workspace()
    let bad = try workspace.write("bad.yaml", "\(Workspace.catalogLine)\ntrials: 0\nfabric: {topology: leaf-spine, gpus: 64, optics: pluggabel}\n")
    let command = try #require(try CPOSim.parseAsRoot(["validate", bad]) as? Validate)
    #expect(throws: ExitCode.failure) { try command.run() }
    do {
      _ = try ScenarioLoader.load(path: bad)
    } catch {
      #expect(error.errors.count == 2)
    }
  }

  @Test("describe --json gives the inventory of the 128k CPO cluster")
  func describeJSON() throws {
    let path = repositoryRoot.appendingPathComponent("Scenarios/cluster-128k-cpo-els.yaml").path
    let inventory = try Inventory(scenario: try ScenarioLoader.load(path: path))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(try JSONOutput.string(inventory).utf8)) as? [String: Any])
    let fabric = try #require(json["fabric"] as? [String: Any])
    #expect(fabric["switches"] as? Int == 5120)
    #expect(fabric["switch_ports_in_use"] as? Int == 655_360)
    #expect(fabric["transceivers"] as? Int == 131_072)
    #expect(fabric["optical_engines"] as? Int == 81_920)
    #expect(fabric["els_modules"] as? Int == 81_920)
    #expect(json["system"] is NSNull)
    #expect(json["schema_version"] as? Int == 1)
  }

  @Test("describe lists every input with its provenance class, range and reason, in text and JSON")
  func describeProvenance() throws {
    let workspace = Workspace()
    let path = try workspace.write("s.yaml", """
      \(Workspace.catalogLine)
      system: {units: {a: {part: cpo-switch-board}}}
      costs: {pue: 1.56, electricity_usd_per_kwh: 0.1}
      provenance:
        costs.pue: uptime-2024
      """)
    let inventory = try Inventory(scenario: try ScenarioLoader.load(path: path))
    let text = InventoryTable.render(inventory)
    func line(_ key: String) -> String? { text.split(separator: "\n").map(String.init).first { $0.hasPrefix("  \(key) ") } }
    #expect(line("costs.pue")?.contains("sourced") == true && line("costs.pue")?.contains("uptime-2024") == true)
    #expect(line("costs.electricity_usd_per_kwh")?.contains("unstated") == true)
    let price = try #require(line("parts.cpo-switch-board.unit_cost_usd"))
    #expect(price.contains("estimate") && price.contains("[50000, 165200]") && price.contains("no CPO switch price found"), "\(price)")
    #expect(line("parts.cpo-switch-board.power_w")?.contains("ufispace-s9321") == true)
    #expect(text.contains("estimates (0 without a range)"))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(try JSONOutput.string(inventory).utf8)) as? [String: Any])
    let inputs = try #require(json["inputs"] as? [[String: Any]])
    let afr = try #require(inputs.first { $0["key_path"] as? String == "parts.cpo-switch-board.modes.board-hardware.distribution.afr" })
    #expect(afr["provenance"] as? String == "sourced" && afr["source"] as? String == "derived-switch-board-hardware")
    #expect((afr["range"] as? [String: Any])?["low"] as? String == "1.6%" && (afr["range"] as? [String: Any])?["origin"] as? String == "catalog")
    let pue = try #require(inputs.first { $0["key_path"] as? String == "costs.pue" })
    #expect(pue["part"] is NSNull && pue["range"] is NSNull && pue["reason"] is NSNull)
  }

  @Test("the published 128k counts: ~655k transceiver ports, ~5 M vs ~1 M lasers on the switch side")
  func publishedCounts() throws {
    func fabric(_ name: String) throws -> Fabric {
      let scenario = try ScenarioLoader.load(path: repositoryRoot.appendingPathComponent("Scenarios/\(name)").path)
      guard case let .fabric(spec) = scenario.plant else { throw ModelError.fabric("not a fabric") }
      return try FabricBuilder.build(spec, catalog: scenario.catalog)
    }
    let pluggable = try fabric("cluster-128k-pluggable.yaml"), cpo = try fabric("cluster-128k-cpo-els.yaml")
    #expect(pluggable.switchPortsInUse == 655_360)
    let nicLasers = 131_072 * 8
    // Switch-side lasers: 5.24 M with pluggables, 1.31 M in ELS modules with CPO (2 per port).
    #expect(pluggable.lasers - nicLasers == 5_242_880)
    #expect(cpo.lasers - nicLasers == 1_310_720)
  }
}

@Suite("run")
struct RunCommandTests {
  @Test("run --trace K writes trial K's events as NDJSON, the same for the same seed")
  func trace() throws {
    let workspace = Workspace()
    let scenario = try workspace.write("s.yaml", """
      \(Workspace.catalogLine)
      horizon: 1y
      trials: 2
      fabric: {topology: leaf-spine, gpus: 256, switch_radix: 64, optics: cpo}
      jobs: [{name: train, gpus: 256}]
      """)
    var outputs: [Data] = []
    for name in ["a.ndjson", "b.ndjson"] {
      let out = workspace.path(name)
      let command = try #require(try CPOSim.parseAsRoot(["run", scenario, "--trace", "1", "--trace-output", out]) as? Run)
      try command.run()
      outputs.append(try Data(contentsOf: URL(fileURLWithPath: out)))
    }
    #expect(outputs[0] == outputs[1])
    let lines = String(decoding: outputs[0], as: UTF8.self).split(separator: "\n")
    #expect(lines.count > 10)
    var last = -1.0
    for line in lines {
      let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      let t = try #require(object["t_hours"] as? Double)
      #expect(t >= last && t <= 8760)
      last = t
      #expect(object["event"] is String && object["detail"] is String && object["unit"] is Int)
    }
  }

  @Test("run rejects a negative trace index and zero trials (exit 64)")
  func validation() {
    for arguments in [["run", "x.yaml", "--trace", "-1"], ["run", "x.yaml", "--trials", "0"]] {
      do {
        _ = try CPOSim.parseAsRoot(arguments)
        Issue.record("expected a validation error for \(arguments)")
      } catch {
        #expect(CPOSim.exitCode(for: error) == .validationFailure)
      }
    }
  }
}
