import Foundation
import Testing
@testable import ReliabilityKit

@Suite("Scenario loader")
struct ScenarioLoaderTests {
  let directory = TemporaryDirectory()

  init() {
    directory.write("FailureData/parts.yaml", testCatalog)
  }

  /// Loads `text` as `name` and returns the error lines (empty when valid).
  func errors(_ text: String, name: String = "s.yaml") -> [String] {
    let path = directory.write(name, text)
    do {
      _ = try ScenarioLoader.load(path: path)
      return []
    } catch {
      return error.errors.map { $0.description.replacingOccurrences(of: directory.url.path + "/", with: "") }
    }
  }

  func load(_ text: String, name: String = "s.yaml") throws -> Scenario {
    try ScenarioLoader.load(path: directory.write(name, text))
  }

  static let fabric = """
    fabric:
      topology: leaf-spine
      gpus: 512
      switch_radix: 64
      optics: pluggable
    """

  @Test("a valid scenario loads with its defaults and the catalog found above it")
  func valid() throws {
    let scenario = try load("name: small\nhorizon: 2y\ntrials: 50\nseed: 9\n" + Self.fabric, name: "sub/s.yaml")
    #expect(scenario.name == "small")
    #expect(scenario.horizon == 17_520)
    #expect(scenario.trials == 50 && scenario.seed == 9)
    #expect(scenario.catalog["pluggable-800g"]?.modes.count == 3)
    #expect(scenario.repair.technicians == 2)
    #expect(scenario.costs.pue == 1.56)
    guard case let .fabric(spec) = scenario.plant else { Issue.record("not a fabric"); return }
    #expect(spec.switchRadix == 64 && spec.optics == .pluggable && spec.portSpeedGbps == 800)
  }

  @Test("malformed YAML names the file, line and column")
  func malformed() {
    let lines = errors("name: x\nfabric: {topology: leaf-spine\n")
    #expect(lines.count == 1)
    #expect(lines.first?.hasPrefix("s.yaml:3:1: malformed YAML") == true, "\(lines)")
  }

  @Test("a wrong type names the key path and the value")
  func wrongType() {
    #expect(errors(Self.fabric + "\ntrials: many\n") == ["s.yaml:6:9: trials: must be a whole number (got 'many')"])
    #expect(errors(Self.fabric.replacingOccurrences(of: "gpus: 512", with: "gpus: [1, 2]"))
      == ["s.yaml:3:9: fabric.gpus: must be a single value (got a list)"])
  }

  @Test("an unknown key is an error with a did-you-mean suggestion")
  func unknownKey() {
    let lines = errors(Self.fabric.replacingOccurrences(of: "switch_radix", with: "switch_radx"))
    #expect(lines.count == 1)
    #expect(lines.first?.hasPrefix("s.yaml:4:3: fabric.switch_radx: unknown key 'switch_radx' (did you mean 'switch_radix'?)") == true, "\(lines)")
  }

  @Test("negative or zero rates and a zero shape are rejected at the parameter's line")
  func badRates() {
    let negative = errors(Self.fabric + """

      parts:
        pluggable-800g:
          modes:
            laser: {distribution: {kind: exponential, afr: -1%}}
      """)
    #expect(negative == ["s.yaml:9:54: parts.pluggable-800g.modes.laser.distribution.afr: exponential: 'afr' must be a positive, finite number (got -1)"])
    let zeroShape = errors(Self.fabric + """

      parts:
        fan:
          modes:
            fail: {distribution: {kind: weibull, shape: 0, scale: 10y}}
      """)
    #expect(zeroShape == ["s.yaml:9:51: parts.fan.modes.fail.distribution.shape: weibull: 'shape' must be a positive, finite number (got 0)"])
  }

  @Test("every error in a file is reported at once, in line order")
  func allErrors() {
    let lines = errors("""
      trials: 0
      horizon: 5
      fabric:
        topology: leaf-spin
        gpus: 512
        optics: pluggable
      costs: {pue: 0.9}
      """)
    #expect(lines == [
      "s.yaml:1:9: trials: must be at least 1 (got 0)",
      "s.yaml:2:10: horizon: '5' has no unit: write it as 5h, 5d or 5y (units: s, m, h, d, w, y)",
      "s.yaml:4:13: fabric.topology: must be one of leaf-spine, three-tier-clos (got 'leaf-spin') (did you mean 'leaf-spine'?)",
      "s.yaml:7:14: costs.pue: must be at least 1 (a PUE below 1 is impossible) (got 0.9)",
    ])
  }

  @Test("a missing file is one clear error")
  func missingFile() {
    #expect(throws: InputErrors([InputError(file: "/nonexistent/x.yaml", line: nil, column: nil, keyPath: "", message: "no such file")])) {
      try ScenarioLoader.load(path: "/nonexistent/x.yaml")
    }
    #expect(errors("extends: base.yaml\n") == ["s.yaml:1:10: extends: no such file 'base.yaml' (looked for base.yaml)"])
  }

  @Test("extends derives a scenario with overrides; a cycle in extends is an error")
  func extends() throws {
    directory.write("base.yaml", "name: base\ntrials: 10\n" + Self.fabric)
    let derived = try load("extends: base.yaml\nname: cpo\nfabric: {optics: cpo}\n", name: "cpo.yaml")
    #expect(derived.name == "cpo" && derived.trials == 10)
    guard case let .fabric(spec) = derived.plant else { Issue.record("not a fabric"); return }
    #expect(spec.optics == .cpo && spec.gpus == 512)
    #expect(derived.files == ["base.yaml", "cpo.yaml"].map { directory.path($0).replacingOccurrences(of: FileManager.default.currentDirectoryPath + "/", with: "") }
      || derived.files.last?.hasSuffix("cpo.yaml") == true)

    directory.write("a.yaml", "extends: b.yaml\n")
    directory.write("b.yaml", "extends: a.yaml\n")
    let lines = errors("extends: a.yaml\n", name: "c.yaml")
    #expect(lines.count == 1)
    #expect(lines.first?.hasSuffix("extends: extends forms a cycle: a.yaml -> b.yaml -> a.yaml") == true, "\(lines)")
  }

  @Test("errors in a base file name the base file")
  func errorInBase() {
    directory.write("base.yaml", Self.fabric + "\ntrials: -3\n")
    let lines = errors("extends: base.yaml\n", name: "child.yaml")
    #expect(lines.count == 1)
    #expect(lines.first?.hasSuffix("base.yaml:6:9: trials: must be at least 1 (got -3)") == true, "\(lines)")
  }

  @Test("a fabric with more GPUs than ports cannot be built")
  func tooManyGPUs() {
    let lines = errors(Self.fabric.replacingOccurrences(of: "gpus: 512", with: "gpus: 4096"))
    #expect(lines == ["s.yaml:2:3: fabric: fabric cannot be built: a two-tier leaf-spine of radix 64 connects at most 2048 GPUs (64 leaves of 32 downlinks), but gpus is 4096; use topology three-tier-clos or a larger switch_radix"])
  }

  @Test("workflows and spares must name FRUs of the catalog")
  func unknownFRU() {
    let lines = errors(Self.fabric + "\nrepair:\n  workflows:\n    pluggable-80g: {action: hot-swap}\n")
    #expect(lines.count == 1)
    #expect(lines.first?.hasPrefix("s.yaml:8:5: repair.workflows.pluggable-80g: no FRU 'pluggable-80g' in the catalog (did you mean 'pluggable-800g'?)") == true, "\(lines)")
  }

  @Test("a deferral needs a maintenance window")
  func deferralNeedsWindow() {
    let lines = errors(Self.fabric + "\nrepair:\n  workflows:\n    switch-board: {action: board-replace, when: maintenance-window}\n")
    #expect(lines.count == 1 && lines.first?.contains("'maintenance-window' needs repair.maintenance_window") == true, "\(lines)")
  }

  @Test("the warranty and RMA model: rework_cost_fraction is refused naming the new keys; a reworked FRU needs a rework price")
  func warrantyModelKeys() throws {
    let old = errors(Self.fabric + "\ncosts: {rework_cost_fraction: 0.25}\n")
    #expect(old.count == 1 && old[0].hasPrefix("s.yaml:6:31:")
      && old[0].contains("costs.rework_cost_fraction: is replaced by the warranty and RMA model: give each FRU's part warranty, rework_cost_usd")
      && old[0].contains("costs.spares_carrying_rate"), "\(old)")
    let rework = Self.fabric + "\nrepair: {workflows: {switch-board: {action: rma-rework}}}\n"
    let unpriced = errors(rework + "parts: {switch-board: {rework_cost_usd: null}}\n")
    #expect(unpriced.count == 1 && unpriced[0].contains("repair.workflows.switch-board.action: 'rma-rework' needs the rework price of FRU "
      + "'switch-board' outside warranty: give part 'switch-board' rework_cost_usd"), "\(unpriced)")
    let priced = try load(rework + "parts: {switch-board: {warranty: 3y, rework_cost_usd: 5000, rma_logistics_usd: 250}}\ncosts: {spares_carrying_rate: 30%}\n")
    let board = try #require(priced.catalog["switch-board"])
    #expect(board.warranty == 3 * 8760 && board.reworkCostUSD == 5000 && board.rmaLogisticsUSD == 250)
    #expect(priced.costs.sparesCarryingRatePerYear == 0.3)
  }

  @Test("repair, jobs and costs read into typed values")
  func fullScenario() throws {
    let scenario = try load(Self.fabric + """

      repair:
        detection: {kind: lognormal, median: 2m, sigma: 1}
        technicians: {count: 4, shift: 8x5}
        maintenance_window: {every: 1w, duration: 4h, offset: 2d}
        spares:
          pluggable-800g: {initial: 40, reorder_point: 10, reorder_quantity: 40, lead_time: 2w}
        workflows:
          pluggable-800g: {action: hot-swap, hands_on: 10m, clean_success: 60%, no_fault_found: 0.1, collateral: 0.01}
          switch-board: {action: rma-rework, when: maintenance-window, rma_turnaround: 6w}
      jobs:
        - {name: pretrain, gpus: 512, checkpoint_interval: 30m, checkpoint_write: 20s, restart_overhead: 10m,
           usd_per_gpu_hour: 2.2, background_rate: 6.5e-3/d, uplink_interrupt_probability: 0.5}
      costs: {technician_usd_per_hour: 45, dispatch_fee_usd: 150, electricity_usd_per_kwh: 0.1, pue: 1.3}
      """)
    #expect(scenario.repair.technicians == 4 && scenario.repair.shift == .eightFive)
    #expect(scenario.repair.maintenanceWindow == .init(every: 168, duration: 4, offset: 48))
    #expect(scenario.repair.spares["pluggable-800g"] == .init(initial: 40, reorderPoint: 10, reorderQuantity: 40, leadTime: 336))
    let swap = try #require(scenario.repair.workflows["pluggable-800g"])
    #expect(swap.action == .hotSwap && swap.cleanSuccess == 0.6 && swap.noFaultFound == 0.1 && swap.handsOn.mean == 10.0 / 60)
    #expect(scenario.repair.workflows["switch-board"]?.when == .maintenanceWindow)
    let job = try #require(scenario.jobs.first)
    #expect(job.name == "pretrain" && job.gpus == 512 && job.checkpointInterval == 0.5)
    #expect(close(job.backgroundRatePerNodeHour, 6.5e-3 / 24, 1e-15) && job.uplinkInterruptProbability == 0.5)
    #expect(scenario.costs == CostSpec(technicianUSDPerHour: 45, dispatchFeeUSD: 150, electricityUSDPerKWh: 0.1, pue: 1.3))
  }

  @Test("a plain system: units with counts and a series/parallel/k-of-n structure")
  func plainSystem() throws {
    let scenario = try load("""
      ageing_while_down: frozen
      system:
        units:
          board: {part: switch-board}
          psu: {part: psu, count: 2}
          fan: {part: fan, count: 6}
        structure: {series: [board, {parallel: [psu]}, {k_of_n: {k: 5, of: [fan]}}]}
      """)
    #expect(scenario.ageingWhileDown == .frozen)
    guard case let .system(system) = scenario.plant else { Issue.record("not a system"); return }
    #expect(system.units.map(\.count) == [1, 2, 6])
    #expect(system.structure == .series([.unit("board"), .parallel([.unit("psu")]), .kOutOfN(k: 5, of: [.unit("fan")])]))
    #expect(errors("system:\n  units: {a: {part: fann}}\n") == ["s.yaml:2:21: system.units.a.part: no part 'fann' in the catalog (did you mean 'fan'?)"])
  }

  @Test("part overrides in the scenario change the catalog entry, and new parts can be added")
  func partOverrides() throws {
    let scenario = try load(Self.fabric + """

      parts:
        pluggable-800g:
          power_w: 14
          modes:
            laser: {distribution: {kind: exponential, afr: 1.75%}}
        widget: {fru: widget, source: estimate, modes: {wear: {distribution: {kind: weibull, shape: 2, scale: 10y}}}}
      """)
    let module = try #require(scenario.catalog["pluggable-800g"])
    #expect(module.powerWatts == 14)
    #expect(module.modes.first { $0.id == "laser" }?.distribution == .exponential(try Exponential(annualisedFailureRatePercent: 1.75)))
    #expect(module.modes.count == 3)
    #expect(scenario.catalog["widget"]?.modes.first?.distribution == .weibull(try Weibull(shape: 2, scale: 87_600)))
  }
}

@Suite("Scenario loader: nodes, jobs and fabric variants")
struct NodePoolInputTests {
  let directory = TemporaryDirectory()

  init() {
    directory.write("FailureData/parts.yaml", testCatalog)
  }

  func errors(_ text: String) -> [String] {
    do {
      _ = try ScenarioLoader.load(path: directory.write("s.yaml", text))
      return []
    } catch {
      return error.errors.map { $0.description.replacingOccurrences(of: directory.url.path + "/", with: "") }
    }
  }

  static let fabric = "fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable}\n"

  @Test("spare nodes, placement and elastic jobs load; a share of spares rounds up")
  func loads() throws {
    let s = try ScenarioLoader.load(path: directory.write("s.yaml", Self.fabric + """
      node_pool: {spare_nodes: 5%, spare_swap_time: 10m, host_repair: {kind: lognormal, median: 4h, sigma: 1}}
      jobs: [{name: a, gpus: 256, placement: spread, min_nodes: 30}, {name: b, gpus: 128}]
      """))
    #expect(s.nodePool.spares(nodes: 64, inJobs: 48) == 4)
    #expect(s.nodePool.spareSwapTime == 1.0 / 6)
    #expect(s.jobs[0].placement == .spread && s.jobs[0].minNodes == 30 && s.jobs[1].minNodes == nil)
  }

  @Test("each impossible placement is an error at its line naming the limit", arguments: [
    ("node_pool: {spare_nodes: 65}\n", "node_pool.spare_nodes: cannot exceed the fabric's 64 nodes (got 65)"),
    ("node_pool: {spare_nodes: 20}\njobs: [{name: a, gpus: 400}]\n", "node_pool.spare_nodes: 20 spare nodes and the jobs' 50 nodes exceed the fabric's 64 nodes"),
    ("jobs: [{name: a, gpus: 400}, {name: b, gpus: 200}]\n", "jobs: the jobs need 75 nodes together but the fabric has 64"),
    ("jobs: [{name: a, gpus: 64, min_nodes: 9}]\n", "jobs[0].min_nodes: cannot exceed the job's 8 nodes (64 GPUs of 8 per node) (got 9)"),
    ("node_pool: {spare_nodes: -1}\n", "node_pool.spare_nodes: must be a number of nodes (0 or more) or a share of the fabric's nodes such as 1% (got '-1')"),
  ])
  func placementErrors(yaml: String, message: String) {
    let lines = errors(Self.fabric + yaml)
    #expect(lines.count == 1 && lines.first?.contains(message) == true, "\(lines)")
    #expect(lines.first?.hasPrefix("s.yaml:") == true && lines.first?.split(separator: ":").count ?? 0 > 3, "no line number: \(lines)")
  }

  @Test("fabric variants are checked where they are written")
  func variantErrors() {
    let planes = errors("fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable, planes: 3}\n")
    #expect(planes == ["s.yaml:1:88: fabric.planes: must divide gpus_per_node (8): each node spreads its NICs evenly over the planes (got 3)"])
    let homing = errors("fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable, nic_homing: 3}\n")
    #expect(homing.first?.contains("fabric.nic_homing: must be 1 (one leaf per NIC) or 2 (dual-homed) (got 3)") == true, "\(homing)")
    let link = errors("fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable, nic_link: coper}\n")
    #expect(link.first?.contains("copper") == true, "\(link)")
  }
}
