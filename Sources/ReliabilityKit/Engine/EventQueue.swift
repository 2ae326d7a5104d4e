/// The order of events that happen at the same instant: a modelling decision, not an accident
/// of the heap (see the Engine article in ReliabilityKit.docc).
///
/// Lower values run first. At one instant: things that come back up (a repair or flap ends)
/// before resources free up, before new failures, before the decisions that react to them, and
/// job bookkeeping last, so a job sees the fabric as it is at the end of the instant's changes.
enum EventPriority: Int, Sendable, Comparable, CaseIterable {
  /// A repair completes or a flap clears: the element is up again.
  case restoration = 0
  /// A spare arrives, a technician finishes, a shift or maintenance window starts.
  case resource = 1
  /// A unit fails.
  case failure = 2
  /// A failure is detected, a repair is decided, a technician is dispatched.
  case decision = 3
  /// A job finishes restarting, or a background interruption arrives.
  case job = 4

  static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A min-priority queue of events keyed by (time, priority, sequence).
///
/// `sequence` grows with every insertion, so events with the same time and priority come out in
/// insertion order (as SimPy's event id does): a binary heap alone leaves ties unspecified.
///
/// The heap holds plain keys (time, priority and sequence packed in one integer, and the slot of
/// the payload); payloads wait in a slot array and are not moved while the heap is reordered, so
/// reordering never copies a payload that holds references. The heap is 4-ary: half the levels
/// of a binary heap, and a key's four children share a cache line or two, so a pop sifts
/// through fewer cache misses (the order is the keys' total order, whatever the heap's shape).
/// - Complexity: O(log n) for `push` and `pop`.
struct EventQueue<Payload> {
  struct Entry {
    let time: Hours
    let priority: EventPriority
    let sequence: UInt64
    let payload: Payload
  }

  private struct Key {
    let time: Hours
    /// Priority in the top 8 bits, sequence below: one comparison orders both.
    let order: UInt64
    let slot: Int

    @inline(__always)
    func precedes(_ other: Key) -> Bool {
      time < other.time || (time == other.time && order < other.order)
    }
  }

  private var heap: [Key] = []
  /// Entries loaded in one batch (`load`), sorted, consumed from `sortedNext` on: a trial's
  /// first failures, known at the start, are read in order instead of through the heap.
  private var sorted: [Key] = []
  private var sortedNext = 0
  private var payloads = Slots<Payload?>()
  private var nextSequence: UInt64 = 0

  init() {}

  var isEmpty: Bool { heap.isEmpty && sortedNext == sorted.count }
  var count: Int { heap.count + sorted.count - sortedNext }

  /// The key that comes out next, and whether it is in the sorted batch.
  @inline(__always)
  private var head: (key: Key, fromBatch: Bool)? {
    let batch = sortedNext < sorted.count ? sorted[sortedNext] : nil
    switch (batch, heap.first) {
    case (nil, nil): return nil
    case let (b?, nil): return (b, true)
    case let (nil, h?): return (h, false)
    case let (b?, h?): return b.precedes(h) ? (b, true) : (h, false)
    }
  }

  /// The time and priority of the next entry, without removing it.
  @inline(__always)
  var next: (time: Hours, priority: EventPriority)? {
    guard let key = head?.key else { return nil }
    return (key.time, EventPriority(rawValue: Int(key.order >> 56))!)
  }

  /// The next entry without removing it.
  var first: Entry? {
    guard let key = head?.key else { return nil }
    return entry(key, payload: payloads[key.slot]!)
  }

  /// Schedules a batch of payloads at once, in the order given (their sequence numbers follow
  /// it), and sorts them: cheaper than pushing each when the batch is large. Later pushes and
  /// pops interleave with the batch in (time, priority, sequence) order as usual.
  /// - Precondition: the queue is empty; every time is finite.
  mutating func load(_ batch: [(payload: Payload, time: Hours)], priority: EventPriority) {
    precondition(isEmpty, "load(_:priority:) needs an empty queue")
    sorted.removeAll(keepingCapacity: true)
    sortedNext = 0
    for (payload, time) in batch {
      precondition(time.isFinite, "cannot schedule an event at a non-finite time (\(time))")
      sorted.append(Key(time: time, order: UInt64(priority.rawValue) << 56 | nextSequence, slot: payloads.insert(payload)))
      nextSequence &+= 1
    }
    sorted.sort { $0.precedes($1) }
  }

  private func entry(_ key: Key, payload: Payload) -> Entry {
    Entry(time: key.time, priority: EventPriority(rawValue: Int(key.order >> 56))!,
          sequence: key.order & (1 << 56 - 1), payload: payload)
  }

  /// Schedules `payload` at `time`.
  /// - Precondition: `time` is finite (scheduling at a non-finite time is a programmer error).
  mutating func push(_ payload: Payload, at time: Hours, priority: EventPriority) {
    precondition(time.isFinite, "cannot schedule an event at a non-finite time (\(time))")
    let slot = payloads.insert(payload)
    let key = Key(time: time, order: UInt64(priority.rawValue) << 56 | nextSequence, slot: slot)
    nextSequence &+= 1
    heap.append(key)
    var child = heap.count - 1
    while child > 0 {
      let parent = (child - 1) >> 2
      guard key.precedes(heap[parent]) else { break }
      heap[child] = heap[parent]
      child = parent
    }
    heap[child] = key
  }

  /// Removes and returns the earliest entry.
  mutating func pop() -> Entry? {
    guard let (top, fromBatch) = head else { return nil }
    if fromBatch {
      sortedNext += 1
      let payload = payloads[top.slot].take()!
      payloads.release(top.slot)
      return entry(top, payload: payload)
    }
    let last = heap.removeLast()
    if !heap.isEmpty {
      // Sift the last key down from the root, moving keys up rather than swapping.
      let n = heap.count
      heap.withUnsafeMutableBufferPointer { h in
        var parent = 0
        while true {
          let first = 4 * parent + 1
          if first >= n { break }
          // The earliest of the (up to) four children.
          var child = first
          let end = min(first + 4, n)
          var c = first + 1
          while c < end {
            if h[c].precedes(h[child]) { child = c }
            c += 1
          }
          guard h[child].precedes(last) else { break }
          h[parent] = h[child]
          parent = child
        }
        h[parent] = last
      }
    }
    let payload = payloads[top.slot].take()!
    payloads.release(top.slot)
    return entry(top, payload: payload)
  }
}
