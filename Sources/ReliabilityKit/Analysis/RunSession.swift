import Foundation

/// One run of a scenario's trials with everything around the engine: a shard of the blocks,
/// a checkpoint written while it runs, a resume from that checkpoint, a stop on request (a
/// signal or a caller's flag) and progress callbacks. `cposim run` parses its options into one
/// and prints what it returns; a Swift program gets the same behaviour without the CLI.
///
/// The result is a pure function of (scenario, seed, trials): the same statistics, byte for
/// byte, whatever the thread count, however the run was interrupted and resumed, and however it
/// was cut into shards (merge the shards' partial reports with `PartialReport.merge`).
///
/// ```swift
/// let scenario = try ScenarioLoader.load(path: "Scenarios/cluster-1k-pluggable.yaml")
/// let simulation = try Simulation(scenario: scenario)
/// let session = RunSession(scenarioPath: "Scenarios/cluster-1k-pluggable.yaml", simulation: simulation,
///                          seed: scenario.seed, trials: 200, checkpoint: OutputFile("run.json.checkpoint", option: "checkpoint"))
/// _ = try session.resume()                 // continue an earlier run if its checkpoint is there
/// let stop = StopSignal.installed()        // SIGINT / SIGTERM stop the run after its checkpoint
/// switch session.run(threads: 2, stop: stop) {
/// case .completed(let statistics): print(RunReport(simulation: simulation, metrics: session.metrics, statistics: statistics, seed: scenario.seed))
/// case .interrupted(let done, _): print("stopped after \(done) trials")
/// }
/// ```
public final class RunSession: @unchecked Sendable {
  /// How a call of `run` ended.
  public enum Outcome: Sendable {
    /// Every trial of the session's blocks is in the statistics.
    case completed(RunStatistics)
    /// Stopped on request: `trials` are done (those resumed included); `checkpointSaved` says
    /// whether the checkpoint now holds them (false without a checkpoint or when it could not
    /// be written).
    case interrupted(trials: Int, checkpointSaved: Bool)
  }

  /// The simulation the session runs.
  public let simulation: Simulation
  /// The metrics its statistics collect (those of `simulation`).
  public let metrics: TrialMetrics
  /// The scenario file as the run names it (recorded in its partial reports).
  public let scenarioPath: String
  /// The run's master seed.
  public let seed: UInt64
  /// Trials of the whole run (all shards).
  public let trials: Int
  /// This shard's index, 0 to `shardCount` − 1 (0 for an unsharded run).
  public let shardIndex: Int
  /// The run's number of shards (1: unsharded).
  public let shardCount: Int
  /// Where the completed blocks are saved while the run goes on (nil: nowhere).
  public let checkpoint: OutputFile?
  /// The least time between two checkpoint writes during the run (one more is written when it
  /// stops).
  public let checkpointInterval: TimeInterval
  /// The blocks this session computes: its shard's share of the run.
  public let blocks: Range<Int>

  private let state: BlockRun<RunStatistics>

  /// - Parameters:
  ///   - scenarioPath: the scenario file as the run names it (recorded in partial reports).
  ///   - simulation: the scenario, ready to run.
  ///   - seed: the master seed.
  ///   - trials: trials of the whole run (all shards), 1 or more.
  ///   - shard: `(index, count)` with `0 <= index < count`; `(0, 1)` is the whole run.
  ///   - checkpoint: the file that keeps the completed blocks (`OUTPUT.checkpoint` in the CLI).
  ///   - checkpointInterval: seconds between checkpoint writes while running (default 1).
  public init(scenarioPath: String, simulation: Simulation, seed: UInt64, trials: Int, shard: (index: Int, count: Int) = (0, 1),
              checkpoint: OutputFile? = nil, checkpointInterval: TimeInterval = 1) {
    precondition(trials >= 1 && shard.count >= 1 && (0..<shard.count).contains(shard.index), "trials >= 1 and 0 <= shard index < shard count")
    self.simulation = simulation
    metrics = TrialMetrics(simulation: simulation)
    self.scenarioPath = scenarioPath
    self.seed = seed
    self.trials = trials
    shardIndex = shard.index
    shardCount = shard.count
    self.checkpoint = checkpoint
    self.checkpointInterval = checkpointInterval
    blocks = TrialBlocks(trials: trials).blocks(ofShard: shard.index, of: shard.count)
    state = BlockRun(trials: trials, empty: RunStatistics(metrics: metrics, simulation: simulation))
  }

  /// The trials of this session's blocks (its shard's).
  public var shardTrials: Int { TrialBlocks(trials: trials).trialCount(of: blocks) }

  /// The statistics of the blocks completed so far (resumed ones included).
  public var statistics: RunStatistics { state.statistics }

  /// The completed blocks and their statistics as a partial report: what a checkpoint and a
  /// shard's output hold.
  public func partialReport() -> PartialReport {
    let (statistics, completed) = state.snapshot()
    return PartialReport(scenario: scenarioPath, simulation: simulation, seed: seed, trials: trials, shardIndex: shardIndex,
                         shardCount: shardCount, completedBlocks: completed, statistics: statistics)
  }

  /// Continues from the checkpoint when it exists: checks that it belongs to this run (seed,
  /// trials, shard, version, input files) and holds consistent statistics of this shard's
  /// blocks, then takes its blocks as done.
  /// - Returns: the trials restored, or nil when there is no checkpoint to resume from.
  /// - Throws: `MergeError` naming the checkpoint and what is wrong with it.
  @discardableResult
  public func resume() throws(MergeError) -> Int? {
    guard let checkpoint, FileManager.default.fileExists(atPath: checkpoint.path) else { return nil }
    let saved = try PartialReport.read(checkpoint.path)
    try partialReport().checkResumable(saved, path: checkpoint.path)
    try saved.checkInvariants(path: checkpoint.path, expected: RunStatistics(metrics: metrics, simulation: simulation))
    let mine = blocks
    guard saved.completedBlocks.ranges.allSatisfy({ mine.contains($0.lowerBound) && $0.upperBound <= mine.upperBound }) else {
      throw MergeError.inconsistent(path: checkpoint.path, reason: "it lists blocks outside this shard's \(mine)")
    }
    state.restore(saved.statistics, completed: saved.completedBlocks)
    return saved.statistics.trials
  }

  /// Runs the blocks not done yet on `threads` threads.
  /// - Parameters:
  ///   - threads: worker threads (the result does not depend on them).
  ///   - perTrialLine: turns each trial into a line of output, delivered to `lines` in trial
  ///     order (one call at a time). Lines of blocks done before a resume are not delivered.
  ///   - lines: receives the lines `perTrialLine` makes.
  ///   - stop: when it is set the workers stop inside the trial they run, the block it cuts
  ///     short is discarded, and the checkpoint is written one last time.
  ///   - progress: after each block, the trials done so far (resumed ones included).
  ///   - checkpointFailed: called once, with the first error of a checkpoint write; the run goes
  ///     on (but could not be resumed from where it is).
  public func run(threads: Int, perTrialLine: (@Sendable (Int, TrialOutcome) -> Data)? = nil, lines: (@Sendable (Data) -> Void)? = nil,
                  stop: StopSignal? = nil, progress: (@Sendable (Int) -> Void)? = nil,
                  checkpointFailed: (@Sendable (any Error) -> Void)? = nil) -> Outcome {
    let failure = FirstFailure(checkpointFailed)
    // A checkpoint already there (the one resumed from, or one an earlier run left) is replaced
    // by this run's at once: the file removed when the run completes is always one it wrote.
    if let checkpoint, checkpoint.exists {
      do { try partialReport().write(to: checkpoint) } catch { failure.report(error) }
    }
    let already = state.statistics.trials
    let timer = CheckpointTimer(interval: checkpointInterval)
    var shouldStop: (@Sendable () -> Bool)?
    if let stop { shouldStop = { stop.isSet } }
    let checkpoint = self.checkpoint
    let blockDone: @Sendable (Int) -> Void = { [self] done in
      progress?(already + done)
      if let checkpoint, timer.due() {
        do { try partialReport().write(to: checkpoint) } catch { failure.report(error) }
      }
    }
    state.run(blocks, threads: threads,
              makeWorker: simulation.blockWorker(seed: seed, metrics: metrics, perTrialLine: perTrialLine, shouldStop: shouldStop),
              lines: lines, shouldStop: shouldStop, blockDone: blockDone)
    if stop?.isSet == true {
      var saved = false
      if let checkpoint {
        do { try partialReport().write(to: checkpoint); saved = true } catch { failure.report(error) }
      }
      return .interrupted(trials: state.statistics.trials, checkpointSaved: saved)
    }
    return .completed(state.statistics)
  }

  /// The report of a completed run of the whole scenario (shard 0 of 1).
  public func report() -> RunReport {
    RunReport(simulation: simulation, metrics: metrics, statistics: state.statistics, seed: seed)
  }

  /// Removes the checkpoint once its run is complete (only while it is the file this process wrote).
  public func removeCheckpoint() {
    checkpoint?.removeIfWritten()
  }

  /// One NDJSON line of a trial's metrics: `{"trial": i, metric: value, ...}`.
  public static func perTrialLine(_ metrics: TrialMetrics) -> @Sendable (Int, TrialOutcome) -> Data {
    { trial, outcome in
      var object: [String: FiniteOrNull] = ["trial": FiniteOrNull(Double(trial))]
      for (definition, value) in zip(metrics.definitions, metrics.values(outcome)) {
        object[definition.name] = FiniteOrNull(value)
      }
      guard var line = try? JSONOutput.lineEncoder().encode(object) else { return Data() }
      line.append(0x0A)
      return line
    }
  }
}

/// A request to stop a run: set by SIGINT or SIGTERM once `installed()`, or by the program
/// (`request()`). Workers stop inside the trial they run (within a few thousand events),
/// discard their block and start no new one.
public final class StopSignal: @unchecked Sendable {
  private let lock = NSLock()
  private var set = false
  private var sources: [any DispatchSourceSignal] = []

  /// A flag only the program sets.
  public init() {}

  /// Whether a stop was asked for (by SIGINT, SIGTERM or ``request()``).
  public var isSet: Bool { lock.lock(); defer { lock.unlock() }; return set }

  /// Asks the run to stop.
  public func request() {
    lock.lock(); set = true; lock.unlock()
  }

  /// A flag that SIGINT and SIGTERM set (their default action, ending the process, is turned off).
  public static func installed() -> StopSignal {
    let flag = StopSignal()
    for number in [SIGINT, SIGTERM] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { [flag] in flag.request() }
      source.resume()
      flag.sources.append(source)
    }
    return flag
  }
}

/// True at most once per interval: how often a running job rewrites its checkpoint.
final class CheckpointTimer: @unchecked Sendable {
  private let lock = NSLock()
  private let interval: TimeInterval
  private var last = Date()

  init(interval: TimeInterval) { self.interval = interval }

  func due() -> Bool {
    lock.lock(); defer { lock.unlock() }
    guard Date().timeIntervalSince(last) >= interval else { return false }
    last = Date()
    return true
  }
}

/// Passes on the first failing checkpoint write (later ones would say the same).
private final class FirstFailure: @unchecked Sendable {
  private let lock = NSLock()
  private var reported = false
  private let handler: (@Sendable (any Error) -> Void)?

  init(_ handler: (@Sendable (any Error) -> Void)?) { self.handler = handler }

  func report(_ error: any Error) {
    lock.lock(); defer { lock.unlock() }
    guard !reported else { return }
    reported = true
    handler?(error)
  }
}
