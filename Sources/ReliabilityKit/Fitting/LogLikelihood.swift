import Foundation

/// The log-likelihood of life data under one family, on the optimisation scale.
///
/// Parameters: x₀ is the log of the scale (ln η for the Weibull and the exponential, μ = ln of the
/// median for the lognormal, ln θ for the gamma) and x₁ the log of the shape (ln β, ln σ, ln k);
/// the exponential has x₀ only. Each unit contributes ln f(t), ln R(t) or ln(R(l) − R(u)), minus
/// ln R(a) for an entry age a > 0 (the condition of survival to entry). Densities are full
/// densities of the age, so ln L, AIC and BIC compare with other tools.
///
/// The Weibull, exponential and lognormal are log-location-scale families: ln T = loc + s·U with U
/// standard smallest-extreme-value (Weibull, s = 1/β; exponential, s = 1) or standard normal
/// (lognormal, s = σ), so each has an analytic gradient through u = (ln t − loc)/s. The gamma's
/// gradient is taken by central differences.
struct LogLikelihood {
  let family: MaximumLikelihood.Family
  let data: LifeData

  var parameterCount: Int { family == .exponential ? 1 : 2 }

  // MARK: Standard log-location-scale pieces

  private enum Standard { case extremeValue, normal }
  private var standard: Standard { family == .lognormal ? .normal : .extremeValue }

  private func lnf0(_ u: Double) -> Double {
    switch standard {
    case .extremeValue: u - exp(u)
    case .normal: -0.5 * u * u - 0.918_938_533_204_672_7
    }
  }

  private func lnR0(_ u: Double) -> Double {
    switch standard {
    case .extremeValue: -exp(u)
    case .normal: GSL.logNormalQ(u)
    }
  }

  private func lnF0(_ u: Double) -> Double {
    switch standard {
    case .extremeValue: log(-expm1(-exp(u)))
    case .normal: GSL.logNormalQ(-u)
    }
  }

  /// d ln f₀ / du.
  private func dlnf0(_ u: Double) -> Double {
    switch standard {
    case .extremeValue: 1 - exp(u)
    case .normal: -u
    }
  }

  /// The standard hazard f₀/R₀ = −d ln R₀ / du.
  private func h0(_ u: Double) -> Double {
    switch standard {
    case .extremeValue: exp(u)
    case .normal: GSL.normalHazard(u)
    }
  }

  /// ln(R₀(ul) − R₀(uu)) for ul < uu, from whichever tail keeps its precision.
  private func lnDifference(_ ul: Double, _ uu: Double) -> Double {
    if ul == -.infinity { return lnF0(uu) }
    let rl = lnR0(ul)
    if rl < -0.693_147_180_559_945_3 {
      return rl + log(-expm1(lnR0(uu) - rl))
    }
    let fu = lnF0(uu)
    return fu + log(-expm1(lnF0(ul) - fu))
  }

  /// loc and ln s from x.
  private func locationScale(_ x: [Double]) -> (loc: Double, lnS: Double) {
    switch family {
    case .weibull: (x[0], -x[1])
    case .lognormal: (x[0], x[1])
    default: (x[0], 0)
    }
  }

  // MARK: Value and gradient

  /// ln L at `x` (NaN or −∞ outside the valid region).
  func value(_ x: [Double]) -> Double {
    if family == .gamma { return gammaValue(x) }
    let (loc, lnS) = locationScale(x)
    let s = exp(lnS)
    func u(_ t: Double) -> Double { t == 0 ? -.infinity : (log(t) - loc) / s }
    var total = 0.0
    for o in data.observations {
      switch o.outcome {
      case let .failed(t): total += lnf0(u(t)) - lnS - log(t)
      case let .censored(t): total += lnR0(u(t))
      case .failedBetween, .failedBefore:
        let (l, r) = o.interval
        total += lnDifference(u(l), u(r))
        // lnDifference already conditions on nothing; subtract entry below.
      }
      if o.entry > 0 { total -= lnR0(u(o.entry)) }
    }
    return total
  }

  /// ∂ ln L / ∂x, analytic for the log-location-scale families, nil for the gamma.
  func gradient(_ x: [Double]) -> [Double]? {
    guard family != .gamma else { return nil }
    let (loc, lnS) = locationScale(x)
    let s = exp(lnS)
    var gLoc = 0.0, gLnS = 0.0
    for o in data.observations {
      switch o.outcome {
      case let .failed(t):
        let u = (log(t) - loc) / s, d = dlnf0(u)
        gLoc += d * (-1 / s)
        gLnS += d * (-u) - 1
      case let .censored(t):
        guard t > 0 else { break }
        let u = (log(t) - loc) / s, h = h0(u)
        gLoc += h / s
        gLnS += h * u
      case .failedBetween, .failedBefore:
        let (l, r) = o.interval
        let ul = l == 0 ? -Double.infinity : (log(l) - loc) / s, ur = (log(r) - loc) / s
        let lnD = lnDifference(ul, ur)
        // d ln(R₀(ul) − R₀(ur)) = (−f₀(ul) dul + f₀(ur) dur) / D, with du = (−1/s, −u).
        let wl = ul == -.infinity ? 0 : exp(lnf0(ul) - lnD), wr = exp(lnf0(ur) - lnD)
        gLoc += wl / s - wr / s
        if ul != -.infinity { gLnS += wl * ul }
        gLnS -= wr * ur
      }
      if o.entry > 0 {
        let u = (log(o.entry) - loc) / s, h = h0(u)
        gLoc -= h / s
        gLnS -= h * u
      }
    }
    switch family {
    case .weibull: return [gLoc, -gLnS]
    case .lognormal: return [gLoc, gLnS]
    default: return [gLoc]
    }
  }

  private func gammaValue(_ x: [Double]) -> Double {
    let lnTheta = x[0], k = exp(x[1]), theta = exp(lnTheta)
    guard k.isFinite, theta.isFinite, k > 0, theta > 0 else { return .nan }
    let lgk = GSL.logGamma(k)
    func lnQ(_ t: Double) -> Double { log(GSL.gammaQ(t, shape: k, scale: theta)) }
    func lnP(_ t: Double) -> Double { log(GSL.gammaP(t, shape: k, scale: theta)) }
    var total = 0.0
    for o in data.observations {
      switch o.outcome {
      case let .failed(t):
        let z = t / theta
        total += (k - 1) * log(z) - z - lgk - lnTheta
      case let .censored(t):
        if t > 0 { total += lnQ(t) }
      case .failedBetween, .failedBefore:
        let (l, r) = o.interval
        if l == 0 { total += lnP(r); break }
        let ql = lnQ(l)
        if ql < -0.693_147_180_559_945_3 {
          total += ql + log(-expm1(lnQ(r) - ql))
        } else {
          let pr = lnP(r)
          total += pr + log(-expm1(lnP(l) - pr))
        }
      }
      if o.entry > 0 { total -= lnQ(o.entry) }
    }
    return total
  }
}
