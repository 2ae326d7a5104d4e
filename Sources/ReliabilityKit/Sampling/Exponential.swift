import Foundation

/// The exponential distribution: a constant hazard rate λ, memoryless.
///
/// Density f(t) = λ e^(−λt), reliability R(t) = e^(−λt), mean 1/λ (the MTBF), variance 1/λ².
/// The right model for random failures in a part's useful life; the field rates in
/// FailureData/ (AFR, FIT, MTBF) are all of this kind.
///
/// Three ways to give the rate, all converted to λ per hour here and nowhere else:
/// - MTBF in hours: λ = 1 / MTBF;
/// - annualised failure rate in percent per year: λ = AFR / 100 / 8760. AFR is treated as a
///   rate (failures per unit-year), the convention of REFERENCE-DATA.md, which equals the
///   probability 1 − e^(−λ·8760) to within 0.5 % relative for AFR below 1 %/yr;
/// - FIT, failures per 10⁹ device-hours: λ = FIT · 10⁻⁹.
public struct Exponential: FailureDistribution, Hashable {
  /// The failure rate λ in failures per hour.
  public let rate: Double

  /// Creates the distribution from a rate λ in failures per hour.
  /// - Throws: `DistributionError.nonPositiveParameter` unless λ is positive and finite.
  public init(rate: Double) throws(DistributionError) {
    try requirePositive(rate, "rate")
    self.rate = rate
  }

  /// Creates the distribution from a mean time between failures, in hours.
  public init(mtbf: Hours) throws(DistributionError) {
    try requirePositive(mtbf, "mtbf")
    self.rate = 1 / mtbf
  }

  /// Creates the distribution from an annualised failure rate in percent per year.
  public init(annualisedFailureRatePercent afr: Double) throws(DistributionError) {
    try requirePositive(afr, "afr")
    self.rate = afr / 100 / Exponential.hoursPerYear
  }

  /// Creates the distribution from a FIT rate (failures per 10⁹ device-hours).
  public init(fit: Double) throws(DistributionError) {
    try requirePositive(fit, "fit")
    self.rate = fit * 1e-9
  }

  /// Hours in a year (365 days), the year of every rate and duration in cposim.
  public static let hoursPerYear: Hours = TimeUnits.hoursPerYear

  /// The mean time between failures, 1/λ, in hours.
  public var mtbf: Hours { 1 / rate }
  /// The annualised failure rate in percent per year, 100 · λ · 8760.
  public var annualisedFailureRatePercent: Double { rate * Exponential.hoursPerYear * 100 }
  /// The rate in FIT, λ · 10⁹.
  public var fit: Double { rate * 1e9 }

  public var mean: Hours { 1 / rate }
  public var variance: Double { 1 / (rate * rate) }
  public var standardDeviation: Hours { 1 / rate }

  public func sample(using source: RandomSource) -> Hours {
    GSL.exponential(source.handle, mean: mtbf)
  }

  public func cdf(_ t: Hours) -> Double { t <= 0 ? 0 : GSL.exponentialP(t, mean: mtbf) }
  public func survival(_ t: Hours) -> Double { t <= 0 ? 1 : GSL.exponentialQ(t, mean: mtbf) }

  public func quantile(_ p: Double) -> Hours {
    precondition(p >= 0 && p <= 1, "quantile needs 0 <= p <= 1, got \(p)")
    return p == 1 ? .infinity : GSL.exponentialPinv(p, mean: mtbf)
  }

  /// Memoryless truncation: `a` plus an exponential truncated to [0, b − a], drawn as
  /// a − ln(1 − u(1 − e^(−λ(b−a)))) / λ with `log1p` and `expm1` for precision.
  public func sample(truncatedTo range: ClosedRange<Hours>, using source: RandomSource) throws(DistributionError) -> Hours {
    let a = max(range.lowerBound, 0), b = range.upperBound
    guard b > a else { throw .emptyInterval(lower: range.lowerBound, upper: b) }
    let u = source.uniform()
    if b == .infinity { return a - log1p(-u) / rate }
    let mass = -expm1(-rate * (b - a))
    return min(a - log1p(-u * mass) / rate, b)
  }
}
