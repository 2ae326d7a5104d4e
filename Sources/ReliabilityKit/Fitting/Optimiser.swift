import Foundation

/// Small numerical pieces of the fits: Newton polishing with the convergence test, Hessians by
/// finite differences, 2×2 inverses, and bracketing around GSL's one-dimensional Brent methods.
enum Optimiser {
  /// Newton steps with backtracking on f from x, then the convergence test: the Hessian is
  /// positive definite and half the Newton decrement gᵀH⁻¹g (the predicted further decrease of f)
  /// is at most `tolerance`.
  /// - Returns: the point, whether it passed, and, when it did not, why (in words for users).
  static func newtonPolish(_ f: ([Double]) -> Double, gradient: (([Double]) -> [Double])?, at start: [Double],
                           tolerance: Double = 1e-6) -> (x: [Double], converged: Bool, problem: String?) {
    var x = start
    guard x.allSatisfy(\.isFinite), f(x).isFinite else {
      return (x, false, "the optimiser ended where the likelihood is zero or undefined")
    }
    var decrement = Double.infinity
    for _ in 0..<50 {
      let g = gradient?(x) ?? numericalGradient(f, at: x)
      guard g.allSatisfy(\.isFinite), let h = hessian(f, gradient: gradient, at: x), let inverse = inverse(h) else { break }
      let step = (0..<x.count).map { i in -(0..<x.count).reduce(0.0) { $0 + inverse[i][$1] * g[$1] } }
      decrement = -(0..<x.count).reduce(0.0) { $0 + g[$1] * step[$1] }
      if decrement / 2 <= 1e-13 { break }
      let f0 = f(x)
      var t = 1.0, moved = false
      while t > 1e-10 {
        let candidate = zip(x, step).map { $0 + t * $1 }
        let value = f(candidate)
        if value.isFinite, value <= f0 - 1e-4 * t * decrement {
          x = candidate
          moved = true
          break
        }
        t /= 2
      }
      if !moved { break }
    }
    let g = gradient?(x) ?? numericalGradient(f, at: x)
    guard g.allSatisfy(\.isFinite), x.allSatisfy(\.isFinite) else {
      return (x, false, "the estimate diverges: the likelihood keeps rising towards a limit of the parameters (no maximum)")
    }
    guard let h = hessian(f, gradient: gradient, at: x), let inverse = inverse(h) else {
      return (x, false, "the likelihood has no proper maximum here (its curvature is not negative): the estimate diverges or the data cannot separate the parameters")
    }
    decrement = (0..<x.count).reduce(0.0) { sum, i in sum + g[i] * (0..<x.count).reduce(0.0) { $0 + inverse[i][$1] * g[$1] } }
    if !(decrement / 2 <= tolerance) {
      return (x, false, String(format: "the optimiser stopped where ln L can still rise by about %.2g", decrement / 2))
    }
    return (x, true, nil)
  }

  static func numericalGradient(_ f: ([Double]) -> Double, at x: [Double]) -> [Double] {
    (0..<x.count).map { i in
      let h = 1e-5 * max(1, abs(x[i]))
      var up = x, down = x
      up[i] += h; down[i] -= h
      return (f(up) - f(down)) / (2 * h)
    }
  }

  /// The Hessian of f at x: central differences of the gradient when there is one, second
  /// differences of f otherwise. Nil when a value is not finite.
  static func hessian(_ f: ([Double]) -> Double, gradient: (([Double]) -> [Double])?, at x: [Double]) -> [[Double]]? {
    let n = x.count
    var result = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    if let gradient {
      for j in 0..<n {
        let h = 1e-5 * max(1, abs(x[j]))
        var up = x, down = x
        up[j] += h; down[j] -= h
        let gu = gradient(up), gd = gradient(down)
        for i in 0..<n { result[i][j] = (gu[i] - gd[i]) / (2 * h) }
      }
      for i in 0..<n { for j in 0..<i { let m = (result[i][j] + result[j][i]) / 2; result[i][j] = m; result[j][i] = m } }
    } else {
      let h = x.map { 1e-4 * max(1, abs($0)) }
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
    }
    return result.allSatisfy { $0.allSatisfy(\.isFinite) } ? result : nil
  }

  /// The inverse of a positive-definite 1×1 or 2×2 matrix; nil otherwise.
  static func inverse(_ m: [[Double]]) -> [[Double]]? {
    if m.count == 1 {
      guard m[0][0] > 0, m[0][0].isFinite else { return nil }
      return [[1 / m[0][0]]]
    }
    let det = m[0][0] * m[1][1] - m[0][1] * m[1][0]
    guard det.isFinite, det > 0, m[0][0] > 0 else { return nil }
    return [[m[1][1] / det, -m[0][1] / det], [-m[1][0] / det, m[0][0] / det]]
  }

  /// Minimises f of one variable from `start`: walks downhill with growing steps until a bracket
  /// is found, then Brent (GSL). When f keeps falling for 60 steps, returns the lowest point
  /// seen: the infimum is approached at a limit, not attained.
  static func minimise1D(_ f: (Double) -> Double, from start: Double, step: Double = 0.1, tolerance: Double = 1e-10) -> (x: Double, value: Double) {
    withoutActuallyEscaping(f) { f in
      let value: (Double) -> Double = { let v = f($0); return v.isNaN ? .infinity : v }
      var a = start, fa = value(a)
      var b = start + step, fb = value(b)
      if fb > fa || (!fb.isFinite && fa.isFinite) {
        // Go the other way.
        b = start - step; fb = value(b)
        if fb >= fa {
          // start is already bracketed by start ± step.
          let lower = start - step, upper = start + step
          if let result = GSL.minimize1D(lower: lower, guess: start, upper: upper, tolerance: tolerance, f: value), result.value <= fa {
            return (result.x, result.value)
          }
          return (a, fa)
        }
      }
      // Now f(b) < f(a): walk from a through b until f rises.
      var c = b + 1.618 * (b - a), fc = value(c)
      var steps = 0
      while fc < fb, steps < 60 {
        a = b; fa = fb
        b = c; fb = fc
        c = b + 1.618 * (b - a); fc = value(c)
        steps += 1
      }
      if fc < fb { return (c, fc) }
      let lower = min(a, c), upper = max(a, c)
      if let result = GSL.minimize1D(lower: lower, guess: b, upper: upper, tolerance: tolerance, f: value), result.value <= fb {
        return (result.x, result.value)
      }
      return (b, fb)
    }
  }

  /// Solves g(x) = 0 for an increasing or decreasing g, from a guess: expands a bracket by
  /// doubling steps, then Brent (GSL). Nil when no sign change is found within `limit`.
  static func solveMonotone(_ g: @escaping (Double) -> Double, guess: Double, step: Double = 1, limit: Double = 1e3) -> Double? {
    let g0 = g(guess)
    if g0 == 0 { return guess }
    guard g0.isFinite else { return nil }
    var width = step
    for direction in [1.0, -1.0] {
      var inner = guess
      width = step
      while width <= limit {
        let outer = guess + direction * width
        let value = g(outer)
        if value.isFinite, (value > 0) != (g0 > 0) || value == 0 {
          return GSL.findRoot(lower: min(inner, outer), upper: max(inner, outer), f: g)
        }
        if value.isFinite { inner = outer }
        width *= 2
      }
    }
    return nil
  }
}
