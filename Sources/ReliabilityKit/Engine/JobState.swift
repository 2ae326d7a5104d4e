import Foundation

/// One training job's phase and time accounting inside a trial.
///
/// After a (re)start at time s the job computes for Δ (the checkpoint interval), writes a
/// checkpoint for w (blocking), and so on. An unplanned interruption at t loses the work since
/// the last completed checkpoint; a planned one (a drain announced in advance) checkpoints first
/// and loses nothing. Either way the job then restarts (overhead u0, plus the spare swap time
/// when nodes were replaced) or waits for nodes. Which nodes it runs on, and where spares come
/// from, is the `JobBoard`'s business.
///
/// While running, the job works at a rate f ≤ 1: the share of its nodes it runs on (elastic
/// jobs continue on fewer nodes) times a throughput factor while a plane's path is lost. Work is
/// booked at the run's time-averaged rate; the rest of the compute time is degraded loss.
struct JobState {
  enum Phase: Equatable {
    case running(since: Hours)
    case restarting(since: Hours, token: Int)
    case waiting(since: Hours)
  }

  let spec: JobSpec
  var phase: Phase = .running(since: 0)
  var outcome = JobOutcome()
  private var nextToken = 0
  /// The work rate now, since when, and its integral over the current run up to then.
  private(set) var rate = 1.0
  private var rateSince: Hours = 0
  private var rateIntegral = 0.0

  init(spec: JobSpec, months: Int) {
    self.spec = spec
    outcome.monthlyInterruptions = [Int](repeating: 0, count: months)
  }

  var isRunning: Bool { if case .running = phase { true } else { false } }
  var isWaiting: Bool { if case .waiting = phase { true } else { false } }
  var isRestarting: Bool { if case .restarting = phase { true } else { false } }

  /// Books the work done in the running phase that ends at `t`.
  private mutating func settle(since s: Hours, at t: Hours, planned: Bool) {
    let elapsed = t - s
    guard elapsed > 0 else { return }
    let integral = rateIntegral + rate * (t - rateSince)
    let f = min(1, max(0, integral / elapsed))
    let cycle = spec.checkpointInterval + spec.checkpointWrite
    let completed = (elapsed / cycle).rounded(.down)
    let writes = completed * spec.checkpointWrite
    outcome.checkpointHours += writes
    let compute = elapsed - writes
    if f < 1 {
      outcome.degradedLossHours += (1 - f) * compute
      outcome.degradedHours += elapsed
    }
    if planned {
      outcome.productiveHours += f * compute
    } else {
      outcome.productiveHours += f * completed * spec.checkpointInterval
      outcome.lostWorkHours += f * (elapsed - completed * cycle)
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

  /// An interruption at `t` of the given cause: a running job stops (losing the work since its
  /// last checkpoint unless `planned`); a restart in progress starts over. Returns whether the
  /// job was running (the interruption is counted only then).
  @discardableResult
  mutating func interrupt(cause: InterruptionCause, planned: Bool, at t: Hours) -> Bool {
    switch phase {
    case .running:
      leavePhase(at: t, planned: planned)
      outcome.interruptions[planned ? InterruptionCause.planned.rawValue : cause.rawValue] += 1
      outcome.monthlyInterruptions[min(Int(t / TimeUnits.hoursPerMonth), outcome.monthlyInterruptions.count - 1)] += 1
      phase = .waiting(since: t)
      return true
    case .restarting:
      leavePhase(at: t, planned: planned)
      phase = .waiting(since: t)
      return false
    case .waiting:
      return false
    }
  }

  /// Starts a restart at `t` that takes `duration`, to run at `rate` afterwards. Returns the
  /// token and end time to schedule.
  mutating func beginRestart(at t: Hours, duration: Hours, rate newRate: Double) -> (token: Int, at: Hours) {
    leavePhase(at: t, planned: true)
    nextToken += 1
    phase = .restarting(since: t, token: nextToken)
    rate = newRate
    return (nextToken, t + duration)
  }

  /// Waits for nodes from `t`.
  mutating func beginWaiting(at t: Hours) {
    guard !isWaiting else { return }
    leavePhase(at: t, planned: true)
    phase = .waiting(since: t)
  }

  /// The restart with `token` finished at `t`: the job runs again. Returns false for a
  /// superseded restart.
  @discardableResult
  mutating func restarted(token: Int, at t: Hours) -> Bool {
    guard case let .restarting(_, current) = phase, current == token else { return false }
    leavePhase(at: t, planned: false)
    phase = .running(since: t)
    rateSince = t
    rateIntegral = 0
    return true
  }

  /// The work rate changes to `newRate` at `t` without an interruption (a plane's path lost or
  /// regained on one of the job's nodes).
  mutating func setRate(_ newRate: Double, at t: Hours) {
    if isRunning {
      rateIntegral += rate * (t - rateSince)
      rateSince = t
    }
    rate = newRate
  }

  /// Closes the books at the horizon; unsaved work at the end counts as productive.
  mutating func close(at horizon: Hours) {
    leavePhase(at: horizon, planned: true)
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
