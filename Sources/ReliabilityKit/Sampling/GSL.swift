// The only file in cposim that imports CGSL. Every GSL call goes through `GSL`, so no
// `gsl_` name appears in the public API and GSL's aborting error handler is always off
// before the first call.
//
// Callers validate parameters in Swift *before* calling in: GSL's samplers do not check
// them, and its CDF inverses return NaN (with the handler off) instead of aborting.

internal import CGSL

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

  // MARK: Special functions

  /// ln Γ(x) for x > 0.
  static func logGamma(_ x: Double) -> Double { configure(); return gsl_sf_lngamma(x) }
}
