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

  /// Mean and 5/50/95 % quantiles.
  public struct Summary: Encodable, Sendable {
    public let mean: FiniteOrNull
    public let p5: FiniteOrNull
    public let p50: FiniteOrNull
    public let p95: FiniteOrNull
    init(_ s: Inference.Summary) {
      mean = FiniteOrNull(s.mean); p5 = FiniteOrNull(s.p5); p50 = FiniteOrNull(s.p50); p95 = FiniteOrNull(s.p95)
    }
  }

  /// A rate several fleets inform (the hierarchical model).
  public struct Spread: Encodable, Sendable {
    public let rate: String
    public let fleets: [String]
    public let items: [String]
    public let sigmaPrior: String
    /// σ, the standard deviation of ln(rate) between fleets.
    public let sigma: Summary
    /// The population median rate, per unit-hour of one part (or in the input's unit, per hour).
    public let populationRate: Summary
    /// The user's cluster: a new fleet, unless its own items pin it.
    public let newFleetRate: Summary
    public let pinnedByUserFleet: Bool
  }

  /// A fleet left out: its items predicted from the others.
  public struct LeftOut: Encodable, Sendable {
    public struct Item: Encodable, Sendable {
      public let name: String
      public let observed: String
      /// The mean and the median of the prediction (the median is the typical value of a new
      /// fleet's heavy-tailed prediction).
      public let predicted: FiniteOrNull
      public let predictedMedian: FiniteOrNull
      public let predictiveLow: Nullable<FiniteOrNull>
      public let predictiveHigh: Nullable<FiniteOrNull>
      public let pValue: FiniteOrNull
      public let conflict: Bool
    }
    public let fleet: String
    /// The effective sample size of the sample reweighted without the fleet.
    public let effectiveSampleSize: FiniteOrNull
    public let conflict: Bool
    public let items: [Item]
  }

  public static let schemaVersion = 2

  /// What was seen, short: a count, a rate per unit-hour, or `held`.
  public static func shortObserved(_ item: EvidenceItem) -> String {
    switch item.observed {
    case let .count(k): "\(k)"
    case let .rate(v, _, _): String(format: "%.4g/h", v)
    case .held: "held"
    }
  }
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
  /// `hierarchical` (a fleet effect per rate two fleets or more inform) or `pooled`.
  public let model: String
  /// The fleet of the user's cluster (`--fleet`), if any.
  public let userFleet: Nullable<String>
  public let fleetSpreads: [Spread]
  public let leaveOneFleetOut: [LeftOut]
  /// The fleets the others fail to predict (a left-out item with p < 0.05).
  public let fleetsNotPredicted: [String]
  public let draws: Draws

  public init(_ r: Inference.Result, model model_: EvidenceModel, scenario: String, scenarioFiles: [String], evidenceFiles: [String],
              outputScenario: String?, date: String, method: String) {
    self.scenario = scenario
    self.scenarioFiles = scenarioFiles
    self.evidenceFiles = evidenceFiles
    self.outputScenario = Nullable(outputScenario)
    self.date = date
    self.method = method
    seed = r.seed
    trialsPerEvaluation = model_.simulates ? model_.trials : 0
    population = r.population
    evaluations = r.evaluations
    roundEffectiveSampleSizes = r.roundESS.map(FiniteOrNull.init)
    effectiveSampleSize = FiniteOrNull(r.effectiveSampleSize)
    inputs = r.marginals.map { m in
      Input(keyPath: m.input.keyPath, prior: m.input.prior.text, suffix: m.input.suffix, mean: FiniteOrNull(m.mean), sd: FiniteOrNull(m.sd),
            meanStandardError: FiniteOrNull(m.meanStandardError), p5: FiniteOrNull(m.p5), p50: FiniteOrNull(m.p50), p95: FiniteOrNull(m.p95))
    }
    correlations = r.correlations.map { $0.map(FiniteOrNull.init) }
    items = zip(model_.items, r.checks).map { item, check in
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
    let isHierarchical = r.fleetModel?.isHierarchical ?? false
    model = isHierarchical ? "hierarchical" : "pooled"
    userFleet = Nullable(r.fleetModel?.fleets.userFleet)
    let names = model_.items.map(\.name)
    fleetSpreads = r.fleetSpreads.map { s in
      Spread(rate: s.rate, fleets: s.fleets, items: s.items.map { names[$0] }, sigmaPrior: s.sigmaPrior, sigma: Summary(s.sigma),
             populationRate: Summary(s.populationRate), newFleetRate: Summary(s.newFleetRate), pinnedByUserFleet: s.pinnedByUserFleet)
    }
    leaveOneFleetOut = r.leaveOneOut.map { l in
      LeftOut(fleet: l.fleet, effectiveSampleSize: FiniteOrNull(l.effectiveSampleSize), conflict: l.conflict,
              items: zip(l.items, l.checks).map { i, c in
                LeftOut.Item(name: names[i], observed: Self.shortObserved(model_.items[i]), predicted: FiniteOrNull(c.predicted),
                             predictedMedian: FiniteOrNull(c.predictedMedian),
                             predictiveLow: Nullable(c.interval.map { FiniteOrNull($0.lowerBound) }),
                             predictiveHigh: Nullable(c.interval.map { FiniteOrNull($0.upperBound) }),
                             pValue: FiniteOrNull(c.pValue), conflict: c.conflict)
              })
    }
    fleetsNotPredicted = leaveOneFleetOut.filter(\.conflict).map(\.fleet)
    draws = Draws(keys: r.inputs.map(\.keyPath), values: r.values.map { $0.map(FiniteOrNull.init) }, weights: r.weights.map(FiniteOrNull.init))
  }
}
