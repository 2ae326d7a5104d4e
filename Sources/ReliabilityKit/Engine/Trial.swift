import Foundation

/// One trial: a discrete-event simulation of the fleet from time 0 to the horizon.
///
/// A struct with mutating methods rather than a class: the event loop touches the trial's state
/// millions of times, and a class's stored properties cost a dynamic exclusivity check on every
/// access (18% of the peer model's profile before the change).
///
/// A trial is built from the scenario's read-only `PlantLayout`, the master seed and the trial
/// index, and all of its state lives inside it. Failures of each FRU population come from the
/// population's own random stream (so scenarios that share a population share its draws);
/// repairs and jobs draw from two more streams.
///
/// Cost follows the number of failures, not the fleet size: each population draws how many of
/// its units fail within the horizon (binomial), which ones (Floyd's sampling) and when
/// (truncated draws); units that never fail are never touched.
///
/// The modelling decisions (same-instant order, what a drain does, how shifts and windows
/// work) are in the Engine article of ReliabilityKit.docc.
struct Trial {
  // MARK: Configuration

  let layout: PlantLayout
  /// The repair steps every ticket takes: all the event loop reads of the scenario itself.
  let detection: Distribution
  let verification: Distribution
  let horizon: Hours
  let calendar: RepairCalendar
  /// Plain systems with `ageing_while_down: frozen`: unit clocks stop while the system is down.
  let frozen: Bool
  /// The fabric's wiring, or nil for a plain system.
  let fabric: FabricLayout?

  // MARK: Randomness

  let seeds: SeedSequence
  let trialIndex: Int
  let streams: [RandomSource]
  let repairSource: RandomSource
  let jobSource: RandomSource

  // MARK: State

  enum Event {
    case flapEnd(ticketless: Impact, duration: Hours)
    case detected(ticket: Int)
    case dispatch(ticket: Int)
    case shiftStart
    case drained(ticket: Int)
    case handsOnDone(ticket: Int)
    case verified(ticket: Int)
    case spareArrival(spare: Int, quantity: Int)
    case reworkReturn(spare: Int)
    case collateralEnd(link: Int)
    case jobRestarted(job: Int, token: Int)
    case background(job: Int)
  }

  struct FailureEvent {
    let population: Int
    let unit: Int
    let mode: Int
    let generation: Int
  }

  /// What a failure or a drain takes out of service.
  enum Impact {
    case none
    case systemUnit(population: Int)
    case links([Int])
    /// A whole switch: all its links, and the switch itself.
    case switchDown(tier: Int, index: Int)
    /// One PSU or fan of a switch (the switch goes down when too few are left).
    case cooling(tier: Int, index: Int, isPSU: Bool)
  }

  struct UnitState {
    /// Operating time at which the unit was last renewed (0: installed new at the start).
    var renewedAt: Hours = 0
    var generation = 0
    var absorbed = 0
    var openTicket: Int?
  }

  struct Ticket {
    let population: Int
    let unit: Int
    let mode: Int
    let failedAt: Hours
    /// An absorbed failure: the unit is still in service; its swap is planned.
    let planned: Bool
    var impacts: [Impact]
    var drain: Impact = .none
    var replaces = false
    var cleanedOnly = false
    var spareHeld = false
    var waitingSince: Hours = 0
  }

  var now: Hours = 0
  var queue = EventQueue<Event>()
  /// Failure events keyed by operating time (equal to calendar time unless frozen).
  var failureQueue = EventQueue<FailureEvent>()
  /// Calendar hours the unit clocks have been frozen so far.
  var frozenHours: Hours = 0
  var units: [UnitTable<UnitState>]
  var tickets: [Ticket] = []
  var technicians: TechnicianPool
  var spares: [SpareStock]
  var shiftStartScheduled = false
  var outcome = TrialOutcome()
  var jobs: [JobState] = []
  /// What the event loop reads of each job's spec, without copying the spec.
  var jobTerms: [(gpus: Int, flapTolerance: Hours, uplinkInterruptProbability: Double)] = []
  /// Scratch buffers of `changeLinks`, kept to avoid an allocation per call.
  var changedLinks: [Int] = []
  var hitNodes: [Int] = []
  let trace: ((TraceRecord) -> Void)?

  // Fabric state
  /// Outages covering each link (a link is down while its count is positive), and since when.
  /// Arrays, not dictionaries: hashing link numbers was the largest cost of a 128k-GPU trial.
  /// One entry per link, count and time together: a spine's links are far apart in memory,
  /// and a drain touches each of them once (one cache miss, not two).
  struct LinkState {
    var down: Int32 = 0
    var since: Hours = 0
  }
  var links: [LinkState] = []
  /// Per switch, numbered leaves first, then spines, then cores (`switchOffset` by tier):
  /// outages covering it and since when, and its failed PSUs and fans.
  struct SwitchState {
    var down: Int32 = 0
    var since: Hours = 0
    var psusFailed: Int32 = 0
    var fansFailed: Int32 = 0
  }
  var switchOffset = [0, 0, 0]
  var switches: [SwitchState] = []
  // Plain-system state
  var unitDown: [Int]
  var systemUp = true
  var systemDownSince: Hours = 0

  init(layout: PlantLayout, scenario: Scenario, seeds: SeedSequence, trial: Int, trace: ((TraceRecord) -> Void)? = nil) {
    self.layout = layout
    detection = scenario.repair.detection
    verification = scenario.repair.verification
    horizon = scenario.horizon
    calendar = RepairCalendar(shift: scenario.repair.shift, window: scenario.repair.maintenanceWindow)
    if case .system = layout.kind { frozen = scenario.ageingWhileDown == .frozen } else { frozen = false }
    self.seeds = seeds
    if case let .fabric(f) = layout.kind { fabric = f } else { fabric = nil }
    trialIndex = trial
    streams = layout.populations.map { RandomSource(seed: seeds.seed(forTrial: trial, stream: $0.streamKey)) }
    repairSource = RandomSource(seed: seeds.seed(forTrial: trial, stream: SeedSequence.streamKey("repair")))
    jobSource = RandomSource(seed: seeds.seed(forTrial: trial, stream: SeedSequence.streamKey("jobs")))
    units = Array(repeating: UnitTable(empty: UnitState()), count: layout.populations.count)
    technicians = TechnicianPool(size: scenario.repair.technicians)
    spares = layout.spareFRUs.map { SpareStock(policy: scenario.repair.spares[$0]) }
    unitDown = Array(repeating: 0, count: layout.populations.count)
    self.trace = trace
    jobTerms = scenario.jobs.map { ($0.gpus, $0.flapTolerance, $0.uplinkInterruptProbability) }
    outcome.horizon = horizon
    outcome.failures = layout.populations.map { [Int](repeating: 0, count: $0.model.modes.count) }
    outcome.sparesUsed = [Int](repeating: 0, count: layout.spareFRUs.count)
    outcome.reworked = [Int](repeating: 0, count: layout.spareFRUs.count)
    outcome.monthlyFailures = [Int](repeating: 0, count: max(1, Int((horizon / Self.hoursPerMonth).rounded(.up))))
    switch layout.kind {
    case let .fabric(f):
      outcome.linkCount = f.linkCount
      links = [LinkState](repeating: LinkState(), count: f.linkCount)
      switchOffset = [0, f.leaves, f.leaves + f.spines]
      switches = [SwitchState](repeating: SwitchState(), count: f.leaves + f.spines + f.cores)
      outcome.nicLinkCount = f.gpus
      outcome.switchCount = switches.count
      for spec in scenario.jobs {
        jobs.append(JobState(spec: spec, spareNodes: (f.gpus - spec.gpus) / f.gpusPerNode))
      }
    case .system:
      for spec in scenario.jobs { jobs.append(JobState(spec: spec, spareNodes: 0)) }
    }
  }

  /// A month for the time series: 730 h, a twelfth of the 8760-hour year.
  static let hoursPerMonth: Hours = 730

  // MARK: Running

  /// Runs the trial to the horizon and returns its outcome.
  mutating func run() -> TrialOutcome {
    // A pool that starts at or below its reorder point orders at once.
    for spare in spares.indices { reorder(spare) }
    seedFirstFailures()
    for (j, job) in jobs.enumerated() { scheduleBackground(j, after: 0, job.spec) }
    addAggregatedFlaps()
    while let next = nextEventTime(), next.time <= horizon {
      advance(to: next.time)
      outcome.events += 1
      if next.isFailure {
        let entry = failureQueue.pop()!
        handleFailure(entry.payload)
      } else {
        let entry = queue.pop()!
        handle(entry.payload)
      }
    }
    advance(to: horizon)
    close()
    return outcome
  }

  /// The calendar time of the next event, and whether it is a failure.
  private func nextEventTime() -> (time: Hours, isFailure: Bool)? {
    let calendarNext = queue.next
    var failureTime: Hours?
    if let f = failureQueue.next {
      if !frozen {
        failureTime = f.time
      } else if systemUp {
        failureTime = now + (f.time - operatingTime)
      }
    }
    switch (calendarNext, failureTime) {
    case (nil, nil): return nil
    case let (c?, nil): return (c.time, false)
    case let (nil, f?): return (f, true)
    case let (c?, f?):
      if f < c.time || (f == c.time && EventPriority.failure < c.priority) { return (f, true) }
      return (c.time, false)
    }
  }

  private var operatingTime: Hours { now - frozenHours - (frozen && !systemUp ? now - systemDownSince : 0) }

  private mutating func advance(to t: Hours) {
    now = max(now, t)
  }

  private mutating func push(_ event: Event, after delay: Hours, priority: EventPriority) {
    queue.push(event, at: now + delay, priority: priority)
  }

  // MARK: Failures

  private mutating func seedFirstFailures() {
    var first: [(payload: FailureEvent, time: Hours)] = []
    for (p, population) in layout.populations.enumerated() {
      let probability = population.model.probabilityOfFailure(by: horizon)
      guard probability > 0, population.count > 0 else { continue }
      let source = streams[p]
      let failing = source.binomial(trials: population.count, probability: min(probability, 1))
      for unit in Self.distinctIndices(count: failing, from: population.count, using: source) {
        let (time, mode) = population.model.sampleFirstFailure(by: horizon, using: source)
        first.append((FailureEvent(population: p, unit: unit, mode: mode, generation: 0), time))
      }
    }
    failureQueue.load(first, priority: .failure)
  }

  /// `k` distinct indices of `0..<n`, uniformly, in ascending order (Floyd's algorithm).
  /// - Complexity: O(k log k), independent of n.
  static func distinctIndices(count k: Int, from n: Int, using source: RandomSource) -> [Int] {
    var chosen = Set<Int>(minimumCapacity: k)
    for j in (n - k)..<n {
      let t = source.uniformInt(below: j + 1)
      if !chosen.insert(t).inserted { chosen.insert(j) }
    }
    return chosen.sorted()
  }

  /// Schedules the unit's next failure after it was renewed (or, if `keepAge`, after it
  /// survived a flap, a clean or an absorbed failure at its current age).
  private mutating func scheduleNextFailure(population p: Int, unit u: Int, keepAge: Bool) {
    var state = units[p][u]
    state.generation += 1
    let op = operatingTime
    if !keepAge { state.renewedAt = op }
    units[p][u] = state
    let model = layout.populations[p].model
    let draw = keepAge ? model.sampleAfterSurvival(age: op - state.renewedAt, using: streams[p])
                       : model.sampleFresh(using: streams[p])
    let at = state.renewedAt + draw.time
    // Failures beyond the horizon (in operating time, which never runs ahead of calendar time) never happen.
    guard at <= horizon else { return }
    failureQueue.push(.init(population: p, unit: u, mode: draw.mode, generation: state.generation), at: at, priority: .failure)
  }

  private mutating func handleFailure(_ event: FailureEvent) {
    let p = event.population, u = event.unit
    var state = units[p][u]
    guard state.generation == event.generation else { return }  // the unit was renewed since
    let population = layout.populations[p]
    outcome.failures[p][event.mode] += 1
    outcome.monthlyFailures[min(Int(now / Self.hoursPerMonth), outcome.monthlyFailures.count - 1)] += 1
    record("failure", population: p, unit: u, detail: { let m = population.mode(event.mode); return "\(m.part.id)/\(m.mode.id)" }())

    if let duration = population.flapDurations[event.mode] {
      outcome.flaps += 1
      let impact = impactOf(population: p, unit: u, mode: event.mode, planned: false)
      let above = population.model.modes[event.mode].flapsLongerThan
      let length = above > 0 ? (try? duration.sample(truncatedTo: above...Hours.infinity, using: repairSource)) ?? above
                             : duration.sample(using: repairSource)
      apply(impact, down: true, planned: false, flap: length)
      push(.flapEnd(ticketless: impact, duration: length), after: length, priority: .restoration)
      scheduleNextFailure(population: p, unit: u, keepAge: true)
      return
    }
    if state.absorbed < population.absorbable, state.openTicket == nil {
      // Redundancy inside the FRU takes it: no outage, a planned swap.
      state.absorbed += 1
      units[p][u] = state
      outcome.absorbed += 1
      let ticket = openTicket(population: p, unit: u, mode: event.mode, planned: true, impacts: [])
      scheduleNextFailure(population: p, unit: u, keepAge: true)
      detectLater(ticket)
      return
    }
    let impact = impactOf(population: p, unit: u, mode: event.mode, planned: false)
    apply(impact, down: true, planned: false)
    state.generation += 1  // no further failures until repaired
    units[p][u] = state
    if let existing = state.openTicket {
      tickets[existing].impacts.append(impact)  // a planned swap already on its way fixes this too
      return
    }
    let ticket = openTicket(population: p, unit: u, mode: event.mode, planned: false, impacts: [impact])
    detectLater(ticket)
  }

  private mutating func openTicket(population p: Int, unit u: Int, mode: Int, planned: Bool, impacts: [Impact]) -> Int {
    tickets.append(Ticket(population: p, unit: u, mode: mode, failedAt: now, planned: planned, impacts: impacts))
    let id = tickets.count - 1
    units[p][u].openTicket = id
    return id
  }

  private mutating func detectLater(_ ticket: Int) {
    let delay = detection.sample(using: repairSource)
    outcome.detectionHours += delay
    push(.detected(ticket: ticket), after: delay, priority: .decision)
  }

  /// Flaps no job notices, counted per population and mode without events (AggregatedFlaps).
  private mutating func addAggregatedFlaps() {
    for flaps in layout.aggregatedFlaps {
      let source = RandomSource(seed: seeds.seed(forTrial: trialIndex, stream: flaps.streamKey))
      let draw = flaps.draw(horizon: horizon, months: outcome.monthlyFailures.count, hoursPerMonth: Self.hoursPerMonth,
                            using: source)
      outcome.flaps += draw.flaps
      outcome.failures[flaps.population][flaps.mode] += draw.flaps
      for (m, n) in draw.monthly.enumerated() { outcome.monthlyFailures[m] += n }
      outcome.linkDownHours += draw.linkDownHours
      outcome.nicLinkDownHours += draw.nicLinkDownHours
      record("flaps-aggregated", population: flaps.population, unit: 0,
             detail: String(format: "%d flaps of at most %.4g h (aggregated), %.4g link-hours down", draw.flaps,
                            flaps.tolerance, draw.linkDownHours))
    }
  }

  // MARK: Repair workflow

  private mutating func handle(_ event: Event) {
    switch event {
    case let .flapEnd(impact, duration):
      apply(impact, down: false, planned: false, flap: duration)
    case let .detected(ticket):
      decide(ticket)
    case let .dispatch(ticket):
      requestSpare(ticket)
    case .shiftStart:
      shiftStartScheduled = false
      dispatchTechnicians()
    case let .drained(ticket):
      startHandsOn(ticket)
    case let .handsOnDone(ticket):
      finishHandsOn(ticket)
    case let .verified(ticket):
      restore(ticket)
    case let .spareArrival(spare, quantity):
      receiveSpares(spare, quantity: quantity, fromOrder: true)
    case let .reworkReturn(spare):
      receiveSpares(spare, quantity: 1, fromOrder: false)
    case let .collateralEnd(link):
      apply(.links([link]), down: false, planned: false)
    case let .jobRestarted(job, token):
      jobs[job].restarted(token: token, at: now)
    case let .background(job):
      if let restart = jobs[job].background(at: now) {
        push(.jobRestarted(job: job, token: restart.token), after: restart.at - now, priority: .job)
      }
      scheduleBackground(job, after: now, jobs[job].spec)
    }
  }

  private mutating func decide(_ ticket: Int) {
    let t = tickets[ticket]
    let workflow = layout.populations[t.population].workflow
    record("detected", population: t.population, unit: t.unit, detail: workflow.when.rawValue)
    switch workflow.when {
    case .now:
      requestSpare(ticket)
    case .maintenanceWindow, .degradedUntilWindow:
      let start = calendar.nextWindowStart(atOrAfter: now) ?? now
      if workflow.when == .maintenanceWindow, !t.planned {
        // Take the whole FRU out of service until the window (planned, so jobs checkpoint).
        drain(ticket)
      }
      outcome.deferralHours += start - now
      push(.dispatch(ticket: ticket), after: start - now, priority: .decision)
    }
  }

  /// Applies the planned drain of the ticket's FRU (its whole blast radius), once.
  private mutating func drain(_ ticket: Int) {
    guard case .none = tickets[ticket].drain else { return }
    let t = tickets[ticket]
    let population = layout.populations[t.population]
    let impact = impactOf(population: t.population, unit: t.unit, mode: nil, planned: true)
    guard !isEmpty(impact) else { return }
    tickets[ticket].drain = impact
    outcome.drains += 1
    record("drain", population: t.population, unit: t.unit, detail: population.fru)
    apply(impact, down: true, planned: true)
  }

  private mutating func requestSpare(_ ticket: Int) {
    let t = tickets[ticket]
    let population = layout.populations[t.population]
    tickets[ticket].waitingSince = now
    if spares[population.spareIndex].take(for: ticket, at: now) {
      tickets[ticket].spareHeld = true
      reorder(population.spareIndex)
      requestTechnician(ticket)
    } else {
      outcome.stockouts += 1
      record("stockout", population: t.population, unit: t.unit, detail: population.fru)
      reorder(population.spareIndex)
    }
  }

  private mutating func reorder(_ spare: Int) {
    if let quantity = spares[spare].reorderIfNeeded(), let policy = spares[spare].policy {
      push(.spareArrival(spare: spare, quantity: quantity), after: policy.leadTime, priority: .resource)
    }
  }

  private mutating func receiveSpares(_ spare: Int, quantity: Int, fromOrder: Bool) {
    for served in spares[spare].add(quantity, fromOrder: fromOrder, at: now) {
      outcome.spareWaitHours += served.waited
      tickets[served.ticket].spareHeld = true
      requestTechnician(served.ticket)
    }
    reorder(spare)
  }

  private mutating func requestTechnician(_ ticket: Int) {
    technicians.enqueue(ticket, at: now)
    dispatchTechnicians()
  }

  private mutating func dispatchTechnicians() {
    guard calendar.onShift(now) else {
      if technicians.waiting > 0, !shiftStartScheduled {
        shiftStartScheduled = true
        push(.shiftStart, after: calendar.nextShiftStart(atOrAfter: now) - now, priority: .resource)
      }
      return
    }
    while let next = technicians.dispatchNext(at: now) {
      outcome.technicianWaitHours += next.waited
      outcome.dispatches += 1
      let ticket = next.ticket
      let t = tickets[ticket]
      let workflow = layout.populations[t.population].workflow
      record("dispatch", population: t.population, unit: t.unit, detail: workflow.action.rawValue)
      if workflow.action == .boardReplace || workflow.action == .rmaRework || t.planned {
        drain(ticket)
        push(.drained(ticket: ticket), after: workflow.drain.sample(using: repairSource), priority: .resource)
      } else {
        startHandsOn(ticket)
      }
    }
  }

  private mutating func startHandsOn(_ ticket: Int) {
    let t = tickets[ticket]
    let population = layout.populations[t.population]
    let workflow = population.workflow
    let fix = population.fixes[t.mode]
    var duration = workflow.handsOn.sample(using: repairSource)
    let cleanable = fix == .clean || fix == .reseat
    if workflow.cleanFirst && cleanable && repairSource.uniform() < workflow.cleanSuccess {
      tickets[ticket].cleanedOnly = true
    } else {
      if workflow.cleanFirst { duration += workflow.handsOn.sample(using: repairSource) }  // the clean failed
      tickets[ticket].replaces = true
    }
    outcome.handsOnHours += duration
    push(.handsOnDone(ticket: ticket), after: duration, priority: .resource)
  }

  private mutating func finishHandsOn(_ ticket: Int) {
    technicians.release(at: now)
    let t = tickets[ticket]
    let population = layout.populations[t.population]
    let workflow = population.workflow
    if t.replaces {
      outcome.replaced += 1
      if repairSource.uniform() < workflow.noFaultFound {
        outcome.noFaultFound += 1
        receiveSpares(population.spareIndex, quantity: 1, fromOrder: false)  // the removed unit goes back to stock
      } else if workflow.action == .rmaRework {
        outcome.reworks += 1
        outcome.reworked[population.spareIndex] += 1
        push(.reworkReturn(spare: population.spareIndex), after: workflow.rmaTurnaround, priority: .resource)
      } else {
        outcome.sparesUsed[population.spareIndex] += 1
      }
    } else {
      outcome.cleaned += 1
      if t.spareHeld { receiveSpares(population.spareIndex, quantity: 1, fromOrder: false) }
    }
    if workflow.collateral > 0, repairSource.uniform() < workflow.collateral, case let .links(links)? = t.impacts.first,
       let neighbour = neighbourLink(of: links[0]) {
      outcome.collateral += 1
      apply(.links([neighbour]), down: true, planned: false)
      push(.collateralEnd(link: neighbour), after: verification.sample(using: repairSource), priority: .restoration)
    }
    dispatchTechnicians()
    push(.verified(ticket: ticket), after: verification.sample(using: repairSource), priority: .restoration)
  }

  private mutating func restore(_ ticket: Int) {
    let t = tickets[ticket]
    let population = layout.populations[t.population]
    for impact in t.impacts { apply(impact, down: false, planned: false) }
    if !isEmpty(t.drain) { apply(t.drain, down: false, planned: true) }
    outcome.repairsByAction[population.workflow.action, default: 0] += 1
    outcome.repairDowntimeHours += now - t.failedAt
    record("restored", population: t.population, unit: t.unit, detail: t.replaces ? "replaced" : "cleaned")
    var state = units[t.population][t.unit]
    state.openTicket = nil
    if t.replaces { state.absorbed = 0 }
    units[t.population][t.unit] = state
    scheduleNextFailure(population: t.population, unit: t.unit, keepAge: !t.replaces)
  }

  // MARK: Plant state

  private func isEmpty(_ impact: Impact) -> Bool {
    switch impact {
    case .none: true
    case let .links(links): links.isEmpty
    default: false
    }
  }

  /// What unit `u` of population `p` takes out of service when it fails (`part` given) or is
  /// drained for replacement (`part` nil, `planned`).
  private func impactOf(population p: Int, unit u: Int, mode: Int?, planned: Bool) -> Impact {
    let population = layout.populations[p]
    switch layout.kind {
    case .system:
      return planned ? .none : .systemUnit(population: p)
    case let .fabric(f):
      guard let role = population.role else { return .none }
      let tier = population.tier
      switch role {
      case .transceiver, .fibre, .nic:
        return .links([f.link(ofUnit: u, role: role, location: population.location)])
      case .psu, .fan:
        let perSwitch = role == .psu ? f.psusPerSwitch : f.fansPerSwitch
        return planned ? .none : .cooling(tier: tier, index: u / perSwitch, isPSU: role == .psu)
      case .els:
        let perSwitch = (f.radix + f.portsPerELS - 1) / f.portsPerELS
        let ports = f.links(ofSwitch: u / perSwitch, tier: tier)
        let group = u % perSwitch
        return .links(Array(ports.dropFirst(group * f.portsPerELS).prefix(f.portsPerELS)))
      case .switchBoard:
        guard let mode, population.targets[mode] != .wholeSwitch else { return .switchDown(tier: tier, index: u) }
        // An optical engine (or a laser inside one) failed: that engine's ports go dark.
        let engine = population.targets[mode] == .laser ? f.engine(ofLaser: repairSource.uniformInt(below: f.lasersPerSwitch))
                                                        : repairSource.uniformInt(below: f.enginesPerSwitch)
        return .links(Array(f.links(ofEngine: engine, switch: u, tier: tier)))
      }
    }
  }

  /// A neighbouring link in the same group (for collateral damage while handling).
  private func neighbourLink(of link: Int) -> Int? {
    guard let f = fabric else { return nil }
    return link + 1 < f.linkCount ? link + 1 : (link > 0 ? link - 1 : nil)
  }

  /// Takes `impact` out of service (`down`) or returns it. `flap` is the length of the outage
  /// when it is a flap, which jobs that tolerate it ignore.
  private mutating func apply(_ impact: Impact, down: Bool, planned: Bool, flap: Hours? = nil) {
    switch impact {
    case .none:
      return
    case let .systemUnit(p):
      unitDown[p] += down ? 1 : -1
      updateSystem(planned: planned, flap: flap)
    case let .links(links):
      changeLinks(links, down: down, planned: planned, flap: flap)
    case let .switchDown(tier, index):
      changeSwitch(tier: tier, index: index, down: down, planned: planned)
    case let .cooling(tier, index, isPSU):
      guard let f = fabric else { return }
      let key = switchOffset[tier] + index
      let before = Int(isPSU ? switches[key].psusFailed : switches[key].fansFailed)
      let after = before + (down ? 1 : -1)
      if isPSU { switches[key].psusFailed = Int32(max(0, after)) } else { switches[key].fansFailed = Int32(max(0, after)) }
      let spare = isPSU ? f.psusPerSwitch - f.psusRequired : f.fansPerSwitch - f.fansRequired
      if down, before == spare { changeSwitch(tier: tier, index: index, down: true, planned: false) }
      if !down, after == spare { changeSwitch(tier: tier, index: index, down: false, planned: false) }
    }
  }

  private mutating func changeSwitch(tier: Int, index: Int, down: Bool, planned: Bool) {
    guard let f = fabric else { return }
    let key = switchOffset[tier] + index
    let before = switches[key].down
    let after = before + (down ? 1 : -1)
    switches[key].down = max(0, after)
    if before == 0, after > 0 { switches[key].since = now }
    if before > 0, after == 0 { outcome.switchDownHours += now - switches[key].since }
    changeLinks(f.links(ofSwitch: index, tier: tier), down: down, planned: planned)
  }

  private mutating func changeLinks(_ changing: [Int], down: Bool, planned: Bool, flap: Hours? = nil) {
    guard let f = fabric else { return }
    changedLinks.removeAll(keepingCapacity: true)
    for link in changing {
      let before = links[link].down
      let after = max(0, before + (down ? 1 : -1))
      links[link].down = after
      if down, before == 0 {
        links[link].since = now
        changedLinks.append(link)
      } else if !down, before > 0, after == 0 {
        let length = now - links[link].since
        outcome.linkDownHours += length
        if link < f.gpus { outcome.nicLinkDownHours += length }
        changedLinks.append(link)
      }
    }
    guard !changedLinks.isEmpty else { return }
    for j in jobs.indices {
      let job = jobTerms[j]
      if let flap, flap <= job.flapTolerance { continue }
      hitNodes.removeAll(keepingCapacity: true)
      var uplink = false
      for link in changedLinks {
        switch f.dependency(of: link, jobGPUs: job.gpus) {
        case .direct: hitNodes.append(link / f.gpusPerNode)
        case .uplink: uplink = true
        case .none: break
        }
      }
      if down {
        let interrupts = uplink && !planned && jobSource.uniform() < job.uplinkInterruptProbability
        let restart = jobs[j].linksDown(directNodes: hitNodes, uplinkInterrupts: interrupts, planned: planned, at: now)
        if hitNodes.count + (interrupts ? 1 : 0) > 0 { record("job-hit", population: nil, unit: j, detail: planned ? "planned" : "unplanned") }
        if let restart { push(.jobRestarted(job: j, token: restart.token), after: restart.at - now, priority: .job) }
      } else if !hitNodes.isEmpty, let restart = jobs[j].linksUp(directNodes: hitNodes, at: now) {
        push(.jobRestarted(job: j, token: restart.token), after: restart.at - now, priority: .job)
      }
    }
  }

  private mutating func updateSystem(planned: Bool, flap: Hours? = nil) {
    guard case let .system(system, _) = layout.kind else { return }
    let up = Self.isUp(system.structure, units: system.units, down: unitDown)
    guard up != systemUp else { return }
    if up {
      outcome.systemDownHours += now - systemDownSince
      if frozen { frozenHours += now - systemDownSince }
    } else {
      systemDownSince = now
      outcome.systemFailures += 1
    }
    systemUp = up
    for j in jobs.indices {
      if let flap, flap <= jobTerms[j].flapTolerance { continue }
      let restart = up ? jobs[j].linksUp(directNodes: [0], at: now)
                       : jobs[j].linksDown(directNodes: [0], uplinkInterrupts: false, planned: planned, at: now)
      if let restart { push(.jobRestarted(job: j, token: restart.token), after: restart.at - now, priority: .job) }
    }
  }

  /// Whether a structure is up, given how many copies of each unit are down.
  static func isUp(_ topology: Topology, units: [SystemSpec.Unit], down: [Int]) -> Bool {
    func upBlocks(_ blocks: [Topology]) -> Int {
      blocks.reduce(0) { total, block in
        if case let .unit(name) = block, let u = units.firstIndex(where: { $0.name == name }) {
          return total + units[u].count - down[u]
        }
        return total + (isUp(block, units: units, down: down) ? 1 : 0)
      }
    }
    switch topology {
    case let .unit(name):
      guard let u = units.firstIndex(where: { $0.name == name }) else { return true }
      return down[u] == 0
    case let .series(blocks): return blocks.allSatisfy { isUp($0, units: units, down: down) }
    case let .parallel(blocks): return upBlocks(blocks) >= 1
    case let .kOutOfN(k, blocks): return upBlocks(blocks) >= k
    }
  }

  // MARK: Jobs

  private mutating func scheduleBackground(_ job: Int, after t: Hours, _ spec: JobSpec) {
    let nodes: Double
    if let f = fabric { nodes = (Double(spec.gpus) / Double(f.gpusPerNode)).rounded(.up) } else { nodes = 1 }
    let rate = spec.backgroundRatePerNodeHour * nodes
    guard rate > 0 else { return }
    let next = t - log1p(-jobSource.uniform()) / rate
    guard next <= horizon else { return }
    queue.push(.background(job: job), at: next, priority: .job)
  }

  // MARK: Closing

  private mutating func close() {
    // Sum in link and switch order: floating-point sums must not depend on anything else (the
    // report is byte-identical for the same inputs and seed).
    let nicLinks = fabric?.gpus ?? 0
    for link in links.indices where links[link].down > 0 {
      outcome.linkDownHours += horizon - links[link].since
      if link < nicLinks { outcome.nicLinkDownHours += horizon - links[link].since }
    }
    for key in switches.indices where switches[key].down > 0 { outcome.switchDownHours += horizon - switches[key].since }
    if !systemUp { outcome.systemDownHours += horizon - systemDownSince }
    technicians.close(at: horizon)
    outcome.technicianBusyHours = technicians.busyHours
    for j in jobs.indices {
      jobs[j].close(at: horizon)
      outcome.jobs.append(jobs[j].outcome)
    }
  }

  // MARK: Trace

  private func record(_ event: String, population: Int?, unit: Int, detail: @autoclosure () -> String) {
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
