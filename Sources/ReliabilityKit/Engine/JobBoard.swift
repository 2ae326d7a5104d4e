import Foundation

/// The training jobs of one trial, the fabric's nodes they run on, and the pool of spares.
///
/// Every node is in one job, in the spare pool, or idle (neither: nodes beyond the reserved
/// spares). Whatever makes a job's node unusable (a host or GPU failure, its NIC, a NIC link,
/// its leaf going down or being drained) strikes the job the same way: the node leaves the
/// job, and the job restarts on spares from the pool if there are enough (adding the spare swap
/// time), continues on fewer nodes if it is elastic, or waits. Hardware fails on the calendar:
/// a failure while the job restarts starts the restart over, one while it waits takes another
/// node, and both are counted as hits (`JobOutcome.hits`), not as interruptions. A node that is
/// usable again joins the pool and serves waiting jobs first.
///
/// A node that loses some of its NICs but not all (a NIC or its link on a single-plane fabric,
/// one plane's path on a fabric with planes) is lost, or stays in the job at reduced bandwidth
/// (the job's `nic_loss` / `plane_loss` policy: `degrade`, or `swap-at-checkpoint`, which swaps
/// it for a spare at the job's next checkpoint). A degraded job runs at the speed of its
/// slowest node (`JobSpec.throughput(bandwidthShare:)`).
///
/// Losing an uplink interrupts a job that spans more than one leaf (with its
/// `uplink_interrupt_probability`) once the leaf has lost more uplinks than the fabric's
/// overbuild, unless the leaf itself is down (its traffic is gone with its NIC links, and a
/// dual-homed NIC's has moved to the other leaf of its pair). Flaps no longer than a job's
/// tolerance for the link's class (NIC links, links above the leaves) are ridden out.
///
/// The board returns what to schedule (`restarts`, `hostRepairs`, `swaps`) and the jobs hit
/// (`hits`, for the trace) instead of touching the event queue. Plain systems have no nodes: a
/// job depends on the system structure, seen without the flaps it tolerates, and background
/// failures restart it at once.
struct JobBoard {
  /// A restart to schedule: job `job` finishes restarting at `at` unless `token` is superseded.
  struct Restart {
    let job: Int
    let token: Int
    let at: Hours
  }

  /// A swap of degraded nodes due at job `job`'s checkpoint `at`, in its run `run`.
  struct Swap {
    let job: Int
    let run: Int
    let at: Hours
  }

  /// What the board reads of each job's spec on every change.
  private struct Terms {
    let nodes: Int
    let minNodes: Int
    let nicTolerance: Hours
    let uplinkTolerance: Hours
    let detection: Hours
    let flapHang: Hours
    let uplinkInterruptProbability: Double
    let backgroundRatePerNode: Double
    /// What a node that keeps some of its NICs does to the job (`interrupt` keeps it out).
    let partialLoss: JobSpec.DegradedPolicy
  }

  /// Per job: its nodes, where they sit, and its degraded nodes by NICs cut.
  private struct Placement {
    var nodes: [Int] = []
    /// The number of leaves, and of pods, with NIC links of the job's nodes (the links
    /// themselves are counted in `JobBoard.onLeaf` and `JobBoard.inPod`).
    var leaves = 0
    var pods = 0
    /// Degraded nodes of the job by the number of their NICs cut (index 1 ..< NICs per node).
    var degradedByCut: [Int32] = []
    var degraded = 0
    /// A swap of degraded nodes is on the calendar for the current run.
    var swapPending = false
  }

  private(set) var jobs: [JobState] = []
  private let terms: [Terms]
  private let fabric: FabricLayout?
  private let pool: NodePoolSpec

  // Node state (fabrics only).
  /// Owner of each node: a job index, `spare` (in the pool) or `idle`.
  private var owner: [Int32] = []
  /// Per node and NIC: links of that NIC that are down (the NIC is cut off when all are).
  private var nicLinksDown: [UInt8] = []
  /// Per node: NICs cut off, and whether its host is down.
  private var nicsCut: [Int16] = []
  private var hostDown: [Bool] = []
  /// Per node in a job: the NICs cut it counts as degraded with (0: not degraded).
  private var degradedCut: [Int16] = []
  /// Spare nodes in the pool, in the order they joined it (a spare taken from the middle leaves
  /// its slot to the last one), and a bit per slot set when that spare is usable: the last
  /// usable spare, the one a job takes, is the highest set bit, found a word (64 slots) at a
  /// time rather than by testing the unusable spares after it one by one.
  private var spares: [Int] = []
  private var usableBits: [UInt64] = []
  private var spareIndex: [Int32] = []
  /// Per node in a job: its index in its job's `Placement.nodes` (so leaving is O(1)), else -1.
  private var jobIndex: [Int32] = []
  private var usableSpares = 0
  /// Per leaf: uplinks down.
  private var uplinksDown: [Int32] = []
  private var placements: [Placement] = []
  /// Per job and leaf (job-major, `j · leaves + leaf`): NIC links of the job's nodes on the leaf;
  /// per job and pod (`j · pods + pod`): in the pod. Flat arrays rather than arrays in each
  /// placement: a write to a nested array checked both for a shared buffer.
  private var onLeaf: [Int32] = []
  private var inPod: [Int32] = []
  private var leafCount = 0
  private var podCount = 0
  /// Unusable-node time integral: nodes unusable now, since when, and node-hours so far.
  private var unusable = 0
  private var unusableSince: Hours = 0
  private(set) var unusableNodeHours: Hours = 0

  // Plain systems: the structure, and per job the copies of each unit it sees down (its
  // tolerated flaps left out).
  private let structure: SystemStructure?
  private var seenDown: [[Int]] = []
  private var seenUp: [Bool] = []

  private static let spare: Int32 = -1, idle: Int32 = -2

  /// What kind of unit an outage comes from, to name the cause of the interruptions it causes.
  enum OutageOrigin: Sendable, Equatable {
    /// A NIC.
    case nic
    /// A leaf switch's own units: its board, optical engines, laser sources, power, fans.
    case leafSwitch
    /// Anything else: modules, cables and fibres (NIC links or uplinks by the link), spines, cores.
    case other
  }

  // Output of the last call.
  private(set) var restarts: [Restart] = []
  private(set) var hits: [(job: Int, planned: Bool)] = []
  /// Nodes whose host went down in the last call, with the time they come back.
  private(set) var hostRepairs: [(node: Int, at: Hours)] = []
  private(set) var swaps: [Swap] = []
  /// Scratch buffers.
  private var lost: [[Int]] = []
  private var uplinkHit: [Bool] = []
  private var becameUsable: [Int] = []

  init(specs: [JobSpec], pool: NodePoolSpec, fabric: FabricLayout?, structure: SystemStructure? = nil, units: Int = 0,
       months: Int) {
    self.fabric = fabric
    self.pool = pool
    self.structure = fabric == nil ? structure : nil
    let gpusPerNode = fabric?.gpusPerNode ?? 8
    let planes = fabric?.planes ?? 1
    terms = specs.map { spec in
      let nodes = fabric == nil ? 1 : spec.nodes(gpusPerNode: gpusPerNode)
      return Terms(nodes: nodes, minNodes: spec.minNodes ?? nodes, nicTolerance: spec.flapTolerance,
                   uplinkTolerance: spec.uplinkTolerance, detection: spec.detection, flapHang: spec.flapHang,
                   uplinkInterruptProbability: spec.uplinkInterruptProbability,
                   backgroundRatePerNode: spec.backgroundRatePerNodeHour,
                   partialLoss: planes > 1 ? spec.planeLoss : spec.nicLoss)
    }
    jobs = specs.map { JobState(spec: $0, months: months) }
    lost = specs.map { _ in [] }
    uplinkHit = specs.map { _ in false }
    if self.structure != nil {
      seenDown = specs.map { _ in [Int](repeating: 0, count: units) }
      seenUp = specs.map { _ in true }
    }
    guard let f = fabric else { return }
    owner = [Int32](repeating: Self.idle, count: f.nodes)
    nicLinksDown = [UInt8](repeating: 0, count: f.nodes * f.gpusPerNode)
    nicsCut = [Int16](repeating: 0, count: f.nodes)
    hostDown = [Bool](repeating: false, count: f.nodes)
    degradedCut = [Int16](repeating: 0, count: f.nodes)
    spareIndex = [Int32](repeating: -1, count: f.nodes)
    jobIndex = [Int32](repeating: -1, count: f.nodes)
    uplinksDown = [Int32](repeating: 0, count: f.leaves)
    placements = specs.map { _ in Placement(degradedByCut: [Int32](repeating: 0, count: f.gpusPerNode + 1)) }
    leafCount = f.leaves
    podCount = f.pods
    onLeaf = [Int32](repeating: 0, count: specs.count * f.leaves)
    inPod = [Int32](repeating: 0, count: specs.count * f.pods)
    let placed = Self.place(specs: specs, nodesPerJob: terms.map(\.nodes), pool: pool, fabric: f)
    for (j, nodes) in placed.jobs.enumerated() { for n in nodes { join(n, job: j) } }
    for n in placed.spares { addSpare(n) }
  }

  /// The spare nodes the pool holds at the start (all nodes no job uses when none are reserved).
  static func spareNodes(specs: [JobSpec], pool: NodePoolSpec, fabric f: FabricLayout) -> Int {
    let inJobs = specs.reduce(0) { $0 + min($1.nodes(gpusPerNode: f.gpusPerNode), f.nodes) }
    return pool.spareNodes == nil ? max(0, f.nodes - inJobs) : min(pool.spares(nodes: f.nodes, inJobs: inJobs), max(0, f.nodes - inJobs))
  }

  static func place(specs: [JobSpec], nodesPerJob: [Int], pool: NodePoolSpec, fabric f: FabricLayout) -> (jobs: [[Int]], spares: [Int]) {
    let inJobs = nodesPerJob.reduce(0, +)
    let reserved = pool.spareNodes == nil ? 0 : min(pool.spares(nodes: f.nodes, inJobs: inJobs), max(0, f.nodes - inJobs))
    var free = Array(0..<(f.nodes - reserved))
    // Nodes of one leaf block: those that share leaves.
    let nodesPerBlock = max(1, f.railOptimized ? f.down : f.down * f.planes / f.gpusPerNode)
    var jobs: [[Int]] = []
    for (j, spec) in specs.enumerated() {
      let need = min(nodesPerJob[j], free.count)
      var taken: [Int]
      switch spec.placement {
      case .contiguous:
        taken = Array(free.prefix(need))
      case .spread:
        taken = Array(free.sorted { ($0 % nodesPerBlock, $0 / nodesPerBlock) < ($1 % nodesPerBlock, $1 / nodesPerBlock) }.prefix(need))
      }
      let set = Set(taken)
      free.removeAll { set.contains($0) }
      taken.sort()
      jobs.append(taken)
    }
    let spares = pool.spareNodes == nil ? free : Array((f.nodes - reserved)..<f.nodes)
    return (jobs, spares)
  }

  var isEmpty: Bool { jobs.isEmpty }

  /// Clears the output buffers before a call.
  private mutating func reset() {
    // (Only when not empty: emptying an empty array still costs a call.)
    if !restarts.isEmpty { restarts.removeAll(keepingCapacity: true) }
    if !hits.isEmpty { hits.removeAll(keepingCapacity: true) }
    if !hostRepairs.isEmpty { hostRepairs.removeAll(keepingCapacity: true) }
    if !swaps.isEmpty { swaps.removeAll(keepingCapacity: true) }
  }

  // MARK: Nodes

  @inline(__always)
  private func isUsable(_ n: Int) -> Bool { !hostDown[n] && nicsCut[n] == 0 }

  private mutating func join(_ n: Int, job j: Int) {
    owner[n] = Int32(j)
    if n < jobIndex.count { jobIndex[n] = Int32(placements[j].nodes.count) }
    placements[j].nodes.append(n)
    guard let f = fabric else { return }
    f.forEachLeafRun(ofNode: n) { leaf, links in
      let l = j * leafCount + leaf, p = j * podCount + f.pod(ofLeaf: leaf)
      if onLeaf[l] == 0 { placements[j].leaves += 1 }
      onLeaf[l] += links
      if inPod[p] == 0 { placements[j].pods += 1 }
      inPod[p] += links
    }
  }

  private mutating func leave(_ n: Int, job j: Int) {
    guard let f = fabric, jobIndex[n] >= 0 else { return }
    let i = Int(jobIndex[n])
    let last = placements[j].nodes.count - 1
    let moved = placements[j].nodes[last]
    placements[j].nodes.swapAt(i, last)
    placements[j].nodes.removeLast()
    jobIndex[moved] = Int32(i)
    jobIndex[n] = -1
    f.forEachLeafRun(ofNode: n) { leaf, links in
      let l = j * leafCount + leaf, p = j * podCount + f.pod(ofLeaf: leaf)
      onLeaf[l] -= links
      if onLeaf[l] == 0 { placements[j].leaves -= 1 }
      inPod[p] -= links
      if inPod[p] == 0 { placements[j].pods -= 1 }
    }
    setDegraded(n, job: j, cut: 0)
    addSpare(n)
  }

  private mutating func addSpare(_ n: Int) {
    owner[n] = Self.spare
    spareIndex[n] = Int32(spares.count)
    spares.append(n)
    if spares.count > usableBits.count * 64 { usableBits.append(0) }
    if isUsable(n) { setUsableBit(spares.count - 1, true); usableSpares += 1 }
  }

  @inline(__always)
  private mutating func setUsableBit(_ slot: Int, _ usable: Bool) {
    let bit = UInt64(1) << UInt64(slot & 63)
    if usable { usableBits[slot >> 6] |= bit } else { usableBits[slot >> 6] &= ~bit }
  }

  @inline(__always)
  private func usableBit(_ slot: Int) -> Bool { usableBits[slot >> 6] & (UInt64(1) << UInt64(slot & 63)) != 0 }

  /// Whether the pool's bookkeeping holds: every spare sits in its recorded slot, its bit says
  /// whether it is usable, and the usable count is the number of bits set (the tests check it
  /// after every step).
  var sparePoolIsConsistent: Bool {
    let slotsOK = spares.indices.allSatisfy { i in
      let n = spares[i]
      return Int(spareIndex[n]) == i && owner[n] == Self.spare && isUsable(n) == usableBit(i)
    }
    return slotsOK && usableBits.reduce(0) { $0 + $1.nonzeroBitCount } == usableSpares
  }

  /// The board's state and its last call's output, for tests that run two boards side by side
  /// (each job's state by its description: every stored field).
  struct Snapshot: Equatable {
    var nodes: [[Int]], leaves: [Int], pods: [Int], degradedByCut: [[Int32]], swapPending: [Bool]
    var owner: [Int32], nicLinksDown: [UInt8], nicsCut: [Int16], hostDown: [Bool], degradedCut: [Int16]
    var spares: [Int], usableBits: [UInt64], usableSpares: Int, uplinksDown: [Int32], onLeaf: [Int32], inPod: [Int32]
    var unusable: Int, unusableNodeHours: Hours, jobs: [String]
    var restarts: [[Double]], hits: [String], hostRepairs: [[Double]], swaps: [[Double]]
  }

  var snapshot: Snapshot {
    Snapshot(nodes: placements.map(\.nodes), leaves: placements.map(\.leaves), pods: placements.map(\.pods),
             degradedByCut: placements.map(\.degradedByCut), swapPending: placements.map(\.swapPending),
             owner: owner, nicLinksDown: nicLinksDown, nicsCut: nicsCut, hostDown: hostDown, degradedCut: degradedCut,
             spares: spares, usableBits: usableBits, usableSpares: usableSpares, uplinksDown: uplinksDown, onLeaf: onLeaf,
             inPod: inPod, unusable: unusable, unusableNodeHours: unusableNodeHours, jobs: jobs.map { String(describing: $0) },
             restarts: restarts.map { [Double($0.job), Double($0.token), $0.at] }, hits: hits.map { "\($0.job) \($0.planned)" },
             hostRepairs: hostRepairs.map { [Double($0.node), $0.at] }, swaps: swaps.map { [Double($0.job), Double($0.run), $0.at] })
  }

  /// Takes a usable spare out of the pool: the last usable one in the pool's order.
  private mutating func takeSpare() -> Int? {
    guard usableSpares > 0 else { return nil }
    var w = (spares.count - 1) >> 6
    while usableBits[w] == 0 { w -= 1 }
    let i = w << 6 + (63 - usableBits[w].leadingZeroBitCount)
    let n = spares[i]
    // The last spare fills the slot, with its bit.
    let lastSlot = spares.count - 1
    let last = spares.removeLast()
    setUsableBit(i, false)
    if i < lastSlot {
      spares[i] = last
      spareIndex[last] = Int32(i)
      setUsableBit(i, usableBit(lastSlot))
      setUsableBit(lastSlot, false)
    }
    spareIndex[n] = -1
    usableSpares -= 1
    return n
  }

  /// Bookkeeping when a node's usability changes: the pool's count and the unusable integral.
  private mutating func usabilityChanged(_ n: Int, usable: Bool, at now: Hours) {
    unusableNodeHours += Double(unusable) * (now - unusableSince)
    unusableSince = now
    unusable += usable ? -1 : 1
    if owner[n] == Self.spare {
      usableSpares += usable ? 1 : -1
      setUsableBit(Int(spareIndex[n]), usable)
    }
    if usable { becameUsable.append(n) }
  }

  /// Marks job `j`'s node `n` as degraded with `cut` NICs cut off (0: whole again).
  private mutating func setDegraded(_ n: Int, job j: Int, cut: Int16) {
    let before = degradedCut[n]
    guard before != cut else { return }
    if before > 0 { placements[j].degradedByCut[Int(before)] -= 1; placements[j].degraded -= 1 }
    if cut > 0 { placements[j].degradedByCut[Int(cut)] += 1; placements[j].degraded += 1 }
    degradedCut[n] = cut
  }

  /// The job's work rate: the share of its nodes it runs on, times the throughput its slowest
  /// node's bandwidth allows.
  @inline(__always)
  private func rate(_ j: Int) -> Double {
    let share = Double(placements[j].nodes.count) / Double(terms[j].nodes)
    guard placements[j].degraded > 0, let f = fabric else { return share }
    var worst = f.gpusPerNode - 1
    while worst > 0, placements[j].degradedByCut[worst] == 0 { worst -= 1 }
    return share * jobs[j].spec.throughput(bandwidthShare: Double(f.gpusPerNode - worst) / Double(f.gpusPerNode))
  }

  // MARK: Recovery

  /// After an interruption (or when nodes became usable), restart the job if it has or can get
  /// enough nodes, otherwise wait.
  private mutating func recover(_ j: Int, at now: Hours) {
    let need = terms[j].nodes - placements[j].nodes.count
    var swapped = false
    for _ in 0..<max(0, need) {
      guard let n = takeSpare() else { break }
      join(n, job: j)
      swapped = true
    }
    let have = placements[j].nodes.count
    if have < terms[j].nodes { jobs[j].outcome.stockouts += 1 }
    guard have >= terms[j].minNodes, have > 0 else {
      jobs[j].beginWaiting(at: now)
      return
    }
    if swapped { jobs[j].outcome.spareSwaps += 1 }
    begin(j, swapped: swapped, at: now)
  }

  private mutating func begin(_ j: Int, swapped: Bool, at now: Hours) {
    let restart = jobs[j].beginRestart(at: now, swap: swapped ? pool.spareSwapTime : 0, rate: rate(j))
    restarts.append(Restart(job: j, token: restart.token, at: restart.at))
  }

  /// Nodes that became usable rejoin the pool; waiting jobs (then elastic jobs below full size)
  /// take them, in job order.
  private mutating func serveWaiting(at now: Hours) {
    guard !becameUsable.isEmpty else { return }
    becameUsable.removeAll(keepingCapacity: true)
    for j in jobs.indices where jobs[j].isWaiting && usableSpares > 0 {
      recover(j, at: now)
    }
    for j in jobs.indices where jobs[j].isRunning && usableSpares >= terms[j].nodes - placements[j].nodes.count
      && placements[j].nodes.count < terms[j].nodes {
      // An elastic job grows back with a planned restart (it checkpoints first).
      jobs[j].outcome.regrows += 1
      jobs[j].checkpointAndStop(at: now)
      var swapped = false
      while placements[j].nodes.count < terms[j].nodes, let n = takeSpare() {
        join(n, job: j)
        swapped = true
      }
      begin(j, swapped: swapped, at: now)
    }
  }

  /// Job `j` is struck at `now` by a failure (or a planned stop) of `cause` that took
  /// `nodesLost` of its nodes: it stops or starts its restart over, and recovers.
  private mutating func strike(_ j: Int, cause: InterruptionCause, planned: Bool, nodesLost: Int, flap: Bool, at now: Hours) {
    let active = jobs[j].isRunning || jobs[j].isRestarting
    jobs[j].interrupt(cause: cause, planned: planned, nodesLost: nodesLost,
                      hang: planned ? 0 : (flap ? terms[j].flapHang : terms[j].detection), at: now)
    if active { recover(j, at: now) }
    hits.append((j, planned))
  }

  // MARK: Changes of the plant

  /// The plant's last `apply` changed links (`Plant.Change.links`) at `now`, because of a unit
  /// of kind `origin`. A flap of length `flap` is ignored by jobs that tolerate it on that class
  /// of link; an uplink interrupts with its probability, drawn from `source` (only for unplanned
  /// changes, jobs running or restarting, leaves up).
  ///
  /// The board meets a leaf's transition once (`leafChanged`): it walks the leaf's NIC ports
  /// itself, a node at a time, skipping those with an outage of their own (the plant's `own`),
  /// and moves the leaf's uplink count by the plant's count; the plant lists no links for it.
  /// Other changes it reads from the plant's list a run at a time (`react`). Either way it meets
  /// the nodes in the order one link at a time would (the nodes a job loses, in that order,
  /// decide its node list).
  mutating func plantChanged(_ plant: Plant, down: Bool, planned: Bool, flap: Hours?, origin: OutageOrigin,
                             at now: Hours, using source: RandomSource) {
    reset()
    guard let f = fabric else { return }
    clearReaction()
    if let change = plant.leafChange {
      leafChanged(change, own: plant.own, down: down, flap: flap, fabric: f, at: now)
    } else {
      let switches = plant.switches
      react(to: plant.listedLinks, down: down, planned: planned, flap: flap, fabric: f, at: now,
            leafDown: { switches[$0].down > 0 })
    }
    strikeJobs(planned: planned, flap: flap, origin: origin, isolation: plant.isolationChanged, at: now, using: source)
  }

  /// Links `changed` went down (`down`) or came back at `now`, as `plantChanged` (whose reaction
  /// is the same), from a list of links: a run at a time (`react`), or one link at a time with
  /// `linkByLink` (the reference the tests check the runs and the leaf's walk against).
  /// - Parameters:
  ///   - isolation: the change isolated or rejoined a leaf (all its uplinks): its NIC links in
  ///     `changed` are cut by the fabric above, not by their own parts.
  ///   - leafDown: whether a leaf switch is down itself (failed or drained).
  mutating func linksChanged(_ changed: [Int], down: Bool, planned: Bool, flap: Hours?, origin: OutageOrigin,
                             isolation: Bool = false, at now: Hours, using source: RandomSource, leafDown: (Int) -> Bool,
                             linkByLink: Bool = false) {
    reset()
    guard let f = fabric else { return }
    clearReaction()
    if linkByLink {
      reactLinkByLink(to: changed, down: down, planned: planned, flap: flap, fabric: f, at: now, leafDown: leafDown)
    } else {
      react(to: changed, down: down, planned: planned, flap: flap, fabric: f, at: now, leafDown: leafDown)
    }
    strikeJobs(planned: planned, flap: flap, origin: origin, isolation: isolation, at: now, using: source)
  }

  /// Clears the nodes lost and the uplink hits before a reaction.
  private mutating func clearReaction() {
    for j in jobs.indices {
      if !lost[j].isEmpty { lost[j].removeAll(keepingCapacity: true) }
      uplinkHit[j] = false
    }
  }

  /// After a reaction: each job leaves the nodes it lost and is struck, or is struck by an
  /// uplink hit with its probability; waiting jobs take nodes that became usable.
  private mutating func strikeJobs(planned: Bool, flap: Hours?, origin: OutageOrigin, isolation: Bool, at now: Hours,
                                   using source: RandomSource) {
    let nodeCause: InterruptionCause = origin == .nic ? .nic : origin == .leafSwitch ? .leaf : isolation ? .uplink : .nicLink
    let uplinkCause: InterruptionCause = origin == .leafSwitch ? .leaf : .uplink
    for j in jobs.indices {
      var nodesLost = 0
      for n in lost[j] where owner[n] == Int32(j) {
        leave(n, job: j)
        nodesLost += 1
      }
      if nodesLost > 0 {
        strike(j, cause: nodeCause, planned: planned, nodesLost: nodesLost, flap: flap != nil, at: now)
        continue
      }
      // Multipath absorbs an uplink failure with probability 1 − p.
      if uplinkHit[j], flap.map({ $0 > terms[j].uplinkTolerance }) ?? true,
         jobs[j].isRunning || jobs[j].isRestarting, source.uniform() < terms[j].uplinkInterruptProbability {
        strike(j, cause: uplinkCause, planned: false, nodesLost: 0, flap: flap != nil, at: now)
      }
    }
    serveWaiting(at: now)
  }

  /// The reaction to the changed links one link at a time (the engine's before the runs; kept
  /// as the reference `react` and `leafChanged` are checked against).
  private mutating func reactLinkByLink(to changed: [Int], down: Bool, planned: Bool, flap: Hours?, fabric f: FabricLayout,
                                        at now: Hours, leafDown: (Int) -> Bool) {
    for link in changed {
      switch f.role(ofLink: link) {
      case let .nic(node, _):
        let offset = f.copy(ofNICLink: link) * f.gpus
        withUnsafePointer(to: link) { one in
          nicsChanged(node: node, UnsafeBufferPointer(start: one, count: 1), 0..<1, offset: offset, skippingOwn: nil,
                      down: down, flap: flap, fabric: f, at: now)
        }
      case let .leafUplink(leaf):
        let before = uplinksDown[leaf]
        uplinksDown[leaf] += down ? 1 : -1
        // A leaf that is down itself carries no traffic: its uplinks' loss strikes no one.
        guard down, !planned, before >= Int32(f.uplinkOverbuild), !leafDown(leaf) else { continue }
        for j in jobs.indices where placements[j].leaves > 1 && onLeaf[j * leafCount + leaf] > 0 { uplinkHit[j] = true }
      case let .podUplink(pod):
        guard down, !planned else { continue }
        for j in jobs.indices where placements[j].pods > 1 && inPod[j * podCount + pod] > 0 { uplinkHit[j] = true }
      }
    }
  }

  /// The reaction to the changed links a run at a time, in the order of `changed`: the same
  /// state as `reactLinkByLink` and the same nodes lost in the same order.
  ///
  /// - A run of NIC links of one node (a leaf's NIC links come node by node): the node's NIC
  ///   counts move for each link, and the node is looked at once, at the end of the run. One
  ///   link at a time, the node's usability flips at most once in a run (all its links move one
  ///   way), and it joins its job's lost nodes at the first link that leaves it unusable; it is
  ///   still unusable at the end of the run, so it joins the list in the same place. A node of a
  ///   job that keeps partly cut nodes (`degrade`, `swap-at-checkpoint`) passes through each
  ///   partial cut (rates set, a swap scheduled): its links go one at a time.
  /// - A run of uplinks of one leaf: the leaf's uplink count moves by the run's length; a loss
  ///   strikes when the last of them found the overbuild used up (the count before it is the
  ///   largest of the run's).
  /// - A run of links above the leaves: nothing when it comes back or is planned; otherwise the
  ///   jobs of each pod it serves, a pod at a time.
  ///
  /// Which links form a run is the layout's (`nicLinks(ofNode:copy:)`, `uplinks(ofLeaf:)`,
  /// `pod(ofSpineCoreLink:)`).
  private mutating func react(to changed: [Int], down: Bool, planned: Bool, flap: Hours?, fabric f: FabricLayout,
                              at now: Hours, leafDown: (Int) -> Bool) {
    // One link (a module, a cable, a NIC's link): the same reaction with less set-up.
    if changed.count == 1 {
      reactLinkByLink(to: changed, down: down, planned: planned, flap: flap, fabric: f, at: now, leafDown: leafDown)
      return
    }
    let overbuild = Int32(f.uplinkOverbuild), aboveLeaves = f.spineCoreOffset
    changed.withUnsafeBufferPointer { links in
      let count = links.count
      var i = 0
      while i < count {
        let link = links[i]
        var end = i + 1
        switch f.role(ofLink: link) {
        case let .nic(node, _):
          let copy = f.copy(ofNICLink: link)
          let run = f.nicLinks(ofNode: node, copy: copy)
          while end < count, run.contains(links[end]) { end += 1 }
          nicsChanged(node: node, links, i..<end, offset: copy * f.gpus, skippingOwn: nil, down: down, flap: flap, fabric: f, at: now)
        case let .leafUplink(leaf):
          let run = f.uplinks(ofLeaf: leaf)
          while end < count, run.contains(links[end]) { end += 1 }
          let runLength = Int32(end - i)
          let before = uplinksDown[leaf]
          uplinksDown[leaf] = before + (down ? runLength : -runLength)
          // A leaf that is down itself carries no traffic: its uplinks' loss strikes no one.
          guard down, !planned, before + runLength - 1 >= overbuild, !leafDown(leaf) else { break }
          for j in jobs.indices where placements[j].leaves > 1 && onLeaf[j * leafCount + leaf] > 0 { uplinkHit[j] = true }
        case let .podUplink(pod):
          guard down, !planned else {
            // Links above the pods coming back, or drained: nothing for the jobs.
            while end < count, links[end] >= aboveLeaves { end += 1 }
            break
          }
          while end < count, links[end] >= aboveLeaves, f.pod(ofSpineCoreLink: links[end]) == pod { end += 1 }
          for j in jobs.indices where placements[j].pods > 1 && inPod[j * podCount + pod] > 0 { uplinkHit[j] = true }
        }
        i = end
      }
    }
  }

  /// Leaf `change.leaf` went down (`down`) or came back, and the plant counted what changed: its
  /// NIC links without an outage of their own (`own`), when `change.nicLinks`, and
  /// `change.uplinks` of its uplinks. The board walks the leaf's NIC ports in port order, a node
  /// at a time, as `react` reads the plant's list of the same links (a run continues past the
  /// ports the list would not hold); the uplinks only move the leaf's count (the leaf is down
  /// itself or comes back: their loss strikes no one).
  private mutating func leafChanged(_ change: Plant.LeafChange, own: [Int32], down: Bool, flap: Hours?, fabric f: FabricLayout,
                                    at now: Hours) {
    let leaf = change.leaf
    uplinksDown[leaf] += Int32(down ? change.uplinks : -change.uplinks)
    guard change.nicLinks else { return }
    let count = f.nicLinkCount(onLeaf: leaf)
    f.links(ofSwitch: leaf).withUnsafeBufferPointer { ports in
      own.withUnsafeBufferPointer { own in
        var i = 0
        while i < count {
          let link = ports[i]
          guard own[link] == 0 else {
            i += 1
            continue
          }
          guard case let .nic(node, _) = f.role(ofLink: link) else { return }
          let copy = f.copy(ofNICLink: link)
          let run = f.nicLinks(ofNode: node, copy: copy)
          var end = i + 1
          while end < count, own[ports[end]] != 0 || run.contains(ports[end]) { end += 1 }
          nicsChanged(node: node, ports, i..<end, offset: copy * f.gpus, skippingOwn: own, down: down, flap: flap, fabric: f,
                      at: now)
          i = end
        }
      }
    }
  }

  /// NIC links `links[run]` of node `n` went down or came back, all on the copy of the NIC
  /// links that starts at link `offset` (link `l` is the link of the NIC in slot `l − offset`,
  /// `n · G + c`); those with an outage of their own in `own`, when given, are not part of the
  /// change and are skipped. The one counting routine: a single link is a run of one.
  ///
  /// A node of a job that keeps partly cut nodes (`degrade`, `swap-at-checkpoint`) passes
  /// through each partial cut, so a longer run goes one link at a time for it; otherwise the
  /// node's NIC counts move for the whole run and the node is looked at once.
  private mutating func nicsChanged(node n: Int, _ links: UnsafeBufferPointer<Int>, _ run: Range<Int>, offset: Int,
                                    skippingOwn own: UnsafeBufferPointer<Int32>?, down: Bool, flap: Hours?,
                                    fabric f: FabricLayout, at now: Hours) {
    let j = Int(owner[n])
    if run.count > 1, j >= 0, terms[j].partialLoss != .interrupt, !(flap.map { $0 <= terms[j].nicTolerance } ?? false) {
      // Partly cut nodes count: each partial cut on the way matters.
      for k in run where own.map({ $0[links[k]] == 0 }) ?? true {
        nicsChanged(node: n, links, k..<(k + 1), offset: offset, skippingOwn: nil, down: down, flap: flap, fabric: f, at: now)
      }
      return
    }
    let wasUsable = isUsable(n)
    let homing = UInt8(f.homing)
    // The node's NIC counts, on the buffer (indexing the array checked each write for a shared
    // buffer): the NICs cut (down) or restored, and whether any link counted.
    let (cutChange, counted): (Int16, Bool) = nicLinksDown.withUnsafeMutableBufferPointer { nics in
      var cutChange: Int16 = 0
      var counted = false
      for k in run {
        let l = links[k]
        if let own, own[l] != 0 { continue }
        let slot = l - offset
        if down {
          nics[slot] += 1
          if nics[slot] == homing { cutChange += 1 }
          counted = true
        } else {
          guard nics[slot] > 0 else { continue }
          if nics[slot] == homing { cutChange -= 1 }
          nics[slot] -= 1
          counted = true
        }
      }
      return (cutChange, counted)
    }
    guard counted else { return }
    nicsCut[n] += cutChange
    let usable = isUsable(n)
    if usable != wasUsable { usabilityChanged(n, usable: usable, at: now) }
    guard j >= 0 else { return }
    if let flap, flap <= terms[j].nicTolerance { return }
    let cut = nicsCut[n]
    if terms[j].partialLoss != .interrupt, cut < Int16(f.gpusPerNode), !hostDown[n] {
      // The node keeps working on its other NICs, at reduced bandwidth (a run of one link here).
      if cut != degradedCut[n] {
        setDegraded(n, job: j, cut: cut)
        jobs[j].setRate(rate(j), at: now)
        if cut > 0, terms[j].partialLoss == .swapAtCheckpoint { scheduleSwap(j, at: now) }
      }
      return
    }
    // A job's node that is cut off leaves it (also one a tolerated flap had already cut).
    if down, !usable { lost[j].append(n) }
  }

  /// Puts a swap of job `j`'s degraded nodes on the calendar at its next checkpoint.
  private mutating func scheduleSwap(_ j: Int, at now: Hours) {
    guard !placements[j].swapPending, let at = jobs[j].nextCheckpoint(after: now) else { return }
    placements[j].swapPending = true
    swaps.append(Swap(job: j, run: jobs[j].run, at: at))
  }

  /// Job `j`'s checkpoint in run `run`, at which its degraded nodes were to be swapped, is done:
  /// with enough usable spares, the job stops as planned and restarts on them.
  mutating func swapDue(_ j: Int, run: Int, at now: Hours) {
    reset()
    guard jobs[j].run == run, jobs[j].isRunning else { return }
    placements[j].swapPending = false
    let degraded = placements[j].nodes.filter { degradedCut[$0] > 0 }
    guard !degraded.isEmpty else { return }
    guard usableSpares >= degraded.count else {
      scheduleSwap(j, at: now)  // not enough spares now: keep running degraded, try at the next checkpoint
      return
    }
    for n in degraded { leave(n, job: j) }
    jobs[j].outcome.degradedSwaps += degraded.count
    strike(j, cause: .planned, planned: true, nodesLost: degraded.count, flap: false, at: now)
    serveWaiting(at: now)
  }

  /// Unit copies of population `p` of a plain system went down or came back at `now`: each job
  /// sees the structure without the flaps it tolerates, and stops when it goes down and
  /// restarts when it comes back.
  mutating func systemUnitChanged(_ p: Int, down: Bool, planned: Bool, flap: Hours?, at now: Hours) {
    reset()
    guard let structure else { return }
    for j in jobs.indices {
      if let flap, flap <= terms[j].nicTolerance { continue }
      seenDown[j][p] += down ? 1 : -1
      let up = structure.isUp(down: seenDown[j])
      guard up != seenUp[j] else { continue }
      seenUp[j] = up
      if up {
        if jobs[j].isWaiting { restartAtOnce(j, at: now) }
      } else if jobs[j].isRunning || jobs[j].isRestarting {
        jobs[j].interrupt(cause: .system, planned: planned, hang: planned ? 0 : (flap != nil ? terms[j].flapHang : terms[j].detection),
                          at: now)
        hits.append((j, planned))
      }
    }
  }

  private mutating func restartAtOnce(_ j: Int, at now: Hours) {
    let restart = jobs[j].beginRestart(at: now, swap: 0, rate: 1)
    restarts.append(Restart(job: j, token: restart.token, at: restart.at))
  }

  /// A background (host or GPU) failure of job `j` at `now`, whatever the job is doing: one of
  /// its nodes, drawn from `source`, goes out until its repair (drawn from `source`). On a plain
  /// system the job restarts at once (unless the system is down).
  mutating func background(_ j: Int, at now: Hours, using source: RandomSource) {
    reset()
    guard fabric != nil else {
      let active = jobs[j].isRunning || jobs[j].isRestarting
      jobs[j].interrupt(cause: .host, planned: false, hang: terms[j].detection, at: now)
      if active { restartAtOnce(j, at: now) }
      return
    }
    // (No local copy of the node list: leaving below would then copy all of it.)
    let count = placements[j].nodes.count
    guard count > 0 else { return }
    // Failures arrive at the full size's rate; a job on fewer nodes keeps each with probability
    // (its nodes)/(full size) (thinning: exact for a Poisson process).
    if count < terms[j].nodes, source.uniform() * Double(terms[j].nodes) >= Double(count) { return }
    let n = placements[j].nodes[source.uniformInt(below: count)]
    let wasUsable = isUsable(n)  // (a degraded node is in the job but not usable)
    hostDown[n] = true
    if wasUsable { usabilityChanged(n, usable: false, at: now) }
    hostRepairs.append((n, now + pool.hostRepair.sample(using: source)))
    leave(n, job: j)
    strike(j, cause: .host, planned: false, nodesLost: 1, flap: false, at: now)
    serveWaiting(at: now)
  }

  /// Node `n`'s host is repaired at `now`.
  mutating func hostRepaired(_ n: Int, at now: Hours) {
    reset()
    guard hostDown[n] else { return }
    hostDown[n] = false
    if isUsable(n) { usabilityChanged(n, usable: true, at: now) }
    serveWaiting(at: now)
  }

  /// The restart of job `j` with `token` finished at `now`: the job runs, and a degraded node
  /// waits for a swap at its first checkpoint.
  mutating func restarted(_ j: Int, token: Int, at now: Hours) {
    reset()
    guard jobs[j].restarted(token: token, at: now), fabric != nil else { return }
    placements[j].swapPending = false
    if placements[j].degraded > 0, terms[j].partialLoss == .swapAtCheckpoint { scheduleSwap(j, at: now) }
  }

  /// The time of job `j`'s next background interruption after `t`, drawn from `source`, or nil
  /// when it has none or it falls beyond `horizon`. The rate is per node of the job's full size.
  func nextBackground(_ j: Int, after t: Hours, horizon: Hours, using source: RandomSource) -> Hours? {
    let rate = terms[j].backgroundRatePerNode * Double(terms[j].nodes)
    guard rate > 0 else { return nil }
    let next = t - log1p(-source.uniform()) / rate
    return next <= horizon ? next : nil
  }

  /// Closes every job's books at the horizon and returns their outcomes.
  mutating func close(at horizon: Hours) -> [JobOutcome] {
    unusableNodeHours += Double(unusable) * (horizon - unusableSince)
    unusableSince = horizon
    return jobs.indices.map { j in
      jobs[j].close(at: horizon)
      return jobs[j].outcome
    }
  }
}
