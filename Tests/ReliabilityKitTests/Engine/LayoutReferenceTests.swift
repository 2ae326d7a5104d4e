import Foundation
import Testing
@testable import ReliabilityKit

/// The wiring and the aggregated-flap groups of v0.5.0, kept here as the reference the faster
/// start-up is checked against (issue 26, fifth round): `FabricLayout.init` built every port list
/// by appending link by link, and `AggregatedFlaps.linkGroups` walked every unit's possible
/// outages one by one (`forEachPossibleImpact`), listing each outage's links to count them.
enum LayoutReference {
  /// v0.5.0's `FabricLayout.init`: the links on each switch's ports, the leaf of each NIC link,
  /// where each switch's optical ports start, and the upper switch of each link above the NICs.
  struct Wiring: Equatable {
    var portLinks: [[Int]] = []
    var leafOfNICLink: [Int32] = []
    var opticalStart: [Int32] = []
    var upperSwitch: [Int32] = []

    init(fabric: Fabric) {
      let spec = fabric.spec
      let gpus = spec.gpus, gpusPerNode = spec.gpusPerNode, nodes = spec.nodes, planes = spec.planes
      let homing = spec.nicHoming, railOptimized = spec.railOptimized
      let radix = spec.switchRadix - spec.sparePorts
      let down = fabric.tiers[0].downlinksPerSwitch, up = fabric.tiers[0].uplinksPerSwitch
      let leaves = fabric.tiers[0].switches, spines = fabric.tiers[1].switches
      let cores = fabric.tiers.count > 2 ? fabric.tiers[2].switches : 0
      let leavesPerPlane = leaves / planes, threeTier = fabric.tiers.count > 2
      let nicLinks = fabric.links[0].count, leafSpineLinks = fabric.links[1].count

      var leafOf = [Int32](repeating: 0, count: nicLinks)
      var leafNICPorts = [[Int]](repeating: [], count: leaves)
      let perPlane = gpus / planes
      for p in 0..<planes {
        var ordered: [Int] = []
        ordered.reserveCapacity(perPlane)
        if railOptimized {
          for rail in stride(from: p, to: gpusPerNode, by: planes) {
            for node in 0..<nodes where node * gpusPerNode + rail < gpus { ordered.append(node * gpusPerNode + rail) }
          }
        } else {
          for gpu in 0..<gpus where (gpu % gpusPerNode) % planes == p { ordered.append(gpu) }
        }
        for (position, gpu) in ordered.enumerated() {
          let block = position / down
          for copy in 0..<homing {
            let leaf = p * leavesPerPlane + block * homing + copy
            let link = copy * gpus + gpu
            leafOf[link] = Int32(leaf)
            leafNICPorts[leaf].append(link)
          }
        }
      }
      leafOfNICLink = leafOf

      var ports: [[Int]] = []
      var start: [Int32] = []
      let leafSpineOffset = nicLinks, spineCoreOffset = nicLinks + leafSpineLinks
      let leafSpinePerPlane = leafSpineLinks / planes
      for l in 0..<leaves {
        ports.append(leafNICPorts[l] + (0..<up).map { leafSpineOffset + l * up + $0 })
        start.append(Int32(spec.nicLink == .copper ? leafNICPorts[l].count : 0))
      }
      let spinesPerPlane = spines / planes
      for s in 0..<spines {
        let p = s / spinesPerPlane, local = s % spinesPerPlane
        let base = p * leafSpinePerPlane
        var downlinks: [Int] = []
        if threeTier {
          let pod = local / up, k = local % up, perPod = radix / 2
          for leaf in (pod * perPod)..<min((pod + 1) * perPod, leavesPerPlane) { downlinks.append(base + leaf * up + k) }
        } else {
          downlinks = Array(stride(from: base + local, to: base + leafSpinePerPlane, by: spinesPerPlane))
        }
        let result = downlinks.map { leafSpineOffset + $0 }
        ports.append(threeTier ? result + downlinks.map { spineCoreOffset + $0 } : result)
        start.append(0)
      }
      if cores > 0 {
        let coresPerPlane = cores / planes
        for c in 0..<cores {
          let p = c / coresPerPlane, local = c % coresPerPlane
          let base = p * leafSpinePerPlane
          ports.append(stride(from: base + local, to: base + leafSpinePerPlane, by: coresPerPlane).map { spineCoreOffset + $0 })
          start.append(0)
        }
      }
      portLinks = ports
      opticalStart = start
      var upper = [Int32](repeating: -1, count: leafSpineLinks * (threeTier ? 2 : 1))
      for s in leaves..<(leaves + spines) {
        for link in ports[s] where link < spineCoreOffset { upper[link - leafSpineOffset] = Int32(s) }
      }
      for c in (leaves + spines)..<(leaves + spines + cores) {
        for link in ports[c] { upper[link - leafSpineOffset] = Int32(c) }
      }
      upperSwitch = upper
    }
  }

  /// The same tables read back from a layout through its accessors.
  static func wiring(of f: FabricLayout) -> Wiring {
    var w = Wiring(empty: ())
    w.portLinks = (0..<f.switchCount).map { f.links(ofSwitch: $0) }
    w.leafOfNICLink = (0..<f.nicLinks).map { Int32(f.leaf(ofNICLink: $0)) }
    w.opticalStart = (0..<f.switchCount).map { Int32(f.portShape(ofSwitch: $0).opticalStart) }
    w.upperSwitch = (f.nicLinks..<f.linkCount).map { Int32(f.switches(ofLink: $0).upper) }
    return w
  }

  /// v0.5.0's `FabricLayout.forEachPossibleImpact`: every outage a unit can cause under `rule`
  /// and its probability; false for rules that do not darken a fixed set of links.
  static func forEachPossibleImpact(_ f: FabricLayout, of rule: ImpactRule, unit u: Int, _ body: (Impact, Double) -> Void) -> Bool {
    switch rule {
    case .link, .linkSet, .portGroup:
      body(f.fixedImpact(of: rule, unit: u)!, 1)
    case let .randomEngine(first, engines):
      for e in 0..<engines { body(f.enginePorts(switch: first + u, engine: e), 1 / Double(engines)) }
    case let .randomLaserEngine(first, lasers, engines):
      var share = [Double](repeating: 0, count: engines)
      for l in 0..<lasers { share[f.engine(ofLaser: l, engines: engines)] += 1 / Double(lasers) }
      for e in share.indices where share[e] > 0 { body(f.enginePorts(switch: first + u, engine: e), share[e]) }
    case .none, .systemUnit, .wholeSwitch, .redundancy:
      return false
    }
    return true
  }

  /// v0.5.0's `AggregatedFlaps.linkGroups`: unit by unit, each outage's links listed and counted.
  static func linkGroups(rule: ImpactRule, count: Int, fabric f: FabricLayout) -> [AggregatedFlaps.Group]? {
    guard count > 0 else { return nil }
    struct Key: Hashable, Comparable {
      let links: Int, nicLinks: Int
      static func < (a: Key, b: Key) -> Bool { (a.links, a.nicLinks) < (b.links, b.nicLinks) }
    }
    var weights: [Key: Double] = [:]
    for u in 0..<count {
      let fixed = forEachPossibleImpact(f, of: rule, unit: u) { impact, probability in
        let links = f.links(of: impact)
        weights[Key(links: links.count, nicLinks: links.count { $0 < f.nicLinks }), default: 0] += probability
      }
      guard fixed else { return nil }
    }
    let keys = weights.keys.sorted()
    let total = keys.reduce(0) { $0 + weights[$1]! }
    return keys.map { AggregatedFlaps.Group(links: $0.links, nicLinks: $0.nicLinks, weight: weights[$0]! / total) }
  }
}

extension LayoutReference.Wiring {
  init(empty: Void) {}
}

@Suite("Engine: the layout's start-up against v0.5.0's")
struct LayoutReferenceTests {
  /// Odd shapes: CPO and pluggable, dual-homed NICs, rails, planes, copper NIC links with
  /// overbuilt uplinks, spare ports, three tiers with and without planes, a last node and a last
  /// leaf only partly filled, and nodes of 4 GPUs.
  static let fabrics = PlantSwitchStateTests.fabrics + [
    "topology: three-tier-clos, gpus: 1024, switch_radix: 16, optics: cpo, planes: 2",
    "topology: three-tier-clos, gpus: 1024, switch_radix: 16, optics: pluggable, planes: 4, rail_optimized: true",
    "topology: leaf-spine, gpus: 500, switch_radix: 64, optics: cpo, spare_ports: 4",
    "topology: three-tier-clos, gpus: 300, switch_radix: 20, optics: cpo, spare_ports: 2, nic_homing: 2",
    "topology: leaf-spine, gpus: 200, gpus_per_node: 4, switch_radix: 32, optics: cpo, nic_link: copper, rail_optimized: true",
    "topology: three-tier-clos, gpus: 2040, switch_radix: 32, optics: cpo, ports_per_optical_engine: 6, ports_per_els: 5, lasers_per_els: 7",
  ]

  /// Every rule of every population gives the reference's flap groups, bit for bit; links, NICs,
  /// laser sources and engines: every fabric has rules with fixed links.
  static func expectGroupsAsReference(_ layout: PlantLayout, _ f: FabricLayout) {
    var fixed = 0
    for (rule, count) in rules(layout) {
      let reference = LayoutReference.linkGroups(rule: rule, count: count, fabric: f)
      #expect(AggregatedFlaps.linkGroups(rule: rule, count: count, fabric: f) == reference, "\(rule), \(count) units")
      if reference != nil { fixed += 1 }
    }
    #expect(fixed >= 4)
  }

  /// Every rule the layout resolved, with its population's count.
  static func rules(_ layout: PlantLayout) -> [(rule: ImpactRule, count: Int)] {
    layout.populations.flatMap { p in p.failureRules.map { ($0, p.count) } + [(p.drainRule, p.count)] }
  }

  @Test("the wiring is v0.5.0's: every switch's port list, every NIC link's leaf, optical starts, upper switches",
        arguments: fabrics)
  func wiring(_ fabric: String) throws {
    let layout = try PlantLayout(scenario: scenario("fabric: {\(fabric)}\n"))
    let f = try #require(layout.fabric)
    let reference = LayoutReference.Wiring(fabric: f.fabric)
    let built = LayoutReference.wiring(of: f)
    #expect(built.portLinks == reference.portLinks)
    #expect(built.leafOfNICLink == reference.leafOfNICLink)
    #expect(built.opticalStart == reference.opticalStart)
    #expect(built.upperSwitch == reference.upperSwitch)
    // A leaf's NIC ports come first in its port list: the shape's NIC count is that prefix.
    for s in 0..<f.switchCount {
      #expect(f.portShape(ofSwitch: s).nicPorts == reference.portLinks[s].prefix { $0 < f.nicLinks }.count)
      #expect(reference.portLinks[s].dropFirst(f.portShape(ofSwitch: s).nicPorts).allSatisfy { $0 >= f.nicLinks })
    }
  }

  @Test("aggregated-flap groups are v0.5.0's bit for bit, for every rule of every population", arguments: fabrics)
  func groups(_ fabric: String) throws {
    let layout = try PlantLayout(scenario: scenario("fabric: {\(fabric)}\n"))
    let f = try #require(layout.fabric)
    Self.expectGroupsAsReference(layout, f)
  }

  /// Rules with parameters the presets do not use: counts that end inside a switch, laser counts
  /// that do not divide evenly (shares that are not powers of two, added in interleaved order),
  /// port groups that run past a switch's ports, links past the NIC links, link sets of 1 to 3.
  @Test("aggregated-flap groups of random rules are v0.5.0's bit for bit", arguments: fabrics)
  func randomRules(_ fabric: String) throws {
    let layout = try PlantLayout(scenario: scenario("fabric: {\(fabric)}\n"))
    let f = try #require(layout.fabric)
    let source = RandomSource(seed: UInt32(fabric.utf8.count * 7919))
    func pick(_ range: ClosedRange<Int>) -> Int { source.uniformInt(below: range.count) + range.lowerBound }
    for _ in 0..<60 {
      let firstSwitch = pick(0...(f.switchCount - 1))
      let switchesLeft = f.switchCount - firstSwitch
      let rule: ImpactRule, count: Int
      switch pick(0...4) {
      case 0:
        let offset = pick(0...(f.linkCount - 1))
        rule = .link(offset: offset)
        count = pick(1...(f.linkCount - offset))
      case 1:
        let copies = pick(1...3)
        rule = .linkSet(stride: f.gpus, count: copies)
        count = pick(1...f.gpus)
      case 2:
        let groups = pick(1...9)
        rule = .portGroup(firstSwitch: firstSwitch, groupsPerSwitch: groups, portsPerGroup: pick(1...(f.radix / 2 + 3)))
        count = pick(1...(switchesLeft * groups))
      case 3:
        rule = .randomEngine(firstSwitch: firstSwitch, engines: pick(1...12))
        count = pick(1...switchesLeft)
      default:
        let engines = pick(1...12)
        rule = .randomLaserEngine(firstSwitch: firstSwitch, lasers: pick(1...40), engines: engines)
        count = pick(1...switchesLeft)
      }
      let reference = LayoutReference.linkGroups(rule: rule, count: count, fabric: f)
      #expect(reference != nil)
      #expect(AggregatedFlaps.linkGroups(rule: rule, count: count, fabric: f) == reference, "\(rule), \(count) units")
    }
  }

  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  @Test("the 1M presets: the wiring and every population's flap groups are v0.5.0's",
        arguments: ["cluster-1m-pluggable", "cluster-1m-cpo-els"])
  func millionGPUs(_ name: String) throws {
    let loaded = try ScenarioLoader.load(path: Self.repository.appendingPathComponent("Scenarios/\(name).yaml").path)
    let layout = try PlantLayout(scenario: loaded)
    let f = try #require(layout.fabric)
    #expect(LayoutReference.wiring(of: f) == LayoutReference.Wiring(fabric: f.fabric))
    Self.expectGroupsAsReference(layout, f)
  }

  @Test("a repeated sum is taken in one step only when every partial sum is exact")
  func repeatedSums() {
    typealias Sums = AggregatedFlaps.WeightSums
    #expect(Sums.exactRepeatedSum(0, 1, 10_000_000) == 10_000_000)
    #expect(Sums.exactRepeatedSum(3, 0.125, 8) == 4)
    #expect(Sums.exactRepeatedSum(0, 0.1, 3) == nil)  // 0.1 + 0.1 + 0.1 != 0.3
    #expect(Sums.exactRepeatedSum(0.1, 0.125, 3) == nil)
    #expect(Sums.exactRepeatedSum(0x1p53, 1, 1) == nil)
    // One by one where it must: the same sum as a loop.
    var sums = Sums()
    sums.add(.init(links: 1, nicLinks: 0), [0.1, 0.7], times: 1000)
    var loop = 0.0
    for _ in 0..<1000 { loop += 0.1; loop += 0.7 }
    #expect(sums.weights[.init(links: 1, nicLinks: 0)] == loop)
  }
}
