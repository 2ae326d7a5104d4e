import Foundation

/// A training job inside a trial: its state machine and time accounting.
///
/// After a (re)start at time s the job computes for Δ (the checkpoint interval), writes a
/// checkpoint for w (blocking), and so on. An unplanned interruption at t loses the work since
/// the last completed checkpoint; a planned one (a drain announced in advance) checkpoints first
/// and loses nothing. Either way the job then restarts (overhead u0), on spare nodes if enough
/// are free, or waits until enough of its own nodes are reachable again.
struct JobState {
  enum Phase: Equatable {
    case running(since: Hours)
    case restarting(since: Hours, token: Int)
    case waiting(since: Hours)
  }

  let spec: JobSpec
  let spareNodes: Int
  var phase: Phase = .running(since: 0)
  /// Per node of the job, the count of its links down (a dense array: node numbers are small);
  /// `cutOffNodes` counts the nodes with at least one.
  private var linksDownOfNode: [Int32] = []
  private(set) var cutOffNodes = 0
  var outcome = JobOutcome()
  private var nextToken = 0

  init(spec: JobSpec, spareNodes: Int) {
    self.spec = spec
    self.spareNodes = max(0, spareNodes)
  }

  /// Books the work done in the running phase that ends at `t`.
  private mutating func settle(since s: Hours, at t: Hours, planned: Bool) {
    let elapsed = t - s
    let cycle = spec.checkpointInterval + spec.checkpointWrite
    let completed = (elapsed / cycle).rounded(.down)
    outcome.checkpointHours += completed * spec.checkpointWrite
    if planned {
      outcome.productiveHours += elapsed - completed * spec.checkpointWrite
    } else {
      outcome.productiveHours += completed * spec.checkpointInterval
      outcome.lostWorkHours += elapsed - completed * cycle
    }
  }

  /// Ends the current phase at `t`, booking its time.
  private mutating func leavePhase(at t: Hours, planned: Bool) {
    switch phase {
    case let .running(since): settle(since: since, at: t, planned: planned)
    case let .restarting(since, _): outcome.restartHours += t - since
    case let .waiting(since): outcome.waitingHours += t - since
    }
  }

  /// Starts recovery at `t`: a restart if enough nodes are usable, otherwise waiting.
  /// Returns the token and end time of a restart to schedule.
  private mutating func recover(at t: Hours) -> (token: Int, at: Hours)? {
    if cutOffNodes <= spareNodes {
      nextToken += 1
      phase = .restarting(since: t, token: nextToken)
      return (nextToken, t + spec.restartOverhead)
    }
    phase = .waiting(since: t)
    return nil
  }

  /// Links of the job went down at `t`. `directNodes` are the job's nodes that lost a link;
  /// `uplinkInterrupts` says whether an uplink failure interrupted it (already drawn).
  mutating func linksDown(directNodes: [Int], uplinkInterrupts: Bool, planned: Bool, at t: Hours) -> (token: Int, at: Hours)? {
    for node in directNodes {
      if node >= linksDownOfNode.count { linksDownOfNode += [Int32](repeating: 0, count: node + 1 - linksDownOfNode.count) }
      if linksDownOfNode[node] == 0 { cutOffNodes += 1 }
      linksDownOfNode[node] += 1
    }
    let hit = !directNodes.isEmpty || uplinkInterrupts
    guard hit else { return nil }
    switch phase {
    case .running:
      leavePhase(at: t, planned: planned)
      if planned { outcome.plannedInterruptions += 1 } else { outcome.networkInterruptions += 1 }
      return recover(at: t)
    case .restarting:
      guard !directNodes.isEmpty else { return nil }
      leavePhase(at: t, planned: planned)
      return recover(at: t)
    case .waiting:
      return nil
    }
  }

  /// Links of the job came back at `t`.
  mutating func linksUp(directNodes: [Int], at t: Hours) -> (token: Int, at: Hours)? {
    for node in directNodes where node < linksDownOfNode.count && linksDownOfNode[node] > 0 {
      linksDownOfNode[node] -= 1
      if linksDownOfNode[node] == 0 { cutOffNodes -= 1 }
    }
    guard case .waiting = phase, cutOffNodes <= spareNodes else { return nil }
    leavePhase(at: t, planned: false)
    return recover(at: t)
  }

  /// A background (non-network) interruption at `t`: the failed node is swapped for a spare.
  mutating func background(at t: Hours) -> (token: Int, at: Hours)? {
    guard case .running = phase else { return nil }
    leavePhase(at: t, planned: false)
    outcome.backgroundInterruptions += 1
    nextToken += 1
    phase = .restarting(since: t, token: nextToken)
    return (nextToken, t + spec.restartOverhead)
  }

  /// The restart with `token` finished at `t`.
  mutating func restarted(token: Int, at t: Hours) {
    guard case let .restarting(_, current) = phase, current == token else { return }
    leavePhase(at: t, planned: false)
    phase = .running(since: t)
  }

  /// Closes the books at the horizon; unsaved work at the end counts as productive.
  mutating func close(at horizon: Hours) {
    leavePhase(at: horizon, planned: true)
  }
}
