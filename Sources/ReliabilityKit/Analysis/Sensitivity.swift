import Foundation

/// Which inputs decide a comparison (a tornado): every input with a low/high range, of either
/// scenario, moved to its low and to its high with all others at their central values; each point
/// runs both scenarios paired per trial (common random numbers) and the inputs are ranked by the
/// swing of B − A, |(B − A) at high − (B − A) at low| (docs/sensitivity.md).
///
/// Inputs are the scenarios' `ranges` (the catalog's, for the parts the plant holds, and the
/// scenario's own) and their uncertain inputs (`{uncertain: ..., low, high}`), united by key path:
/// a key both scenarios have is moved in both, a key only one has moves only that one. Uncertain
/// inputs are not drawn: each is held at the median of its distribution, except the one being
/// moved, which is set to its `low` and `high`.
public enum Sensitivity {
  /// Where one scenario's input sits: its low, central and high values as written.
  public struct Bounds: Sendable, Hashable {
    /// The low value, as written (with its unit).
    public var low: String
    /// The central value the other points hold, as written.
    public var central: String
    /// The high value, as written.
    public var high: String

    /// Bounds as written.
    public init(low: String, central: String, high: String) {
      self.low = low
      self.central = central
      self.high = high
    }

    /// The value at one end.
    public func value(_ end: End) -> String { end == .low ? low : high }
  }

  /// An end of a range.
  public enum End: String, Sendable, CaseIterable {
    /// The low or the high end.
    case low, high
  }

  /// One input the study moves.
  public struct Input: Sendable, Hashable {
    /// Where the range was given.
    public enum Origin: String, Sendable, Hashable {
      /// A part's `ranges` in the catalog.
      case catalog
      /// A scenario's top-level `ranges`.
      case scenario
      /// An uncertain input (`{uncertain: ..., low, high}`): low and high as written.
      case uncertain
    }

    /// The key path as `--set` takes it (the first scenario's spelling).
    public let keyPath: String
    /// The input's bounds in each scenario (baseline first); nil where the scenario does not
    /// have the input, which then stays at its central values when the input moves.
    public let bounds: [Bounds?]
    /// Where the range was given: the catalog's `ranges`, the scenario's, or an uncertain input.
    public let origin: Origin
    /// The value's provenance class (`sourced: key`, `calibrated`, `estimate`, `uncertain:
    /// lognormal`), when known.
    public let provenance: String?
    /// Where the range was written (the first scenario that has it).
    public let file: String
    /// The line of `file` that gives the range, when known.
    public let line: Int?
    /// With a posterior (`sensitivity --posterior`): `posterior` when the range is the
    /// posterior's 5-95 %, `prior-only` when no evidence item moved the input; nil without one.
    public var evidence: String?

    /// An input to move, with where its range was written.
    public init(keyPath: String, bounds: [Bounds?], origin: Origin, provenance: String?, file: String, line: Int?) {
      self.keyPath = keyPath
      self.bounds = bounds
      self.origin = origin
      self.provenance = provenance
      self.file = file
      self.line = line
    }

    /// The bounds of the first scenario that has the input.
    public var shown: Bounds { bounds.compactMap { $0 }[0] }
    /// Whether the scenarios that have the input give it different bounds.
    public var boundsDiffer: Bool { Set(bounds.compactMap { $0 }).count > 1 }
  }

  /// A key path with list steps written one way (`jobs[0].x` and `jobs.0.x` are the same key).
  static func normalised(_ keyPath: String) -> String { ScenarioLoader.normalisedKeyPath(keyPath) }

  /// Every input with a range in `scenarios`, united by key path, in the order they are written
  /// (the first scenario's first). A key with both a `ranges` entry and an uncertain range is
  /// moved to the `ranges` bounds.
  public static func inputs(of scenarios: [Scenario]) -> [Input] {
    struct Entry {
      var keyPath: String
      var bounds: Bounds
      var origin: Input.Origin
      var provenance: String?
      var file: String
      var line: Int?
    }
    var order: [String] = []
    var entries: [[String: Entry]] = []
    for scenario in scenarios {
      var byKey: [String: Entry] = [:]
      let provenance = Dictionary(scenario.inputs.map { (normalised($0.keyPath), $0.provenance) }, uniquingKeysWith: { a, _ in a })
      func label(_ key: String) -> String? {
        switch provenance[key] {
        case let .sourced(source)?: "sourced: \(source)"
        case let .calibrated(target, _)?: "calibrated: \(target)"
        case .estimate?: "estimate"
        case .unstated?: "unstated"
        case nil: nil
        }
      }
      for range in scenario.ranges {
        let key = normalised(range.keyPath)
        guard byKey[key] == nil else { continue }
        byKey[key] = Entry(keyPath: range.keyPath, bounds: Bounds(low: range.low, central: range.central, high: range.high),
                           origin: range.origin == .catalog ? .catalog : .scenario, provenance: label(key),
                           file: range.file, line: range.line)
        if !order.contains(key) { order.append(key) }
      }
      for input in scenario.uncertainInputs {
        let key = normalised(input.keyPath)
        guard byKey[key] == nil else { continue }
        byKey[key] = Entry(keyPath: input.keyPath,
                           bounds: Bounds(low: input.text(input.low), central: input.text(median(input)), high: input.text(input.high)),
                           origin: .uncertain, provenance: label(key).map { "\($0), uncertain: \(input.shape.rawValue)" }
                             ?? "uncertain: \(input.shape.rawValue)",
                           file: input.file, line: input.line)
        if !order.contains(key) { order.append(key) }
      }
      entries.append(byKey)
    }
    return order.map { key in
      let first = entries.lazy.compactMap { $0[key] }.first!
      return Input(keyPath: first.keyPath, bounds: entries.map { $0[key]?.bounds }, origin: first.origin,
                   provenance: first.provenance, file: first.file, line: first.line)
    }
  }

  /// An input's posterior, read from an inference JSON (`cposim infer -o`): 5 %, median, 95 %
  /// as the scenario takes them.
  public struct PosteriorRange: Sendable, Hashable {
    /// The key path.
    public let keyPath: String
    /// The posterior's 5th percentile, as the scenario takes it.
    public let low: String
    /// The posterior's median, as the scenario takes it.
    public let central: String
    /// The posterior's 95th percentile, as the scenario takes it.
    public let high: String
    /// A posterior range of `keyPath`.
    public init(keyPath: String, low: String, central: String, high: String) {
      self.keyPath = keyPath
      self.low = low
      self.central = central
      self.high = high
    }
  }

  /// The inputs with the posterior's 5-95 % ranges where it has the key (in every scenario that
  /// has the key as an input or a range; a posterior input no range named is added), every
  /// other input labelled `prior-only`.
  public static func applying(_ posterior: [PosteriorRange], file: String, to inputs: [Input], scenarios: [Scenario]) -> [Input] {
    var out: [Input] = []
    var used: Set<String> = []
    let byKey = Dictionary(posterior.map { (normalised($0.keyPath), $0) }, uniquingKeysWith: { a, _ in a })
    func has(_ scenario: Scenario, _ key: String) -> Bool {
      scenario.inputs.contains { normalised($0.keyPath) == key } || scenario.ranges.contains { normalised($0.keyPath) == key }
    }
    func moved(_ p: PosteriorRange, bounds: [Bounds?], keyPath: String, file inputFile: String, line: Int?, origin: Input.Origin) -> Input {
      let b = Bounds(low: p.low, central: p.central, high: p.high)
      var input = Input(keyPath: keyPath, bounds: bounds.map { $0 == nil ? nil : b }, origin: origin,
                        provenance: "posterior 5-95 % (\(file))", file: inputFile, line: line)
      input.evidence = "posterior"
      return input
    }
    for input in inputs {
      let key = normalised(input.keyPath)
      if let p = byKey[key] {
        used.insert(key)
        let bounds = zip(input.bounds, scenarios).map { b, s in b ?? (has(s, key) ? Bounds(low: "", central: "", high: "") : nil) }
        out.append(moved(p, bounds: bounds, keyPath: input.keyPath, file: input.file, line: input.line, origin: input.origin))
      } else {
        var input = input
        input.evidence = "prior-only"
        out.append(input)
      }
    }
    for p in posterior where !used.contains(normalised(p.keyPath)) {
      let key = normalised(p.keyPath)
      let bounds: [Bounds?] = scenarios.map { has($0, key) ? Bounds(low: "", central: "", high: "") : nil }
      guard bounds.contains(where: { $0 != nil }) else { continue }
      out.append(moved(p, bounds: bounds, keyPath: p.keyPath, file: file, line: nil, origin: .scenario))
    }
    return out
  }

  /// The value an uncertain input is held at in a sensitivity study: the median of its
  /// distribution (for a lognormal √(low·high), for a uniform the midpoint, for a triangular the
  /// value below which half its probability lies), rounded for whole-number keys.
  public static func median(_ input: UncertainInput) -> Double {
    let value = input.value(atQuantile: 0.5)
    return input.integer ? value.rounded() : value
  }

  /// The overrides that hold every uncertain input of `scenario` at its median.
  public static func centralOverrides(_ scenario: Scenario) -> [(keyPath: String, value: String)] {
    scenario.uncertainInputs.map { ($0.keyPath, $0.text(median($0))) }
  }

  /// B − A at one end of one input.
  public struct InputResult: Sendable {
    /// The input moved.
    public let input: Input
    /// B − A with the input at its low end.
    public let low: Estimate
    /// B − A with the input at its high end.
    public let high: Estimate
    /// |mean of B − A at high − mean at low|.
    public let swing: Double
    /// Whether B − A at the low or the high has the opposite sign of the central B − A.
    public let flips: Bool
  }

  /// What a sensitivity run found.
  public struct Result: Sendable {
    /// The scenarios as loaded (names, files, and the ranges moved).
    public let baseline: Scenario
    /// Scenario B as loaded.
    public let alternative: Scenario
    /// The metric whose paired difference is reported.
    public let metric: String
    /// The seed every point used.
    public let seed: UInt64
    /// Paired trials per point.
    public let trials: Int
    /// B − A with every input at its central value.
    public let central: Estimate
    /// Every input, largest swing first (ties by key path).
    public let inputs: [InputResult]
  }

  /// Runs the study: the central point, then each input at its low and at its high.
  ///
  /// Every point runs trials `0..<trials` of master seed `seed` (default: the baseline's), both
  /// scenarios paired per trial. A scenario that an input does not move is at its central
  /// values, so its per-trial values are those of the central point (the same seed and trial
  /// give the same outcome): they are kept from the central run rather than run again.
  /// - Parameters:
  ///   - baseline: scenario A as loaded, with its template (`ScenarioLoader.loadWithTemplate`).
  ///   - alternative: scenario B, likewise; results are B − A.
  ///   - given: `inputs`, the inputs to move (default: `inputs(of:)` of both).
  ///   - metric: the metric whose paired difference is reported (a `TrialMetrics` name).
  ///   - trials: paired trials per point (default: the baseline's `trials`).
  ///   - seed: the master seed (default: the baseline's `seed`).
  ///   - threads: worker threads; the result does not depend on it.
  ///   - center: per side, values the central point holds besides the uncertain inputs' medians
  ///     (a posterior's medians, `--posterior`).
  ///   - progress: paired trials finished so far and the total, after each block.
  /// - Throws: `SensitivityError` for an unknown metric, no input to move, or a bound that
  ///   does not give a valid scenario; `ModelError` when a plant cannot be built.
  /// - Complexity: (1 + 2 × inputs) × trials trials of each scenario the input moves.
  public static func run(baseline: (scenario: Scenario, template: ScenarioTemplate),
                         alternative: (scenario: Scenario, template: ScenarioTemplate),
                         inputs given: [Input]? = nil, metric: String, trials: Int?, seed: UInt64?, threads: Int,
                         center: [[(keyPath: String, value: String)]] = [[], []],
                         progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) throws -> Result {
    let sides = [baseline, alternative]
    let inputs = given ?? Self.inputs(of: sides.map(\.scenario))
    let usedSeed = seed ?? baseline.scenario.seed
    let usedTrials = trials ?? baseline.scenario.trials
    let central = sides.indices.map { centralOverrides(sides[$0].scenario) + center[$0] }
    func simulation(_ k: Int, _ extra: [(keyPath: String, value: String)], what: String) throws -> Simulation {
      let scenario: Scenario
      do {
        scenario = try sides[k].template.scenario(overrides: central[k] + extra)
      } catch {
        throw SensitivityError.invalidPoint(scenario: sides[k].scenario.name, what: what,
                                            detail: error.errors.map(\.description).joined(separator: "; "))
      }
      return try Simulation(scenario: scenario)
    }
    guard !inputs.isEmpty else {
      throw SensitivityError.noInputs(scenarios: sides.map { $0.scenario.files.last ?? $0.scenario.name })
    }
    let centralSimulations = try (0..<2).map { try simulation($0, [], what: "central inputs") }
    let indices = try metricIndices(centralSimulations, metric: metric)
    let unit = TrialMetrics(simulation: centralSimulations[0]).definitions[indices[0]].unit

    let total = (1 + 2 * inputs.count) * usedTrials
    var finished = 0  // trials of the points run so far
    func point(_ simulations: [Simulation?], cached: [[Double]]?, keep: Bool) throws -> PointStatistics {
      let positions = try simulations.map { s in try s.map { try Self.metricIndices([$0], metric: metric)[0] } }
      let run = BlockRun(trials: usedTrials, empty: PointStatistics())
      let offset = finished
      let first = FirstCaller()
      run.run(0..<run.blocks.count, threads: threads, makeWorker: {
        // Each worker thread gets its own copies of the plant layouts (as `Comparison` does).
        let mine = first.isFirst() ? simulations : simulations.map { $0?.workerCopy() }
        let metrics = mine.map { $0.map(TrialMetrics.init) }
        return { trials in
          var local = PointStatistics()
          for trial in trials {
            var values: [Double] = []
            for k in 0..<2 {
              if let simulation = mine[k], let metrics = metrics[k], let index = positions[k] {
                values.append(metrics.values(simulation.runTrial(trial, seed: usedSeed))[index])
              } else {
                values.append(cached![k][trial])
              }
            }
            local.difference.add(values[1] - values[0])
            if keep { local.values[trial] = values }
          }
          return (local, Data())
        }
      }, blockDone: { progress?(offset + $0, total) })
      finished += usedTrials
      return run.statistics
    }

    let centralPoint = try point(centralSimulations, cached: nil, keep: true)
    let cached = (0..<2).map { k in (0..<usedTrials).map { centralPoint.values[$0]![k] } }
    let centralEstimate = Estimate(difference: centralPoint.difference, unit: unit)
    var results: [InputResult] = []
    for input in inputs {
      var ends: [End: Estimate] = [:]
      for end in End.allCases {
        let simulations: [Simulation?] = try (0..<2).map { k in
          guard let bounds = input.bounds[k] else { return nil }
          return try simulation(k, [(keyPath: input.keyPath, value: bounds.value(end))],
                                what: "\(input.keyPath) at its \(end.rawValue) (\(bounds.value(end)))")
        }
        ends[end] = Estimate(difference: try point(simulations, cached: cached, keep: false).difference, unit: unit)
      }
      let low = ends[.low]!, high = ends[.high]!
      let c = centralEstimate.mean.value
      let flips = [low.mean.value, high.mean.value].contains { $0.isFinite && $0 != 0 && ($0 > 0) != (c > 0) }
      results.append(InputResult(input: input, low: low, high: high, swing: abs(high.mean.value - low.mean.value), flips: flips))
    }
    results.sort { ($0.swing, $1.input.keyPath) > ($1.swing, $0.input.keyPath) }
    return Result(baseline: baseline.scenario, alternative: alternative.scenario, metric: metric, seed: usedSeed, trials: usedTrials,
                  central: centralEstimate, inputs: results)
  }

  /// The index of `metric` in each simulation's metrics.
  static func metricIndices(_ simulations: [Simulation], metric: String) throws(SensitivityError) -> [Int] {
    let all = simulations.map { TrialMetrics(simulation: $0).definitions.map(\.name) }
    let indices = all.map { $0.firstIndex(of: metric) }
    guard indices.allSatisfy({ $0 != nil }) else {
      throw .unknownMetric(metric, known: all[0].filter { name in all.allSatisfy { $0.contains(name) } })
    }
    return indices.map { $0! }
  }

  /// One point's paired differences, and (for the central point) each trial's values.
  struct PointStatistics: BlockStatistics {
    var difference = MetricAccumulator()
    var values: [Int: [Double]] = [:]

    mutating func merge(_ other: PointStatistics) {
      difference.merge(other.difference)
      values.merge(other.values) { a, _ in a }
    }
  }
}

/// Why a sensitivity run cannot go on.
public enum SensitivityError: Error, CustomStringConvertible {
  /// The metric is not one both scenarios report (`known` lists theirs).
  case unknownMetric(String, known: [String])
  /// Neither scenario has an input with a range to move.
  case noInputs(scenarios: [String])
  /// An input's bound gives a scenario the loader refuses.
  case invalidPoint(scenario: String, what: String, detail: String)

  public var description: String {
    switch self {
    case let .unknownMetric(name, known):
      "unknown metric '\(name)'\(Suggestion.hint(for: name, in: known)); metrics: \(known.joined(separator: ", "))"
    case let .noInputs(scenarios):
      "nothing to move: \(scenarios.joined(separator: " and ")) give no input with a low/high range; add `ranges:` to a "
        + "scenario or a catalog part, or write an input as {uncertain: ..., low, high} (docs/inputs.md)"
    case let .invalidPoint(scenario, what, detail):
      "\(scenario) with \(what) is not a valid scenario: \(detail)"
    }
  }
}
