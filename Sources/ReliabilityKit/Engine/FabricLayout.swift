/// The wiring of a built fabric, and the one place that knows what a unit of each role takes
/// down: which links a switch, port, module, cable, laser source or optical engine carries, and
/// which node and leaf a link serves.
///
/// Links are numbered in groups: NIC–leaf links 0..<G·h (link c·G + i is copy c of GPU i's NIC
/// link; h = 2 when NICs are dual-homed), then leaf–spine links (leaf l's uplinks are
/// l·u ..< (l+1)·u of the group), then spine–core links (link j mirrors leaf–spine link j).
/// Switches are numbered leaves first, then spines, then cores, each tier plane by plane
/// (`firstSwitch(ofTier:)`). A leaf's ports are its NIC links followed by its uplinks.
///
/// NIC r of a node joins plane r mod P. Inside a plane the NIC ports are ordered by GPU (or, on
/// a rail-optimised fabric, by rail and then node) and dealt to leaves d at a time; copy c of a
/// dual-homed NIC goes to leaf 2b + c of block b. In a three-tier Clos, leaf–spine link j of a
/// plane reaches spine pod·u + (j mod u) of its pod and core j mod C; in a leaf-spine it reaches
/// spine j mod S.
///
/// `impactRule(role:location:part:)` and `drainRule(role:location:)` resolve a population into
/// an `ImpactRule` when the plant layout is built; `impact(of:unit:using:)` executes a rule for
/// one unit. Nothing else in the engine knows about roles, tiers or CPO arithmetic.
///
/// A class, so that the engine's many reads of it do not copy its arrays.
final class FabricLayout: Sendable {
  let gpus: Int
  let gpusPerNode: Int
  let nodes: Int
  /// Ports per switch the wiring uses (the switch radix less its spare ports).
  let radix: Int
  /// Ports per switch left unused by the wiring: dark ports' links can move to them.
  let sparePorts: Int
  let down: Int
  let up: Int
  let planes: Int
  let homing: Int
  let railOptimized: Bool
  let leaves: Int
  let spines: Int
  let cores: Int
  let leavesPerPlane: Int
  let threeTier: Bool
  let leafSpineLinks: Int
  let nicLinks: Int
  let copperNICLinks: Bool
  let uplinkOverbuild: Int
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

  /// The links on the ports of each switch (by switch number), computed once: drains read them often.
  private let portLinks: [[Int]]
  /// The leaf each NIC link ends on.
  private let leafOfNICLink: [Int32]
  /// The position of a switch's first optical port in its port list (a leaf's uplinks when its
  /// NIC links are copper; 0 otherwise).
  private let opticalStart: [Int32]
  /// Per link above the NIC links (by `link − nicLinks`): its upper switch, the spine of a
  /// leaf–spine link or the core of a spine–core link.
  private let upperSwitch: [Int32]
  /// Per leaf: the NIC links on its ports (they come first in its port list).
  private let nicPortCount: [Int32]

  init(fabric: Fabric) {
    self.fabric = fabric
    let spec = fabric.spec
    gpus = spec.gpus
    gpusPerNode = spec.gpusPerNode
    nodes = spec.nodes
    radix = spec.switchRadix - spec.sparePorts
    sparePorts = spec.sparePorts
    planes = spec.planes
    homing = spec.nicHoming
    railOptimized = spec.railOptimized
    down = fabric.tiers[0].downlinksPerSwitch
    up = fabric.tiers[0].uplinksPerSwitch
    leaves = fabric.tiers[0].switches
    spines = fabric.tiers[1].switches
    cores = fabric.tiers.count > 2 ? fabric.tiers[2].switches : 0
    leavesPerPlane = leaves / spec.planes
    threeTier = fabric.tiers.count > 2
    nicLinks = fabric.links[0].count
    leafSpineLinks = fabric.links[1].count
    copperNICLinks = spec.nicLink == .copper
    uplinkOverbuild = spec.uplinkOverbuild
    portsPerEngine = spec.portsPerOpticalEngine
    portsPerELS = spec.portsPerELS
    lasersPerPort = Double(spec.lasersPerELS) / Double(spec.portsPerELS)
    redundancy = [(spec.psusPerSwitch, spec.psusRequired), (spec.fansPerSwitch, spec.fansRequired)]
    boardParts = [spec.roles.switchBoard, spec.roles.cpoSwitchBoard]
    laserPart = spec.roles.internalLaser

    // NIC ports dealt to leaves, plane by plane: the leaves' NIC ports in one flat table,
    // `down` slots a leaf, filled in dealing order (each leaf's ports are consecutive positions).
    let (gpus, gpusPerNode, nodes, planes, homing, down, up) = (gpus, gpusPerNode, nodes, planes, homing, down, up)
    let leaves = leaves, leavesPerPlane = leavesPerPlane, nicLinks = nicLinks, railOptimized = railOptimized
    var leafOf = [Int32](repeating: 0, count: nicLinks)
    var nicSlots = [Int](repeating: 0, count: leaves * down)
    var nicCount = [Int32](repeating: 0, count: leaves)
    leafOf.withUnsafeMutableBufferPointer { leafOf in
      nicSlots.withUnsafeMutableBufferPointer { nicSlots in
        nicCount.withUnsafeMutableBufferPointer { nicCount in
          for p in 0..<planes {
            var position = 0
            func deal(_ gpu: Int) {
              let block = position / down, slot = position % down
              for copy in 0..<homing {
                let leaf = p * leavesPerPlane + block * homing + copy
                let link = copy * gpus + gpu
                leafOf[link] = Int32(leaf)
                nicSlots[leaf * down + slot] = link
                nicCount[leaf] = Int32(slot + 1)
              }
              position += 1
            }
            // The plane's GPUs in dealing order: by rail and then node, or by GPU (node by node,
            // the node's NICs of the plane in order).
            if railOptimized {
              for rail in stride(from: p, to: gpusPerNode, by: planes) {
                for node in 0..<nodes where node * gpusPerNode + rail < gpus { deal(node * gpusPerNode + rail) }
              }
            } else {
              for node in 0..<nodes {
                for nic in stride(from: p, to: gpusPerNode, by: planes) where node * gpusPerNode + nic < gpus {
                  deal(node * gpusPerNode + nic)
                }
              }
            }
          }
        }
      }
    }
    leafOfNICLink = leafOf
    nicPortCount = nicCount

    /// An array of exactly `count` elements written by `fill` (no growth, no copy).
    func list(_ count: Int, _ fill: (UnsafeMutableBufferPointer<Int>) -> Void) -> [Int] {
      [Int](unsafeUninitializedCapacity: count) { buffer, initialized in
        fill(buffer)
        initialized = count
      }
    }
    var ports: [[Int]] = []
    ports.reserveCapacity(leaves + spines + cores)
    var start: [Int32] = []
    start.reserveCapacity(leaves + spines + cores)
    let leafSpineOffset = nicLinks, spineCoreOffset = nicLinks + leafSpineLinks
    let leafSpinePerPlane = leafSpineLinks / planes
    let (radix, spines, cores, threeTier, leafSpineLinks) = (radix, spines, cores, threeTier, leafSpineLinks)
    for l in 0..<leaves {
      let nic = Int(nicCount[l])
      ports.append(list(nic + up) { buffer in
        for k in 0..<nic { buffer[k] = nicSlots[l * down + k] }
        for k in 0..<up { buffer[nic + k] = leafSpineOffset + l * up + k }
      })
      start.append(Int32(spec.nicLink == .copper ? nic : 0))
    }
    var upperTable = [Int32](repeating: -1, count: leafSpineLinks * (threeTier ? 2 : 1))
    upperTable.withUnsafeMutableBufferPointer { upper in
      let spinesPerPlane = spines / planes
      for s in 0..<spines {
        let p = s / spinesPerPlane, local = s % spinesPerPlane
        let base = p * leafSpinePerPlane
        let sw = Int32(leaves + s)
        if threeTier {
          // The spine's downlinks (uplink k of each leaf of its pod), then the spine–core links mirroring them.
          let pod = local / up, k = local % up, perPod = radix / 2
          let firstLeaf = pod * perPod, n = max(0, min((pod + 1) * perPod, leavesPerPlane) - firstLeaf)
          ports.append(list(2 * n) { buffer in
            for i in 0..<n {
              let j = base + (firstLeaf + i) * up + k
              buffer[i] = leafSpineOffset + j
              buffer[n + i] = spineCoreOffset + j
              upper[j] = sw
            }
          })
        } else {
          let n = local < leafSpinePerPlane ? (leafSpinePerPlane - local + spinesPerPlane - 1) / spinesPerPlane : 0
          ports.append(list(n) { buffer in
            for i in 0..<n {
              let j = base + local + i * spinesPerPlane
              buffer[i] = leafSpineOffset + j
              upper[j] = sw
            }
          })
        }
        start.append(0)
      }
      if cores > 0 {
        let coresPerPlane = cores / planes
        for c in 0..<cores {
          let p = c / coresPerPlane, local = c % coresPerPlane
          let base = p * leafSpinePerPlane
          let n = local < leafSpinePerPlane ? (leafSpinePerPlane - local + coresPerPlane - 1) / coresPerPlane : 0
          let sw = Int32(leaves + spines + c)
          ports.append(list(n) { buffer in
            for i in 0..<n {
              let j = base + local + i * coresPerPlane
              buffer[i] = spineCoreOffset + j
              upper[leafSpineLinks + j] = sw
            }
          })
          start.append(0)
        }
      }
    }
    portLinks = ports
    opticalStart = start
    upperSwitch = upperTable
  }

  var linkCount: Int { nicLinks + leafSpineLinks * (threeTier ? 2 : 1) }
  var switchCount: Int { leaves + spines + cores }
  var leafSpineOffset: Int { nicLinks }
  var spineCoreOffset: Int { nicLinks + leafSpineLinks }

  /// The switches at the two ends of a link above the NIC links: (leaf, spine) for a leaf–spine
  /// link, (spine, core) for a spine–core link. (A NIC link's one switch is its leaf,
  /// `leaf(ofNICLink:)`.)
  @inline(__always)
  func switches(ofLink link: Int) -> (lower: Int, upper: Int) {
    let k = link - nicLinks
    if link < spineCoreOffset { return (k / up, Int(upperSwitch[k])) }
    return (Int(upperSwitch[k - leafSpineLinks]), Int(upperSwitch[k]))
  }

  /// The number of the first switch of a tier (0 leaf, 1 spine, 2 core).
  func firstSwitch(ofTier tier: Int) -> Int { [0, leaves, leaves + spines][tier] }

  /// Optical ports per switch of a tier: a leaf's uplinks only when its NIC links are copper.
  func opticalRadix(ofTier tier: Int) -> Int { (copperNICLinks && tier == 0 ? up : radix) + sparePorts }
  func engines(ofTier tier: Int) -> Int { (opticalRadix(ofTier: tier) + portsPerEngine - 1) / portsPerEngine }
  func lasers(ofTier tier: Int) -> Int { Int((Double(opticalRadix(ofTier: tier)) * lasersPerPort).rounded(.up)) }
  func laserSources(ofTier tier: Int) -> Int { (opticalRadix(ofTier: tier) + portsPerELS - 1) / portsPerELS }

  /// The engine that internal laser `l` of a board with `engines` engines belongs to.
  func engine(ofLaser l: Int, engines: Int) -> Int { min(Int(Double(l) / lasersPerPort) / portsPerEngine, engines - 1) }

  static func tierIndex(_ name: String) -> Int? {
    switch name {
    case "leaf": 0
    case "spine": 1
    case "core": 2
    default: nil
    }
  }

  /// The links on the ports of switch `s` (numbered across tiers), in port order.
  @inline(__always)
  func links(ofSwitch s: Int) -> [Int] { portLinks[s] }

  // MARK: Resolving populations into impact rules

  /// The first link of a link-level population's units (unit u darkens link offset + u).
  ///
  /// Leaf modules serve the leaf's NIC links (0..<G·h) and then its uplinks, or only the
  /// uplinks when the NIC links are copper; spine modules serve the leaf–spine then the
  /// spine–core links; core modules and spine–core fibres start at the spine–core links;
  /// NIC-side modules, NIC–leaf fibres and copper cables at 0.
  private func linkOffset(role: Fabric.Population.Role, location: String) -> Int {
    switch (role, location) {
    case (.transceiver, "leaf"): copperNICLinks ? leafSpineOffset : 0
    case (.transceiver, "spine"), (.fibre, "leaf-spine"): leafSpineOffset
    case (.transceiver, "core"), (.fibre, "spine-core"): spineCoreOffset
    default: 0
    }
  }

  /// What a failure of catalog part `part` in a unit of a population takes down.
  func impactRule(role: Fabric.Population.Role, location: String, part: String) -> ImpactRule {
    let tier = FabricLayout.tierIndex(location) ?? 0
    let first = firstSwitch(ofTier: tier)
    switch role {
    case .transceiver, .fibre, .copperLink:
      return .link(offset: linkOffset(role: role, location: location))
    case .nic:
      // A NIC takes all its links (both of a dual-homed NIC).
      return homing == 1 ? .link(offset: 0) : .linkSet(stride: gpus, count: homing)
    case .psu:
      return .redundancy(firstSwitch: first, perSwitch: redundancy[RedundancyGroup.psu.rawValue].perSwitch, group: .psu)
    case .fan:
      return .redundancy(firstSwitch: first, perSwitch: redundancy[RedundancyGroup.fan.rawValue].perSwitch, group: .fan)
    case .els:
      return .portGroup(firstSwitch: first, groupsPerSwitch: laserSources(ofTier: tier), portsPerGroup: portsPerELS)
    case .switchBoard:
      if boardParts.contains(part) { return .wholeSwitch(firstSwitch: first) }
      // An optical engine (or a laser inside one) failed: that engine's ports go dark.
      return part == laserPart ? .randomLaserEngine(firstSwitch: first, lasers: lasers(ofTier: tier), engines: engines(ofTier: tier))
                               : .randomEngine(firstSwitch: first, engines: engines(ofTier: tier))
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
    case let .randomEngine(first, engines):
      return enginePorts(switch: first + u, engine: source.uniformInt(below: engines))
    case let .randomLaserEngine(first, lasers, engines):
      return enginePorts(switch: first + u, engine: engine(ofLaser: source.uniformInt(below: lasers), engines: engines))
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
    case let .linkSet(stride, count): return .linkSet(first: u, stride: stride, count: count)
    case let .wholeSwitch(first): return .switchDown(first + u)
    case let .redundancy(first, perSwitch, group): return .redundancy(switch: first + u / perSwitch, group: group)
    case let .portGroup(first, groups, ports):
      let s = first + u / groups
      return opticalPorts(switch: s, from: (u % groups) * ports, count: ports)
    case .randomEngine, .randomLaserEngine:
      return nil
    }
  }

  /// `count` optical ports of switch `s` from optical port `start`, clipped to its ports.
  private func opticalPorts(switch s: Int, from start: Int, count: Int) -> Impact {
    let first = Int(opticalStart[s]), total = portLinks[s].count
    return .ports(switch: s, range: min(first + start, total)..<min(first + start + count, total))
  }

  /// The ports of engine `e` of switch `s`.
  func enginePorts(switch s: Int, engine e: Int) -> Impact {
    opticalPorts(switch: s, from: e * portsPerEngine, count: portsPerEngine)
  }

  /// What the outages of a switch's ports depend on (for counting flaps instead of simulating
  /// them): its port count, where its optical ports start, and how many NIC links lead its
  /// port list.
  struct PortShape: Hashable {
    let ports: Int
    let opticalStart: Int
    let nicPorts: Int

    /// How many links `count` optical ports from optical port `start` darken, and how many of
    /// them are NIC links: `linkCounts(of: opticalPorts(switch:from:count:))` without the list.
    func counts(from start: Int, count: Int) -> (links: Int, nicLinks: Int) {
      let lower = min(opticalStart + start, ports), upper = min(opticalStart + start + count, ports)
      return (upper - lower, max(0, min(upper, nicPorts) - lower))
    }
  }

  func portShape(ofSwitch s: Int) -> PortShape {
    PortShape(ports: portLinks[s].count, opticalStart: Int(opticalStart[s]), nicPorts: s < leaves ? Int(nicPortCount[s]) : 0)
  }

  /// Calls `body` once per run of consecutive switches of `switches` with the same shape, with
  /// the shape and the run's length, in switch order.
  func forEachShapeRun(ofSwitches switches: Range<Int>, _ body: (PortShape, Int) -> Void) {
    var s = switches.lowerBound
    while s < switches.upperBound {
      let shape = portShape(ofSwitch: s)
      var end = s + 1
      while end < switches.upperBound, portShape(ofSwitch: end) == shape { end += 1 }
      body(shape, end - s)
      s = end
    }
  }

  /// The links an impact takes down, in port order (empty for system units and redundancy groups).
  func links(of impact: Impact) -> [Int] {
    switch impact {
    case let .link(l): return [l]
    case let .linkSet(first, stride, count): return (0..<count).map { first + $0 * stride }
    case let .ports(s, range): return Array(portLinks[s][range])
    case let .switchDown(s): return portLinks[s]
    case .none, .systemUnit, .redundancy: return []
    }
  }

  /// How many links an impact takes down, and how many of them are NIC links.
  func linkCounts(of impact: Impact) -> (links: Int, nicLinks: Int) {
    switch impact {
    case let .link(l): return (1, l < nicLinks ? 1 : 0)
    default:
      let links = links(of: impact)
      return (links.count, links.count { $0 < nicLinks })
    }
  }

  /// A neighbouring link of `link` (for collateral damage while handling).
  func neighbour(of link: Int) -> Int? {
    link + 1 < linkCount ? link + 1 : (link > 0 ? link - 1 : nil)
  }

  // MARK: Nodes and jobs

  /// What a link is to the nodes: a NIC link of one NIC of one node, a leaf's uplink, or a
  /// spine–core link of a pod.
  enum LinkRole: Equatable {
    case nic(node: Int, nic: Int)
    case leafUplink(leaf: Int)
    case podUplink(pod: Int)
  }

  @inline(__always)
  func role(ofLink link: Int) -> LinkRole {
    if link < nicLinks {
      let gpu = link % gpus
      return .nic(node: gpu / gpusPerNode, nic: gpu % gpusPerNode)
    }
    if link < spineCoreOffset { return .leafUplink(leaf: (link - leafSpineOffset) / up) }
    return .podUplink(pod: pod(ofSpineCoreLink: link))
  }

  /// The copy of the NIC links NIC link `link` belongs to (0, or 1 for a dual-homed NIC's second link).
  @inline(__always)
  func copy(ofNICLink link: Int) -> Int { link < gpus ? 0 : link / gpus }

  /// Node `n`'s NIC links of copy `copy`, one per NIC (link `copy · G + n · N + c` is NIC c's;
  /// the last node's may be fewer).
  @inline(__always)
  func nicLinks(ofNode n: Int, copy: Int) -> Range<Int> {
    let first = copy * gpus + n * gpusPerNode
    return first..<min(first + gpusPerNode, (copy + 1) * gpus)
  }

  /// Leaf `leaf`'s uplinks (its leaf–spine links).
  @inline(__always)
  func uplinks(ofLeaf leaf: Int) -> Range<Int> {
    let first = leafSpineOffset + leaf * up
    return first..<(first + up)
  }

  /// The pod a spine–core link serves (that of the leaf–spine link it mirrors).
  @inline(__always)
  func pod(ofSpineCoreLink link: Int) -> Int { pod(ofLeaf: (link - spineCoreOffset) / up) }

  /// The number of NIC links on leaf `leaf`'s ports (its ports are its NIC links, then its uplinks).
  @inline(__always)
  func nicLinkCount(onLeaf leaf: Int) -> Int { portLinks[leaf].count - up }

  /// Pods (groups of R/2 leaves of a plane in a three-tier Clos; one per plane in a leaf-spine).
  var podsPerPlane: Int { threeTier ? (leavesPerPlane + radix / 2 - 1) / (radix / 2) : 1 }
  var pods: Int { podsPerPlane * planes }

  @inline(__always)
  func pod(ofLeaf leaf: Int) -> Int {
    let plane = leaf / leavesPerPlane
    return plane * podsPerPlane + (threeTier ? (leaf % leavesPerPlane) / (radix / 2) : 0)
  }

  /// The leaves node `n`'s NIC links end on (with repeats), and the plane of each of its NICs.
  func leaves(ofNode n: Int) -> [Int] {
    var result: [Int] = []
    forEachLeaf(ofNode: n) { result.append($0) }
    return result
  }

  /// Calls `body` with each leaf node `n`'s NIC links end on (with repeats), in the order of
  /// `leaves(ofNode:)`, without building the array.
  @inline(__always)
  func forEachLeaf(ofNode n: Int, _ body: (Int) -> Void) {
    for nic in 0..<gpusPerNode where n * gpusPerNode + nic < gpus {
      for copy in 0..<homing { body(Int(leafOfNICLink[copy * gpus + n * gpusPerNode + nic])) }
    }
  }

  /// Calls `body` once per run of consecutive NIC links of node `n` that end on the same leaf,
  /// with the leaf and the run's length (a node's 8 NICs usually share one leaf: one call).
  @inline(__always)
  func forEachLeafRun(ofNode n: Int, _ body: (_ leaf: Int, _ links: Int32) -> Void) {
    var current = -1
    var run: Int32 = 0
    forEachLeaf(ofNode: n) { leaf in
      if leaf == current {
        run += 1
      } else {
        if run > 0 { body(current, run) }
        current = leaf
        run = 1
      }
    }
    if run > 0 { body(current, run) }
  }

  func plane(ofNIC nic: Int) -> Int { nic % planes }

  /// The NIC links on leaf `leaf`'s ports.
  func nicLinks(onLeaf leaf: Int) -> ArraySlice<Int> {
    let ports = portLinks[leaf]
    return ports.prefix { $0 < nicLinks }
  }

  /// The node and NIC a NIC link serves.
  func node(ofNICLink link: Int) -> (node: Int, nic: Int) {
    let gpu = link % gpus
    return (gpu / gpusPerNode, gpu % gpusPerNode)
  }

  /// The leaf a NIC link ends on.
  func leaf(ofNICLink link: Int) -> Int { Int(leafOfNICLink[link]) }
}
