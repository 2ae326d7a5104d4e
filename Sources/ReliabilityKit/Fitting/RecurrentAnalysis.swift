import Foundation

/// Everything `cposim recurrent` computes from a log of recurrent events: the MCF, the trend
/// tests, the NHPP fits ranked by AIC with their likelihood-ratio tests against a constant rate,
/// the ROCOF by age, the lemon candidates, the optimal replacement age, and each mode's power law
/// for the part catalog (fitted without the lemon candidates).
public struct RecurrentAnalysis: Sendable {
  public struct Options: Sendable {
    /// Ages at which to give the fitted intensity and MCF.
    public var ages: [Hours]
    /// Age bands of the non-parametric ROCOF.
    public var bands: Int
    /// Corrective over preventive cost, for the replacement age; nil: not computed.
    public var costRatio: Double?
    /// Benjamini–Hochberg false discovery rate of the lemon screen.
    public var falseDiscoveryRate: Double

    public init(ages: [Hours] = [], bands: Int = 10, costRatio: Double? = nil, falseDiscoveryRate: Double = 0.05) {
      self.ages = ages
      self.bands = bands
      self.costRatio = costRatio
      self.falseDiscoveryRate = falseDiscoveryRate
    }
  }

  /// A fitted model's likelihood-ratio test against the constant rate (β = 1, γ = 0; χ² with 1 df).
  public struct VersusConstant: Sendable {
    public let model: IntensityModel
    public let statistic: Double
    public let pValue: Double
  }

  public struct Replacement: Sendable {
    public let model: IntensityModel
    /// The sum of each mode's power law (fitted without the lemon candidates), not one model of
    /// every event.
    public var sumOfModes = false
    /// The age and its intervals; nil when the model's intensity does not rise.
    public let age: IntensityFit.Estimate?
    /// Long-run cost per unit-hour at that age, in preventive replacements.
    public let costPerUnitHour: Double?
    public let reason: String?
  }

  /// One mode's fits, on the units not flagged as lemon candidates.
  public struct ModeFits: Sendable {
    public let mode: String?
    public let events: Int
    public let unitsLeftOut: Int
    public let fits: [IntensityFit]
    public let notConverged: [IntensityFit]
    public let unfitted: [(model: IntensityModel, reason: String)]
    public var powerLaw: IntensityFit? { fits.first { $0.model == .powerLaw } }
    public var best: IntensityFit? { fits.first }
  }

  /// A share of units with every mode running `multiplier` times as fast (the flagged lemons),
  /// for the catalog's `bad_lot`.
  public struct BadLot: Sendable {
    public let fraction: Double
    public let multiplier: Double
    public let units: Int
  }

  public let options: Options
  public let data: RecurrentData
  public let mcf: [MeanCumulativeFunction.Point]
  public let trends: [TrendTests.Result]
  /// Converged fits, lowest AIC first.
  public let fits: [IntensityFit]
  public let notConverged: [IntensityFit]
  public let unfitted: [(model: IntensityModel, reason: String)]
  public let versusConstant: [VersusConstant]
  public let rocof: [RateByAge.Band]
  public let lemons: LemonScreen?
  public private(set) var replacement: [Replacement]
  public let byMode: [ModeFits]
  public let badLot: BadLot?

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
