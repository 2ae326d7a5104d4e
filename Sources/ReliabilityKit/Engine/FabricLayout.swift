/// The wiring of a built fabric, and the one place that knows what a unit of each role takes
/// down: which links a switch, port, module, laser source or optical engine carries.
///
/// Links are numbered in groups: NIC–leaf links 0..<G (link i serves GPU i), then leaf–spine
/// links (link j leaves leaf j / u), then spine–core links. Switches are numbered leaves first,
/// then spines, then cores (`firstSwitch(ofTier:)`). Leaf l's ports are its NIC links followed by
/// its uplinks. In a three-tier Clos, leaf–spine link j reaches spine pod·u + (j mod u) of its
/// pod, and spine–core link j mirrors leaf–spine link j on the same spine and reaches core
/// j mod C; in a leaf-spine, leaf–spine link j reaches spine j mod S.
///
/// `impactRule(role:location:part:)` and `drainRule(role:location:)` resolve a population into
/// an `ImpactRule` when the plant layout is built; `impact(of:unit:using:)` executes a rule for
/// one unit. Nothing else in the engine knows about roles, tiers or CPO arithmetic.
///
/// A class, so that the engine's many reads of it do not copy its arrays.
final class FabricLayout: Sendable {
  let gpus: Int
  let gpusPerNode: Int
  let radix: Int
  let down: Int
  let up: Int
  let leaves: Int
  let spines: Int
  let cores: Int
  let threeTier: Bool
  let leafSpineLinks: Int
  let portsPerEngine: Int
  let portsPerELS: Int
  let lasersPerPort: Double
  /// Per redundancy group of a switch (`RedundancyGroup.psu`, `.fan`): units per switch, and
  /// how many of them the switch needs.
  let redundancy: [(perSwitch: Int, required: Int)]
  /// Part ids by role, to tell a board's own failure from an engine or laser failure.
  let boardParts: Set<String>
  let laserPart: String
  /// The built fabric this wiring was computed from (kept for worker copies).
  let fabric: Fabric

  init(fabric: Fabric) {
    self.fabric = fabric
    let spec = fabric.spec
    gpus = spec.gpus
    gpusPerNode = spec.gpusPerNode
    radix = spec.switchRadix
    down = fabric.tiers[0].downlinksPerSwitch
    up = fabric.tiers[0].uplinksPerSwitch
    leaves = fabric.tiers[0].switches
    spines = fabric.tiers[1].switches
    cores = fabric.tiers.count > 2 ? fabric.tiers[2].switches : 0
    threeTier = fabric.tiers.count > 2
    leafSpineLinks = fabric.links[1].count
    portsPerEngine = spec.portsPerOpticalEngine
    portsPerELS = spec.portsPerELS
    lasersPerPort = Double(spec.lasersPerELS) / Double(spec.portsPerELS)
    redundancy = [(spec.psusPerSwitch, spec.psusRequired), (spec.fansPerSwitch, spec.fansRequired)]
    boardParts = [spec.roles.switchBoard, spec.roles.cpoSwitchBoard]
    laserPart = spec.roles.internalLaser
    let counts = [leaves, spines, cores]
    var ports: [[Int]] = []
    ports.reserveCapacity(leaves + spines + cores)
    for tier in 0..<3 {
      for s in 0..<counts[tier] {
        ports.append(Self.computeLinks(
          ofSwitch: s, tier: tier, gpus: gpus, down: down, up: up, radix: radix, leaves: leaves, spines: spines, cores: cores,
          leafSpineLinks: leafSpineLinks, threeTier: threeTier))
      }
    }
    portLinks = ports
  }

  var linkCount: Int { gpus + leafSpineLinks * (threeTier ? 2 : 1) }
  var switchCount: Int { leaves + spines + cores }
  var leafSpineOffset: Int { gpus }
  var spineCoreOffset: Int { gpus + leafSpineLinks }

  /// The number of the first switch of a tier (0 leaf, 1 spine, 2 core).
  func firstSwitch(ofTier tier: Int) -> Int { [0, leaves, leaves + spines][tier] }

  /// Optical engines on a CPO switch board, and lasers inside it (`cpo-internal-laser`).
  var enginesPerSwitch: Int { (radix + portsPerEngine - 1) / portsPerEngine }
  var lasersPerSwitch: Int { Int((Double(radix) * lasersPerPort).rounded(.up)) }
  var elsPerSwitch: Int { (radix + portsPerELS - 1) / portsPerELS }

  /// The engine that internal laser `l` of a board belongs to.
  func engine(ofLaser l: Int) -> Int { min(Int(Double(l) / lasersPerPort) / portsPerEngine, enginesPerSwitch - 1) }

  static func tierIndex(_ name: String) -> Int? {
    switch name {
    case "leaf": 0
    case "spine": 1
    case "core": 2
    default: nil
    }
  }

  /// The links on the ports of each switch (by switch number), computed once: drains read them often.
  private let portLinks: [[Int]]

  /// The links on the ports of switch `s` (numbered across tiers), in port order.
  @inline(__always)
  func links(ofSwitch s: Int) -> [Int] { portLinks[s] }

  private static func computeLinks(
    ofSwitch s: Int, tier: Int, gpus: Int, down: Int, up: Int, radix: Int, leaves: Int, spines: Int, cores: Int,
    leafSpineLinks: Int, threeTier: Bool
  ) -> [Int] {
    let leafSpineOffset = gpus, spineCoreOffset = gpus + leafSpineLinks
    switch tier {
    case 0:
      let nic = Array((s * down)..<min((s + 1) * down, gpus))
      return nic + (0..<up).map { leafSpineOffset + s * up + $0 }
    case 1:
      var downlinks: [Int] = []
      if threeTier {
        let pod = s / up, k = s % up, perPod = radix / 2
        for leaf in (pod * perPod)..<min((pod + 1) * perPod, leaves) { downlinks.append(leaf * up + k) }
      } else {
        downlinks = Array(stride(from: s, to: leafSpineLinks, by: spines))
      }
      let result = downlinks.map { leafSpineOffset + $0 }
      return threeTier ? result + downlinks.map { spineCoreOffset + $0 } : result
    default:
      return stride(from: s, to: leafSpineLinks, by: cores).map { spineCoreOffset + $0 }
    }
  }

  // MARK: Resolving populations into impact rules

  /// The first link of a link-level population's units (unit u darkens link offset + u).
  ///
  /// Leaf transceivers are the leaf's NIC ports (links 0..<G) followed by its uplinks (links
  /// G..<G+LS), so their offset is 0; spine transceivers serve the leaf–spine then the
  /// spine–core links (offset G); core transceivers and spine–core fibres start at the
  /// spine–core links; NIC-side modules, NICs and NIC–leaf fibres at 0.
  private func linkOffset(role: Fabric.Population.Role, location: String) -> Int {
    switch (role, location) {
    case (.transceiver, "spine"), (.fibre, "leaf-spine"): leafSpineOffset
    case (.transceiver, "core"), (.fibre, "spine-core"): spineCoreOffset
    default: 0
    }
  }

  /// What a failure of catalog part `part` in a unit of a population takes down.
  func impactRule(role: Fabric.Population.Role, location: String, part: String) -> ImpactRule {
    let first = FabricLayout.tierIndex(location).map(firstSwitch(ofTier:)) ?? 0
    switch role {
    case .transceiver, .fibre, .nic:
      return .link(offset: linkOffset(role: role, location: location))
    case .psu:
      return .redundancy(firstSwitch: first, perSwitch: redundancy[RedundancyGroup.psu.rawValue].perSwitch, group: .psu)
    case .fan:
      return .redundancy(firstSwitch: first, perSwitch: redundancy[RedundancyGroup.fan.rawValue].perSwitch, group: .fan)
    case .els:
      return .portGroup(firstSwitch: first, groupsPerSwitch: elsPerSwitch, portsPerGroup: portsPerELS)
    case .switchBoard:
      if boardParts.contains(part) { return .wholeSwitch(firstSwitch: first) }
      // An optical engine (or a laser inside one) failed: that engine's ports go dark.
      return part == laserPart ? .randomLaserEngine(firstSwitch: first) : .randomEngine(firstSwitch: first)
    }
  }

  /// What replacing a unit of a population drains (a planned outage of its blast radius):
  /// nothing for PSUs and fans (hot-swapped in a redundant set), the whole switch for a board.
  func drainRule(role: Fabric.Population.Role, location: String) -> ImpactRule {
    switch role {
    case .psu, .fan: .none
    case .switchBoard: .wholeSwitch(firstSwitch: FabricLayout.tierIndex(location).map(firstSwitch(ofTier:)) ?? 0)
    default: impactRule(role: role, location: location, part: "")
    }
  }

  // MARK: Executing rules

  /// The outage unit `u` causes under `rule`. Only the `random…Engine` rules draw from `source`.
  @inline(__always)
  func impact(of rule: ImpactRule, unit u: Int, using source: RandomSource) -> Impact {
    switch rule {
    case let .randomEngine(first):
      return enginePorts(switch: first + u, engine: source.uniformInt(below: enginesPerSwitch))
    case let .randomLaserEngine(first):
      return enginePorts(switch: first + u, engine: engine(ofLaser: source.uniformInt(below: lasersPerSwitch)))
    default:
      return fixedImpact(of: rule, unit: u)!
    }
  }

  /// The outage unit `u` causes under a rule that draws nothing, or nil for the random rules.
  func fixedImpact(of rule: ImpactRule, unit u: Int) -> Impact? {
    switch rule {
    case .none: return Impact.none
    case let .systemUnit(index): return .systemUnit(index)
    case let .link(offset): return .link(offset + u)
    case let .wholeSwitch(first): return .switchDown(first + u)
    case let .redundancy(first, perSwitch, group): return .redundancy(switch: first + u / perSwitch, group: group)
    case let .portGroup(first, groups, ports):
      let s = first + u / groups, start = (u % groups) * ports
      let count = portLinks[s].count
      return .ports(switch: s, range: min(start, count)..<min(start + ports, count))
    case .randomEngine, .randomLaserEngine:
      return nil
    }
  }

  /// The ports of engine `e` of switch `s`.
  func enginePorts(switch s: Int, engine e: Int) -> Impact {
    let count = portLinks[s].count
    return .ports(switch: s, range: min(e * portsPerEngine, count)..<min((e + 1) * portsPerEngine, count))
  }

  /// Calls `body` with every outage a unit can cause under `rule` and its probability (for
  /// counting flaps instead of simulating them). Returns false, calling nothing, for rules that
  /// do not darken a fixed set of links.
  func forEachPossibleImpact(of rule: ImpactRule, unit u: Int, _ body: (Impact, Double) -> Void) -> Bool {
    switch rule {
    case .link, .portGroup:
      body(fixedImpact(of: rule, unit: u)!, 1)
    case let .randomEngine(first):
      let engines = enginesPerSwitch
      for e in 0..<engines { body(enginePorts(switch: first + u, engine: e), 1 / Double(engines)) }
    case let .randomLaserEngine(first):
      var share = [Double](repeating: 0, count: enginesPerSwitch)
      let lasers = lasersPerSwitch
      for l in 0..<lasers { share[engine(ofLaser: l)] += 1 / Double(lasers) }
      for e in share.indices where share[e] > 0 { body(enginePorts(switch: first + u, engine: e), share[e]) }
    case .none, .systemUnit, .wholeSwitch, .redundancy:
      return false
    }
    return true
  }

  /// The links an impact takes down, in port order (empty for system units and redundancy groups).
  func links(of impact: Impact) -> ArraySlice<Int> {
    switch impact {
    case let .link(l): return [l][...]
    case let .ports(s, range): return portLinks[s][range]
    case let .switchDown(s): return portLinks[s][...]
    case .none, .systemUnit, .redundancy: return []
    }
  }

  /// How many links an impact takes down, and how many of them are NIC links.
  func linkCounts(of impact: Impact) -> (links: Int, nicLinks: Int) {
    switch impact {
    case let .link(l): return (1, l < gpus ? 1 : 0)
    default:
      let links = links(of: impact)
      return (links.count, links.count { $0 < gpus })
    }
  }

  /// A neighbouring link of `link` (for collateral damage while handling).
  func neighbour(of link: Int) -> Int? {
    link + 1 < linkCount ? link + 1 : (link > 0 ? link - 1 : nil)
  }

  // MARK: Jobs

  /// How a job placed on GPUs 0..<jobGPUs depends on `link`.
  func dependency(of link: Int, jobGPUs: Int) -> JobDependency {
    if link < gpus { return link < jobGPUs ? .direct : .none }
    let jobLeaves = (jobGPUs + down - 1) / down
    guard jobLeaves > 1 else { return .none }
    if link < spineCoreOffset {
      return (link - leafSpineOffset) / up < jobLeaves ? .uplink : .none
    }
    let jobPods = (jobLeaves + radix / 2 - 1) / (radix / 2)
    return jobPods > 1 ? .uplink : .none
  }

  enum JobDependency { case direct, uplink, none }
}
