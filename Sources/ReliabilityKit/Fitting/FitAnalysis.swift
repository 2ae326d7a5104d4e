import Foundation

/// Everything `cposim fit` reports about one set of life data: candidate fits ranked by AIC
/// (converged ones only), the fits that did not converge and why, intervals, goodness of fit,
/// the constant-hazard test and the non-parametric estimate.
public struct FitAnalysis: Sendable {
  /// Which 95 % intervals to compute and report.
  public enum Bounds: String, Sendable, CaseIterable {
    /// Likelihood-ratio (profile likelihood) intervals.
    case lr
    /// Fisher (Wald) intervals from the observed information.
    case fisher
    /// Both, side by side.
    case both

    /// Whether likelihood-ratio intervals are computed.
    public var lr: Bool { self != .fisher }
    /// Whether Fisher intervals are computed.
    public var fisher: Bool { self != .lr }
  }

  /// A converged fit with its goodness of fit.
  public struct Candidate: Sendable {
    /// The fit.
    public let fit: MaximumLikelihood.Fit
    /// Its Anderson–Darling statistic, or nil when it cannot be computed.
    public let andersonDarling: GoodnessOfFit.AndersonDarling?
    /// AIC minus the best AIC.
    public let deltaAIC: Double
  }

  /// The data fitted.
  public let data: LifeData
  /// The intervals computed.
  public let bounds: Bounds
  /// Converged fits, best (lowest AIC) first.
  public let ranked: [Candidate]
  /// Fits that did not converge: never ranked, never printed as a result.
  public let notConverged: [MaximumLikelihood.Fit]
  /// Families that could not be fitted at all, with the reason (too few failures).
  public let unfitted: [(family: MaximumLikelihood.Family, reason: String)]
  /// The likelihood-ratio test of a constant hazard (Weibull against exponential); nil unless the Weibull converged and an exponential fit did.
  public let weibullVsExponential: GoodnessOfFit.LikelihoodRatioTest?
  /// The best family fitted with entry ages ignored, when the data have delayed entry.
  public let ignoringEntry: MaximumLikelihood.Fit?
  /// The non-parametric estimate of the CDF (Kaplan–Meier, or Turnbull's with inspections).
  public let cdfEstimate: [NonParametric.Step]

  /// The lowest-AIC candidate, if any converged.
  public var best: Candidate? { ranked.first }

  /// Fits every family in `families` to `data`.
  /// - Throws: `MaximumLikelihood.FitError.noFailures` when no unit failed.
  public init(data: LifeData, families: [MaximumLikelihood.Family] = MaximumLikelihood.Family.allCases, bounds: Bounds = .both,
              afrAges: [Hours] = []) throws(MaximumLikelihood.FitError) {
    self.data = data
    self.bounds = bounds
    guard data.failures > 0 else { throw .noFailures(censored: data.count) }
    var fits: [MaximumLikelihood.Fit] = []
    var unfitted: [(MaximumLikelihood.Family, String)] = []
    for family in families {
      do { fits.append(try MaximumLikelihood.fit(family, data: data, afrAges: afrAges)) } catch {
        unfitted.append((family, error.description))
      }
    }
    let converged = fits.filter(\.converged).sorted { $0.aic < $1.aic }
    notConverged = fits.filter { !$0.converged }
    self.unfitted = unfitted
    let bestAIC = converged.first?.aic ?? 0
    let estimate = NonParametric.cdfEstimate(data)
    cdfEstimate = estimate
    ranked = converged.map { fit in
      Candidate(fit: bounds.lr ? ProfileLikelihood.withIntervals(fit) : fit,
                andersonDarling: GoodnessOfFit.andersonDarling(fit, data: data, estimate: estimate), deltaAIC: fit.aic - bestAIC)
    }
    if let weibull = converged.first(where: { $0.family == .weibull }) {
      let exponential = converged.first { $0.family == .exponential } ?? (try? MaximumLikelihood.fit(.exponential, data: data))
      weibullVsExponential = exponential.flatMap { GoodnessOfFit.weibullAgainstExponential(weibull: weibull, exponential: $0) }
    } else {
      weibullVsExponential = nil
    }
    if data.delayedEntries > 0, let best = converged.first,
       let naive = try? MaximumLikelihood.fit(best.family, data: data.ignoringEntry), naive.converged {
      ignoringEntry = naive
    } else {
      ignoringEntry = nil
    }
  }
}
