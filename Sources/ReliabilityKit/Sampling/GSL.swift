// The only file in cposim that imports CGSL. Every GSL call goes through `GSL`, so no
// `gsl_` name appears in the public API and GSL's aborting error handler is always off
// before the first call.
//
// Callers validate parameters in Swift *before* calling in: GSL's samplers do not check
// them, and its CDF inverses return NaN (with the handler off) instead of aborting.

internal import CGSL
import Foundation

/// Namespace for the thin wrappers around GSL.
enum GSL {
  /// Turns off GSL's default error handler, which calls `abort()`. Evaluated once.
  private static let errorHandlerIsOff: Bool = {
    _ = gsl_set_error_handler_off()
    return true
  }()

  /// Ensures the error handler is off. Cheap after the first call (one atomic load).
  @inline(__always)
  static func configure() {
    _ = errorHandlerIsOff
  }

  /// The version of the GSL library that is linked in, for example `2.7.1`.
  static var version: String {
    String(cString: cgsl_version())
  }

  // MARK: Generators

  /// The generator algorithm every trial uses. See `RandomSource` for why taus2.
  static func allocateGenerator() -> OpaquePointer {
    configure()
    guard let rng = gsl_rng_alloc(cgsl_rng_type_taus2()) else {
      fatalError("GSL could not allocate a random number generator (out of memory)")
    }
    return OpaquePointer(rng)
  }

  static func freeGenerator(_ handle: OpaquePointer) {
    gsl_rng_free(UnsafeMutablePointer<gsl_rng>(handle))
  }

  static func seed(_ handle: OpaquePointer, with seed: UInt32) {
    gsl_rng_set(UnsafeMutablePointer<gsl_rng>(handle), UInt(seed))
  }

  /// The state of a taus2 generator (its three 32-bit words, each in an unsigned long), which
  /// `Taus2` advances in place: GSL's own samplers read and advance the same words, so draws
  /// from either side continue one sequence.
  static func taus2State(_ handle: OpaquePointer) -> UnsafeMutablePointer<UInt> {
    let rng = UnsafeMutablePointer<gsl_rng>(handle)
    precondition(rng.pointee.type == cgsl_rng_type_taus2(), "Taus2 needs a taus2 generator")
    precondition(MemoryLayout<UInt>.size == MemoryLayout<CUnsignedLong>.size)
    return rng.pointee.state.bindMemory(to: UInt.self, capacity: 3)
  }

  static func generatorName(_ handle: OpaquePointer) -> String {
    String(cString: gsl_rng_name(UnsafeMutablePointer<gsl_rng>(handle)))
  }

  @inline(__always)
  static func uniform(_ handle: OpaquePointer) -> Double {
    gsl_rng_uniform(UnsafeMutablePointer<gsl_rng>(handle))
  }

  @inline(__always)
  static func uniformPositive(_ handle: OpaquePointer) -> Double {
    gsl_rng_uniform_pos(UnsafeMutablePointer<gsl_rng>(handle))
  }

  @inline(__always)
  static func uniformInt(_ handle: OpaquePointer, below n: UInt) -> UInt {
    gsl_rng_uniform_int(UnsafeMutablePointer<gsl_rng>(handle), n)
  }

  @inline(__always)
  static func rawNext(_ handle: OpaquePointer) -> UInt {
    gsl_rng_get(UnsafeMutablePointer<gsl_rng>(handle))
  }

  // MARK: Samplers (parameters already validated by the caller)

  @inline(__always)
  static func exponential(_ handle: OpaquePointer, mean: Double) -> Double {
    gsl_ran_exponential(UnsafeMutablePointer<gsl_rng>(handle), mean)
  }

  /// GSL's Weibull takes the scale first, then the shape.
  @inline(__always)
  static func weibull(_ handle: OpaquePointer, shape: Double, scale: Double) -> Double {
    gsl_ran_weibull(UnsafeMutablePointer<gsl_rng>(handle), scale, shape)
  }

  @inline(__always)
  static func lognormal(_ handle: OpaquePointer, mu: Double, sigma: Double) -> Double {
    gsl_ran_lognormal(UnsafeMutablePointer<gsl_rng>(handle), mu, sigma)
  }

  @inline(__always)
  static func gamma(_ handle: OpaquePointer, shape: Double, scale: Double) -> Double {
    gsl_ran_gamma(UnsafeMutablePointer<gsl_rng>(handle), shape, scale)
  }

  @inline(__always)
  static func binomial(_ handle: OpaquePointer, probability: Double, trials: UInt32) -> UInt32 {
    gsl_ran_binomial(UnsafeMutablePointer<gsl_rng>(handle), probability, trials)
  }

  @inline(__always)
  static func poisson(_ handle: OpaquePointer, mean: Double) -> UInt32 {
    gsl_ran_poisson(UnsafeMutablePointer<gsl_rng>(handle), mean)
  }

  @inline(__always)
  static func standardNormal(_ handle: OpaquePointer) -> Double {
    gsl_ran_ugaussian(UnsafeMutablePointer<gsl_rng>(handle))
  }

  // MARK: Cumulative distribution functions
  // `P` is the lower tail F(x); `Q` is the upper tail 1 - F(x), computed directly so that
  // reliability far out in the tail keeps its precision.

  static func exponentialP(_ x: Double, mean: Double) -> Double { configure(); return gsl_cdf_exponential_P(x, mean) }
  static func exponentialQ(_ x: Double, mean: Double) -> Double { configure(); return gsl_cdf_exponential_Q(x, mean) }
  static func exponentialPinv(_ p: Double, mean: Double) -> Double { configure(); return gsl_cdf_exponential_Pinv(p, mean) }
  static func exponentialQinv(_ q: Double, mean: Double) -> Double { configure(); return gsl_cdf_exponential_Qinv(q, mean) }

  static func weibullP(_ x: Double, shape: Double, scale: Double) -> Double { configure(); return gsl_cdf_weibull_P(x, scale, shape) }
  static func weibullQ(_ x: Double, shape: Double, scale: Double) -> Double { configure(); return gsl_cdf_weibull_Q(x, scale, shape) }
  static func weibullPinv(_ p: Double, shape: Double, scale: Double) -> Double { configure(); return gsl_cdf_weibull_Pinv(p, scale, shape) }
  static func weibullQinv(_ q: Double, shape: Double, scale: Double) -> Double { configure(); return gsl_cdf_weibull_Qinv(q, scale, shape) }

  static func lognormalP(_ x: Double, mu: Double, sigma: Double) -> Double { configure(); return gsl_cdf_lognormal_P(x, mu, sigma) }
  static func lognormalQ(_ x: Double, mu: Double, sigma: Double) -> Double { configure(); return gsl_cdf_lognormal_Q(x, mu, sigma) }
  static func lognormalPinv(_ p: Double, mu: Double, sigma: Double) -> Double { configure(); return gsl_cdf_lognormal_Pinv(p, mu, sigma) }
  static func lognormalQinv(_ q: Double, mu: Double, sigma: Double) -> Double { configure(); return gsl_cdf_lognormal_Qinv(q, mu, sigma) }

  static func gammaP(_ x: Double, shape: Double, scale: Double) -> Double { configure(); return gsl_cdf_gamma_P(x, shape, scale) }
  static func gammaQ(_ x: Double, shape: Double, scale: Double) -> Double { configure(); return gsl_cdf_gamma_Q(x, shape, scale) }
  static func gammaPinv(_ p: Double, shape: Double, scale: Double) -> Double { configure(); return gsl_cdf_gamma_Pinv(p, shape, scale) }
  static func gammaQinv(_ q: Double, shape: Double, scale: Double) -> Double { configure(); return gsl_cdf_gamma_Qinv(q, shape, scale) }

  static func normalPinv(_ p: Double) -> Double { configure(); return gsl_cdf_ugaussian_Pinv(p) }

  /// P(K ≤ k) of a Poisson count of mean `mean` (≥ 0).
  static func poissonP(_ k: UInt32, mean: Double) -> Double { configure(); return gsl_cdf_poisson_P(k, mean) }
  /// P(K ≤ k) of a negative binomial: failures before the n-th success of probability p (0 < p ≤ 1, n > 0).
  static func negativeBinomialP(_ k: UInt32, probability p: Double, n: Double) -> Double {
    configure()
    return gsl_cdf_negative_binomial_P(k, p, n)
  }
  static func normalQ(_ x: Double) -> Double { configure(); return gsl_cdf_ugaussian_Q(x) }

  /// Quantile of Student's t distribution with `nu` degrees of freedom.
  static func studentTPinv(_ p: Double, degreesOfFreedom nu: Double) -> Double {
    configure()
    return gsl_cdf_tdist_Pinv(p, nu)
  }

  static func chiSquaredQ(_ x: Double, degreesOfFreedom nu: Double) -> Double {
    configure()
    return gsl_cdf_chisq_Q(x, nu)
  }

  static func chiSquaredP(_ x: Double, degreesOfFreedom nu: Double) -> Double {
    configure()
    return gsl_cdf_chisq_P(x, nu)
  }

  /// Quantile of the chi-squared distribution with `nu` degrees of freedom.
  static func chiSquaredPinv(_ p: Double, degreesOfFreedom nu: Double) -> Double {
    configure()
    return gsl_cdf_chisq_Pinv(p, nu)
  }

  // MARK: Special functions

  /// ln Γ(x) for x > 0.
  static func logGamma(_ x: Double) -> Double { configure(); return gsl_sf_lngamma(x) }

  /// ln Q(x) of the standard normal, accurate far into the tail: log erfc(x/√2) − ln 2.
  static func logNormalQ(_ x: Double) -> Double { configure(); return gsl_sf_log_erfc(x / 2.0.squareRoot()) - log(2.0) }

  /// The standard normal hazard φ(x)/Q(x), accurate far into the tail.
  static func normalHazard(_ x: Double) -> Double { configure(); return gsl_sf_hazard(x) }

  // MARK: Minimisers (fitting)

  /// The objective and its gradient, reached from GSL's C callbacks through an opaque pointer.
  private final class Objective {
    let f: ([Double]) -> Double
    let gradient: (([Double]) -> [Double])?
    init(f: @escaping ([Double]) -> Double, gradient: (([Double]) -> [Double])?) {
      self.f = f
      self.gradient = gradient
    }
  }

  private static func array(_ v: UnsafePointer<gsl_vector>?) -> [Double] {
    guard let v else { return [] }
    return (0..<v.pointee.size).map { gsl_vector_get(v, $0) }
  }

  /// Minimises `f` from `start`: Nelder–Mead (GSL nmsimplex2) until the simplex is smaller than
  /// `tolerance`, then, when a gradient is given, BFGS (GSL vector_bfgs2) until the gradient norm
  /// is below 1e-9. Non-finite objective values are treated as +∞ so the search stays inside the
  /// valid region.
  /// - Returns: the minimiser, the minimum and whether the last stage met its criterion.
  static func minimize(start: [Double], step: Double, tolerance: Double = 1e-8, maxIterations: Int = 20_000,
                       f: @escaping ([Double]) -> Double, gradient: (([Double]) -> [Double])? = nil) -> (x: [Double], value: Double, converged: Bool) {
    configure()
    let n = start.count
    let objective = Objective(f: { x in let v = f(x); return v.isFinite ? v : .greatestFiniteMagnitude }, gradient: gradient)
    let context = Unmanaged.passRetained(objective)
    defer { context.release() }
    let x = gsl_vector_alloc(n)!, steps = gsl_vector_alloc(n)!
    defer { gsl_vector_free(x); gsl_vector_free(steps) }
    for i in 0..<n { gsl_vector_set(x, i, start[i]); gsl_vector_set(steps, i, step) }

    var function = gsl_multimin_function(
      f: { v, params in Unmanaged<Objective>.fromOpaque(params!).takeUnretainedValue().f(GSL.array(v)) },
      n: n, params: context.toOpaque())
    let simplex = gsl_multimin_fminimizer_alloc(cgsl_multimin_nmsimplex2(), n)!
    defer { gsl_multimin_fminimizer_free(simplex) }
    gsl_multimin_fminimizer_set(simplex, &function, x, steps)
    var converged = false
    for _ in 0..<maxIterations {
      if gsl_multimin_fminimizer_iterate(simplex) != GSL_SUCCESS { break }
      if gsl_multimin_test_size(gsl_multimin_fminimizer_size(simplex), tolerance) == GSL_SUCCESS { converged = true; break }
    }
    var best = array(simplex.pointee.x)
    var value = simplex.pointee.fval
    guard gradient != nil else { return (best, value, converged) }

    for i in 0..<n { gsl_vector_set(x, i, best[i]) }
    var fdf = gsl_multimin_function_fdf(
      f: { v, params in Unmanaged<Objective>.fromOpaque(params!).takeUnretainedValue().f(GSL.array(v)) },
      df: { v, params, g in
        let grad = Unmanaged<Objective>.fromOpaque(params!).takeUnretainedValue().gradient!(GSL.array(v))
        for (i, d) in grad.enumerated() { gsl_vector_set(g, i, d.isFinite ? d : 0) }
      },
      fdf: { v, params, y, g in
        let objective = Unmanaged<Objective>.fromOpaque(params!).takeUnretainedValue()
        let point = GSL.array(v)
        y!.pointee = objective.f(point)
        for (i, d) in objective.gradient!(point).enumerated() { gsl_vector_set(g, i, d.isFinite ? d : 0) }
      },
      n: n, params: context.toOpaque())
    let bfgs = gsl_multimin_fdfminimizer_alloc(cgsl_multimin_vector_bfgs2(), n)!
    defer { gsl_multimin_fdfminimizer_free(bfgs) }
    gsl_multimin_fdfminimizer_set(bfgs, &fdf, x, 1e-3, 0.1)
    converged = false
    for _ in 0..<1000 {
      let status = gsl_multimin_fdfminimizer_iterate(bfgs)
      if gsl_multimin_test_gradient(bfgs.pointee.gradient, 1e-9) == GSL_SUCCESS { converged = true; break }
      if status != GSL_SUCCESS { break }
    }
    if bfgs.pointee.f <= value {
      best = array(bfgs.pointee.x)
      value = bfgs.pointee.f
    }
    if !converged {
      // BFGS stops when it can make no more progress; at a minimum the gradient is then tiny
      // next to the objective (rounding limits how close to zero it can get).
      let norm = (gradient!(best).map { $0 * $0 }.reduce(0, +)).squareRoot()
      converged = norm <= 1e-6 * max(1, abs(value))
    }
    return (best, value, converged)
  }
}

// MARK: One-dimensional minimiser and root finder (fitting: profile likelihood)

extension GSL {
  /// A function of one variable, reached from GSL's C callback through an opaque pointer.
  private final class Function1D {
    let f: (Double) -> Double
    init(_ f: @escaping (Double) -> Double) { self.f = f }
  }

  /// Minimises `f` on [lower, upper] with Brent's method (GSL `gsl_min_fminimizer_brent`), from a
  /// bracket: f(guess) must be below f(lower) and f(upper). Non-finite values count as +∞.
  /// - Returns: the minimiser and the minimum, or nil when the three points do not bracket a
  ///   minimum or an iteration fails.
  static func minimize1D(lower: Double, guess: Double, upper: Double, tolerance: Double = 1e-10, maxIterations: Int = 200,
                         f: @escaping (Double) -> Double) -> (x: Double, value: Double)? {
    configure()
    let function = Function1D { x in let v = f(x); return v.isFinite ? v : .greatestFiniteMagnitude }
    let context = Unmanaged.passRetained(function)
    defer { context.release() }
    var gslFunction = gsl_function(
      function: { x, params in Unmanaged<Function1D>.fromOpaque(params!).takeUnretainedValue().f(x) },
      params: context.toOpaque())
    guard let minimiser = gsl_min_fminimizer_alloc(cgsl_min_brent()) else { return nil }
    defer { gsl_min_fminimizer_free(minimiser) }
    guard gsl_min_fminimizer_set(minimiser, &gslFunction, guess, lower, upper) == GSL_SUCCESS else { return nil }
    for _ in 0..<maxIterations {
      guard gsl_min_fminimizer_iterate(minimiser) == GSL_SUCCESS else { return nil }
      let a = gsl_min_fminimizer_x_lower(minimiser), b = gsl_min_fminimizer_x_upper(minimiser)
      if gsl_min_test_interval(a, b, tolerance, 0) == GSL_SUCCESS { break }
    }
    return (gsl_min_fminimizer_x_minimum(minimiser), gsl_min_fminimizer_f_minimum(minimiser))
  }

  /// A root of `f` in [lower, upper] by Brent's method (GSL `gsl_root_fsolver_brent`); f(lower)
  /// and f(upper) must be finite and of opposite signs.
  /// - Returns: the root to `tolerance` (absolute) or `relativeTolerance`, or nil when the
  ///   interval does not bracket a root or an iteration fails.
  static func findRoot(lower: Double, upper: Double, tolerance: Double = 0, relativeTolerance: Double = 1e-12, maxIterations: Int = 200,
                       f: @escaping (Double) -> Double) -> Double? {
    configure()
    let function = Function1D(f)
    let context = Unmanaged.passRetained(function)
    defer { context.release() }
    var gslFunction = gsl_function(
      function: { x, params in Unmanaged<Function1D>.fromOpaque(params!).takeUnretainedValue().f(x) },
      params: context.toOpaque())
    guard let solver = gsl_root_fsolver_alloc(cgsl_root_brent()) else { return nil }
    defer { gsl_root_fsolver_free(solver) }
    guard gsl_root_fsolver_set(solver, &gslFunction, lower, upper) == GSL_SUCCESS else { return nil }
    for _ in 0..<maxIterations {
      guard gsl_root_fsolver_iterate(solver) == GSL_SUCCESS else { return nil }
      let a = gsl_root_fsolver_x_lower(solver), b = gsl_root_fsolver_x_upper(solver)
      if gsl_root_test_interval(a, b, tolerance, relativeTolerance) == GSL_SUCCESS { break }
    }
    return gsl_root_fsolver_root(solver)
  }
}
