/// The JSON of `cposim fit --json`: candidate fits ranked by AIC (converged only) with Fisher and
/// likelihood-ratio intervals, B-lives and AFRs, goodness of fit, the fits that did not converge,
/// the non-parametric estimate and the points for probability plots, and the catalog block.
/// Schema version 2 (docs/fitting.md describes every key).
public struct FitReport: Encodable, Sendable {
  public static let schemaVersion = 2

  public struct ValueWithIntervals: Encodable, Sendable {
    public let estimate: FiniteOrNull
    public let fisherCi95Low: FiniteOrNull
    public let fisherCi95High: FiniteOrNull
    public let lrCi95Low: FiniteOrNull
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

  public struct AFR: Encodable, Sendable {
    public let ageHours: Double
    public let percentPerYear: ValueWithIntervals
  }

  public struct AndersonDarling: Encodable, Sendable {
    public let statistic: FiniteOrNull
    public let complete: Bool
    public let critical5Percent: FiniteOrNull
    public let rejectedAt5Percent: Nullable<Bool>
  }

  public struct Candidate: Encodable, Sendable {
    public let distribution: String
    public let parameters: [String: ValueWithIntervals]
    public let bLives: [String: ValueWithIntervals]
    public let afr: [AFR]
    public let logLikelihood: Double
    public let aic: Double
    public let deltaAic: Double
    public let aicc: FiniteOrNull
    public let bic: Double
    public let andersonDarling: Nullable<AndersonDarling>
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

  public struct NotConverged: Encodable, Sendable {
    public let distribution: String
    public let problem: String
  }

  public struct Unfitted: Encodable, Sendable {
    public let distribution: String
    public let reason: String
  }

  public struct LikelihoodRatioTest: Encodable, Sendable {
    public let statistic: Double
    public let pValue: Double
    public let weibullShape: Double
  }

  public struct IgnoringEntry: Encodable, Sendable {
    public let distribution: String
    public let parameters: [String: FiniteOrNull]
    public let logLikelihoodIgnoringEntry: Double
  }

  public struct KaplanMeier: Encodable, Sendable {
    public let timeHours: Double
    public let atRisk: Int
    public let failures: Int
    public let survival: Double
    public let ci95Low: Double
    public let ci95High: Double
  }

  public struct Step: Encodable, Sendable {
    public let lowerHours: Double
    public let upperHours: FiniteOrNull
    public let mass: Double
    public let cdf: Double
  }

  public struct MedianRank: Encodable, Sendable {
    public let timeHours: Double
    public let unreliability: Double
  }

  /// A failure known only within (after, before]: drawn as a segment at its plotting position,
  /// the mean of the non-parametric CDF at its two ends.
  public struct IntervalPoint: Encodable, Sendable {
    public let afterHours: Double
    public let beforeHours: Double
    public let leftCensored: Bool
    public let unreliability: Double
  }

  /// The fits of one failure mode (`--by-mode`).
  public struct ModeFits: Encodable, Sendable {
    public let mode: String
    public let failures: Int
    public let fits: [Candidate]
    public let notConverged: [NotConverged]
    public let unfitted: [Unfitted]
    public let best: Nullable<String>
    public let weibullVsExponential: Nullable<LikelihoodRatioTest>
  }

  public let schemaVersion = FitReport.schemaVersion
  public let toolVersion = ToolVersion.current
  public let buildCommit = ToolVersion.commit
  public let file: String
  public let mode: Nullable<String>
  public let bounds: String
  public let units: Int
  /// All failures, exact and interval.
  public let failures: Int
  public let exactFailures: Int
  public let intervalFailures: Int
  public let leftCensored: Int
  public let censored: Int
  public let delayedEntries: Int
  /// Converged candidates, best (lowest AIC) first.
  public let fits: [Candidate]
  public let notConverged: [NotConverged]
  public let unfitted: [Unfitted]
  public let best: Nullable<String>
  public let catalogYaml: Nullable<String>
  public let weibullVsExponential: Nullable<LikelihoodRatioTest>
  public let ignoringEntry: Nullable<IgnoringEntry>
  public let kaplanMeier: [KaplanMeier]
  public let nonparametricCdf: [Step]
  public let medianRanks: [MedianRank]
  public let intervalPoints: [IntervalPoint]
  public let modes: [ModeFits]?
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
