/// The expanded fabric: switches by tier, links by tier, and the FRU populations that fail.
///
/// Units are described as *populations* of identical FRUs (all leaf transceivers, all spine
/// boards), not as a million objects: the engine draws how many of a population fail and only
/// then which ones, so its cost follows the number of failures, not the fleet size.
package struct Fabric: Sendable, Hashable {
  package struct Tier: Sendable, Hashable {
    /// `leaf`, `spine` or `core`.
    package var name: String
    package var switches: Int
    /// Ports in use per switch towards the tier below (or the NICs).
    package var downlinksPerSwitch: Int
    /// Ports in use per switch towards the tier above.
    package var uplinksPerSwitch: Int
    /// Ports in use on all switches of the tier.
    package var portsInUse: Int
  }

  package struct LinkGroup: Sendable, Hashable {
    /// `nic-leaf`, `leaf-spine` or `spine-core`.
    package var name: String
    package var count: Int
  }

  /// Identical FRUs in one place, such as every transceiver on leaf switches.
  package struct Population: Sendable, Hashable {
    package enum Role: String, Sendable, Hashable {
      case transceiver, fibre, switchBoard = "switch-board", els, psu, fan, nic, copperLink = "copper-link"
    }
    /// The FRU id (workflows and spare pools are keyed by it).
    package var fru: String
    package var role: Role
    /// Where: a tier name, `nic` or a link group name.
    package var location: String
    package var count: Int
    /// Parts inside one FRU and how many of each.
    package var parts: [PartCount]
  }

  package struct PartCount: Sendable, Hashable {
    package var part: String
    package var count: Int
  }

  package var spec: FabricSpec
  package var tiers: [Tier]
  package var links: [LinkGroup]
  package var populations: [Population]

  package var switches: Int { tiers.reduce(0) { $0 + $1.switches } }
  package var linkCount: Int { links.reduce(0) { $0 + $1.count } }
  package var switchPortsInUse: Int { tiers.reduce(0) { $0 + $1.portsInUse } }

  /// Units of each part across the fabric, by part id, in first-seen order.
  package var partCounts: [PartCount] {
    var order: [String] = [], totals: [String: Int] = [:]
    for population in populations {
      for entry in population.parts {
        if totals[entry.part] == nil { order.append(entry.part) }
        totals[entry.part, default: 0] += population.count * entry.count
      }
    }
    return order.map { PartCount(part: $0, count: totals[$0]!) }
  }

  /// FRUs by FRU id, in first-seen order.
  package var fruCounts: [PartCount] {
    var order: [String] = [], totals: [String: Int] = [:]
    for population in populations {
      if totals[population.fru] == nil { order.append(population.fru) }
      totals[population.fru, default: 0] += population.count
    }
    return order.map { PartCount(part: $0, count: totals[$0]!) }
  }

  package func count(ofPart part: String) -> Int { partCounts.first { $0.part == part }?.count ?? 0 }

  /// Pluggable transceiver modules (switch and NIC side).
  package var transceivers: Int { count(ofPart: spec.roles.transceiver) }
  package var opticalEngines: Int { count(ofPart: spec.roles.opticalEngine) }
  package var elsModules: Int { count(ofPart: spec.roles.els) }

  /// Laser diodes: in pluggable modules, in ELS modules and inside CPO packages.
  package var lasers: Int {
    transceivers * spec.lasersPerModule + elsModules * spec.lasersPerELS + count(ofPart: spec.roles.internalLaser)
  }

  /// Electrical power of the links' ends in watts, before PUE: the optics (modules, optical
  /// engines, laser sources) and, with copper NIC links, the cables (active copper draws power).
  package func opticsPowerWatts(catalog: PartCatalog) -> Double {
    let roles = spec.roles
    var parts = [roles.transceiver, roles.opticalEngine, roles.els, roles.internalLaser]
    if spec.nicLink == .copper { parts.append(roles.copperLink) }
    return parts.reduce(0) { total, part in
      total + Double(count(ofPart: part)) * (catalog[part]?.powerWatts ?? 0)
    }
  }
}

/// Expands a `FabricSpec` into a `Fabric`.
///
/// Sizing (R = switch radix, o = oversubscription, K = uplink overbuild, G = GPUs, P = planes,
/// h = links per NIC, one NIC port per GPU):
/// - leaf downlinks d = ⌊(R − K)·o/(1+o)⌋, uplinks u = R − d.
/// - Each plane serves G/P NICs (NIC r of a node joins plane r mod P) with h·⌈G/(P·d)⌉ leaves
///   (dual-homed NICs reach two leaves of a pair).
/// - leaf-spine: per plane S = ⌈L·u/R⌉ spines; every leaf reaches every spine, so L <= R.
/// - three-tier Clos: per plane, pods of R/2 leaves with u spines each (pods = ⌈L/(R/2)⌉,
///   spines = pods·u); spines are non-blocking, core C = ⌈L·u/R⌉; every pod reaches every core
///   switch, so pods <= R.
/// - Every switch–switch link is optical with a module (or a CPO port) at each end and one
///   fibre. NIC–leaf links are optical likewise, or copper cables (no optics at either end).
package enum FabricBuilder {
  package static func build(_ spec: FabricSpec, catalog: PartCatalog) throws(ModelError) -> Fabric {
    // Spare ports are left out of the wiring (r is the ports links may use); optics cover all.
    let g = spec.gpus, r = spec.switchRadix - spec.sparePorts, planes = spec.planes, homing = spec.nicHoming
    guard spec.sparePorts >= 0, r >= 2 else {
      throw .fabric("spare_ports \(spec.sparePorts) leaves fewer than 2 usable ports on a switch of radix \(spec.switchRadix)")
    }
    guard spec.uplinkOverbuild >= 0, spec.uplinkOverbuild < r - 1 else {
      throw .fabric("uplink_overbuild \(spec.uplinkOverbuild) leaves no room on a switch of radix \(r)")
    }
    let down = Int((Double(r - spec.uplinkOverbuild) * spec.oversubscription / (1 + spec.oversubscription)).rounded(.down))
    let up = r - down
    guard down >= 1, up >= 1 else {
      throw .fabric("switch_radix \(r) with oversubscription \(formatted(spec.oversubscription)) leaves no \(down < 1 ? "downlink" : "uplink") ports")
    }
    guard planes >= 1, spec.gpusPerNode % planes == 0 else {
      throw .fabric("planes \(planes) must divide gpus_per_node \(spec.gpusPerNode): each node spreads its NICs evenly over the planes")
    }
    guard planes == 1 && !spec.railOptimized || g % spec.gpusPerNode == 0 else {
      throw .fabric("gpus \(g) must be a multiple of gpus_per_node \(spec.gpusPerNode) for rails or planes")
    }
    guard (1...2).contains(homing) else { throw .fabric("nic_homing must be 1 or 2 (got \(homing))") }
    let planeGPUs = g / planes
    let leavesPerPlane = homing * ceilDiv(planeGPUs, down)
    let leaves = planes * leavesPerPlane
    let nicLinks = g * homing
    let leafSpinePerPlane = leavesPerPlane * up
    let leafSpineLinks = planes * leafSpinePerPlane
    var tiers: [Fabric.Tier] = []
    var links: [Fabric.LinkGroup] = [.init(name: "nic-leaf", count: nicLinks)]
    let planeText = planes > 1 ? " per plane" : ""

    switch spec.topology {
    case .leafSpine:
      guard leavesPerPlane <= r else {
        throw .fabric("a two-tier leaf-spine of radix \(r) connects at most \(r * down / homing * planes) GPUs (\(r) leaves\(planeText) of \(down) downlinks"
          + (homing > 1 ? ", dual-homed" : "") + "), but gpus is \(g); use topology three-tier-clos or a larger switch_radix")
      }
      let spinesPerPlane = ceilDiv(leafSpinePerPlane, r)
      tiers = [
        .init(name: "leaf", switches: leaves, downlinksPerSwitch: down, uplinksPerSwitch: up, portsInUse: nicLinks + leafSpineLinks),
        .init(name: "spine", switches: planes * spinesPerPlane, downlinksPerSwitch: ceilDiv(leafSpinePerPlane, spinesPerPlane),
              uplinksPerSwitch: 0, portsInUse: leafSpineLinks),
      ]
      links.append(.init(name: "leaf-spine", count: leafSpineLinks))
    case .threeTierClos:
      let leavesPerPod = r / 2
      let pods = ceilDiv(leavesPerPlane, leavesPerPod)
      guard pods <= r else {
        throw .fabric("a three-tier Clos of radix \(r) connects at most \(r * leavesPerPod * down / homing * planes) GPUs "
          + "(\(r) pods of \(leavesPerPod) leaves of \(down) downlinks\(planeText)" + (homing > 1 ? ", dual-homed" : "")
          + "), but gpus is \(g); use a larger switch_radix")
      }
      let spinesPerPlane = pods * up
      let coresPerPlane = ceilDiv(leafSpinePerPlane, r)
      let spineCoreLinks = leafSpineLinks
      tiers = [
        .init(name: "leaf", switches: leaves, downlinksPerSwitch: down, uplinksPerSwitch: up, portsInUse: nicLinks + leafSpineLinks),
        .init(name: "spine", switches: planes * spinesPerPlane, downlinksPerSwitch: ceilDiv(leafSpinePerPlane, spinesPerPlane),
              uplinksPerSwitch: ceilDiv(leafSpinePerPlane, spinesPerPlane), portsInUse: leafSpineLinks + spineCoreLinks),
        .init(name: "core", switches: planes * coresPerPlane, downlinksPerSwitch: ceilDiv(leafSpinePerPlane, coresPerPlane),
              uplinksPerSwitch: 0, portsInUse: spineCoreLinks),
      ]
      links.append(.init(name: "leaf-spine", count: leafSpineLinks))
      links.append(.init(name: "spine-core", count: spineCoreLinks))
    }

    let roles = spec.roles
    func part(_ id: String, _ role: String) throws(ModelError) -> Part {
      guard let part = catalog[id] else {
        throw .unknownPart(id: id, role: role, suggestion: Suggestion.closest(to: id, in: catalog.ids))
      }
      return part
    }
    let copper = spec.nicLink == .copper
    let psu = try part(roles.psu, "psu")
    let fan = try part(roles.fan, "fan")
    let transceiver = try part(roles.transceiver, "transceiver")
    let fibre = try part(roles.fibre, "fibre")
    let nic = try part(roles.nic, "nic")

    var populations: [Fabric.Population] = []
    for tier in tiers {
      // With copper NIC links a leaf's NIC-facing ports are electrical: no modules, engines or
      // laser sources on them.
      let electrical = copper && tier.name == "leaf" ? nicLinks : 0
      let opticalPorts = tier.portsInUse - electrical
      let opticalRadix = (copper && tier.name == "leaf" ? up : r) + spec.sparePorts
      switch spec.optics {
      case .pluggable, .lpo, .lro:
        let board = try part(roles.switchBoard, "switch_board")
        populations.append(.init(fru: board.fru, role: .switchBoard, location: tier.name, count: tier.switches,
                                 parts: [.init(part: board.id, count: 1)]))
        populations.append(.init(fru: transceiver.fru, role: .transceiver, location: tier.name, count: opticalPorts,
                                 parts: [.init(part: transceiver.id, count: 1)]))
      case .cpo, .cpoInternalLaser:
        let engine = try part(roles.opticalEngine, "optical_engine")
        let cpoBoard = try part(roles.cpoSwitchBoard, "cpo_switch_board")
        let engines = ceilDiv(opticalRadix, spec.portsPerOpticalEngine)
        var boardParts: [Fabric.PartCount] = [.init(part: cpoBoard.id, count: 1), .init(part: engine.id, count: engines)]
        if spec.optics == .cpoInternalLaser {
          let laser = try part(roles.internalLaser, "internal_laser")
          let lasersPerPort = Double(spec.lasersPerELS) / Double(spec.portsPerELS)
          boardParts.append(.init(part: laser.id, count: Int((Double(opticalRadix) * lasersPerPort).rounded(.up))))
        }
        populations.append(.init(fru: cpoBoard.fru, role: .switchBoard, location: tier.name, count: tier.switches,
                                 parts: boardParts))
        if spec.optics == .cpo {
          let els = try part(roles.els, "els")
          populations.append(.init(fru: els.fru, role: .els, location: tier.name,
                                   count: tier.switches * ceilDiv(opticalRadix, spec.portsPerELS),
                                   parts: [.init(part: els.id, count: 1)]))
        }
      }
      populations.append(.init(fru: psu.fru, role: .psu, location: tier.name, count: tier.switches * spec.psusPerSwitch,
                               parts: [.init(part: psu.id, count: 1)]))
      populations.append(.init(fru: fan.fru, role: .fan, location: tier.name, count: tier.switches * spec.fansPerSwitch,
                               parts: [.init(part: fan.id, count: 1)]))
    }
    if copper {
      let cable = try part(roles.copperLink, "copper_link")
      populations.append(.init(fru: cable.fru, role: .copperLink, location: "nic-leaf", count: nicLinks,
                               parts: [.init(part: cable.id, count: 1)]))
    } else {
      populations.append(.init(fru: transceiver.fru, role: .transceiver, location: "nic", count: nicLinks,
                               parts: [.init(part: transceiver.id, count: 1)]))
    }
    populations.append(.init(fru: nic.fru, role: .nic, location: "nic", count: g,
                             parts: [.init(part: nic.id, count: 1)]))
    for group in links where !(copper && group.name == "nic-leaf") {
      populations.append(.init(fru: fibre.fru, role: .fibre, location: group.name, count: group.count,
                               parts: [.init(part: fibre.id, count: 1)]))
    }
    return Fabric(spec: spec, tiers: tiers, links: links, populations: populations)
  }

  static func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
}

/// A model that cannot be built from valid-looking inputs.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The fabric preset's numbers do not make a fabric (`reason` says why).
  case fabric(String)
  /// A role names a part the catalog does not have, with the closest id when there is one.
  case unknownPart(id: String, role: String, suggestion: String?)
  /// The scenario asks for more events per trial than cposim simulates (`Simulation.eventLimit`).
  case eventVolume(file: String, expected: Double, limit: Double)
  /// The scenario's flaps shorter than every job's tolerance, counted without being simulated,
  /// are more than cposim counts (`Simulation.aggregatedFlapLimit`).
  case flapVolume(file: String, expected: Double, limit: Double)

  public var description: String {
    switch self {
    case let .eventVolume(file, expected, limit):
      "\(file): about \(String(format: "%.3g", expected)) events per trial expected (failures, flaps, background interruptions, switches taken down and restored by common causes, over the horizon); cposim simulates at most \(String(format: "%.3g", limit)): check the rates, counts and horizon"
    case let .flapVolume(file, expected, limit):
      "\(file): about \(String(format: "%.3g", expected)) flaps per trial expected that no job notices (counted, not simulated); cposim counts at most \(String(format: "%.3g", limit)): check the flap rates, counts and horizon"
    case let .fabric(reason): "fabric cannot be built: \(reason)"
    case let .unknownPart(id, role, suggestion):
      "the fabric's \(role) part '\(id)' is not in the catalog\(suggestion.map { " (did you mean '\($0)'?)" } ?? "")"
    }
  }
}
