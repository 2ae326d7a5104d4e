import Foundation

/// One trial: a discrete-event simulation of the fleet from time 0 to the horizon.
///
/// The trial owns the event loop and dispatches events to three parts that own the state:
/// the `Plant` (links, switches, a plain system's structure), the `RepairDesk` (tickets,
/// technicians, spares, calendar) and the `JobBoard` (jobs). The parts return what changed
/// (links, restarts, effects) and the trial schedules and forwards it; failures are drawn here
/// (`Trial+Failures.swift`). Nothing here knows a part's role or a workflow's action: the plant
/// layout resolved them into rules and plans.
///
/// A struct with mutating methods rather than a class: the event loop touches the trial's state
/// millions of times, and a class's stored properties cost a dynamic exclusivity check on every
/// access.
///
/// Draws are exact common random numbers (the Determinism article): a unit's lifetimes, its
/// precursor, what its failure takes down and a flap's length come from counter-based
/// substreams keyed by (trial, population, unit, draw index, site); a repair's detection, drain,
/// hands-on, outcomes and verification from substreams keyed by (trial, population, unit, the
/// unit's ticket count, step); a job's background failures by (trial, job, count). So two
/// compared scenarios draw the same values for the same unit whatever order their events run
/// in. Only population-level draws (how many units fail, which ones) come from the population's
/// own sequential stream, before any event, and the uplink interruption draws from a
/// sequential job stream in event order.
///
/// The modelling decisions (same-instant order, what a drain does, how shifts and windows
/// work) are in the Engine article of ReliabilityKit.docc.
struct Trial {
  // MARK: Configuration

  let layout: PlantLayout
  let horizon: Hours
  /// Plain systems with `ageing_while_down: frozen`: unit clocks stop while the system is down.
  let frozen: Bool

  // MARK: Randomness

  let seeds: SeedSequence
  let trialIndex: Int
  /// Per population: the sequential stream of its population-level draws (lemons aside: how
  /// many units fail, which ones), taken before any event.
  let streams: [RandomSource]
  /// Restarted at a unit's substream before each of its draws (`unitDraws`).
  let unitSource: RandomSource
  /// Per population: the base key of its units' substreams in this trial.
  let unitBases: [UInt64]
  /// Restarted by the repair desk at a ticket's substream before each of its draws.
  let repairSource: RandomSource
  /// The base key of the tickets' substreams in this trial (`ticketKey`).
  let ticketBase: UInt64
  /// The sequential job stream: uplink interruptions, in event order.
  let jobSource: RandomSource
  /// Restarted at a job's substream before each background failure's draws (`jobDraws`).
  let jobKeyed: RandomSource
  let jobBase: UInt64
  /// One stream per common cause: its events' times and durations.
  let causeSources: [RandomSource]

  // MARK: State

  /// Everything scheduled on the calendar clock.
  enum Event {
    case flapEnd(Impact, duration: Hours, population: Int)
    case detected(ticket: Int)
    case dispatch(ticket: Int)
    case shiftStart
    case drained(ticket: Int)
    case handsOnDone(ticket: Int)
    /// A technician's known release, while tickets wait for one (the resolving desk).
    case technicianFree
    case verified(ticket: Int)
    case spareArrival(spare: Int, quantity: Int)
    case reworkReturn(spare: Int)
    case collateralEnd(link: Int, population: Int)
    case hostRepaired(node: Int)
    case remapped(ticket: Int, impact: Int)
    case commonCause(cause: Int, group: Int)
    case commonCauseEnd(cause: Int, group: Int)
    case swapDue(job: Int, run: Int)
  }

  /// A unit's failure (or the degradation that precedes it), scheduled on the operating-time clock.
  struct FailureEvent {
    let population: Int
    let unit: Int
    let mode: Int
    let generation: Int
    var precursor = false
  }

  struct UnitState {
    /// Operating time at which the unit was last renewed (0: installed new at the start;
    /// negative: installed that long before).
    var renewedAt: Hours = 0
    var generation = 0
    var absorbed = 0
    var openTicket: Int?
    /// Bit 0: a lemon; bit 1: from a bad lot (the index of its failure model).
    var variant: UInt8 = 0
    /// Lifetime draws after the first (the index k of the unit's substream for its next draw is
    /// this plus one) and tickets opened: the counters of its substreams' keys.
    var draws: UInt32 = 0
    var tickets: UInt32 = 0
  }

  /// What a draw of a unit's substream is for: the last byte of its key.
  enum UnitSite: UInt64 {
    /// Its lifetime (with a ramp, its start age first; then its precursor).
    case lifetime = 0
    /// Whether a replacement is a lemon.
    case lemon = 1
    /// What the failure takes down (a random engine or laser).
    case impact = 2
    /// A flap's length.
    case flap = 3
  }

  /// A unit's last flaps (up to `Workflow.Proactive.maximumFlaps`), for lemon detection.
  struct FlapHistory {
    var times: (Hours, Hours, Hours, Hours, Hours, Hours, Hours, Hours) = (0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0

    /// Records a flap at `t` and returns how many of the recorded flaps lie within `window` of it.
    mutating func record(_ t: Hours, within window: Hours) -> Int {
      withUnsafeMutableBytes(of: &times) { raw in
        let slots = raw.bindMemory(to: Hours.self)
        slots[count % slots.count] = t
      }
      count += 1
      return withUnsafeBytes(of: times) { raw in
        let slots = raw.bindMemory(to: Hours.self)
        return (0..<min(count, slots.count)).reduce(0) { $0 + (t - slots[$1] <= window ? 1 : 0) }
      }
    }
  }

  var now: Hours = 0
  var queue = EventQueue<Event>()
  /// The job process, advanced inline between the queue's events rather than through it: per
  /// job, the time of its next background (host) failure and of the end of its restart in
  /// progress (with the restart's token), infinity when there is none. A job has at most one
  /// restart that counts (a new one supersedes it), so a superseded restart leaves nothing
  /// behind; background failures are a Poisson process drawn one ahead.
  var nextBackground: [Hours] = []
  var restartDue: [(at: Hours, token: Int)] = []
  /// Per job: background failures drawn so far (the counter of its substreams' keys).
  var backgroundDraws: [UInt32] = []
  /// Failure events keyed by operating time (equal to calendar time unless frozen).
  var failureQueue = EventQueue<FailureEvent>()
  /// Calendar hours the unit clocks have been frozen so far.
  var frozenHours: Hours = 0
  var units: [UnitTable<UnitState>]
  /// Per population with lemon detection: each unit's recent flaps.
  var flapHistory: [UnitTable<FlapHistory>]
  /// Per population: lemons at the start (their flaps are simulated, not counted in aggregate).
  var lemonsAtStart: [Int]
  var plant: Plant
  var desk: RepairDesk
  var jobs: JobBoard
  /// Failures by population and mode, flaps, absorbed failures, failures per month, events.
  var counts: FailureCounts
  let trace: ((TraceRecord) -> Void)?
  /// Asked every `stopCheckInterval` events: when it answers true the trial ends at once (its
  /// outcome is incomplete and must be discarded), so SIGINT is honoured at any event rate.
  var shouldStop: (@Sendable () -> Bool)? = nil
  static let stopCheckInterval = 4096

  struct FailureCounts {
    var failures: [[Int]]
    var commonCauseEvents = 0
    var flaps = 0
    var lemonFlaps = 0
    var proactiveRepairs = 0
    var degradationsCaught = 0
    var absorbed = 0
    var monthly: [Int]
    var events = 0
  }

  init(layout: PlantLayout, scenario: Scenario, seeds: SeedSequence, trial: Int, trace: ((TraceRecord) -> Void)? = nil) {
    self.layout = layout
    horizon = scenario.horizon
    if case .system = layout.kind { frozen = scenario.ageingWhileDown == .frozen } else { frozen = false }
    self.seeds = seeds
    trialIndex = trial
    streams = layout.populations.map { RandomSource(seed: seeds.seed(forTrial: trial, stream: $0.streamKey)) }
    unitSource = RandomSource(seed: 1)
    unitBases = layout.populations.map { seeds.substreamBase(forTrial: trial, stream: $0.streamKey) }
    repairSource = RandomSource(seed: 1)
    ticketBase = seeds.substreamBase(forTrial: trial, stream: SeedSequence.streamKey("repair"))
    jobSource = RandomSource(seed: seeds.seed(forTrial: trial, stream: SeedSequence.streamKey("jobs")))
    jobKeyed = RandomSource(seed: 1)
    jobBase = seeds.substreamBase(forTrial: trial, stream: SeedSequence.streamKey("jobs"))
    causeSources = layout.commonCauses.map { RandomSource(seed: seeds.seed(forTrial: trial, stream: $0.streamKey)) }
    units = Array(repeating: UnitTable(empty: UnitState()), count: layout.populations.count)
    flapHistory = Array(repeating: UnitTable(empty: FlapHistory()), count: layout.populations.count)
    lemonsAtStart = Array(repeating: 0, count: layout.populations.count)
    plant = Plant(layout: layout)
    desk = RepairDesk(layout: layout, repair: scenario.repair, tracing: trace != nil)
    desk.horizon = scenario.horizon
    var structure: SystemStructure? = nil
    if case let .system(s) = layout.kind { structure = s }
    jobs = JobBoard(specs: scenario.jobs, pool: scenario.nodePool, fabric: layout.fabric, structure: structure,
                    units: layout.populations.count, months: TimeUnits.months(in: scenario.horizon))
    self.trace = trace
    counts = FailureCounts(failures: layout.populations.map { [Int](repeating: 0, count: $0.model.modes.count) },
                           monthly: [Int](repeating: 0, count: TimeUnits.months(in: horizon)))
  }

  // MARK: Running

  /// Runs the trial to the horizon and returns its outcome.
  mutating func run() -> TrialOutcome {
    desk.start()
    carryOutDeskEffects()
    seedFirstFailures()
    nextBackground = [Hours](repeating: .infinity, count: jobs.jobs.count)
    restartDue = [(at: Hours, token: Int)](repeating: (.infinity, 0), count: jobs.jobs.count)
    backgroundDraws = [UInt32](repeating: 0, count: jobs.jobs.count)
    for j in 0..<jobs.jobs.count { scheduleBackground(j, after: 0) }
    addAggregatedFlaps()
    seedCommonCauses()
    while let next = nextEventTime(), next.time <= horizon {
      now = max(now, next.time)
      counts.events += 1
      if counts.events % Self.stopCheckInterval == 0, let shouldStop, shouldStop() { break }
      switch next.kind {
      case .failure:
        handleFailure(failureQueue.pop()!.payload)
      case .calendar:
        handle(queue.pop()!.payload)
      case let .restart(job):
        let token = restartDue[job].token
        restartDue[job] = (.infinity, 0)
        jobs.restarted(job, token: token, at: now)
        scheduleRestarts()
      case let .background(job):
        let source = jobDraws(job, site: 1)
        jobs.background(job, at: now, using: source)
        recordHits()
        scheduleRestarts()
        scheduleBackground(job, after: now)
      }
    }
    now = max(now, horizon)
    return close()
  }

  /// What the next event is: a unit's failure, an event of the queue, or a step of a job's
  /// process (the end of its restart, a background failure).
  enum NextKind {
    case failure, calendar
    case restart(job: Int)
    case background(job: Int)
  }

  /// The calendar time of the next event, and what it is.
  ///
  /// Mutating, like the other helpers the event loop calls, although it changes nothing: a
  /// non-mutating method called from a mutating one got a copy of the whole trial (1.3 KB) at
  /// every event.
  private mutating func nextEventTime() -> (time: Hours, kind: NextKind)? {
    var best: (time: Hours, kind: NextKind)? = nil
    if let c = queue.next { best = (c.time, .calendar) }
    if let f = failureQueue.next {
      var failureTime: Hours? = nil
      if !frozen {
        failureTime = f.time
      } else if plant.systemUp {
        failureTime = now + (f.time - operatingTime)
      }
      if let t = failureTime {
        // A failure goes before a queue event of the same instant unless that one's priority
        // comes first (restorations, resources).
        if let b = best, let c = queue.next {
          if t < b.time || (t == b.time && EventPriority.failure < c.priority) { best = (t, .failure) }
        } else {
          best = (t, .failure)
        }
      }
    }
    // The job process comes last at an instant (its priority, `.job`, is the lowest): it goes
    // only when strictly earlier than everything else; a restart's end before a background
    // failure at the same instant.
    for j in restartDue.indices {
      let r = restartDue[j].at
      if r < (best?.time ?? .infinity) { best = (r, .restart(job: j)) }
      let b = nextBackground[j]
      if b < (best?.time ?? .infinity) { best = (b, .background(job: j)) }
    }
    return best
  }

  /// Time on the units' clocks: calendar time less the time they were frozen.
  var operatingTime: Hours {
    @inline(__always) get { now - frozenHours - (frozen && !plant.systemUp ? now - plant.systemDownSince : 0) }
  }

  mutating func push(_ event: Event, after delay: Hours, priority: EventPriority) {
    queue.push(event, at: now + delay, priority: priority)
  }

  // MARK: Dispatch

  private mutating func handle(_ event: Event) {
    switch event {
    case let .flapEnd(impact, duration, population):
      apply(impact, down: false, planned: false, flap: duration, population: population)
    case let .detected(ticket):
      desk.detected(ticket, at: now, using: repairSource)
    case let .dispatch(ticket):
      desk.dispatch(ticket, at: now, using: repairSource)
    case .shiftStart:
      desk.shiftStarted(at: now, using: repairSource)
    case let .drained(ticket):
      desk.drained(ticket, using: repairSource)
    case let .handsOnDone(ticket):
      desk.handsOnDone(ticket, at: now, using: repairSource)
    case .technicianFree:
      desk.technicianFree(at: now, using: repairSource)
    case let .verified(ticket):
      desk.verified(ticket, at: now)
    case let .spareArrival(spare, quantity):
      desk.receiveSpares(spare, quantity: quantity, fromOrder: true, at: now, using: repairSource)
    case let .reworkReturn(spare):
      desk.receiveSpares(spare, quantity: 1, fromOrder: false, at: now, using: repairSource)
    case let .collateralEnd(link, population):
      apply(.link(link), down: false, planned: false, population: population)
    case let .remapped(ticket, impact):
      desk.remapped(ticket, impact: impact)
    case let .commonCause(c, g):
      let cause = layout.commonCauses[c]
      counts.commonCauseEvents += 1
      record("common-cause", population: nil, unit: g, detail: cause.cause.name)
      for s in cause.groups[g] { apply(.switchDown(s), down: true, planned: cause.cause.planned, origin: cause.origin) }
      push(.commonCauseEnd(cause: c, group: g), after: cause.cause.duration.sample(using: causeSources[c]), priority: .restoration)
    case let .commonCauseEnd(c, g):
      let cause = layout.commonCauses[c]
      for s in cause.groups[g] { apply(.switchDown(s), down: false, planned: cause.cause.planned, origin: cause.origin) }
    case let .hostRepaired(node):
      jobs.hostRepaired(node, at: now)
      scheduleRestarts()
    case let .swapDue(job, run):
      jobs.swapDue(job, run: run, at: now)
      recordHits()
      scheduleRestarts()
    }
    carryOutDeskEffects()
  }

  /// Carries out what the repair desk asked for, in order.
  mutating func carryOutDeskEffects() {
    guard desk.effectCount > 0 else { return }
    // By index up to the desk's count (the slots beyond it are stale), not by copying the array:
    // the copy would make the desk's next write copy the whole buffer.
    var i = 0
    while i < desk.effectCount {
      let effect = desk.effects[i]
      i += 1
      switch effect {
      case let .schedule(event, delay, priority):
        push(event, after: delay, priority: priority)
      case let .scheduleAt(event, time, priority):
        queue.push(event, at: time, priority: priority)
      case let .outage(impact, down, planned, population):
        apply(impact, down: down, planned: planned, population: population)
      case let .repaired(p, u, replaced):
        var state = units[p][u]
        state.openTicket = nil
        let population = layout.populations[p]
        if replaced {
          state.absorbed = 0
          // A replacement comes from a good lot, and is a lemon with the part's probability.
          var lemon = false
          if let l = population.lemon, l.probability > 0 {
            lemon = unitDraws(p, u, state.draws + 1, .lemon).uniform() < l.probability
          }
          state.variant = lemon ? 1 : 0
        } else {
          state.variant &= ~1  // cleaning or reseating cures a lemon
        }
        units[p][u] = state
        if population.proactive != nil { flapHistory[p][u] = FlapHistory() }
        scheduleNextFailure(population: p, unit: u, keepAge: !replaced)
      case let .trace(note, ticket):
        let line = desk.traceLine(note, ticket: ticket)
        record(line.event, population: line.population, unit: line.unit, detail: line.detail)
      }
    }
    desk.clearEffects()
  }

  /// Takes `impact` (from a unit of `population`) out of service (`down`) or returns it, and
  /// tells the jobs. `flap` is the length of the outage when it is a flap, which jobs that
  /// tolerate it ignore.
  mutating func apply(_ impact: Impact, down: Bool, planned: Bool, flap: Hours? = nil, population: Int) {
    apply(impact, down: down, planned: planned, flap: flap, origin: layout.populations[population].origin)
  }

  /// Takes `impact` (from a unit of kind `origin`) out of service or returns it.
  mutating func apply(_ impact: Impact, down: Bool, planned: Bool, flap: Hours? = nil, origin: JobBoard.OutageOrigin) {
    switch plant.apply(impact, down: down, at: now) {
    case .none:
      break
    case .links:
      jobs.plantChanged(plant, down: down, planned: planned, flap: flap, origin: origin, at: now, using: jobSource)
      recordHits()
      scheduleRestarts()
      return
    case let .system(up):
      if up, frozen { frozenHours += now - plant.systemDownSince }
    }
    // Each job of a plain system sees the structure without the flaps it tolerates, so it is told
    // of every unit's change, not only of the system's.
    if case let .systemUnit(p) = impact, !jobs.isEmpty {
      jobs.systemUnitChanged(p, down: down, planned: planned, flap: flap, at: now)
      recordHits()
      scheduleRestarts()
    }
  }

  private mutating func recordHits() {
    for hit in jobs.hits { record("job-hit", population: nil, unit: hit.job, detail: hit.planned ? "planned" : "unplanned") }
  }

  private mutating func scheduleRestarts() {
    // In the order begun: a later restart of a job supersedes an earlier one.
    for restart in jobs.restarts { restartDue[restart.job] = (restart.at, restart.token) }
    for repair in jobs.hostRepairs {
      queue.push(.hostRepaired(node: repair.node), at: repair.at, priority: .restoration)
    }
    for swap in jobs.swaps {
      queue.push(.swapDue(job: swap.job, run: swap.run), at: swap.at, priority: .job)
    }
  }

  /// Each group of each common cause: a Poisson process of events over the horizon.
  private mutating func seedCommonCauses() {
    for (c, cause) in layout.commonCauses.enumerated() where cause.cause.ratePerHour > 0 {
      for g in cause.groups.indices {
        var t: Hours = 0
        while true {
          t -= log1p(-causeSources[c].uniform()) / cause.cause.ratePerHour
          guard t <= horizon else { break }
          queue.push(.commonCause(cause: c, group: g), at: t, priority: .failure)
        }
      }
    }
  }

  private mutating func scheduleBackground(_ job: Int, after t: Hours) {
    backgroundDraws[job] += 1
    let source = jobDraws(job, site: 0)
    nextBackground[job] = jobs.nextBackground(job, after: t, horizon: horizon, using: source) ?? .infinity
  }

  // MARK: Substreams

  /// `unitSource` restarted at the substream of draw `k` of unit `u` of population `p` for
  /// `site` (k = 0: its first failure).
  @inline(__always)
  mutating func unitDraws(_ p: Int, _ u: Int, _ k: UInt32, _ site: UnitSite) -> RandomSource {
    unitSource.restart(key: SeedSequence.substreamKey(unitBases[p], UInt64(u), UInt64(k) << 8 | site.rawValue))
    return unitSource
  }

  /// The key of the `n`-th ticket (from 0) of unit `u` of population `p`: the desk restarts
  /// `repairSource` at `SeedSequence.splitMix64(key ^ step)` before each of its draws.
  @inline(__always)
  mutating func ticketKey(_ p: Int, _ u: Int, _ n: UInt32) -> UInt64 {
    SeedSequence.substreamKey(ticketBase ^ layout.populations[p].streamKey, UInt64(u), UInt64(n))
  }

  /// `jobKeyed` restarted at the substream of job `j`'s current background failure (site 0:
  /// its time, drawn one ahead; 1: what it strikes).
  @inline(__always)
  private mutating func jobDraws(_ j: Int, site: UInt64) -> RandomSource {
    jobKeyed.restart(key: SeedSequence.substreamKey(jobBase, UInt64(j), UInt64(backgroundDraws[j]) << 8 | site))
    return jobKeyed
  }

  // MARK: Closing

  private mutating func close() -> TrialOutcome {
    plant.close(at: horizon)
    var o = TrialOutcome()
    o.horizon = horizon
    o.failures = counts.failures
    o.flaps = counts.flaps
    o.absorbed = counts.absorbed
    o.monthlyFailures = counts.monthly
    o.events = counts.events
    o.commonCauseEvents = counts.commonCauseEvents
    o.lemonUnits = lemonsAtStart.reduce(0, +)
    o.lemonFlaps = counts.lemonFlaps
    o.proactiveRepairs = counts.proactiveRepairs
    o.degradationsCaught = counts.degradationsCaught
    if let f = layout.fabric {
      o.linkCount = f.linkCount
      o.nicLinkCount = f.nicLinks
      o.nodeCount = f.nodes
      o.switchCount = f.switchCount
    }
    o.linkDownHours = plant.linkDownHours
    o.nicLinkDownHours = plant.nicLinkDownHours
    o.switchDownHours = plant.switchDownHours
    o.systemDownHours = plant.systemDownHours
    o.systemFailures = plant.systemFailures
    o.groupDownHours = plant.groupDownHours
    // Closing the desk books the waits and repairs still open (up to the horizon) first.
    o.technicianBusyHours = desk.close(at: horizon)
    let d = desk.counts
    o.repairsByAction = d.repairsByAction
    o.cleaned = d.cleaned
    o.replaced = d.replaced
    o.noFaultFound = d.noFaultFound
    o.collateral = d.collateral
    o.drains = d.drains
    o.reworks = d.reworks
    o.reworked = d.reworked
    o.sparesUsed = d.sparesUsed
    o.warrantyReplacements = d.warrantyReplacements
    o.warrantyReworks = d.warrantyReworks
    o.stockouts = d.stockouts
    o.remappedLinks = d.remappedLinks
    o.detectionHours = d.detectionHours
    o.technicianWaitHours = d.technicianWaitHours
    o.spareWaitHours = d.spareWaitHours
    o.deferralHours = d.deferralHours
    o.handsOnHours = d.handsOnHours
    o.dispatches = d.dispatches
    o.repairDowntimeHours = d.repairDowntimeHours
    o.spareStockHours = desk.spareStockHours
    o.jobs = jobs.close(at: horizon)
    o.unusableNodeHours = jobs.unusableNodeHours
    return o
  }

  // MARK: Trace

  @inline(__always)
  func record(_ event: String, population: Int?, unit: Int, detail: @autoclosure () -> String) {
    guard let trace else { return }
    trace(TraceRecord(tHours: now, event: event, population: population.map { layout.populations[$0].name },
                      unit: unit, detail: detail()))
  }
}

/// One line of `cposim run --trace`: what happened, when, to which unit.
public struct TraceRecord: Encodable, Sendable, Equatable {
  public let tHours: Hours
  public let event: String
  /// `fru@location` of the unit, or nil for job events.
  public let population: String?
  /// The unit's index within its population (or the job's index for job events).
  public let unit: Int
  public let detail: String
}
