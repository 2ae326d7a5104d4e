/// The repair side of one trial: tickets, technicians, spare stocks and the calendar, and the
/// workflow plans they execute.
///
/// A ticket goes detected → decided → spare → technician → [drain] → hands-on → verified →
/// restored (the Engine article). Each call advances tickets and returns what the rest of the
/// trial must do in `effects`, in order: events to schedule, outages to apply or lift, units
/// renewed, trace lines. The desk never touches the plant, the jobs or the event queue itself.
///
/// Once a technician is dispatched nothing can change what the ticket's drain and hands-on do
/// or how long they take (each draws from its own substream), so the desk resolves them there
/// (`resolvesAtDispatch`): the technician's release becomes a known time (`TechnicianPool`), the
/// counts booked when the hands-on ends are booked at dispatch if that instant is within the
/// horizon, and `verified` is scheduled directly. An event at the end of the hands-on remains only
/// when something must happen then (a spare back to a pool with a stock policy, collateral
/// damage), and a wake-up (`technicianFree`) at the earliest release only when tickets wait for
/// a technician. A zero detection delay decides the ticket in the failure's own event. The
/// step-wise desk (`resolvesAtDispatch == false`: an event for each of detected, drained, hands-on
/// done and verified) is kept as the reference the tests compare it with.
struct RepairDesk {
  /// Something the trial does on the desk's behalf, in the order listed.
  enum Effect {
    case schedule(Trial.Event, after: Hours, priority: EventPriority)
    /// Schedules at a time computed ahead (a sum the step-wise desk would form one event at a
    /// time: pushing it as a delay from now could round differently).
    case scheduleAt(Trial.Event, at: Hours, priority: EventPriority)
    /// Take an outage down (a drain, collateral damage) or bring it back up; it comes from a
    /// unit of `population`.
    case outage(Impact, down: Bool, planned: Bool, population: Int)
    /// Unit `unit` of `population` is repaired; `replaced` says whether it was renewed.
    case repaired(population: Int, unit: Int, replaced: Bool)
    /// A line for the trace about a ticket (only when tracing).
    case trace(TraceNote, ticket: Int)
  }

  /// A fix decided before any failure.
  enum Forced { case clean, replace }

  /// What a trace line about a ticket says; the trial writes it out (`Trial.record(_:ticket:)`).
  enum TraceNote {
    case detected, dispatch, drain, stockout, restored, remapped
  }

  struct Ticket {
    /// The ticket's number in the order tickets were opened (its slot in `tickets` may be one a
    /// restored ticket left).
    let serial: Int
    let population: Int
    let unit: Int
    let mode: Int
    let failedAt: Hours
    /// Time since the unit was installed or last renewed, when it failed (for its warranty).
    let age: Hours
    /// An absorbed failure: the unit is still in service; its swap is planned.
    let planned: Bool
    /// What the failure took down. What later failures of the unit took down while the ticket
    /// was open (a planned swap on its way fixes them too) is in `RepairDesk.laterImpacts`, at
    /// `laterSlot` (-1: none), so that a ticket holds no array: copying one is then a plain copy,
    /// without the retain and release an array would cost at every step.
    var impact: Impact
    var laterSlot: Int32 = -1
    var drain: Impact = .none
    var replaces = false
    var cleanedOnly = false
    var spareHeld = false
    /// The unit removed or the spare held goes back to stock when the hands-on ends (no fault
    /// found, or a clean that worked with a spare held).
    var returnsSpare = false
    /// Leave-dark tickets: whether the swap has been asked for (at once or at a window), and
    /// the switch and dark ports its outages hold.
    var dispatched = false
    var windowScheduled = false
    var darkSwitch: Int? = nil
    var darkPorts = 0
    /// A fix decided before any failure (lemon detection, a degradation seen): what to do, and
    /// whether to wait for the next window.
    var forced: Forced? = nil
    /// The key of the ticket's substreams (`Trial.ticketKey`: trial, population, unit, the unit's
    /// ticket count): each step draws from its own (`Step`), whatever else the desk is doing.
    var key: UInt64 = 0
    var atWindow = false
    /// Verified and back in service (a ticket still open at the horizon is not).
    var restored = false
  }

  let layout: PlantLayout
  let calendar: RepairCalendar
  let verification: Distribution
  let detection: Distribution
  /// Whether to emit `.trace` effects (only when a trace was asked for).
  let tracing: Bool
  /// Whether a dispatched ticket is resolved at dispatch (the default) or walked a step an event
  /// (the reference; see the type's comment). Set before the trial starts.
  var resolvesAtDispatch = true
  /// The time of the wake-up scheduled for tickets waiting for a technician (resolved desk), if any.
  private var wakeUpAt: Hours? = nil
  /// The tickets, by number. The slot of a restored ticket that nothing refers to any more takes
  /// a new ticket, so the desk holds the tickets open at once, not every ticket of the trial (28
  /// MB of a 128k-GPU trial, which each worker thread allocated anew).
  private(set) var tickets = Slots<Ticket>()
  private var opened = 0
  /// Later outages of tickets (`Ticket.laterSlot`), in the order they happened; a slot goes back
  /// with its ticket's.
  private var laterImpacts = Slots<[Impact]>()
  private var technicians: TechnicianPool
  private var spares: [SpareStock]
  /// Warranty of each spare pool's FRU, in hours.
  private let warranties: [Hours]
  private var shiftStartScheduled = false
  /// Per switch: ports left dark by leave-dark tickets, and spare ports still free.
  private var darkPorts: [Int] = []
  private var freeSparePorts: [Int] = []
  /// What the trial must do after the last call: the first `effectCount` slots. The slots are
  /// overwritten rather than removed, so clearing them costs nothing.
  private(set) var effects: [Effect] = []
  private(set) var effectCount = 0

  // Counts and time integrals for the outcome.
  private(set) var counts = Counts()
  /// The trial's horizon. Every wait and repair is counted up to it and never beyond: one still
  /// open at the horizon counts the hours from its start to the horizon (docs/hostile-input.md,
  /// "Open at the horizon"), like the downtime behind the availabilities.
  var horizon: Hours = .infinity

  /// The hours of `start ..< end` that fall before the horizon.
  @inline(__always)
  private func untilHorizon(from start: Hours, to end: Hours) -> Hours { max(0, min(end, horizon) - start) }

  struct Counts {
    var repairsByAction = [Int](repeating: 0, count: Workflow.Action.allCases.count)
    var cleaned = 0
    var replaced = 0
    var noFaultFound = 0
    var collateral = 0
    var drains = 0
    var reworks = 0
    var reworked: [Int] = []
    var sparesUsed: [Int] = []
    /// Of `sparesUsed` and `reworked`, units that failed inside their FRU's warranty.
    var warrantyReplacements: [Int] = []
    var warrantyReworks: [Int] = []
    var stockouts = 0
    var dispatches = 0
    var detectionHours: Hours = 0
    var technicianWaitHours: Hours = 0
    var spareWaitHours: Hours = 0
    var deferralHours: Hours = 0
    var handsOnHours: Hours = 0
    var repairDowntimeHours: Hours = 0
    /// Links moved to spare ports by leave-dark tickets.
    var remappedLinks = 0
  }

  init(layout: PlantLayout, repair: RepairSpec, tracing: Bool) {
    self.layout = layout
    calendar = RepairCalendar(shift: repair.shift, window: repair.maintenanceWindow)
    verification = repair.verification
    detection = repair.detection
    self.tracing = tracing
    technicians = TechnicianPool(size: repair.technicians)
    spares = layout.spareFRUs.map { SpareStock(policy: repair.spares[$0]) }
    counts.reworked = [Int](repeating: 0, count: layout.spareFRUs.count)
    counts.sparesUsed = [Int](repeating: 0, count: layout.spareFRUs.count)
    if let f = layout.fabric {
      darkPorts = [Int](repeating: 0, count: f.switchCount)
      freeSparePorts = [Int](repeating: f.sparePorts, count: f.switchCount)
    }
    counts.warrantyReplacements = counts.sparesUsed
    counts.warrantyReworks = counts.sparesUsed
    warranties = layout.spareWarranties
  }

  /// Clears `effects`; the trial calls it once it has carried them out.
  mutating func clearEffects() { effectCount = 0 }

  private mutating func emit(_ effect: Effect) {
    if effectCount < effects.count { effects[effectCount] = effect } else { effects.append(effect) }
    effectCount += 1
  }

  private mutating func schedule(_ event: Trial.Event, after delay: Hours, priority: EventPriority) {
    emit(.schedule(event, after: delay, priority: priority))
  }

  private mutating func schedule(_ event: Trial.Event, at time: Hours, priority: EventPriority) {
    emit(.scheduleAt(event, at: time, priority: priority))
  }

  private mutating func trace(_ note: TraceNote, _ ticket: Int) {
    guard tracing else { return }
    emit(.trace(note, ticket: ticket))
  }

  /// The trace line of a note about a ticket: event, population, unit and detail.
  func traceLine(_ note: TraceNote, ticket: Int) -> (event: String, population: Int, unit: Int, detail: String) {
    let t = tickets[ticket]
    let population = layout.populations[t.population]
    let detail: String, event: String
    switch note {
    case .detected: (event, detail) = ("detected", population.plans[t.mode].decisionName)
    case .dispatch: (event, detail) = ("dispatch", population.plans[t.mode].action.rawValue)
    case .drain: (event, detail) = ("drain", population.fru)
    case .stockout: (event, detail) = ("stockout", population.fru)
    case .restored: (event, detail) = ("restored", t.replaces ? "replaced" : "cleaned")
    case .remapped: (event, detail) = ("remapped", "links moved to spare ports")
    }
    return (event, t.population, t.unit, detail)
  }

  // MARK: Draws

  /// A ticket's draws, one substream each (common random numbers: the same ticket of the same
  /// unit draws the same detection delay, drain, hands-on time and outcomes in two compared
  /// scenarios, whatever order their repairs run in).
  enum Step: UInt64 {
    case detection = 1, drainImpact, drainTime, handsOn, noFaultFound, collateral, verification
  }

  /// `source` restarted at the substream of `step` of the ticket keyed `key`.
  @inline(__always)
  private static func draws(_ key: UInt64, _ step: Step, _ source: RandomSource) -> RandomSource {
    source.restart(key: SeedSequence.splitMix64(key ^ step.rawValue))
    return source
  }

  /// A duration of `step` of the ticket keyed `key`. A fixed duration draws nothing, so its
  /// substream is not started (no other draw uses it: skipping the restart changes no value).
  @inline(__always)
  private static func sample(_ d: Distribution, _ key: UInt64, _ step: Step, _ source: RandomSource) -> Hours {
    if case let .deterministic(fixed) = d { return fixed.value }
    return d.sample(using: draws(key, step, source))
  }

  // MARK: Opening tickets

  /// Opens a ticket for a failure of unit `unit` of `population` at `now` and schedules its
  /// detection; a resolving desk decides a ticket detected after no delay at once, in the
  /// caller's event. Returns the ticket's number.
  /// - Parameter age: time since the unit was installed or last renewed (its warranty runs from then).
  /// - Parameter key: the ticket's substream key (`Trial.ticketKey`).
  mutating func open(population: Int, unit: Int, mode: Int, impact: Impact, planned: Bool, age: Hours, at now: Hours,
                     key: UInt64, using source: RandomSource, forced: Forced? = nil, atWindow: Bool = false) -> Int {
    var ticket = Ticket(serial: opened, population: population, unit: unit, mode: mode, failedAt: now, age: age,
                        planned: planned, impact: impact)
    opened += 1
    ticket.forced = forced
    ticket.atWindow = atWindow
    ticket.key = key
    let slot = tickets.insert(ticket)
    let delay = Self.sample(detection, key, .detection, source)
    counts.detectionHours += untilHorizon(from: now, to: now + delay)
    if delay == 0, resolvesAtDispatch {
      detected(slot, at: now, using: source)
    } else {
      schedule(.detected(ticket: slot), after: delay, priority: .decision)
    }
    return slot
  }

  /// Another failure (of mode `mode`) of a unit whose ticket is open: the repair on its way
  /// fixes it too. On a leave-dark ticket its ports go dark as well (and may cross the swap
  /// threshold); a failure whose own workflow does not leave it dark asks for the swap at once.
  mutating func add(_ impact: Impact, mode: Int, to ticket: Int, at now: Hours, using source: RandomSource) {
    if tickets[ticket].laterSlot < 0 { tickets[ticket].laterSlot = Int32(laterImpacts.insert([])) }
    let slot = Int(tickets[ticket].laterSlot)
    laterImpacts[slot].append(impact)
    let t = tickets[ticket]
    guard case .leaveDark = plan(t).decision, !t.planned else { return }
    if case .leaveDark = layout.populations[t.population].plans[mode].decision {
      leaveDark(ticket, impact: laterImpacts[slot].count, at: now, using: source)
    } else {
      dispatchNow(ticket, at: now, using: source)
    }
  }

  /// Spare pools that start at or below their reorder point order at once.
  mutating func start() {
    for spare in spares.indices { reorder(spare) }
  }

  // MARK: Steps

  @inline(__always)
  private func plan(_ t: Ticket) -> WorkflowPlan { layout.populations[t.population].plans[t.mode] }

  /// What later failures of the ticket's unit took down while it was open.
  private func later(_ t: Ticket) -> [Impact] { t.laterSlot < 0 ? [] : laterImpacts[Int(t.laterSlot)] }

  /// The first outage the ticket covers (for a planned swap, the first failure after it opened).
  @inline(__always)
  private func firstImpact(_ t: Ticket) -> Impact? { t.planned ? later(t).first : t.impact }

  /// The failure is known: dispatch now, defer to the next maintenance window, or leave it dark.
  mutating func detected(_ ticket: Int, at now: Hours, using source: RandomSource) {
    let t = tickets[ticket]
    let plan = plan(t)
    trace(.detected, ticket)
    if t.forced != nil {
      if t.atWindow, let start = calendar.nextWindowStart(atOrAfter: now) {
        counts.deferralHours += untilHorizon(from: now, to: start)
        schedule(.dispatch(ticket: ticket), after: start - now, priority: .decision)
      } else {
        requestSpare(ticket, at: now, using: source)
      }
      return
    }
    switch plan.decision {
    case .now:
      requestSpare(ticket, at: now, using: source)
    case .leaveDark:
      if t.planned { requestSpare(ticket, at: now, using: source); return }
      leaveDark(ticket, impact: 0, at: now, using: source)
    case let .atNextWindow(drainNow):
      let start = calendar.nextWindowStart(atOrAfter: now) ?? now
      // Take the whole FRU out of service until the window (planned, so jobs checkpoint).
      if drainNow, !t.planned { drain(ticket, using: source) }
      counts.deferralHours += untilHorizon(from: now, to: start)
      schedule(.dispatch(ticket: ticket), after: start - now, priority: .decision)
    }
  }

  /// A deferred ticket's window has come.
  mutating func dispatch(_ ticket: Int, at now: Hours, using source: RandomSource) {
    if case .leaveDark = plan(tickets[ticket]).decision, tickets[ticket].forced == nil {
      dispatchNow(ticket, at: now, using: source)
    } else {
      requestSpare(ticket, at: now, using: source)
    }
  }

  // MARK: Leave dark

  /// The outage `index` of a leave-dark ticket (0: its failure, k: its k-th later failure) is
  /// left dark: its links move to spare ports if the switch has enough free, and the swap is
  /// asked for at once above the threshold, otherwise at the next window.
  private mutating func leaveDark(_ ticket: Int, impact index: Int, at now: Hours, using source: RandomSource) {
    guard case let .leaveDark(swapAbove, remapTime) = plan(tickets[ticket]).decision, let fabric = layout.fabric else {
      dispatchNow(ticket, at: now, using: source)
      return
    }
    let impact = index == 0 ? tickets[ticket].impact : laterImpacts[Int(tickets[ticket].laterSlot)][index - 1]
    let s: Int
    switch impact {
    case let .ports(sw, _), let .switchDown(sw): s = sw
    default:
      dispatchNow(ticket, at: now, using: source)
      return
    }
    let ports = fabric.linkCounts(of: impact).links
    tickets[ticket].darkSwitch = s
    tickets[ticket].darkPorts += ports
    darkPorts[s] += ports
    if ports > 0, freeSparePorts[s] >= ports {
      freeSparePorts[s] -= ports
      schedule(.remapped(ticket: ticket, impact: index), after: remapTime, priority: .restoration)
    }
    if let swapAbove, darkPorts[s] > swapAbove {
      dispatchNow(ticket, at: now, using: source)
    } else if !tickets[ticket].dispatched, !tickets[ticket].windowScheduled, let start = calendar.nextWindowStart(atOrAfter: now) {
      tickets[ticket].windowScheduled = true
      counts.deferralHours += untilHorizon(from: now, to: start)
      schedule(.dispatch(ticket: ticket), after: start - now, priority: .decision)
    }
  }

  /// The links of outage `index` of a leave-dark ticket now run on spare ports.
  mutating func remapped(_ ticket: Int, impact index: Int) {
    let impact = index == 0 ? tickets[ticket].impact : laterImpacts[Int(tickets[ticket].laterSlot)][index - 1]
    guard !impact.isEmpty, let fabric = layout.fabric, let s = tickets[ticket].darkSwitch else { return }
    let ports = fabric.linkCounts(of: impact).links
    if index == 0 { tickets[ticket].impact = .none } else { laterImpacts[Int(tickets[ticket].laterSlot)][index - 1] = .none }
    tickets[ticket].darkPorts -= ports
    darkPorts[s] -= ports
    counts.remappedLinks += ports
    trace(.remapped, ticket)
    emit(.outage(impact, down: false, planned: false, population: tickets[ticket].population))
  }

  /// Asks for the swap of a leave-dark ticket's FRU now (once).
  private mutating func dispatchNow(_ ticket: Int, at now: Hours, using source: RandomSource) {
    guard !tickets[ticket].dispatched else { return }
    tickets[ticket].dispatched = true
    requestSpare(ticket, at: now, using: source)
  }

  /// Applies the planned drain of the ticket's FRU (its whole blast radius), once.
  private mutating func drain(_ ticket: Int, using source: RandomSource) {
    guard case .none = tickets[ticket].drain else { return }
    let t = tickets[ticket]
    let population = layout.populations[t.population]
    let impact = layout.impact(of: population.drainRule, unit: t.unit,
                               using: population.drainRule.draws ? Self.draws(t.key, .drainImpact, source) : source)
    guard !impact.isEmpty else { return }
    tickets[ticket].drain = impact
    counts.drains += 1
    trace(.drain, ticket)
    emit(.outage(impact, down: true, planned: true, population: t.population))
  }

  private mutating func requestSpare(_ ticket: Int, at now: Hours, using source: RandomSource) {
    let t = tickets[ticket]
    let spare = layout.populations[t.population].spareIndex
    if spares[spare].take(for: ticket, at: now) {
      tickets[ticket].spareHeld = true
      reorder(spare)
      requestTechnician(ticket, at: now, using: source)
    } else {
      counts.stockouts += 1
      trace(.stockout, ticket)
      reorder(spare)
    }
  }

  private mutating func reorder(_ spare: Int) {
    if let quantity = spares[spare].reorderIfNeeded(), let policy = spares[spare].policy {
      schedule(.spareArrival(spare: spare, quantity: quantity), after: policy.leadTime, priority: .resource)
    }
  }

  /// Spares arrived (an order, a reworked board, an unused spare returned): waiting tickets first.
  mutating func receiveSpares(_ spare: Int, quantity: Int, fromOrder: Bool, at now: Hours, using source: RandomSource) {
    for served in spares[spare].add(quantity, fromOrder: fromOrder, at: now) {
      counts.spareWaitHours += served.waited
      tickets[served.ticket].spareHeld = true
      requestTechnician(served.ticket, at: now, using: source)
    }
    reorder(spare)
  }

  private mutating func requestTechnician(_ ticket: Int, at now: Hours, using source: RandomSource) {
    technicians.enqueue(ticket, at: now)
    dispatchTechnicians(at: now, using: source)
  }

  /// A shift started: technicians take waiting tickets.
  mutating func shiftStarted(at now: Hours, using source: RandomSource) {
    shiftStartScheduled = false
    dispatchTechnicians(at: now, using: source)
  }

  private mutating func dispatchTechnicians(at now: Hours, using source: RandomSource) {
    guard calendar.onShift(now) else {
      if technicians.waiting > 0, !shiftStartScheduled {
        shiftStartScheduled = true
        schedule(.shiftStart, after: calendar.nextShiftStart(atOrAfter: now) - now, priority: .resource)
      }
      return
    }
    while let next = technicians.dispatchNext(at: now) {
      counts.technicianWaitHours += next.waited
      counts.dispatches += 1
      let ticket = next.ticket
      let t = tickets[ticket]
      let plan = plan(t)
      trace(.dispatch, ticket)
      if resolvesAtDispatch {
        resolve(ticket, at: now, using: source)
      } else if plan.drainsFirst || t.planned {
        drain(ticket, using: source)
        let drainTime = Self.sample(plan.drainTime, t.key, .drainTime, source)
        // The hands-on hours are booked here, as the resolving desk books them (so both add the
        // same terms in the same order), when the work starts within the horizon.
        if now + drainTime <= horizon { counts.handsOnHours += drawHandsOn(ticket, using: source) }
        schedule(.drained(ticket: ticket), after: drainTime, priority: .resource)
      } else {
        let duration = drawHandsOn(ticket, using: source)
        counts.handsOnHours += duration
        schedule(.handsOnDone(ticket: ticket), after: duration, priority: .resource)
      }
    }
    // Tickets still waiting: wake up at the earliest known release (one wake-up at a time; an
    // earlier release than the one scheduled brings its own).
    if resolvesAtDispatch, technicians.waiting > 0, let release = technicians.nextRelease, release < wakeUpAt ?? .infinity {
      wakeUpAt = release
      schedule(.technicianFree, at: release, priority: .resource)
    }
  }

  /// A technician's known release has come while tickets wait (resolved desk): dispatch them.
  mutating func technicianFree(at now: Hours, using source: RandomSource) {
    if let w = wakeUpAt, w <= now { wakeUpAt = nil }
    dispatchTechnicians(at: now, using: source)
  }

  /// The drain finished: hands-on work starts (step-wise desk; its hours were booked at dispatch).
  mutating func drained(_ ticket: Int, using source: RandomSource) {
    let duration = drawHandsOn(ticket, using: source)
    schedule(.handsOnDone(ticket: ticket), after: duration, priority: .resource)
  }

  /// Draws the ticket's hands-on, marks whether it replaces or cleans the unit, and returns its
  /// duration. Hands-on time, whether a clean works and the replacement's time after a failed
  /// one: one substream, in that order (drawing it again gives the same values).
  private mutating func drawHandsOn(_ ticket: Int, using source: RandomSource) -> Hours {
    let t = tickets[ticket]
    let plan = plan(t)
    let fix = layout.populations[t.population].fixes[t.mode]
    let source = Self.draws(t.key, .handsOn, source)
    var duration = plan.handsOn.sample(using: source)
    let cleanable = fix == .clean || fix == .reseat
    if let forced = t.forced {
      if forced == .clean { tickets[ticket].cleanedOnly = true } else { tickets[ticket].replaces = true }
    } else if plan.cleanFirst && cleanable && source.uniform() < plan.cleanSuccess {
      tickets[ticket].cleanedOnly = true
    } else {
      if plan.cleanFirst { duration += plan.handsOn.sample(using: source) }  // the clean failed
      tickets[ticket].replaces = true
    }
    return duration
  }

  /// Books what the end of the hands-on counts (replaced, no fault found, reworked, spares used,
  /// warranty, cleaned) when `counting`, and marks whether a spare goes back to stock. Returns
  /// the rework turnaround when the removed board goes to rework.
  private mutating func bookHandsOn(_ ticket: Int, counting: Bool, using source: RandomSource) -> Hours? {
    let t = tickets[ticket]
    let plan = plan(t)
    let spare = layout.populations[t.population].spareIndex
    var turnaround: Hours? = nil
    let c = counting ? 1 : 0
    if t.replaces {
      counts.replaced += c
      if plan.noFaultFound > 0, Self.draws(t.key, .noFaultFound, source).uniform() < plan.noFaultFound {
        counts.noFaultFound += c
        tickets[ticket].returnsSpare = true  // the removed unit goes back to stock
      } else if case let .rework(time) = plan.disposition {
        counts.reworks += c
        counts.reworked[spare] += c
        if t.age < warranties[spare] { counts.warrantyReworks[spare] += c }
        turnaround = time
      } else {
        counts.sparesUsed[spare] += c
        if t.age < warranties[spare] { counts.warrantyReplacements[spare] += c }
      }
    } else {
      counts.cleaned += c
      tickets[ticket].returnsSpare = t.spareHeld
    }
    return turnaround
  }

  /// Whether the work disturbs a neighbour (drawn from the ticket's own substream).
  @inline(__always)
  private func disturbsNeighbour(_ t: Ticket, _ plan: WorkflowPlan, using source: RandomSource) -> Bool {
    plan.collateral > 0 && Self.draws(t.key, .collateral, source).uniform() < plan.collateral
  }

  /// Resolves a ticket at its technician's dispatch (`resolvesAtDispatch`): its drain starts,
  /// its hands-on is drawn, the technician's release is the hands-on's end, the counts of that
  /// instant are booked if it falls within the horizon (events after it never run), and
  /// `verified` is scheduled at once, or an event at the hands-on's end when something must
  /// happen then (a spare back to a pool with a stock policy, a neighbour disturbed).
  private mutating func resolve(_ ticket: Int, at now: Hours, using source: RandomSource) {
    let t = tickets[ticket]
    let plan = plan(t)
    var start = now
    if plan.drainsFirst || t.planned {
      drain(ticket, using: source)
      start = now + Self.sample(plan.drainTime, t.key, .drainTime, source)
    }
    let duration = drawHandsOn(ticket, using: source)
    if start <= horizon { counts.handsOnHours += duration }
    // The sums the step-wise desk forms one event at a time, in the same order.
    let done = start + duration
    technicians.hold(until: done)
    let within = done <= horizon
    let spare = layout.populations[t.population].spareIndex
    let stocked = spares[spare].policy != nil
    if let turnaround = bookHandsOn(ticket, counting: within, using: source), within, stocked {
      // An unlimited pool's return changes nothing: it is dropped.
      schedule(.reworkReturn(spare: spare), at: done + turnaround, priority: .resource)
    }
    if (tickets[ticket].returnsSpare && stocked) || (layout.fabric != nil && disturbsNeighbour(t, plan, using: source)) {
      schedule(.handsOnDone(ticket: ticket), at: done, priority: .resource)
    } else {
      schedule(.verified(ticket: ticket), at: done + Self.sample(verification, t.key, .verification, source), priority: .restoration)
    }
  }

  /// The technician finished: the unit is replaced (or cleaned), then verified. On a resolving
  /// desk the counts were booked at dispatch and the technician is released by the pool; this
  /// event only returns the spare to a stocked pool and disturbs the neighbour.
  mutating func handsOnDone(_ ticket: Int, at now: Hours, using source: RandomSource) {
    if !resolvesAtDispatch {
      technicians.release(at: now)
      if let turnaround = bookHandsOn(ticket, counting: true, using: source) {
        schedule(.reworkReturn(spare: layout.populations[tickets[ticket].population].spareIndex), after: turnaround,
                 priority: .resource)
      }
    }
    let t = tickets[ticket]
    let plan = plan(t)
    if t.returnsSpare {
      receiveSpares(layout.populations[t.population].spareIndex, quantity: 1, fromOrder: false, at: now, using: source)
    }
    // Whether the work disturbs a neighbour, and then its verification: one substream.
    if disturbsNeighbour(t, plan, using: source), let fabric = layout.fabric,
       let first = firstImpact(t)?.firstLink(in: fabric), let neighbour = fabric.neighbour(of: first) {
      counts.collateral += 1
      emit(.outage(.link(neighbour), down: true, planned: false, population: t.population))
      schedule(.collateralEnd(link: neighbour, population: t.population), after: verification.sample(using: source), priority: .restoration)
    }
    dispatchTechnicians(at: now, using: source)
    schedule(.verified(ticket: ticket), after: Self.sample(verification, t.key, .verification, source), priority: .restoration)
  }

  /// Verification passed: the unit's outages end and it goes back into service.
  mutating func verified(_ ticket: Int, at now: Hours) {
    let t = tickets[ticket]
    emit(.outage(t.impact, down: false, planned: false, population: t.population))
    for impact in later(t) { emit(.outage(impact, down: false, planned: false, population: t.population)) }
    if !t.drain.isEmpty { emit(.outage(t.drain, down: false, planned: true, population: t.population)) }
    if let s = t.darkSwitch, let fabric = layout.fabric {
      // A new board: its ports are all lit and its spare ports free again.
      darkPorts[s] -= t.darkPorts
      freeSparePorts[s] = fabric.sparePorts
    }
    counts.repairsByAction[Workflow.Action.allCases.firstIndex(of: plan(t).action)!] += 1
    counts.repairDowntimeHours += now - t.failedAt
    tickets[ticket].restored = true
    trace(.restored, ticket)
    emit(.repaired(population: t.population, unit: t.unit, replaced: t.replaces))
    // Its slot is free for the next ticket once nothing can refer to it: a leave-dark ticket may
    // still have a remap or a window's dispatch on the calendar, so its slot is never reused. (The
    // effects above are carried out before any new ticket is opened.)
    if !plan(t).decision.keepsServing {
      if t.laterSlot >= 0 {
        laterImpacts[Int(t.laterSlot)] = []
        laterImpacts.release(Int(t.laterSlot))
      }
      tickets.release(ticket)
    }
  }

  /// Closes the technicians' books at the horizon and returns their busy hours.
  mutating func close(at horizon: Hours) -> Hours {
    technicians.close(at: horizon)
    for i in spares.indices { spares[i].close(at: horizon) }
    // Waits and repairs still open: counted up to the horizon, in ticket order (sums in a fixed
    // order keep the report byte-identical).
    for entry in technicians.waitingEntries { counts.technicianWaitHours += max(0, horizon - entry.since) }
    for i in spares.indices { for entry in spares[i].waiting { counts.spareWaitHours += max(0, horizon - entry.since) } }
    for t in tickets.storage.filter({ !$0.restored }).sorted(by: { $0.serial < $1.serial }) {
      counts.repairDowntimeHours += max(0, horizon - t.failedAt)
    }
    return technicians.busyHours
  }

  /// Unit-hours of stock on hand of each spare pool (call after `close(at:)`).
  var spareStockHours: [Hours] { spares.map(\.stockHours) }
}
