import Foundation

/// Models of the intensity ρ(t) of recurrent events on units that are repaired without renewing
/// them (minimal repair): non-homogeneous Poisson processes in the unit's age t.
public enum IntensityModel: String, Sendable, CaseIterable {
  /// Power law (Crow-AMSAA, MIL-HDBK-189): ρ(t) = (β/η)(t/η)^(β−1), Λ(t) = (t/η)^β = λ t^β with
  /// λ = η^−β. β > 1: events come faster with age; β = 1: a constant rate; β < 1: slower.
  case powerLaw = "power_law"
  /// Log-linear (Cox–Lewis): ρ(t) = exp(α + γ t), Λ(t) = e^α (e^(γt) − 1)/γ. γ > 0: rising.
  case logLinear = "log_linear"
  /// Homogeneous Poisson process: a constant rate ρ (no trend).
  case hpp

  /// Parameters the model fits: 2, or 1 for the constant rate.
  public var parameterCount: Int { self == .hpp ? 1 : 2 }

  /// How the text names the model.
  public var label: String {
    switch self {
    case .powerLaw: "power law (Crow-AMSAA)"
    case .logLinear: "log-linear (Cox-Lewis)"
    case .hpp: "constant rate (HPP)"
    }
  }
}

/// A maximum-likelihood fit of an NHPP to recurrent-event data with each unit's observation window
/// (entry, exit] in its age:
///
///   ln L = Σ_ij ln ρ(t_ij) − Σ_i [Λ(b_i) − Λ(a_i)],
///
/// the same whether a unit's observation ended at a fixed age (time-truncated) or at an event
/// (failure-truncated). Ages are divided by the oldest exit age c before fitting, and ln L in hours
/// is the scaled one minus N ln c. The power law is maximised over β on its profile (η̂^β =
/// Σ(b_i^β − a_i^β)/N), the log-linear over γ on its profile (e^α̂ = N / Σ ∫ e^(γt) dt), both by
/// Brent's method (GSL), then polished by Newton steps with the analytic gradient; the HPP is
/// ρ̂ = N / Σ(b_i − a_i). Converged means what it means for `MaximumLikelihood`: a positive
/// definite Hessian and less than 1e-6 of ln L left to gain.
///
/// Intervals (95 %): Fisher from the inverse Hessian on the optimisation scale (ln η, ln β; α, γ;
/// ln ρ), by the delta method for derived quantities (symmetric on the log scale for positive
/// ones); likelihood ratio from the profile likelihood, as `ProfileLikelihood` computes it.
public struct IntensityFit: Sendable {
  /// An estimated quantity with its 95 % intervals.
  public struct Estimate: Sendable {
    /// The quantity's name: a parameter (`beta`, `eta_hours`, ...), `intensity`, `mcf` or `replacement_age_hours`.
    public let name: String
    /// The maximum-likelihood value.
    public let estimate: Double
    /// The Fisher (Wald) 95 % interval, or nil when not computed.
    public let fisher: MaximumLikelihood.Interval?
    /// The likelihood-ratio 95 % interval, or nil when not computed.
    public let lr: MaximumLikelihood.Interval?
    /// The age (hours) an intensity or MCF is given at.
    public let ageHours: Double?
  }

  /// The model fitted.
  public let model: IntensityModel
  /// Whether the fit converged (a positive definite Hessian, less than 1e-6 of ln L left to gain).
  public let converged: Bool
  /// Why the fit is not a result, when it did not converge.
  public let problem: String?
  /// ln L in hours (comparable between models and with other tools).
  public let logLikelihood: Double
  /// Akaike's information criterion, 2k − 2 ln L (ln L in hours).
  public let aic: Double
  /// β, eta_hours and lambda (power law); alpha and gamma_per_hour (log-linear); rate_per_unit_hour (HPP).
  public let parameters: [Estimate]
  /// ρ(t) per unit-hour at the requested ages.
  public let intensity: [Estimate]
  /// Λ(t), the expected events by age t of a unit observed from new, at the requested ages.
  public let mcf: [Estimate]
  /// The power law's β with Crow's small-sample bias correction, where it applies (every unit
  /// observed from age 0: to one common exit age, (N−1)/N β̂; a single unit observed to its last
  /// event, (N−2)/N β̂); nil otherwise.
  public let betaUnbiased: Double?

  let x: [Double]
  let covariance: [[Double]]?
  let scaled: ScaledEvents

  /// ρ̂(t) per unit-hour (nil when not converged).
  public func intensity(at t: Hours) -> Double? {
    guard converged else { return nil }
    return exp(Self.logIntensity(model, x, scaled.c, t))
  }

  /// Λ̂(b) − Λ̂(a): the expected events in the age window (a, b].
  public func expectedEvents(from a: Hours, to b: Hours) -> Double {
    Self.windowMass(model, x, a / scaled.c, b / scaled.c)
  }

  /// Λ̂(t) from age 0.
  public func cumulative(at t: Hours) -> Double { expectedEvents(from: 0, to: t) }

  /// The value of a parameter by name.
  public func parameter(_ name: String) -> Double? { parameters.first { $0.name == name }?.estimate }
}

/// Events and windows in units of c (the oldest exit age), with the sums the likelihoods use.
struct ScaledEvents: Sendable {
  let c: Double
  let entries: [Double]
  let exits: [Double]
  let logEntries: [Double]
  let logExits: [Double]
  let n: Int
  let sumEvents: Double
  let sumLogEvents: Double
  let exposure: Double

  init(_ data: RecurrentData) {
    let c = max(data.units.map(\.exit).max() ?? 1, .leastNormalMagnitude)
    let entries = data.units.map { $0.entry / c }, exits = data.units.map { $0.exit / c }
    let events = data.units.flatMap(\.events).map { $0 / c }
    self.c = c
    self.entries = entries
    self.exits = exits
    logEntries = entries.map { $0 > 0 ? log($0) : -.infinity }
    logExits = exits.map { log($0) }
    n = events.count
    sumEvents = events.reduce(0, +)
    sumLogEvents = events.reduce(0) { $0 + log($1) }
    exposure = zip(entries, exits).reduce(0) { $0 + ($1.1 - $1.0) }
  }
}

// MARK: - Likelihoods (scaled ages)

extension IntensityFit {
  /// expm1(x)/x, 1 at 0.
  static func h(_ x: Double) -> Double { abs(x) < 1e-8 ? 1 + x / 2 : expm1(x) / x }

  /// ∫₀¹ v e^(xv) dv = (e^x (x − 1) + 1)/x², ½ at 0.
  static func k(_ x: Double) -> Double { abs(x) < 1e-4 ? 0.5 + x / 3 + x * x / 8 : (exp(x) * (x - 1) + 1) / (x * x) }

  /// e^x − expm1(x)/x, x/2 + x²/3 + x³/8 near 0 (positive for x > 0).
  static func replacementTerm(_ x: Double) -> Double { abs(x) < 1e-3 ? x / 2 + x * x / 3 + x * x * x / 8 : exp(x) - h(x) }

  /// Λ(b) − Λ(a) on the scaled axis.
  static func windowMass(_ model: IntensityModel, _ x: [Double], _ a: Double, _ b: Double) -> Double {
    switch model {
    case .hpp: return exp(x[0]) * (b - a)
    case .powerLaw:
      let beta = exp(x[1])
      let upper = exp(beta * (log(b) - x[0]))
      let lower = a > 0 ? exp(beta * (log(a) - x[0])) : 0
      return upper - lower
    case .logLinear:
      return exp(x[0] + x[1] * a) * (b - a) * h(x[1] * (b - a))
    }
  }

  /// ln ρ(t) per hour at age t (hours).
  static func logIntensity(_ model: IntensityModel, _ x: [Double], _ c: Double, _ t: Hours) -> Double {
    let s = t / c
    switch model {
    case .hpp: return x[0] - log(c)
    case .powerLaw:
      let beta = exp(x[1])
      return x[1] + (beta - 1) * log(s) - beta * x[0] - log(c)
    case .logLinear: return x[0] + x[1] * s - log(c)
    }
  }

  /// ln L on the scaled axis.
  static func logLikelihood(_ model: IntensityModel, _ x: [Double], _ d: ScaledEvents) -> Double {
    let n = Double(d.n)
    switch model {
    case .hpp:
      return n * x[0] - exp(x[0]) * d.exposure
    case .powerLaw:
      let (u, v) = (x[0], x[1])
      let beta = exp(v)
      var mass = 0.0
      for i in d.exits.indices {
        mass += exp(beta * (d.logExits[i] - u))
        if d.entries[i] > 0 { mass -= exp(beta * (d.logEntries[i] - u)) }
      }
      return n * v - n * beta * u + (beta - 1) * d.sumLogEvents - mass
    case .logLinear:
      let (alpha, gamma) = (x[0], x[1])
      var mass = 0.0
      for i in d.exits.indices {
        let w = d.exits[i] - d.entries[i]
        mass += exp(alpha + gamma * d.entries[i]) * w * h(gamma * w)
      }
      return n * alpha + gamma * d.sumEvents - mass
    }
  }

  /// The gradient of ln L on the scaled axis.
  static func gradient(_ model: IntensityModel, _ x: [Double], _ d: ScaledEvents) -> [Double] {
    let n = Double(d.n)
    switch model {
    case .hpp:
      return [n - exp(x[0]) * d.exposure]
    case .powerLaw:
      let (u, v) = (x[0], x[1])
      let beta = exp(v)
      var mass = 0.0, weighted = 0.0
      for i in d.exits.indices {
        let upper = exp(beta * (d.logExits[i] - u))
        mass += upper
        weighted += upper * (d.logExits[i] - u)
        if d.entries[i] > 0 {
          let lower = exp(beta * (d.logEntries[i] - u))
          mass -= lower
          weighted -= lower * (d.logEntries[i] - u)
        }
      }
      return [-n * beta + beta * mass, n + beta * (d.sumLogEvents - n * u - weighted)]
    case .logLinear:
      let (alpha, gamma) = (x[0], x[1])
      var mass = 0.0, moment = 0.0
      for i in d.exits.indices {
        let a = d.entries[i], w = d.exits[i] - a
        let scale = exp(alpha + gamma * a)
        mass += scale * w * h(gamma * w)
        moment += scale * (a * w * h(gamma * w) + w * w * k(gamma * w))
      }
      return [n - mass, d.sumEvents - moment]
    }
  }
}

// MARK: - Fitting

extension IntensityFit {
  /// Why a model cannot be fitted.
  public enum FitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data have fewer events than the model has parameters.
    case tooFewEvents(model: IntensityModel, events: Int)

    public var description: String {
      switch self {
      case let .tooFewEvents(model, events):
        "the \(model.label) needs at least \(model.parameterCount == 1 ? "1 event" : "2 events") to fit (got \(events))"
      }
    }
  }

  /// Fits `model` to `data`, with the intensity and MCF at `ages` and, when `costRatio` is
  /// given and the intensity rises, the optimal replacement age.
  /// - Throws: `FitError` when there are too few events.
  public static func fit(_ model: IntensityModel, data: RecurrentData, ages: [Hours] = [],
                         intervals: Bool = true) throws(FitError) -> IntensityFit {
    let d = ScaledEvents(data)
    guard d.n >= model.parameterCount else { throw .tooFewEvents(model: model, events: d.n) }
    let f: ([Double]) -> Double = { x in
      let v = logLikelihood(model, x, d)
      return v.isNaN ? .infinity : -v
    }
    let g: ([Double]) -> [Double] = { x in gradient(model, x, d).map { -$0 } }
    var start: [Double]
    switch model {
    case .hpp:
      start = [log(Double(d.n) / d.exposure)]
    case .powerLaw:
      let n = Double(d.n)
      func uOf(_ v: Double) -> Double {
        let beta = exp(v)
        var mass = 0.0
        for i in d.exits.indices {
          mass += exp(beta * d.logExits[i])
          if d.entries[i] > 0 { mass -= exp(beta * d.logEntries[i]) }
        }
        return log(mass / n) / beta
      }
      let best = Optimiser.minimise1D({ v in
        let u = uOf(v)
        guard u.isFinite else { return .infinity }
        return f([u, v])
      }, from: 0, step: 0.1, tolerance: 1e-10)
      start = [uOf(best.x), best.x]
    case .logLinear:
      let n = Double(d.n)
      func alphaOf(_ gamma: Double) -> Double {
        var mass = 0.0
        for i in d.exits.indices {
          let w = d.exits[i] - d.entries[i]
          mass += exp(gamma * d.entries[i]) * w * h(gamma * w)
        }
        return log(n / mass)
      }
      let best = Optimiser.minimise1D({ gamma in
        let alpha = alphaOf(gamma)
        guard alpha.isFinite else { return .infinity }
        return f([alpha, gamma])
      }, from: 0, step: 0.5, tolerance: 1e-10)
      start = [alphaOf(best.x), best.x]
    }
    let polished = model == .hpp ? (x: start, converged: true, problem: String?.none)
                                 : Optimiser.newtonPolish(f, gradient: g, at: start)
    let x = polished.x
    var covariance: [[Double]]?
    if model == .hpp {
      covariance = [[1 / Double(d.n)]]
    } else if let hessian = Optimiser.hessian(f, gradient: g, at: x) {
      covariance = Optimiser.inverse(hessian)
    }
    let lnL = -f(x) - Double(d.n) * log(d.c)
    let converged = polished.converged && covariance != nil && lnL.isFinite
    let aic = 2 * Double(model.parameterCount) - 2 * lnL
    guard converged else {
      return IntensityFit(model: model, converged: false, problem: polished.problem ?? "the likelihood has no proper maximum",
                          logLikelihood: lnL, aic: aic, parameters: [], intensity: [], mcf: [], betaUnbiased: nil,
                          x: x, covariance: covariance, scaled: d)
    }
    let targets = Self.parameterTargets(model, c: d.c)
    let estimate = { (name: String, target: ProfileTarget, age: Hours?) -> Estimate in
      Self.estimate(name: name, target: target, x: x, covariance: covariance, age: age, intervals: intervals, model: model, data: d)
    }
    let parameters = targets.map { estimate($0.name, $0.target, nil) }
    let intensity = ages.map { estimate("intensity", Self.intensityTarget(model, c: d.c, age: $0), $0) }
    let mcf = ages.map { estimate("mcf", Self.mcfTarget(model, c: d.c, age: $0), $0) }
    var unbiased: Double?
    if model == .powerLaw, data.units.allSatisfy({ $0.entry == 0 }) {
      let n = Double(d.n), beta = exp(x[1])
      if data.units.count == 1, data.units[0].failureTruncated, d.n > 2 {
        unbiased = (n - 2) / n * beta
      } else if Set(data.units.map(\.exit)).count == 1, data.failureTruncatedUnits == 0 {
        unbiased = (n - 1) / n * beta
      }
    }
    return IntensityFit(model: model, converged: true, problem: nil, logLikelihood: lnL, aic: aic, parameters: parameters,
                        intensity: intensity, mcf: mcf, betaUnbiased: unbiased, x: x, covariance: covariance, scaled: d)
  }

  static func estimate(name: String, target: ProfileTarget, x: [Double], covariance: [[Double]]?, age: Hours?,
                       intervals: Bool, model: IntensityModel, data d: ScaledEvents) -> Estimate {
    let psiHat = target.psi(x)
    var fisher: MaximumLikelihood.Interval?
    var se: Double?
    if let covariance {
      let g = Optimiser.numericalGradient(target.psi, at: x)
      var v = 0.0
      for i in g.indices { for j in g.indices { v += g[i] * covariance[i][j] * g[j] } }
      if v.isFinite, v >= 0 {
        se = v.squareRoot()
        fisher = .init(target.natural(psiHat - ProfileLikelihood.z95 * v.squareRoot()), target.natural(psiHat + ProfileLikelihood.z95 * v.squareRoot()))
      }
    }
    let lr = intervals ? ProfileInterval.interval(target, psiHat: psiHat, se: se, x: x, logLikelihood: { logLikelihood(model, $0, d) }) : nil
    return Estimate(name: name, estimate: target.natural(psiHat), fisher: fisher, lr: lr, ageHours: age)
  }
}

// MARK: - Quantities and their profiles

/// A quantity ψ(x) of a fit, on its working scale (the log of a positive quantity), and the
/// parameters written back from ψ and one nuisance parameter ν, for the profile likelihood.
struct ProfileTarget {
  let psi: ([Double]) -> Double
  /// x from (ψ, ν), or nil where no valid parameters give ψ with this ν.
  let point: (Double, Double) -> [Double]?
  let nuisance: ([Double]) -> Double
  /// The quantity from ψ (increasing).
  let natural: (Double) -> Double
}

extension IntensityFit {
  static func parameterTargets(_ model: IntensityModel, c: Double) -> [(name: String, target: ProfileTarget)] {
    let lc = log(c)
    switch model {
    case .hpp:
      return [("rate_per_unit_hour", ProfileTarget(psi: { $0[0] - lc }, point: { psi, _ in [psi + lc] }, nuisance: { _ in 0 }, natural: exp))]
    case .powerLaw:
      return [
        ("beta", ProfileTarget(psi: { $0[1] }, point: { psi, nu in [nu, psi] }, nuisance: { $0[0] }, natural: exp)),
        ("eta_hours", ProfileTarget(psi: { $0[0] + lc }, point: { psi, nu in [psi - lc, nu] }, nuisance: { $0[1] }, natural: exp)),
        // λ = η^−β in hours: ln λ = −β (u + ln c).
        ("lambda", ProfileTarget(psi: { -exp($0[1]) * ($0[0] + lc) }, point: { psi, nu in [-psi / exp(nu) - lc, nu] },
                                 nuisance: { $0[1] }, natural: exp)),
      ]
    case .logLinear:
      return [
        ("alpha", ProfileTarget(psi: { $0[0] - lc }, point: { psi, nu in [psi + lc, nu] }, nuisance: { $0[1] }, natural: { $0 })),
        ("gamma_per_hour", ProfileTarget(psi: { $0[1] }, point: { psi, nu in [nu, psi] }, nuisance: { $0[0] }, natural: { $0 / c })),
      ]
    }
  }

  /// ln ρ(t) per hour.
  static func intensityTarget(_ model: IntensityModel, c: Double, age t: Hours) -> ProfileTarget {
    let lc = log(c), s = t / c, ls = log(t / c)
    switch model {
    case .hpp:
      return ProfileTarget(psi: { $0[0] - lc }, point: { psi, _ in [psi + lc] }, nuisance: { _ in 0 }, natural: exp)
    case .powerLaw:
      return ProfileTarget(psi: { x in logIntensity(.powerLaw, x, c, t) },
                           point: { psi, nu in let beta = exp(nu); return [(nu + (beta - 1) * ls - psi - lc) / beta, nu] },
                           nuisance: { $0[1] }, natural: exp)
    case .logLinear:
      return ProfileTarget(psi: { x in x[0] + x[1] * s - lc }, point: { psi, nu in [psi + lc - nu * s, nu] },
                           nuisance: { $0[1] }, natural: exp)
    }
  }

  /// ln Λ(t), from age 0.
  static func mcfTarget(_ model: IntensityModel, c: Double, age t: Hours) -> ProfileTarget {
    let s = t / c, ls = log(t / c)
    switch model {
    case .hpp:
      return ProfileTarget(psi: { $0[0] + ls }, point: { psi, _ in [psi - ls] }, nuisance: { _ in 0 }, natural: exp)
    case .powerLaw:
      return ProfileTarget(psi: { exp($0[1]) * (ls - $0[0]) }, point: { psi, nu in [ls - psi / exp(nu), nu] },
                           nuisance: { $0[1] }, natural: exp)
    case .logLinear:
      return ProfileTarget(psi: { $0[0] + log(s * h($0[1] * s)) }, point: { psi, nu in [psi - log(s * h(nu * s)), nu] },
                           nuisance: { $0[1] }, natural: exp)
    }
  }

  /// ln T*, the age-based replacement with minimal repair in between that minimises the long-run
  /// cost per unit-hour (c_p + c_f Λ(T))/T, with cost ratio R = c_f/c_p (corrective over
  /// preventive): T* solves T ρ(T) − Λ(T) = 1/R. Power law (β > 1): T* = η (1/(R(β−1)))^(1/β).
  /// Log-linear (γ > 0): e^α T (e^(γT) − (e^(γT) − 1)/(γT)) = 1/R. Nil for the HPP.
  static func replacementTarget(_ model: IntensityModel, c: Double, costRatio r: Double) -> ProfileTarget? {
    let lc = log(c), lk = -log(r)
    switch model {
    case .hpp: return nil
    case .powerLaw:
      return ProfileTarget(psi: { x in
        let beta = exp(x[1])
        return beta > 1 ? x[0] + lc + (lk - log(beta - 1)) / beta : .nan
      }, point: { psi, nu in
        let beta = exp(nu)
        guard beta > 1 else { return nil }
        return [psi - lc - (lk - log(beta - 1)) / beta, nu]
      }, nuisance: { $0[1] }, natural: exp)
    case .logLinear:
      return ProfileTarget(psi: { x in
        let (alpha, gamma) = (x[0], x[1])
        guard gamma > 0 else { return .nan }
        // Solve e^α s (e^(γs) − h(γs)) = 1/R for ln s; the left side rises with s.
        guard let ls = Optimiser.solveMonotone({ ls in
          let s = exp(ls)
          return alpha + ls + log(replacementTerm(gamma * s)) - lk
        }, guess: 0, step: 1, limit: 1e3) else { return .nan }
        return ls + lc
      }, point: { psi, nu in
        guard nu > 0 else { return nil }
        let s = exp(psi - lc)
        let term = replacementTerm(nu * s)
        guard term > 0, term.isFinite else { return nil }
        return [lk - log(s) - log(term), nu]
      }, nuisance: { $0[1] }, natural: exp)
    }
  }

  /// The optimal replacement age (hours) with its intervals, and the long-run cost per unit-hour
  /// at it in units of the preventive cost, (1 + R Λ(T*))/T*; nil when the intensity does not rise.
  public func replacementAge(costRatio r: Double, intervals: Bool = true) -> (age: Estimate, costPerUnitHour: Double)? {
    guard converged, r > 0, r.isFinite, let target = Self.replacementTarget(model, c: scaled.c, costRatio: r) else { return nil }
    let psi = target.psi(x)
    guard psi.isFinite else { return nil }
    let age = Self.estimate(name: "replacement_age_hours", target: target, x: x, covariance: covariance, age: nil,
                            intervals: intervals, model: model, data: scaled)
    let t = age.estimate
    return (age, (1 + r * cumulative(at: t)) / t)
  }
}

extension IntensityFit {
  /// The optimal replacement age of a unit whose modes are independent power laws (the sum of
  /// their intensities): T* solves R Σ_m (β_m − 1)(T/η_m)^β_m = 1, with a Fisher 95 % interval by
  /// the delta method over the modes' independent fits (no likelihood-ratio interval: it would
  /// need a profile over every mode's parameters at once). Nil when the modes' intensity does not
  /// rise at any age, or a fit is not a converged power law.
  public static func replacementAge(sumOf fits: [IntensityFit], costRatio r: Double) -> (age: Estimate, costPerUnitHour: Double)? {
    guard !fits.isEmpty, r > 0, r.isFinite, fits.allSatisfy({ $0.converged && $0.model == .powerLaw }) else { return nil }
    // ψ = ln T* from every mode's (u, v) = (ln η_scaled, ln β).
    func psi(_ x: [[Double]]) -> Double {
      let modes = zip(fits, x).map { fit, x in (eta: exp(x[0]) * fit.scaled.c, beta: exp(x[1])) }
      let guess = log(modes.map(\.eta).min() ?? 1)
      guard let root = Optimiser.solveMonotone({ lt in
        let t = exp(lt)
        return r * modes.reduce(0) { $0 + ($1.beta - 1) * pow(t / $1.eta, $1.beta) } - 1
      }, guess: guess, step: 1, limit: 200) else { return .nan }
      return root
    }
    let x = fits.map(\.x)
    let psiHat = psi(x)
    guard psiHat.isFinite else { return nil }
    let t = exp(psiHat)
    // Rising at T*: the left side increases through 1 there.
    let slope = fits.reduce(0.0) { sum, fit in
      let beta = fit.parameter("beta") ?? 1, eta = fit.parameter("eta_hours") ?? 1
      return sum + (beta - 1) * beta * pow(t / eta, beta)
    }
    guard slope > 0 else { return nil }
    var variance = 0.0
    var fisherOK = true
    for (m, fit) in fits.enumerated() {
      guard let covariance = fit.covariance else { fisherOK = false; break }
      let g = Optimiser.numericalGradient({ xm in var all = x; all[m] = xm; return psi(all) }, at: x[m])
      for i in g.indices { for j in g.indices { variance += g[i] * covariance[i][j] * g[j] } }
    }
    let fisher: MaximumLikelihood.Interval? = fisherOK && variance.isFinite && variance >= 0
      ? .init(exp(psiHat - ProfileLikelihood.z95 * variance.squareRoot()), exp(psiHat + ProfileLikelihood.z95 * variance.squareRoot())) : nil
    let cumulative = fits.reduce(0.0) { $0 + $1.cumulative(at: t) }
    return (Estimate(name: "replacement_age_hours", estimate: t, fisher: fisher, lr: nil, ageHours: nil), (1 + r * cumulative) / t)
  }
}

/// Likelihood-ratio 95 % intervals for a quantity of a fit: {ψ : 2[ℓ̂ − max_{ψ(x)=ψ} ℓ(x)] ≤ χ²₁(0.95)},
/// the nuisance parameter re-fitted by Brent's method (GSL) at each ψ, each end bracketed outwards
/// from the Wald interval (doubling, up to 2¹⁵ widths) and found by Brent's root finder (GSL),
/// exactly as `ProfileLikelihood` does for lifetime fits. An end never reached is unbounded.
enum ProfileInterval {
  static func interval(_ target: ProfileTarget, psiHat: Double, se: Double?, x: [Double],
                       logLikelihood: @escaping ([Double]) -> Double) -> MaximumLikelihood.Interval? {
    guard psiHat.isFinite else { return nil }
    let best = logLikelihood(x)
    let width0 = ProfileLikelihood.z95 * ((se.map { $0 > 0 && $0.isFinite ? $0 : nil } ?? nil) ?? 0.1 * max(1, abs(psiHat)))
    let twoParameters = x.count == 2
    var bounds: [Double] = []
    for side in [-1.0, 1.0] {
      var nuisance = target.nuisance(x)
      func deviance(_ psi: Double) -> Double {
        let profile: Double
        if twoParameters {
          let result = Optimiser.minimise1D({ nu in
            guard let point = target.point(psi, nu) else { return .infinity }
            let v = logLikelihood(point)
            return v.isNaN ? .infinity : -v
          }, from: nuisance, step: 0.05, tolerance: 1e-9)
          if result.value.isFinite { nuisance = result.x }
          profile = -result.value
        } else {
          profile = target.point(psi, 0).map(logLikelihood) ?? -.infinity
        }
        let d = 2 * (best - profile) - ProfileLikelihood.chiSquare95
        return d.isNaN ? .infinity : d
      }
      var inner = psiHat, width = width0
      var found: Double?
      for _ in 0..<16 {
        let outer = psiHat + side * width
        let d = deviance(outer)
        if d >= 0 {
          let capped: (Double) -> Double = { min(deviance($0), 1e6) }
          found = GSL.findRoot(lower: min(inner, outer), upper: max(inner, outer), relativeTolerance: 1e-10, f: capped)
          break
        }
        inner = outer
        width *= 2
      }
      bounds.append(found ?? side * .infinity)
    }
    return MaximumLikelihood.Interval(target.natural(bounds[0]), target.natural(bounds[1]))
  }
}
