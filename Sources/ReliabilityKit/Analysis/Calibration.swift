import Foundation

/// Fits one or two scenario inputs so that the simulated metrics match observed figures
/// (`cposim calibrate`, docs/calibrate.md).
///
/// Every evaluation runs the same trials at the same seed (common random numbers), so the
/// objective changes only through the inputs, not through new noise. A count observed once over
/// the scenario's horizon (`--target METRIC=K`) enters by its Poisson likelihood; a figure with a
/// standard deviation (`METRIC=V+-SD`) by a normal one. The fit minimises the deviance
/// D = Σ 2[μ − k + k ln(k/μ)] + Σ ((μ − v)/sd)² over the inputs' box: a grid first, then Brent's
/// method (one input) or Nelder–Mead (two) from the best grid point. The interval of an input is
/// where D rises by χ²₁(0.95) = 3.84 above its minimum: by root-finding on the simulated D for
/// one input, and on the profile of D through a response surface linear in the inputs around the
/// fit for two (the Poisson shape of the counts is kept; only the model's response is linearised).
public enum Calibration {
  /// A figure the model should reproduce.
  public struct Target: Sendable, Equatable {
    /// The metric it constrains (a ``TrialMetrics`` name).
    public let metric: String
    /// The observed value, in the metric's unit (a count over the horizon for a Poisson target).
    public let value: Double
    /// The standard deviation of a normal target; nil for a count observed once over the
    /// scenario's horizon (Poisson).
    public let sd: Double?

    /// A target: `metric` observed at `value`, normal with `sd`, or a Poisson count when `sd` is nil.
    public init(metric: String, value: Double, sd: Double? = nil) {
      self.metric = metric
      self.value = value
      self.sd = sd
    }

    /// The target's share of the deviance at a simulated mean `mu` (0 when they agree).
    public func deviance(_ mu: Double) -> Double {
      guard mu.isFinite else { return .infinity }
      if let sd { return ((mu - value) / sd) * ((mu - value) / sd) }
      let m = max(mu, 1e-12)
      return 2 * (m - value + (value > 0 ? value * log(value / m) : 0))
    }

    /// Where the simulated mean may lie and still agree with the target at 95 %: the exact
    /// (Garwood) Poisson range of the count, or value ± 1.96 sd.
    public var band: ClosedRange<Double> {
      if let sd { return (value - 1.96 * sd)...(value + 1.96 * sd) }
      let low = value > 0 ? GSL.chiSquaredPinv(0.025, degreesOfFreedom: 2 * value) / 2 : 0
      let high = GSL.chiSquaredPinv(0.975, degreesOfFreedom: 2 * value + 2) / 2
      return low...high
    }

    /// How the band was made, in words.
    public var bandDescription: String {
      sd == nil ? "Poisson 95% range of a count of \(WrittenNumber(value: value, suffix: "").text)"
                : "target ± 1.96 sd"
    }
  }

  /// An input the fit moves, between two written bounds in the unit the key takes.
  public struct Input: Sendable, Equatable {
    /// The scenario key path moved.
    public let keyPath: String
    /// The range's lower bound, in the unit `suffix` writes.
    public let low: Double
    /// The range's upper bound, in the unit `suffix` writes.
    public let high: Double
    /// The unit as written (`h`, `%`, `/d`, or empty).
    public let suffix: String

    /// `keyPath` moved between `low` and `high`, written with `suffix`.
    public init(keyPath: String, low: Double, high: Double, suffix: String) {
      self.keyPath = keyPath
      self.low = low
      self.high = high
      self.suffix = suffix
    }

    /// Ranges over a decade or more of positive values are searched on a log scale.
    public var logScale: Bool { low > 0 && high / low >= 10 }

    /// The value at position u ∈ [0, 1] of the range.
    public func value(at u: Double) -> Double {
      let u = min(max(u, 0), 1)
      if u == 0 { return low }
      if u == 1 { return high }
      return logScale ? exp(log(low) + u * (log(high) - log(low))) : low + u * (high - low)
    }

    /// The position of a value in the range.
    public func position(of x: Double) -> Double {
      logScale ? (log(x) - log(low)) / (log(high) - log(low)) : (x - low) / (high - low)
    }

    /// The value as the scenario takes it (`0.153`, `2.1e-3/d`).
    public func text(_ x: Double) -> String { WrittenNumber(value: x, suffix: suffix).text }
  }

  /// One run of the model at given input values.
  public struct Evaluation: Sendable {
    /// The input values, in the order of the inputs.
    public let values: [Double]
    /// The estimate of each target's metric, in the order of the targets.
    public let estimates: [Estimate]
    /// The deviance D at these values (smaller is a better fit).
    public let deviance: Double
  }

  /// A fitted input with its 95 % interval.
  public struct FittedInput: Sendable {
    /// The input.
    public let input: Input
    /// Its fitted value (where D is least).
    public let value: Double
    /// Its 95 % interval: where D rises by 3.84 above its minimum, within the range.
    public let interval: ClosedRange<Double>
    /// Whether the interval stops at the range's bound rather than where the deviance rose by
    /// 3.84 (the data cannot rule out values beyond it).
    public let openAtLow: Bool
    /// The same at the upper end.
    public let openAtHigh: Bool
  }

  /// What a calibration found.
  public struct Result: Sendable {
    /// The fitted inputs, in the order given.
    public let inputs: [FittedInput]
    /// The targets, in the order given.
    public let targets: [Target]
    /// The evaluation at the fitted values.
    public let fit: Evaluation
    /// Every evaluation, in the order they ran (the notebook draws the fit from them).
    public let evaluations: [Evaluation]
    /// The seed every evaluation used.
    public let seed: UInt64
    /// Trials per evaluation.
    public let trials: Int
    /// How the fit and the intervals were made, in words.
    public let method: String
    /// Targets whose simulated mean at the fit lies outside their 95 % band.
    public var missed: [Int] {
      targets.indices.filter { !targets[$0].band.contains(fit.estimates[$0].mean.value) }
    }
  }

  /// Why a calibration cannot give a fit.
  public enum Failure: Error, CustomStringConvertible, Equatable {
    /// The best value of an input is a bound of its range and a target is still outside its band.
    case unreachable(metric: String, target: Double, simulated: Double, keyPath: String, bound: String, side: String)
    /// A target's metric is not one the scenario reports (`known` lists them).
    case unknownMetric(String, known: [String])

    public var description: String {
      switch self {
      case let .unreachable(metric, target, simulated, keyPath, bound, side):
        "no value of \(keyPath) in the range reaches \(metric)=\(WrittenNumber(value: target, suffix: "").text): "
          + "the best fit sits at its \(side) bound \(bound), where the model gives \(String(format: "%.4g", simulated)); "
          + "widen the range of --vary \(keyPath) if the key allows, fit another input, or check the target"
      case let .unknownMetric(name, known):
        "'--target' names an unknown metric '\(name)'\(Suggestion.hint(for: name, in: known))"
      }
    }
  }

  /// The rise of the deviance that bounds a 95 % interval of one input: χ²₁(0.95).
  public static let intervalRise = 3.841458820694124

  /// Fits `inputs` (one or two) to `targets`.
  /// - Parameters:
  ///   - inputs: the inputs fitted (one or two), each with its search range.
  ///   - targets: the observed values the fit matches (each with its standard error).
  ///   - trials: the trials every evaluation runs (the same trials each time: common random numbers).
  ///   - seed: the seed of those trials.
  ///   - threads: worker threads; the result does not depend on it.
  ///   - scenario: the scenario with the inputs set to the given written values (in the order of
  ///     `inputs`), as `--set` would.
  ///   - progress: called after each evaluation.
  /// - Throws: `Failure`, or what loading or building a scenario throws.
  public static func run(inputs: [Input], targets: [Target], trials: Int, seed: UInt64, threads: Int,
                         scenario: @escaping ([String]) throws -> Scenario,
                         progress: ((Evaluation, Int) -> Void)? = nil) throws -> Result {
    precondition((1...2).contains(inputs.count) && !targets.isEmpty)
    var evaluations: [Evaluation] = []
    var cache: [[Double]: Evaluation] = [:]
    var thrown: (any Error)?

    func evaluate(_ u: [Double]) throws -> Evaluation {
      let values = zip(inputs, u).map { $0.value(at: $1) }
      if let known = cache[values] { return known }
      let loaded = try scenario(zip(inputs, values).map { $0.text($1) })
      let simulation = try Simulation(scenario: loaded)
      let metrics = TrialMetrics(simulation: simulation)
      let names = metrics.definitions.map(\.name)
      let indices = try targets.map { target in
        guard let i = names.firstIndex(of: target.metric) else { throw Failure.unknownMetric(target.metric, known: names) }
        return i
      }
      let statistics = simulation.statistics(trials: 0..<trials, seed: seed, metrics: metrics, threads: threads)
      let estimates = indices.map { Estimate(statistics.metrics[$0], unit: metrics.definitions[$0].unit) }
      let deviance = zip(targets, estimates).reduce(0) { $0 + $1.0.deviance($1.1.mean.value) }
      let evaluation = Evaluation(values: values, estimates: estimates, deviance: deviance)
      cache[values] = evaluation
      evaluations.append(evaluation)
      progress?(evaluation, evaluations.count)
      return evaluation
    }
    /// The deviance at u, for GSL's callbacks (which cannot throw): the first error stops the
    /// search and is rethrown.
    func objective(_ u: [Double]) -> Double {
      guard thrown == nil else { return .infinity }
      guard u.allSatisfy({ $0 >= 0 && $0 <= 1 }) else { return .infinity }
      do { return try evaluate(u).deviance } catch { thrown = error; return .infinity }
    }

    // The grid, then the local search from its best point.
    let n = inputs.count
    let steps = n == 1 ? 9 : 5
    let axis = (0..<steps).map { Double($0) / Double(steps - 1) }
    var grid: [[Double]] = axis.map { [$0] }
    if n == 2 { grid = axis.flatMap { a in axis.map { b in [a, b] } } }
    var best = grid[0], bestDeviance = Double.infinity
    for u in grid {
      let d = try evaluate(u).deviance
      if d < bestDeviance { best = u; bestDeviance = d }
    }
    let cell = 1 / Double(steps - 1)
    if n == 1 {
      let u = best[0]
      let lower = max(0, u - cell), upper = min(1, u + cell)
      if u > 0, u < 1, objective([lower]) > bestDeviance, objective([upper]) > bestDeviance,
         let found = GSL.minimize1D(lower: lower, guess: u, upper: upper, tolerance: 1e-3, maxIterations: 40, f: { objective([$0]) }) {
        if let thrown { throw thrown }
        if found.value < bestDeviance { best = [found.x]; bestDeviance = found.value }
      }
    } else {
      let found = GSL.minimize(start: best, step: cell / 2, tolerance: 1e-3, maxIterations: 80, f: objective)
      if let thrown { throw thrown }
      if found.value < bestDeviance, found.x.allSatisfy({ $0 >= 0 && $0 <= 1 }) { best = found.x; bestDeviance = found.value }
    }
    if let thrown { throw thrown }
    // The fitted values are written with four significant digits (more would claim a precision
    // the intervals deny); the fit is evaluated where it is written.
    best = zip(inputs, best).map { input, u in
      let rounded = Double(String(format: "%.4g", input.value(at: u)))!
      return min(max(input.position(of: rounded), 0), 1)
    }
    let fit = try evaluate(best)

    // A target the range cannot reach: the fit rests on a bound and misses the target's band.
    for (i, input) in inputs.enumerated() where best[i] <= 1e-9 || best[i] >= 1 - 1e-9 {
      for (t, target) in targets.enumerated() where !target.band.contains(fit.estimates[t].mean.value) {
        let atLow = best[i] <= 1e-9
        throw Failure.unreachable(metric: target.metric, target: target.value, simulated: fit.estimates[t].mean.value,
                                  keyPath: input.keyPath, bound: input.text(atLow ? input.low : input.high),
                                  side: atLow ? "low" : "high")
      }
    }

    // Intervals.
    var fitted: [FittedInput] = []
    if n == 1 {
      let input = inputs[0], u = best[0]
      let rise = { (x: Double) in objective([x]) - bestDeviance - intervalRise }
      func side(_ bound: Double) throws -> (Double, open: Bool) {
        if rise(bound) <= 0 { return (bound, true) }
        if let thrown { throw thrown }
        let root = GSL.findRoot(lower: min(bound, u), upper: max(bound, u), tolerance: 4e-3, relativeTolerance: 0,
                                maxIterations: 20, f: rise) ?? bound
        if let thrown { throw thrown }
        return (root, false)
      }
      let (low, openLow) = try side(0), (high, openHigh) = try side(1)
      fitted.append(FittedInput(input: input, value: input.value(at: u),
                                interval: input.value(at: low)...input.value(at: high), openAtLow: openLow, openAtHigh: openHigh))
    } else {
      // The response of each target's mean, linear in the positions around the fit.
      var slopes = [[Double]](repeating: [0, 0], count: targets.count)
      for i in 0..<2 {
        var up = best, down = best
        up[i] = min(1, best[i] + 0.05)
        down[i] = max(0, best[i] - 0.05)
        let eUp = try evaluate(up), eDown = try evaluate(down)
        for t in targets.indices {
          slopes[t][i] = (eUp.estimates[t].mean.value - eDown.estimates[t].mean.value) / (up[i] - down[i])
        }
      }
      let centre = fit.estimates.map(\.mean.value)
      func linear(_ u: [Double]) -> Double {
        targets.indices.reduce(0) { sum, t in
          sum + targets[t].deviance(centre[t] + slopes[t][0] * (u[0] - best[0]) + slopes[t][1] * (u[1] - best[1]))
        }
      }
      let minimum = linear(best)
      for i in 0..<2 {
        let j = 1 - i
        // The least deviance over the other input with this one at x: a 21-point grid, then
        // Brent's method around the grid's best point.
        func profile(_ x: Double) -> Double {
          var u = best
          u[i] = x
          let fixed = u
          let along = { (y: Double) -> Double in var v = fixed; v[j] = y; return linear(v) }
          let start = (0...20).map { Double($0) / 20 }.min { along($0) < along($1) }!
          var lowest = along(start)
          if let refined = GSL.minimize1D(lower: max(0, start - 0.05), guess: start, upper: min(1, start + 0.05),
                                          tolerance: 1e-6, f: along) {
            lowest = min(lowest, refined.value)
          }
          return lowest - minimum - intervalRise
        }
        func side(_ bound: Double) -> (Double, open: Bool) {
          if profile(bound) <= 0 { return (bound, true) }
          return (GSL.findRoot(lower: min(bound, best[i]), upper: max(bound, best[i]), tolerance: 1e-6, relativeTolerance: 0,
                               f: profile) ?? bound, false)
        }
        let (low, openLow) = side(0), (high, openHigh) = side(1)
        fitted.append(FittedInput(input: inputs[i], value: inputs[i].value(at: best[i]),
                                  interval: inputs[i].value(at: low)...inputs[i].value(at: high), openAtLow: openLow, openAtHigh: openHigh))
      }
    }
    let search = n == 1 ? "a 9-point grid, then Brent's method" : "a 5x5 grid, then Nelder-Mead (GSL nmsimplex2)"
    let intervals = n == 1 ? "where the simulated deviance rises by 3.84"
                           : "where the profile deviance rises by 3.84, through a response linear in the inputs around the fit"
    let likelihood = targets.contains { $0.sd == nil }
      ? (targets.contains { $0.sd != nil } ? "Poisson and normal maximum likelihood" : "Poisson maximum likelihood")
      : "normal maximum likelihood"
    return Result(inputs: fitted, targets: targets, fit: fit, evaluations: evaluations, seed: seed, trials: trials,
                  method: "\(likelihood) on common random numbers (\(trials) trials at seed \(seed) per evaluation): \(search); 95% intervals \(intervals)")
  }
}
