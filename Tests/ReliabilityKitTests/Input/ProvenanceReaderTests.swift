import Foundation
import Testing
@testable import ReliabilityKit

@Suite("Provenance and ranges")
struct ProvenanceReaderTests {
  let directory = TemporaryDirectory()

  /// A catalog with one part of each provenance class, with ranges.
  static let catalog = """
    schema_version: 1
    parts:
      fan:
        fru: fan
        power_w: 0
        unit_cost_usd: 150
        warranty: 3y
        source: by-definition
        sources: {unit_cost_usd: estimate, warranty: calibrated}
        calibrated: {target: "12 fan RMAs in 2025", date: 2026-01-15}
        note: "no fan price found"
        ranges:
          unit_cost_usd: [50, 400]
          warranty: [1y, 5y]
          modes.fail.distribution.afr: [0.3%, 5%]
        modes:
          fail:
            distribution: {kind: exponential, afr: 1%}
            source: vendor-fan-sheet
      psu:
        fru: psu
        power_w: 0
        unit_cost_usd: 400
        source: estimate
        note: "no PSU figures found"
        ranges: {unit_cost_usd: [200, 1000]}
        modes: {fail: {distribution: {kind: exponential, afr: 1%}}}
    """

  init() {
    directory.write("FailureData/parts.yaml", Self.catalog)
  }

  func load(_ text: String, name: String = "s.yaml") throws -> Scenario {
    try ScenarioLoader.load(path: directory.write(name, text))
  }

  /// Loads `text` and returns the error lines without the folder (empty when valid).
  func errors(_ text: String, name: String = "s.yaml") -> [String] {
    do {
      _ = try load(text, name: name)
      return []
    } catch {
      return (error as! InputErrors).errors.map { $0.description.replacingOccurrences(of: directory.url.path + "/", with: "") }
    }
  }

  static let system = """
    horizon: 1y
    system: {units: {a: {part: fan}}}
    repair:
      workflows:
        fan: {action: hot-swap, hands_on: 15m}
    """

  @Test("catalog and scenario ranges are exposed with the key path --set takes, the bounds as written and where they came from")
  func rangesExposed() throws {
    let scenario = try load(Self.system + """

      ranges:
        repair.workflows.fan.hands_on: [5m, 1h]
        parts.fan.unit_cost_usd: [100, 200]
      """)
    let byKey = Dictionary(uniqueKeysWithValues: scenario.ranges.map { ($0.keyPath, $0) })
    #expect(Set(byKey.keys) == ["repair.workflows.fan.hands_on", "parts.fan.unit_cost_usd", "parts.fan.warranty",
                                "parts.fan.modes.fail.distribution.afr"])
    let handsOn = try #require(byKey["repair.workflows.fan.hands_on"])
    #expect(handsOn.low == "5m" && handsOn.high == "1h" && handsOn.central == "15m" && handsOn.origin == .scenario)
    #expect(handsOn.file.hasSuffix("s.yaml") && handsOn.line == 7)
    // The scenario's range wins over the catalog's for the same key.
    #expect(byKey["parts.fan.unit_cost_usd"]?.low == "100" && byKey["parts.fan.unit_cost_usd"]?.origin == .scenario)
    let afr = try #require(byKey["parts.fan.modes.fail.distribution.afr"])
    #expect(afr.low == "0.3%" && afr.high == "5%" && afr.origin == .catalog && afr.file.hasSuffix("FailureData/parts.yaml"))
    // Only the parts the plant uses: the PSU's range is not listed.
    #expect(!scenario.ranges.contains { $0.keyPath.hasPrefix("parts.psu.") })
  }

  @Test("each bound applies as an override, the way a sensitivity study applies it")
  func boundsApplyAsOverrides() throws {
    let path = directory.write("s.yaml", Self.system)
    let base = try ScenarioLoader.load(path: path)
    for range in base.ranges {
      for bound in [range.low, range.high] {
        let moved = try ScenarioLoader.load(path: path, overrides: [.init(keyPath: range.keyPath, value: bound)])
        #expect(moved.inputs.first { $0.keyPath == range.keyPath }?.value == bound)
      }
    }
  }

  @Test("a range stops applying where a later file overrides its value")
  func overriddenValuesDropTheirRange() throws {
    // The scenario sets the fan's price: the catalog's range no longer bounds it.
    let scenario = try load(Self.system + "\nparts: {fan: {unit_cost_usd: 900}}\n")
    #expect(!scenario.ranges.contains { $0.keyPath == "parts.fan.unit_cost_usd" })
    // A base scenario's range does not bound a derived file's value (and is not checked against it).
    directory.write("base.yaml", Self.system + "\nranges: {repair.workflows.fan.hands_on: [5m, 1h]}\n")
    let derived = try load("extends: base.yaml\nrepair: {workflows: {fan: {action: hot-swap, hands_on: 3h}}}\n", name: "derived.yaml")
    #expect(!derived.ranges.contains { $0.keyPath == "repair.workflows.fan.hands_on" })
    // But it bounds a value the derived file inherits.
    let inherited = try load("extends: base.yaml\nseed: 4\n", name: "inherits.yaml")
    #expect(inherited.ranges.contains { $0.keyPath == "repair.workflows.fan.hands_on" })
  }

  @Test("bad ranges are reported at their line, naming the key", arguments: [
    ("ranges: {repair.workflows.fan.hands_on: [1h, 5m]}", "s.yaml:6:10: ranges.repair.workflows.fan.hands_on: low must be below high (got [1h, 5m])"),
    ("ranges: {repair.workflows.fan.hands_on: [5m, 10m]}", "s.yaml:6:10: ranges.repair.workflows.fan.hands_on: the value 15m (s.yaml:5) lies outside [5m, 10m]"),
    ("ranges: {repair.workflows.fan.hands_on: [5, 60]}", "s.yaml:6:10: ranges.repair.workflows.fan.hands_on: low and high must be written in the unit kind of the value they bound: low '5' is a plain number, high '60' is a plain number, value '15m' is a duration"),
    ("ranges: {repair.workflows.fan.hands_on: [-5m, 1h]}", "s.yaml:6:10: ranges.repair.workflows.fan.hands_on: the low bound '-5m' is not a valid value here: must be a non-negative duration (got '-5m')"),
    ("ranges: {repair.workflows.fan.handson: [5m, 1h]}", "s.yaml:6:10: ranges.repair.workflows.fan.handson: no key 'repair.workflows.fan.handson' in the scenario (after extends and the catalog) (did you mean 'hands_on'?)"),
    ("ranges: {repair.workflows.fan.action: [1, 2]}", "s.yaml:6:10: ranges.repair.workflows.fan.action: ranges bound a number, duration or rate; 'repair.workflows.fan.action' is 'hot-swap'"),
    ("ranges: {repair.workflows.fan: [1, 2]}", "s.yaml:6:10: ranges.repair.workflows.fan: 'repair.workflows.fan' is a mapping; give the range on one of its values: repair.workflows.fan.action, repair.workflows.fan.hands_on"),
    ("ranges: {horizon: 2y}", "s.yaml:6:19: ranges.horizon: must be a list [LOW, HIGH] such as [1000000h, 5000000h] (got '2y')"),
    ("ranges: {parts.fan.modes.fail.distribution.afr: [-1%, 2%]}", "s.yaml:6:10: ranges.parts.fan.modes.fail.distribution.afr: the low bound '-1%' is not a valid value here: exponential: 'afr' must be a positive, finite number (got -1)"),
    // After a bound outside parts (whose re-read keeps the parts it read for the next ones), a
    // bound inside parts is read with the parts anew, and one outside with the kept parts.
    ("ranges: {repair.workflows.fan.hands_on: [5m, 1h], parts.fan.modes.fail.distribution.afr: [-1%, 2%]}", "s.yaml:6:51: ranges.parts.fan.modes.fail.distribution.afr: the low bound '-1%' is not a valid value here: exponential: 'afr' must be a positive, finite number (got -1)"),
    ("ranges: {repair.workflows.fan.hands_on: [5m, 1h], horizon: [-1y, 2y]}", "s.yaml:6:51: ranges.horizon: the low bound '-1y' is not a valid value here: must be a positive duration (got '-1y')"),
  ])
  func badRanges(line: String, message: String) {
    #expect(errors(Self.system + "\n" + line + "\n") == [message])
  }

  @Test("bad catalog ranges name the part's file, line and key")
  func badCatalogRanges() {
    directory.write("bad/FailureData/parts.yaml", Self.catalog.replacingOccurrences(of: "warranty: [1y, 5y]", with: "warranty: [1, 5]")
      .replacingOccurrences(of: "modes.fail.distribution.afr: [0.3%, 5%]", with: "modes.fail.distribution.mtbf: [1h, 2h]"))
    let lines = errors(Self.system, name: "bad/s.yaml")
    #expect(lines == [
      "bad/FailureData/parts.yaml:14:7: parts.fan.ranges.warranty: low and high must be written in the unit kind of the value they bound: low '1' is a plain number, high '5' is a plain number, value '3y' is a duration",
      "bad/FailureData/parts.yaml:15:7: parts.fan.ranges.modes.fail.distribution.mtbf: no key 'modes.fail.distribution.mtbf' in part 'fan'",
    ], "\(lines)")
  }

  @Test("every input carries its provenance: sourced, calibrated, estimate (with its range and reason) or unstated")
  func provenanceClasses() throws {
    let scenario = try load(Self.system + """

      provenance:
        repair.workflows: {source: estimate, note: "no swap times published"}
      ranges:
        repair.workflows.fan.hands_on: [5m, 1h]
      costs: {pue: 1.3}
      """)
    let inputs = Dictionary(uniqueKeysWithValues: scenario.inputs.map { ($0.keyPath, $0) })
    #expect(inputs["parts.fan.power_w"]?.provenance == .sourced(key: "by-definition"))
    #expect(inputs["parts.fan.unit_cost_usd"]?.provenance == .estimate(reason: "no fan price found"))
    #expect(inputs["parts.fan.unit_cost_usd"]?.range?.low == "50")
    #expect(inputs["parts.fan.warranty"]?.provenance == .calibrated(target: "12 fan RMAs in 2025", date: "2026-01-15"))
    #expect(inputs["parts.fan.modes.fail.distribution.afr"]?.provenance == .sourced(key: "vendor-fan-sheet"))
    #expect(inputs["parts.fan.modes.fail.distribution.afr"]?.part == "fan")
    // A statement on a section covers the values below it.
    #expect(inputs["repair.workflows.fan.hands_on"]?.provenance == .estimate(reason: "no swap times published"))
    #expect(inputs["repair.workflows.fan.hands_on"]?.range?.high == "1h")
    #expect(inputs["costs.pue"]?.provenance == .unstated && inputs["costs.pue"]?.part == nil)
    // Parts the plant does not use are not listed.
    #expect(!inputs.keys.contains { $0.hasPrefix("parts.psu") })
  }

  @Test("a value a scenario overrides takes the scenario's provenance, not the catalog's")
  func overriddenProvenance() throws {
    let scenario = try load(Self.system + """

      parts: {fan: {modes: {fail: {distribution: {kind: exponential, afr: 2%}}}}}
      provenance: {parts.fan.modes.fail: our-fleet-2025}
      """)
    let afr = scenario.inputs.first { $0.keyPath == "parts.fan.modes.fail.distribution.afr" }
    #expect(afr?.provenance == .sourced(key: "our-fleet-2025") && afr?.value == "2%")
    let unstated = try load(Self.system + "\nparts: {fan: {power_w: 5}}\n", name: "u.yaml")
    #expect(unstated.inputs.first { $0.keyPath == "parts.fan.power_w" }?.provenance == .unstated)
  }

  @Test("bad provenance statements are reported at their line", arguments: [
    ("provenance: {costs.pue: {source: estimate}}", "s.yaml:7:34: provenance.costs.pue: an estimate needs its reason: {source: estimate, note: \"why this value\"}"),
    ("provenance: {costs.pue: {source: calibrated, note: x}}", "s.yaml:7:34: provenance.costs.pue.source: 'calibrated' needs calibrated: {target: what was matched, date: YYYY-MM-DD}"),
    ("provenance: {costs.pue: {source: calibrated, calibrated: {target: x, date: 2026}}}", "s.yaml:7:76: provenance.costs.pue.calibrated.date: must be a date written YYYY-MM-DD (got '2026')"),
    ("provenance: {costs.pue: Uptime 2024}", "s.yaml:7:25: provenance.costs.pue: must be a key of FailureData/SOURCES.md (lower-case words joined by '-'), 'estimate' or 'calibrated' (got 'Uptime 2024')"),
    ("provenance: {costs.pues: uptime-2024}", "s.yaml:7:14: provenance.costs.pues: no key 'costs.pues' in the scenario (after extends and the catalog) (did you mean 'pue'?)"),
  ])
  func badProvenance(line: String, message: String) {
    #expect(errors(Self.system + "\ncosts: {pue: 1.3}\n" + line + "\n") == [message])
  }

  @Test("a key path may index a list: jobs[0].checkpoint_interval is set, ranged and listed")
  func listIndexes() throws {
    directory.write("FailureData/parts.yaml", testCatalog)
    let text = """
      fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable}
      jobs: [{name: train, gpus: 256, checkpoint_interval: 1h}]
      ranges:
        jobs[0].checkpoint_interval: [10m, 2h]   # in a flow mapping {...} the key needs quotes
      """
    let path = directory.write("jobs.yaml", text)
    let scenario = try ScenarioLoader.load(path: path)
    #expect(scenario.ranges.map(\.keyPath) == ["jobs[0].checkpoint_interval"])
    #expect(scenario.inputs.contains { $0.keyPath == "jobs[0].checkpoint_interval" && $0.value == "1h" })
    let moved = try ScenarioLoader.load(path: path, overrides: [.init(keyPath: "jobs[0].checkpoint_interval", value: "10m")])
    #expect(abs(moved.jobs[0].checkpointInterval - 10.0 / 60) < 1e-12)
    #expect(moved.jobs[0].gpus == 256)
  }
}
