import Foundation

/// A number with an optional unit suffix as written (`100000h`, `1.5%`, `4`), so a sweep can
/// interpolate between two written values and write them back in the same form.
public struct WrittenNumber: Sendable, Equatable {
  public let value: Double
  public let suffix: String

  public init?(_ text: String) {
    let (number, unit) = Units.splitNumber(text.trimmingWhitespace())
    guard let number, let value = Double(number), value.isFinite else { return nil }
    self.value = value
    suffix = unit
  }

  public init(value: Double, suffix: String) {
    self.value = value
    self.suffix = suffix
  }

  public var text: String { String(format: "%.6g", value) + suffix }
}

/// One row of a sweep's tidy table: the point's parameter values, one metric, its estimate.
public struct SweepRow: Encodable, Sendable {
  /// Parameter values as written (`100000h`), by key path.
  public let parameters: [String: String]
  /// Parameter values as numbers (null when not numeric), by key path.
  public let numericParameters: [String: FiniteOrNull]
  public let metric: String
  public let estimate: Estimate
}

/// The JSON of `cposim sweep`: a tidy table, one row per grid point and metric.
public struct SweepReport: Encodable, Sendable {
  public static let schemaVersion = 1
  public let schemaVersion = SweepReport.schemaVersion
  public let toolVersion = ToolVersion.current
  public let gslVersion = ToolVersion.gsl
  public let scenario: String
  public let seed: UInt64
  public let trials: Int
  /// Key paths swept, in order.
  public let parameters: [String]
  public let rows: [SweepRow]
}

/// Runs a grid of one or two parameters over a scenario. Every point uses the same seed, so
/// neighbouring points share failure draws and the curves are smooth (common random numbers).
public enum Sweep {
  public static func run(scenario path: String, grid: [(keyPath: String, values: [String])], trials: Int?, seed: UInt64?,
                         threads: Int, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> SweepReport {
    var points: [[ScenarioLoader.Override]] = [[]]
    for (keyPath, values) in grid {
      points = points.flatMap { point in values.map { point + [ScenarioLoader.Override(keyPath: keyPath, value: $0)] } }
    }
    var rows: [SweepRow] = []
    var usedSeed: UInt64 = 0, usedTrials = 0
    for (index, point) in points.enumerated() {
      let scenario = try ScenarioLoader.load(path: path, overrides: point)
      let simulation = try Simulation(scenario: scenario)
      usedSeed = seed ?? scenario.seed
      usedTrials = trials ?? scenario.trials
      let metrics = TrialMetrics(simulation: simulation)
      let (statistics, _) = simulation.statistics(trials: 0..<usedTrials, seed: usedSeed, metrics: metrics, threads: threads)
      let parameters = Dictionary(uniqueKeysWithValues: point.map { ($0.keyPath, $0.value) })
      let numeric = Dictionary(uniqueKeysWithValues: point.map { ($0.keyPath, FiniteOrNull(WrittenNumber($0.value)?.value ?? .nan)) })
      for (definition, accumulator) in zip(metrics.definitions, statistics.metrics) {
        rows.append(SweepRow(parameters: parameters, numericParameters: numeric, metric: definition.name,
                             estimate: Estimate(accumulator, unit: definition.unit)))
      }
      progress?(index + 1, points.count)
    }
    return SweepReport(scenario: path, seed: usedSeed, trials: usedTrials, parameters: grid.map(\.keyPath), rows: rows)
  }
}

/// The JSON of `cposim breakeven`: where scenario B's metric crosses scenario A's as one
/// parameter varies, with an interval.
public struct BreakevenReport: Encodable, Sendable {
  public struct Point: Encodable, Sendable {
    public let value: Double
    public let text: String
    /// B − A, paired over trials (common random numbers).
    public let difference: Estimate
  }

  public static let schemaVersion = 1
  public let schemaVersion = BreakevenReport.schemaVersion
  public let toolVersion = ToolVersion.current
  public let baseline: String
  public let alternative: String
  public let keyPath: String
  public let metric: String
  public let seed: UInt64
  public let trials: Int
  /// Evaluated points, in increasing parameter value.
  public let points: [Point]
  /// The parameter value where the mean difference crosses zero (linear interpolation between
  /// the bracketing points), or null when it does not cross in the range.
  public let crossing: FiniteOrNull
  /// Where the 95 % interval bounds of the difference cross zero; null on a side where a bound
  /// stays on one side of zero over the whole range.
  public let crossingCi95Low: FiniteOrNull
  public let crossingCi95High: FiniteOrNull
  public let verdict: String
}

public enum Breakeven {
  /// Evaluates B − A of `metric` at `points` values evenly spread over `range`, then bisects the
  /// bracket of the first sign change `refinements` times.
  public static func run(baseline: String, alternative: String, keyPath: String, range: (WrittenNumber, WrittenNumber),
                         metric: String, points: Int, refinements: Int, trials: Int?, seed: UInt64?, threads: Int,
                         progress: (@Sendable (String) -> Void)? = nil) throws -> BreakevenReport {
    var evaluated: [BreakevenReport.Point] = []
    var names = ("", "")
    var usedSeed: UInt64 = 0, usedTrials = 0
    func evaluate(_ x: Double) throws -> BreakevenReport.Point {
      let text = WrittenNumber(value: x, suffix: range.0.suffix).text
      let override = [ScenarioLoader.Override(keyPath: keyPath, value: text)]
      let a = try ScenarioLoader.load(path: baseline, overrides: override)
      let b = try ScenarioLoader.load(path: alternative, overrides: override)
      names = (a.name, b.name)
      usedSeed = seed ?? a.seed
      usedTrials = trials ?? a.trials
      let comparison = Comparison(simulations: [try Simulation(scenario: a), try Simulation(scenario: b)])
      guard let index = comparison.sharedMetrics.firstIndex(where: { $0.name == metric }) else {
        throw BreakevenError.unknownMetric(metric, known: comparison.sharedMetrics.map(\.name))
      }
      let statistics = comparison.run(trials: 0..<usedTrials, seed: usedSeed, threads: threads)
      progress?("\(keyPath)=\(text)")
      return .init(value: x, text: text, difference: Estimate(statistics.differences[0][index], unit: comparison.sharedMetrics[index].unit))
    }
    let lo = range.0.value, hi = range.1.value
    for i in 0..<points { evaluated.append(try evaluate(lo + (hi - lo) * Double(i) / Double(max(points - 1, 1)))) }
    func mean(_ p: BreakevenReport.Point) -> Double { p.difference.mean.value }
    if var bracket = zip(evaluated, evaluated.dropFirst()).first(where: { mean($0) * mean($1) <= 0 }) {
      for _ in 0..<refinements {
        let middle = try evaluate((bracket.0.value + bracket.1.value) / 2)
        evaluated.append(middle)
        bracket = mean(bracket.0) * mean(middle) <= 0 ? (bracket.0, middle) : (middle, bracket.1)
      }
    }
    evaluated.sort { $0.value < $1.value }
    func crossing(_ y: (BreakevenReport.Point) -> Double) -> Double? {
      for (p, q) in zip(evaluated, evaluated.dropFirst()) where y(p).isFinite && y(q).isFinite && y(p) * y(q) <= 0 {
        if y(p) == y(q) { return p.value }
        return p.value + (q.value - p.value) * (0 - y(p)) / (y(q) - y(p))
      }
      return nil
    }
    let x = crossing(mean)
    let bounds = [crossing { $0.difference.ci95Low.value }, crossing { $0.difference.ci95High.value }].compactMap { $0 }.sorted()
    let verdict: String
    if let x {
      verdict = "\(names.1) vs \(names.0): \(metric) breaks even at \(keyPath) = \(WrittenNumber(value: x, suffix: range.0.suffix).text)"
        + (bounds.count == 2 ? " (95% CI \(WrittenNumber(value: bounds[0], suffix: range.0.suffix).text) .. \(WrittenNumber(value: bounds[1], suffix: range.0.suffix).text))" : " (interval reaches beyond the range)")
    } else {
      let sign = mean(evaluated[0]) > 0 ? "higher" : "lower"
      verdict = "\(names.1) vs \(names.0): \(metric) is \(sign) over the whole range \(range.0.text) .. \(range.1.text); no break-even in it"
    }
    return BreakevenReport(baseline: names.0, alternative: names.1, keyPath: keyPath, metric: metric, seed: usedSeed, trials: usedTrials,
                           points: evaluated, crossing: FiniteOrNull(x ?? .nan),
                           crossingCi95Low: FiniteOrNull(bounds.count == 2 ? bounds[0] : .nan),
                           crossingCi95High: FiniteOrNull(bounds.count == 2 ? bounds[1] : .nan), verdict: verdict)
  }
}

public enum BreakevenError: Error, CustomStringConvertible {
  case unknownMetric(String, known: [String])
  public var description: String {
    switch self {
    case let .unknownMetric(name, known):
      "unknown metric '\(name)'\(Suggestion.hint(for: name, in: known)); metrics: \(known.joined(separator: ", "))"
    }
  }
}
