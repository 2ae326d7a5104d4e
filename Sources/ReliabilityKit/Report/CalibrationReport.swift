import Foundation

/// The JSON of `cposim calibrate` (docs/report.md, `"kind": "calibration"`): the fitted inputs
/// with their intervals, each target against the model at the fit, and every evaluation, so a
/// notebook or `cposim report` can draw the fit.
public struct CalibrationReport: Encodable, Sendable {
  public struct FittedInput: Encodable, Sendable {
    public let keyPath: String
    public let low: Double
    public let high: Double
    public let suffix: String
    public let fitted: Double
    public let fittedText: String
    public let ci95Low: Double
    public let ci95High: Double
    /// Whether the interval stops at a bound of the range (the data allow values beyond it).
    public let ci95OpenAtLow: Bool
    public let ci95OpenAtHigh: Bool
  }

  public struct TargetResult: Encodable, Sendable {
    public let metric: String
    public let value: Double
    public let sd: FiniteOrNull
    public let low: Double
    public let high: Double
    public let band: String
    /// The model's estimate at the fitted inputs.
    public let simulated: Estimate
    /// Simulated mean − target.
    public let residual: Double
    /// Whether the simulated mean lies inside the band.
    public let met: Bool
  }

  public struct Evaluation: Encodable, Sendable {
    /// Input values by key path.
    public let inputs: [String: Double]
    /// The estimate of each target's metric, by name.
    public let metrics: [String: Estimate]
    public let deviance: FiniteOrNull
  }

  public struct Source: Encodable, Sendable {
    public let toolVersion: String
    public var buildCommit = ToolVersion.commit
    public let gslVersion: String
    public let generator: String
    public let seed: UInt64
    public let trials: Int
    public let scenarioFiles: [String]
    public let date: String
  }

  public static let schemaVersion = 1
  public let kind = "calibration"
  public let schemaVersion = CalibrationReport.schemaVersion
  public let scenario: String
  public let outputScenario: Nullable<String>
  public let method: String
  public let inputs: [FittedInput]
  public let targets: [TargetResult]
  public let evaluations: [Evaluation]
  public let verdict: String
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
