import Foundation

/// Statistics that blocks of trials produce and that merge exactly, in any order.
package protocol BlockStatistics: Sendable {
  /// Adds the trials of `other` (of other blocks) to these.
  mutating func merge(_ other: Self)
}

/// A run's trials cut into blocks of `TrialBlocks.size` consecutive indices: the unit of work
/// handed to a thread, a shard or a checkpoint. Results never depend on how blocks are spread.
package struct TrialBlocks: Sendable, Equatable {
  /// Trials per block. Results do not depend on it.
  package static let size = 8

  package let trials: Int

  package init(trials: Int) { self.trials = trials }

  /// The number of blocks.
  package var count: Int { (trials + Self.size - 1) / Self.size }

  /// The trials of block `b`.
  package func trials(ofBlock b: Int) -> Range<Int> { (b * Self.size)..<min((b + 1) * Self.size, trials) }

  /// The trials of the blocks in `blocks`.
  package func trialCount(of blocks: Range<Int>) -> Int {
    blocks.isEmpty ? 0 : trials(ofBlock: blocks.upperBound - 1).upperBound - blocks.lowerBound * Self.size
  }

  /// The blocks shard `index` of `shards` owns: a contiguous share of all blocks.
  package func blocks(ofShard index: Int, of shards: Int) -> Range<Int> {
    (index * count / shards)..<((index + 1) * count / shards)
  }
}

/// A set of block indices kept as sorted, disjoint ranges: a run of a billion trials that
/// completes blocks in order holds a few ranges, not a hundred million numbers.
package struct BlockSet: Sendable, Equatable, Codable {
  /// Sorted, disjoint, non-adjacent ranges.
  package private(set) var ranges: [Range<Int>] = []

  package init() {}

  package init<S: Sequence>(_ blocks: S) where S.Element == Int {
    for b in blocks { insert(b) }
  }

  package func contains(_ b: Int) -> Bool {
    var low = 0, high = ranges.count
    while low < high {
      let mid = (low + high) / 2
      if ranges[mid].upperBound <= b { low = mid + 1 } else { high = mid }
    }
    return low < ranges.count && ranges[low].contains(b)
  }

  /// The number of blocks in the set.
  package var count: Int { ranges.reduce(0) { $0 + $1.count } }

  package mutating func insert(_ b: Int) {
    var low = 0, high = ranges.count
    while low < high {
      let mid = (low + high) / 2
      if ranges[mid].upperBound < b { low = mid + 1 } else { high = mid }
    }
    // ranges[low] is the first range ending at or after b.
    if low < ranges.count, ranges[low].contains(b) { return }
    let joinsLeft = low < ranges.count && ranges[low].upperBound == b
    let joinsRight = low < ranges.count && ranges[low].lowerBound == b + 1
    if joinsLeft {
      let nextJoins = low + 1 < ranges.count && ranges[low + 1].lowerBound == b + 1
      if nextJoins {
        ranges[low] = ranges[low].lowerBound..<ranges[low + 1].upperBound
        ranges.remove(at: low + 1)
      } else {
        ranges[low] = ranges[low].lowerBound..<(b + 1)
      }
    } else if joinsRight {
      ranges[low] = b..<ranges[low].upperBound
    } else {
      ranges.insert(b..<(b + 1), at: low)
    }
  }

  package mutating func formUnion(_ other: BlockSet) {
    for range in other.ranges { insert(range) }
  }

  /// Inserts the blocks of `range` (in time proportional to the number of ranges, not blocks).
  package mutating func insert(_ range: Range<Int>) {
    guard !range.isEmpty else { return }
    var lower = range.lowerBound, upper = range.upperBound
    var kept: [Range<Int>] = []
    kept.reserveCapacity(ranges.count + 1)
    var placed = false
    for r in ranges {
      if r.upperBound < lower {
        kept.append(r)
      } else if r.lowerBound > upper {
        if !placed { kept.append(lower..<upper); placed = true }
        kept.append(r)
      } else {
        lower = min(lower, r.lowerBound)
        upper = max(upper, r.upperBound)
      }
    }
    if !placed { kept.append(lower..<upper) }
    ranges = kept
  }

  /// The largest block index plus one (0 when empty).
  package var end: Int { ranges.last?.upperBound ?? 0 }

  /// The blocks of `range` that are not in the set, as ranges.
  package func missing(from range: Range<Int>) -> [Range<Int>] {
    var result: [Range<Int>] = []
    var start = range.lowerBound
    for r in ranges where r.upperBound > start && r.lowerBound < range.upperBound {
      if r.lowerBound > start { result.append(start..<r.lowerBound) }
      start = max(start, r.upperBound)
    }
    if start < range.upperBound { result.append(start..<range.upperBound) }
    return result
  }

  /// Encoded as a list of `[first, end)` pairs.
  package init(from decoder: Decoder) throws {
    let pairs = try [[Int]](from: decoder)
    for pair in pairs {
      guard pair.count == 2, pair[0] >= 0, pair[0] < pair[1] else {
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a block range must be [first, end) with 0 <= first < end (got \(pair))"))
      }
      insert(pair[0]..<pair[1])
    }
  }

  package func encode(to encoder: Encoder) throws {
    try ranges.map { [$0.lowerBound, $0.upperBound] }.encode(to: encoder)
  }
}

/// Runs blocks of trials on worker threads and keeps what they produce: the merged statistics,
/// the set of completed blocks and, optionally, per-trial output lines delivered in trial order.
///
/// The one runner behind `run`, `compare`, `sweep`, shards and resumed runs. Statistics merge
/// exactly, so the result is byte-identical whatever the thread count and block order.
/// - Complexity: memory is one accumulator per worker, the completed-block ranges and the lines
///   of blocks finished ahead of an earlier unfinished one, whatever the number of trials.
package final class BlockRun<Statistics: BlockStatistics>: @unchecked Sendable {
  /// Produces one block's statistics and output lines.
  package typealias Worker = (Range<Int>) -> (Statistics, Data)

  package let blocks: TrialBlocks
  private let lock = NSLock()
  private var merged: Statistics
  private var done = BlockSet()
  /// Lines of finished blocks waiting for an earlier block (delivered in block order), and the
  /// position of the next block to deliver in the list of blocks being run.
  private var pendingLines: [Int: Data] = [:]
  private var lineCursor = (range: 0, block: 0)
  private var finishedTrials = 0
  /// Serialises `blockDone` calls, which run outside `lock` (they may take a snapshot).
  private let callbackLock = NSLock()

  /// - Parameters:
  ///   - trials: trials of the whole run.
  ///   - empty: the statistics of no trials.
  package init(trials: Int, empty: Statistics) {
    blocks = TrialBlocks(trials: trials)
    merged = empty
  }

  /// Adds blocks computed earlier (a checkpoint): their statistics and indices.
  package func restore(_ statistics: Statistics, completed: BlockSet) {
    lock.lock(); defer { lock.unlock() }
    merged.merge(statistics)
    done.formUnion(completed)
  }

  package var statistics: Statistics { lock.lock(); defer { lock.unlock() }; return merged }
  package var completed: BlockSet { lock.lock(); defer { lock.unlock() }; return done }

  /// The statistics and the blocks they hold, taken together (for a checkpoint).
  package func snapshot() -> (statistics: Statistics, completed: BlockSet) {
    lock.lock(); defer { lock.unlock() }
    return (merged, done)
  }

  /// Runs the blocks of `range` not completed yet on `threads` threads.
  /// - Parameters:
  ///   - range: block indices to run (those completed already are skipped).
  ///   - threads: worker threads (at most one per block).
  ///   - makeWorker: called once per worker thread (so each can hold its own copies).
  ///   - lines: when given, receives the output lines of the blocks of `range`, in block order,
  ///     one call at a time (lines of blocks completed before a restore are not delivered).
  ///   - shouldStop: checked before and after each block; when true no new block starts, and a
  ///     block that finishes after it became true is discarded (its worker may have stopped
  ///     inside a trial).
  ///   - blockDone: called after each block, one call at a time, with the trials finished so far
  ///     in this call.
  package func run(_ range: Range<Int>, threads: Int, makeWorker: @escaping @Sendable () -> Worker,
                  lines: (@Sendable (Data) -> Void)? = nil, shouldStop: (@Sendable () -> Bool)? = nil,
                  blockDone: (@Sendable (Int) -> Void)? = nil) {
    let todo = completed.missing(from: range)
    let queue = BlockQueue(todo)
    lock.lock()
    pendingLines = [:]
    lineCursor = (0, todo.first?.lowerBound ?? 0)
    finishedTrials = 0
    lock.unlock()
    let workers = max(1, min(threads, queue.total))
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      let work = makeWorker()
      while shouldStop?() != true, let b = queue.next() {
        let trials = blocks.trials(ofBlock: b)
        let (statistics, output) = work(trials)
        // A stop during the block may have cut a trial short: the block is not kept (it is
        // computed again on --resume).
        if shouldStop?() == true { break }
        finish(block: b, trials: trials.count, statistics: statistics, output: output, todo: todo, lines: lines,
               blockDone: blockDone)
      }
    }
  }

  private func finish(block b: Int, trials: Int, statistics: Statistics, output: Data, todo: [Range<Int>],
                      lines: (@Sendable (Data) -> Void)?, blockDone: (@Sendable (Int) -> Void)?) {
    callbackLock.lock(); defer { callbackLock.unlock() }
    lock.lock()
    merged.merge(statistics)
    done.insert(b)
    if let lines {
      pendingLines[b] = output
      while lineCursor.range < todo.count, let ready = pendingLines.removeValue(forKey: lineCursor.block) {
        lines(ready)
        lineCursor.block += 1
        if lineCursor.block == todo[lineCursor.range].upperBound {
          lineCursor.range += 1
          if lineCursor.range < todo.count { lineCursor.block = todo[lineCursor.range].lowerBound }
        }
      }
    }
    finishedTrials += trials
    let finished = finishedTrials
    lock.unlock()
    blockDone?(finished)
  }
}

/// Hands out the block indices of some ranges, in order, to worker threads.
private final class BlockQueue: @unchecked Sendable {
  private let lock = NSLock()
  private let ranges: [Range<Int>]
  private var range = 0
  private var position: Int
  let total: Int

  init(_ ranges: [Range<Int>]) {
    self.ranges = ranges
    position = ranges.first?.lowerBound ?? 0
    total = ranges.reduce(0) { $0 + $1.count }
  }

  func next() -> Int? {
    lock.lock(); defer { lock.unlock() }
    while range < ranges.count {
      if position < ranges[range].upperBound {
        position += 1
        return position - 1
      }
      range += 1
      if range < ranges.count { position = ranges[range].lowerBound }
    }
    return nil
  }
}
