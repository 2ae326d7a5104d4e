internal import CGSL

/// The up/down state of what users care about in one trial: links, switches and a plain
/// system's structure, with the time each spent down.
///
/// Outages are counted, not flagged, so overlapping outages come and go in any order. A link
/// holds only its own outages (its failure, a flap, its ports' engine or laser source, collateral
/// damage); a switch holds its own (its board, a drain, its power or fans, a common cause). A
/// link is down while it has an outage of its own, or one of its switches is down, or (a NIC
/// link) its leaf has lost every uplink: its nodes cannot reach the rest of the fabric. So a
/// switch's outage touches the switch, and its links only to find those that change: a link
/// already down for another reason is not written, and a second outage of a switch that is down
/// walks nothing. A leaf walks nothing at all: it keeps counts of its NIC links with an outage of
/// their own and of its uplinks held down by their own outage or their spine, so its transition
/// knows how many links change (`leafChange`), and the job board walks the leaf's nodes itself.
///
/// Link down-hours are the count of links down integrated over time (`accrue`), not a sum of
/// each link's outages: the same integral, added in another order.
///
/// Applying an impact returns what changed; the trial tells the jobs.
struct Plant {
  /// What applying an impact changed.
  enum Change: Equatable {
    case none
    /// Links went down or came back: `listedLinks` lists them, or `leafChange` counts a leaf's
    /// (`changedLinks` lists either).
    case links
    /// The plain system went down or came back up.
    case system(up: Bool)
  }

  /// Outages covering a switch and since when, and the failed units of its redundant sets.
  struct SwitchState {
    var down: Int32 = 0
    var since: Hours = 0
    var failed: (psu: Int32, fan: Int32) = (0, 0)
  }

  let fabric: FabricLayout?
  let structure: SystemStructure?
  /// Per link: the outages of the link itself (not its switches').
  private(set) var own: [Int32] = []
  private(set) var switches: [SwitchState] = []
  /// Plain systems: copies of each unit (by population) that are down.
  private var unitDown: [Int]
  private(set) var systemUp = true
  private(set) var systemDownSince: Hours = 0
  /// A leaf's transition (its first outage began or its last ended): which of its links changed.
  struct LeafChange: Equatable {
    let leaf: Int
    /// Its NIC links without an outage of their own changed (the leaf was not cut off already
    /// when it went down; it is not cut off by its uplinks when it came back).
    let nicLinks: Bool
    /// How many of its uplinks changed: those that neither their own outage nor their spine holds down.
    let uplinks: Int
  }

  /// The links the last `apply` changed, in the order they changed (a buffer reused to avoid an
  /// allocation per call); empty after a leaf's transition (`leafChange`).
  private(set) var listedLinks: [Int] = []
  /// The last `apply` was a leaf's transition: what changed, counted, not listed.
  private(set) var leafChange: LeafChange?
  /// Whether the last `apply` isolated or rejoined a leaf.
  private(set) var isolationChanged = false
  /// Per leaf: its uplinks held down by their own outage or by their spine (not by the leaf's
  /// own outage). A leaf with all of them held down is isolated: its NIC links are down too.
  private var uplinksHeld: [Int32] = []
  /// Per leaf: its NIC links with an outage of their own.
  private var ownNICs: [Int32] = []
  /// Links down now, and NIC links among them; the time up to which their down-hours are booked.
  private(set) var linksDown = 0
  private(set) var nicLinksDown = 0
  private var bookedUntil: Hours = 0

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
      own = [Int32](repeating: 0, count: f.linkCount)
      switches = [SwitchState](repeating: SwitchState(), count: f.switchCount)
      uplinksHeld = [Int32](repeating: 0, count: f.leaves)
      ownNICs = [Int32](repeating: 0, count: f.leaves)
    }
  }

  /// The links the last `apply` changed, in the order a walk over them meets them: the listed
  /// links, or a leaf transition's (its NIC links without an outage of their own, in port order,
  /// when they changed; then its uplinks that nothing else holds down), built on request for the
  /// tests that check the counts against the link-by-link walk: the engine's job board reads a
  /// leaf's transition from `leafChange`.
  var changedLinks: [Int] {
    guard let change = leafChange, let f = fabric else { return listedLinks }
    let ports = f.links(ofSwitch: change.leaf)
    let nics = f.nicLinkCount(onLeaf: change.leaf)
    var result = change.nicLinks ? ports[..<nics].filter { own[$0] == 0 } : []
    result += ports[nics...].filter { own[$0] == 0 && switches[f.switches(ofLink: $0).upper].down == 0 }
    return result
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
    default:
      break
    }
    book(until: now)
    if !listedLinks.isEmpty { listedLinks.removeAll(keepingCapacity: true) }
    leafChange = nil
    let f = fabric!
    switch impact {
    case let .link(l):
      changeOwn(l, down: down)
    case let .linkSet(first, stride, count):
      for k in 0..<count { changeOwn(first + k * stride, down: down) }
    case let .ports(s, range):
      let ports = f.links(ofSwitch: s)
      for i in range { changeOwn(ports[i], down: down) }
    case let .switchDown(s):
      changeSwitch(s, down: down, at: now)
    case let .redundancy(s, group):
      let before = Int(group == .psu ? switches[s].failed.psu : switches[s].failed.fan)
      let after = before + (down ? 1 : -1)
      if group == .psu { switches[s].failed.psu = Int32(max(0, after)) } else { switches[s].failed.fan = Int32(max(0, after)) }
      let spare = f.redundancy[group.rawValue].perSwitch - f.redundancy[group.rawValue].required
      if down, before == spare { changeSwitch(s, down: true, at: now) }
      if !down, after == spare { changeSwitch(s, down: false, at: now) }
    case .none, .systemUnit:
      break
    }
    return listedLinks.isEmpty && leafChange == nil ? .none : .links
  }

  /// Books the link down-hours from the last change up to `now`.
  @inline(__always)
  private mutating func book(until now: Hours) {
    guard now > bookedUntil else { return }
    if linksDown > 0 {
      let span = now - bookedUntil
      linkDownHours += Double(linksDown) * span
      if nicLinksDown > 0 { nicLinkDownHours += Double(nicLinksDown) * span }
    }
    bookedUntil = now
  }

  /// Whether link `l` is down: an outage of its own, one of its switches, or its leaf isolated.
  func isDown(link l: Int) -> Bool {
    if own[l] > 0 { return true }
    let f = fabric!
    if l < f.nicLinks { return leafCut(f.leaf(ofNICLink: l)) }
    let (a, b) = f.switches(ofLink: l)
    return switches[a].down > 0 || switches[b].down > 0
  }

  /// Whether leaf `leaf`'s NIC links are cut off: the leaf is down or has lost every uplink.
  @inline(__always)
  private func leafCut(_ leaf: Int) -> Bool {
    switches[leaf].down > 0 || (fabric!.up > 0 && Int(uplinksHeld[leaf]) == fabric!.up)
  }

  /// Link `l` went down or came back.
  @inline(__always)
  private mutating func mark(_ l: Int, down: Bool, nicLinks: Int) {
    let step = down ? 1 : -1
    linksDown += step
    if l < nicLinks { nicLinksDown += step }
    listedLinks.append(l)
  }

  /// An outage of link `l` itself begins or ends: the link changes when it was its only one
  /// and nothing else holds the link down.
  private mutating func changeOwn(_ l: Int, down: Bool) {
    let before = own[l]
    if down {
      own[l] = before + 1
      guard before == 0 else { return }
    } else {
      guard before > 0 else { return }
      own[l] = before - 1
      guard before == 1 else { return }
    }
    let f = fabric!
    if l < f.nicLinks {
      let leaf = f.leaf(ofNICLink: l)
      ownNICs[leaf] += down ? 1 : -1
      if !leafCut(leaf) { mark(l, down: down, nicLinks: f.nicLinks) }
      return
    }
    let (a, b) = f.switches(ofLink: l)
    if l < f.spineCoreOffset {
      // An uplink its spine holds down already is held either way.
      guard switches[b].down == 0 else { return }
      uplinkChanged(l, leaf: a, down: down)
      return
    }
    guard switches[a].down == 0, switches[b].down == 0 else { return }
    mark(l, down: down, nicLinks: f.nicLinks)
  }

  /// Leaf–spine link `l` of leaf `leaf` became held down (`down`) or free: it changes when the
  /// leaf is up; when it was the leaf's last uplink, or the first back, the leaf's NIC links
  /// without an outage of their own change with it (before it, as the leaf is isolated or rejoins).
  private mutating func uplinkChanged(_ l: Int, leaf: Int, down: Bool) {
    let f = fabric!
    let was = uplinksHeld[leaf]
    uplinksHeld[leaf] = was + (down ? 1 : -1)
    guard switches[leaf].down == 0 else { return }
    let all = Int32(f.up)
    if (down && was + 1 == all) || (!down && was == all) {
      isolationChanged = true
      for nic in f.nicLinks(onLeaf: leaf) where own[nic] == 0 { mark(nic, down: down, nicLinks: f.nicLinks) }
    }
    mark(l, down: down, nicLinks: f.nicLinks)
  }

  private mutating func changeSwitch(_ s: Int, down: Bool, at now: Hours) {
    let before = switches[s].down
    let after = before + (down ? 1 : -1)
    switches[s].down = max(0, after)
    if before == 0, after > 0 {
      switches[s].since = now
      switchChanged(s, down: true)
    } else if before > 0, after == 0 {
      switchDownHours += now - switches[s].since
      switchChanged(s, down: false)
    }
  }

  /// How far ahead a switch's walk asks for its links' own outages: a switch's links lie far
  /// apart (a spine's are one per leaf), so each is a cache miss.
  static let prefetchDistance = 8

  /// Switch `s` went down or came back (its first outage began, or its last ended): the links
  /// on its ports change unless something else holds them down, in port order. A leaf's are
  /// counted (`leafChanged`); a spine's or core's are walked.
  private mutating func switchChanged(_ s: Int, down: Bool) {
    let f = fabric!
    if s < f.leaves {
      leafChanged(s, down: down)
      return
    }
    var walk = SwitchWalk(fabric: f, down: down, nicLinks: f.nicLinks, linksDown: linksDown, nicLinksDown: nicLinksDown)
    // The walk runs on the arrays' buffers: indexing the arrays checked each write for a
    // shared buffer (a call).
    f.links(ofSwitch: s).withUnsafeBufferPointer { ports in
      own.withUnsafeBufferPointer { own in
        switches.withUnsafeBufferPointer { switches in
          uplinksHeld.withUnsafeMutableBufferPointer { held in
            walk.run(s, ports: ports, own: own, switches: switches, held: held, changed: &listedLinks)
          }
        }
      }
    }
    linksDown = walk.linksDown
    nicLinksDown = walk.nicLinksDown
    if walk.isolation { isolationChanged = true }
  }

  /// Leaf `leaf` went down or came back: its NIC links without an outage of their own change
  /// unless its uplinks alone cut it off (all of them held down, before it went down or now that
  /// it is back), and its uplinks change unless their own outage or their spine holds them down.
  /// Both are counts the plant keeps (`ownNICs`, `uplinksHeld`): nothing is walked. A leaf that
  /// loses (or gets back) uplinks with it is isolated (or rejoins).
  private mutating func leafChanged(_ leaf: Int, down: Bool) {
    let f = fabric!
    let up = f.up, held = Int(uplinksHeld[leaf])
    let cutAbove = up > 0 && held == up
    let nics = cutAbove ? 0 : f.nicLinkCount(onLeaf: leaf) - Int(ownNICs[leaf])
    let uplinks = up - held
    guard nics > 0 || uplinks > 0 else { return }
    leafChange = LeafChange(leaf: leaf, nicLinks: !cutAbove, uplinks: uplinks)
    let step = down ? 1 : -1
    linksDown += step * (nics + uplinks)
    nicLinksDown += step * nics
    if uplinks > 0 { isolationChanged = true }
  }

  /// One walk over the links of a spine or core that went down (`down`) or came back: the links
  /// that change (`changed`, in port order), the uplinks held down per leaf, the links down, and
  /// whether a leaf was isolated or rejoined.
  private struct SwitchWalk {
    let fabric: FabricLayout
    let down: Bool
    let nicLinks: Int
    var linksDown: Int
    var nicLinksDown: Int
    var isolation = false

    @inline(__always)
    private mutating func mark(_ l: Int, _ changed: inout [Int]) {
      let step = down ? 1 : -1
      linksDown += step
      if l < nicLinks { nicLinksDown += step }
      changed.append(l)
    }

    mutating func run(_ s: Int, ports: UnsafeBufferPointer<Int>, own: UnsafeBufferPointer<Int32>,
                      switches: UnsafeBufferPointer<SwitchState>, held: UnsafeMutableBufferPointer<Int32>, changed: inout [Int]) {
      let f = fabric
      let n = ports.count, ahead = Plant.prefetchDistance
      for i in 0..<min(n, ahead) { cposim_prefetch(own.baseAddress! + ports[i]) }
      // Each link changes unless its own outage or the switch at its other end holds it down;
      // a leaf's uplink is held by the spine either way, and may isolate or rejoin the leaf.
      let spineEnd = f.leaves + f.spines, spineCore = f.spineCoreOffset
      for i in 0..<n {
        if i + ahead < n { cposim_prefetch(own.baseAddress! + ports[i + ahead]) }
        let l = ports[i]
        guard own[l] == 0 else { continue }
        let ends = f.switches(ofLink: l)
        if l < spineCore {
          let leaf = ends.lower
          let was = held[leaf]
          held[leaf] = was + (down ? 1 : -1)
          guard switches[leaf].down == 0 else { continue }
          let all = Int32(f.up)
          if (down && was + 1 == all) || (!down && was == all) {
            isolation = true
            for nic in f.nicLinks(onLeaf: leaf) where own[nic] == 0 { mark(nic, &changed) }
          }
        } else {
          let other = s < spineEnd ? ends.upper : ends.lower
          guard switches[other].down == 0 else { continue }
        }
        mark(l, &changed)
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

  /// Books the outages still open at the horizon, in switch order (floating-point sums must not
  /// depend on anything else: the report is byte-identical for the same inputs).
  mutating func close(at horizon: Hours) {
    book(until: horizon)
    for s in switches.indices where switches[s].down > 0 { switchDownHours += horizon - switches[s].since }
    if !systemUp { systemDownHours += horizon - systemDownSince }
    for g in groupDownSince.indices { if let since = groupDownSince[g] { groupDownHours[g] += horizon - since } }
  }
}
