/// Readers for the sections of a scenario file. Defaults are documented in README.md
/// ("Scenario files") and in Scenarios/README.md.

enum FabricReader {
  static let keys = [
    "topology", "gpus", "gpus_per_node", "switch_radix", "port_speed", "oversubscription", "optics",
    "ports_per_optical_engine", "ports_per_els", "spare_laser_lanes", "lasers_per_module", "lasers_per_els",
    "psus_per_switch", "psus_required", "fans_per_switch", "fans_required", "parts",
    "nic_link", "rail_optimized", "planes", "nic_homing", "uplink_overbuild", "spare_ports",
  ]
  static let roleKeys = ["transceiver", "fibre", "switch_board", "cpo_switch_board", "optical_engine", "els", "internal_laser", "psu", "fan",
                         "nic", "copper_link"]

  static func read(_ node: SourceNode, reader: InputReader) -> FabricSpec? {
    guard let f = reader.mapping(node, at: "fabric", allowed: keys) else { return nil }
    let topology = f.required("topology").flatMap {
      reader.choice($0, at: f.path("topology"), FabricSpec.TopologyPreset.allCases.map { ($0.rawValue, $0) })
    }
    let gpus = f.required("gpus").flatMap { reader.integer($0, at: f.path("gpus"), minimum: 1, maximum: InputLimits.gpus) }
    let optics = f.required("optics").flatMap {
      reader.choice($0, at: f.path("optics"), FabricSpec.Optics.allCases.map { ($0.rawValue, $0) })
    }
    let radix = f.integer("switch_radix", minimum: 2, maximum: InputLimits.switchRadix) ?? 64
    var portSpeed = 800
    if let speedNode = f["port_speed"], let text = reader.text(speedNode, at: f.path("port_speed")) {
      var body = text.trimmingWhitespace()
      for suffix in ["Gb/s", "G", "g"] where body.hasSuffix(suffix) { body = String(body.dropLast(suffix.count)); break }
      if let value = Int(body.trimmingWhitespace()), value > 0 { portSpeed = value } else {
        reader.fail(speedNode, f.path("port_speed"), "must be a speed in Gb/s such as 800G (got '\(text)')")
      }
    }
    var roles = FabricSpec.Roles()
    // A linear (LPO) or half-retimed (LRO) pluggable fabric takes its own module class by default.
    if let optics, let module = optics.defaultTransceiver { roles.transceiver = module }
    if let r = f.mapping("parts", allowed: roleKeys) {
      roles.transceiver = r.text("transceiver") ?? roles.transceiver
      roles.fibre = r.text("fibre") ?? roles.fibre
      roles.switchBoard = r.text("switch_board") ?? roles.switchBoard
      roles.cpoSwitchBoard = r.text("cpo_switch_board") ?? roles.cpoSwitchBoard
      roles.opticalEngine = r.text("optical_engine") ?? roles.opticalEngine
      roles.els = r.text("els") ?? roles.els
      roles.internalLaser = r.text("internal_laser") ?? roles.internalLaser
      roles.psu = r.text("psu") ?? roles.psu
      roles.fan = r.text("fan") ?? roles.fan
      roles.nic = r.text("nic") ?? roles.nic
      roles.copperLink = r.text("copper_link") ?? roles.copperLink
    }
    let psus = f.integer("psus_per_switch", minimum: 1) ?? 2
    let psusRequired = f.integer("psus_required", minimum: 1) ?? 1
    let fans = f.integer("fans_per_switch", minimum: 1) ?? 6
    let fansRequired = f.integer("fans_required", minimum: 1) ?? 5
    if psusRequired > psus { reader.fail(f["psus_required"]!, f.path("psus_required"), "cannot exceed psus_per_switch (\(psus)) (got \(psusRequired))") }
    if fansRequired > fans { reader.fail(f["fans_required"]!, f.path("fans_required"), "cannot exceed fans_per_switch (\(fans)) (got \(fansRequired))") }
    let gpusPerNode = f.integer("gpus_per_node", minimum: 1) ?? 8
    var planes = f.integer("planes", minimum: 1) ?? 1
    if let node = f["planes"], planes > 1, gpusPerNode % planes != 0 {
      reader.fail(node, f.path("planes"), "must divide gpus_per_node (\(gpusPerNode)): each node spreads its NICs evenly over the planes (got \(planes))")
      planes = 1  // reported; do not report it again when the fabric is built
    }
    let homing = f.integer("nic_homing", minimum: 1) ?? 1
    if let node = f["nic_homing"], homing > 2 {
      reader.fail(node, f.path("nic_homing"), "must be 1 (one leaf per NIC) or 2 (dual-homed) (got \(homing))")
    }
    var overbuild = f.integer("uplink_overbuild", minimum: 0) ?? 0
    if let node = f["uplink_overbuild"], overbuild >= radix - 1 {
      reader.fail(node, f.path("uplink_overbuild"), "must leave room for downlinks on a switch of radix \(radix): at most \(radix - 2) (got \(overbuild))")
      overbuild = 0
    }
    guard let topology, let gpus, let optics else { return nil }
    return FabricSpec(
      topology: topology, gpus: gpus, gpusPerNode: gpusPerNode, switchRadix: radix,
      portSpeedGbps: portSpeed,
      oversubscription: f.number("oversubscription", range: 0.01...1000, rangeText: "a positive ratio of downlinks to uplinks, such as 1 or 3") ?? 1,
      optics: optics,
      portsPerOpticalEngine: f.integer("ports_per_optical_engine", minimum: 1) ?? 8,
      portsPerELS: f.integer("ports_per_els", minimum: 1) ?? 8,
      spareLaserLanes: f.integer("spare_laser_lanes", minimum: 0) ?? 0,
      lasersPerModule: f.integer("lasers_per_module", minimum: 0) ?? 8,
      lasersPerELS: f.integer("lasers_per_els", minimum: 1) ?? 16,
      psusPerSwitch: psus, psusRequired: psusRequired, fansPerSwitch: fans, fansRequired: fansRequired, roles: roles,
      nicLink: f.choice("nic_link", FabricSpec.NICLink.allCases.map { ($0.rawValue, $0) }) ?? .optical,
      railOptimized: f.boolean("rail_optimized") ?? false, planes: planes, nicHoming: min(homing, 2), uplinkOverbuild: overbuild,
      sparePorts: f.integer("spare_ports", minimum: 0) ?? 0)
  }
}

enum SystemReader {
  static func read(_ node: SourceNode, catalog: PartCatalog, reader: InputReader) -> SystemSpec? {
    guard let s = reader.mapping(node, at: "system", allowed: ["units", "structure"]) else { return nil }
    var units: [SystemSpec.Unit] = []
    if let unitsNode = s.required("units") {
      for (name, _, value) in reader.namedEntries(unitsNode, at: s.path("units")) {
        let path = reader.join(s.path("units"), name)
        guard let u = reader.mapping(value, at: path, allowed: ["part", "count"]) else { continue }
        guard let partNode = u.required("part"), let part = reader.text(partNode, at: u.path("part")) else { continue }
        if catalog[part] == nil {
          reader.fail(partNode, u.path("part"), "no part '\(part)' in the catalog\(Suggestion.hint(for: part, in: catalog.ids))")
        }
        units.append(.init(name: name, part: part, count: u.integer("count", minimum: 1, maximum: InputLimits.unitCount) ?? 1))
      }
    }
    let names = units.map(\.name)
    let counts = Dictionary(units.map { ($0.name, $0.count) }, uniquingKeysWith: { a, _ in a })
    let structure = s["structure"].flatMap { topology($0, at: s.path("structure"), names: names, counts: counts, reader: reader) }
      ?? .series(names.map(Topology.unit))
    return SystemSpec(units: units, structure: structure)
  }

  /// `unit-name`, `{series: [...]}`, `{parallel: [...]}` or `{k_of_n: {k: 2, of: [...]}}`.
  /// - Parameter counts: copies of each unit (a counted unit in a k-of-n block is that many blocks).
  static func topology(_ node: SourceNode, at path: String, names: [String], counts: [String: Int] = [:], reader: InputReader) -> Topology? {
    if case let .scalar(name) = node.value {
      guard names.contains(name) else {
        reader.fail(node, path, "no unit '\(name)' in system.units\(Suggestion.hint(for: name, in: names))")
        return nil
      }
      return .unit(name)
    }
    guard let m = reader.mapping(node, at: path, allowed: ["series", "parallel", "k_of_n"]) else { return nil }
    let kinds = ["series", "parallel", "k_of_n"].filter { m[$0] != nil }
    if kinds.count > 1 {
      // After `extends`, a derived file's block merges into the base's: both keys are there.
      reader.fail(node, path, "a block is one of series, parallel or k_of_n, not several (got \(kinds.joined(separator: " and "))); "
        + "in a file that extends another, write the whole block as a list item or name the key the base uses")
      return nil
    }
    func blocks(_ node: SourceNode, _ path: String) -> [Topology]? {
      guard case let .sequence(items) = node.value, !items.isEmpty else {
        reader.fail(node, path, "must be a non-empty list of units or blocks")
        return nil
      }
      let parsed = items.enumerated().map { topology($1, at: "\(path)[\($0)]", names: names, counts: counts, reader: reader) }
      return parsed.contains { $0 == nil } ? nil : parsed.compactMap { $0 }
    }
    if let series = m["series"] { return blocks(series, m.path("series")).map(Topology.series) }
    if let parallel = m["parallel"] { return blocks(parallel, m.path("parallel")).map(Topology.parallel) }
    if let kOfN = m.mapping("k_of_n", allowed: ["k", "of"]) {
      guard let k = kOfN.required("k").flatMap({ reader.integer($0, at: kOfN.path("k"), minimum: 1) }),
            let of = kOfN.required("of").flatMap({ blocks($0, kOfN.path("of")) }) else { return nil }
      let n = of.reduce(0) { total, block in
        if case let .unit(name) = block { return total + (counts[name] ?? 1) }
        return total + 1
      }
      if k > n, let kNode = kOfN["k"] {
        reader.fail(kNode, kOfN.path("k"), "cannot exceed the \(n) block\(n == 1 ? "" : "s") of 'of' (a unit with a count is that many blocks): such a system is never up (got \(k))")
        return nil
      }
      return .kOutOfN(k: k, of: of)
    }
    reader.fail(node, path, "a block needs one of series, parallel or k_of_n")
    return nil
  }
}

enum RepairReader {
  static let keys = ["detection", "verification", "technicians", "maintenance_window", "spares", "workflows"]
  static let workflowKeys = [
    "action", "when", "hands_on", "drain", "clean_first", "clean_success", "no_fault_found", "collateral", "rma_turnaround",
    "swap_when_dark_exceeds", "remap_time", "proactive", "act_on_degradation",
  ]

  /// Reads the keys of a workflow block onto `base` (a FRU's defaults, or the FRU's workflow
  /// for a mode block).
  static func workflow(_ w: MappingReader, base: Workflow, window: Bool, reader: InputReader) -> Workflow {
    var workflow = base
    if let action = w["action"].flatMap({ reader.choice($0, at: w.path("action"), Workflow.Action.allCases.map { ($0.rawValue, $0) }) }),
       action != base.action {
      // A different action brings that action's defaults; the keys given below still apply.
      let when = workflow.when
      workflow = Workflow.default(action: action)
      workflow.when = when
    }
    workflow.when = w.choice("when", Workflow.When.allCases.map { ($0.rawValue, $0) }) ?? workflow.when
    workflow.handsOn = w.distribution("hands_on") ?? workflow.handsOn
    workflow.drain = w.distribution("drain") ?? workflow.drain
    workflow.cleanFirst = w.boolean("clean_first") ?? workflow.cleanFirst
    workflow.cleanSuccess = w.probability("clean_success") ?? workflow.cleanSuccess
    workflow.noFaultFound = w.probability("no_fault_found") ?? workflow.noFaultFound
    workflow.collateral = w.probability("collateral") ?? workflow.collateral
    workflow.rmaTurnaround = w.duration("rma_turnaround") ?? workflow.rmaTurnaround
    workflow.swapWhenDarkExceeds = w.integer("swap_when_dark_exceeds", minimum: 0) ?? workflow.swapWhenDarkExceeds
    workflow.remapTime = w.duration("remap_time") ?? workflow.remapTime
    workflow.actOnDegradation = w.boolean("act_on_degradation") ?? workflow.actOnDegradation
    if let p = w.mapping("proactive", allowed: ["after_flaps", "within", "action", "when"]) {
      let k = p.required("after_flaps").flatMap { reader.integer($0, at: p.path("after_flaps"), minimum: 1) }
      if let k, k > Workflow.Proactive.maximumFlaps, let n = p["after_flaps"] {
        reader.fail(n, p.path("after_flaps"), "at most \(Workflow.Proactive.maximumFlaps) flaps are tracked per unit (got \(k))")
      }
      let within = p.required("within").flatMap { reader.duration($0, at: p.path("within"), positive: true) }
      let replace = p.choice("action", [("clean", false), ("replace", true)]) ?? false
      let atWindow = p.choice("when", [("now", false), ("maintenance-window", true)]) ?? false
      if atWindow, !window, let n = p["when"] {
        reader.fail(n, p.path("when"), "'maintenance-window' needs repair.maintenance_window")
      }
      if let k, let within { workflow.proactive = .init(afterFlaps: min(k, Workflow.Proactive.maximumFlaps), within: within, replace: replace, atWindow: atWindow) }
    }
    if let node = w["when"] {
      switch workflow.when {
      case .now: break
      case .leaveDark:
        if !window, workflow.swapWhenDarkExceeds == nil {
          reader.fail(node, w.path("when"), "'leave-dark' needs repair.maintenance_window or swap_when_dark_exceeds (when to swap)")
        }
      default:
        if !window { reader.fail(node, w.path("when"), "'\(workflow.when.rawValue)' needs repair.maintenance_window") }
      }
    }
    for key in ["swap_when_dark_exceeds", "remap_time"] where w[key] != nil && workflow.when != .leaveDark {
      reader.fail(w[key]!, w.path(key), "only applies with when: leave-dark")
    }
    return workflow
  }

  /// - Parameter modesOfFRU: the failure modes of each FRU's parts, as `part/mode` (for
  ///   workflows refined per mode).
  static func read(_ node: SourceNode?, fruIDs: Set<String>, modesOfFRU: [String: [(part: String, mode: String)]] = [:],
                   reader: InputReader) -> RepairSpec? {
    let five = Distribution.deterministic(try! Deterministic(value: 5.0 / 60))
    let ten = Distribution.deterministic(try! Deterministic(value: 10.0 / 60))
    var spec = RepairSpec(detection: five, verification: ten, technicians: 2, shift: .twentyFourSeven,
                          maintenanceWindow: nil, spares: [:], workflows: [:])
    guard let node else { return spec }
    guard let r = reader.mapping(node, at: "repair", allowed: keys) else { return nil }
    spec.detection = r.distribution("detection") ?? five
    spec.verification = r.distribution("verification") ?? ten
    if let t = r.mapping("technicians", allowed: ["count", "shift"]) {
      spec.technicians = t.integer("count", minimum: 1) ?? 2
      spec.shift = t.choice("shift", RepairSpec.Shift.allCases.map { ($0.rawValue, $0) }) ?? .twentyFourSeven
    }
    if let w = r.mapping("maintenance_window", allowed: ["every", "duration", "offset"]) {
      let every = w.required("every").flatMap { reader.duration($0, at: w.path("every"), positive: true) }
      let duration = w.required("duration").flatMap { reader.duration($0, at: w.path("duration"), positive: true) }
      if let every, let duration {
        if duration >= every {
          reader.fail(w["duration"]!, w.path("duration"), "must be shorter than 'every' (\(formatted(every)) h)")
        }
        spec.maintenanceWindow = .init(every: every, duration: duration, offset: w.duration("offset") ?? 0)
      }
    }
    let sortedFRUs = fruIDs.sorted()
    func checkFRU(_ name: String, _ keyNode: SourceNode, _ path: String) -> Bool {
      guard fruIDs.contains(name) else {
        reader.fail(keyNode, path, "no FRU '\(name)' in the catalog\(Suggestion.hint(for: name, in: sortedFRUs)); FRUs: \(sortedFRUs.joined(separator: ", "))")
        return false
      }
      return true
    }
    if let sparesNode = r["spares"] {
      for (fru, keyNode, value) in reader.namedEntries(sparesNode, at: r.path("spares")) {
        let path = reader.join(r.path("spares"), fru)
        guard checkFRU(fru, keyNode, path),
              let p = reader.mapping(value, at: path, allowed: ["initial", "reorder_point", "reorder_quantity", "lead_time"]) else { continue }
        let initial = p.required("initial").flatMap { reader.integer($0, at: p.path("initial")) } ?? 0
        spec.spares[fru] = .init(initial: initial, reorderPoint: p.integer("reorder_point") ?? 0,
                                 reorderQuantity: p.integer("reorder_quantity", minimum: 1) ?? max(initial, 1),
                                 leadTime: p.duration("lead_time") ?? 14 * 24)
      }
    }
    if let workflowsNode = r["workflows"] {
      for (fru, keyNode, value) in reader.namedEntries(workflowsNode, at: r.path("workflows")) {
        let path = reader.join(r.path("workflows"), fru)
        guard checkFRU(fru, keyNode, path), let w = reader.mapping(value, at: path, allowed: workflowKeys + ["modes"]) else { continue }
        guard let action = w.required("action").flatMap({
          reader.choice($0, at: w.path("action"), Workflow.Action.allCases.map { ($0.rawValue, $0) })
        }) else { continue }
        let window = spec.maintenanceWindow != nil
        let workflow = Self.workflow(w, base: Workflow.default(action: action), window: window, reader: reader)
        spec.workflows[fru] = workflow
        guard let modesNode = w["modes"] else { continue }
        let known = modesOfFRU[fru] ?? []
        let names = known.map(\.mode) + known.map { "\($0.part)/\($0.mode)" }
        for (mode, modeKey, modeValue) in reader.namedEntries(modesNode, at: w.path("modes")) {
          let modePath = reader.join(w.path("modes"), mode)
          let matches = known.filter { $0.mode == mode || "\($0.part)/\($0.mode)" == mode }
          if matches.isEmpty {
            reader.fail(modeKey, modePath, "no failure mode '\(mode)' in the parts of FRU '\(fru)'\(Suggestion.hint(for: mode, in: names)); modes: \(names.joined(separator: ", "))")
            continue
          }
          if matches.count > 1, !mode.contains("/") {
            reader.fail(modeKey, modePath, "mode '\(mode)' is in several parts of FRU '\(fru)'; name it as part/mode: \(matches.map { "\($0.part)/\($0.mode)" }.joined(separator: ", "))")
            continue
          }
          guard let m = reader.mapping(modeValue, at: modePath, allowed: workflowKeys) else { continue }
          spec.modeWorkflows[fru, default: [:]][mode] = Self.workflow(m, base: workflow, window: window, reader: reader)
        }
      }
    }
    return spec
  }
}

enum JobReader {
  static let keys = [
    "name", "gpus", "checkpoint_interval", "checkpoint_write", "restart_overhead", "usd_per_gpu_hour",
    "background_rate", "uplink_interrupt_probability", "flap_tolerance", "uplink_flap_tolerance", "detection",
    "flap_detection", "memory_checkpoint", "placement", "min_nodes", "plane_loss", "nic_loss", "communication_share",
  ]
  static let memoryKeys = ["interval", "write", "restart", "survives_nodes_lost"]

  static func read(_ node: SourceNode?, reader: InputReader) -> [JobSpec] {
    guard let node else { return [] }
    guard case let .sequence(items) = node.value else {
      reader.fail(node, "jobs", "must be a list of jobs (got \(node.kindName))")
      return []
    }
    var jobs: [JobSpec] = []
    for (index, item) in items.enumerated() {
      let path = "jobs[\(index)]"
      if let old = item["plane_loss_throughput"] {
        // Replaced by a model of bandwidth, not a fixed factor (issue 24): say so instead of "unknown key".
        reader.fail(old, "\(path).plane_loss_throughput",
                    "was replaced by communication_share: a degraded job now runs at its slowest node's speed, "
                    + "1 / ((1 - c) + c/s) for a node left with a share s of its bandwidth (docs/scenarios.md, Jobs)")
        continue
      }
      guard let j = reader.mapping(item, at: path, allowed: keys) else { continue }
      guard let gpus = j.required("gpus").flatMap({ reader.integer($0, at: j.path("gpus"), minimum: 1) }) else { continue }
      let name = j.text("name") ?? "job-\(index + 1)"
      if jobs.contains(where: { $0.name == name }) { reader.fail(item, j.path("name"), "job name '\(name)' is used twice") }
      var job = JobSpec(
        name: name, gpus: gpus,
        checkpointInterval: j.duration("checkpoint_interval", positive: true) ?? 1,
        checkpointWrite: j.duration("checkpoint_write") ?? 0,
        restartOverhead: j.duration("restart_overhead") ?? 10.0 / 60,
        usdPerGPUHour: j.number("usd_per_gpu_hour", range: 0...1e6, rangeText: "a price of 0 or more") ?? 2.0,
        backgroundRatePerNodeHour: j.rate("background_rate") ?? 0,
        uplinkInterruptProbability: j.probability("uplink_interrupt_probability") ?? 1)
      job.flapTolerance = j.duration("flap_tolerance") ?? 0
      job.uplinkFlapTolerance = j.duration("uplink_flap_tolerance")
      job.detection = j.duration("detection") ?? 0
      job.flapDetection = j.duration("flap_detection")
      job.placement = j.choice("placement", JobSpec.Placement.allCases.map { ($0.rawValue, $0) }) ?? .contiguous
      job.minNodes = j.integer("min_nodes", minimum: 1)
      let policies = JobSpec.DegradedPolicy.allCases.map { ($0.rawValue, $0) }
      job.planeLoss = j.choice("plane_loss", policies) ?? .interrupt
      job.nicLoss = j.choice("nic_loss", policies) ?? .interrupt
      job.communicationShare = j.probability("communication_share") ?? 1
      if let m = j.mapping("memory_checkpoint", allowed: memoryKeys) {
        let interval = m.required("interval").flatMap { reader.duration($0, at: m.path("interval"), positive: true) }
        let restart = m.required("restart").flatMap { reader.duration($0, at: m.path("restart")) }
        let survives = m.required("survives_nodes_lost").flatMap { reader.integer($0, at: m.path("survives_nodes_lost")) }
        if let interval, let restart, let survives {
          job.memoryCheckpoint = JobSpec.MemoryCheckpoint(interval: interval, write: m.duration("write") ?? 0, restart: restart,
                                                         survivesNodesLost: survives)
          // Every k-th in-memory checkpoint is the durable one: the durable interval must be a whole multiple.
          let k = job.checkpointInterval / interval
          if k < 1 - 1e-9 || abs(k - k.rounded()) > 1e-6 * max(1, k) {
            reader.fail(m["interval"] ?? item, m.path("interval"),
                        "must divide checkpoint_interval (\(minutes(job.checkpointInterval))) a whole number of times: every k-th "
                        + "in-memory checkpoint is the durable one (got \(minutes(interval)))")
          }
        }
      }
      jobs.append(job)
    }
    return jobs
  }

  private static func minutes(_ h: Hours) -> String { String(format: "%gm", (h * 60 * 1e6).rounded() / 1e6) }
}

enum CostReader {
  static func read(_ node: SourceNode?, reader: InputReader) -> CostSpec? {
    var costs = CostSpec(technicianUSDPerHour: 29.98, dispatchFeeUSD: 0, electricityUSDPerKWh: 0.078, pue: 1.56)
    guard let node else { return costs }
    guard let c = reader.mapping(node, at: "costs", allowed: [
      "technician_usd_per_hour", "dispatch_fee_usd", "electricity_usd_per_kwh", "pue", "spares_carrying_rate", "rework_cost_fraction",
      "capital_life",
    ]) else {
      return nil
    }
    if let old = c["rework_cost_fraction"] {
      reader.fail(old, c.path("rework_cost_fraction"), "is replaced by the warranty and RMA model: give each FRU's part warranty, "
                    + "rework_cost_usd (the rework price outside warranty) and rma_logistics_usd (per shipment) in the catalog or "
                    + "under parts:, and costs.spares_carrying_rate for the stock held (docs/inputs.md)")
    }
    costs.technicianUSDPerHour = c.number("technician_usd_per_hour", range: 0...1e6, rangeText: "0 or more") ?? costs.technicianUSDPerHour
    costs.dispatchFeeUSD = c.number("dispatch_fee_usd", range: 0...1e9, rangeText: "0 or more") ?? costs.dispatchFeeUSD
    costs.electricityUSDPerKWh = c.number("electricity_usd_per_kwh", range: 0...100, rangeText: "a price of 0 or more") ?? costs.electricityUSDPerKWh
    costs.pue = c.number("pue", range: 1...10, rangeText: "at least 1 (a PUE below 1 is impossible)") ?? costs.pue
    costs.sparesCarryingRatePerYear = c.probability("spares_carrying_rate") ?? costs.sparesCarryingRatePerYear
    if let life = c["capital_life"] {
      if case let .scalar(text) = life.value, text.trimmingWhitespace() == "one-off" {
        costs.capital = .oneOff
      } else if case let .scalar(text) = life.value, (try? Units.hours(from: text)) == nil {
        reader.fail(life, c.path("capital_life"), "must be a duration such as 5y (the life the capital is amortised over) or one-off (got '\(text)')")
      } else if let hours = reader.duration(life, at: c.path("capital_life"), positive: true) {
        costs.capital = .life(hours)
      }
    }
    return costs
  }
}

enum NodePoolReader {
  static let keys = ["spare_nodes", "spare_swap_time", "host_repair", "spare_usd_per_gpu_hour"]

  static func read(_ node: SourceNode?, reader: InputReader) -> NodePoolSpec {
    var pool = NodePoolSpec()
    guard let node, let p = reader.mapping(node, at: "node_pool", allowed: keys) else { return pool }
    if let spares = p["spare_nodes"], let text = reader.text(spares, at: p.path("spare_nodes")) {
      let body = text.trimmingCharacters(in: .whitespaces)
      if body.hasSuffix("%"), let percent = Double(body.dropLast().trimmingCharacters(in: .whitespaces)), percent >= 0, percent <= 100 {
        pool.spareNodes = .fraction(percent / 100)
      } else if let count = Int(body), count >= 0 {
        pool.spareNodes = .count(count)
      } else {
        reader.fail(spares, p.path("spare_nodes"), "must be a number of nodes (0 or more) or a share of the fabric's nodes such as 1% (got '\(text)')")
      }
    }
    pool.spareSwapTime = p.duration("spare_swap_time") ?? pool.spareSwapTime
    pool.hostRepair = p.distribution("host_repair") ?? pool.hostRepair
    pool.spareUSDPerGPUHour = p.number("spare_usd_per_gpu_hour", range: 0...1e6, rangeText: "a price of 0 or more")
    return pool
  }
}

enum ThresholdReader {
  /// `thresholds: ["job_ettr < 0.9", "job_worst_month_interruptions > 10", "repair_downtime_hours > 2d"]`,
  /// checked against the metrics the scenario reports (`units`: metric name to unit).
  static func read(_ node: SourceNode?, units: [String: String], reader: InputReader) -> [Threshold] {
    guard let node else { return [] }
    guard case let .sequence(items) = node.value else {
      reader.fail(node, "thresholds", "must be a list such as [\"job_ettr < 0.9\"] (got \(node.kindName))")
      return []
    }
    var result: [Threshold] = []
    for (i, item) in items.enumerated() {
      let path = "thresholds[\(i)]"
      guard let text = reader.text(item, at: path) else { continue }
      let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
      guard parts.count == 3, let comparison = Threshold.Comparison(rawValue: parts[1]) else {
        reader.fail(item, path, "must be 'METRIC < VALUE' (or <=, >, >=) such as 'job_ettr < 0.9' (got '\(text)')")
        continue
      }
      let metric = parts[0]
      guard let unit = units[metric] else {
        reader.fail(item, path, "no metric '\(metric)' in this scenario's report\(Suggestion.hint(for: metric, in: units.keys.sorted()))")
        continue
      }
      let valueText = parts[2]
      var value: Double?, written = Threshold.Written.number
      if let plain = Double(valueText), plain.isFinite {
        value = plain
      } else if valueText.hasSuffix("%"), let percent = Double(valueText.dropLast()), percent.isFinite {
        value = percent / 100
        written = .percent
      } else if let hours = try? Units.hours(from: valueText), hours.isFinite {
        value = hours
        written = .duration
      }
      guard let value else {
        reader.fail(item, path, "the value must be a number, a percentage or a duration (got '\(valueText)')")
        continue
      }
      let fits: Bool = switch written {
      case .number: true
      case .percent: unit == "ratio"
      case .duration: unit == "hours"
      }
      guard fits else {
        reader.fail(item, path, "'\(valueText)' is \(written == .percent ? "a percentage" : "a duration") but \(metric) is in \(unit)")
        continue
      }
      result.append(Threshold(metric: metric, comparison: comparison, value: value, written: written, text: text))
    }
    return result
  }
}

enum CommonCauseReader {
  static let keys = ["name", "switches", "group_size", "rate", "duration", "planned"]

  /// `common_causes: [{name, switches: leaf|spine|core|all, group_size, rate, duration, planned}]`,
  /// checked against the fabric's tiers and switch counts (`switches`: tier name to count).
  static func read(_ node: SourceNode?, switches: [String: Int]?, reader: InputReader) -> [CommonCause] {
    guard let node else { return [] }
    guard case let .sequence(items) = node.value else {
      reader.fail(node, "common_causes", "must be a list of events (got \(node.kindName))")
      return []
    }
    guard let switches else {
      reader.fail(node, "common_causes", "need a fabric: they take groups of switches down")
      return []
    }
    var causes: [CommonCause] = []
    for (index, item) in items.enumerated() {
      let path = "common_causes[\(index)]"
      guard let c = reader.mapping(item, at: path, allowed: keys) else { continue }
      let name = c.text("name") ?? "cause-\(index + 1)"
      if causes.contains(where: { $0.name == name }) { reader.fail(item, c.path("name"), "name '\(name)' is used twice") }
      var tier: String?
      if let t = c.required("switches"), let text = reader.text(t, at: c.path("switches")) {
        if text == "all" {
          tier = nil
        } else if switches[text] != nil {
          tier = text
        } else {
          let names = switches.keys.sorted() + ["all"]
          reader.fail(t, c.path("switches"), "no tier '\(text)' in this fabric\(Suggestion.hint(for: text, in: names)); tiers: \(names.joined(separator: ", "))")
          continue
        }
      } else { continue }
      // Without group_size the whole tier is one group; 0 is refused rather than read as that.
      let size = c["group_size"] == nil ? 0 : c.integer("group_size", minimum: 1) ?? 0
      let available = tier.flatMap { switches[$0] } ?? switches.values.reduce(0, +)
      if let n = c["group_size"], size > available {
        reader.fail(n, c.path("group_size"), "cannot exceed the \(available) switches of \(tier ?? "the fabric") (got \(size))")
      }
      guard let rate = c.required("rate").flatMap({ reader.rate($0, at: c.path("rate")) }),
            let duration = c.required("duration").flatMap({ reader.distribution($0, at: c.path("duration")) }) else { continue }
      causes.append(CommonCause(name: name, tier: tier, groupSize: size, ratePerHour: rate, duration: duration,
                                planned: c.boolean("planned") ?? false))
    }
    return causes
  }
}

enum FleetReader {
  static func read(_ node: SourceNode?, reader: InputReader) -> FleetSpec {
    var fleet = FleetSpec()
    guard let node, let f = reader.mapping(node, at: "fleet", allowed: ["installed_age", "commissioning_ramp"]) else { return fleet }
    fleet.installedAge = f.duration("installed_age") ?? 0
    fleet.commissioningRamp = f.duration("commissioning_ramp") ?? 0
    return fleet
  }
}
