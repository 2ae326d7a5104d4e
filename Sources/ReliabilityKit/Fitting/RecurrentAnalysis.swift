import Foundation

/// Everything `cposim recurrent` computes from a log of recurrent events: the MCF, the trend
/// tests, the NHPP fits ranked by AIC with their likelihood-ratio tests against a constant rate,
/// the ROCOF by age, the lemon candidates, the optimal replacement age, and each mode's power law
/// for the part catalog (fitted without the lemon candidates).
public struct RecurrentAnalysis: Sendable {
  /// What to compute and with which settings.
  public struct Options: Sendable {
    /// Ages at which to give the fitted intensity and MCF.
    public var ages: [Hours]
    /// Age bands of the non-parametric ROCOF.
    public var bands: Int
    /// Corrective over preventive cost, for the replacement age; nil: not computed.
    public var costRatio: Double?
    /// Benjamini–Hochberg false discovery rate of the lemon screen.
    public var falseDiscoveryRate: Double

    /// Options with the CLI's defaults: no extra ages, 10 bands, no replacement age, a 5 % false discovery rate.
    public init(ages: [Hours] = [], bands: Int = 10, costRatio: Double? = nil, falseDiscoveryRate: Double = 0.05) {
      self.ages = ages
      self.bands = bands
      self.costRatio = costRatio
      self.falseDiscoveryRate = falseDiscoveryRate
    }
  }

  /// A fitted model's likelihood-ratio test against the constant rate (β = 1, γ = 0; χ² with 1 df).
  public struct VersusConstant: Sendable {
    /// The model tested.
    public let model: IntensityModel
    /// 2 (ln L − ln L of the constant rate), χ² with 1 degree of freedom under the null.
    public let statistic: Double
    /// P(χ²₁ > statistic).
    public let pValue: Double
  }

  /// The optimal age-replacement of one model (minimal repair between replacements).
  public struct Replacement: Sendable {
    /// The model.
    public let model: IntensityModel
    /// The sum of each mode's power law (fitted without the lemon candidates), not one model of
    /// every event.
    public var sumOfModes = false
    /// The age and its intervals; nil when the model's intensity does not rise.
    public let age: IntensityFit.Estimate?
    /// Long-run cost per unit-hour at that age, in preventive replacements.
    public let costPerUnitHour: Double?
    /// Why there is no age, or nil.
    public let reason: String?
  }

  /// One mode's fits, on the units not flagged as lemon candidates.
  public struct ModeFits: Sendable {
    /// The mode, or nil when the log names none.
    public let mode: String?
    /// The mode's events on the units fitted.
    public let events: Int
    /// Lemon candidates left out.
    public let unitsLeftOut: Int
    /// Converged fits, lowest AIC first.
    public let fits: [IntensityFit]
    /// Fits that did not converge.
    public let notConverged: [IntensityFit]
    /// Models that could not be fitted, and why.
    public let unfitted: [(model: IntensityModel, reason: String)]
    /// The converged power law, if any (the catalog's distribution for the mode).
    public var powerLaw: IntensityFit? { fits.first { $0.model == .powerLaw } }
    /// The lowest-AIC fit, if any.
    public var best: IntensityFit? { fits.first }
  }

  /// A share of units with every mode running `multiplier` times as fast (the flagged lemons),
  /// for the catalog's `bad_lot`.
  public struct BadLot: Sendable {
    /// Share (0..1) of the units flagged.
    public let fraction: Double
    /// Their events over what the modes' power laws expect of them, Σ nᵢ / Σ μᵢ.
    public let multiplier: Double
    /// Units flagged.
    public let units: Int
  }

  /// The options the analysis ran with.
  public let options: Options
  /// The units' windows and event ages analysed (of the mode and class selected).
  public let data: RecurrentData
  /// The non-parametric MCF at every event age.
  public let mcf: [MeanCumulativeFunction.Point]
  /// Laplace, MIL-HDBK-189 and Lewis–Robinson.
  public let trends: [TrendTests.Result]
  /// Converged fits, lowest AIC first.
  public let fits: [IntensityFit]
  /// Fits that did not converge.
  public let notConverged: [IntensityFit]
  /// Models that could not be fitted, and why.
  public let unfitted: [(model: IntensityModel, reason: String)]
  /// Each converged model's likelihood-ratio test against the constant rate.
  public let versusConstant: [VersusConstant]
  /// The ROCOF by age band.
  public let rocof: [RateByAge.Band]
  /// The lemon screen against the best fit; nil with fewer than two units or no converged fit.
  public let lemons: LemonScreen?
  /// The replacement age of each non-constant model (the sum of the modes first, with several modes); empty without a cost ratio.
  public private(set) var replacement: [Replacement]
  /// Each mode's fits without the lemon candidates.
  public let byMode: [ModeFits]
  /// The lemon candidates as a bad lot; nil when none were flagged or a mode's power law did not fit.
  public let badLot: BadLot?

  /// The lowest-AIC fit, if any.
  public var best: IntensityFit? { fits.first }

  /// - Parameters:
  ///   - log: the event log.
  ///   - mode: count only this mode's events (all when nil).
  ///   - unitClass: only the units of this class (all when nil).
  ///   - options: which fits and tests to run and their settings (``Options``).
  public init(log: RecurrentLog, mode: String? = nil, unitClass: String? = nil, options: Options = .init()) {
    self.options = options
    let data = log.data(mode: mode, unitClass: unitClass)
    self.data = data
    mcf = MeanCumulativeFunction.estimate(data)
    trends = TrendTests.all(data)
    let all = Self.fitAll(data, ages: options.ages)
    fits = all.fits
    notConverged = all.notConverged
    unfitted = all.unfitted
    if let hpp = fits.first(where: { $0.model == .hpp }) {
      versusConstant = fits.filter { $0.model != .hpp }.map { fit in
        let statistic = max(0, 2 * (fit.logLikelihood - hpp.logLikelihood))
        return VersusConstant(model: fit.model, statistic: statistic, pValue: GSL.chiSquaredQ(statistic, degreesOfFreedom: 1))
      }
    } else {
      versusConstant = []
    }
    rocof = RateByAge.bands(data, count: options.bands)
    let lemons = fits.first.flatMap { data.units.count >= 2 ? LemonScreen(data: data, fit: $0, falseDiscoveryRate: options.falseDiscoveryRate) : nil }
    self.lemons = lemons
    if let r = options.costRatio {
      replacement = fits.filter { $0.model != .hpp }.map { fit in
        if let result = fit.replacementAge(costRatio: r) {
          return Replacement(model: fit.model, age: result.age, costPerUnitHour: result.costPerUnitHour, reason: nil)
        }
        let shape = fit.model == .powerLaw ? "β = \(Self.short(fit.parameter("beta") ?? .nan)) ≤ 1" : "γ ≤ 0"
        return Replacement(model: fit.model, age: nil, costPerUnitHour: nil,
                           reason: "the intensity does not rise (\(shape)): replacing before failure only adds cost; repair on failure")
      }
    } else {
      replacement = []
    }
    let flagged = Set(lemons?.flagged.map(\.id) ?? [])
    let modes: [String?] = mode.map { [$0] } ?? (log.modes.isEmpty ? [nil] : log.modes.map { $0 })
    byMode = modes.map { m in
      let d = log.data(mode: m, unitClass: unitClass, excluding: flagged)
      let result = Self.fitAll(d, ages: [], models: [.powerLaw, .logLinear, .hpp])
      return ModeFits(mode: m, events: d.eventCount, unitsLeftOut: flagged.count, fits: result.fits, notConverged: result.notConverged,
                      unfitted: result.unfitted)
    }
    // The flagged units as a bad lot: the common multiplier of the healthy modes' intensity that
    // best explains their counts (Σ n_i / Σ μ_i, the MLE of a common factor).
    if !flagged.isEmpty, byMode.allSatisfy({ $0.powerLaw != nil }) {
      var observed = 0, expected = 0.0
      for unit in data.units where flagged.contains(unit.id) {
        observed += unit.events.count
        expected += byMode.reduce(0) { $0 + ($1.powerLaw?.expectedEvents(from: unit.entry, to: unit.exit) ?? 0) }
      }
      badLot = expected > 0 ? BadLot(fraction: Double(flagged.count) / Double(data.units.count), multiplier: Double(observed) / expected,
                                     units: flagged.count) : nil
    } else {
      badLot = nil
    }
    // With several modes, the unit's intensity is the sum of the modes' power laws: its
    // replacement age comes first.
    if let r = options.costRatio, byMode.count > 1 {
      let fits = byMode.compactMap(\.powerLaw)
      if fits.count == byMode.count, let result = IntensityFit.replacementAge(sumOf: fits, costRatio: r) {
        self.replacement.insert(Replacement(model: .powerLaw, sumOfModes: true, age: result.age, costPerUnitHour: result.costPerUnitHour, reason: nil), at: 0)
      } else {
        self.replacement.insert(Replacement(model: .powerLaw, sumOfModes: true, age: nil, costPerUnitHour: nil,
                                       reason: "the modes' power laws do not give a rising intensity (or one did not fit)"), at: 0)
      }
    }
  }

  static func fitAll(_ data: RecurrentData, ages: [Hours], models: [IntensityModel] = IntensityModel.allCases)
    -> (fits: [IntensityFit], notConverged: [IntensityFit], unfitted: [(model: IntensityModel, reason: String)]) {
    var fits: [IntensityFit] = [], notConverged: [IntensityFit] = [], unfitted: [(IntensityModel, String)] = []
    for model in models {
      do {
        let fit = try IntensityFit.fit(model, data: data, ages: ages)
        if fit.converged { fits.append(fit) } else { notConverged.append(fit) }
      } catch {
        unfitted.append((model, error.description))
      }
    }
    fits.sort { $0.aic < $1.aic }
    return (fits, notConverged, unfitted)
  }

  static func short(_ x: Double) -> String { String(format: "%.4g", x) }
}
