/// The expanded fabric: switches by tier, links by tier, and the FRU populations that fail.
///
/// Units are described as *populations* of identical FRUs (all leaf transceivers, all spine
/// boards), not as a million objects: the engine draws how many of a population fail and only
/// then which ones, so its cost follows the number of failures, not the fleet size.
public struct Fabric: Sendable, Hashable {
  public struct Tier: Sendable, Hashable {
    /// `leaf`, `spine` or `core`.
    public var name: String
    public var switches: Int
    /// Ports in use per switch towards the tier below (or the NICs).
    public var downlinksPerSwitch: Int
    /// Ports in use per switch towards the tier above.
    public var uplinksPerSwitch: Int
    /// Ports in use on all switches of the tier.
    public var portsInUse: Int
  }

  public struct LinkGroup: Sendable, Hashable {
    /// `nic-leaf`, `leaf-spine` or `spine-core`.
    public var name: String
    public var count: Int
  }

  /// Identical FRUs in one place, such as every transceiver on leaf switches.
  public struct Population: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable {
      case transceiver, fibre, switchBoard = "switch-board", els, psu, fan, nic
    }
    /// The FRU id (workflows and spare pools are keyed by it).
    public var fru: String
    public var role: Role
    /// Where: a tier name, `nic` or a link group name.
    public var location: String
    public var count: Int
    /// Parts inside one FRU and how many of each.
    public var parts: [PartCount]
  }

  public struct PartCount: Sendable, Hashable {
    public var part: String
    public var count: Int
  }

  public var spec: FabricSpec
  public var tiers: [Tier]
  public var links: [LinkGroup]
  public var populations: [Population]

  public var switches: Int { tiers.reduce(0) { $0 + $1.switches } }
  public var linkCount: Int { links.reduce(0) { $0 + $1.count } }
  public var switchPortsInUse: Int { tiers.reduce(0) { $0 + $1.portsInUse } }

  /// Units of each part across the fabric, by part id, in first-seen order.
  public var partCounts: [PartCount] {
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
  public var fruCounts: [PartCount] {
    var order: [String] = [], totals: [String: Int] = [:]
    for population in populations {
      if totals[population.fru] == nil { order.append(population.fru) }
      totals[population.fru, default: 0] += population.count
    }
    return order.map { PartCount(part: $0, count: totals[$0]!) }
  }

  public func count(ofPart part: String) -> Int { partCounts.first { $0.part == part }?.count ?? 0 }

  /// Pluggable transceiver modules (switch and NIC side).
  public var transceivers: Int { count(ofPart: spec.roles.transceiver) }
  public var opticalEngines: Int { count(ofPart: spec.roles.opticalEngine) }
  public var elsModules: Int { count(ofPart: spec.roles.els) }

  /// Laser diodes: in pluggable modules, in ELS modules and inside CPO packages.
  public var lasers: Int {
    transceivers * spec.lasersPerModule + elsModules * spec.lasersPerELS + count(ofPart: spec.roles.internalLaser)
  }

  /// Electrical power of the optics (modules, optical engines, laser sources) in watts, before PUE.
  public func opticsPowerWatts(catalog: PartCatalog) -> Double {
    let roles = spec.roles
    return [roles.transceiver, roles.opticalEngine, roles.els, roles.internalLaser].reduce(0) { total, part in
      total + Double(count(ofPart: part)) * (catalog[part]?.powerWatts ?? 0)
    }
  }
}

/// Expands a `FabricSpec` into a `Fabric`.
///
/// Sizing (R = switch radix, o = oversubscription, G = GPUs, one NIC port per GPU):
/// - leaf downlinks d = ⌊R·o/(1+o)⌋, uplinks u = R − d; leaves L = ⌈G/d⌉.
/// - leaf-spine: spines S = ⌈L·u/R⌉; every leaf reaches every spine, so L <= R and at most R·d GPUs.
/// - three-tier Clos: pods of R/2 leaves with u spines each (pods = ⌈L/(R/2)⌉, spines = pods·u);
///   spines are non-blocking (as many uplinks as downlinks in use), core C = ⌈L·u/R⌉; every pod
///   reaches every core switch, so pods <= R and at most R·(R/2)·d GPUs.
/// Every link is optical with a module (or a CPO port) at each end and one fibre.
public enum FabricBuilder {
  public static func build(_ spec: FabricSpec, catalog: PartCatalog) throws(ModelError) -> Fabric {
    let g = spec.gpus, r = spec.switchRadix
    let down = Int((Double(r) * spec.oversubscription / (1 + spec.oversubscription)).rounded(.down))
    let up = r - down
    guard down >= 1, up >= 1 else {
      throw .fabric("switch_radix \(r) with oversubscription \(formatted(spec.oversubscription)) leaves no \(down < 1 ? "downlink" : "uplink") ports")
    }
    let leaves = ceilDiv(g, down)
    var tiers: [Fabric.Tier] = []
    var links: [Fabric.LinkGroup] = [.init(name: "nic-leaf", count: g)]
    let leafSpineLinks = leaves * up

    switch spec.topology {
    case .leafSpine:
      guard leaves <= r else {
        throw .fabric("a two-tier leaf-spine of radix \(r) connects at most \(r * down) GPUs (\(r) leaves of \(down) downlinks), "
          + "but gpus is \(g); use topology three-tier-clos or a larger switch_radix")
      }
      let spines = ceilDiv(leafSpineLinks, r)
      tiers = [
        .init(name: "leaf", switches: leaves, downlinksPerSwitch: down, uplinksPerSwitch: up, portsInUse: g + leafSpineLinks),
        .init(name: "spine", switches: spines, downlinksPerSwitch: ceilDiv(leafSpineLinks, spines), uplinksPerSwitch: 0,
              portsInUse: leafSpineLinks),
      ]
      links.append(.init(name: "leaf-spine", count: leafSpineLinks))
    case .threeTierClos:
      let leavesPerPod = r / 2
      let pods = ceilDiv(leaves, leavesPerPod)
      guard pods <= r else {
        throw .fabric("a three-tier Clos of radix \(r) connects at most \(r * leavesPerPod * down) GPUs "
          + "(\(r) pods of \(leavesPerPod) leaves of \(down) downlinks), but gpus is \(g); use a larger switch_radix")
      }
      let spines = pods * up
      let spineCoreLinks = leafSpineLinks
      let cores = ceilDiv(spineCoreLinks, r)
      tiers = [
        .init(name: "leaf", switches: leaves, downlinksPerSwitch: down, uplinksPerSwitch: up, portsInUse: g + leafSpineLinks),
        .init(name: "spine", switches: spines, downlinksPerSwitch: ceilDiv(leafSpineLinks, spines),
              uplinksPerSwitch: ceilDiv(spineCoreLinks, spines), portsInUse: leafSpineLinks + spineCoreLinks),
        .init(name: "core", switches: cores, downlinksPerSwitch: ceilDiv(spineCoreLinks, cores), uplinksPerSwitch: 0,
              portsInUse: spineCoreLinks),
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
    let psu = try part(roles.psu, "psu")
    let fan = try part(roles.fan, "fan")
    let transceiver = try part(roles.transceiver, "transceiver")
    let fibre = try part(roles.fibre, "fibre")
    let nic = try part(roles.nic, "nic")

    var populations: [Fabric.Population] = []
    for tier in tiers {
      switch spec.optics {
      case .pluggable:
        let board = try part(roles.switchBoard, "switch_board")
        populations.append(.init(fru: board.fru, role: .switchBoard, location: tier.name, count: tier.switches,
                                 parts: [.init(part: board.id, count: 1)]))
        populations.append(.init(fru: transceiver.fru, role: .transceiver, location: tier.name, count: tier.portsInUse,
                                 parts: [.init(part: transceiver.id, count: 1)]))
      case .cpo, .cpoInternalLaser:
        let engine = try part(roles.opticalEngine, "optical_engine")
        let cpoBoard = try part(roles.cpoSwitchBoard, "cpo_switch_board")
        let engines = ceilDiv(r, spec.portsPerOpticalEngine)
        var boardParts: [Fabric.PartCount] = [.init(part: cpoBoard.id, count: 1), .init(part: engine.id, count: engines)]
        if spec.optics == .cpoInternalLaser {
          let laser = try part(roles.internalLaser, "internal_laser")
          let lasersPerPort = Double(spec.lasersPerELS) / Double(spec.portsPerELS)
          boardParts.append(.init(part: laser.id, count: Int((Double(r) * lasersPerPort).rounded(.up))))
        }
        populations.append(.init(fru: cpoBoard.fru, role: .switchBoard, location: tier.name, count: tier.switches,
                                 parts: boardParts))
        if spec.optics == .cpo {
          let els = try part(roles.els, "els")
          populations.append(.init(fru: els.fru, role: .els, location: tier.name,
                                   count: tier.switches * ceilDiv(r, spec.portsPerELS),
                                   parts: [.init(part: els.id, count: 1)]))
        }
      }
      populations.append(.init(fru: psu.fru, role: .psu, location: tier.name, count: tier.switches * spec.psusPerSwitch,
                               parts: [.init(part: psu.id, count: 1)]))
      populations.append(.init(fru: fan.fru, role: .fan, location: tier.name, count: tier.switches * spec.fansPerSwitch,
                               parts: [.init(part: fan.id, count: 1)]))
    }
    populations.append(.init(fru: transceiver.fru, role: .transceiver, location: "nic", count: g,
                             parts: [.init(part: transceiver.id, count: 1)]))
    populations.append(.init(fru: nic.fru, role: .nic, location: "nic", count: g,
                             parts: [.init(part: nic.id, count: 1)]))
    for group in links {
      populations.append(.init(fru: fibre.fru, role: .fibre, location: group.name, count: group.count,
                               parts: [.init(part: fibre.id, count: 1)]))
    }
    return Fabric(spec: spec, tiers: tiers, links: links, populations: populations)
  }

  static func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
}

/// A model that cannot be built from valid-looking inputs.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
  case fabric(String)
  case unknownPart(id: String, role: String, suggestion: String?)

  public var description: String {
    switch self {
    case let .fabric(reason): "fabric cannot be built: \(reason)"
    case let .unknownPart(id, role, suggestion):
      "the fabric's \(role) part '\(id)' is not in the catalog\(suggestion.map { " (did you mean '\($0)'?)" } ?? "")"
    }
  }
}
