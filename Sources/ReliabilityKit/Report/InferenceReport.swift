import Foundation

/// The JSON of `cposim infer` (`"kind": "inference"`, schemas/inference.schema.json,
/// docs/inference.md): the posterior of the inputs, the posterior predictive check of every
/// evidence item and the final population as weighted joint draws.
public struct InferenceReport: Encodable, Sendable {
  /// One input's posterior.
  public struct Input: Encodable, Sendable {
    /// The input's scenario key path.
    public let keyPath: String
    /// The prior: `uniform`, `log-uniform` or `gamma`, with its parameters (`uniform 0.1 .. 0.9`).
    public let prior: String
    /// The unit the input is written in (`h`, `/d`, `%`), empty for plain numbers; the summaries below are in this unit.
    public let suffix: String
    /// Weighted posterior mean.
    public let mean: FiniteOrNull
    /// Weighted posterior standard deviation.
    public let sd: FiniteOrNull
    /// Monte Carlo standard error of the mean, sd / √ESS.
    public let meanStandardError: FiniteOrNull
    /// Weighted 5 % quantile.
    public let p5: FiniteOrNull
    /// Weighted median.
    public let p50: FiniteOrNull
    /// Weighted 95 % quantile.
    public let p95: FiniteOrNull
  }

  /// One evidence item and its posterior predictive check.
  public struct Item: Encodable, Sendable {
    /// The item's name.
    public let name: String
    /// The fleet it was measured on.
    public let fleet: String
    /// Its source key (FailureData/SOURCES.md).
    public let source: String
    /// The evidence file it is written in.
    public let file: String
    /// Its line there, or null.
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
    /// Low end of the observed rate's 90 % range, per unit-hour (null unless a rate item).
    public let observedRateLow: Nullable<FiniteOrNull>
    /// High end of the observed rate's 90 % range, per unit-hour (null unless a rate item).
    public let observedRateHigh: Nullable<FiniteOrNull>
    /// What was seen, in words (`35`, `1.818e-06/h (90%: ...)`, `held`).
    public let observed: String
    /// The item's stated spread of the fleet's rate, a coefficient of variation (0: Poisson; above 0: negative binomial).
    public let spread: Double
    /// The unit-hours the count was seen over (analytic items), or null.
    public let exposureUnitHours: Nullable<FiniteOrNull>
    /// The scenario a simulated item runs, or null.
    public let exposureScenario: Nullable<String>
    /// The posterior mean of the prediction: a mean count, a rate per unit-hour or a probability.
    public let predicted: FiniteOrNull
    /// Lower end of the 95 % posterior predictive interval of what would be observed; null for a threshold.
    public let predictiveLow: Nullable<FiniteOrNull>
    /// Upper end of the 95 % posterior predictive interval; null for a threshold.
    public let predictiveHigh: Nullable<FiniteOrNull>
    /// Two-sided predictive p-value 2 min(P(X ≤ x), P(X ≥ x)), capped at 1; for a threshold, the predicted probability that it holds.
    public let pValue: FiniteOrNull
    /// Whether p < 0.05.
    public let conflict: Bool
  }

  /// The pooled weighted sample: every point drawn in every round.
  public struct Draws: Encodable, Sendable {
    /// The key paths, in the order of each row's values.
    public let keys: [String]
    /// One row per point, the values in the order of `keys`, each in its key's unit as written (`--vary`).
    public let values: [[FiniteOrNull]]
    /// Normalised importance weights (they sum to 1).
    public let weights: [FiniteOrNull]
  }

  /// Mean and 5/50/95 % quantiles.
  public struct Summary: Encodable, Sendable {
    /// The posterior mean.
    public let mean: FiniteOrNull
    /// The 5 % quantile.
    public let p5: FiniteOrNull
    /// The median.
    public let p50: FiniteOrNull
    /// The 95 % quantile.
    public let p95: FiniteOrNull
    init(_ s: Inference.Summary) {
      mean = FiniteOrNull(s.mean); p5 = FiniteOrNull(s.p5); p50 = FiniteOrNull(s.p50); p95 = FiniteOrNull(s.p95)
    }
  }

  /// A rate several fleets inform (the hierarchical model).
  public struct Spread: Encodable, Sendable {
    /// What is measured: `part/mode`, `part (hard modes)` or `input KEY`.
    public let rate: String
    /// The fleets that inform it.
    public let fleets: [String]
    /// The items that measure it.
    public let items: [String]
    /// σ's prior, in words (half-normal with the `--fleet-spread` scale).
    public let sigmaPrior: String
    /// σ, the standard deviation of ln(rate) between fleets.
    public let sigma: Summary
    /// The population median rate, per unit-hour of one part (or in the input's unit, per hour).
    public let populationRate: Summary
    /// The user's cluster: a new fleet, unless its own items pin it.
    public let newFleetRate: Summary
    /// Whether the user's fleet (`--fleet`) has items of this rate, so `new_fleet_rate` is that fleet's own.
    public let pinnedByUserFleet: Bool
  }

  /// A fleet left out: its items predicted from the others.
  public struct LeftOut: Encodable, Sendable {
    /// A left-out fleet's item, predicted from the other fleets.
    public struct Item: Encodable, Sendable {
      /// The item's name.
      public let name: String
      /// What was seen, short: a count, a rate per hour, or `held`.
      public let observed: String
      /// The mean and the median of the prediction (the median is the typical value of a new
      /// fleet's heavy-tailed prediction).
      public let predicted: FiniteOrNull
      /// The median of the prediction.
      public let predictedMedian: FiniteOrNull
      /// Lower end of the 95 % predictive interval; null for a threshold.
      public let predictiveLow: Nullable<FiniteOrNull>
      /// Upper end of the 95 % predictive interval; null for a threshold.
      public let predictiveHigh: Nullable<FiniteOrNull>
      /// Two-sided predictive p-value.
      public let pValue: FiniteOrNull
      /// Whether p < 0.05.
      public let conflict: Bool
    }
    /// The fleet left out.
    public let fleet: String
    /// The effective sample size of the sample reweighted without the fleet.
    public let effectiveSampleSize: FiniteOrNull
    /// Whether any of its items conflicts (p < 0.05).
    public let conflict: Bool
    /// Its items, predicted.
    public let items: [Item]
  }

  /// The report's `schema_version`; bumped on any breaking change.
  public static let schemaVersion = 2

  /// What was seen, short: a count, a rate per unit-hour, or `held`.
  public static func shortObserved(_ item: EvidenceItem) -> String {
    switch item.observed {
    case let .count(k): "\(k)"
    case let .rate(v, _, _): String(format: "%.4g/h", v)
    case .held: "held"
    }
  }
  /// `inference`.
  public let kind = "inference"
  /// The report's `schema_version`.
  public let schemaVersion = InferenceReport.schemaVersion
  /// cposim's version.
  public let toolVersion = ToolVersion.current
  /// The GNU Scientific Library's version.
  public let gslVersion = ToolVersion.gsl
  /// The random number generator (`taus2`).
  public let generator = RandomSource.generatorName
  /// The scenario file inferred on.
  public let scenario: String
  /// The scenario's own files, base first (the `extends` chain; the catalog is not listed).
  public let scenarioFiles: [String]
  /// The evidence files read.
  public let evidenceFiles: [String]
  /// The scenario written (`--write-scenario`), or null.
  public let outputScenario: Nullable<String>
  /// The day recorded in the provenance, YYYY-MM-DD (`--date`, default today).
  public let date: String
  /// The method, in words (AMIS, the likelihoods, the fleet model).
  public let method: String
  /// The seed of the sampler and the simulated items.
  public let seed: UInt64
  /// Trials of each simulated item at each point (0 when every item is analytic).
  public let trialsPerEvaluation: Int
  /// Points drawn per round (`--population`).
  public let population: Int
  /// Model evaluations run (points evaluated over all rounds).
  public let evaluations: Int
  /// The pooled sample's effective sample size after each round.
  public let roundEffectiveSampleSizes: [FiniteOrNull]
  /// The final effective sample size, (Σw)² / Σw².
  public let effectiveSampleSize: FiniteOrNull
  /// Each input's posterior.
  public let inputs: [Input]
  /// Weighted correlations of the inputs, in the order of `inputs`.
  public let correlations: [[FiniteOrNull]]
  /// Each evidence item's posterior predictive check.
  public let items: [Item]
  /// The items that conflict with the posterior (p < 0.05).
  public let conflicts: [String]
  /// `hierarchical` (a fleet effect per rate two fleets or more inform) or `pooled`.
  public let model: String
  /// The fleet of the user's cluster (`--fleet`), if any.
  public let userFleet: Nullable<String>
  /// Each rate several fleets inform (empty when pooled).
  public let fleetSpreads: [Spread]
  /// Each fleet's items predicted from the others (empty with fewer than two fleets).
  public let leaveOneFleetOut: [LeftOut]
  /// The fleets the others fail to predict (a left-out item with p < 0.05).
  public let fleetsNotPredicted: [String]
  /// The joint draws with their weights.
  public let draws: Draws

  /// The report of `r`, the inference of `model`'s evidence on `scenario` (read from `scenarioFiles`); `outputScenario` the scenario written, if any; `date` and `method` as printed.
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
