import Foundation

/// The training jobs of one trial, and what a change of the plant does to them.
///
/// The board turns changed links (or a plain system going down or up) into interruptions and
/// restarts; it returns the restarts to schedule (`restarts`) and the jobs hit (`hits`, for the
/// trace) instead of touching the event queue.
struct JobBoard {
  /// A restart to schedule: job `job` finishes restarting at `at` unless `token` is superseded.
  struct Restart {
    let job: Int
    let token: Int
    let at: Hours
  }

  /// What the board reads of each job's spec on every change, without copying the spec.
  private struct Terms {
    let gpus: Int
    let flapTolerance: Hours
    let uplinkInterruptProbability: Double
    /// Background interruptions per hour for the whole job (rate per node × nodes).
    let backgroundRate: Double
  }

  private(set) var jobs: [JobState] = []
  private let terms: [Terms]
  private let fabric: FabricLayout?
  /// Restarts produced by the last call, in order.
  private(set) var restarts: [Restart] = []
  /// Jobs that lost links in the last call, and whether the change was planned.
  private(set) var hits: [(job: Int, planned: Bool)] = []
  /// Scratch buffer of the nodes a change hits.
  private var hitNodes: [Int] = []

  init(specs: [JobSpec], fabric: FabricLayout?) {
    self.fabric = fabric
    terms = specs.map { spec in
      let nodes: Double
      if let f = fabric { nodes = (Double(spec.gpus) / Double(f.gpusPerNode)).rounded(.up) } else { nodes = 1 }
      return Terms(gpus: spec.gpus, flapTolerance: spec.flapTolerance, uplinkInterruptProbability: spec.uplinkInterruptProbability,
                   backgroundRate: spec.backgroundRatePerNodeHour * nodes)
    }
    if let f = fabric {
      jobs = specs.map { JobState(spec: $0, spareNodes: (f.gpus - $0.gpus) / f.gpusPerNode) }
    } else {
      jobs = specs.map { JobState(spec: $0, spareNodes: 0) }
    }
  }

  var isEmpty: Bool { jobs.isEmpty }

  /// Clears the output buffers before a call.
  private mutating func reset() {
    restarts.removeAll(keepingCapacity: true)
    hits.removeAll(keepingCapacity: true)
  }

  /// Links `changed` went down (`down`) or came back at `now`. A flap of length `flap` is
  /// ignored by jobs that tolerate it; an uplink going down interrupts a job with its
  /// `uplink_interrupt_probability`, drawn from `source` (only for unplanned changes).
  mutating func linksChanged(_ changed: [Int], down: Bool, planned: Bool, flap: Hours?, at now: Hours, using source: RandomSource) {
    reset()
    guard let f = fabric else { return }
    for j in jobs.indices {
      let job = terms[j]
      if let flap, flap <= job.flapTolerance { continue }
      hitNodes.removeAll(keepingCapacity: true)
      var uplink = false
      for link in changed {
        switch f.dependency(of: link, jobGPUs: job.gpus) {
        case .direct: hitNodes.append(link / f.gpusPerNode)
        case .uplink: uplink = true
        case .none: break
        }
      }
      if down {
        let interrupts = uplink && !planned && source.uniform() < job.uplinkInterruptProbability
        let restart = jobs[j].linksDown(directNodes: hitNodes, uplinkInterrupts: interrupts, planned: planned, at: now)
        if hitNodes.count + (interrupts ? 1 : 0) > 0 { hits.append((j, planned)) }
        if let restart { restarts.append(Restart(job: j, token: restart.token, at: restart.at)) }
      } else if !hitNodes.isEmpty, let restart = jobs[j].linksUp(directNodes: hitNodes, at: now) {
        restarts.append(Restart(job: j, token: restart.token, at: restart.at))
      }
    }
  }

  /// A plain system went down or came back up at `now`: every job depends on it.
  mutating func systemChanged(up: Bool, planned: Bool, flap: Hours?, at now: Hours) {
    reset()
    for j in jobs.indices {
      if let flap, flap <= terms[j].flapTolerance { continue }
      let restart = up ? jobs[j].linksUp(directNodes: [0], at: now)
                       : jobs[j].linksDown(directNodes: [0], uplinkInterrupts: false, planned: planned, at: now)
      if let restart { restarts.append(Restart(job: j, token: restart.token, at: restart.at)) }
    }
  }

  /// A background (non-network) interruption of job `j` at `now`.
  mutating func background(_ j: Int, at now: Hours) {
    reset()
    if let restart = jobs[j].background(at: now) { restarts.append(Restart(job: j, token: restart.token, at: restart.at)) }
  }

  /// The restart of job `j` with `token` finished at `now`.
  mutating func restarted(_ j: Int, token: Int, at now: Hours) {
    jobs[j].restarted(token: token, at: now)
  }

  /// The time of job `j`'s next background interruption after `t`, drawn from `source`, or nil
  /// when it has none or it falls beyond `horizon`.
  func nextBackground(_ j: Int, after t: Hours, horizon: Hours, using source: RandomSource) -> Hours? {
    let rate = terms[j].backgroundRate
    guard rate > 0 else { return nil }
    let next = t - log1p(-source.uniform()) / rate
    return next <= horizon ? next : nil
  }

  /// Closes every job's books at the horizon and returns their outcomes.
  mutating func close(at horizon: Hours) -> [JobOutcome] {
    jobs.indices.map { j in
      jobs[j].close(at: horizon)
      return jobs[j].outcome
    }
  }
}
