import Foundation

/// Maximum-likelihood fits of failure data with right censoring.
///
/// The log-likelihood is Σ_failures ln f(tᵢ) + Σ_censored ln R(cⱼ), with the full densities (so
/// ln L, AIC and BIC are comparable with other tools, such as Python's `reliability`). Positive
/// parameters are optimised on the log scale: Weibull (ln η, ln β), lognormal (μ, ln σ), gamma
/// (ln k, ln θ); the exponential has the closed form λ = r / T (failures over total time).
/// Optimisation is GSL's Nelder–Mead simplex, polished by BFGS with analytic gradients for
/// the Weibull and the lognormal.
///
/// 95 % confidence intervals come from the observed Fisher information (the Hessian of −ln L at
/// the optimum, by central differences on the optimisation scale), as Wald intervals on that
/// scale: a positive parameter p gets p·exp(±1.96·SE(ln p)), μ gets μ ± 1.96·SE(μ).
public enum MaximumLikelihood {
  public enum Family: String, Sendable, CaseIterable {
    case weibull, lognormal, exponential, gamma
  }

  public struct Parameter: Sendable, Equatable {
    public let name: String
    public let estimate: Double
    public let ci95: ClosedRange<Double>?
  }

  public struct Fit: Sendable {
    public let family: Family
    public let parameters: [Parameter]
    public let logLikelihood: Double
    public let aic: Double
    /// AIC with the small-sample correction 2k(k+1)/(n−k−1).
    public let aicc: Double
    public let bic: Double
    public let converged: Bool
    public let distribution: Distribution

    /// A block to paste into a part catalog's failure mode.
    public func catalogYAML(source: String) -> String {
      let spec: String
      switch distribution {
      case let .weibull(d): spec = "{kind: weibull, shape: \(sig(d.shape)), scale: \(sig(d.scale))h}"
      case let .logNormal(d): spec = "{kind: lognormal, median: \(sig(d.median))h, sigma: \(sig(d.sigma))}"
      case let .exponential(d): spec = "{kind: exponential, mtbf: \(sig(d.mtbf))h}"
      case let .gamma(d): spec = "{kind: gamma, shape: \(sig(d.shape)), scale: \(sig(d.scale))h}"
      default: spec = "{}"
      }
      return "# fitted by cposim fit \(source), \(family.rawValue) MLE\ndistribution: \(spec)\n"
    }
  }

  public enum FitError: Error, Equatable, Sendable, CustomStringConvertible {
    case noFailures(censored: Int)
    case tooFewFailures(family: Family, failures: Int)

    public var description: String {
      switch self {
      case let .noFailures(censored):
        "no failures to fit: all \(censored) units are censored (still running); a time to failure needs at least one failure"
      case let .tooFewFailures(family, failures):
        "\(family.rawValue) needs at least 2 failures to fit two parameters (got \(failures))"
      }
    }
  }

  static func sig(_ x: Double) -> String { String(format: "%.6g", x) }

  static let z = 1.959963984540054

  /// Fits `family` to failure times and right-censoring times (hours).
  public static func fit(_ family: Family, failures: [Hours], censored: [Hours]) throws(FitError) -> Fit {
    guard !failures.isEmpty else { throw .noFailures(censored: censored.count) }
    let n = Double(failures.count + censored.count)
    if family == .exponential {
      let total = failures.reduce(0, +) + censored.reduce(0, +)
      let r = Double(failures.count)
      let rate = r / total
      let ll = r * log(rate) - rate * total
      let se = 1 / r.squareRoot()  // SE of ln λ
      let distribution = Distribution.exponential(try! Exponential(rate: rate))
      return Fit(family: family,
                 parameters: [.init(name: "rate_per_hour", estimate: rate, ci95: rate * exp(-z * se)...rate * exp(z * se)),
                              .init(name: "mtbf_hours", estimate: 1 / rate, ci95: 1 / (rate * exp(z * se))...1 / (rate * exp(-z * se)))],
                 logLikelihood: ll, aic: 2 - 2 * ll, aicc: 2 - 2 * ll + (n > 2 ? 4 / (n - 2) : .nan), bic: log(n) - 2 * ll,
                 converged: true, distribution: distribution)
    }
    guard failures.count >= 2 else { throw .tooFewFailures(family: family, failures: failures.count) }
    let logFailures = failures.map { log($0) }
    let meanLog = logFailures.reduce(0, +) / Double(failures.count)
    let sdLog = max((logFailures.map { ($0 - meanLog) * ($0 - meanLog) }.reduce(0, +) / Double(max(failures.count - 1, 1))).squareRoot(), 0.1)

    let nll: ([Double]) -> Double
    var gradient: (([Double]) -> [Double])?
    let start: [Double]
    switch family {
    case .weibull:
      nll = { p in
        let a = p[0], beta = exp(p[1])
        var total = 0.0
        for (t, lt) in zip(failures, logFailures) { total -= log(beta) - a + (beta - 1) * (lt - a) - exp(beta * (lt - a)); _ = t }
        for c in censored where c > 0 { total += exp(beta * (log(c) - a)) }
        return total
      }
      gradient = { p in
        let a = p[0], beta = exp(p[1])
        var ga = 0.0, gb = 0.0
        for lt in logFailures {
          let u = lt - a, zz = exp(beta * u)
          ga += beta * (1 - zz)
          gb -= 1 + beta * u * (1 - zz)
        }
        for c in censored where c > 0 {
          let u = log(c) - a, zz = exp(beta * u)
          ga -= beta * zz
          gb += beta * u * zz
        }
        return [ga, gb]
      }
      start = [meanLog + 0.5 * sdLog, log(1.2 / sdLog)]
    case .lognormal:
      let halfLog2Pi = 0.5 * log(2 * Double.pi)
      nll = { p in
        let mu = p[0], sigma = exp(p[1])
        var total = 0.0
        for lt in logFailures { let w = (lt - mu) / sigma; total += lt + log(sigma) + halfLog2Pi + w * w / 2 }
        for c in censored where c > 0 { total -= GSL.logNormalQ((log(c) - mu) / sigma) }
        return total
      }
      gradient = { p in
        let mu = p[0], sigma = exp(p[1])
        var gm = 0.0, gs = 0.0
        for lt in logFailures { let w = (lt - mu) / sigma; gm -= w / sigma; gs -= -1 + w * w }
        for c in censored where c > 0 {
          let w = (log(c) - mu) / sigma, h = GSL.normalHazard(w)
          gm -= h / sigma
          gs -= h * w
        }
        return [gm, gs]
      }
      start = [meanLog + 0.3 * sdLog, log(sdLog)]
    case .gamma:
      nll = { p in
        let k = exp(p[0]), theta = exp(p[1])
        let lgk = GSL.logGamma(k)
        var total = 0.0
        for (t, lt) in zip(failures, logFailures) { total -= (k - 1) * lt - t / theta - lgk - k * log(theta) }
        for c in censored where c > 0 { total -= log(GSL.gammaQ(c, shape: k, scale: theta)) }
        return total
      }
      let mean = failures.reduce(0, +) / Double(failures.count)
      let variance = failures.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(failures.count - 1, 1))
      let k0 = max(mean * mean / max(variance, 1e-12), 0.05)
      start = [log(k0), log(mean / k0)]
    case .exponential:
      preconditionFailure("handled above")
    }
    let result = GSL.minimize(start: start, step: 0.5, f: nll, gradient: gradient)
    let p = result.x
    let covariance = inverse2x2(hessian(nll, at: p))
    let se = covariance.map { [$0[0][0], $0[1][1]].map { $0 > 0 ? $0.squareRoot() : .nan } }
    func logScale(_ name: String, _ i: Int) -> Parameter {
      let value = exp(p[i])
      let interval = se.flatMap { $0[i].isFinite ? exp(p[i] - z * $0[i])...exp(p[i] + z * $0[i]) : nil }
      return Parameter(name: name, estimate: value, ci95: interval)
    }
    let ll = -result.value
    let k = 2.0
    let parameters: [Parameter]
    let distribution: Distribution
    switch family {
    case .weibull:
      parameters = [logScale("shape", 1), logScale("scale_hours", 0)]
      distribution = .weibull(try! Weibull(shape: exp(p[1]), scale: exp(p[0])))
    case .lognormal:
      let muCI = se.flatMap { $0[0].isFinite ? (p[0] - z * $0[0])...(p[0] + z * $0[0]) : nil }
      let median = Parameter(name: "median_hours", estimate: exp(p[0]), ci95: muCI.map { exp($0.lowerBound)...exp($0.upperBound) })
      parameters = [.init(name: "mu", estimate: p[0], ci95: muCI), logScale("sigma", 1), median]
      distribution = .logNormal(try! LogNormal(mu: p[0], sigma: exp(p[1])))
    default:
      parameters = [logScale("shape", 0), logScale("scale_hours", 1)]
      distribution = .gamma(try! Gamma(shape: exp(p[0]), scale: exp(p[1])))
    }
    return Fit(family: family, parameters: parameters, logLikelihood: ll, aic: 2 * k - 2 * ll,
               aicc: 2 * k - 2 * ll + (n > k + 1 ? 2 * k * (k + 1) / (n - k - 1) : .nan), bic: k * log(n) - 2 * ll,
               converged: result.converged, distribution: distribution)
  }

  /// The Hessian of `f` at `x` by central differences.
  static func hessian(_ f: ([Double]) -> Double, at x: [Double]) -> [[Double]] {
    let n = x.count
    let h = x.map { 1e-4 * max(1, abs($0)) }
    var result = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    let f0 = f(x)
    for i in 0..<n {
      for j in i..<n {
        var value: Double
        if i == j {
          var up = x, down = x
          up[i] += h[i]; down[i] -= h[i]
          value = (f(up) - 2 * f0 + f(down)) / (h[i] * h[i])
        } else {
          var pp = x, pm = x, mp = x, mm = x
          pp[i] += h[i]; pp[j] += h[j]; pm[i] += h[i]; pm[j] -= h[j]
          mp[i] -= h[i]; mp[j] += h[j]; mm[i] -= h[i]; mm[j] -= h[j]
          value = (f(pp) - f(pm) - f(mp) + f(mm)) / (4 * h[i] * h[j])
        }
        result[i][j] = value
        result[j][i] = value
      }
    }
    return result
  }

  static func inverse2x2(_ m: [[Double]]) -> [[Double]]? {
    let det = m[0][0] * m[1][1] - m[0][1] * m[1][0]
    guard det.isFinite, det > 0 else { return nil }
    return [[m[1][1] / det, -m[0][1] / det], [-m[1][0] / det, m[0][0] / det]]
  }
}

/// Non-parametric views of the data for probability plots.
public enum NonParametric {
  public struct KaplanMeierPoint: Sendable, Equatable {
    public let timeHours: Double
    public let atRisk: Int
    public let failures: Int
    public let survival: Double
    /// Greenwood 95 % interval, clamped to [0, 1].
    public let ci95Low: Double
    public let ci95High: Double
  }

  /// The Kaplan–Meier product-limit estimate at each distinct failure time (censored units at a
  /// tied time count as at risk).
  public static func kaplanMeier(failures: [Hours], censored: [Hours]) -> [KaplanMeierPoint] {
    let events = (failures.map { ($0, true) } + censored.map { ($0, false) }).sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 && !$1.1) }
    var atRisk = events.count, survival = 1.0, greenwood = 0.0
    var points: [KaplanMeierPoint] = []
    var i = 0
    while i < events.count {
      let t = events[i].0
      var d = 0, removed = 0
      while i < events.count, events[i].0 == t { if events[i].1 { d += 1 }; removed += 1; i += 1 }
      if d > 0 {
        survival *= 1 - Double(d) / Double(atRisk)
        if atRisk > d { greenwood += Double(d) / (Double(atRisk) * Double(atRisk - d)) }
        let half = 1.959963984540054 * survival * greenwood.squareRoot()
        points.append(.init(timeHours: t, atRisk: atRisk, failures: d, survival: survival,
                            ci95Low: max(0, survival - half), ci95High: min(1, survival + half)))
      }
      atRisk -= removed
    }
    return points
  }

  /// Median-rank plotting positions of the failures: Johnson's adjusted ranks for censored data
  /// and Benard's approximation F ≈ (j − 0.3)/(n + 0.4).
  public static func medianRanks(failures: [Hours], censored: [Hours]) -> [(timeHours: Double, unreliability: Double)] {
    let events = (failures.map { ($0, true) } + censored.map { ($0, false) }).sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 && !$1.1) }
    let n = Double(events.count)
    var previous = 0.0
    var points: [(Double, Double)] = []
    for (index, event) in events.enumerated() where event.1 {
      let reverseRank = n - Double(index)
      let rank = previous + (n + 1 - previous) / (1 + reverseRank)
      previous = rank
      points.append((event.0, (rank - 0.3) / (n + 0.4)))
    }
    return points
  }
}
