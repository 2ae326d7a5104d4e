import Foundation

/// The forward model of `cposim infer`: what a scenario, with some inputs set, predicts for each
/// evidence item.
///
/// - Analytic items (failures of a catalog mode, or a rate input, over unit-hours): the rate in
///   the inferred scenario's catalog (after the inputs are set) × per_unit × unit-hours. No
///   simulation. A mode's rate is 1 / its mean time to failure; `mode` absent means every hard
///   mode of the part.
/// - Simulated items (a report metric, a threshold): the item's exposure scenario, with the same
///   inputs set, run for `trials` trials at `seed` (the same trials at every point: common random
///   numbers); a metric's prediction is its mean per trial, a threshold's the share of trials in
///   which it holds, (n + ½)/(N + 1) so that no point is ruled out by a share of exactly 0.
///   Inputs the exposure scenario holds as ranges run at their central values.
public final class EvidenceModel: @unchecked Sendable {  // read-only after init
  /// Every evidence item of the files read, in file order.
  public let items: [EvidenceItem]
  /// The inputs the inference moves.
  public let inputs: [Inference.Input]
  /// Trials of each simulated item at each point.
  public let trials: Int
  /// The seed of those trials (the same at every point).
  public let seed: UInt64
  let threads: Int
  let scenario: Scenario
  let template: ScenarioTemplate
  struct Exposure {
    let path: String
    let scenario: Scenario
    let template: ScenarioTemplate
    /// (item index, metric index or threshold index, is threshold)
    let uses: [(item: Int, index: Int, threshold: Bool)]
    let thresholds: [Threshold]
  }
  let exposures: [Exposure]

  /// Binds `evidence` to the scenario at `path`.
  /// - Throws: `InputErrors` naming the evidence file and line of every item the scenario cannot
  ///   predict (a part or mode not in its catalog, a metric its report lacks), and what loading
  ///   the scenarios or setting an input at a bound of its range throws.
  public init(scenario path: String, inputs: [Inference.Input], evidence: [EvidenceFile], trials: Int, seed: UInt64,
              threads: Int) throws {
    self.inputs = inputs
    self.trials = trials
    self.seed = seed
    self.threads = threads
    items = evidence.flatMap(\.items)
    let (loaded, template) = try ScenarioLoader.loadWithTemplate(path: path)
    scenario = loaded
    self.template = template
    var errors: [InputError] = []
    func fail(_ item: EvidenceItem, _ message: String) {
      errors.append(InputError(file: item.file, line: item.line, column: nil, keyPath: "item '\(item.name)'", message: message))
    }
    for item in items {
      switch item.measure {
      case let .failures(part, mode, _):
        guard let p = loaded.catalog[part] else {
          fail(item, "no part '\(part)' in the catalog of \(path)\(Suggestion.hint(for: part, in: loaded.catalog.ids))")
          continue
        }
        if let mode, !p.modes.contains(where: { $0.id == mode }) {
          fail(item, "part '\(part)' has no mode '\(mode)' (its modes: \(p.modes.map(\.id).joined(separator: ", ")))")
        } else if mode == nil, !p.modes.contains(where: { if case .hard = $0.effect { true } else { false } }) {
          fail(item, "part '\(part)' has no hard mode to count; name the mode")
        }
      case let .inputRate(keyPath, _):
        if Self.inputRate(keyPath, in: loaded) == nil {
          let known = loaded.inputs.map(\.keyPath)
          fail(item, "'\(keyPath)' is not a rate input of \(path)\(Suggestion.hint(for: keyPath, in: known))")
        }
      case .metric, .threshold:
        break
      }
    }
    // Simulated items, grouped by the scenario they run.
    var byPath: [String: [Int]] = [:]
    var order: [String] = []
    for (i, item) in items.enumerated() {
      guard let p = item.exposureScenario else { continue }
      if byPath[p] == nil { order.append(p) }
      byPath[p, default: []].append(i)
    }
    var exposures: [Exposure] = []
    for p in order {
      let (s, t) = try ScenarioLoader.loadWithTemplate(path: p)
      let isFabric = if case .fabric = s.plant { true } else { false }
      let units = TrialMetrics.units(fabric: isFabric, jobs: !s.jobs.isEmpty)
      let names = units.keys.sorted()
      var uses: [(Int, Int, Bool)] = [], thresholds: [Threshold] = []
      for i in byPath[p]! {
        let item = items[i]
        let metric: String
        switch item.measure {
        case let .metric(m): metric = m
        case let .threshold(t): metric = t.metric
        default: continue
        }
        guard let unit = units[metric] else {
          fail(item, "no metric '\(metric)' in the report of \(p)\(Suggestion.hint(for: metric, in: names))")
          continue
        }
        if case .metric = item.measure {
          if unit != "count" { fail(item, "\(metric) is in \(unit), not a count: give it as a threshold ('\(metric) > VALUE')") }
          uses.append((i, 0, false))
        } else if case let .threshold(t) = item.measure {
          uses.append((i, thresholds.count, true))
          thresholds.append(t)
        }
      }
      exposures.append(Exposure(path: p, scenario: s, template: t, uses: uses, thresholds: thresholds))
    }
    self.exposures = exposures
    if !errors.isEmpty { throw InputErrors(errors) }
    // Every input at both ends of its range, in every scenario it is set in: an unknown key or a
    // bound the key refuses stops here, before anything runs.
    for (j, input) in inputs.enumerated() {
      let ends: [Double]
      switch input.prior {
      case let .uniform(low, high), let .logUniform(low, high): ends = [low, high]
      case .gamma: ends = []
      }
      for end in ends {
        var values = inputs.map { $0.prior.value(0) }
        values[j] = end
        let overrides = zip(inputs, values).map { ($0.keyPath, $0.text($1)) }
        _ = try template.scenario(overrides: overrides)
        for e in exposures { _ = try e.template.scenario(overrides: overrides) }
      }
    }
  }

  /// The likelihood of each item, in the order of `items`.
  public var likelihoods: [Inference.Likelihood] { items.map { Inference.Likelihood($0.observed, spread: $0.spread) } }

  /// Each item's fleet and the rate it measures, for the hierarchical model
  /// (`Inference.Fleets`): an analytic item measures a part's mode (`switch-board/board-hardware`),
  /// a part's hard modes (`pluggable-800g (hard modes)`) or a rate input
  /// (`input jobs[0].background_rate`); a simulated item measures no single rate and carries no
  /// fleet effect. `spreadScale` nil: the pooled model (leave-one-fleet-out still runs).
  public func fleets(spreadScale: Double?, userFleet: String?) -> Inference.Fleets {
    var groups: [String?] = [], scales: [Double] = []
    for item in items {
      var group: String?, perUnit = 1.0
      group = Self.groupName(item)?.name
      switch item.measure {
      case let .failures(_, _, u), let .inputRate(_, u): perUnit = u
      case .metric, .threshold: break
      }
      var scale = perUnit
      if case .count = item.observed, case let .unitHours(hours)? = item.exposure { scale *= hours }
      groups.append(group)
      scales.append(scale)
    }
    return Inference.Fleets(itemFleets: items.map(\.fleet), itemGroups: groups, itemScales: scales, spreadScale: spreadScale,
                            userFleet: userFleet)
  }

  /// A scenario key that a rate's fleet effect scales (docs/inference.md, "The user's cluster in
  /// the written posterior"): the new value is the old times the multiplier m to the `power`
  /// (+1 for an AFR, FIT or rate; −1 for an MTBF, or the scale or median of a Weibull, gamma or
  /// lognormal, whose mean falls as 1/m), so the rate the group measures (1 / the mean time to
  /// failure) is multiplied by m.
  package struct ScaledKey: Sendable, Hashable {
    /// The key as `--set` takes it.
    package let keyPath: String
    /// The index of the varied input it is, if it is one (its value comes from the point).
    package let input: Int?
    /// Its value in the scenario when not varied, in `unit`.
    package let base: Double
    /// The unit the value is written in.
    package let unit: String
    /// +1 for a rate, AFR or FIT; −1 for an MTBF, scale or median.
    package let power: Double
    /// For a mode that shares the group's rate (`--same-rate`): the varied key of the group it
    /// follows, with that key's scenario value and power, so the mode moves with the population
    /// rate as well as with the fleet effect. Nil otherwise.
    package var follows: (input: Int, base: Double, power: Double)? = nil

    package static func == (a: ScaledKey, b: ScaledKey) -> Bool {
      a.keyPath == b.keyPath && a.input == b.input && a.unit == b.unit && a.power == b.power
    }
    package func hash(into h: inout Hasher) { h.combine(keyPath) }

    /// The key's value in a row: the varied value (or the scenario's) times the multiplier.
    package func value(point: [Double], multiplier m: Double) -> Double {
      if let input { return point[input] * pow(m, power) }
      var rateRatio = m
      if let f = follows { rateRatio *= pow(point[f.input] / f.base, f.power) }
      return base * pow(rateRatio, power)
    }
  }

  /// The rate group of each item, as `fleets` names it, with what it measures.
  enum Measured: Hashable {
    case mode(part: String, mode: String)
    case hardModes(part: String)
    case input(String)
  }

  static func groupName(_ item: EvidenceItem) -> (name: String, measured: Measured)? {
    switch item.measure {
    case let .failures(part, mode, _):
      if let mode { return ("\(part)/\(mode)", .mode(part: part, mode: mode)) }
      return ("\(part) (hard modes)", .hardModes(part: part))
    case let .inputRate(keyPath, _): return ("input \(ScenarioLoader.normalisedKeyPath(keyPath))", .input(keyPath))
    case .metric, .threshold: return nil
    }
  }

  /// Parameters of a distribution whose product with the mean is fixed (power −1) or whose value
  /// is a rate (power +1).
  static let rateParameters: [String: Double] = ["afr": 1, "fit": 1, "rate": 1, "mtbf": -1, "scale": -1, "median": -1, "mean": -1, "sd": -1]

  /// The scenario keys that carry the rate of group `name` (a mode's rate parameter, every hard
  /// mode's, or a rate input), varied or not.
  /// - Throws: `InputErrors` when the rate cannot be scaled through its keys: a distribution
  ///   with no rate parameter (a mixture, an empirical or deterministic one), a key the scenario
  ///   draws as `{uncertain:}` (two draws of one key), a value that is not a number with a unit.
  package func scaledKeys(group name: String, sharing: [(part: String, mode: String?)] = []) throws -> [ScaledKey] {
    guard let item = items.first(where: { Self.groupName($0)?.name == name }), let measured = Self.groupName(item)?.measured else {
      return []
    }
    let varied = inputs.enumerated().map { (ScenarioLoader.normalisedKeyPath($0.element.keyPath), $0.offset) }
    let uncertain = Set(scenario.uncertainInputs.map { ScenarioLoader.normalisedKeyPath($0.keyPath) })
    var keys: [ScaledKey] = [], problems: [String] = []
    func scenarioKey(_ keyPath: String, power: Double) {
      let normal = ScenarioLoader.normalisedKeyPath(keyPath)
      if let j = varied.first(where: { $0.0 == normal })?.1 {
        keys.append(ScaledKey(keyPath: inputs[j].keyPath, input: j, base: .nan, unit: inputs[j].suffix, power: power))
        return
      }
      if uncertain.contains(normal) {
        problems.append("'\(keyPath)' is {uncertain:} in the scenario: give it a value or --vary it, or use --pooled")
        return
      }
      guard let value = template.writtenValue(at: normal) else {
        problems.append("'\(keyPath)' has no value in the scenario")
        return
      }
      let (number, unit) = Units.splitNumber(value)
      guard let number, let x = Double(number), x.isFinite, x > 0 else {
        problems.append("'\(keyPath)' = '\(value)' is not a positive number with a unit")
        return
      }
      keys.append(ScaledKey(keyPath: keyPath, input: nil, base: x, unit: unit, power: power))
    }
    func mode(_ part: String, _ m: FailureMode) {
      let prefix = "parts.\(part).modes.\(m.id).distribution."
      let written = Self.rateParameters.keys.sorted().filter { template.writtenValue(at: prefix + $0) != nil }
      // A varied rate parameter of the mode is the one scaled; otherwise the scenario's own.
      let variedHere = inputs.filter { ScenarioLoader.normalisedKeyPath($0.keyPath).hasPrefix(prefix) }
        .compactMap { i -> String? in
          let last = String(ScenarioLoader.normalisedKeyPath(i.keyPath).dropFirst(prefix.count))
          return Self.rateParameters[last] == nil ? nil : last
        }
      let parameters = variedHere.isEmpty ? written : variedHere
      guard !parameters.isEmpty else {
        problems.append("\(part)/\(m.id) is a \(m.distribution.kind) distribution with no rate, MTBF, scale or median to scale")
        return
      }
      for p in parameters { scenarioKey(prefix + p, power: Self.rateParameters[p]!) }
    }
    switch measured {
    case let .mode(part, id):
      if let m = scenario.catalog[part]?.modes.first(where: { $0.id == id }) { mode(part, m) }
    case let .hardModes(part):
      for m in scenario.catalog[part]?.modes ?? [] {
        if case .hard = m.effect, m.distribution.mean > 0 { mode(part, m) }
      }
    case let .input(keyPath):
      scenarioKey(keyPath, power: 1)
    }
    // Modes of other parts that have this rate in the user's cluster (`--same-rate`): scaled by
    // the same fleet effect, and moved with the group's varied key of the same mode when it has
    // one (OTHER = its value × (varied value / the scenario's value of that key) × m).
    let own = keys
    func follow(_ before: Int, sourcePrefix: String) {
      let varied = own.filter { $0.input != nil && ScenarioLoader.normalisedKeyPath($0.keyPath).hasPrefix(sourcePrefix) }
      guard varied.count <= 1 else {
        problems.append("--same-rate: the rate of \(sourcePrefix) is set by \(varied.count) varied keys; vary one")
        return
      }
      guard let v = varied.first, let j = v.input else { return }
      let text = template.writtenValue(at: ScenarioLoader.normalisedKeyPath(v.keyPath)) ?? ""
      guard let number = Units.splitNumber(text).number.flatMap(Double.init), number > 0, Units.splitNumber(text).unit == v.unit else {
        problems.append("--same-rate: '\(v.keyPath)' has no value in the scenario to follow, written in the unit --vary gives it ('\(v.unit)')")
        return
      }
      for k in before..<keys.count where keys[k].input == nil { keys[k].follows = (j, number, v.power) }
    }
    for (part, id) in sharing {
      guard let other = scenario.catalog[part] else {
        problems.append("--same-rate: no part '\(part)' in the catalog")
        continue
      }
      switch (measured, id) {
      case let (.mode(sourcePart, sourceMode), id?):
        guard let m = other.modes.first(where: { $0.id == id }) else {
          problems.append("--same-rate: part '\(part)' has no mode '\(id)' (its modes: \(other.modes.map(\.id).joined(separator: ", ")))")
          continue
        }
        let before = keys.count
        mode(part, m)
        follow(before, sourcePrefix: "parts.\(sourcePart).modes.\(sourceMode).distribution.")
      case let (.hardModes(sourcePart), nil):
        for m in other.modes {
          guard case .hard = m.effect, m.distribution.mean > 0 else { continue }
          let before = keys.count
          mode(part, m)
          follow(before, sourcePrefix: "parts.\(sourcePart).modes.\(m.id).distribution.")
        }
      default:
        problems.append("--same-rate \(part)\(id.map { "/\($0)" } ?? "")=\(name): a mode shares a mode's rate (PART/MODE=PART/MODE), "
          + "a part's hard modes a part's (PART=PART); a rate input is not shared")
      }
    }
    if !problems.isEmpty {
      throw InputErrors(problems.map {
        InputError(file: item.file, line: item.line, column: nil, keyPath: "fleet effect of \(name)",
                   message: "cannot write a new fleet's draws: \($0)")
      })
    }
    return keys
  }

  /// Whether any item needs a simulation.
  public var simulates: Bool { !exposures.isEmpty }

  /// The rate per hour of `keyPath` in `scenario`, if it is a rate input.
  static func inputRate(_ keyPath: String, in scenario: Scenario) -> Double? {
    let key = ScenarioLoader.normalisedKeyPath(keyPath)
    guard let value = scenario.inputs.first(where: { ScenarioLoader.normalisedKeyPath($0.keyPath) == key })?.value else { return nil }
    return try? Units.ratePerHour(from: value)
  }

  /// The rate per hour of failures of `part` (`mode`, or every hard mode) in `catalog`.
  static func failureRate(part: String, mode: String?, in catalog: PartCatalog) -> Double {
    guard let p = catalog[part] else { return .nan }
    return p.modes.reduce(0) { sum, m in
      let counted: Bool
      if let mode { counted = m.id == mode } else if case .hard = m.effect { counted = true } else { counted = false }
      let mean = m.distribution.mean
      return counted && mean > 0 ? sum + 1 / mean : sum
    }
  }

  /// What the model predicts for each item with the inputs at `values` (in the order of `inputs`).
  /// - Throws: `InputErrors` when a value is not valid for its key.
  public func predict(_ values: [Double]) throws -> Inference.Predictions {
    let overrides = zip(inputs, values).map { ($0.keyPath, $0.text($1)) }
    var out = [Double](repeating: .nan, count: items.count)
    if items.contains(where: \.isAnalytic) {
      let s = inputs.isEmpty ? scenario : try template.scenario(overrides: overrides)
      for (i, item) in items.enumerated() {
        // A rate item needs no exposure; a count item's is unit-hours (the reader made sure).
        guard case let .unitHours(hours) = item.exposure ?? .unitHours(1) else { continue }
        let rate: Double
        switch item.measure {
        case let .failures(part, mode, perUnit): rate = Self.failureRate(part: part, mode: mode, in: s.catalog) * perUnit
        case let .inputRate(keyPath, perUnit):
          // The varied value when the item observes a varied input, else the scenario's own.
          let key = ScenarioLoader.normalisedKeyPath(keyPath)
          let varied = zip(inputs, values).first { ScenarioLoader.normalisedKeyPath($0.0.keyPath) == key }
          let perHour = varied.flatMap { try? Units.ratePerHour(from: $0.0.text($0.1)) } ?? Self.inputRate(keyPath, in: scenario)
          rate = (perHour ?? .nan) * perUnit
        default: continue
        }
        // A rate item is predicted as a rate; a count item as rate × exposure.
        if case .rate = item.observed { out[i] = rate } else { out[i] = rate * hours }
      }
    }
    for e in exposures {
      var s = inputs.isEmpty ? e.scenario : try e.template.scenario(overrides: overrides)
      s.thresholds = e.thresholds
      let simulation = try Simulation(scenario: s)
      let metrics = TrialMetrics(simulation: simulation)
      let names = metrics.definitions.map(\.name)
      let statistics = simulation.statistics(trials: 0..<trials, seed: seed, metrics: metrics, threads: threads)
      for use in e.uses {
        if use.threshold {
          out[use.item] = (Double(statistics.beyond[use.index]) + 0.5) / (Double(statistics.trials) + 1)
        } else if case let .metric(name) = items[use.item].measure, let m = names.firstIndex(of: name) {
          out[use.item] = Estimate(statistics.metrics[m], unit: metrics.definitions[m].unit).mean.value
        }
      }
    }
    return out
  }
}
