import Foundation

/// Runs a grid of scenarios that differ in one or two parameters. Every point uses the same
/// seed, so neighbouring points share failure draws and the curves are smooth (common random
/// numbers). The scenarios are loaded by the caller (the CLI applies `--set` overrides).
public enum Sweep {
  /// One grid point: the values set (key path and value as written) and the scenario they give.
  public struct Point: Sendable {
    /// The key paths set and their values, as written.
    public let settings: [(keyPath: String, value: String)]
    /// The scenario with those values.
    public let scenario: Scenario
    /// A point with its settings and the scenario they give.
    public init(settings: [(keyPath: String, value: String)], scenario: Scenario) {
      self.settings = settings
      self.scenario = scenario
    }
  }

  /// What one point gave.
  public struct PointResult: Sendable {
    /// The point run.
    public let point: Point
    /// Its metrics.
    public let metrics: TrialMetrics
    /// What its trials gave.
    public let statistics: RunStatistics
    /// The seed every point used.
    public let seed: UInt64
    /// Trials per point.
    public let trials: Int
  }

  /// Runs every point with `trials` trials and `seed` (default: each point's scenario's).
  /// - Throws: `ModelError` when a point's plant cannot be built.
  public static func run(points: [Point], trials: Int?, seed: UInt64?, threads: Int,
                         progress: (@Sendable (Int, Int) -> Void)? = nil) throws(ModelError) -> [PointResult] {
    var results: [PointResult] = []
    for (index, point) in points.enumerated() {
      let simulation = try Simulation(scenario: point.scenario)
      let usedSeed = seed ?? point.scenario.seed
      let usedTrials = trials ?? point.scenario.trials
      let metrics = TrialMetrics(simulation: simulation)
      let statistics = simulation.statistics(trials: 0..<usedTrials, seed: usedSeed, metrics: metrics, threads: threads)
      results.append(PointResult(point: point, metrics: metrics, statistics: statistics, seed: usedSeed, trials: usedTrials))
      progress?(index + 1, points.count)
    }
    return results
  }
}

/// Where scenario B's metric crosses scenario A's as one parameter varies, with an interval.
public enum Breakeven {
  /// One evaluated value of the parameter.
  public struct Point: Sendable {
    /// The parameter's value.
    public let value: Double
    /// The value as the scenario took it (with its unit).
    public let text: String
    /// B − A, paired over trials (common random numbers).
    public let difference: Estimate
  }

  /// What the search found.
  public struct Result: Sendable {
    /// Scenario A's name.
    public let baseline: String
    /// Scenario B's name.
    public let alternative: String
    /// The metric compared.
    public let metric: String
    /// The seed every value used.
    public let seed: UInt64
    /// Paired trials per value.
    public let trials: Int
    /// Evaluated points, in increasing parameter value.
    public let points: [Point]
    /// Where the mean difference crosses zero (linear interpolation), or nil.
    public let crossing: Double?
    /// Where the bounds of the difference's 95 % interval cross zero: both, or neither.
    public let crossingInterval: ClosedRange<Double>?
  }

  /// Evaluates B − A of `metric` at `points` values evenly spread over `range`, then bisects the
  /// bracket of the first sign change `refinements` times.
  /// - Parameters:
  ///   - range: the parameter's values searched, in the unit `text` writes.
  ///   - text: writes a value of the parameter as the scenario takes it (with its unit).
  ///   - metric: the metric whose paired difference B − A is evaluated (a `TrialMetrics` name).
  ///   - points: values evaluated evenly over `range`, both ends included, before bisection.
  ///   - refinements: bisections of the first bracket where the mean difference changes sign.
  ///   - trials: paired trials per value (default: the scenario's `trials`).
  ///   - seed: the master seed (default: the scenario's `seed`); every value runs the same trials.
  ///   - threads: worker threads; the result does not depend on it.
  ///   - scenarios: the baseline and alternative scenarios with the parameter set to a value
  ///     written by `text`.
  ///   - wholeNumbers: the parameter takes whole numbers: points are rounded (and not repeated)
  ///     and bisection stops when the bracket holds no whole number inside it.
  ///   - progress: called with each value's text (as `text` writes it) once it is evaluated.
  public static func run(range: ClosedRange<Double>, text: (Double) -> String, metric: String, points: Int, refinements: Int,
                         trials: Int?, seed: UInt64?, threads: Int, wholeNumbers: Bool = false,
                         scenarios: (String) throws -> (Scenario, Scenario),
                         progress: ((String) -> Void)? = nil) throws -> Result {
    var evaluated: [Point] = []
    var names = ("", "")
    var usedSeed: UInt64 = 0, usedTrials = 0
    func evaluate(_ x: Double) throws -> Point {
      let text = text(x)
      let (a, b) = try scenarios(text)
      names = (a.name, b.name)
      usedSeed = seed ?? a.seed
      usedTrials = trials ?? a.trials
      let comparison = Comparison(simulations: [try Simulation(scenario: a), try Simulation(scenario: b)])
      guard let index = comparison.sharedMetrics.firstIndex(where: { $0.name == metric }) else {
        throw BreakevenError.unknownMetric(metric, known: comparison.sharedMetrics.map(\.name))
      }
      let statistics = comparison.run(trials: usedTrials, seed: usedSeed, threads: threads)
      progress?(text)
      return Point(value: x, text: text, difference: Estimate(difference: statistics.differences[0][index], unit: comparison.sharedMetrics[index].unit))
    }
    let lo = range.lowerBound, hi = range.upperBound
    var values: [Double] = []
    for i in 0..<points {
      var x = lo + (hi - lo) * Double(i) / Double(max(points - 1, 1))
      if wholeNumbers { x = x.rounded() }
      if !values.contains(x) { values.append(x) }
    }
    for x in values { evaluated.append(try evaluate(x)) }
    func mean(_ p: Point) -> Double { p.difference.mean.value }
    /// A sign change between two points (two exact zeros are no change: B equals A there).
    func changes(_ a: Double, _ b: Double) -> Bool { a * b <= 0 && !(a == 0 && b == 0) }
    if var bracket = zip(evaluated, evaluated.dropFirst()).first(where: { changes(mean($0), mean($1)) }) {
      for _ in 0..<refinements {
        var x = (bracket.0.value + bracket.1.value) / 2
        if wholeNumbers {
          x = x.rounded(.down)
          if x <= bracket.0.value || x >= bracket.1.value { break }
        }
        let middle = try evaluate(x)
        evaluated.append(middle)
        bracket = changes(mean(bracket.0), mean(middle)) ? (bracket.0, middle) : (middle, bracket.1)
      }
    }
    evaluated.sort { $0.value < $1.value }
    func crossing(_ y: (Point) -> Double) -> Double? {
      for (p, q) in zip(evaluated, evaluated.dropFirst()) where y(p).isFinite && y(q).isFinite && changes(y(p), y(q)) {
        if y(p) == y(q) { return p.value }
        return p.value + (q.value - p.value) * (0 - y(p)) / (y(q) - y(p))
      }
      return nil
    }
    let bounds = [crossing { $0.difference.ci95Low.value }, crossing { $0.difference.ci95High.value }].compactMap { $0 }.sorted()
    return Result(baseline: names.0, alternative: names.1, metric: metric, seed: usedSeed, trials: usedTrials, points: evaluated,
                  crossing: crossing(mean), crossingInterval: bounds.count == 2 ? bounds[0]...bounds[1] : nil)
  }
}

/// Why a break-even search cannot run.
public enum BreakevenError: Error, CustomStringConvertible {
  /// The metric is not one both scenarios report (`known` lists theirs).
  case unknownMetric(String, known: [String])
  public var description: String {
    switch self {
    case let .unknownMetric(name, known):
      "unknown metric '\(name)'\(Suggestion.hint(for: name, in: known)); metrics: \(known.joined(separator: ", "))"
    }
  }
}
