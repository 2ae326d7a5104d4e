import Testing
@testable import ReliabilityKit

@Suite("Event queue")
struct EventQueueTests {
  @Test("events come out by time, then priority, then insertion order")
  func ordering() {
    var queue = EventQueue<String>()
    queue.push("failure A", at: 5, priority: .failure)
    queue.push("job", at: 5, priority: .job)
    queue.push("restoration", at: 5, priority: .restoration)
    queue.push("failure B", at: 5, priority: .failure)
    queue.push("early", at: 1, priority: .job)
    queue.push("decision", at: 5, priority: .decision)
    queue.push("resource", at: 5, priority: .resource)
    queue.push("failure C", at: 5, priority: .failure)
    var order: [String] = []
    while let entry = queue.pop() { order.append(entry.payload) }
    #expect(order == ["early", "restoration", "resource", "failure A", "failure B", "failure C", "decision", "job"])
  }

  @Test("a large random workload pops in non-decreasing key order, ties in insertion order")
  func heapProperty() {
    let source = RandomSource(seed: 3)
    var queue = EventQueue<Int>()
    for i in 0..<20_000 {
      queue.push(i, at: Double(source.uniformInt(below: 50)), priority: EventPriority.allCases[source.uniformInt(below: 5)])
    }
    var last: (Double, Int, Int)?
    while let entry = queue.pop() {
      let key = (entry.time, entry.priority.rawValue, entry.payload)
      if let last { #expect(last < key) }
      last = key
    }
  }

  @Test("a loaded batch interleaves with later pushes in the order pushing each would give")
  func batchLoad() {
    let source = RandomSource(seed: 4)
    var loaded = EventQueue<Int>()
    var pushed = EventQueue<Int>()
    let batch = (0..<5_000).map { (payload: $0, time: Double(source.uniformInt(below: 100))) }
    loaded.load(batch, priority: .failure)
    for item in batch { pushed.push(item.payload, at: item.time, priority: .failure) }
    var order: [[Int]] = [[], []]
    for step in 0..<12_000 {
      // Pop one, and every third step push an event that lands among the batch.
      for (q, queue) in [loaded, pushed].enumerated() {
        var queue = queue
        if let entry = queue.pop() { order[q].append(entry.payload) }
        if step % 3 == 0 {
          queue.push(10_000 + step, at: Double(step / 100) + 0.5, priority: EventPriority.allCases[step % 5])
        }
        if q == 0 { loaded = queue } else { pushed = queue }
      }
    }
    #expect(order[0] == order[1])
    #expect(order[0].count == 5_000 + 4_000)
    #expect(loaded.isEmpty && pushed.isEmpty)
  }
}
