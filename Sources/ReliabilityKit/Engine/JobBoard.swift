import Foundation

/// The training jobs of one trial, the fabric's nodes they run on, and the pool of spares.
///
/// Every node is in one job, in the spare pool, or idle (neither: nodes beyond the reserved
/// spares). Whatever makes a job's node unusable (a host or GPU failure, its NIC, a NIC link,
/// its leaf going down or being drained) interrupts the job the same way: the node leaves the
/// job, and the job restarts on spares from the pool if there are enough (adding the spare swap
/// time), continues on fewer nodes if it is elastic, or waits. A node that is usable again
/// joins the pool and serves waiting jobs first. Losing an uplink interrupts a job that spans
/// more than one leaf (with its `uplink_interrupt_probability`) once the leaf has lost more
/// uplinks than the fabric's overbuild; a job that tolerates a flap ignores it.
///
/// The board returns what to schedule (`restarts`, `hostRepairs`) and the jobs hit (`hits`,
/// for the trace) instead of touching the event queue. Plain systems have no nodes: a job
/// depends on the system structure and background failures restart it at once.
struct JobBoard {
  /// A restart to schedule: job `job` finishes restarting at `at` unless `token` is superseded.
  struct Restart {
    let job: Int
    let token: Int
    let at: Hours
  }

  /// What the board reads of each job's spec on every change.
  private struct Terms {
    let nodes: Int
    let minNodes: Int
    let flapTolerance: Hours
    let uplinkInterruptProbability: Double
    let backgroundRatePerNode: Double
    let degradeOnPlaneLoss: Bool
    let planeLossThroughput: Double
  }

  /// Per job: its nodes, where they sit, and how many are degraded by a lost plane path.
  private struct Placement {
    var nodes: [Int] = []
    /// NIC links of the job's nodes on each leaf, and the number of leaves with any.
    var onLeaf: [Int32] = []
    var leaves = 0
    /// NIC links of the job's nodes in each pod, and the number of pods with any.
    var inPod: [Int32] = []
    var pods = 0
    var degraded = 0
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
  /// Per node in a job: whether it counts as degraded (a plane's path lost).
  private var degradedNode: [Bool] = []
  /// Spare nodes in the pool, and how many of them are usable.
  private var spares: [Int] = []
  private var spareIndex: [Int32] = []
  /// Per node in a job: its index in its job's `Placement.nodes` (so leaving is O(1)), else -1.
  private var jobIndex: [Int32] = []
  private var usableSpares = 0
  /// Per leaf: uplinks down.
  private var uplinksDown: [Int32] = []
  private var placements: [Placement] = []
  /// Unusable-node time integral: nodes unusable now, since when, and node-hours so far.
  private var unusable = 0
  private var unusableSince: Hours = 0
  private(set) var unusableNodeHours: Hours = 0

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
  /// Scratch buffers.
  private var lost: [[Int]] = []
  private var uplinkHit: [Bool] = []
  private var becameUsable: [Int] = []

  init(specs: [JobSpec], pool: NodePoolSpec, fabric: FabricLayout?, months: Int) {
    self.fabric = fabric
    self.pool = pool
    let gpusPerNode = fabric?.gpusPerNode ?? 8
    terms = specs.map { spec in
      let nodes = fabric == nil ? 1 : spec.nodes(gpusPerNode: gpusPerNode)
      return Terms(nodes: nodes, minNodes: spec.minNodes ?? nodes, flapTolerance: spec.flapTolerance,
                   uplinkInterruptProbability: spec.uplinkInterruptProbability,
                   backgroundRatePerNode: spec.backgroundRatePerNodeHour,
                   degradeOnPlaneLoss: spec.planeLoss == .degrade && (fabric?.planes ?? 1) > 1,
                   planeLossThroughput: spec.planeLossThroughput)
    }
    jobs = specs.map { JobState(spec: $0, months: months) }
    lost = specs.map { _ in [] }
    uplinkHit = specs.map { _ in false }
    guard let f = fabric else { return }
    owner = [Int32](repeating: Self.idle, count: f.nodes)
    nicLinksDown = [UInt8](repeating: 0, count: f.nodes * f.gpusPerNode)
    nicsCut = [Int16](repeating: 0, count: f.nodes)
    hostDown = [Bool](repeating: false, count: f.nodes)
    degradedNode = [Bool](repeating: false, count: f.nodes)
    spareIndex = [Int32](repeating: -1, count: f.nodes)
    jobIndex = [Int32](repeating: -1, count: f.nodes)
    uplinksDown = [Int32](repeating: 0, count: f.leaves)
    placements = specs.map { _ in Placement(onLeaf: [Int32](repeating: 0, count: f.leaves), inPod: [Int32](repeating: 0, count: f.pods)) }
    let placed = Self.place(specs: specs, nodesPerJob: terms.map(\.nodes), pool: pool, fabric: f)
    for (j, nodes) in placed.jobs.enumerated() { for n in nodes { join(n, job: j) } }
    for n in placed.spares { addSpare(n) }
  }

  /// Where jobs and spares start: jobs in order on the next free nodes (contiguous) or one node
  /// per leaf block in turn (spread); reserved spares are the last nodes of the fabric.
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
      if placements[j].onLeaf[leaf] == 0 { placements[j].leaves += 1 }
      placements[j].onLeaf[leaf] += links
      let pod = f.pod(ofLeaf: leaf)
      if placements[j].inPod[pod] == 0 { placements[j].pods += 1 }
      placements[j].inPod[pod] += links
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
      placements[j].onLeaf[leaf] -= links
      if placements[j].onLeaf[leaf] == 0 { placements[j].leaves -= 1 }
      let pod = f.pod(ofLeaf: leaf)
      placements[j].inPod[pod] -= links
      if placements[j].inPod[pod] == 0 { placements[j].pods -= 1 }
    }
    if degradedNode[n] {
      degradedNode[n] = false
      placements[j].degraded -= 1
    }
    addSpare(n)
  }

  private mutating func addSpare(_ n: Int) {
    owner[n] = Self.spare
    spareIndex[n] = Int32(spares.count)
    spares.append(n)
    if isUsable(n) { usableSpares += 1 }
  }

  /// Takes a usable spare out of the pool.
  private mutating func takeSpare() -> Int? {
    guard usableSpares > 0 else { return nil }
    for i in spares.indices.reversed() where isUsable(spares[i]) {
      let n = spares[i]
      let last = spares.removeLast()
      if i < spares.count { spares[i] = last; spareIndex[last] = Int32(i) }
      spareIndex[n] = -1
      usableSpares -= 1
      return n
    }
    return nil
  }

  /// Bookkeeping when a node's usability changes: the pool's count and the unusable integral.
  private mutating func usabilityChanged(_ n: Int, usable: Bool, at now: Hours) {
    unusableNodeHours += Double(unusable) * (now - unusableSince)
    unusableSince = now
    unusable += usable ? -1 : 1
    if owner[n] == Self.spare { usableSpares += usable ? 1 : -1 }
    if usable { becameUsable.append(n) }
  }

  /// The job's work rate: the share of its nodes it runs on, times the plane-loss throughput
  /// while any of its nodes has lost a plane's path.
  @inline(__always)
  private func rate(_ j: Int) -> Double {
    let share = Double(placements[j].nodes.count) / Double(terms[j].nodes)
    return placements[j].degraded > 0 ? share * terms[j].planeLossThroughput : share
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
    let duration = jobs[j].spec.restartOverhead + (swapped ? pool.spareSwapTime : 0)
    let restart = jobs[j].beginRestart(at: now, duration: duration, rate: rate(j))
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
      var swapped = false
      while placements[j].nodes.count < terms[j].nodes, let n = takeSpare() {
        join(n, job: j)
        swapped = true
      }
      let duration = jobs[j].spec.restartOverhead + (swapped ? pool.spareSwapTime : 0)
      let restart = jobs[j].beginRestart(at: now, duration: duration, rate: rate(j))
      restarts.append(Restart(job: j, token: restart.token, at: restart.at))
    }
  }

  // MARK: Changes of the plant

  /// Links `changed` went down (`down`) or came back at `now`, because of a unit of kind
  /// `origin`. A flap of length `flap` is ignored by jobs that tolerate it; an uplink interrupts
  /// with its probability, drawn from `source` (only for unplanned changes, jobs running).
  /// - Parameter isolation: the change isolated or rejoined a leaf (all its uplinks): its NIC
  ///   links in `changed` are cut by the fabric above, not by their own parts.
  mutating func linksChanged(_ changed: [Int], down: Bool, planned: Bool, flap: Hours?, origin: OutageOrigin,
                             isolation: Bool = false, at now: Hours, using source: RandomSource) {
    reset()
    guard let f = fabric else { return }
    for j in jobs.indices { lost[j].removeAll(keepingCapacity: true); uplinkHit[j] = false }
    for link in changed {
      switch f.role(ofLink: link) {
      case let .nic(node, nic):
        nicLinkChanged(node: node, nic: nic, down: down, flap: flap, at: now)
      case let .leafUplink(leaf):
        let before = uplinksDown[leaf]
        uplinksDown[leaf] += down ? 1 : -1
        guard down, !planned, before >= Int32(f.uplinkOverbuild) else { continue }
        for j in jobs.indices where placements[j].leaves > 1 && placements[j].onLeaf[leaf] > 0 { uplinkHit[j] = true }
      case let .podUplink(pod):
        guard down, !planned else { continue }
        for j in jobs.indices where placements[j].pods > 1 && placements[j].inPod[pod] > 0 { uplinkHit[j] = true }
      }
    }
    let nodeCause: InterruptionCause = origin == .nic ? .nic : origin == .leafSwitch ? .leaf : isolation ? .uplink : .nicLink
    let uplinkCause: InterruptionCause = origin == .leafSwitch ? .leaf : .uplink
    for j in jobs.indices {
      if let flap, flap <= terms[j].flapTolerance { continue }
      var interrupted = false
      if !lost[j].isEmpty {
        for n in lost[j] where owner[n] == Int32(j) { leave(n, job: j) }
        if jobs[j].isRunning || jobs[j].isRestarting {
          jobs[j].interrupt(cause: nodeCause, planned: planned, at: now)
          recover(j, at: now)
          interrupted = true
        }
      }
      // Multipath absorbs an uplink failure with probability 1 − p.
      if down, uplinkHit[j], !interrupted, jobs[j].isRunning, source.uniform() < terms[j].uplinkInterruptProbability {
        jobs[j].interrupt(cause: uplinkCause, planned: false, at: now)
        recover(j, at: now)
        interrupted = true
      }
      if interrupted { hits.append((j, planned)) }
    }
    serveWaiting(at: now)
  }

  /// One NIC link of `node`'s NIC `nic` went down or came back.
  private mutating func nicLinkChanged(node n: Int, nic: Int, down: Bool, flap: Hours?, at now: Hours) {
    guard let f = fabric else { return }
    let k = n * f.gpusPerNode + nic
    let wasUsable = isUsable(n)
    if down {
      nicLinksDown[k] += 1
      if Int(nicLinksDown[k]) == f.homing { nicsCut[n] += 1 }
    } else {
      guard nicLinksDown[k] > 0 else { return }
      if Int(nicLinksDown[k]) == f.homing { nicsCut[n] -= 1 }
      nicLinksDown[k] -= 1
    }
    let usable = isUsable(n)
    if usable != wasUsable { usabilityChanged(n, usable: usable, at: now) }
    guard owner[n] >= 0 else { return }
    let j = Int(owner[n])
    if let flap, flap <= terms[j].flapTolerance { return }
    if terms[j].degradeOnPlaneLoss && nicsCut[n] < Int16(f.gpusPerNode) && !hostDown[n] {
      // The node keeps working on its other planes, at reduced throughput.
      let degraded = nicsCut[n] > 0
      if degraded != degradedNode[n] {
        degradedNode[n] = degraded
        placements[j].degraded += degraded ? 1 : -1
        jobs[j].setRate(rate(j), at: now)
      }
      return
    }
    // A job's node that is cut off leaves it (also one a tolerated flap had already cut).
    if down, !usable { lost[j].append(n) }
  }

  /// A plain system went down or came back up at `now`: every job depends on it.
  mutating func systemChanged(up: Bool, planned: Bool, flap: Hours?, at now: Hours) {
    reset()
    for j in jobs.indices {
      if let flap, flap <= terms[j].flapTolerance { continue }
      if up {
        if jobs[j].isWaiting { restartAtOnce(j, at: now) }
      } else if jobs[j].isRunning || jobs[j].isRestarting {
        jobs[j].interrupt(cause: .system, planned: planned, at: now)
      }
    }
  }

  private mutating func restartAtOnce(_ j: Int, at now: Hours) {
    let restart = jobs[j].beginRestart(at: now, duration: jobs[j].spec.restartOverhead, rate: 1)
    restarts.append(Restart(job: j, token: restart.token, at: restart.at))
  }

  /// A background (host or GPU) failure of job `j` at `now`: one of its nodes, drawn from
  /// `source`, goes out until its repair (drawn from `source`). On a plain system the job
  /// restarts at once.
  mutating func background(_ j: Int, at now: Hours, using source: RandomSource) {
    reset()
    guard jobs[j].isRunning else { return }
    guard fabric != nil else {
      jobs[j].interrupt(cause: .host, planned: false, at: now)
      restartAtOnce(j, at: now)
      return
    }
    // (No local copy of the node list: leaving below would then copy all of it.)
    let count = placements[j].nodes.count
    guard count > 0 else { return }
    // Failures arrive at the full size's rate; an elastic job on fewer nodes keeps each with
    // probability (its nodes)/(full size) (thinning: exact for a Poisson process).
    if count < terms[j].nodes, source.uniform() * Double(terms[j].nodes) >= Double(count) { return }
    let n = placements[j].nodes[source.uniformInt(below: count)]
    hostDown[n] = true
    usabilityChanged(n, usable: false, at: now)
    hostRepairs.append((n, now + pool.hostRepair.sample(using: source)))
    leave(n, job: j)
    jobs[j].interrupt(cause: .host, planned: false, at: now)
    recover(j, at: now)
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

  /// The restart of job `j` with `token` finished at `now`.
  mutating func restarted(_ j: Int, token: Int, at now: Hours) {
    jobs[j].restarted(token: token, at: now)
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
