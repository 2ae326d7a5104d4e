import Foundation

/// A quantity estimated from a fit (a parameter, a B-life, an AFR) on its working scale ψ: the
/// log of a positive quantity, μ itself for the lognormal μ. Each is a function ψ(x) of the
/// parameters x (hours scale), and, for the profile, the parameters are written back as a
/// function of ψ and one nuisance parameter ν: x = point(ψ, ν).
struct ProfiledQuantity {
  let target: MaximumLikelihood.Target
  let model: ScaledModel

  private var family: MaximumLikelihood.Family { model.family }

  /// ψ at x.
  func psi(_ x: [Double]) -> Double {
    switch target {
    case let .parameter(i, _): return x[i]
    case .rate: return -x[0]
    case let .quantile(p): return x[0] + logStandardQuantile(p, shape: x.count > 1 ? x[1] : 0)
    case let .afr(t): return logHazard(t, x)
    }
  }

  /// The quantity from ψ (the AFR in percent per year from ln h).
  func natural(_ psi: Double) -> Double {
    switch target {
    case .parameter(_, log: false): psi
    case .afr: exp(psi) * Exponential.hoursPerYear * 100
    default: exp(psi)
    }
  }

  func natural(_ lower: Double, _ upper: Double) -> MaximumLikelihood.Interval {
    .init(natural(lower), natural(upper))
  }

  func psiGradient(at x: [Double]) -> [Double] { Optimiser.numericalGradient(psi, at: x) }

  /// ln of the standard (scale 1) quantile: ln t_p − x₀.
  private func logStandardQuantile(_ p: Double, shape x1: Double) -> Double {
    switch family {
    case .weibull: exp(-x1) * log(-log1p(-p))
    case .exponential: log(-log1p(-p))
    case .lognormal: exp(x1) * GSL.normalPinv(p)
    case .gamma: log(GSL.gammaPinv(p, shape: exp(x1), scale: 1))
    }
  }

  /// ln h(t) at x.
  private func logHazard(_ t: Hours, _ x: [Double]) -> Double {
    let lt = log(t)
    switch family {
    case .exponential:
      return -x[0]
    case .weibull:
      let beta = exp(x[1])
      return x[1] + (beta - 1) * lt - beta * x[0]
    case .lognormal:
      let sigma = exp(x[1]), w = (lt - x[0]) / sigma
      return -lt - x[1] + log(GSL.normalHazard(w))
    case .gamma:
      let k = exp(x[1]), z = t / exp(x[0])
      let lnf = (k - 1) * log(z) - z - GSL.logGamma(k) - x[0]
      let q = GSL.gammaQ(t, shape: k, scale: exp(x[0]))
      // Far in the upper tail Q underflows; the hazard tends to 1/θ there.
      return q > 0 ? lnf - log(q) : -x[0]
    }
  }

  /// The nuisance parameter's value at x.
  func nuisance(_ x: [Double]) -> Double {
    if case .parameter(1, _) = target { return x[0] }
    return x.count > 1 ? x[1] : 0
  }

  /// The parameters with ψ(x) = psi and the nuisance ν, or nil when there are none.
  func point(psi: Double, nuisance nu: Double) -> [Double]? {
    if family == .exponential {
      switch target {
      case .parameter: return [psi]
      case .rate, .afr: return [-psi]
      case let .quantile(p): return [psi - log(-log1p(-p))]
      }
    }
    switch target {
    case .parameter(1, _): return [nu, psi]
    case .parameter: return [psi, nu]
    case .rate: return [-psi, nu]
    case let .quantile(p):
      let q = logStandardQuantile(p, shape: nu)
      return q.isFinite ? [psi - q, nu] : nil
    case let .afr(t):
      let lt = log(t)
      switch family {
      case .weibull:
        let beta = exp(nu)
        return [(nu + (beta - 1) * lt - psi) / beta, nu]
      case .lognormal:
        // ln h(t) = −ln t − ln σ + ln h_N(w), h_N increasing in w; solve for w, then μ = ln t − σw.
        let target = psi + lt + nu
        guard let w = Optimiser.solveMonotone({ log(GSL.normalHazard($0)) - target }, guess: 0, step: 1, limit: 1e6) else { return nil }
        return [lt - exp(nu) * w, nu]
      default:
        // Gamma: ln h(t) falls as ln θ rises (x·h(x) increases for every shape).
        guard let x0 = Optimiser.solveMonotone({ logHazard(t, [$0, nu]) - psi }, guess: lt, step: 1, limit: 1e3) else { return nil }
        return [x0, nu]
      }
    }
  }
}

/// Likelihood-ratio (profile likelihood) 95 % intervals.
///
/// The interval of a quantity ψ is {ψ : 2[ln L(x̂) − max_{x: ψ(x)=ψ} ln L(x)] ≤ χ²₁(0.95) =
/// 3.841}: for each candidate ψ the other parameter is re-fitted (Brent on the nuisance), and the
/// two ends are found by bracketing from the Wald interval outwards, then Brent's root finder.
/// Intervals are invariant under monotone maps, so the interval of e^ψ is e^ of ψ's.
/// An end the likelihood never falls far enough to reach (the search goes out 2¹⁵ Wald widths)
/// is reported as unbounded (0 or ∞).
public enum ProfileLikelihood {
  static let chiSquare95 = 3.841_458_820_694_124

  /// The fit with the LR intervals of its parameters and derived quantities filled in.
  public static func withIntervals(_ fit: MaximumLikelihood.Fit) -> MaximumLikelihood.Fit {
    guard fit.converged else { return fit }
    var result = fit
    result.parameters = fit.parameters.map { estimate in
      var copy = estimate
      copy.lr = interval(estimate.target, fit: fit)
      return copy
    }
    result.derived = fit.derived.map { estimate in
      var copy = estimate
      copy.lr = interval(estimate.target, fit: fit)
      return copy
    }
    return result
  }

  /// The LR interval of `target` under `fit`, on the quantity's natural scale.
  static func interval(_ target: MaximumLikelihood.Target, fit: MaximumLikelihood.Fit) -> MaximumLikelihood.Interval? {
    let quantity = ProfiledQuantity(target: target, model: fit.model)
    let psiHat = quantity.psi(fit.x)
    guard psiHat.isFinite else { return nil }
    let best = fit.model.logLikelihood(hours: fit.x)
    var se = 0.1 * max(1, abs(psiHat))
    if let covariance = fit.covariance {
      let g = quantity.psiGradient(at: fit.x)
      var v = 0.0
      for i in 0..<g.count { for j in 0..<g.count { v += g[i] * covariance[i][j] * g[j] } }
      if v.isFinite, v > 0 { se = v.squareRoot() }
    }
    let twoParameters = fit.x.count == 2
    var bounds: [Double] = []
    for side in [-1.0, 1.0] {
      var nuisance = quantity.nuisance(fit.x)
      /// 2(ℓ̂ − ℓ_p(ψ)) − χ², with the nuisance re-fitted from the last one found on this side.
      func deviance(_ psi: Double) -> Double {
        let profile: Double
        if twoParameters {
          let result = Optimiser.minimise1D({ nu in
            guard let x = quantity.point(psi: psi, nuisance: nu) else { return .infinity }
            let v = fit.model.logLikelihood(hours: x)
            return v.isNaN ? .infinity : -v
          }, from: nuisance, step: 0.05, tolerance: 1e-7)
          if result.value.isFinite { nuisance = result.x }
          profile = -result.value
        } else {
          profile = quantity.point(psi: psi, nuisance: 0).map { fit.model.logLikelihood(hours: $0) } ?? -.infinity
        }
        let d = 2 * (best - profile) - chiSquare95
        return d.isNaN ? .infinity : d
      }
      var inner = psiHat, width = z95 * se
      var found: Double?
      var steps = 0
      while steps < 16 {
        let outer = psiHat + side * width
        let d = deviance(outer)
        if d >= 0 {
          let capped: (Double) -> Double = { min(deviance($0), 1e6) }
          found = GSL.findRoot(lower: min(inner, outer), upper: max(inner, outer), relativeTolerance: 1e-10, f: capped)
          break
        }
        inner = outer
        width *= 2
        steps += 1
      }
      bounds.append(found ?? side * .infinity)
    }
    let lower = bounds[0], upper = bounds[1]
    // Map to the natural scale (the exponential's rate and its AFR come from ψ = −ln η: still increasing in ψ).
    return MaximumLikelihood.Interval(quantity.natural(lower), quantity.natural(upper))
  }

  static let z95 = 1.959963984540054
}
