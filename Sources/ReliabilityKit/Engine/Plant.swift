internal import CGSL

/// The up/down state of what users care about in one trial: links, switches and a plain
/// system's structure, with the time each spent down.
///
/// Outages are counted, not flagged: a link is down while at least one outage covers it (its
/// own failure, a flap, its switch, a drain), so overlapping outages come and go in any order.
/// Applying an impact returns what changed; the trial tells the jobs.
struct Plant {
  /// What applying an impact changed.
  enum Change: Equatable {
    case none
    /// Links went down or came back: `changedLinks` lists them.
    case links
    /// The plain system went down or came back up.
    case system(up: Bool)
  }

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
      for i in 0..<min(n, Self.prefetchDistance) { cposim_prefetch(state.baseAddress! + ids[i]) }
      for i in 0..<n {
        if i + Self.prefetchDistance < n { cposim_prefetch(state.baseAddress! + ids[i + Self.prefetchDistance]) }
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
