/// Shift hours and maintenance windows on the simulation clock. Time 0 is Monday 00:00.
struct RepairCalendar: Sendable {
  let shift: RepairSpec.Shift
  let window: RepairSpec.MaintenanceWindow?

  /// 8x5 shifts run 08:00–16:00, Monday to Friday.
  static let shiftStart: Hours = 8, shiftEnd: Hours = 16

  /// Whether technicians are on shift at `t`. Work already started continues past the end of
  /// a shift; only starting new work needs the shift.
  func onShift(_ t: Hours) -> Bool {
    switch shift {
    case .twentyFourSeven: return true
    case .eightFive:
      let week = t.truncatingRemainder(dividingBy: 168)
      let day = Int(week / 24), hour = week.truncatingRemainder(dividingBy: 24)
      return day < 5 && hour >= Self.shiftStart && hour < Self.shiftEnd
    }
  }

  /// The first time at or after `t` when technicians are on shift.
  func nextShiftStart(atOrAfter t: Hours) -> Hours {
    if onShift(t) { return t }
    var dayStart = (t / 24).rounded(.down) * 24
    for _ in 0..<8 {
      let start = dayStart + Self.shiftStart
      if start >= t, onShift(start) { return start }
      dayStart += 24
    }
    preconditionFailure("no shift start within a week of \(t)")
  }

  /// The start of the first maintenance window at or after `t`, or nil without windows.
  func nextWindowStart(atOrAfter t: Hours) -> Hours? {
    guard let window else { return nil }
    if t <= window.offset { return window.offset }
    let k = ((t - window.offset) / window.every).rounded(.up)
    return window.offset + k * window.every
  }
}

/// Technicians as a capacity resource with a first-come, first-served queue.
///
/// A technician is released either by an event (`release(at:)`, the step-wise desk) or at a
/// time known when the work was dispatched (`hold(until:)`, the desk that resolves hands-on at
/// dispatch): those release times wait in a min-heap and are applied lazily, in time order,
/// before the pool is next read (`releaseDue(at:)`). Each applied release integrates the busy
/// hours up to its own time, so the busy-hour integral adds the same terms in the same order as
/// releases made by events.
struct TechnicianPool {
  let size: Int
  private(set) var busy = 0
  /// Tickets waiting for a technician, in arrival order, with the time they started waiting.
  private(set) var queue: [(ticket: Int, since: Hours)] = []
  private var queueHead = 0
  /// Busy technician-hours accumulated so far.
  private(set) var busyHours: Hours = 0
  private var lastChange: Hours = 0
  /// Known release times of busy technicians (`hold(until:)`), a binary min-heap.
  private var busyUntil: [Hours] = []

  init(size: Int) { self.size = size }

  /// The earliest known release of a busy technician not yet applied.
  var nextRelease: Hours? { busyUntil.first }

  /// The technician just dispatched (`dispatchNext(at:)`) is released at `time`.
  mutating func hold(until time: Hours) {
    busyUntil.append(time)
    var child = busyUntil.count - 1
    while child > 0 {
      let parent = (child - 1) >> 1
      guard time < busyUntil[parent] else { break }
      busyUntil[child] = busyUntil[parent]
      child = parent
    }
    busyUntil[child] = time
  }

  /// Applies the known releases at or before `now`, each at its own time, earliest first.
  @inline(__always)
  mutating func releaseDue(at now: Hours) {
    while let first = busyUntil.first, first <= now {
      let last = busyUntil.removeLast()
      if !busyUntil.isEmpty {
        var parent = 0
        let n = busyUntil.count
        while true {
          var child = 2 * parent + 1
          if child >= n { break }
          if child + 1 < n, busyUntil[child + 1] < busyUntil[child] { child += 1 }
          guard busyUntil[child] < last else { break }
          busyUntil[parent] = busyUntil[child]
          parent = child
        }
        busyUntil[parent] = last
      }
      release(at: first)
    }
  }

  var waiting: Int { queue.count - queueHead }
  /// The tickets still waiting, in arrival order.
  var waitingEntries: ArraySlice<(ticket: Int, since: Hours)> { queue[queueHead...] }

  private mutating func account(_ now: Hours) {
    busyHours += Double(busy) * (now - lastChange)
    lastChange = now
  }

  mutating func enqueue(_ ticket: Int, at now: Hours) { queue.append((ticket, now)) }

  /// Takes the next waiting ticket if a technician is free.
  mutating func dispatchNext(at now: Hours) -> (ticket: Int, waited: Hours)? {
    releaseDue(at: now)
    guard busy < size, queueHead < queue.count else { return nil }
    let next = queue[queueHead]
    queueHead += 1
    if queueHead > 1024, queueHead * 2 > queue.count { queue.removeFirst(queueHead); queueHead = 0 }
    account(now)
    busy += 1
    return (next.ticket, now - next.since)
  }

  mutating func release(at now: Hours) {
    precondition(busy > 0, "released a technician that was not busy")
    account(now)
    busy -= 1
  }

  mutating func close(at horizon: Hours) {
    releaseDue(at: horizon)
    account(horizon)
  }
}

/// One FRU's spare stock with a reorder-point policy.
struct SpareStock {
  let policy: RepairSpec.SparePool?
  private(set) var onHand: Int
  private(set) var onOrder = 0
  /// Tickets waiting for a spare, in arrival order.
  private(set) var waiting: [(ticket: Int, since: Hours)] = []
  /// Unit-hours of stock on hand so far (pools with a policy; an unlimited pool holds nothing
  /// that costs capital). Divided by the horizon it is the average stock held.
  private(set) var stockHours: Hours = 0
  private var lastChange: Hours = 0

  init(policy: RepairSpec.SparePool?) {
    self.policy = policy
    onHand = policy?.initial ?? Int.max / 2
  }

  private mutating func account(_ now: Hours) {
    if policy != nil { stockHours += Double(onHand) * (now - lastChange) }
    lastChange = now
  }

  /// Closes the stock integral at the horizon.
  mutating func close(at horizon: Hours) { account(horizon) }

  /// Takes a spare for `ticket` now, or queues the ticket. Returns whether a spare was taken.
  mutating func take(for ticket: Int, at now: Hours) -> Bool {
    if waiting.isEmpty, onHand > 0 {
      account(now)
      onHand -= 1
      return true
    }
    waiting.append((ticket, now))
    return false
  }

  /// Quantity to order now, if the stock position fell to the reorder point.
  mutating func reorderIfNeeded() -> Int? {
    guard let policy, onHand + onOrder - waiting.count <= policy.reorderPoint else { return nil }
    onOrder += policy.reorderQuantity
    return policy.reorderQuantity
  }

  /// Adds `quantity` units (an order arrived, a reworked board came back, an unused spare
  /// returned) and hands them to waiting tickets first, returning those served.
  mutating func add(_ quantity: Int, fromOrder: Bool, at now: Hours) -> [(ticket: Int, waited: Hours)] {
    if fromOrder { onOrder -= quantity }
    account(now)
    onHand += quantity
    var served: [(Int, Hours)] = []
    while onHand > 0, !waiting.isEmpty {
      let next = waiting.removeFirst()
      onHand -= 1
      served.append((next.ticket, now - next.since))
    }
    return served
  }
}
