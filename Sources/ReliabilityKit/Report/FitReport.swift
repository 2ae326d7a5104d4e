/// The JSON of `cposim fit --json`: candidate fits ranked by AIC (converged only) with Fisher and
/// likelihood-ratio intervals, B-lives and AFRs, goodness of fit, the fits that did not converge,
/// the non-parametric estimate and the points for probability plots, and the catalog block.
/// Schema version 2 (docs/fitting.md describes every key).
public struct FitReport: Encodable, Sendable {
  /// The report's `schema_version`; bumped on any breaking change.
  public static let schemaVersion = 2

  /// An estimate with its 95 % intervals; an end is null when not computed (`--bounds`) or not bounded by the data.
  public struct ValueWithIntervals: Encodable, Sendable {
    /// The maximum-likelihood value (hours for scales and lives, % per year for an AFR).
    public let estimate: FiniteOrNull
    /// Lower end of the Fisher (Wald) 95 % interval, by the delta method on the log scale for derived quantities.
    public let fisherCi95Low: FiniteOrNull
    /// Upper end of the Fisher 95 % interval.
    public let fisherCi95High: FiniteOrNull
    /// Lower end of the profile-likelihood-ratio 95 % interval.
    public let lrCi95Low: FiniteOrNull
    /// Upper end of the likelihood-ratio 95 % interval.
    public let lrCi95High: FiniteOrNull

    init(_ e: MaximumLikelihood.Estimate, bounds: FitAnalysis.Bounds) {
      estimate = FiniteOrNull(e.estimate)
      let fisher = bounds.fisher ? e.fisher : nil, lr = bounds.lr ? e.lr : nil
      fisherCi95Low = FiniteOrNull(fisher?.lower ?? .nan)
      fisherCi95High = FiniteOrNull(fisher?.upper ?? .nan)
      lrCi95Low = FiniteOrNull(lr?.lower ?? .nan)
      lrCi95High = FiniteOrNull(lr?.upper ?? .nan)
    }
  }

  /// The annualised failure rate at one age (`--afr-at`).
  public struct AFR: Encodable, Sendable {
    /// The age, in hours.
    public let ageHours: Double
    /// The hazard at that age as an AFR, 8760 h × 100 × h(t), in percent per year.
    public let percentPerYear: ValueWithIntervals
  }

  /// The Anderson–Darling statistic of a fit (adjusted for censoring, truncation and inspections).
  public struct AndersonDarling: Encodable, Sendable {
    /// A² against the non-parametric estimate; lower is closer.
    public let statistic: FiniteOrNull
    /// Whether every unit failed at a known age and was observed from new (the classical A²).
    public let complete: Bool
    /// The 5 % critical value (Stephens' tables), null where no table applies (incomplete data, gamma).
    public let critical5Percent: FiniteOrNull
    /// Whether A² exceeds the critical value; null without one.
    public let rejectedAt5Percent: Nullable<Bool>
  }

  /// One converged distribution fit.
  public struct Candidate: Encodable, Sendable {
    /// `weibull`, `lognormal`, `exponential` or `gamma`.
    public let distribution: String
    /// Parameters by name: `shape`, `scale_hours` (Weibull, gamma); `mu`, `sigma`, `median_hours` (lognormal); `rate_per_hour`, `mtbf_hours` (exponential).
    public let parameters: [String: ValueWithIntervals]
    /// `b1_hours` and `b10_hours`: the ages by which 1 % and 10 % have failed.
    public let bLives: [String: ValueWithIntervals]
    /// The AFR at each `--afr-at` age.
    public let afr: [AFR]
    /// The maximised log-likelihood, with times in hours.
    public let logLikelihood: Double
    /// Akaike's information criterion, 2k − 2 ln L.
    public let aic: Double
    /// AIC minus the best candidate's AIC (0 for the best).
    public let deltaAic: Double
    /// AIC with the small-sample correction 2k(k+1)/(n−k−1) (n units); null when n ≤ k + 1.
    public let aicc: FiniteOrNull
    /// Bayesian information criterion, k ln n − 2 ln L (n units).
    public let bic: Double
    /// Goodness of fit, or null when it cannot be computed.
    public let andersonDarling: Nullable<AndersonDarling>
    /// The fit as a catalog `distribution:` block.
    public let catalogYaml: String

    init(_ candidate: FitAnalysis.Candidate, bounds: FitAnalysis.Bounds, label: String) {
      let fit = candidate.fit
      distribution = fit.family.rawValue
      parameters = Dictionary(fit.parameters.map { ($0.name, ValueWithIntervals($0, bounds: bounds)) }, uniquingKeysWith: { a, _ in a })
      bLives = Dictionary(fit.derived.filter { $0.ageHours == nil }.map { ($0.name, ValueWithIntervals($0, bounds: bounds)) },
                          uniquingKeysWith: { a, _ in a })
      afr = fit.derived.compactMap { e in e.ageHours.map { AFR(ageHours: $0, percentPerYear: ValueWithIntervals(e, bounds: bounds)) } }
      logLikelihood = fit.logLikelihood
      aic = fit.aic
      deltaAic = candidate.deltaAIC
      aicc = FiniteOrNull(fit.aicc)
      bic = fit.bic
      andersonDarling = Nullable(candidate.andersonDarling.map {
        AndersonDarling(statistic: FiniteOrNull($0.statistic), complete: $0.complete, critical5Percent: FiniteOrNull($0.critical5 ?? .nan),
                        rejectedAt5Percent: Nullable($0.rejectedAt5Percent))
      })
      catalogYaml = fit.catalogYAML(source: label) ?? ""
    }
  }

  /// A family whose fit did not converge.
  public struct NotConverged: Encodable, Sendable {
    /// The family.
    public let distribution: String
    /// What went wrong, in words.
    public let problem: String
  }

  /// A family that could not be fitted at all.
  public struct Unfitted: Encodable, Sendable {
    /// The family.
    public let distribution: String
    /// Why (too few failures, no time on test).
    public let reason: String
  }

  /// The likelihood-ratio test of a constant hazard: Weibull against exponential.
  public struct LikelihoodRatioTest: Encodable, Sendable {
    /// 2 (ln L of the Weibull − ln L of the exponential), χ² with 1 degree of freedom under a constant hazard.
    public let statistic: Double
    /// P(χ²₁ > statistic).
    public let pValue: Double
    /// The fitted Weibull shape.
    public let weibullShape: Double
  }

  /// The best family fitted again with entry ages ignored (data with delayed entry): what ignoring truncation would give.
  public struct IgnoringEntry: Encodable, Sendable {
    /// The family.
    public let distribution: String
    /// Its parameters by name, point estimates only.
    public let parameters: [String: FiniteOrNull]
    /// Its maximised log-likelihood on the data without entry ages.
    public let logLikelihoodIgnoringEntry: Double
  }

  /// One step of the Kaplan–Meier estimate (data without inspections).
  public struct KaplanMeier: Encodable, Sendable {
    /// The failure age, in hours.
    public let timeHours: Double
    /// Units under observation just before it.
    public let atRisk: Int
    /// Failures at that age.
    public let failures: Int
    /// The estimated survival just after it, 0..1.
    public let survival: Double
    /// Lower end of its 95 % interval (Greenwood's variance, linear, clipped at 0).
    public let ci95Low: Double
    /// Upper end of its 95 % interval (clipped at 1).
    public let ci95High: Double
  }

  /// One step of the non-parametric CDF (Kaplan–Meier, or Turnbull's NPMLE with inspections).
  public struct Step: Encodable, Sendable {
    /// Where the step's probability mass begins, in hours.
    public let lowerHours: Double
    /// Where it ends, in hours; null beyond the last age.
    public let upperHours: FiniteOrNull
    /// The probability mass in (lower, upper].
    public let mass: Double
    /// The CDF after the step, 0..1.
    public let cdf: Double
  }

  /// A plotting position for a probability plot (data without delayed entry or inspections).
  public struct MedianRank: Encodable, Sendable {
    /// The failure age, in hours.
    public let timeHours: Double
    /// Benard's median rank (j − 0.3)/(n + 0.4) with Johnson's adjusted rank j for censoring, 0..1.
    public let unreliability: Double
  }

  /// A failure known only within (after, before]: drawn as a segment at its plotting position,
  /// the mean of the non-parametric CDF at its two ends.
  public struct IntervalPoint: Encodable, Sendable {
    /// Last age known working, in hours (0 for a left-censored failure).
    public let afterHours: Double
    /// First age known failed, in hours.
    public let beforeHours: Double
    /// Whether the failure is known only to be before `before_hours`.
    public let leftCensored: Bool
    /// The plotting position, 0..1.
    public let unreliability: Double
  }

  /// The fits of one failure mode (`--by-mode`).
  public struct ModeFits: Encodable, Sendable {
    /// The mode.
    public let mode: String
    /// Its failures.
    public let failures: Int
    /// Converged candidates, lowest AIC first.
    public let fits: [Candidate]
    /// Families that did not converge.
    public let notConverged: [NotConverged]
    /// Families that could not be fitted.
    public let unfitted: [Unfitted]
    /// The lowest-AIC family, or null.
    public let best: Nullable<String>
    /// Weibull against exponential, or null when either did not converge.
    public let weibullVsExponential: Nullable<LikelihoodRatioTest>
  }

  /// The report's `schema_version`.
  public let schemaVersion = FitReport.schemaVersion
  /// cposim's version.
  public let toolVersion = ToolVersion.current
  /// The git commit of the build that wrote the report.
  public let buildCommit = ToolVersion.commit
  /// The log, as named on the command line.
  public let file: String
  /// The mode fitted (`--mode`), or null.
  public let mode: Nullable<String>
  /// The intervals computed: `lr`, `fisher` or `both`.
  public let bounds: String
  /// Units in the log (of the mode fitted).
  public let units: Int
  /// All failures, exact and interval.
  public let failures: Int
  /// Failures at a known age.
  public let exactFailures: Int
  /// Failures known only within an inspection interval (left-censored ones included).
  public let intervalFailures: Int
  /// Failures known only to be before an age.
  public let leftCensored: Int
  /// Units still working at their last age (right-censored).
  public let censored: Int
  /// Units first observed after age 0.
  public let delayedEntries: Int
  /// Converged candidates, best (lowest AIC) first.
  public let fits: [Candidate]
  /// Families that did not converge.
  public let notConverged: [NotConverged]
  /// Families that could not be fitted.
  public let unfitted: [Unfitted]
  /// The lowest-AIC family, or null when none converged.
  public let best: Nullable<String>
  /// The best fit as a catalog block, or null.
  public let catalogYaml: Nullable<String>
  /// Weibull against exponential, or null when either did not converge.
  public let weibullVsExponential: Nullable<LikelihoodRatioTest>
  /// With delayed entry, the best family fitted with entry ignored; null otherwise.
  public let ignoringEntry: Nullable<IgnoringEntry>
  /// The Kaplan–Meier estimate; empty with inspections.
  public let kaplanMeier: [KaplanMeier]
  /// The non-parametric CDF, step by step.
  public let nonparametricCdf: [Step]
  /// Median ranks; empty with delayed entry or inspections.
  public let medianRanks: [MedianRank]
  /// Failures known within an interval, with their plotting positions.
  public let intervalPoints: [IntervalPoint]
  /// With `--by-mode`, each mode's fits; absent otherwise.
  public let modes: [ModeFits]?
  /// With `--by-mode`, the catalog part block; null otherwise.
  public let partYaml: Nullable<String>

  /// - Parameters:
  ///   - file: the log as the user named it.
  ///   - mode: the one mode fitted, if any.
  ///   - analysis: the fits of the data (one mode's data, with `mode`).
  ///   - modes: with `--by-mode`, each mode's analysis, and the part block.
  ///   - partYAML: the catalog part block written from the fits (`--by-mode`), if any.
  public init(file: String, mode: String?, analysis: FitAnalysis, modes: [(mode: String, analysis: FitAnalysis)]? = nil, partYAML: String? = nil) {
    self.file = file
    self.mode = Nullable(mode)
    let data = analysis.data
    bounds = analysis.bounds.rawValue
    units = data.count
    failures = data.failures
    exactFailures = data.exactFailures
    intervalFailures = data.intervalFailures
    leftCensored = data.leftCensored
    censored = data.rightCensored
    delayedEntries = data.delayedEntries
    let label = Self.label(file: file, mode: mode, data: data)
    fits = analysis.ranked.map { Candidate($0, bounds: analysis.bounds, label: label) }
    notConverged = analysis.notConverged.map { NotConverged(distribution: $0.family.rawValue, problem: $0.problem ?? "") }
    unfitted = analysis.unfitted.map { Unfitted(distribution: $0.family.rawValue, reason: $0.reason) }
    best = Nullable(analysis.best?.fit.family.rawValue)
    catalogYaml = Nullable(analysis.best?.fit.catalogYAML(source: label))
    weibullVsExponential = Nullable(analysis.weibullVsExponential.map(Self.test))
    ignoringEntry = Nullable(analysis.ignoringEntry.map { fit in
      IgnoringEntry(distribution: fit.family.rawValue,
                    parameters: Dictionary(fit.parameters.map { ($0.name, FiniteOrNull($0.estimate)) }, uniquingKeysWith: { a, _ in a }),
                    logLikelihoodIgnoringEntry: fit.logLikelihood)
    })
    kaplanMeier = data.intervalFailures == 0 ? NonParametric.kaplanMeier(data).map {
      KaplanMeier(timeHours: $0.timeHours, atRisk: $0.atRisk, failures: $0.failures, survival: $0.survival,
                  ci95Low: $0.ci95Low, ci95High: $0.ci95High)
    } : []
    let steps = analysis.cdfEstimate
    nonparametricCdf = steps.map { Step(lowerHours: $0.lowerHours, upperHours: FiniteOrNull($0.upperHours), mass: $0.mass, cdf: $0.cdf) }
    if data.intervalFailures == 0, data.delayedEntries == 0 {
      var failures: [Hours] = [], censored: [Hours] = []
      for o in data.observations {
        if case let .failed(t) = o.outcome { failures.append(t) } else { censored.append(o.interval.lower) }
      }
      medianRanks = NonParametric.medianRanks(failures: failures, censored: censored).map {
        MedianRank(timeHours: $0.timeHours, unreliability: $0.unreliability)
      }
    } else {
      medianRanks = []
    }
    func cdf(at t: Double) -> Double { steps.last { $0.upperHours <= t }?.cdf ?? 0 }
    intervalPoints = data.observations.compactMap { o in
      switch o.outcome {
      case .failedBetween, .failedBefore:
        let (l, u) = o.interval
        let left: Bool = if case .failedBefore = o.outcome { true } else { false }
        return IntervalPoint(afterHours: l, beforeHours: u, leftCensored: left, unreliability: (cdf(at: l) + cdf(at: u)) / 2)
      default: return nil
      }
    }
    self.modes = modes?.map { entry in
      let a = entry.analysis
      return ModeFits(mode: entry.mode, failures: a.data.failures,
                      fits: a.ranked.map { Candidate($0, bounds: a.bounds, label: Self.label(file: file, mode: entry.mode, data: a.data)) },
                      notConverged: a.notConverged.map { NotConverged(distribution: $0.family.rawValue, problem: $0.problem ?? "") },
                      unfitted: a.unfitted.map { Unfitted(distribution: $0.family.rawValue, reason: $0.reason) },
                      best: Nullable(a.best?.fit.family.rawValue),
                      weibullVsExponential: Nullable(a.weibullVsExponential.map(Self.test)))
    }
    partYaml = Nullable(partYAML)
  }

  static func test(_ t: GoodnessOfFit.LikelihoodRatioTest) -> LikelihoodRatioTest {
    LikelihoodRatioTest(statistic: t.statistic, pValue: t.pValue, weibullShape: t.shape)
  }

  /// How the catalog comment names the data: file, mode and counts.
  public static func label(file: String, mode: String?, data: LifeData) -> String {
    var text = ModeCatalog.printable(file) + (mode.map { " --mode \(ModeCatalog.printable($0))" } ?? "")
    text += " (n=\(data.count), failures=\(data.failures)"
    if data.intervalFailures > 0 { text += ", \(data.intervalFailures) at inspections" }
    if data.delayedEntries > 0 { text += ", \(data.delayedEntries) delayed entries" }
    return text + ")"
  }
}
