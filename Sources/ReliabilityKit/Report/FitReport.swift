/// The JSON of `cposim fit --json`: candidate fits ranked by AIC, the Kaplan–Meier estimate and
/// median-rank points for probability plots, and a catalog block for the best fit.
public struct FitReport: Encodable, Sendable {
  public static let schemaVersion = 1

  public struct ParameterEstimate: Encodable, Sendable {
    public let estimate: Double
    public let ci95Low: FiniteOrNull
    public let ci95High: FiniteOrNull
  }

  public struct Candidate: Encodable, Sendable {
    public let distribution: String
    public let parameters: [String: ParameterEstimate]
    public let logLikelihood: Double
    public let aic: Double
    public let aicc: FiniteOrNull
    public let bic: Double
    public let converged: Bool
    public let catalogYaml: String
  }

  public struct KaplanMeier: Encodable, Sendable {
    public let timeHours: Double
    public let atRisk: Int
    public let failures: Int
    public let survival: Double
    public let ci95Low: Double
    public let ci95High: Double
  }

  public struct MedianRank: Encodable, Sendable {
    public let timeHours: Double
    public let unreliability: Double
  }

  public let schemaVersion = FitReport.schemaVersion
  public let toolVersion = ToolVersion.current
  public let file: String
  public let mode: Nullable<String>
  public let units: Int
  public let failures: Int
  public let censored: Int
  /// Candidates, best (lowest AIC) first.
  public let fits: [Candidate]
  public let best: String
  public let catalogYaml: String
  public let kaplanMeier: [KaplanMeier]
  public let medianRanks: [MedianRank]

  public init(file: String, mode: String?, failures: [Hours], censored: [Hours], fits: [MaximumLikelihood.Fit]) {
    self.file = file
    self.mode = Nullable(mode)
    units = failures.count + censored.count
    self.failures = failures.count
    self.censored = censored.count
    let ranked = fits.sorted { $0.aic < $1.aic }
    let label = "\(file)\(mode.map { " --mode \($0)" } ?? "") (n=\(units), failures=\(failures.count))"
    self.fits = ranked.map { fit in
      Candidate(
        distribution: fit.family.rawValue,
        parameters: Dictionary(uniqueKeysWithValues: fit.parameters.map {
          ($0.name, ParameterEstimate(estimate: $0.estimate, ci95Low: FiniteOrNull($0.ci95?.lowerBound ?? .nan),
                                      ci95High: FiniteOrNull($0.ci95?.upperBound ?? .nan)))
        }),
        logLikelihood: fit.logLikelihood, aic: fit.aic, aicc: FiniteOrNull(fit.aicc), bic: fit.bic, converged: fit.converged,
        catalogYaml: fit.catalogYAML(source: label))
    }
    best = ranked.first?.family.rawValue ?? ""
    catalogYaml = ranked.first?.catalogYAML(source: label) ?? ""
    kaplanMeier = NonParametric.kaplanMeier(failures: failures, censored: censored).map {
      KaplanMeier(timeHours: $0.timeHours, atRisk: $0.atRisk, failures: $0.failures, survival: $0.survival,
                  ci95Low: $0.ci95Low, ci95High: $0.ci95High)
    }
    medianRanks = NonParametric.medianRanks(failures: failures, censored: censored).map {
      MedianRank(timeHours: $0.timeHours, unreliability: $0.unreliability)
    }
  }
}
