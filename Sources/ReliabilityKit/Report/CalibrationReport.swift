import Foundation

/// The JSON of `cposim calibrate` (docs/report.md, `"kind": "calibration"`): the fitted inputs
/// with their intervals, each target against the model at the fit, and every evaluation, so a
/// notebook or `cposim report` can draw the fit.
public struct CalibrationReport: Encodable, Sendable {
  /// A fitted input with its 95 % interval.
  public struct FittedInput: Encodable, Sendable {
    /// The scenario key path fitted.
    public let keyPath: String
    /// The search range's lower bound, in the unit `suffix` writes.
    public let low: Double
    /// The search range's upper bound, in the unit `suffix` writes.
    public let high: Double
    /// The unit as written (`h`, `%`, `/d`), empty for plain numbers.
    public let suffix: String
    /// The fitted value (least deviance), in the unit `suffix` writes.
    public let fitted: Double
    /// The fitted value as the scenario takes it (`2.1e-3/d`).
    public let fittedText: String
    /// Lower end of the 95 % interval: where the deviance rises by 3.84 above its minimum, within the range.
    public let ci95Low: Double
    /// Upper end of the 95 % interval.
    public let ci95High: Double
    /// Whether the interval stops at a bound of the range (the data allow values beyond it).
    public let ci95OpenAtLow: Bool
    /// Whether the interval stops at the range's upper bound.
    public let ci95OpenAtHigh: Bool
  }

  /// A target against the model at the fitted inputs.
  public struct TargetResult: Encodable, Sendable {
    /// The metric it constrains (a ``TrialMetrics`` name).
    public let metric: String
    /// The observed value, in the metric's unit (a count over the horizon for a Poisson target).
    public let value: Double
    /// The standard deviation of a normal target; null for a Poisson count.
    public let sd: FiniteOrNull
    /// Lower end of the band the simulated mean may lie in and agree at 95 % (Garwood's exact Poisson range, or value − 1.96 sd).
    public let low: Double
    /// Upper end of the band.
    public let high: Double
    /// How the band was made, in words.
    public let band: String
    /// The model's estimate at the fitted inputs.
    public let simulated: Estimate
    /// Simulated mean − target.
    public let residual: Double
    /// Whether the simulated mean lies inside the band.
    public let met: Bool
  }

  /// One run of the model at given input values.
  public struct Evaluation: Encodable, Sendable {
    /// Input values by key path.
    public let inputs: [String: Double]
    /// The estimate of each target's metric, by name.
    public let metrics: [String: Estimate]
    /// The deviance D at these values (smaller is a better fit).
    public let deviance: FiniteOrNull
  }

  /// What made the report.
  public struct Source: Encodable, Sendable {
    /// cposim's version.
    public let toolVersion: String
    /// The git commit of the build that computed the evaluations.
    public var buildCommit = ToolVersion.commit
    /// The GNU Scientific Library's version.
    public let gslVersion: String
    /// The random number generator (`taus2`).
    public let generator: String
    /// The seed every evaluation used.
    public let seed: UInt64
    /// Trials per evaluation.
    public let trials: Int
    /// The scenario file and every file it extends.
    public let scenarioFiles: [String]
    /// The day of the fit, YYYY-MM-DD.
    public let date: String
  }

  /// The report's `schema_version`; bumped on any breaking change.
  public static let schemaVersion = 1
  /// `calibration`.
  public let kind = "calibration"
  /// The report's `schema_version`.
  public let schemaVersion = CalibrationReport.schemaVersion
  /// The scenario file, as given.
  public let scenario: String
  /// The calibrated scenario written, or null.
  public let outputScenario: Nullable<String>
  /// How the fit and the intervals were made, in words.
  public let method: String
  /// The fitted inputs, in the order given.
  public let inputs: [FittedInput]
  /// The targets at the fit, in the order given.
  public let targets: [TargetResult]
  /// Every evaluation, in the order they ran.
  public let evaluations: [Evaluation]
  /// One sentence: what was fitted, and whether every target is inside its band.
  public let verdict: String
  /// What made the report.
  public let provenance: Source

  /// - Parameters:
  ///   - r: the fit, from ``Calibration/run(inputs:targets:trials:seed:threads:scenario:progress:)``.
  ///   - scenario: the scenario file as given.
  ///   - files: it and every file it extends (their SHA-256 go into the provenance).
  ///   - outputScenario: the calibrated scenario file written, if any.
  ///   - date: the day of the fit (YYYY-MM-DD), written into the calibrated scenario's provenance.
  public init(_ r: Calibration.Result, scenario: String, files: [String], outputScenario: String?, date: String) {
    self.scenario = scenario
    self.outputScenario = Nullable(outputScenario)
    method = r.method
    inputs = r.inputs.map { f in
      FittedInput(keyPath: f.input.keyPath, low: f.input.low, high: f.input.high, suffix: f.input.suffix,
                  fitted: f.value, fittedText: f.input.text(f.value),
                  ci95Low: f.interval.lowerBound, ci95High: f.interval.upperBound,
                  ci95OpenAtLow: f.openAtLow, ci95OpenAtHigh: f.openAtHigh)
    }
    targets = zip(r.targets, r.fit.estimates).map { target, estimate in
      TargetResult(metric: target.metric, value: target.value, sd: FiniteOrNull(target.sd ?? .nan),
                   low: target.band.lowerBound, high: target.band.upperBound, band: target.bandDescription,
                   simulated: estimate, residual: estimate.mean.value - target.value,
                   met: target.band.contains(estimate.mean.value))
    }
    evaluations = r.evaluations.map { e in
      Evaluation(inputs: Dictionary(uniqueKeysWithValues: zip(r.inputs.map(\.input.keyPath), e.values).map { ($0, $1) }),
                 metrics: Dictionary(zip(r.targets.map(\.metric), e.estimates), uniquingKeysWith: { a, _ in a }),
                 deviance: FiniteOrNull(e.deviance))
    }
    verdict = Self.verdict(r)
    provenance = Source(toolVersion: ToolVersion.current, gslVersion: ToolVersion.gsl, generator: RandomSource.generatorName,
                        seed: r.seed, trials: r.trials, scenarioFiles: files, date: date)
  }

  /// One sentence: what was fitted, and whether every target is met.
  static func verdict(_ r: Calibration.Result) -> String {
    let fitted = r.inputs.map { f in
      "\(f.input.keyPath) = \(f.input.text(f.value)) (95% CI \(f.input.text(f.interval.lowerBound)) .. \(f.input.text(f.interval.upperBound)))"
    }.joined(separator: ", ")
    let missed = r.missed
    if missed.isEmpty {
      return "\(fitted); every target is inside its 95% band"
    }
    let names = missed.map { r.targets[$0].metric }.joined(separator: ", ")
    return "\(fitted); outside the 95% band: \(names) (the inputs varied cannot match every target at once)"
  }
}
