import Foundation

/// One training job's phase, work and time accounting inside a trial.
///
/// **Work.** The job's progress P counts hours of work at full speed. After a (re)start it
/// computes in slots of Δm (the in-memory interval; the durable interval Δd without a memory
/// tier), each followed by a blocking checkpoint write: in memory (wm), and every k-th one
/// (k = Δd/Δm) durable (wd). So checkpoint number m of a run completes when the run has computed
/// m·Δm, and the cycle of k slots takes L = k·Δm + (k − 1)·wm + wd of wall time. While running,
/// the job works at a rate f ≤ 1 (the share of its nodes it runs on, times the throughput its
/// slowest node allows); progress grows by f per hour of computing, and the rest, (1 − f), is
/// degraded loss. The progress at the last checkpoint of each tier is kept.
///
/// **Interruptions.** An unplanned interruption rolls the progress back to the last checkpoint
/// of the tier the restart can load: memory, when the outage has lost at most the tier's
/// `survives_nodes_lost` nodes (their copies live on peers), else the durable one. A planned
/// stop (a drain announced in advance) checkpoints first and loses nothing. The job then hangs
/// for the detection time (unplanned only), restarts (the tier's restart time, plus the spare
/// swap when nodes were replaced) or waits for nodes. A further failure during a restart starts
/// it over (the hang lasts until every failure is noticed); one that loses nodes may leave the
/// in-memory tier short, rolling the work back to the durable checkpoint.
///
/// **Time.** The horizon splits exactly into productive work (the progress at the horizon),
/// lost work, hang, restart, waiting, checkpoint writes and degraded loss. Which nodes the job
/// runs on, and where spares come from, is the `JobBoard`'s business.
struct JobState {
  enum Phase: Equatable {
    case running(since: Hours)
    /// Hung until `hangUntil` (the failure not yet noticed), then re-initialising.
    case restarting(since: Hours, hangUntil: Hours, token: Int)
    case waiting(since: Hours)
  }

  /// The checkpoint tier a restart loads.
  enum Tier { case memory, durable }

  let spec: JobSpec
  var phase: Phase = .running(since: 0)
  var outcome = JobOutcome()
  private var nextToken = 0
  /// Runs begun so far: a swap due at a checkpoint belongs to one run.
  private(set) var run = 0

  // The checkpoint cycle.
  private let slotCompute: Hours
  private let memoryWrite: Hours
  private let durableWrite: Hours
  private let slotsPerCycle: Int
  private let cycle: Hours

  // Work, in hours at full speed.
  private var progress = 0.0
  private var savedMemory = 0.0
  private var savedDurable = 0.0
  /// The work rate now; the run's elapsed time, computing time and progress when it was set or
  /// last settled.
  private(set) var rate = 1.0
  private var settledElapsed = 0.0
  private var settledCompute = 0.0
  private var settledCheckpoints = 0
  private var settledDurable = 0
  /// Nodes lost since the job last ran, the tier its work was rolled back to, and when the
  /// last failure of the outage will have been noticed.
  private var outageNodesLost = 0
  private var rolledBackTo: Tier? = nil
  private var restartingFrom: Tier = .durable
  private var noticedAt: Hours = 0

  init(spec: JobSpec, months: Int) {
    self.spec = spec
    outcome.monthlyInterruptions = [Int](repeating: 0, count: months)
    let k = spec.memoryCheckpointsPerDurable
    slotsPerCycle = k
    if let m = spec.memoryCheckpoint, k > 1 {
      slotCompute = spec.checkpointInterval / Double(k)
      memoryWrite = m.write
    } else {
      slotCompute = spec.checkpointInterval
      memoryWrite = 0
    }
    durableWrite = spec.checkpointWrite
    cycle = Double(k) * slotCompute + Double(k - 1) * memoryWrite + durableWrite
  }

  var isRunning: Bool { if case .running = phase { true } else { false } }
  var isWaiting: Bool { if case .waiting = phase { true } else { false } }
  var isRestarting: Bool { if case .restarting = phase { true } else { false } }

  // MARK: The checkpoint cycle

  /// At `e` hours into a run: the computing time so far, the checkpoints completed (any tier)
  /// and the durable ones among them.
  private func position(_ e: Hours) -> (compute: Hours, checkpoints: Int, durable: Int) {
    let cycles = (e / cycle).rounded(.down)
    let r = e - cycles * cycle
    let slot = slotCompute + memoryWrite
    let i = slotsPerCycle > 1 ? min(slotsPerCycle - 1, Int((r / slot).rounded(.down))) : 0
    let inSlot = r - Double(i) * slot
    let compute = cycles * Double(slotsPerCycle) * slotCompute + Double(i) * slotCompute + min(inSlot, slotCompute)
    let n = Int(cycles)
    return (compute, n * slotsPerCycle + i, n)
  }

  /// Wall time into a run at which its checkpoint number `m` (counting from 1, any tier) completes.
  private func completion(ofCheckpoint m: Int) -> Hours {
    let q = (m - 1) / slotsPerCycle, i = (m - 1) % slotsPerCycle
    return Double(q) * cycle + Double(i) * (slotCompute + memoryWrite) + slotCompute
      + (i == slotsPerCycle - 1 ? durableWrite : memoryWrite)
  }

  /// The time the current run's next checkpoint (any tier) completes after `t`, or nil when
  /// the job is not running.
  func nextCheckpoint(after t: Hours) -> Hours? {
    guard case let .running(since) = phase else { return nil }
    // Strictly after `t`: at a checkpoint's own completion time, rounding can place `t` just
    // before it, and the same instant would come back (a swap retried at its own checkpoint
    // would then loop without time advancing).
    var k = position(t - since).checkpoints + 1
    while since + completion(ofCheckpoint: k) <= t { k += 1 }
    return since + completion(ofCheckpoint: k)
  }

  /// Books the running phase that began at `s` up to `t`: computing at the current rate, writes,
  /// and the progress at each checkpoint completed meanwhile.
  private mutating func settle(since s: Hours, at t: Hours) {
    let e = t - s
    guard e > settledElapsed else { return }
    let now = position(e)
    let computed = now.compute - settledCompute
    let base = progress
    progress += rate * computed
    outcome.checkpointHours += (e - settledElapsed) - computed
    if rate < 1 {
      outcome.degradedLossHours += (1 - rate) * computed
      outcome.degradedHours += e - settledElapsed
    }
    // Checkpoints completed since the last settlement hold the progress at their computing time.
    func workAt(compute c: Hours) -> Double { base + rate * (c - settledCompute) }
    if now.checkpoints > settledCheckpoints { savedMemory = workAt(compute: Double(now.checkpoints) * slotCompute) }
    if now.durable > settledDurable {
      savedDurable = workAt(compute: Double(now.durable * slotsPerCycle) * slotCompute)
      if slotsPerCycle == 1 { savedMemory = savedDurable }
    }
    settledElapsed = e
    settledCompute = now.compute
    settledCheckpoints = now.checkpoints
    settledDurable = now.durable
  }

  /// Ends the current phase at `t`, booking its time.
  private mutating func leavePhase(at t: Hours) {
    switch phase {
    case let .running(since):
      settle(since: since, at: t)
    case let .restarting(since, hangUntil, _):
      let hangEnd = min(t, max(since, hangUntil))
      outcome.hangHours += hangEnd - since
      outcome.restartHours += t - hangEnd
    case let .waiting(since):
      outcome.waitingHours += t - since
    }
  }

  // MARK: Interruptions and restarts

  /// Whether a restart now can load the in-memory tier.
  var memoryUsable: Bool {
    guard let m = spec.memoryCheckpoint else { return false }
    return outageNodesLost <= m.survivesNodesLost
  }

  /// The tier a restart now loads, and how long it takes (before any spare swap).
  var restartTier: (tier: Tier, duration: Hours) {
    memoryUsable ? (.memory, spec.memoryCheckpoint!.restart) : (.durable, spec.restartOverhead)
  }

  /// A failure or stop at `t` of the given cause that lost `nodesLost` of the job's nodes: a
  /// running job stops (rolling its work back to the checkpoint it can restart from unless
  /// `planned`); a restart in progress is abandoned; a waiting job keeps waiting. Unplanned ones
  /// are noticed `hang` hours later, and count as hits whatever the phase. Returns whether the
  /// job was running (an interruption is counted only then).
  @discardableResult
  mutating func interrupt(cause: InterruptionCause, planned: Bool, nodesLost: Int = 0, hang: Hours = 0, at t: Hours) -> Bool {
    if !planned {
      outcome.hits[cause.rawValue] += 1
      noticedAt = isRunning ? t + hang : max(noticedAt, t + hang)
    }
    switch phase {
    case .running:
      leavePhase(at: t)
      outcome.interruptions[planned ? InterruptionCause.planned.rawValue : cause.rawValue] += 1
      outcome.monthlyInterruptions[min(Int(t / TimeUnits.hoursPerMonth), outcome.monthlyInterruptions.count - 1)] += 1
      outageNodesLost = nodesLost
      if planned {
        savedMemory = progress
        savedDurable = progress
        rolledBackTo = nil
      } else {
        rollBack(to: restartTier.tier)
      }
      phase = .waiting(since: t)
      return true
    case .restarting:
      leavePhase(at: t)
      lose(nodes: nodesLost)
      phase = .waiting(since: t)
      return false
    case .waiting:
      lose(nodes: nodesLost)
      return false
    }
  }

  /// A planned stop at `t` that is not an interruption (an elastic job growing back): the job
  /// checkpoints and stops, to restart at once.
  mutating func checkpointAndStop(at t: Hours) {
    leavePhase(at: t)
    savedMemory = progress
    savedDurable = progress
    rolledBackTo = nil
    outageNodesLost = 0
    phase = .waiting(since: t)
  }

  /// Nodes lost while the job is not running: the in-memory tier may no longer cover them.
  private mutating func lose(nodes: Int) {
    guard nodes > 0 else { return }
    outageNodesLost += nodes
    if rolledBackTo == .memory, !memoryUsable { rollBack(to: .durable) }
  }

  private mutating func rollBack(to tier: Tier) {
    let target = tier == .memory ? savedMemory : savedDurable
    outcome.lostWorkHours += progress - target
    progress = target
    if tier == .durable { savedMemory = savedDurable }
    rolledBackTo = tier
  }

  /// Starts a restart at `t`: after the hang of the failures not yet noticed, the restart time
  /// of the tier it can load plus `swap` (spare nodes brought in), to run at `rate` afterwards.
  /// Returns the token and end time to schedule.
  mutating func beginRestart(at t: Hours, swap: Hours, rate newRate: Double) -> (token: Int, at: Hours) {
    leavePhase(at: t)
    nextToken += 1
    let hangUntil = max(t, noticedAt)
    let (tier, duration) = restartTier
    restartingFrom = tier
    phase = .restarting(since: t, hangUntil: hangUntil, token: nextToken)
    rate = newRate
    return (nextToken, hangUntil + duration + swap)
  }

  /// Waits for nodes from `t`.
  mutating func beginWaiting(at t: Hours) {
    guard !isWaiting else { return }
    leavePhase(at: t)
    phase = .waiting(since: t)
  }

  /// The restart with `token` finished at `t`: the job runs again. Returns false for a
  /// superseded restart.
  @discardableResult
  mutating func restarted(token: Int, at t: Hours) -> Bool {
    guard case let .restarting(_, _, current) = phase, current == token else { return false }
    leavePhase(at: t)
    if restartingFrom == .memory { outcome.restartsFromMemory += 1 }
    // The state just loaded is in memory again; the durable checkpoint stays where it was.
    savedMemory = progress
    outageNodesLost = 0
    rolledBackTo = nil
    phase = .running(since: t)
    run += 1
    settledElapsed = 0
    settledCompute = 0
    settledCheckpoints = 0
    settledDurable = 0
    return true
  }

  /// The work rate changes to `newRate` at `t` without an interruption (a node's bandwidth
  /// lost or regained, or an elastic job's size).
  mutating func setRate(_ newRate: Double, at t: Hours) {
    if case let .running(since) = phase { settle(since: since, at: t) }
    rate = newRate
  }

  /// Closes the books at the horizon; unsaved work at the horizon counts as productive.
  mutating func close(at horizon: Hours) {
    leavePhase(at: horizon)
    outcome.productiveHours = progress
  }
}

/// Why a job was interrupted, in the shape of published root-cause tables (Llama 3, Table 5):
/// network switch and cable = NIC link + leaf + uplink.
public enum InterruptionCause: Int, Sendable, CaseIterable {
  /// A host or GPU failure of one of the job's nodes (the background rate).
  case host = 0
  /// A NIC of one of the job's nodes.
  case nic
  /// A NIC–leaf link: a NIC-side or leaf-side module, a fibre or a copper cable, or a flap of one.
  case nicLink
  /// A leaf switch: its board, an optical engine, a laser source, its power or fans.
  case leaf
  /// The fabric above the leaves: uplink modules and fibres, spine and core switches.
  case uplink
  /// A planned drain: the job checkpointed first.
  case planned
  /// A plain system's structure went down.
  case system

  /// The name in reports (`job_interruptions_<name>`).
  public var name: String {
    switch self {
    case .host: "host"
    case .nic: "nic"
    case .nicLink: "nic_link"
    case .leaf: "leaf"
    case .uplink: "uplink"
    case .planned: "planned"
    case .system: "system"
    }
  }
}
