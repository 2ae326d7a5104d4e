import Foundation

/// Fleets differ: the hierarchical model of `cposim infer` (docs/inference.md, Fleets differ).
///
/// Items are grouped by the rate they measure (a catalog part's mode, a part's hard modes, a rate
/// input). When the items of a rate come from two fleets or more, each fleet f has its own rate,
/// the population's times a fleet effect:
///
///     ln λ_f = ln λ_pop + σ ε_f,   ε_f ~ N(0, 1),   σ ~ half-normal(scale)
///
/// λ_pop is what the varied inputs set (the item's prediction μ_i(θ) is the population's), σ is
/// the between-fleet spread of that rate, learnt from the evidence. The fleet effects are
/// integrated out: for each fleet, ∫ Π_i L_i(μ_i e^{σε}) φ(ε) dε by adaptive Gauss-Hermite
/// quadrature (the integrand is log-concave in ε for every count and rate likelihood, so a
/// Laplace-centred rule of 24 nodes gives its logarithm within 1e-5 for σ ≤ 2, zero counts
/// included); σ is integrated on a grid of its prior
/// (midpoints of [0, 4 × scale]), which gives its posterior at every point exactly. The
/// likelihood of a point is then Π_groups Σ_k q_k Π_fleets I_f(σ_k) times the ungrouped items'.
/// Simulated items (report metrics of a scenario) carry no fleet effect: their prediction already
/// is a fleet's (the scenario simulated), and integrating an offset would need a simulation per
/// node.
extension Inference {
  /// Which fleet each item comes from and which rate it measures.
  public struct Fleets: Sendable {
    /// The fleet of each item, in the order of the likelihoods.
    public let itemFleets: [String]
    /// The rate each item measures (nil: no fleet effect, as for a simulated item).
    public let itemGroups: [String?]
    /// Per item: the prediction divided by this is the measured rate per unit-hour (per part).
    public let itemScales: [Double]
    /// The half-normal scale of σ; nil: the pooled model (no fleet effects).
    public let spreadScale: Double?
    /// The fleet of the user's cluster: its items pin its own effect; otherwise it is a new
    /// fleet drawn from the population.
    public let userFleet: String?
    /// Nodes of the grid σ's posterior is computed on.
    public let gridSize: Int
    /// Nodes of the Gauss–Hermite rule over a fleet's effect.
    public let nodes: Int

    /// The fleets of the items, each property of the same name; `gridSize` and `nodes` set the σ grid and the quadrature.
    public init(itemFleets: [String], itemGroups: [String?], itemScales: [Double], spreadScale: Double?, userFleet: String? = nil,
                gridSize: Int = 48, nodes: Int = 24) {
      precondition(itemFleets.count == itemGroups.count && itemGroups.count == itemScales.count)
      self.itemFleets = itemFleets
      self.itemGroups = itemGroups
      self.itemScales = itemScales
      self.spreadScale = spreadScale
      self.userFleet = userFleet
      self.gridSize = gridSize
      self.nodes = nodes
    }

    /// The default half-normal scale of the between-fleet spread σ (docs/inference.md): 68 % of
    /// the prior below 1 (fleets within a factor e of the population), 95 % below 2.
    public static let defaultSpreadScale = 1.0
  }

  /// Mean and weighted 5/50/95 % quantiles.
  public struct Summary: Sendable, Equatable {
    /// Weighted posterior mean.
    public let mean: Double
    /// Weighted 5 % quantile.
    public let p5: Double
    /// Weighted median.
    public let p50: Double
    /// Weighted 95 % quantile.
    public let p95: Double
  }

  /// A rate several fleets inform: its between-fleet spread, the population's rate and a new
  /// fleet's.
  public struct FleetSpread: Sendable {
    /// The rate measured (`pluggable-800g (hard modes)`, `switch-board/board-hardware`, `input jobs[0].background_rate`).
    public let rate: String
    /// The fleets whose items measure it.
    public let fleets: [String]
    /// The items that measure it.
    public let items: [Int]
    /// The posterior of σ, the standard deviation of ln λ between fleets.
    public let sigma: Summary
    /// The prior of σ in words.
    public let sigmaPrior: String
    /// The population median rate λ_pop, per unit-hour of one part (or of the input's unit).
    public let populationRate: Summary
    /// The rate of the user's cluster: a new fleet λ_pop e^{σε}, ε ~ N(0, 1), unless the user's
    /// fleet has items of this rate (then its own posterior effect).
    public let newFleetRate: Summary
    /// Whether the user's fleet's own items pin its effect.
    public let pinnedByUserFleet: Bool
  }

  /// The leave-one-fleet-out check of one fleet: the posterior without its items (the pooled
  /// sample reweighted exactly: every point's likelihood without the fleet), and the predictive
  /// check of each of its items as a new fleet drawn from the population the others describe.
  public struct LeaveOneOut: Sendable {
    /// The fleet left out.
    public let fleet: String
    /// Its items, as indices of the likelihoods.
    public let items: [Int]
    /// The effective sample size of the reweighted sample (small: the others constrain the
    /// inputs little, and the check is a rough one).
    public let effectiveSampleSize: Double
    /// One per item.
    public let checks: [Check]
    /// Whether any of its items conflicts (p < 0.05): the others fail to predict this fleet.
    public var conflict: Bool { checks.contains(where: \.conflict) }
  }

  /// One draw for a new fleet (the user's cluster): a posterior point's input values and, per
  /// fleet spread (in the order of `fleetSpreads`), the multiplier e^{σε} of that rate.
  public struct NewFleetDraw: Sendable {
    /// The posterior point drawn (an index of the pooled sample).
    public let point: Int
    /// Its input values in the order of the inputs, each in the unit it is written in.
    public let values: [Double]
    /// Per fleet spread, the new fleet's multiplier e^{σε} of that rate.
    public let multipliers: [Double]
  }

  /// Draws for the user's cluster, `count` of them, deterministic in `seed`: posterior points
  /// resampled by weight, each rate with a fleet spread multiplied by e^{σε} (σ from its
  /// posterior at that point; ε ~ N(0, 1) for a new fleet, or the user's fleet's posterior effect
  /// when its items pin it). Under the pooled model (no spreads) every multiplier list is empty
  /// and the draws are the posterior's.
  public static func newFleetDraws(_ r: Result, count: Int, seed: UInt64) -> [NewFleetDraw] {
    let random = RandomSource(seed: SeedSequence(master: seed).seed(forTrial: 0, stream: SeedSequence.streamKey("infer-new-fleet")))
    let picker = WeightedPicker(r.weights)
    return (0..<count).map { _ in
      let i = picker.pick(random)
      let m = r.fleetSpreads.indices.map { g in r.fleetModel!.multiplier(point: i, group: g, predictions: r.predictions[i],
                                                                           sigmaPosterior: r.sigmaPosteriors[i][g], random: random) }
      return NewFleetDraw(point: i, values: r.values[i], multipliers: m)
    }
  }

  /// The multipliers e^{σε} of every rate with a fleet spread (in the order of `fleetSpreads`)
  /// for draws at the given posterior points (one list per point given, deterministic in
  /// `seed`): σ from its posterior at the point, ε ~ N(0, 1) for a new fleet or the user's
  /// fleet's posterior effect when its items pin it. Empty lists under the pooled model. This is
  /// what `infer --write-scenario` applies to the resampled points (docs/inference.md).
  public static func fleetMultipliers(_ r: Result, points: [Int], seed: UInt64) -> [[Double]] {
    guard let model = r.fleetModel, !r.fleetSpreads.isEmpty else { return points.map { _ in [] } }
    let random = RandomSource(seed: SeedSequence(master: seed).seed(forTrial: 0, stream: SeedSequence.streamKey("infer-written-fleet-draws")))
    return points.map { i in
      r.fleetSpreads.indices.map { g in
        model.multiplier(point: i, group: g, predictions: r.predictions[i], sigmaPosterior: r.sigmaPosteriors[i][g], random: random)
      }
    }
  }

  /// Draws a point index in proportion to its weight.
  struct WeightedPicker {
    let cumulative: [Double]
    init(_ w: [Double]) {
      var sum = 0.0
      cumulative = w.map { sum += $0; return sum }
    }
    func pick(_ random: RandomSource) -> Int {
      let u = random.uniform() * (cumulative.last ?? 1)
      var lo = 0, hi = cumulative.count - 1
      while lo < hi {
        let mid = (lo + hi) / 2
        if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
      }
      return lo
    }
    static func pick(_ p: [Double], _ random: RandomSource) -> Int {
      let u = random.uniform() * p.reduce(0, +)
      var sum = 0.0
      for (k, x) in p.enumerated() {
        sum += x
        if sum > u { return k }
      }
      return p.count - 1
    }
  }

  /// The hierarchical likelihood: groups, the σ grid and the quadrature.
  public final class FleetModel: @unchecked Sendable {  // read-only after init
    /// A rate with a fleet effect and the fleets that measure it.
    public struct Group: Sendable {
      /// The rate.
      public let name: String
      /// The fleets that measure it.
      public let fleets: [String]
      /// The items of each fleet.
      public let members: [[Int]]
      /// Every item of the rate, as indices of the likelihoods.
      public var items: [Int] { members.flatMap { $0 } }
    }

    /// The fleets and the settings of the model.
    public let fleets: Fleets
    let likelihoods: [Likelihood]
    /// The rates with a fleet effect: two fleets or more, and a spread scale.
    public let groups: [Group]
    /// Per item: whether it is in a group (its likelihood is integrated over its fleet's effect).
    let grouped: [Bool]
    /// The σ grid: its nodes and the log of their prior weights (normalised).
    public let sigma: [Double]
    let logPriorSigma: [Double]
    let step: Double
    /// Gauss-Hermite nodes and log weights (weight e^{−x²}).
    let hermite: (x: [Double], logW: [Double])

    /// The items whose stated `spread` (a negative binomial: the item's fleet differs from the
    /// model by about that CV) was dropped because their rate has a learnt fleet effect: the
    /// stated spread and sigma would both describe the same between-fleet variation, counted
    /// twice (docs/inference.md, "One spread, not two"). Under the pooled model, or for a rate one
    /// fleet measures, the stated spread is kept.
    public let spreadReplaced: [Int]

    init(_ fleets: Fleets, likelihoods given: [Likelihood]) {
      self.fleets = fleets
      let likelihoods = given
      var groups: [Group] = []
      if fleets.spreadScale != nil {
        var order: [String] = []
        var byGroup: [String: [(String, Int)]] = [:]
        for (i, g) in fleets.itemGroups.enumerated() {
          guard let g else { continue }
          if case .held = likelihoods[i] { continue }
          if byGroup[g] == nil { order.append(g) }
          byGroup[g, default: []].append((fleets.itemFleets[i], i))
        }
        for g in order {
          var names: [String] = []
          var members: [String: [Int]] = [:]
          for (f, i) in byGroup[g]! {
            if members[f] == nil { names.append(f) }
            members[f, default: []].append(i)
          }
          if names.count >= 2 { groups.append(Group(name: g, fleets: names, members: names.map { members[$0]! })) }
        }
      }
      self.groups = groups
      var grouped = [Bool](repeating: false, count: likelihoods.count)
      for g in groups { for i in g.items { grouped[i] = true } }
      self.grouped = grouped
      var replaced: [Int] = []
      self.likelihoods = likelihoods.enumerated().map { i, l in
        guard grouped[i], case let .count(k, spread) = l, spread > 0 else { return l }
        replaced.append(i)
        return .count(k, spread: 0)
      }
      spreadReplaced = replaced
      let scale = fleets.spreadScale ?? 1
      let k = fleets.gridSize
      step = 4 * scale / Double(k)
      sigma = (0..<k).map { (Double($0) + 0.5) * 4 * scale / Double(k) }
      let logQ = sigma.map { -0.5 * ($0 / scale) * ($0 / scale) }
      let norm = Inference.logSumExp(logQ)
      logPriorSigma = logQ.map { $0 - norm }
      let gh = Self.gaussHermite(fleets.nodes)
      hermite = (gh.x, gh.w.map { log($0) })
    }

    /// Whether any rate has a fleet effect (two fleets or more, and a spread scale).
    public var isHierarchical: Bool { !groups.isEmpty }

    /// The prior of σ in words.
    public var sigmaPriorText: String {
      String(format: "half-normal, scale %.3g (on a grid of %d to %.3g)", fleets.spreadScale ?? 0, sigma.count, 4 * (fleets.spreadScale ?? 0))
    }

    /// Per group, per fleet, per σ node: ln ∫ Π L_i(μ_i e^{σε}) φ(ε) dε at these predictions.
    public typealias Terms = [[[Double]]]

    func terms(_ p: Predictions) -> Terms {
      groups.map { g in g.members.map { items in sigma.map { s in integral(items, p, sigma: s).log } } }
    }

    /// The log-likelihood of a point: the ungrouped items' plus each group's, leaving out the
    /// items of fleet `left` (nil: none).
    func logLikelihood(_ p: Predictions, terms: Terms, without left: String? = nil) -> Double {
      var total = 0.0
      for i in likelihoods.indices where !grouped[i] && fleets.itemFleets[i] != left {
        total += likelihoods[i].logLikelihood(p[i])
      }
      for g in groups.indices { total += groupLogLikelihood(terms[g], group: g, without: left) }
      return total.isNaN ? -.infinity : total
    }

    func groupLogLikelihood(_ t: [[Double]], group g: Int, without left: String?) -> Double {
      Inference.logSumExp(sigma.indices.map { k in
        logPriorSigma[k] + groups[g].fleets.indices.reduce(0) { $0 + (groups[g].fleets[$1] == left ? 0 : t[$1][k]) }
      })
    }

    /// σ's posterior on the grid at a point (normalised), leaving out fleet `left`.
    func sigmaPosterior(_ t: [[Double]], group g: Int, without left: String? = nil) -> [Double] {
      let logP = sigma.indices.map { k in
        logPriorSigma[k] + groups[g].fleets.indices.reduce(0) { $0 + (groups[g].fleets[$1] == left ? 0 : t[$1][k]) }
      }
      return Inference.normalised(logP)
    }

    /// ln ∫ Π_{i ∈ items} L_i(μ_i e^{σε}) φ(ε) dε by adaptive Gauss-Hermite quadrature: the mode
    /// ε̂ of the log integrand h (damped Newton; h is concave), its curvature ŝ = (−h″(ε̂))^{−½},
    /// and the rule on ε̂ + √2 ŝ x. Also returns the nodes and their posterior log weights, which
    /// draw the fleet's effect.
    func integral(_ items: [Int], _ p: Predictions, sigma s: Double) -> (log: Double, nodes: [Double], logWeights: [Double]) {
      var fixed = 0.0
      var eta: [(Likelihood, Double)] = []
      for i in items {
        let mu = p[i]
        if mu.isFinite, mu > 0 { eta.append((likelihoods[i], log(mu))) } else { fixed += likelihoods[i].logLikelihood(mu) }
      }
      guard fixed > -.infinity, !eta.isEmpty else { return (fixed, [0], [0]) }
      func h(_ e: Double) -> (Double, Double, Double) {
        var v = -0.5 * e * e, d1 = -e, d2 = -1.0
        for (l, n) in eta {
          let (a, b, c) = l.logLikelihoodInLog(n + s * e)
          v += a; d1 += s * b; d2 += s * s * c
        }
        return (v, d1, d2)
      }
      var e = 0.0
      var (v, d1, d2) = h(e)
      for _ in 0..<200 {
        var delta = -d1 / d2
        if !delta.isFinite { break }
        delta = max(-20, min(20, delta))
        var moved = false
        for _ in 0..<60 {
          let next = h(e + delta)
          if next.0 >= v || abs(delta) < 1e-12 {
            e += delta; (v, d1, d2) = next; moved = true
            break
          }
          delta /= 2
        }
        if !moved || abs(delta) < 1e-10 { break }
      }
      let scale = 1 / max(-d2, 1e-12).squareRoot()
      let nodes = hermite.x.map { e + 2.0.squareRoot() * scale * $0 }
      let logW = zip(hermite.x, zip(hermite.logW, nodes)).map { x, wn in wn.0 + x * x + h(wn.1).0 }
      let total = Inference.logSumExp(logW)
      let value = fixed - 0.5 * log(2 * Double.pi) + log(2.0.squareRoot() * scale) + total
      return (value.isNaN ? -.infinity : value, nodes, logW.map { $0 - total })
    }

    /// The multiplier e^{σε} of group g's rate for the user's cluster at a point: σ drawn from
    /// `sigmaPosterior`; ε from N(0, 1) (a new fleet) or from the user's fleet's posterior effect.
    func multiplier(point: Int, group g: Int, predictions: Predictions, sigmaPosterior: [Double], random: RandomSource) -> Double {
      let s = sigma[WeightedPicker.pick(sigmaPosterior, random)]
      if let user = fleets.userFleet, let f = groups[g].fleets.firstIndex(of: user) {
        return exp(s * fleetEffect(groups[g].members[f], predictions, sigma: s, random: random))
      }
      return exp(s * random.standardNormal())
    }

    /// A fleet's effect ε drawn from its posterior at σ (the quadrature's nodes, by their weights).
    func fleetEffect(_ items: [Int], _ p: Predictions, sigma s: Double, random: RandomSource) -> Double {
      let q = integral(items, p, sigma: s)
      return q.nodes[WeightedPicker.pick(q.logWeights.map { exp($0) }, random)]
    }

    /// Gauss-Hermite nodes and weights for ∫ f(x) e^{−x²} dx (Press et al., Numerical Recipes,
    /// gauher: Newton on the orthonormal Hermite recurrence).
    static func gaussHermite(_ n: Int) -> (x: [Double], w: [Double]) {
      let pim4 = 0.7511255444649425  // π^(−1/4)
      var x = [Double](repeating: 0, count: n), w = [Double](repeating: 0, count: n)
      var z = 0.0
      for i in 0..<((n + 1) / 2) {
        if i == 0 {
          z = Double(2 * n + 1).squareRoot() - 1.85575 * pow(Double(2 * n + 1), -0.16667)
        } else if i == 1 {
          z -= 1.14 * pow(Double(n), 0.426) / z
        } else if i == 2 {
          z = 1.86 * z - 0.86 * x[0]
        } else if i == 3 {
          z = 1.91 * z - 0.91 * x[1]
        } else {
          z = 2 * z - x[i - 2]
        }
        var pp = 0.0
        for _ in 0..<100 {
          var p1 = pim4, p2 = 0.0
          for j in 0..<n {
            let p3 = p2
            p2 = p1
            p1 = z * (2 / Double(j + 1)).squareRoot() * p2 - (Double(j) / Double(j + 1)).squareRoot() * p3
          }
          pp = (2 * Double(n)).squareRoot() * p2
          let z1 = z
          z = z1 - p1 / pp
          if abs(z - z1) <= 1e-14 { break }
        }
        x[i] = z; x[n - 1 - i] = -z
        w[i] = 2 / (pp * pp); w[n - 1 - i] = w[i]
      }
      return (x, w)
    }
  }

  // MARK: Summaries

  /// σ's posterior: the mixture over the points of each point's grid posterior; quantiles
  /// interpolated linearly inside a grid cell.
  static func sigmaSummary(_ model: FleetModel, posteriors: [[Double]], weights: [Double]) -> Summary {
    var mass = [Double](repeating: 0, count: model.sigma.count)
    for (p, w) in zip(posteriors, weights) where w > 0 { for k in mass.indices { mass[k] += w * p[k] } }
    let total = mass.reduce(0, +)
    mass = mass.map { $0 / total }
    let mean = zip(model.sigma, mass).reduce(0) { $0 + $1.0 * $1.1 }
    func quantile(_ q: Double) -> Double {
      var sum = 0.0
      for k in mass.indices {
        if sum + mass[k] >= q { return (Double(k) + (mass[k] > 0 ? (q - sum) / mass[k] : 0)) * model.step }
        sum += mass[k]
      }
      return Double(mass.count) * model.step
    }
    return Summary(mean: mean, p5: quantile(0.05), p50: quantile(0.5), p95: quantile(0.95))
  }

  /// P(σ < x) under the mixture of the points' grid posteriors.
  static func sigmaCDF(_ model: FleetModel, posteriors: [[Double]], weights: [Double], at x: Double) -> Double {
    var sum = 0.0
    for (p, w) in zip(posteriors, weights) where w > 0 {
      for k in p.indices {
        let lo = Double(k) * model.step
        let share = min(max((x - lo) / model.step, 0), 1)
        sum += w * p[k] * share
      }
    }
    return sum
  }

  static func summary(_ x: [Double], _ w: [Double]) -> Summary {
    let total = w.reduce(0, +)
    let mean = zip(x, w).reduce(0) { $0 + $1.0 * $1.1 } / total
    let wn = w.map { $0 / total }
    return Summary(mean: mean, p5: quantile(x, wn, 0.05), p50: quantile(x, wn, 0.5), p95: quantile(x, wn, 0.95))
  }

  /// Draws per Monte Carlo predictive check of a grouped item.
  public static let fleetCheckDraws = 4000

  /// The fleet parts of a result: the checks of the grouped items (their own fleet's effect drawn
  /// from its posterior), the spreads and the leave-one-fleet-out checks.
  static func fleetResults(_ model: FleetModel, likelihoods: [Likelihood], predictions: [Predictions], weights: [Double],
                           terms: [FleetModel.Terms], logBase: [Double], seed: UInt64, checks wanted: Bool = true)
    -> (checks: [Int: Check], sigmaPosteriors: [[[Double]]], spreads: [FleetSpread], lofo: [LeaveOneOut]) {
    let seeds = SeedSequence(master: seed)
    let n = predictions.count
    let sigmaPosteriors = (0..<n).map { i in model.groups.indices.map { g in model.sigmaPosterior(terms[i][g], group: g) } }
    let draws = fleetCheckDraws

    // The grouped items' checks: a replicate of the same fleet.
    var checks: [Int: Check] = [:]
    let picker = WeightedPicker(weights)
    for (g, group) in model.groups.enumerated() where wanted {
      for (f, members) in group.members.enumerated() {
        let random = RandomSource(seed: seeds.seed(forTrial: g * 1000 + f, stream: SeedSequence.streamKey("infer-fleet-check")))
        var mus = [[Double]](repeating: [], count: members.count)
        for _ in 0..<draws {
          let i = picker.pick(random)
          let s = model.sigma[WeightedPicker.pick(sigmaPosteriors[i][g], random)]
          let m = exp(s * model.fleetEffect(members, predictions[i], sigma: s, random: random))
          for (j, item) in members.enumerated() { mus[j].append(predictions[i][item] * m) }
        }
        let uniform = [Double](repeating: 1 / Double(draws), count: draws)
        for (j, item) in members.enumerated() { checks[item] = check(likelihoods[item], predictions: mus[j], weights: uniform) }
      }
    }

    // The spreads, the population's rate and a new fleet's.
    var spreads: [FleetSpread] = []
    for (g, group) in model.groups.enumerated() {
      let first = group.items[0]
      let scale = model.fleets.itemScales[first]
      let population = predictions.map { $0[first] / scale }
      let random = RandomSource(seed: seeds.seed(forTrial: g, stream: SeedSequence.streamKey("infer-new-fleet-rate")))
      var newRates: [Double] = []
      for _ in 0..<draws {
        let i = picker.pick(random)
        newRates.append(population[i] * model.multiplier(point: i, group: g, predictions: predictions[i], sigmaPosterior: sigmaPosteriors[i][g],
                                                         random: random))
      }
      spreads.append(FleetSpread(rate: group.name, fleets: group.fleets, items: group.items,
                                 sigma: sigmaSummary(model, posteriors: sigmaPosteriors.map { $0[g] }, weights: weights),
                                 sigmaPrior: model.sigmaPriorText, populationRate: summary(population, weights),
                                 newFleetRate: summary(newRates, [Double](repeating: 1, count: draws)),
                                 pinnedByUserFleet: model.fleets.userFleet.map { group.fleets.contains($0) } ?? false))
    }

    // Leave one fleet out.
    var fleetNames: [String] = []
    for f in model.fleets.itemFleets where !fleetNames.contains(f) { fleetNames.append(f) }
    var lofo: [LeaveOneOut] = []
    if fleetNames.count >= 2, wanted {
      for (fi, fleet) in fleetNames.enumerated() {
        let items = model.fleets.itemFleets.indices.filter { model.fleets.itemFleets[$0] == fleet }
        let logW = (0..<n).map { i -> Double in
          let l = logBase[i] + model.logLikelihood(predictions[i], terms: terms[i], without: fleet)
          return l.isNaN ? -.infinity : l
        }
        let w = normalised(logW)
        let ess = effectiveSampleSize(w)
        let random = RandomSource(seed: seeds.seed(forTrial: fi, stream: SeedSequence.streamKey("infer-lofo")))
        let picker = WeightedPicker(w)
        var fleetChecks: [Check] = []
        for item in items {
          if let g = model.groups.firstIndex(where: { $0.items.contains(item) }) {
            // A new fleet drawn from the population the others describe.
            var mus: [Double] = []
            for _ in 0..<draws {
              let i = picker.pick(random)
              let post = model.sigmaPosterior(terms[i][g], group: g, without: fleet)
              let s = model.sigma[WeightedPicker.pick(post, random)]
              mus.append(predictions[i][item] * exp(s * random.standardNormal()))
            }
            fleetChecks.append(check(likelihoods[item], predictions: mus, weights: [Double](repeating: 1 / Double(draws), count: draws)))
          } else {
            fleetChecks.append(check(likelihoods[item], predictions: predictions.map { $0[item] }, weights: w))
          }
        }
        lofo.append(LeaveOneOut(fleet: fleet, items: items, effectiveSampleSize: ess, checks: fleetChecks))
      }
    }
    return (checks, sigmaPosteriors, spreads, lofo)
  }
}
