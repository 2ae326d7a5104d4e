/// The order of events that happen at the same instant: a modelling decision, not an accident
/// of the heap (see the Engine article in ReliabilityKit.docc).
///
/// Lower values run first. At one instant: things that come back up (a repair or flap ends)
/// before resources free up, before new failures, before the decisions that react to them, and
/// job bookkeeping last, so a job sees the fabric as it is at the end of the instant's changes.
public enum EventPriority: Int, Sendable, Comparable, CaseIterable {
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

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A min-priority queue of events keyed by (time, priority, sequence).
///
/// `sequence` grows with every insertion, so events with the same time and priority come out in
/// insertion order (as SimPy's event id does): a binary heap alone leaves ties unspecified.
/// - Complexity: O(log n) for `push` and `pop`.
public struct EventQueue<Payload> {
  public struct Entry {
    public let time: Hours
    public let priority: EventPriority
    public let sequence: UInt64
    public let payload: Payload

    @inline(__always)
    func precedes(_ other: Entry) -> Bool {
      if time != other.time { return time < other.time }
      if priority != other.priority { return priority < other.priority }
      return sequence < other.sequence
    }
  }

  private var heap: [Entry] = []
  private var nextSequence: UInt64 = 0

  public init() {}

  public var isEmpty: Bool { heap.isEmpty }
  public var count: Int { heap.count }

  /// The next entry without removing it.
  public var first: Entry? { heap.first }

  /// Schedules `payload` at `time`.
  /// - Precondition: `time` is finite (scheduling at a non-finite time is a programmer error).
  public mutating func push(_ payload: Payload, at time: Hours, priority: EventPriority) {
    precondition(time.isFinite, "cannot schedule an event at a non-finite time (\(time))")
    heap.append(Entry(time: time, priority: priority, sequence: nextSequence, payload: payload))
    nextSequence &+= 1
    var child = heap.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard heap[child].precedes(heap[parent]) else { break }
      heap.swapAt(child, parent)
      child = parent
    }
  }

  /// Removes and returns the earliest entry.
  public mutating func pop() -> Entry? {
    guard !heap.isEmpty else { return nil }
    heap.swapAt(0, heap.count - 1)
    let top = heap.removeLast()
    var parent = 0
    while true {
      let left = 2 * parent + 1, right = left + 1
      var smallest = parent
      if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
      if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
      if smallest == parent { break }
      heap.swapAt(parent, smallest)
      parent = smallest
    }
    return top
  }
}
