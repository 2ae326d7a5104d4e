import Foundation
import Testing
@testable import ReliabilityKit

@Suite("NHPP fits of recurrent events")
struct IntensityFitTests {
  @Test("closed forms: the power law from age 0 to a common age, the constant rate, one unit failure-truncated")
  func closedForms() throws {
    let data = RecurrentDraws.fleet(units: 12, seed: 5201, window: { _ in (0, 800) }, events: { a, b, s in
      RecurrentDraws.powerLaw(beta: 1.7, eta: 250, a: a, b: b, using: s)
    })
    let n = Double(data.eventCount)
    let beta = n / data.units.flatMap(\.events).reduce(0) { $0 + log(800 / $1) }
    let lambda = n / (12 * pow(800, beta))
    let fit = try IntensityFit.fit(.powerLaw, data: data)
    #expect(fit.converged)
    #expect(close(fit.parameter("beta")!, beta, 1e-8) && close(fit.parameter("lambda")!, lambda, 1e-7))
    #expect(close(fit.parameter("eta_hours")!, pow(lambda, -1 / beta), 1e-8))
    #expect(close(fit.betaUnbiased!, (n - 1) / n * beta, 1e-8))
    // ln L at the MLE: N ln β − N β ln η + (β − 1) Σ ln t − N (every unit's Λ(800) sums to N).
    let eta = pow(lambda, -1 / beta)
    let lnL = n * log(beta) - n * beta * log(eta) + (beta - 1) * data.units.flatMap(\.events).reduce(0) { $0 + log($1) } - n
    #expect(close(fit.logLikelihood, lnL, 1e-9))
    let hpp = try IntensityFit.fit(.hpp, data: data)
    #expect(close(hpp.parameter("rate_per_unit_hour")!, n / data.exposure, 1e-14))
    #expect(close(hpp.logLikelihood, n * log(n / data.exposure) - n, 1e-12))
    // One unit observed to its 6th event: β̂ = N / Σ_{i<N} ln(t_N/t_i), unbiased (N − 2)/N β̂.
    let ages: [Double] = [40, 110, 160, 330, 400, 520]
    let one = RecurrentData(units: [.init(id: "s", entry: 0, exit: 520, events: ages)])
    let b1 = 6 / ages.dropLast().reduce(0) { $0 + log(520 / $1) }
    let f1 = try IntensityFit.fit(.powerLaw, data: one)
    #expect(close(f1.parameter("beta")!, b1, 1e-8) && close(f1.betaUnbiased!, 4.0 / 6 * b1, 1e-8))
  }

  @Test("the constant rate's likelihood-ratio ends solve the Poisson deviance 2[N ln(N/μ) − (N − μ)] = χ²₁(0.95)")
  func hppInterval() throws {
    let data = RecurrentData(units: [.init(id: "a", entry: 100, exit: 1100, events: [200, 700, 900]),
                                     .init(id: "b", entry: 0, exit: 500, events: [50, 450])])
    let rate = try #require(try IntensityFit.fit(.hpp, data: data).parameters.first)
    let deviance = { (r: Double) in let mu = r * data.exposure; return 2 * (5 * log(5 / mu) - (5 - mu)) }
    #expect(abs(deviance(rate.lr!.lower) - 3.841458820694124) < 1e-7)
    #expect(abs(deviance(rate.lr!.upper) - 3.841458820694124) < 1e-7)
    #expect(close(rate.fisher!.upper, 5 / data.exposure * exp(1.959963984540054 / 5.0.squareRoot()), 1e-12))
  }

  @Test("the power law's likelihood-ratio ends of β are where the profile (η profiled in closed form) falls by χ²₁(0.95)/2")
  func profileEnds() throws {
    let data = RecurrentDraws.fleet(units: 30, seed: 5202, window: { s in let a = 300 * s.uniform(); return (a, a + 600) }, events: { a, b, s in
      RecurrentDraws.powerLaw(beta: 1.4, eta: 400, a: a, b: b, using: s)
    })
    let fit = try IntensityFit.fit(.powerLaw, data: data)
    let n = Double(data.eventCount), sumLog = data.units.flatMap(\.events).reduce(0) { $0 + log($1) }
    func profile(_ beta: Double) -> Double {
      let mass = data.units.reduce(0.0) { $0 + pow($1.exit, beta) - pow($1.entry, beta) }
      let eta = pow(mass / n, 1 / beta)
      return n * log(beta) - n * beta * log(eta) + (beta - 1) * sumLog - n
    }
    let beta = try #require(fit.parameters.first { $0.name == "beta" })
    #expect(abs(2 * (fit.logLikelihood - profile(beta.lr!.lower)) - 3.841458820694124) < 1e-6)
    #expect(abs(2 * (fit.logLikelihood - profile(beta.lr!.upper)) - 3.841458820694124) < 1e-6)
    #expect(abs(profile(beta.estimate) - fit.logLikelihood) < 1e-9)
  }

  @Test("ages in other units: ln L moves by −N ln c, scales and rates by c, shapes not at all")
  func scaleInvariance() throws {
    let data = RecurrentDraws.fleet(units: 25, seed: 5203, window: { s in (0, 500 + 500 * s.uniform()) }, events: { a, b, s in
      RecurrentDraws.logLinear(alpha: -5, gamma: 0.002, a: a, b: b, using: s)
    })
    let c = 3600.0
    let scaled = RecurrentData(units: data.units.map { .init(id: $0.id, entry: $0.entry * c, exit: $0.exit * c, events: $0.events.map { $0 * c }) })
    let n = Double(data.eventCount)
    for model in IntensityModel.allCases {
      let a = try IntensityFit.fit(model, data: data, intervals: false), b = try IntensityFit.fit(model, data: scaled, intervals: false)
      #expect(abs(b.logLikelihood - (a.logLikelihood - n * log(c))) < 1e-6, "\(model)")
      for (x, y) in zip(a.parameters, b.parameters) {
        switch x.name {
        case "beta": #expect(close(x.estimate, y.estimate, 1e-6))
        case "eta_hours": #expect(close(x.estimate * c, y.estimate, 1e-6))
        case "gamma_per_hour", "rate_per_unit_hour": #expect(close(x.estimate / c, y.estimate, 1e-6))
        case "alpha": #expect(close(x.estimate - log(c), y.estimate, 1e-6))
        default: break
        }
      }
    }
  }

  @Test("the optimal replacement age: the power law's closed form, and a minimum of the cost rate for the log-linear")
  func replacementAge() throws {
    let data = RecurrentDraws.fleet(units: 50, seed: 5204, window: { s in (0, 2000 + 2000 * s.uniform()) }, events: { a, b, s in
      RecurrentDraws.powerLaw(beta: 2.2, eta: 1500, a: a, b: b, using: s)
    })
    let r = 8.0
    let power = try IntensityFit.fit(.powerLaw, data: data)
    let (beta, eta) = (power.parameter("beta")!, power.parameter("eta_hours")!)
    let age = try #require(power.replacementAge(costRatio: r))
    #expect(close(age.age.estimate, eta * pow(1 / (r * (beta - 1)), 1 / beta), 1e-9))
    #expect(close(age.costPerUnitHour, beta / ((beta - 1) * age.age.estimate), 1e-9))
    #expect(age.age.lr!.contains(age.age.estimate) && age.age.fisher!.contains(age.age.estimate))
    let loglinear = try IntensityFit.fit(.logLinear, data: data)
    let t = try #require(loglinear.replacementAge(costRatio: r)).age.estimate
    let cost = { (x: Double) in (1 + r * loglinear.cumulative(at: x)) / x }
    #expect(cost(t) < cost(t * 0.99) && cost(t) < cost(t * 1.01))
    // Falling intensity: no replacement age.
    let falling = RecurrentDraws.fleet(units: 30, seed: 5205, window: { _ in (0, 3000) }, events: { a, b, s in
      RecurrentDraws.powerLaw(beta: 0.6, eta: 300, a: a, b: b, using: s)
    })
    #expect(try IntensityFit.fit(.powerLaw, data: falling).replacementAge(costRatio: r) == nil)
  }

  @Test("the replacement age of a sum of modes: one mode gives that mode's age; two give the root of R Σ(β−1)(T/η)^β = 1, a minimum of the cost rate")
  func replacementOfModes() throws {
    let window: (RandomSource) -> (Hours, Hours) = { s in (0, 2000 + 2000 * s.uniform()) }
    let a = try IntensityFit.fit(.powerLaw, data: RecurrentDraws.fleet(units: 60, seed: 5206, window: window, events: { a, b, s in
      RecurrentDraws.powerLaw(beta: 1.6, eta: 2500, a: a, b: b, using: s)
    }))
    let b = try IntensityFit.fit(.powerLaw, data: RecurrentDraws.fleet(units: 60, seed: 5207, window: window, events: { a, b, s in
      RecurrentDraws.powerLaw(beta: 3, eta: 3000, a: a, b: b, using: s)
    }))
    let r = 10.0
    let single = try #require(IntensityFit.replacementAge(sumOf: [a], costRatio: r))
    #expect(close(single.age.estimate, try #require(a.replacementAge(costRatio: r)).age.estimate, 1e-8))
    #expect(close(single.age.fisher!.lower, try #require(a.replacementAge(costRatio: r)).age.fisher!.lower, 1e-4))
    let both = try #require(IntensityFit.replacementAge(sumOf: [a, b], costRatio: r))
    let t = both.age.estimate
    let g = [a, b].reduce(0.0) { $0 + ($1.parameter("beta")! - 1) * pow(t / $1.parameter("eta_hours")!, $1.parameter("beta")!) }
    #expect(abs(r * g - 1) < 1e-9)
    let cost = { (x: Double) in (1 + r * (a.cumulative(at: x) + b.cumulative(at: x))) / x }
    #expect(close(both.costPerUnitHour, cost(t), 1e-12) && cost(t) < cost(0.99 * t) && cost(t) < cost(1.01 * t))
    #expect(both.age.fisher!.contains(t) && both.age.lr == nil)
  }

  @Test("fewer events than parameters: a named error, not a fit")
  func tooFew() {
    let one = RecurrentData(units: [.init(id: "a", entry: 0, exit: 100, events: [50])])
    #expect(throws: IntensityFit.FitError.tooFewEvents(model: .powerLaw, events: 1)) { try IntensityFit.fit(.powerLaw, data: one) }
    #expect((try? IntensityFit.fit(.hpp, data: one))?.converged == true)
  }

  @Test("recovers the generating power law and log-linear within their 95 % intervals (seed 8123, chosen before the fit was run)")
  func recovery() throws {
    let power = RecurrentDraws.fleet(units: 80, seed: 8123, window: { s in
      let a = s.uniform() < 0.6 ? 0 : 3000 * s.uniform()
      return (a, a + 1000 + 3000 * s.uniform())
    }, events: { a, b, s in RecurrentDraws.powerLaw(beta: 1.7, eta: 2500, a: a, b: b, using: s) })
    let fit = try IntensityFit.fit(.powerLaw, data: power, ages: [3000])
    let truth = ["beta": 1.7, "eta_hours": 2500, "lambda": pow(2500, -1.7)]
    for e in fit.parameters {
      #expect(e.lr!.contains(truth[e.name]!) && e.fisher!.contains(truth[e.name]!), "\(e.name) \(e.estimate) \(e.lr!)")
    }
    let rho = 1.7 / 2500 * pow(3000.0 / 2500, 0.7)
    #expect(fit.intensity[0].lr!.contains(rho) && fit.mcf[0].lr!.contains(pow(3000.0 / 2500, 1.7)))
    let logLinear = RecurrentDraws.fleet(units: 80, seed: 8124, window: { s in (0, 1000 + 3000 * s.uniform()) }, events: { a, b, s in
      RecurrentDraws.logLinear(alpha: -7, gamma: 4e-4, a: a, b: b, using: s)
    })
    let ll = try IntensityFit.fit(.logLinear, data: logLinear)
    #expect(ll.parameters.first { $0.name == "alpha" }!.lr!.contains(-7))
    #expect(ll.parameters.first { $0.name == "gamma_per_hour" }!.lr!.contains(4e-4))
  }

  /// The share of `fleets` generated logs whose 95 % LR interval holds the true β, η and optimal
  /// replacement age (cost ratio 5).
  static func coverage(fleets: Int, units: Int, seed: UInt32) -> (beta: Double, eta: Double, age: Double, events: Double) {
    let (beta, eta, r) = (1.8, 500.0, 5.0)
    let age = eta * pow(1 / (r * (beta - 1)), 1 / beta)
    var hits = (0, 0, 0), events = 0, fitted = 0
    for k in 0..<fleets {
      let data = RecurrentDraws.fleet(units: units, seed: seed &+ UInt32(k), window: { s in
        let a = s.uniform() < 0.5 ? 0 : 800 * s.uniform()
        return (a, a + 1000 + 1000 * s.uniform())
      }, events: { a, b, s in RecurrentDraws.powerLaw(beta: beta, eta: eta, a: a, b: b, using: s) })
      guard let fit = try? IntensityFit.fit(.powerLaw, data: data), fit.converged else { continue }
      fitted += 1
      events += data.eventCount
      if fit.parameters.first(where: { $0.name == "beta" })!.lr!.contains(beta) { hits.0 += 1 }
      if fit.parameters.first(where: { $0.name == "eta_hours" })!.lr!.contains(eta) { hits.1 += 1 }
      // A fit whose intensity does not rise gives no age: counted as a miss.
      if let t = fit.replacementAge(costRatio: r), t.age.lr!.contains(age) { hits.2 += 1 }
    }
    let n = Double(fitted)
    return (Double(hits.0) / n, Double(hits.1) / n, Double(hits.2) / n, Double(events) / n)
  }

  @Test("coverage: the 95 % LR intervals of β, η and the replacement age hold the truth 95 % of the time over 400 fleets of 8 units (about 70 events) and of 2 (about 18) (binomial 99.9 % band)",
        .tags(.statistical))
  func coverage() {
    let fleets = 400
    let band = Stats.z999 * (0.95 * 0.05 / Double(fleets)).squareRoot()
    for (units, seed) in [(8, UInt32(90_001)), (2, 91_001)] {
      let c = Self.coverage(fleets: fleets, units: units, seed: seed)
      for (name, share) in [("beta", c.beta), ("eta", c.eta), ("replacement age", c.age)] {
        #expect(abs(share - 0.95) <= band, "\(units) units, \(name): \(share) outside 0.95 ± \(band) (\(c.events) events a fleet)")
      }
    }
  }
}
