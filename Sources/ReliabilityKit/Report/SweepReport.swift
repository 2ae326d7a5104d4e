import Foundation

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
  public let buildCommit = ToolVersion.commit
  public let gslVersion = ToolVersion.gsl
  public let scenario: String
  public let seed: UInt64
  public let trials: Int
  /// Key paths swept, in order.
  public let parameters: [String]
  public let rows: [SweepRow]

  /// - Parameters:
  ///   - scenario: the scenario file as given.
  ///   - parameters: the key paths swept, in order.
  ///   - results: one per grid point, in the sweep's order.
  public init(scenario: String, parameters: [String], results: [Sweep.PointResult]) {
    self.scenario = scenario
    self.parameters = parameters
    seed = results.last?.seed ?? 0
    trials = results.last?.trials ?? 0
    var rows: [SweepRow] = []
    for result in results {
      let settings = result.point.settings
      let values = Dictionary(uniqueKeysWithValues: settings.map { ($0.keyPath, $0.value) })
      let numeric = Dictionary(uniqueKeysWithValues: settings.map { ($0.keyPath, FiniteOrNull(WrittenNumber($0.value)?.value ?? .nan)) })
      for (definition, accumulator) in zip(result.metrics.definitions, result.statistics.metrics) {
        rows.append(SweepRow(parameters: values, numericParameters: numeric, metric: definition.name,
                             estimate: Estimate(accumulator, unit: definition.unit)))
      }
    }
    self.rows = rows
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
  public let buildCommit = ToolVersion.commit
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

  /// The report of a break-even search.
  /// - Parameters:
  ///   - r: the search's result.
  ///   - keyPath: the parameter searched (a scenario key path).
  ///   - range: the values searched.
  ///   - text: writes a value of the parameter with its unit, as the scenario takes it.
  public init(_ r: Breakeven.Result, keyPath: String, range: ClosedRange<Double>, text: (Double) -> String) {
    baseline = r.baseline
    alternative = r.alternative
    self.keyPath = keyPath
    metric = r.metric
    seed = r.seed
    trials = r.trials
    points = r.points.map { Point(value: $0.value, text: $0.text, difference: $0.difference) }
    crossing = FiniteOrNull(r.crossing ?? .nan)
    crossingCi95Low = FiniteOrNull(r.crossingInterval?.lowerBound ?? .nan)
    crossingCi95High = FiniteOrNull(r.crossingInterval?.upperBound ?? .nan)
    // The metric as the tables label it; the key path as the user gave it to --vary.
    let metric = Quantity.label(r.metric)
    if let x = r.crossing {
      verdict = "\(r.alternative) vs \(r.baseline): \(metric) breaks even at \(keyPath) = \(text(x))"
        + (r.crossingInterval.map { " (95% CI \(text($0.lowerBound)) .. \(text($0.upperBound)))" }
           ?? " (interval reaches beyond the range)")
    } else if r.points.allSatisfy({ $0.difference.mean.value == 0 && $0.difference.max.value == 0 && $0.difference.min.value == 0 }) {
      verdict = "\(r.alternative) vs \(r.baseline): \(metric) is the same in every trial over the whole range \(text(range.lowerBound)) .. \(text(range.upperBound)); no break-even"
    } else {
      let sign = (r.points.first?.difference.mean.value ?? 0) > 0 ? "higher" : "lower"
      verdict = "\(r.alternative) vs \(r.baseline): \(metric) is \(sign) over the whole range \(text(range.lowerBound)) .. \(text(range.upperBound)); no break-even in it"
    }
  }
}
