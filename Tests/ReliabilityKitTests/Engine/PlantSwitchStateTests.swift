import Foundation
import Testing
@testable import ReliabilityKit

/// The plant of v0.3.0, kept here as the reference the per-switch plant is checked against: a
/// count of outages per link, a switch's outage added to each of its links (each drain walks
/// them all), each link's down-hours summed when it comes back.
struct LinkByLinkPlant {
  typealias Change = Plant.Change

  /// Outages covering a link (down while positive), and since when. One entry per link, count
  /// and time together: a spine's links are far apart in memory, and a drain touches each once.
  struct LinkState {
    var down: Int32 = 0
    var since: Hours = 0
  }

  /// Outages covering a switch and since when, and the failed units of its redundant sets.
  struct SwitchState {
    var down: Int32 = 0
    var since: Hours = 0
    var failed: (psu: Int32, fan: Int32) = (0, 0)
  }

  let fabric: FabricLayout?
  let structure: SystemStructure?
  private(set) var links: [LinkState] = []
  private(set) var switches: [SwitchState] = []
  /// Plain systems: copies of each unit (by population) that are down.
  private var unitDown: [Int]
  private(set) var systemUp = true
  private(set) var systemDownSince: Hours = 0
  /// The links the last `apply` changed (a buffer reused to avoid an allocation per call).
  private(set) var changedLinks: [Int] = []
  /// Whether the last `apply` isolated or rejoined a leaf.
  private(set) var isolationChanged = false
  /// The links of a `.link` or `.linkSet` impact (a buffer reused).
  private var scratch: [Int] = []
  /// Per leaf: uplinks down. A leaf with none left is isolated: its NIC links count as down too
  /// (its nodes cannot reach the rest of the fabric).
  private var leafUplinksDown: [Int32] = []

  // Time integrals and counts for the outcome.
  private(set) var linkDownHours: Hours = 0
  private(set) var nicLinkDownHours: Hours = 0
  private(set) var switchDownHours: Hours = 0
  private(set) var systemDownHours: Hours = 0
  private(set) var systemFailures = 0
  /// Per k-of-n group of a plain system: whether it is down, since when, and its downtime.
  private var groupDownSince: [Hours?] = []
  private(set) var groupDownHours: [Hours] = []

  init(layout: PlantLayout) {
    fabric = layout.fabric
    if case let .system(s) = layout.kind { structure = s } else { structure = nil }
    unitDown = Array(repeating: 0, count: layout.populations.count)
    groupDownSince = Array(repeating: nil, count: structure?.groups.count ?? 0)
    groupDownHours = Array(repeating: 0, count: structure?.groups.count ?? 0)
    if let f = fabric {
      links = [LinkState](repeating: LinkState(), count: f.linkCount)
      switches = [SwitchState](repeating: SwitchState(), count: f.switchCount)
      leafUplinksDown = [Int32](repeating: 0, count: f.leaves)
    }
  }

  /// Adds link downtime counted outside the event loop (aggregated flaps), in the order given.
  mutating func addDowntime(linkHours: Hours, nicLinkHours: Hours) {
    linkDownHours += linkHours
    nicLinkDownHours += nicLinkHours
  }

  /// Takes `impact` out of service (`down`) or returns it at `now`.
  mutating func apply(_ impact: Impact, down: Bool, at now: Hours) -> Change {
    isolationChanged = false
    switch impact {
    case .none:
      return .none
    case let .systemUnit(p):
      unitDown[p] += down ? 1 : -1
      return updateSystem(at: now)
    case let .link(l):
      // One link (most failures): walked in place, without building a list.
      return withUnsafePointer(to: l) { changeLinks(UnsafeBufferPointer(start: $0, count: 1), down: down, at: now) }
    case let .linkSet(first, stride, count):
      scratch.removeAll(keepingCapacity: true)
      for k in 0..<count { scratch.append(first + k * stride) }
      return changeLinks(scratch[...], down: down, at: now)
    case let .ports(s, range):
      return changeLinks(fabric!.links(ofSwitch: s)[range], down: down, at: now)
    case let .switchDown(s):
      return changeSwitch(s, down: down, at: now)
    case let .redundancy(s, group):
      let f = fabric!
      let before = Int(group == .psu ? switches[s].failed.psu : switches[s].failed.fan)
      let after = before + (down ? 1 : -1)
      if group == .psu { switches[s].failed.psu = Int32(max(0, after)) } else { switches[s].failed.fan = Int32(max(0, after)) }
      let spare = f.redundancy[group.rawValue].perSwitch - f.redundancy[group.rawValue].required
      if down, before == spare { return changeSwitch(s, down: true, at: now) }
      if !down, after == spare { return changeSwitch(s, down: false, at: now) }
      return .none
    }
  }

  private mutating func changeSwitch(_ s: Int, down: Bool, at now: Hours) -> Change {
    let before = switches[s].down
    let after = before + (down ? 1 : -1)
    switches[s].down = max(0, after)
    if before == 0, after > 0 { switches[s].since = now }
    if before > 0, after == 0 { switchDownHours += now - switches[s].since }
    return changeLinks(fabric!.links(ofSwitch: s)[...], down: down, at: now)
  }

  private mutating func changeLinks(_ changing: ArraySlice<Int>, down: Bool, at now: Hours) -> Change {
    changing.withUnsafeBufferPointer { changeLinks($0, down: down, at: now) }
  }

  private mutating func changeLinks(_ ids: UnsafeBufferPointer<Int>, down: Bool, at now: Hours) -> Change {
    changedLinks.removeAll(keepingCapacity: true)
    let f = fabric!
    // The walk runs on the arrays' buffers: indexing the arrays themselves checked each one for
    // a shared buffer (a call) at every write. The downtime sums add in the same order as
    // link by link, so they are the same numbers.
    var walk = LinkWalk(nicLinks: f.nicLinks, spineCoreOffset: f.spineCoreOffset, up: f.up, down: down, now: now,
                        hours: linkDownHours, nicHours: nicLinkDownHours)
    links.withUnsafeMutableBufferPointer { state in
      leafUplinksDown.withUnsafeMutableBufferPointer { uplinks in
        walk.run(ids, state: state, uplinks: uplinks, changed: &changedLinks, fabric: f)
      }
    }
    linkDownHours = walk.hours
    nicLinkDownHours = walk.nicHours
    if walk.isolation { isolationChanged = true }
    return changedLinks.isEmpty ? .none : .links
  }

  /// One walk over links that an outage takes down (`down`) or returns at `now`: each link's
  /// outage count, the leaves isolated or rejoined (a leaf whose last uplink goes down isolates
  /// its NIC links, which count that as one more outage), the links that went down or came back
  /// (`changed`) and the downtime they add.
  private struct LinkWalk {
    let nicLinks: Int
    let spineCoreOffset: Int
    let up: Int
    let down: Bool
    let now: Hours
    var hours: Hours
    var nicHours: Hours
    var isolation = false

    /// A switch's links lie far apart in the link state (a spine's are one per leaf), so each
    /// is a cache miss: ask for the state of the link this far ahead while changing this one.
    static let prefetchDistance = 8

    mutating func run(_ ids: UnsafeBufferPointer<Int>, state: UnsafeMutableBufferPointer<LinkState>,
                      uplinks: UnsafeMutableBufferPointer<Int32>, changed: inout [Int], fabric f: FabricLayout) {
      let n = ids.count
      for i in 0..<n {
        change(ids[i], state: state, uplinks: uplinks, changed: &changed, fabric: f)
      }
    }

    private mutating func change(_ link: Int, state: UnsafeMutableBufferPointer<LinkState>, uplinks: UnsafeMutableBufferPointer<Int32>,
                                 changed: inout [Int], fabric f: FabricLayout) {
      let before = state[link].down
      let after = max(0, before + (down ? 1 : -1))
      state[link].down = after
      if link >= nicLinks, link < spineCoreOffset, (before == 0) != (after == 0) {
        // A leaf-spine link went down or came back: isolate or rejoin its leaf when it was the last.
        let leaf = (link - nicLinks) / up
        let was = uplinks[leaf]
        uplinks[leaf] += down ? 1 : -1
        let all = Int32(up)
        if (down && was + 1 == all) || (!down && was == all) {
          isolation = true
          for nic in f.nicLinks(onLeaf: leaf) { change(nic, state: state, uplinks: uplinks, changed: &changed, fabric: f) }
        }
      }
      if down, before == 0 {
        state[link].since = now
        changed.append(link)
      } else if !down, before > 0, after == 0 {
        let length = now - state[link].since
        hours += length
        if link < nicLinks { nicHours += length }
        changed.append(link)
      }
    }
  }

  private mutating func updateSystem(at now: Hours) -> Change {
    guard let structure else { return .none }
    for g in groupDownSince.indices {
      let groupUp = structure.isGroupUp(g, down: unitDown)
      if let since = groupDownSince[g], groupUp {
        groupDownHours[g] += now - since
        groupDownSince[g] = nil
      } else if groupDownSince[g] == nil, !groupUp {
        groupDownSince[g] = now
      }
    }
    let up = structure.isUp(down: unitDown)
    guard up != systemUp else { return .none }
    if up {
      systemDownHours += now - systemDownSince
    } else {
      systemDownSince = now
      systemFailures += 1
    }
    systemUp = up
    return .system(up: up)
  }

  /// Books the outages still open at the horizon, in link and switch order (floating-point
  /// sums must not depend on anything else: the report is byte-identical for the same inputs).
  mutating func close(at horizon: Hours) {
    let nicLinks = fabric?.nicLinks ?? 0
    for link in links.indices where links[link].down > 0 {
      linkDownHours += horizon - links[link].since
      if link < nicLinks { nicLinkDownHours += horizon - links[link].since }
    }
    for s in switches.indices where switches[s].down > 0 { switchDownHours += horizon - switches[s].since }
    if !systemUp { systemDownHours += horizon - systemDownSince }
    for g in groupDownSince.indices { if let since = groupDownSince[g] { groupDownHours[g] += horizon - since } }
  }
}

/// The plant keeps outages per switch and derives a link's state from its own outages and its
/// switches' (and, for a NIC link, its leaf's uplinks). Checked against the link-by-link walk it
/// replaced, on random sequences of failures, drains, redundancy losses and repairs: after every
/// step the same links changed in the same order (so the job board sees the same changes), the
/// same isolation flag and the same state of every link; at the end the same down-hours.
@Suite("Plant: outage state per switch against the link-by-link walk")
struct PlantSwitchStateTests {
  static let fabrics = [
    "topology: leaf-spine, gpus: 512, switch_radix: 64, optics: cpo",
    "topology: leaf-spine, gpus: 256, switch_radix: 64, optics: pluggable, nic_homing: 2",
    "topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable, rail_optimized: true, planes: 2",
    "topology: leaf-spine, gpus: 256, switch_radix: 64, optics: cpo, nic_link: copper, uplink_overbuild: 2",
    "topology: three-tier-clos, gpus: 512, switch_radix: 16, optics: cpo",
  ]

  /// A random outage of `f`: a link, a NIC's links, a run of a switch's ports, a whole switch,
  /// or a PSU or fan, with switches drawn half the time from a few (two leaves and the spines
  /// and core above them) so that leaves lose all their uplinks often.
  static func randomImpact(_ f: FabricLayout, using source: RandomSource) -> Impact {
    let hot = [0, 1] + (f.leaves..<min(f.leaves + f.up, f.leaves + f.spines)).map { $0 } + (f.cores > 0 ? [f.leaves + f.spines] : [])
    let s = source.uniform() < 0.5 ? hot[source.uniformInt(below: hot.count)] : source.uniformInt(below: f.switchCount)
    let u = source.uniform()
    if u < 0.3 { return .link(source.uniformInt(below: f.linkCount)) }
    if u < 0.4 {
      let first = source.uniformInt(below: f.gpus)
      return f.homing == 1 ? .link(first) : .linkSet(first: first, stride: f.gpus, count: f.homing)
    }
    if u < 0.6 {
      let ports = f.links(ofSwitch: s).count
      let start = source.uniformInt(below: ports)
      return .ports(switch: s, range: start..<min(ports, start + 1 + source.uniformInt(below: 16)))
    }
    if u < 0.85 { return .switchDown(s) }
    return .redundancy(switch: s, group: source.uniform() < 0.5 ? .psu : .fan)
  }

  @Test("random outages: the same changes in the same order, link states and down-hours", arguments: fabrics)
  func matchesLinkByLinkWalk(fabric: String) throws {
    let layout = try PlantLayout(scenario: scenario("fabric: {\(fabric)}\n"))
    let f = try #require(layout.fabric)
    var plant = Plant(layout: layout)
    var reference = LinkByLinkPlant(layout: layout)
    let source = RandomSource(seed: 2026)
    var open: [Impact] = []
    var now: Hours = 0
    var changes = 0, isolations = 0, isolationsAbove = 0, leafChanges = 0
    for step in 0..<12_000 {
      now += -log1p(-source.uniform())
      let down = open.isEmpty || source.uniform() < (open.count < 40 ? 0.6 : 0.4)
      let impact: Impact
      if down {
        impact = randomImpactOnce(f, source)
        open.append(impact)
      } else {
        let k = source.uniformInt(below: open.count)
        impact = open[k]
        open.swapAt(k, open.count - 1)
        open.removeLast()
      }
      let change = plant.apply(impact, down: down, at: now)
      let expected = reference.apply(impact, down: down, at: now)
      try #require(change == expected, "step \(step): \(impact) down \(down)")
      #expect(plant.isolationChanged == reference.isolationChanged, "step \(step): \(impact) down \(down)")
      if change == .links {
        changes += 1
        if plant.isolationChanged { isolations += 1 }
        // Isolations caused from above the leaf: a spine or core down, or an uplink's own outage.
        if plant.isolationChanged {
          switch impact {
          case let .switchDown(s), let .redundancy(s, _): if s >= f.leaves { isolationsAbove += 1 }
          case .link, .linkSet, .ports: isolationsAbove += 1
          default: break
          }
        }
        try #require(plant.changedLinks == reference.changedLinks, "step \(step): \(impact) down \(down)")
      }
      // A leaf's transition is counted, not walked: its counts checked at once, against the
      // state of every link.
      if plant.leafChange != nil { leafChanges += 1 }
      if step % 97 == 0 || plant.leafChange != nil {
        let states = (0..<f.linkCount).map { plant.isDown(link: $0) }
        try #require(states == reference.links.map { $0.down > 0 }, "step \(step)")
        #expect(plant.linksDown == states.count { $0 })
        #expect(plant.nicLinksDown == states.prefix(f.nicLinks).count { $0 })
      }
    }
    // The walk must have exercised what it checks: many changes, leaves isolated and rejoined.
    #expect(changes > 3000)
    #expect(isolations > 20)
    #expect(isolationsAbove > 5, "\(isolationsAbove) isolations from above")
    #expect(leafChanges > 300, "\(leafChanges) leaf transitions")
    plant.close(at: now + 100)
    reference.close(at: now + 100)
    #expect(plant.switchDownHours == reference.switchDownHours)
    #expect(reference.linkDownHours > 0)
    #expect(abs(plant.linkDownHours - reference.linkDownHours) <= 1e-9 * reference.linkDownHours)
    #expect(abs(plant.nicLinkDownHours - reference.nicLinkDownHours) <= 1e-9 * reference.nicLinkDownHours)
  }

  private func randomImpactOnce(_ f: FabricLayout, _ source: RandomSource) -> Impact { Self.randomImpact(f, using: source) }
}
