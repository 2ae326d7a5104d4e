import Foundation

/// One row of a sweep's tidy table: the point's parameter values, one metric, its estimate.
public struct SweepRow: Encodable, Sendable {
  /// Parameter values as written (`100000h`), by key path.
  public let parameters: [String: String]
  /// Parameter values as numbers (null when not numeric), by key path.
  public let numericParameters: [String: FiniteOrNull]
  /// The metric's name (a ``TrialMetrics`` name).
  public let metric: String
  /// The metric's estimate over the point's trials.
  public let estimate: Estimate
}

/// The JSON of `cposim sweep`: a tidy table, one row per grid point and metric.
public struct SweepReport: Encodable, Sendable {
  /// The report's `schema_version`; bumped on any breaking change.
  public static let schemaVersion = 1
  /// The report's `schema_version`.
  public let schemaVersion = SweepReport.schemaVersion
  /// cposim's version.
  public let toolVersion = ToolVersion.current
  /// The git commit of the build that wrote the report.
  public let buildCommit = ToolVersion.commit
  /// The GNU Scientific Library's version.
  public let gslVersion = ToolVersion.gsl
  /// The scenario file, as given.
  public let scenario: String
  /// The master seed every point ran with (common random numbers across points).
  public let seed: UInt64
  /// Trials per point.
  public let trials: Int
  /// Key paths swept, in order.
  public let parameters: [String]
  /// One row per grid point and metric, in the sweep's order.
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
  /// One evaluated value of the parameter.
  public struct Point: Encodable, Sendable {
    /// The parameter's value as a number in the unit `--range` is written in (`text` adds the unit).
    public let value: Double
    /// The value as written, with its unit.
    public let text: String
    /// B − A, paired over trials (common random numbers).
    public let difference: Estimate
  }

  /// The report's `schema_version`; bumped on any breaking change.
  public static let schemaVersion = 1
  /// The report's `schema_version`.
  public let schemaVersion = BreakevenReport.schemaVersion
  /// cposim's version.
  public let toolVersion = ToolVersion.current
  /// The git commit of the build that wrote the report.
  public let buildCommit = ToolVersion.commit
  /// Scenario A's name.
  public let baseline: String
  /// Scenario B's name.
  public let alternative: String
  /// The parameter varied (a scenario key path).
  public let keyPath: String
  /// The metric compared (a ``TrialMetrics`` name).
  public let metric: String
  /// The master seed every point ran with.
  public let seed: UInt64
  /// Trials per point.
  public let trials: Int
  /// Evaluated points, in increasing parameter value.
  public let points: [Point]
  /// The parameter value where the mean difference crosses zero (linear interpolation between
  /// the bracketing points), or null when it does not cross in the range.
  public let crossing: FiniteOrNull
  /// Where the 95 % interval bounds of the difference cross zero; null on a side where a bound
  /// stays on one side of zero over the whole range.
  public let crossingCi95Low: FiniteOrNull
  /// The other end of that interval; null as for `crossingCi95Low`.
  public let crossingCi95High: FiniteOrNull
  /// One sentence: where B breaks even with A, or on which side it stays.
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
