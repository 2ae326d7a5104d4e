import Foundation

/// Maximum-likelihood fits of life data with right, left and interval censoring and delayed
/// entry (left truncation).
///
/// The log-likelihood (see `LifeData` and `LogLikelihood`) uses the full densities, so ln L, AIC
/// and BIC are comparable with other tools (Python's `reliability`, `lifelines`, `surpyval`).
/// Ages are divided by their geometric mean before fitting, so a log in seconds or in centuries
/// fits the same way, and the scale is put back afterwards (ln L gains −r·ln c for r exact
/// failures). Positive parameters are optimised on the log scale. Optimisation: GSL's
/// Nelder–Mead simplex, BFGS with analytic gradients for the Weibull and the lognormal, then
/// Newton steps with a numerical Hessian. The exponential with only exact failures and right
/// censoring has its closed form λ = r / Σ(tᵢ − aᵢ) (failures over time on test after entry).
///
/// A fit counts as converged when the Hessian of −ln L is positive definite and one more Newton
/// step would raise ln L by less than 1e-6 (half the Newton decrement gᵀH⁻¹g). Otherwise it is
/// reported as not converged, with the reason, and never ranked or offered for the catalog.
///
/// Fisher (Wald) 95 % intervals come from the observed information (the inverse Hessian on the
/// optimisation scale): a positive quantity q gets q·exp(±1.96·SE(ln q)), μ gets μ ± 1.96·SE(μ);
/// derived quantities (B-lives, AFR) use the delta method on their logarithm. Likelihood-ratio
/// intervals are in `ProfileLikelihood`.
public enum MaximumLikelihood {
  /// The distribution families fitted.
  public enum Family: String, Sendable, CaseIterable {
    /// Weibull, lognormal, exponential and gamma, fitted to censored data by maximum likelihood.
    case weibull, lognormal, exponential, gamma
  }

  /// Lower and upper bounds of a 95 % interval. A likelihood-ratio bound the data do not reach
  /// is 0 or infinite (−∞ for μ).
  public struct Interval: Sendable, Equatable {
    /// The lower bound.
    public let lower: Double
    /// The upper bound.
    public let upper: Double
    /// The interval [`lower`, `upper`].
    public init(_ lower: Double, _ upper: Double) {
      self.lower = lower
      self.upper = upper
    }
    /// Whether `value` lies in the interval (bounds included).
    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }
  }

  /// An estimated quantity: a parameter, a B-life or an AFR, with its intervals.
  public struct Estimate: Sendable {
    /// What is estimated: a parameter's name (`shape`, `scale`, ...), `b1_hours`, `b10_hours` or
    /// `afr_percent_per_year` (at `ageHours`).
    public let name: String
    /// The maximum-likelihood value (hours for scales and lives, % per year for an AFR).
    public let estimate: Double
    /// Fisher (Wald) 95 % interval, nil when the information matrix is singular.
    public let fisher: Interval?
    /// Likelihood-ratio (profile) 95 % interval, nil until computed (`ProfileLikelihood`).
    public var lr: Interval?
    /// The age (hours) an AFR is given at; nil for other quantities.
    public let ageHours: Double?
    let target: Target

    /// The Fisher interval, kept under its old name.
    public var ci95: ClosedRange<Double>? { fisher.map { $0.lower...$0.upper } }
  }

  /// What an estimate is, as a function of the parameters x (optimisation scale, hours).
  enum Target: Sendable, Equatable {
    /// exp(x[i]) (positive parameters), or x[i] itself for the lognormal μ.
    case parameter(Int, log: Bool)
    /// 1/exp(x₀), the exponential's rate.
    case rate
    /// The age by which a fraction p has failed, hours.
    case quantile(Double)
    /// The hazard at an age, as an AFR in percent per year (8760 h · 100 · h(t)).
    case afr(Hours)
  }

  /// A fitted family: its parameters, derived quantities and information criteria.
  public struct Fit: Sendable {
    /// The family fitted.
    public let family: Family
    /// The fitted parameters, each with its intervals.
    public var parameters: [Estimate]
    /// B1 and B10 lives and the AFR at the requested ages (only for converged fits).
    public var derived: [Estimate]
    /// The maximised log-likelihood.
    public let logLikelihood: Double
    /// Akaike's information criterion, 2k − 2 ln L.
    public let aic: Double
    /// AIC with the small-sample correction 2k(k+1)/(n−k−1).
    public let aicc: Double
    /// The Bayesian information criterion, k ln n − 2 ln L.
    public let bic: Double
    /// Whether the optimiser converged (otherwise `problem` says why).
    public let converged: Bool
    /// Why the fit is not a result, when it did not converge.
    public let problem: String?
    /// The fitted distribution; nil when the fit did not converge.
    public let distribution: Distribution?
    /// The parameters on the optimisation scale (hours).
    let x: [Double]
    let covariance: [[Double]]?
    let model: ScaledModel

    /// A block to paste into a part catalog's failure mode (nil when the fit did not converge,
    /// or when the catalog would refuse it: see `catalogProblem`).
    public func catalogYAML(source: String) -> String? {
      guard let spec = catalogDistribution else { return nil }
      return "# fitted by cposim fit \(source), \(family.rawValue) MLE\ndistribution: \(spec)\n"
    }

    /// The distribution in the catalog's flow syntax; nil when the fit did not converge or the
    /// catalog would refuse it (a lognormal sigma of 15, a Weibull shape of 0.001).
    public var catalogDistribution: String? {
      guard let spec = catalogSpec, catalogProblem == nil else { return nil }
      return "{kind: \(spec.kind), " + spec.parameters.map { "\($0.name): \($0.value)" }.joined(separator: ", ") + "}"
    }

    /// Why the fitted distribution, written as the catalog takes it, would be refused by
    /// `cposim validate` (a parameter beyond what cposim samples), or nil.
    public var catalogProblem: String? {
      guard let spec = catalogSpec else { return nil }
      do { _ = try spec.build() } catch { return "\(error)" }
      return nil
    }

    /// The fitted distribution as the catalog would read it (6 significant digits).
    var catalogSpec: DistributionSpec? {
      guard converged, let distribution else { return nil }
      typealias P = DistributionSpec.Parameter
      switch distribution {
      case let .weibull(d): return DistributionSpec(kind: "weibull", parameters: [P(name: "shape", value: sig(d.shape)), P(name: "scale", value: "\(sig(d.scale))h")])
      case let .logNormal(d): return DistributionSpec(kind: "lognormal", parameters: [P(name: "median", value: "\(sig(d.median))h"), P(name: "sigma", value: sig(d.sigma))])
      case let .exponential(d): return DistributionSpec(kind: "exponential", parameters: [P(name: "mtbf", value: "\(sig(d.mtbf))h")])
      case let .gamma(d): return DistributionSpec(kind: "gamma", parameters: [P(name: "shape", value: sig(d.shape)), P(name: "scale", value: "\(sig(d.scale))h")])
      default: return nil
      }
    }

    /// The number of free parameters.
    public var parameterCount: Int { x.count }
  }

  /// Why data cannot be fitted.
  public enum FitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No failure in the data (only `censored` censored units).
    case noFailures(censored: Int)
    /// A two-parameter family with fewer than 2 failures.
    case tooFewFailures(family: Family, failures: Int)
    /// Every unit failed at the age it entered observation: no time on test to estimate a rate from.
    case noTimeOnTest

    public var description: String {
      switch self {
      case let .noFailures(censored):
        "no failures to fit: all \(censored) units are censored (still running); a time to failure needs at least one failure"
      case let .tooFewFailures(family, failures):
        "\(family.rawValue) needs at least 2 failures to fit two parameters (got \(failures))"
      case .noTimeOnTest:
        "every unit failed at the age it entered observation: there is no time on test to estimate a rate from"
      }
    }
  }

  static func sig(_ x: Double) -> String { String(format: "%.6g", x) }

  static let z = 1.959963984540054

  /// Fits `family` to failure ages and right-censoring ages (hours), units observed from new.
  public static func fit(_ family: Family, failures: [Hours], censored: [Hours]) throws(FitError) -> Fit {
    try fit(family, data: LifeData(failures: failures, censored: censored))
  }

  /// Fits `family` to `data` by maximum likelihood, with Fisher intervals for its parameters and,
  /// when it converged, for B1, B10 and the AFR at `afrAges` (hours).
  public static func fit(_ family: Family, data: LifeData, afrAges: [Hours] = []) throws(FitError) -> Fit {
    let failures = data.failures
    guard failures > 0 else { throw .noFailures(censored: data.count) }
    if family != .exponential, failures < 2 { throw .tooFewFailures(family: family, failures: failures) }
    let model = ScaledModel(family: family, data: data)
    let n = Double(data.count)
    let k = Double(model.parameterCount)

    var x: [Double]
    if family == .exponential, data.intervalFailures == 0 {
      // Closed form: λ = r / total time on test after entry.
      let exposure = model.scaled.observations.reduce(0.0) { $0 + ($1.interval.lower - $1.entry) }
      guard exposure > 0 else { throw .noTimeOnTest }
      x = [log(exposure / Double(failures))]
    } else {
      x = model.optimise()
    }
    var polished = Optimiser.newtonPolish(model.negative, gradient: model.negativeGradient, at: x)
    if !polished.x.allSatisfy(\.isFinite) { polished = (x, polished.converged, polished.problem) }
    x = polished.x
    let llScaled = model.logLikelihood.value(x)
    let ll = llScaled - Double(data.exactFailures) * model.lnC
    var problem = polished.problem
    let covariance = Optimiser.hessian(model.negative, gradient: model.negativeGradient, at: x).flatMap(Optimiser.inverse)
    if problem == nil, covariance == nil { problem = "the information matrix is singular at the optimum (the data do not pin down both parameters)" }
    if problem == nil, !ll.isFinite { problem = "the log-likelihood is not finite at the optimum" }
    let xHours = model.unscale(x)
    let distribution = problem == nil ? model.distribution(at: xHours) : nil
    if problem == nil, distribution == nil {
      problem = "the estimate is outside the range a distribution can hold (x = \(xHours.map(sig).joined(separator: ", ")))"
    }
    let converged = problem == nil

    var fit = Fit(family: family, parameters: [], derived: [], logLikelihood: ll, aic: 2 * k - 2 * ll,
                  aicc: 2 * k - 2 * ll + (n > k + 1 ? 2 * k * (k + 1) / (n - k - 1) : .nan), bic: k * log(n) - 2 * ll,
                  converged: converged, problem: problem, distribution: distribution, x: xHours, covariance: covariance, model: model)
    let targets: [(String, Target)]
    switch family {
    case .weibull: targets = [("shape", .parameter(1, log: true)), ("scale_hours", .parameter(0, log: true))]
    case .lognormal: targets = [("mu", .parameter(0, log: false)), ("sigma", .parameter(1, log: true)), ("median_hours", .parameter(0, log: true))]
    case .exponential: targets = [("rate_per_hour", .rate), ("mtbf_hours", .parameter(0, log: true))]
    case .gamma: targets = [("shape", .parameter(1, log: true)), ("scale_hours", .parameter(0, log: true))]
    }
    fit.parameters = targets.map { estimate($0.0, $0.1, fit: fit) }
    if converged {
      fit.derived = [estimate("b1_hours", .quantile(0.01), fit: fit), estimate("b10_hours", .quantile(0.10), fit: fit)]
        + afrAges.map { estimate("afr_percent_per_year", .afr($0), fit: fit, age: $0) }
    }
    return fit
  }

  /// The estimate of `target` with its Fisher interval (delta method on its working scale).
  static func estimate(_ name: String, _ target: Target, fit: Fit, age: Hours? = nil) -> Estimate {
    let quantity = ProfiledQuantity(target: target, model: fit.model)
    let psi = quantity.psi(fit.x)
    var fisher: Interval?
    if let covariance = fit.covariance, psi.isFinite {
      let gradient = quantity.psiGradient(at: fit.x)
      var variance = 0.0
      for i in 0..<gradient.count { for j in 0..<gradient.count { variance += gradient[i] * covariance[i][j] * gradient[j] } }
      if variance.isFinite, variance >= 0 {
        let se = variance.squareRoot()
        fisher = quantity.natural(psi - z * se, psi + z * se)
      }
    }
    return Estimate(name: name, estimate: quantity.natural(psi), fisher: fisher, lr: nil, ageHours: age, target: target)
  }
}

/// A family's log-likelihood on data rescaled by the geometric mean of its ages, with the maps
/// between that scale and hours.
struct ScaledModel: Sendable {
  let family: MaximumLikelihood.Family
  let scaled: LifeData
  /// ln of the scale factor c (ages are divided by c).
  let lnC: Double

  init(family: MaximumLikelihood.Family, data: LifeData) {
    self.family = family
    let logs = data.ages.filter { $0 > 0 && $0.isFinite }.map { log($0) }
    let lnC = logs.isEmpty ? 0 : logs.reduce(0, +) / Double(logs.count)
    self.lnC = lnC.isFinite ? lnC : 0
    scaled = data.scaled(by: exp(self.lnC))
  }

  var logLikelihood: LogLikelihood { LogLikelihood(family: family, data: scaled) }
  var parameterCount: Int { family == .exponential ? 1 : 2 }

  func negative(_ x: [Double]) -> Double {
    let v = logLikelihood.value(x)
    return v.isNaN ? .infinity : -v
  }

  var negativeGradient: (([Double]) -> [Double])? {
    guard family != .gamma else { return nil }
    let ll = logLikelihood
    return { x in (ll.gradient(x) ?? Optimiser.numericalGradient(ll.value, at: x)).map { -$0 } }
  }

  /// x on the hours scale from x on the fitting scale (the scale parameter shifts by ln c).
  func unscale(_ x: [Double]) -> [Double] { [x[0] + lnC] + x.dropFirst() }
  func rescale(_ x: [Double]) -> [Double] { [x[0] - lnC] + x.dropFirst() }

  /// ln L at x on the hours scale.
  func logLikelihood(hours x: [Double]) -> Double {
    logLikelihood.value(rescale(x)) - Double(scaled.exactFailures) * lnC
  }

  func distribution(at x: [Double]) -> Distribution? {
    switch family {
    case .weibull: (try? Weibull(shape: exp(x[1]), scale: exp(x[0]))).map(Distribution.weibull)
    case .lognormal: (try? LogNormal(mu: x[0], sigma: exp(x[1]))).map(Distribution.logNormal)
    case .exponential: (try? Exponential(rate: exp(-x[0]))).map(Distribution.exponential)
    case .gamma: (try? Gamma(shape: exp(x[1]), scale: exp(x[0]))).map(Distribution.gamma)
    }
  }

  /// Starting values on the fitting scale, from the failure ages (interval midpoints for
  /// inspection-found failures).
  func start() -> [Double] {
    var logs: [Double] = []
    for o in scaled.observations where o.isFailure {
      let (l, u) = o.interval
      let t = l > 0 ? (l * u).squareRoot() : u / 2
      if t > 0, t.isFinite { logs.append(log(t)) }
    }
    let m = logs.isEmpty ? 0 : logs.reduce(0, +) / Double(logs.count)
    let sd = max((logs.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(max(logs.count - 1, 1))).squareRoot(), 0.1)
    switch family {
    case .weibull: return [m + 0.5 * sd, log(1.2 / sd)]
    case .lognormal: return [m + 0.3 * sd, log(sd)]
    case .exponential: return [m + 0.5 * sd]
    case .gamma:
      let times = logs.map { exp($0) }
      let mean = times.reduce(0, +) / Double(max(times.count, 1))
      let variance = times.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(times.count - 1, 1))
      let k0 = min(max(mean * mean / max(variance, 1e-12), 0.05), 1e3)
      return [log(mean / k0), log(k0)]
    }
  }

  /// Minimises −ln L from `start()`: GSL Nelder–Mead (and BFGS with a gradient); Brent in one dimension.
  func optimise() -> [Double] {
    let x0 = start()
    if x0.count == 1 {
      return [Optimiser.minimise1D({ negative([$0]) }, from: x0[0], step: 0.5).x]
    }
    return GSL.minimize(start: x0, step: 0.5, f: negative, gradient: negativeGradient).x
  }
}
