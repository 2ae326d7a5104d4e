import Foundation

/// The joint posterior of a few scenario inputs given evidence items (`cposim infer`,
/// docs/inference.md).
///
/// **Method: adaptive multiple importance sampling (AMIS; Cornuet, Marin, Mira and Robert 2012)
/// with a synthetic likelihood.** Each input is moved in an unbounded coordinate z (the logit of
/// its position in a uniform or log-uniform range; the log of a gamma-distributed value). Round 0
/// draws `population` points from the prior. Each later round draws `population` points from a
/// defensive mixture (Hesterberg 1995): 90 % a normal with twice the weighted covariance of every
/// point so far around their weighted mean, 10 % the prior itself. After each round every point
/// so far is weighted by prior × likelihood / (the average of all rounds' proposal densities),
/// the deterministic-mixture weight, so all rounds pool into one sample. Rounds stop when the
/// effective sample size ESS = (Σw)² / Σw² of the pooled sample reaches `population`, or after
/// `maxRounds`.
///
/// The likelihood of each item is exact for the analytic items (failures of a catalog mode over
/// unit-hours: a Poisson count of mean rate × exposure) and synthetic for the simulated ones
/// (the mean of a metric over a fixed set of trials at a fixed seed, common random numbers,
/// taken as the Poisson mean; a threshold's share of trials). A count with a stated spread s
/// enters by a negative binomial (a Poisson whose mean varies by a gamma of CV s); a published
/// rate with a 90 % range by a lognormal of the model's rate.
public enum Inference {
  /// The prior of one input.
  public enum Prior: Sendable, Hashable {
    /// Every value in [low, high] equally likely.
    case uniform(low: Double, high: Double)
    /// Every decade of [low, high] equally likely (low > 0).
    case logUniform(low: Double, high: Double)
    /// Gamma with `shape` and `rate` (mean shape / rate): the conjugate prior of a Poisson rate.
    case gamma(shape: Double, rate: Double)

    /// The value at coordinate z.
    public func value(_ z: Double) -> Double {
      switch self {
      case let .uniform(low, high): return low + Self.logistic(z) * (high - low)
      case let .logUniform(low, high): return exp(log(low) + Self.logistic(z) * (log(high) - log(low)))
      case .gamma: return exp(z)
      }
    }

    /// The coordinate of a value.
    public func coordinate(_ x: Double) -> Double {
      switch self {
      case let .uniform(low, high): return Self.logit((x - low) / (high - low))
      case let .logUniform(low, high): return Self.logit((log(x) - log(low)) / (log(high) - log(low)))
      case .gamma: return log(x)
      }
    }

    /// The prior's log density in z (normalised: the proposal mixes it in).
    public func logDensity(_ z: Double) -> Double {
      switch self {
      case .uniform, .logUniform:
        // u = logistic(z) uniform on (0, 1): the density of z is u (1 − u).
        return -abs(z) - 2 * log1p(exp(-abs(z)))
      case let .gamma(shape, rate):
        let x = exp(z)
        return shape * log(rate) - GSL.logGamma(shape) + shape * z - rate * x
      }
    }

    /// A coordinate drawn from the prior.
    func draw(using random: RandomSource) -> Double {
      switch self {
      case .uniform, .logUniform:
        return Self.logit(random.uniformPositive())
      case let .gamma(shape, rate):
        return log(max(GSL.gamma(random.handle, shape: shape, scale: 1 / rate), Double.leastNormalMagnitude))
      }
    }

    static func logistic(_ z: Double) -> Double { z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z)) }
    static func logit(_ u: Double) -> Double {
      let p = min(max(u, 1e-300), 1 - 1e-16)
      return log(p) - log1p(-p)
    }

    /// In words, for reports.
    public var text: String {
      switch self {
      case let .uniform(low, high): String(format: "uniform %.6g .. %.6g", low, high)
      case let .logUniform(low, high): String(format: "log-uniform %.6g .. %.6g", low, high)
      case let .gamma(shape, rate): String(format: "gamma shape %.6g rate %.6g", shape, rate)
      }
    }
  }

  /// An input the inference moves: its key, prior and the unit it is written in.
  public struct Input: Sendable, Hashable {
    /// The scenario key path the input sets.
    public let keyPath: String
    /// Its prior.
    public let prior: Prior
    /// The unit as written (`h`, `%`, `/d`, or empty).
    public let suffix: String

    /// An input at `keyPath` with `prior`, written with `suffix`.
    public init(keyPath: String, prior: Prior, suffix: String) {
      self.keyPath = keyPath
      self.prior = prior
      self.suffix = suffix
    }

    /// The value as the scenario takes it (`0.153`, `2.1e-3/d`): the shortest decimal that reads back exactly.
    public func text(_ x: Double) -> String { "\(x)\(suffix)" }
  }

  /// What the model predicts for one item at one point: a Poisson mean (count items), a rate per
  /// unit-hour (rate items) or a probability (threshold items).
  public typealias Predictions = [Double]

  /// One item's likelihood, given what the model predicts for it.
  public enum Likelihood: Sendable, Hashable {
    /// k events seen; the prediction is their mean. `spread` > 0: negative binomial of that CV.
    case count(Int, spread: Double)
    /// A rate seen with a 90 % range; the prediction is the model's rate. Lognormal in the rate,
    /// its σ from the wider side of the range: max(ln(high/value), ln(value/low)) / 1.645.
    case rate(Double, low: Double, high: Double)
    /// An event seen once; the prediction is its probability.
    case held

    /// The likelihood of what an item observed; `spread` is its stated coefficient of variation (0: Poisson).
    public init(_ observed: EvidenceItem.Observed, spread: Double) {
      switch observed {
      case let .count(k): self = .count(k, spread: spread)
      case let .rate(v, low, high): self = .rate(v, low: low, high: high)
      case .held: self = .held
      }
    }

    var sigma: Double {
      guard case let .rate(v, low, high) = self else { return 0 }
      return max(log(high / v), log(v / low)) / 1.6448536269514722
    }

    /// The log-likelihood at prediction `mu`.
    public func logLikelihood(_ mu: Double) -> Double {
      guard mu.isFinite, mu >= 0 else { return -.infinity }
      switch self {
      case let .count(k, spread):
        let x = Double(k)
        if spread > 0 {
          let r = 1 / (spread * spread)
          let m = max(mu, 1e-300)
          return GSL.logGamma(x + r) - GSL.logGamma(r) - GSL.logGamma(x + 1) + r * log(r / (r + m)) + x * log(m / (r + m))
        }
        if mu == 0 { return k == 0 ? 0 : -.infinity }
        return x * log(mu) - mu - GSL.logGamma(x + 1)
      case let .rate(v, _, _):
        guard mu > 0 else { return -.infinity }
        let s = sigma, d = (log(mu) - log(v)) / s
        return -0.5 * d * d - log(s)
      case .held:
        return log(mu)
      }
    }

    /// The log-likelihood and its first two derivatives in η = ln μ (the hierarchical model
    /// integrates a fleet's offset ε in η = ln μ + σ ε; every count and rate likelihood is
    /// concave in η, so the integrand has one mode).
    func logLikelihoodInLog(_ eta: Double) -> (value: Double, first: Double, second: Double) {
      let mu = exp(eta)
      switch self {
      case let .count(k, spread):
        let x = Double(k)
        if spread > 0 {
          let r = 1 / (spread * spread)
          let lse = eta > log(r) ? eta + log1p(r / mu) : log(r) + log1p(mu / r)  // ln(r + μ)
          let value = GSL.logGamma(x + r) - GSL.logGamma(r) - GSL.logGamma(x + 1) + r * log(r) - (x + r) * lse + x * eta
          let share = mu / (r + mu)
          return (value, x - (x + r) * share, -(x + r) * share * (1 - share))
        }
        return (x * eta - mu - GSL.logGamma(x + 1), x - mu, -mu)
      case let .rate(v, _, _):
        let s = sigma, d = (eta - log(v)) / s
        return (-0.5 * d * d - log(s), -d / s, -1 / (s * s))
      case .held:
        return (eta, 1, 0)
      }
    }

    /// The predictive CDF at the observed value for one prediction: P(X ≤ x) (counts: of the
    /// count; rates: of the observed log-rate).
    func cdf(_ x: Double, mu: Double) -> Double {
      switch self {
      case let .count(_, spread):
        if x < 0 { return 0 }
        let k = UInt32(min(x, 4e9))
        if spread > 0 {
          let r = 1 / (spread * spread)
          return GSL.negativeBinomialP(k, probability: r / (r + max(mu, 1e-300)), n: r)
        }
        return GSL.poissonP(k, mean: max(mu, 0))
      case .rate:
        return 1 - GSL.normalQ((x - log(max(mu, 1e-300))) / sigma)
      case .held:
        return 0
      }
    }
  }

  /// The posterior check of one item.
  public struct Check: Sendable {
    /// The posterior mean of the model's prediction (a mean count, a rate per unit-hour, a probability).
    public let predicted: Double
    /// The 95 % posterior predictive interval of what would be observed (counts; rates per
    /// unit-hour); nil for a threshold.
    public let interval: ClosedRange<Double>?
    /// The two-sided predictive p-value of what was observed: 2 min(P(X ≤ x), P(X ≥ x)), capped
    /// at 1; for a threshold, the predictive probability that it holds.
    public let pValue: Double
    /// Whether the observation conflicts with the posterior: p < 0.05.
    public var conflict: Bool { pValue < 0.05 }
    /// The posterior median of the prediction (a new fleet's prediction is heavy-tailed: its
    /// mean is carried by the tail, its median is the typical value).
    public var predictedMedian: Double = .nan
  }

  /// An input's posterior.
  public struct Marginal: Sendable {
    /// The input.
    public let input: Input
    /// Weighted posterior mean, in the unit the input is written in (`suffix`).
    public let mean: Double
    /// Weighted posterior standard deviation.
    public let sd: Double
    /// The Monte Carlo standard error of the mean, sd / √ESS.
    public let meanStandardError: Double
    /// Weighted 5 % quantile.
    public let p5: Double
    /// Weighted median.
    public let p50: Double
    /// Weighted 95 % quantile.
    public let p95: Double
  }

  /// What an inference found: the pooled weighted sample, its summaries and the predictive checks.
  public struct Result: Sendable {
    /// The inputs moved, in the order of each point's values.
    public let inputs: [Input]
    /// Each item's likelihood, in the order of the items.
    public let likelihoods: [Likelihood]
    /// Every point drawn (all rounds pooled): values (per point, in the order of the inputs),
    /// normalised weights, and each item's prediction at each point.
    public let values: [[Double]]
    /// Normalised importance weights of the points (they sum to 1).
    public let weights: [Double]
    /// Per point, each item's prediction (a mean count, a rate per unit-hour or a probability).
    public let predictions: [Predictions]
    /// ESS of the pooled sample.
    public let effectiveSampleSize: Double
    /// ESS of the pooled sample after each round.
    public let roundESS: [Double]
    /// Each input's posterior summary.
    public let marginals: [Marginal]
    /// Weighted correlations of the inputs' values.
    public let correlations: [[Double]]
    /// Each item's posterior predictive check.
    public let checks: [Check]
    /// Points drawn per round.
    public let population: Int
    /// The seed of the sampler and of the simulated items.
    public let seed: UInt64
    /// Model evaluations run.
    public let evaluations: Int
    /// The hierarchical model (nil: no fleets given); its groups are the rates with a fleet spread.
    public var fleetModel: FleetModel?
    /// Per rate several fleets inform: σ, the population's rate and a new fleet's (empty: pooled).
    public var fleetSpreads: [FleetSpread] = []
    /// Per point, per fleet spread: σ's posterior on the grid `fleetModel.sigma`.
    public var sigmaPosteriors: [[[Double]]] = []
    /// Leave-one-fleet-out checks, one per fleet (empty with one fleet or no fleets given).
    public var leaveOneOut: [LeaveOneOut] = []
  }

  /// Why an inference gives no posterior.
  public enum Failure: Error, CustomStringConvertible, Equatable {
    /// Every point of a population has zero likelihood.
    case noSupport(round: Int)

    /// The problem in words, with what to change.
    public var description: String {
      switch self {
      case let .noSupport(round):
        "every point of round \(round) has likelihood zero: no value in the --vary ranges is compatible with the evidence (widen a range, or check an item)"
      }
    }
  }

  /// Runs the inference.
  /// - Parameters:
  ///   - inputs: the inputs moved (none: the evidence is checked at the scenario's own values).
  ///   - likelihoods: one per item, in the order the model predicts them.
  ///   - population: points per round.
  ///   - maxRounds: rounds at most (round 0 draws from the prior).
  ///   - seed: the seed of the importance sample (the result is a pure function of it).
  ///   - model: the predictions at input values (in the order of `inputs`).
  ///   - progress: called after each evaluation with (evaluations done, evaluations at most).
  ///   - fleets: each item's fleet and the rate it measures: with a spread scale, the rates two
  ///     fleets or more inform get a fleet effect each (FleetEffects.swift), and every fleet is
  ///     left out in turn; nil: the pooled model and no leave-one-fleet-out.
  ///   - checks: false skips the fleets' predictive checks and leave-one-fleet-out (calibration
  ///     tests that need the posterior only).
  /// - Throws: `Failure`, or what the model throws.
  public static func run(inputs: [Input], likelihoods: [Likelihood], population: Int, maxRounds: Int = 4, seed: UInt64,
                         fleets: Fleets? = nil, checks: Bool = true,
                         model: ([Double]) throws -> Predictions,
                         progress: ((Int, Int) -> Void)? = nil) throws -> Result {
    precondition(population >= 2 && maxRounds >= 1)
    let d = inputs.count
    var evaluations = 0
    let fleetModel = fleets.map { FleetModel($0, likelihoods: likelihoods) }
    // Under the hierarchical model an item of a rate with a fleet effect keeps no stated spread
    // of its own: the learnt sigma replaces it (FleetModel.spreadReplaced).
    let likelihoods = fleetModel?.likelihoods ?? likelihoods
    var terms: [FleetModel.Terms] = []
    func logLikelihood(_ p: Predictions) -> Double {
      if let fleetModel {
        let t = fleetModel.terms(p)
        terms.append(t)
        return fleetModel.logLikelihood(p, terms: t)
      }
      return zip(likelihoods, p).reduce(0) { $0 + $1.0.logLikelihood($1.1) }
    }
    if d == 0 {
      let p = try model([])
      _ = logLikelihood(p)
      progress?(1, 1)
      return finish(inputs: inputs, likelihoods: likelihoods, values: [[]], weights: [1], predictions: [p], roundESS: [1],
                    population: 1, seed: seed, evaluations: 1, fleetModel: fleetModel, terms: terms, logBase: [0], fleetChecks: checks)
    }
    let total = population * maxRounds
    let seeds = SeedSequence(master: seed)
    let stream = SeedSequence.streamKey("infer")
    // Every point drawn so far, with its log prior and log likelihood, and every proposal.
    var zs: [[Double]] = [], logPriors: [Double] = [], logLiks: [Double] = [], preds: [Predictions] = []
    var proposals: [(mean: [Double], chol: [[Double]])?] = []  // nil: the prior (round 0)
    var roundESS: [Double] = []
    var weights: [Double] = []
    var logBase: [Double] = []
    /// The deterministic-mixture weights of every point: prior × likelihood / (the average of
    /// every round's proposal density), all rounds having the same size. `logBase` keeps
    /// ln(prior / proposal), which leave-one-fleet-out reweights with.
    func reweight() -> [Double] {
      logBase = zs.indices.map { i -> Double in
        let q = logSumExp(proposals.map { proposal -> Double in
          guard let (mean, chol) = proposal else { return logPriors[i] }
          return logSumExp([log(1 - defensiveShare) + logNormalDensity(zs[i], mean: mean, chol: chol),
                            log(defensiveShare) + logPriors[i]])
        }) - log(Double(proposals.count))
        return logPriors[i] - q
      }
      let logW = zs.indices.map { i -> Double in
        let w = logBase[i] + logLiks[i]
        return w.isNaN ? -.infinity : w
      }
      return normalised(logW)
    }
    for round in 0..<maxRounds {
      let random = RandomSource(seed: seeds.seed(forTrial: round, stream: stream))
      var proposal: (mean: [Double], chol: [[Double]])?
      if round > 0 {
        var mean = [Double](repeating: 0, count: d)
        for (z, wi) in zip(zs, weights) { for j in 0..<d { mean[j] += wi * z[j] } }
        var cov = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for (z, wi) in zip(zs, weights) {
          for a in 0..<d { for b in 0..<d { cov[a][b] += wi * (z[a] - mean[a]) * (z[b] - mean[b]) } }
        }
        // Twice the covariance (a wider proposal than the target), floored so a population that
        // collapsed onto a few points still spreads.
        for a in 0..<d { for b in 0..<d { cov[a][b] *= 2 }; cov[a][a] = max(cov[a][a], minimumVariance) }
        proposal = (mean, cholesky(cov))
      }
      proposals.append(proposal)
      for _ in 0..<population {
        var z: [Double]
        if let (mean, chol) = proposal, random.uniform() >= defensiveShare {
          let e = (0..<d).map { _ in random.standardNormal() }
          z = (0..<d).map { a in mean[a] + (0...a).reduce(0) { $0 + chol[a][$1] * e[$1] } }
        } else {
          z = inputs.map { $0.prior.draw(using: random) }
        }
        let values = zip(inputs, z).map { $0.prior.value($1) }
        let p = try model(values)
        evaluations += 1
        progress?(evaluations, total)
        zs.append(z)
        logPriors.append(zip(inputs, z).reduce(0) { $0 + $1.0.prior.logDensity($1.1) })
        logLiks.append(logLikelihood(p))
        preds.append(p)
      }
      guard logLiks.contains(where: { $0 > -.infinity }) else { throw Failure.noSupport(round: round) }
      weights = reweight()
      let ess = effectiveSampleSize(weights)
      roundESS.append(ess)
      if ess >= Double(population) { break }
    }
    let values = zs.map { z in zip(inputs, z).map { $0.prior.value($1) } }
    return finish(inputs: inputs, likelihoods: likelihoods, values: values, weights: weights, predictions: preds,
                  roundESS: roundESS, population: population, seed: seed, evaluations: evaluations,
                  fleetModel: fleetModel, terms: terms, logBase: logBase, fleetChecks: checks)
  }

  /// The least variance of a proposal in each coordinate z.
  static let minimumVariance = 1e-4

  /// The share of each later round drawn from the prior (defensive importance sampling).
  public static let defensiveShare = 0.1

  static func finish(inputs: [Input], likelihoods: [Likelihood], values: [[Double]], weights: [Double], predictions: [Predictions],
                     roundESS: [Double], population: Int, seed: UInt64, evaluations: Int,
                     fleetModel: FleetModel? = nil, terms: [FleetModel.Terms] = [], logBase: [Double] = [],
                     fleetChecks: Bool = true) -> Result {
    let ess = effectiveSampleSize(weights)
    var marginals: [Marginal] = []
    for (j, input) in inputs.enumerated() {
      let x = values.map { $0[j] }
      let mean = zip(x, weights).reduce(0) { $0 + $1.0 * $1.1 }
      let variance = zip(x, weights).reduce(0) { $0 + $1.1 * ($1.0 - mean) * ($1.0 - mean) }
      let sd = variance.squareRoot()
      marginals.append(Marginal(input: input, mean: mean, sd: sd, meanStandardError: sd / ess.squareRoot(),
                                p5: quantile(x, weights, 0.05), p50: quantile(x, weights, 0.5), p95: quantile(x, weights, 0.95)))
    }
    var correlations = [[Double]](repeating: [Double](repeating: 0, count: inputs.count), count: inputs.count)
    for a in inputs.indices {
      for b in inputs.indices {
        let (ma, mb) = (marginals[a].mean, marginals[b].mean)
        let c = zip(values, weights).reduce(0) { $0 + $1.1 * ($1.0[a] - ma) * ($1.0[b] - mb) }
        let s = marginals[a].sd * marginals[b].sd
        correlations[a][b] = a == b ? 1 : (s > 0 ? c / s : 0)
      }
    }
    let fleet = fleetModel.map { fleetResults($0, likelihoods: likelihoods, predictions: predictions, weights: weights, terms: terms,
                                              logBase: logBase, seed: seed, checks: fleetChecks) }
    let checks = likelihoods.indices.map { i in
      fleet?.checks[i] ?? check(likelihoods[i], predictions: predictions.map { $0[i] }, weights: weights)
    }
    var result = Result(inputs: inputs, likelihoods: likelihoods, values: values, weights: weights, predictions: predictions,
                        effectiveSampleSize: ess, roundESS: roundESS, marginals: marginals, correlations: correlations, checks: checks,
                        population: population, seed: seed, evaluations: evaluations)
    if let fleetModel, let fleet {
      result.fleetModel = fleetModel
      result.fleetSpreads = fleet.spreads
      result.sigmaPosteriors = fleet.sigmaPosteriors
      result.leaveOneOut = fleet.lofo
    }
    return result
  }

  /// The posterior predictive check of one item: the predictive distribution of what would be
  /// observed is the weighted mixture, over the posterior points, of the item's sampling
  /// distribution at each point's prediction.
  static func check(_ likelihood: Likelihood, predictions mu: [Double], weights w: [Double]) -> Check {
    var result = checkAtMean(likelihood, predictions: mu, weights: w)
    result.predictedMedian = quantile(mu, w, 0.5)
    return result
  }

  static func checkAtMean(_ likelihood: Likelihood, predictions mu: [Double], weights w: [Double]) -> Check {
    let predicted = zip(mu, w).reduce(0) { $0 + $1.0 * $1.1 }
    func mixtureCDF(_ x: Double) -> Double { zip(mu, w).reduce(0) { $0 + $1.1 * likelihood.cdf(x, mu: $1.0) } }
    switch likelihood {
    case let .count(k, spread):
      let x = Double(k)
      let below = mixtureCDF(x), atLeast = 1 - mixtureCDF(x - 1)
      // Quantiles of the count: the smallest k with CDF ≥ q, by bisection on the integers.
      let top = (mu.max() ?? 0) * (1 + 20 * spread * spread) + 20 * ((mu.max() ?? 0).squareRoot() + 1) + 50
      func quantile(_ q: Double) -> Double {
        var lo = -1.0, hi = top.rounded(.up)
        while hi - lo > 1 {
          let mid = ((lo + hi) / 2).rounded(.down)
          if mixtureCDF(mid) >= q { hi = mid } else { lo = mid }
        }
        return hi
      }
      return Check(predicted: predicted, interval: quantile(0.025)...quantile(0.975), pValue: min(1, 2 * min(below, atLeast)))
    case let .rate(v, _, _):
      let s = likelihood.sigma
      let p = mixtureCDF(log(v))
      let logs = mu.map { log(max($0, 1e-300)) }
      func quantile(_ q: Double) -> Double {
        var lo = (logs.min() ?? 0) - 10 * s, hi = (logs.max() ?? 0) + 10 * s
        for _ in 0..<100 {
          let mid = (lo + hi) / 2
          if mixtureCDF(mid) >= q { hi = mid } else { lo = mid }
        }
        return exp(hi)
      }
      return Check(predicted: predicted, interval: quantile(0.025)...quantile(0.975), pValue: min(1, 2 * min(p, 1 - p)))
    case .held:
      return Check(predicted: predicted, interval: nil, pValue: predicted)
    }
  }

  // MARK: Helpers

  static func normalised(_ logW: [Double]) -> [Double] {
    let top = logW.max() ?? 0
    guard top > -.infinity else { return logW.map { _ in 1 / Double(logW.count) } }
    let w = logW.map { exp($0 - top) }
    let sum = w.reduce(0, +)
    return w.map { $0 / sum }
  }

  /// (Σw)² / Σw² of normalised weights.
  public static func effectiveSampleSize(_ w: [Double]) -> Double {
    let s2 = w.reduce(0) { $0 + $1 * $1 }
    return s2 > 0 ? 1 / s2 : 0
  }

  /// The weighted q-quantile: the smallest value whose cumulative weight reaches q.
  public static func quantile(_ x: [Double], _ w: [Double], _ q: Double) -> Double {
    let order = x.indices.sorted { x[$0] < x[$1] }
    var sum = 0.0
    for i in order {
      sum += w[i]
      if sum >= q { return x[i] }
    }
    return x[order.last!]
  }

  static func logSumExp(_ v: [Double]) -> Double {
    let top = v.max() ?? -.infinity
    guard top > -.infinity else { return -.infinity }
    return top + log(v.reduce(0) { $0 + exp($1 - top) })
  }

  /// Lower-triangular L with L Lᵀ = a (a symmetric positive definite; a tiny ridge is added
  /// to the diagonal when rounding makes it indefinite).
  static func cholesky(_ a: [[Double]]) -> [[Double]] {
    let n = a.count
    var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n {
      for j in 0...i {
        var s = a[i][j]
        for k in 0..<j { s -= l[i][k] * l[j][k] }
        if i == j { l[i][i] = max(s, 1e-12 * max(a[i][i], 1e-12)).squareRoot() } else { l[i][j] = s / l[j][j] }
      }
    }
    return l
  }

  static func logNormalDensity(_ z: [Double], mean: [Double], chol: [[Double]]) -> Double {
    let n = z.count
    var y = [Double](repeating: 0, count: n)  // solve L y = z − mean
    for i in 0..<n {
      var s = z[i] - mean[i]
      for k in 0..<i { s -= chol[i][k] * y[k] }
      y[i] = s / chol[i][i]
    }
    let logDet = (0..<n).reduce(0) { $0 + log(chol[$1][$1]) }
    return -0.5 * y.reduce(0) { $0 + $1 * $1 } - logDet - 0.5 * Double(n) * log(2 * Double.pi)
  }
}
