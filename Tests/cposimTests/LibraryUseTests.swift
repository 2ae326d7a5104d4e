import Foundation
import ReliabilityKit  // not @testable: these tests use only what a library user sees
import Testing

/// ReliabilityKit used as a library, without the CLI: a run interrupted and resumed through
/// `RunSession`, and a scenario built in code (issue 26, "a deliberate public surface").
@Suite("Library use: RunSession and a scenario built in code")
struct LibraryUseTests {
  static let onePod = repositoryRoot.appendingPathComponent("Scenarios/cluster-1k-pluggable.yaml").path

  /// The report of a session's statistics as JSON bytes.
  static func json(_ session: RunSession) throws -> Data {
    try JSONOutput.encoder().encode(session.report())
  }

  @Test("a run stopped after some blocks and resumed from its checkpoint gives the report of an uninterrupted run, byte for byte")
  func interruptAndResume() throws {
    let scenario = try ScenarioLoader.load(path: Self.onePod)
    let simulation = try Simulation(scenario: scenario)
    let trials = 64, seed: UInt64 = 5  // 8 blocks of 8
    let whole = RunSession(scenarioPath: Self.onePod, simulation: simulation, seed: seed, trials: trials)
    guard case .completed = whole.run(threads: 2) else { Issue.record("the uninterrupted run did not complete"); return }

    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cposim-session-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let checkpoint = OutputFile(directory.appendingPathComponent("run.json.checkpoint").path, option: "checkpoint")

    // First session: asks to stop once 16 trials are done (one thread, so blocks finish in order).
    let first = RunSession(scenarioPath: Self.onePod, simulation: simulation, seed: seed, trials: trials, checkpoint: checkpoint,
                           checkpointInterval: 0)
    #expect(try first.resume() == nil)  // nothing to resume yet
    let stop = StopSignal()
    let outcome = first.run(threads: 1, stop: stop, progress: { done in if done >= 16 { stop.request() } })
    guard case let .interrupted(done, saved) = outcome else { Issue.record("the run was not interrupted"); return }
    #expect(saved)
    #expect(done >= 16 && done < trials && done % 8 == 0, "stopped after \(done) trials")
    #expect(FileManager.default.fileExists(atPath: checkpoint.path))

    // Second session, as after a restart of the program: resumes, computes only the rest.
    let second = RunSession(scenarioPath: Self.onePod, simulation: simulation, seed: seed, trials: trials, checkpoint: checkpoint)
    #expect(try second.resume() == done)
    #expect(second.statistics.trials == done)
    let reported = Progress()
    guard case let .completed(statistics) = second.run(threads: 2, progress: { reported.add($0) }) else {
      Issue.record("the resumed run did not complete"); return
    }
    #expect(statistics.trials == trials)
    // Progress counts the resumed trials: the first call already includes them, and only the
    // remaining blocks ran.
    #expect(reported.values.first.map { $0 > done } == true && reported.values.count == (trials - done) / 8)
    #expect(try Self.json(second) == Self.json(whole))
    second.removeCheckpoint()
    #expect(!FileManager.default.fileExists(atPath: checkpoint.path))
  }

  @Test("a checkpoint of another seed is refused by resume, naming the file and what differs")
  func resumeRefusesAnotherRun() throws {
    let scenario = try ScenarioLoader.load(path: Self.onePod)
    let simulation = try Simulation(scenario: scenario)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cposim-session-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let checkpoint = OutputFile(directory.appendingPathComponent("run.json.checkpoint").path, option: "checkpoint")
    let first = RunSession(scenarioPath: Self.onePod, simulation: simulation, seed: 1, trials: 16, checkpoint: checkpoint)
    try first.partialReport().write(to: checkpoint)
    let other = RunSession(scenarioPath: Self.onePod, simulation: simulation, seed: 2, trials: 16, checkpoint: checkpoint)
    do {
      try other.resume()
      Issue.record("a checkpoint of seed 1 was resumed by a run of seed 2")
    } catch {
      #expect(error.description.contains(checkpoint.path) && error.description.contains("seed"), "\(error)")
    }
  }

  /// Scenarios/cluster-1k-pluggable.yaml (and the 16k file it extends), written in Swift.
  /// Durations and rates go through `Units`, as the loader reads them, so every value has the
  /// same bits.
  static func onePodInCode() throws -> Scenario {
    func h(_ text: String) throws -> Hours { try Units.hours(from: text) }
    func fixed(_ text: String) throws -> Distribution { .deterministic(try Deterministic(value: try h(text))) }
    let catalog = try PartCatalog.load(path: repositoryRoot.appendingPathComponent("FailureData/parts.yaml").path)
    let fabric = FabricSpec(topology: .threeTierClos, gpus: 1024, gpusPerNode: 8, switchRadix: 64, portSpeedGbps: 800,
                            oversubscription: 1, optics: .pluggable)

    var module = Workflow.default(action: .hotSwap)
    module.handsOn = .logNormal(try LogNormal(median: try h("10m"), sigma: 0.5))
    module.cleanFirst = true
    module.cleanSuccess = 0.9
    module.noFaultFound = 0.1
    module.collateral = 0.01
    var fibre = Workflow.default(action: .hotSwap)
    fibre.handsOn = try fixed("30m")
    var board = Workflow.default(action: .boardReplace)
    board.handsOn = try fixed("1h")
    board.drain = try fixed("30m")
    var nic = Workflow.default(action: .boardReplace)
    nic.handsOn = try fixed("1h")
    nic.drain = try fixed("15m")
    var quick = Workflow.default(action: .hotSwap)
    quick.handsOn = try fixed("15m")
    let repair = RepairSpec(
      detection: try fixed("5m"), verification: try fixed("10m"), technicians: 1, shift: .twentyFourSeven,
      maintenanceWindow: .init(every: try h("1w"), duration: try h("4h"), offset: try h("2d")),
      spares: ["pluggable-800g-module": .init(initial: 20, reorderPoint: 10, reorderQuantity: 20, leadTime: try h("2w")),
               "switch-board": .init(initial: 2, reorderPoint: 1, reorderQuantity: 2, leadTime: try h("6w"))],
      workflows: ["pluggable-800g-module": module, "fibre-patch-cord": fibre, "switch-board": board, "nic": nic,
                  "psu": quick, "fan": quick])

    var pool = NodePoolSpec()
    pool.spareNodes = .fraction(2.0 / 100)
    pool.spareSwapTime = try h("5m")
    pool.hostRepair = try fixed("24h")
    pool.spareUSDPerGPUHour = 2.2

    var job = JobSpec(name: "pretrain", gpus: 992, checkpointInterval: try h("10m"), checkpointWrite: 0, restartOverhead: try h("5m"),
                      usdPerGPUHour: 2.2, backgroundRatePerNodeHour: try Units.ratePerHour(from: "0.003642/d"),
                      uplinkInterruptProbability: 0.1983)
    job.flapTolerance = 0
    job.uplinkFlapTolerance = try h("30s")
    job.detection = try h("2.5m")
    job.flapDetection = try h("30s")

    let costs = CostSpec(technicianUSDPerHour: 29.98, dispatchFeeUSD: 0, electricityUSDPerKWh: 0.078, pue: 1.56,
                         sparesCarryingRatePerYear: 25.0 / 100, capital: .life(try h("5y")))
    return try Scenario(name: "cluster-1k-pluggable", description: "1k-GPU three-tier Clos (one pod) with 800G pluggable optics",
                        horizon: try h("5y"), trials: 1000, seed: 1, plant: .fabric(fabric), catalog: catalog, repair: repair,
                        jobs: [job], nodePool: pool, costs: costs).validated()
  }

  @Test("the 1k pluggable preset built in code runs to the report of the preset loaded from its file, byte for byte")
  func scenarioInCode() throws {
    let built = try Self.onePodInCode()
    let loaded = try ScenarioLoader.load(path: Self.onePod)
    // What only a file has: the files read (a report records their SHA-256) and each input's
    // provenance (a report gives each price's source), with the ranges and template read with them.
    var bare = loaded
    bare.files = []
    bare.catalogFile = nil
    bare.inputs = []
    bare.ranges = []
    bare.template = nil
    #expect(built == bare)
    func report(_ scenario: Scenario) throws -> Data {
      let simulation = try Simulation(scenario: scenario)
      let session = RunSession(scenarioPath: "in code", simulation: simulation, seed: 11, trials: 24)
      _ = session.run(threads: 2)
      return try Self.json(session)
    }
    let a = try report(built), b = try report(bare), c = try report(loaded)
    #expect(a == b, "the reports differ: \(a.count) and \(b.count) bytes")
    // Against the loaded file's own report, every result is the same; only the provenance
    // (files, price sources) differs.
    let objectA = try #require(try JSONSerialization.jsonObject(with: a) as? [String: Any])
    let objectC = try #require(try JSONSerialization.jsonObject(with: c) as? [String: Any])
    #expect(Set(objectA.keys) == Set(objectC.keys))
    for key in objectA.keys.sorted() where key != "provenance" && key != "scenario" {
      let one = try JSONSerialization.data(withJSONObject: [objectA[key]!], options: [.sortedKeys])
      let other = try JSONSerialization.data(withJSONObject: [objectC[key]!], options: [.sortedKeys])
      #expect(one == other, "\(key) differs between the scenario built in code and the loaded file")
    }
    #expect(objectA.keys.contains("metrics") && objectA.keys.contains("breakdowns"))
  }

  @Test("validated() names each problem of a scenario built in code by its key path")
  func validatedNamesProblems() throws {
    var scenario = try Self.onePodInCode()
    scenario.jobs[0].gpus = 2048
    scenario.repair.spares["no-such-fru"] = .init(initial: 1, reorderPoint: 0, reorderQuantity: 1, leadTime: 24)
    scenario.repair.technicians = 0
    do {
      _ = try scenario.validated()
      Issue.record("an invalid scenario passed validated()")
    } catch {
      let paths = Set(error.errors.map(\.keyPath))
      #expect(paths.isSuperset(of: ["jobs[0].gpus", "repair.spares.no-such-fru", "repair.technicians.count"]), "\(paths)")
      #expect(error.errors.allSatisfy { $0.file == "cluster-1k-pluggable" })
    }
  }
}

/// Progress values as a run reports them (one call at a time).
private final class Progress: @unchecked Sendable {
  private let lock = NSLock()
  private var list: [Int] = []
  func add(_ value: Int) { lock.lock(); list.append(value); lock.unlock() }
  var values: [Int] { lock.lock(); defer { lock.unlock() }; return list }
}
