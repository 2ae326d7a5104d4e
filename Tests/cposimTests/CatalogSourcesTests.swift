import Foundation
import Testing
import ReliabilityKit

@Suite("Part catalog")
struct CatalogSourcesTests {
  func catalog() throws -> PartCatalog {
    let workspace = Workspace()
    let scenario = try workspace.write("s.yaml", "\(Workspace.catalogLine)\nsystem: {units: {a: {part: fan}}}\n")
    return try ScenarioLoader.load(path: scenario).catalog
  }

  /// The repository's catalog with every part in use (one unit of each), so every value is listed.
  func everyPart() throws -> Scenario {
    let workspace = Workspace()
    let units = try catalog().ids.map { "\($0): {part: \($0)}" }.joined(separator: ", ")
    return try ScenarioLoader.load(path: try workspace.write("all.yaml", "\(Workspace.catalogLine)\nsystem: {units: {\(units)}}\n"))
  }

  static func sourceKeys() throws -> Set<String> {
    let sources = try String(contentsOf: repositoryRoot.appendingPathComponent("FailureData/SOURCES.md"), encoding: .utf8)
    return Set(sources.split(separator: "\n").filter { $0.hasPrefix("### ") }.map { String($0.dropFirst(4)).trimmingCharacters(in: .whitespaces) })
  }

  @Test("every source in FailureData/parts.yaml is a section of SOURCES.md, or 'estimate'")
  func sourcesExist() throws {
    let headings = try Self.sourceKeys()
    for part in try catalog().parts {
      for source in [part.source] + part.modes.map(\.source) where source != "estimate" && source != "calibrated" {
        #expect(headings.contains(source), "part \(part.id): source '\(source)' has no section in SOURCES.md")
      }
    }
    // Values with a source of their own (`sources:`) too.
    for input in try everyPart().inputs {
      if case let .sourced(key) = input.provenance {
        #expect(headings.contains(key), "\(input.keyPath): source '\(key)' has no section in SOURCES.md")
      }
    }
  }

  @Test("every catalog value is sourced, calibrated (with target and date) or an estimate with a range and a reason")
  func everyValueHasAProvenance() throws {
    let inputs = try everyPart().inputs
    #expect(inputs.count > 60)
    for input in inputs {
      switch input.provenance {
      case .sourced: break
      case let .calibrated(target, date):
        #expect(!target.isEmpty && !date.isEmpty, "\(input.keyPath): calibrated without target or date")
      case let .estimate(reason):
        #expect(input.range != nil, "\(input.keyPath) = \(input.value) is an estimate without a range")
        #expect(!reason.isEmpty, "\(input.keyPath) is an estimate without a reason (note:)")
      case .unstated:
        Issue.record("\(input.keyPath) has no provenance")
      }
    }
  }

  @Test("pluggable and CPO are compared on one basis: power per 800G port from one source, Meta's paired reliability figures")
  func matchedBases() throws {
    let c = try catalog()
    let module = try #require(c["pluggable-800g"]), engine = try #require(c["cpo-optical-engine"]), els = try #require(c["els-module"])
    // Power per 800G port (SemiAnalysis): a DSP module 16-17 W, a CPO port (engine + laser) 4-5 W,
    // split 7:2 between engine and laser as NVIDIA does. An 8-port engine and an 8-port ELS.
    #expect((16...17).contains(module.powerWatts))
    let cpoPort = (engine.powerWatts + els.powerWatts) / 8
    #expect((4...5).contains(cpoPort))
    #expect(abs(engine.powerWatts / els.powerWatts - 7.0 / 2) < 1e-9)
    // Hard failures per port: the CPO engine's rate per port over the module's rate is Meta's
    // 550k h / 2.6 M h from the same study (0.21), within the rounding of the mode split.
    func rate(_ d: Distribution) -> Double { 1 / d.mean }
    let moduleRate = module.modes.filter { if case .hard = $0.effect { true } else { false } }.map { rate($0.distribution) }.reduce(0, +)
    let enginePortRate = rate(try #require(engine.modes.first { $0.id == "engine-failure" }).distribution) / 8
    #expect(abs(moduleRate * 8760 * 100 - 8760 / 550_000 * 100) < 0.005, "module \(moduleRate * 876_000) %/yr")
    #expect(abs(enginePortRate / moduleRate - 550_000 / 2.6e6) < 0.002)
    // Only the hardware share of switch failures swaps a board: Singh's 8.1 %/yr x 32 %.
    for id in ["switch-board", "cpo-switch-board"] {
      let board = try #require(c[id]?.modes.first { $0.id == "board-hardware" })
      #expect(abs(rate(board.distribution) * 876_000 - (-log(0.98) / 0.25 * 100) * 0.32) < 0.02)  // 2.59 %/yr, written 2.6 %
    }
  }

  @Test("every shipped scenario states where each number comes from, and every estimate has a range")
  func shippedScenarios() throws {
    let headings = try Self.sourceKeys()
    let folder = repositoryRoot.appendingPathComponent("Scenarios")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
    #expect(names.count >= 20)
    for name in names {
      let scenario = try ScenarioLoader.load(path: folder.appendingPathComponent(name).path)
      for input in scenario.inputs {
        switch input.provenance {
        case let .sourced(key): #expect(headings.contains(key), "\(name): \(input.keyPath): no section '\(key)' in SOURCES.md")
        case .estimate: #expect(input.range != nil, "\(name): \(input.keyPath) is an estimate without a range")
        case .calibrated: break
        case .unstated: Issue.record("\(name): \(input.keyPath) = \(input.value) has no provenance")
        }
      }
    }
  }

  @Test("the catalog covers every part the fabric presets need, each with at least one failure mode")
  func coverage() throws {
    let catalog = try catalog()
    let roles = FabricSpec.Roles()
    for id in [roles.transceiver, roles.fibre, roles.switchBoard, roles.cpoSwitchBoard, roles.opticalEngine, roles.els,
               roles.internalLaser, roles.psu, roles.fan, roles.nic, roles.copperLink] {
      let part = try #require(catalog[id], "missing part \(id)")
      #expect(!part.modes.isEmpty)
    }
    // The pluggable has the four modes the issue names: laser wear-out, electronics, contamination, flap.
    let modes = try #require(catalog[roles.transceiver]).modes
    #expect(modes.contains { $0.fix == .clean || $0.fix == .reseat })
    #expect(modes.contains { if case .flap = $0.effect { true } else { false } })
    #expect(modes.filter { $0.fix == .replace }.count >= 2)
  }

  @Test("the optics alternatives read as sourced: LPO power, the LRO and CPO-premium arithmetic, AEC retimers; the rest estimates with ranges")
  func alternatives() throws {
    let scenario = try everyPart()
    let c = scenario.catalog
    func provenance(_ keyPath: String) -> InputProvenance? { scenario.inputs.first { $0.keyPath == keyPath }?.provenance }
    // LPO: 8-9 W for an 800G module (lpo-power-800g), the middle of it.
    let lpo = try #require(c["lpo-800g"]), dsp = try #require(c["pluggable-800g"])
    #expect(lpo.powerWatts == 8.5)
    #expect(provenance("parts.lpo-800g.power_w") == .sourced(key: "lpo-power-800g"))
    // Same lasers and connector as the DSP module: the laser and contamination rates are the paired ones.
    for mode in ["laser-wearout", "contamination"] {
      #expect(lpo.modes.first { $0.id == mode }?.distribution == dsp.modes.first { $0.id == mode }?.distribution)
      #expect(provenance("parts.lpo-800g.modes.\(mode).distribution.afr") == .sourced(key: "derived-pluggable-800g-paired"))
    }
    // Fewer parts, but marginal links: less electronics, more flaps, a lemon minority (estimates with ranges).
    func rate(_ p: Part, _ mode: String) -> Double { 1 / (p.modes.first { $0.id == mode }?.distribution.mean ?? .infinity) }
    #expect(rate(lpo, "electronics-other") < rate(dsp, "electronics-other"))
    #expect(rate(lpo, "link-flap") > rate(dsp, "link-flap"))
    #expect((lpo.lemon?.probability ?? 0) > 0 && (lpo.lemon?.flapMultiplier ?? 1) > 1)
    for key in ["parts.lpo-800g.lemon.probability", "parts.lpo-800g.modes.link-flap.distribution.rate", "parts.lpo-800g.unit_cost_usd"] {
      guard case .estimate = provenance(key) else { Issue.record("\(key) should be an estimate"); continue }
      #expect(scenario.inputs.first { $0.keyPath == key }?.range != nil, "\(key) has no range")
    }
    // LRO (derived-lro-800g): 16.5 W less half the DSP's 50 % share, 12.4 W to a tenth of a watt.
    let lro = try #require(c["lro-800g"])
    #expect(abs(lro.powerWatts - (dsp.powerWatts - dsp.powerWatts * 0.5 / 2)) < 0.05)
    #expect(provenance("parts.lro-800g.power_w") == .sourced(key: "derived-lro-800g"))
    // CPO premium (derived-cpo-premium): the pluggable switch plus the 64 DSP modules the engines replace.
    let cpo = try #require(c["cpo-switch-board"]), board = try #require(c["switch-board"])
    #expect(cpo.unitCostUSD == board.unitCostUSD + 64 * dsp.unitCostUSD)
    // AEC (point2-aec-retimer): a 3 W retimer at each end.
    let aec = try #require(c["aec-800g"])
    #expect(aec.powerWatts == 2 * 3)
    #expect(provenance("parts.aec-800g.power_w") == .sourced(key: "point2-aec-retimer"))
    // Support contracts: 10 % of the pluggable switch's price a year (network-support-contracts, 2-20 %),
    // the same contract on the CPO board (its engines' repairs are priced by the RMA lines).
    #expect(abs(board.supportUSDPerYear - 0.10 * board.unitCostUSD) < 1e-6)
    #expect(cpo.supportUSDPerYear == board.supportUSDPerYear)
    for part in [board, cpo] {
      #expect(provenance("parts.\(part.id).support_usd_per_year") == .sourced(key: "network-support-contracts"))
    }
    // Host SerDes: a CPO port's short-reach lanes draw less than a module end's long-reach ones.
    let engine = try #require(c["cpo-optical-engine"])
    #expect(engine.hostSerDesWatts / 8 < dsp.hostSerDesWatts && dsp.hostSerDesWatts == lpo.hostSerDesWatts)
  }
}
