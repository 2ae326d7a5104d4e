import Foundation
import Testing
@testable import ReliabilityKit

@Suite("Inference: fleets differ (hierarchical model, leave one fleet out)")
struct FleetEffectsTests {
  /// Fleets of Poisson counts of one rate: fleet f saw counts[f] events in exposures[f].
  static func fleets(_ n: Int, spread: Double?, user: String? = nil, grid: Int = 48, exposure: [Double]? = nil) -> Inference.Fleets {
    Inference.Fleets(itemFleets: (0..<n).map { "f\($0)" }, itemGroups: [String?](repeating: "rate", count: n),
                     itemScales: exposure ?? [Double](repeating: 1, count: n), spreadScale: spread, userFleet: user, gridSize: grid)
  }

  @Test("the Gauss-Hermite rule integrates e^{−x²} times 1, x² and x⁴ exactly (√π, √π/2, 3√π/4)")
  func gaussHermite() {
    let (x, w) = Inference.FleetModel.gaussHermite(12)
    let root = Double.pi.squareRoot()
    #expect(abs(w.reduce(0, +) - root) < 1e-12)
    #expect(abs(zip(x, w).reduce(0) { $0 + $1.1 * $1.0 * $1.0 } - root / 2) < 1e-12)
    #expect(abs(zip(x, w).reduce(0) { $0 + $1.1 * pow($1.0, 4) } - 3 * root / 4) < 1e-12)
  }

  /// ln ∫ Π L_i(μ_i e^{σε}) φ(ε) dε by the trapezoid rule on 40,001 points of [−12, 12].
  static func bruteForce(_ l: [Inference.Likelihood], _ mu: [Double], sigma: Double) -> Double {
    let n = 40_000, h = 24.0 / Double(n)
    let terms = (0...n).map { j -> Double in
      let e = -12 + Double(j) * h
      let w = (j == 0 || j == n) ? 0.5 : 1.0
      return log(w * h) - 0.5 * e * e - 0.5 * log(2 * Double.pi) + zip(l, mu).reduce(0) { $0 + $1.0.logLikelihood($1.1 * exp(sigma * e)) }
    }
    return Inference.logSumExp(terms)
  }

  // 1e-5 in a log-likelihood is a relative error of 1e-5 in a point's weight, three orders of
  // magnitude below the Monte Carlo error of any weight (1/√ESS ≥ 1 % for an ESS up to 10^4).
  @Test("the adaptive Gauss-Hermite integral of a fleet's effect matches a brute-force trapezoid within 1e-5 in the log (Poisson, large counts, a negative binomial, a lognormal rate, two items of one fleet, a zero count)",
        arguments: [
          ([Inference.Likelihood.count(30, spread: 0)], [10.0], 0.8),
          ([.count(4352, spread: 0)], [2400], 1.5),
          ([.count(57, spread: 0)], [265], 0.05),
          ([.count(12, spread: 0.5)], [20], 1.0),
          ([.rate(2e-6, low: 1e-6, high: 3e-6)], [5e-6], 0.7),
          ([.count(57, spread: 0), .rate(1.8e-6, low: 1e-6, high: 2e-6)], [265, 3e-6], 1.2),
          ([.count(0, spread: 0)], [3.0], 2.0),
        ])
  func quadrature(likelihoods: [Inference.Likelihood], mu: [Double], sigma: Double) {
    let model = Inference.FleetModel(Self.fleets(likelihoods.count, spread: 1), likelihoods: likelihoods)
    let q = model.integral(Array(likelihoods.indices), mu, sigma: sigma).log
    let exact = Self.bruteForce(likelihoods, mu, sigma: sigma)
    #expect(abs(q - exact) < 1e-5, "\(q) against \(exact)")
  }

  @Test("with the spread's prior scale near 0 the hierarchical model is the pooled one: three fleets' counts and a gamma prior give Gamma(a + Σk, b + ΣT) within 4 Monte Carlo errors",
        .tags(.statistical))
  func reducesToPooled() throws {
    let (a, b) = (2.0, 200.0)
    let counts = [12, 30, 7], exposure = [600.0, 1500, 400]
    let input = Inference.Input(keyPath: "rate", prior: .gamma(shape: a, rate: b), suffix: "")
    let r = try Inference.run(inputs: [input], likelihoods: counts.map { .count($0, spread: 0) }, population: 400, seed: 7,
                              fleets: Self.fleets(3, spread: 1e-6)) { v in exposure.map { v[0] * $0 } }
    #expect(r.fleetModel?.isHierarchical == true && r.fleetSpreads.count == 1)
    let (pa, pb) = (a + Double(counts.reduce(0, +)), b + exposure.reduce(0, +))
    let mean = pa / pb, sd = pa.squareRoot() / pb, ess = r.effectiveSampleSize
    #expect(abs(r.marginals[0].mean - mean) <= 4 * sd / ess.squareRoot(), "\(r.marginals[0].mean) against \(mean)")
    #expect(abs(r.marginals[0].sd - sd) <= 4 * sd / (2 * ess).squareRoot(), "\(r.marginals[0].sd) against \(sd)")
    #expect(r.fleetSpreads[0].sigma.p95 < 1e-5)
  }

  /// The exact posterior of (ln λ_pop, σ) on a fine grid, each fleet's effect integrated by the
  /// trapezoid rule: the brute-force reference of the hierarchical sampler.
  static func gridPosterior(counts: [Int], exposure: [Double], low: Double, high: Double, scale: Double)
    -> (meanRate: Double, sdRate: Double, meanSigma: Double, sdSigma: Double) {
    let nl = 120, ns = 60, ne = 800
    let lgk = counts.map { GSL.logGamma(Double($0) + 1) }
    let he = 16.0 / Double(ne)
    let eps = (0...ne).map { -8 + Double($0) * he }
    let logPhi = eps.enumerated().map { j, e in log(((j == 0 || j == ne) ? 0.5 : 1.0) * he) - 0.5 * e * e - 0.5 * log(2 * Double.pi) }
    var rates: [Double] = [], sigmas: [Double] = [], logs: [Double] = []
    for a in 0..<nl {
      let rate = exp(log(low) + (Double(a) + 0.5) / Double(nl) * (log(high) - log(low)))
      for s in 0..<ns {
        let sigma = (Double(s) + 0.5) * 4 * scale / Double(ns)
        var total = -0.5 * (sigma / scale) * (sigma / scale)
        for f in counts.indices {
          let k = Double(counts[f]), base = log(rate * exposure[f])
          var top = -Double.infinity
          var terms = [Double](repeating: 0, count: eps.count)
          for j in eps.indices {
            let eta = base + sigma * eps[j]
            terms[j] = logPhi[j] + k * eta - exp(eta) - lgk[f]
            top = max(top, terms[j])
          }
          total += top + log(terms.reduce(0) { $0 + exp($1 - top) })
        }
        rates.append(rate); sigmas.append(sigma); logs.append(total)
      }
    }
    let top = logs.max()!
    let mass = logs.map { exp($0 - top) }
    let sum = mass.reduce(0, +)
    var m1 = 0.0, m2 = 0.0, s1 = 0.0, s2 = 0.0
    for i in mass.indices {
      let p = mass[i] / sum
      m1 += p * rates[i]; m2 += p * rates[i] * rates[i]; s1 += p * sigmas[i]; s2 += p * sigmas[i] * sigmas[i]
    }
    return (m1, (m2 - m1 * m1).squareRoot(), s1, (s2 - s1 * s1).squareRoot())
  }

  @Test("fleets whose rates differ: six fleets' counts drawn from a known population (λ 1e-3, σ 0.8) give the posterior of λ_pop and σ that a brute-force grid gives (means within 4 Monte Carlo errors), cover the truth, and a new fleet's interval is wider than the population's",
        .tags(.statistical))
  func hierarchicalExact() throws {
    let (rate, sigma) = (1e-3, 0.8)
    let exposure = [20_000.0, 50_000, 10_000, 80_000, 30_000, 40_000]
    let random = RandomSource(seed: 2512)
    let counts = exposure.map { random.poisson(mean: rate * exp(sigma * random.standardNormal()) * $0) }
    let input = Inference.Input(keyPath: "rate", prior: .logUniform(low: 1e-5, high: 1e-1), suffix: "")
    let r = try Inference.run(inputs: [input], likelihoods: counts.map { .count($0, spread: 0) }, population: 400, seed: 11,
                              fleets: Self.fleets(6, spread: 1)) { v in exposure.map { v[0] * $0 } }
    let exact = Self.gridPosterior(counts: counts, exposure: exposure, low: 1e-5, high: 1e-1, scale: 1)
    let ess = r.effectiveSampleSize
    #expect(ess > 100)
    let m = r.marginals[0]
    #expect(abs(m.mean - exact.meanRate) <= 4 * exact.sdRate / ess.squareRoot(), "λ \(m.mean) against \(exact.meanRate) (counts \(counts))")
    let s = r.fleetSpreads[0].sigma
    #expect(abs(s.mean - exact.meanSigma) <= 4 * exact.sdSigma / ess.squareRoot(), "σ \(s.mean) against \(exact.meanSigma)")
    #expect(m.p5 < rate && rate < m.p95, "λ 90 % \(m.p5) .. \(m.p95)")
    #expect(s.p5 < sigma && sigma < s.p95, "σ 90 % \(s.p5) .. \(s.p95)")
    let pop = r.fleetSpreads[0].populationRate, new = r.fleetSpreads[0].newFleetRate
    #expect(new.p95 / new.p5 > 2 * pop.p95 / pop.p5, "new \(new) population \(pop)")
    // The pooled model on the same counts is overconfident: its 90 % interval is much narrower.
    let pooled = try Inference.run(inputs: [input], likelihoods: counts.map { .count($0, spread: 0) }, population: 400, seed: 11,
                                   fleets: Self.fleets(6, spread: nil)) { v in exposure.map { v[0] * $0 } }
    #expect(pooled.fleetSpreads.isEmpty && pooled.fleetModel?.isHierarchical == false)
    #expect((m.p95 / m.p5) > 2 * (pooled.marginals[0].p95 / pooled.marginals[0].p5))
  }

  /// Simulation-based calibration of the hierarchical model: λ_pop (log-uniform) and σ
  /// (half-normal) from the prior, four fleets' effects and counts, the posterior CDF of each at
  /// its true value binned in 10; the chi-square p-values of uniformity. `pooledTwin` infers with
  /// the pooled model instead (σ = 0: a mis-specified twin).
  static func sbc(replications: Int, pooledTwin: Bool = false) throws -> [Double] {
    let input = Inference.Input(keyPath: "rate", prior: .logUniform(low: 1e-4, high: 1e-2), suffix: "")
    let exposure = [5_000.0, 10_000, 20_000, 40_000]
    let random = RandomSource(seed: 4051)
    let bins = 10
    var counts = [[Int]](repeating: [Int](repeating: 0, count: bins), count: 2)
    let fleets = Self.fleets(4, spread: pooledTwin ? nil : 1, grid: 24)
    for rep in 0..<replications {
      let rate = input.prior.value(input.prior.draw(using: random))
      let sigma = abs(random.standardNormal())  // half-normal, scale 1
      let data = exposure.map { random.poisson(mean: rate * exp(sigma * random.standardNormal()) * $0) }
      let r = try Inference.run(inputs: [input], likelihoods: data.map { .count($0, spread: 0) }, population: 100, maxRounds: 3,
                                seed: UInt64(5000 + rep), fleets: fleets, checks: false) { v in exposure.map { v[0] * $0 } }
      let u0 = zip(r.values, r.weights).reduce(0) { $0 + ($1.0[0] < rate ? $1.1 : 0) }
      counts[0][min(Int(u0 * Double(bins)), bins - 1)] += 1
      if !pooledTwin {
        let u1 = Inference.sigmaCDF(r.fleetModel!, posteriors: r.sigmaPosteriors.map { $0[0] }, weights: r.weights, at: sigma)
        counts[1][min(Int(u1 * Double(bins)), bins - 1)] += 1
      }
    }
    let expected = Double(replications) / Double(bins)
    return (0..<(pooledTwin ? 1 : 2)).map { j in
      let chi2 = counts[j].reduce(0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
      return GSL.chiSquaredQ(chi2, degreesOfFreedom: Double(bins - 1))
    }
  }

  @Test("simulation-based calibration of the hierarchical model: over 120 data sets of four fleets drawn from the prior, the posterior CDFs of λ_pop and σ at their true values are uniform (chi-square over 10 bins, p > 0.01)",
        .tags(.statistical))
  func simulationBasedCalibration() throws {
    // 1 % is the false-alarm rate of each check at this fixed seed.
    for (j, p) in try Self.sbc(replications: 120).enumerated() { #expect(p > 0.01, "\(j == 0 ? "λ_pop" : "σ"): p \(p)") }
  }

  @Test("the same calibration fails the pooled twin (fleets treated as one on data whose fleets differ): p < 0.01 for λ_pop",
        .tags(.statistical))
  func simulationBasedCalibrationHasPower() throws {
    let p = try Self.sbc(replications: 120, pooledTwin: true)
    #expect(p[0] < 0.01, "p \(p)")
  }

  @Test("leave one fleet out: of five fleets, the one whose rate is 8 times the others' is not predicted by the others (p < 0.05); each of the four others is predicted")
  func leaveOneFleetOut() throws {
    let exposure = [10_000.0, 20_000, 15_000, 25_000, 20_000]
    let counts = [10, 19, 16, 26, 160]  // rate 1e-3; the last fleet 8e-3
    let input = Inference.Input(keyPath: "rate", prior: .logUniform(low: 1e-5, high: 1e-1), suffix: "")
    let r = try Inference.run(inputs: [input], likelihoods: counts.map { .count($0, spread: 0) }, population: 400, seed: 3,
                              fleets: Self.fleets(5, spread: 1)) { v in exposure.map { v[0] * $0 } }
    #expect(r.leaveOneOut.count == 5)
    let flagged = r.leaveOneOut.filter(\.conflict).map(\.fleet)
    #expect(flagged == ["f4"], "flagged \(flagged): \(r.leaveOneOut.map { ($0.fleet, $0.checks[0].pValue) })")
    // With every fleet in, the outlier is absorbed by its own effect: the ordinary check passes it.
    #expect(!r.checks[4].conflict)
    #expect(r.leaveOneOut.allSatisfy { $0.effectiveSampleSize > 50 })
  }

  @Test("the user's cluster: a new fleet is drawn from the population (wide), but the fleet's own items pin it (narrow, around its rate); new-fleet draws carry the multipliers")
  func userFleet() throws {
    let exposure = [10_000.0, 20_000, 15_000, 200_000]
    let counts = [10, 60, 5, 800]  // the last fleet, the user's, saw 4e-3 over a long exposure
    let input = Inference.Input(keyPath: "rate", prior: .logUniform(low: 1e-5, high: 1e-1), suffix: "")
    func run(_ user: String?) throws -> Inference.Result {
      try Inference.run(inputs: [input], likelihoods: counts.map { .count($0, spread: 0) }, population: 300, seed: 5,
                        fleets: Self.fleets(4, spread: 1, user: user, exposure: exposure)) { v in exposure.map { v[0] * $0 } }
    }
    let new = try run(nil).fleetSpreads[0], pinned = try run("f3")
    #expect(!new.pinnedByUserFleet && pinned.fleetSpreads[0].pinnedByUserFleet)
    let p = pinned.fleetSpreads[0].newFleetRate
    #expect(p.p5 > 3.4e-3 && p.p95 < 4.6e-3, "\(p)")
    #expect(new.newFleetRate.p95 / new.newFleetRate.p5 > 10 * p.p95 / p.p5)
    let draws = Inference.newFleetDraws(pinned, count: 500, seed: 1)
    #expect(draws.count == 500 && draws.allSatisfy { $0.multipliers.count == 1 })
    let rates = draws.map { $0.values[0] * $0.multipliers[0] }
    let mean = rates.reduce(0, +) / 500
    #expect(abs(mean - 4e-3) < 0.4e-3, "\(mean)")
    #expect(Inference.newFleetDraws(pinned, count: 50, seed: 1).map(\.multipliers) == draws.prefix(50).map(\.multipliers))
  }
}
