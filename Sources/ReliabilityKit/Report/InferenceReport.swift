import Foundation

/// The JSON of `cposim infer` (`"kind": "inference"`, schemas/inference.schema.json,
/// docs/inference.md): the posterior of the inputs, the posterior predictive check of every
/// evidence item and the final population as weighted joint draws.
public struct InferenceReport: Encodable, Sendable {
  public struct Input: Encodable, Sendable {
    public let keyPath: String
    public let prior: String
    public let suffix: String
    public let mean: FiniteOrNull
    public let sd: FiniteOrNull
    public let meanStandardError: FiniteOrNull
    public let p5: FiniteOrNull
    public let p50: FiniteOrNull
    public let p95: FiniteOrNull
  }

  public struct Item: Encodable, Sendable {
    public let name: String
    public let fleet: String
    public let source: String
    public let file: String
    public let line: Nullable<Int>
    /// What was counted, in words.
    public let measure: String
    /// `analytic` or `simulated`.
    public let prediction: String
    /// `poisson`, `negative_binomial`, `lognormal_rate` or `bernoulli`.
    public let likelihood: String
    /// The count seen (null for a rate or a threshold).
    public let observedCount: Nullable<Int>
    /// The rate seen per unit-hour and its 90 % range (null unless a rate item).
    public let observedRatePerUnitHour: Nullable<FiniteOrNull>
    public let observedRateLow: Nullable<FiniteOrNull>
    public let observedRateHigh: Nullable<FiniteOrNull>
    public let observed: String
    public let spread: Double
    public let exposureUnitHours: Nullable<FiniteOrNull>
    public let exposureScenario: Nullable<String>
    /// The posterior mean of the prediction: a mean count, a rate per unit-hour or a probability.
    public let predicted: FiniteOrNull
    public let predictiveLow: Nullable<FiniteOrNull>
    public let predictiveHigh: Nullable<FiniteOrNull>
    public let pValue: FiniteOrNull
    public let conflict: Bool
  }

  public struct Draws: Encodable, Sendable {
    /// The key paths, in the order of each row's values.
    public let keys: [String]
    public let values: [[FiniteOrNull]]
    /// Normalised importance weights (they sum to 1).
    public let weights: [FiniteOrNull]
  }

  public static let schemaVersion = 1
  public let kind = "inference"
  public let schemaVersion = InferenceReport.schemaVersion
  public let toolVersion = ToolVersion.current
  public let gslVersion = ToolVersion.gsl
  public let generator = RandomSource.generatorName
  public let scenario: String
  public let scenarioFiles: [String]
  public let evidenceFiles: [String]
  public let outputScenario: Nullable<String>
  public let date: String
  public let method: String
  public let seed: UInt64
  public let trialsPerEvaluation: Int
  public let population: Int
  public let evaluations: Int
  public let roundEffectiveSampleSizes: [FiniteOrNull]
  public let effectiveSampleSize: FiniteOrNull
  public let inputs: [Input]
  /// Weighted correlations of the inputs, in the order of `inputs`.
  public let correlations: [[FiniteOrNull]]
  public let items: [Item]
  public let conflicts: [String]
  public let draws: Draws

  public init(_ r: Inference.Result, model: EvidenceModel, scenario: String, scenarioFiles: [String], evidenceFiles: [String],
              outputScenario: String?, date: String, method: String) {
    self.scenario = scenario
    self.scenarioFiles = scenarioFiles
    self.evidenceFiles = evidenceFiles
    self.outputScenario = Nullable(outputScenario)
    self.date = date
    self.method = method
    seed = r.seed
    trialsPerEvaluation = model.simulates ? model.trials : 0
    population = r.population
    evaluations = r.evaluations
    roundEffectiveSampleSizes = r.roundESS.map(FiniteOrNull.init)
    effectiveSampleSize = FiniteOrNull(r.effectiveSampleSize)
    inputs = r.marginals.map { m in
      Input(keyPath: m.input.keyPath, prior: m.input.prior.text, suffix: m.input.suffix, mean: FiniteOrNull(m.mean), sd: FiniteOrNull(m.sd),
            meanStandardError: FiniteOrNull(m.meanStandardError), p5: FiniteOrNull(m.p5), p50: FiniteOrNull(m.p50), p95: FiniteOrNull(m.p95))
    }
    correlations = r.correlations.map { $0.map(FiniteOrNull.init) }
    items = zip(model.items, r.checks).map { item, check in
      var count: Int?, rate: (Double, Double, Double)?
      let likelihood: String
      switch item.observed {
      case let .count(k): count = k; likelihood = item.spread > 0 ? "negative_binomial" : "poisson"
      case let .rate(v, low, high): rate = (v, low, high); likelihood = "lognormal_rate"
      case .held: likelihood = "bernoulli"
      }
      var hours: Double?
      if case let .unitHours(h)? = item.exposure { hours = h }
      return Item(name: item.name, fleet: item.fleet, source: item.source, file: item.file, line: Nullable(item.line),
                  measure: item.measureText, prediction: item.isAnalytic ? "analytic" : "simulated", likelihood: likelihood,
                  observedCount: Nullable(count), observedRatePerUnitHour: Nullable(rate.map { FiniteOrNull($0.0) }),
                  observedRateLow: Nullable(rate.map { FiniteOrNull($0.1) }), observedRateHigh: Nullable(rate.map { FiniteOrNull($0.2) }),
                  observed: item.observedText, spread: item.spread, exposureUnitHours: Nullable(hours.map(FiniteOrNull.init)),
                  exposureScenario: Nullable(item.exposureScenario), predicted: FiniteOrNull(check.predicted),
                  predictiveLow: Nullable(check.interval.map { FiniteOrNull($0.lowerBound) }),
                  predictiveHigh: Nullable(check.interval.map { FiniteOrNull($0.upperBound) }),
                  pValue: FiniteOrNull(check.pValue), conflict: check.conflict)
    }
    conflicts = items.filter(\.conflict).map(\.name)
    draws = Draws(keys: r.inputs.map(\.keyPath), values: r.values.map { $0.map(FiniteOrNull.init) }, weights: r.weights.map(FiniteOrNull.init))
  }
}
