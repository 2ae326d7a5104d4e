import Foundation

/// The JSON of `cposim recurrent --json` (kind `recurrent`, schema version 1): the log's counts,
/// the trend tests, the NHPP fits with their intervals, the MCF with its band, the ROCOF by age,
/// the lemon screen, the replacement age, each mode's fits, the catalog block and the evidence.
/// `schemas/recurrent.schema.json` is the contract; docs/fitting.md describes every key.
public struct RecurrentReport: Encodable, Sendable {
  /// The report's `schema_version`; bumped on any breaking change.
  public static let schemaVersion = 1

  /// An estimate with its 95 % intervals, Fisher (Wald) and likelihood-ratio; null where not computed or where the data do not bound an end.
  public struct Value: Encodable, Sendable {
    /// The maximum-likelihood estimate.
    public let estimate: FiniteOrNull
    /// Lower end of the Fisher (Wald, delta-method) 95 % interval.
    public let fisherCi95Low: FiniteOrNull
    /// Upper end of the Fisher 95 % interval.
    public let fisherCi95High: FiniteOrNull
    /// Lower end of the profile-likelihood-ratio 95 % interval.
    public let lrCi95Low: FiniteOrNull
    /// Upper end of the likelihood-ratio 95 % interval.
    public let lrCi95High: FiniteOrNull

    init(_ e: IntensityFit.Estimate) {
      estimate = FiniteOrNull(e.estimate)
      fisherCi95Low = FiniteOrNull(e.fisher?.lower ?? .nan)
      fisherCi95High = FiniteOrNull(e.fisher?.upper ?? .nan)
      lrCi95Low = FiniteOrNull(e.lr?.lower ?? .nan)
      lrCi95High = FiniteOrNull(e.lr?.upper ?? .nan)
    }
  }

  /// A fitted quantity at one of the `--at` ages.
  public struct AgeValue: Encodable, Sendable {
    /// The age, in hours from new.
    public let ageHours: Double
    /// The quantity at that age, with its intervals.
    public let value: Value
  }

  /// The fitted curves at one age, for charts: Λ(t) − Λ(a₀) (a₀ the youngest entry, where the
  /// non-parametric MCF starts) and ρ(t).
  public struct CurvePoint: Encodable, Sendable {
    /// The age, in hours from new.
    public let ageHours: Double
    /// Λ(t) − Λ(a₀): expected events per unit between the youngest entry age and this age.
    public let mcf: Double
    /// ρ(t): the fitted intensity, events per unit-hour.
    public let perUnitHour: Double
  }

  /// One fitted NHPP (minimal-repair) model of the events by age.
  public struct Fit: Encodable, Sendable {
    /// `power_law`, `log_linear` or `hpp` (constant rate).
    public let model: String
    /// The maximised log-likelihood, with ages in hours.
    public let logLikelihood: Double
    /// Akaike's information criterion, 2k − 2 ln L.
    public let aic: Double
    /// AIC minus the best model's AIC (0 for the best).
    public let deltaAic: Double
    /// Parameters by name: `beta`, `eta_hours`, `lambda` (power law); `alpha`, `gamma_per_hour` (log-linear); `rate_per_unit_hour` (constant rate).
    public let parameters: [String: Value]
    /// ρ(t) per unit-hour.
    public let intensity: [AgeValue]
    /// Λ(t): expected events by age t from new.
    public let mcf: [AgeValue]
    /// Crow's small-sample correction of β where it has a simple form ((N−1)/N·β̂ or (N−2)/N·β̂); null elsewhere.
    public let betaUnbiased: FiniteOrNull
    /// Up to 41 evenly spaced ages from the youngest entry to the oldest exit (ages above 0), for charts.
    public let curve: [CurvePoint]

    init(_ fit: IntensityFit, bestAIC: Double, range: ClosedRange<Double>) {
      model = fit.model.rawValue
      logLikelihood = fit.logLikelihood
      aic = fit.aic
      deltaAic = fit.aic - bestAIC
      parameters = Dictionary(fit.parameters.map { ($0.name, Value($0)) }, uniquingKeysWith: { a, _ in a })
      intensity = fit.intensity.map { AgeValue(ageHours: $0.ageHours ?? .nan, value: Value($0)) }
      mcf = fit.mcf.map { AgeValue(ageHours: $0.ageHours ?? .nan, value: Value($0)) }
      betaUnbiased = FiniteOrNull(fit.betaUnbiased ?? .nan)
      let a0 = range.lowerBound
      curve = range.upperBound > a0 ? (0...40).compactMap { k in
        let t = a0 + (range.upperBound - a0) * Double(k) / 40
        guard t > 0, let rho = fit.intensity(at: t) else { return nil }
        return CurvePoint(ageHours: t, mcf: fit.expectedEvents(from: a0, to: t), perUnitHour: rho)
      } : []
    }
  }

  /// A model that did not converge or could not be fitted, and why.
  public struct Problem: Encodable, Sendable {
    /// The model's name.
    public let model: String
    /// What went wrong, in words.
    public let problem: String
  }

  /// One trend test of the null hypothesis of a constant rate shared by every unit.
  public struct Trend: Encodable, Sendable {
    /// `laplace`, `mil_hdbk_189` or `lewis_robinson`.
    public let test: String
    /// The test statistic (N(0, 1) for Laplace and Lewis–Robinson, χ² for MIL-HDBK-189).
    public let statistic: Double
    /// χ² degrees of freedom (2N) for MIL-HDBK-189; null for the others.
    public let degreesOfFreedom: Nullable<Int>
    /// Two-sided p-value.
    public let pValue: Double
    /// `rising`, `falling` or `none` (at 5 %).
    public let direction: String
    /// Events the test counted (a failure-truncated unit's last event is not).
    public let events: Int
    /// Why the p-value may mislead on this log (Lewis–Robinson with fewer than about 10 events a unit), or null.
    public let caution: Nullable<String>
  }

  /// A model's likelihood-ratio test against the constant rate (β = 1, γ = 0).
  public struct VersusConstant: Encodable, Sendable {
    /// The model tested.
    public let model: String
    /// 2 (ln L − ln L of the constant rate), χ² with 1 degree of freedom under the null.
    public let statistic: Double
    /// Its p-value.
    public let pValue: Double
  }

  /// The non-parametric mean cumulative function at one event age.
  public struct MCFPoint: Encodable, Sendable {
    /// The age, in hours.
    public let timeHours: Double
    /// Units under observation at that age.
    public let atRisk: Int
    /// Events at that age.
    public let events: Int
    /// Nelson–Aalen MCF: expected events per unit by this age.
    public let mcf: Double
    /// Lawless–Nadeau robust variance of the MCF (the band's).
    public let variance: Double
    /// Nelson's incremental variance (as ReliaSoft and Python `reliability` compute it; too small when units differ).
    public let varianceNelson: Double
    /// Lower end of the 95 % band, MCF × exp(−1.96 √variance / MCF).
    public let ci95Low: Double
    /// Upper end of the 95 % band, MCF × exp(+1.96 √variance / MCF).
    public let ci95High: Double
  }

  /// The non-parametric rate of occurrence of failures over one age band.
  public struct Band: Encodable, Sendable {
    /// The band's youngest age, in hours.
    public let fromHours: Double
    /// The band's oldest age, in hours.
    public let toHours: Double
    /// Events in the band.
    public let events: Int
    /// Unit-hours observed in the band.
    public let exposureUnitHours: Double
    /// `events` / `exposure_unit_hours`: events per unit-hour.
    public let perUnitHour: Double
    /// Lower end of the exact Poisson 95 % interval, per unit-hour.
    public let ci95Low: Double
    /// Upper end of the exact Poisson 95 % interval, per unit-hour.
    public let ci95High: Double
  }

  /// One unit in the lemon screen.
  public struct UnitCount: Encodable, Sendable {
    /// The unit's id.
    public let unit: String
    /// The unit's class, or null.
    public let unitClass: Nullable<String>
    /// Events the unit had.
    public let events: Int
    /// Events the fleet fit expects over the unit's window, Λ(exit) − Λ(entry).
    public let expected: Double
    /// One-sided Poisson p-value of a count this high or higher.
    public let pValue: Double
    /// Benjamini–Hochberg adjusted p-value.
    public let qValue: Double
    /// Whether the q-value is at or below the false discovery rate (a lemon candidate).
    public let flagged: Bool
  }

  /// The lemon screen: units with more events than the fleet fit explains.
  public struct Lemons: Encodable, Sendable {
    /// The fleet model the counts are tested against (the best fit).
    public let model: String
    /// The test, in words.
    public let test: String
    /// The Benjamini–Hochberg false discovery rate (`--fdr`).
    public let falseDiscoveryRate: Double
    /// Units flagged.
    public let flagged: Int
    /// Every unit, smallest p first.
    public let units: [UnitCount]
  }

  /// The optimal age-replacement (Barlow–Hunter, minimal repair) of one model.
  public struct ReplacementModel: Encodable, Sendable {
    /// `power_law_sum_of_modes` (each mode's power law summed; Fisher interval only), `power_law` or `log_linear`.
    public let model: String
    /// The replacement age, in hours, with its intervals; null when the intensity does not rise.
    public let ageHours: Nullable<Value>
    /// Long-run cost per unit-hour at that age, in preventive replacements: (1 + R Λ(T*))/T*.
    public let costPerUnitHour: FiniteOrNull
    /// Why there is no age, or null.
    public let reason: Nullable<String>
  }

  /// The replacement age for a stated cost ratio (`--cost-ratio`).
  public struct Replacement: Encodable, Sendable {
    /// Corrective over preventive cost, R.
    public let costRatio: Double
    /// Each model's replacement age, the sum of the modes first when there are several modes.
    public let models: [ReplacementModel]
  }

  /// One mode's fits, on the units not flagged as lemon candidates (the catalog's modes).
  public struct ModeFits: Encodable, Sendable {
    /// The mode, or null when the log names none.
    public let mode: Nullable<String>
    /// The mode's events on the units fitted.
    public let events: Int
    /// Lemon candidates left out of the fit.
    public let unitsLeftOut: Int
    /// Converged fits, lowest AIC first.
    public let fits: [Fit]
    /// Models that did not converge.
    public let notConverged: [Problem]
    /// Models that could not be fitted, and why.
    public let unfitted: [Problem]
    /// The lowest-AIC model, or null when none converged.
    public let best: Nullable<String>
  }

  /// The lemon candidates as the catalog's bad lot.
  public struct BadLot: Encodable, Sendable {
    /// Share (0..1) of the units flagged.
    public let fraction: Double
    /// Their events over the events the modes' power laws expect of them (the MLE of a common factor).
    public let multiplier: Double
    /// Units flagged.
    public let units: Int
  }

  /// Events of one mode.
  public struct ModeCount: Encodable, Sendable {
    /// The mode as the log names it.
    public let mode: String
    /// Its events on the selected units.
    public let events: Int
  }

  /// Units and events of one unit class.
  public struct ClassCount: Encodable, Sendable {
    /// The class as the log names it.
    public let unitClass: String
    /// Units of the class.
    public let units: Int
    /// Their events (of `--mode` when given).
    public let events: Int
  }

  /// Youngest and oldest observed ages.
  public struct AgeRange: Encodable, Sendable {
    /// The youngest entry age, in hours.
    public let low: Double
    /// The oldest exit age, in hours.
    public let high: Double
  }

  /// `recurrent`.
  public let kind = "recurrent"
  /// The report's `schema_version`.
  public let schemaVersion = RecurrentReport.schemaVersion
  /// cposim's version.
  public let toolVersion = ToolVersion.current
  /// The git commit of the build that wrote the report.
  public let buildCommit = ToolVersion.commit
  /// The log, as named on the command line.
  public let file: String
  /// The mode counted (`--mode`), or null for every event.
  public let mode: Nullable<String>
  /// The unit class analysed (`--class`), or null for every unit.
  public let unitClass: Nullable<String>
  /// `ages`, `installed` (timestamps, ages from installation) or `entered` (timestamps, ages from entry).
  public let clock: String
  /// Units analysed.
  public let units: Int
  /// Events analysed.
  public let events: Int
  /// Unit-hours observed, Σ (exit − entry).
  public let exposureUnitHours: Double
  /// The ages observed, in hours.
  public let ageRangeHours: AgeRange
  /// Units first observed after age 0.
  public let delayedEntries: Int
  /// Units whose observation ends at an event.
  public let failureTruncatedUnits: Int
  /// Events by mode.
  public let modes: [ModeCount]
  /// Units and events by unit class.
  public let classes: [ClassCount]
  /// Laplace, MIL-HDBK-189 and Lewis–Robinson.
  public let trendTests: [Trend]
  /// Converged fits, lowest AIC first.
  public let fits: [Fit]
  /// Models that did not converge.
  public let notConverged: [Problem]
  /// Models that could not be fitted, and why.
  public let unfitted: [Problem]
  /// The lowest-AIC model, or null.
  public let best: Nullable<String>
  /// Each model's likelihood-ratio test against the constant rate.
  public let versusConstantRate: [VersusConstant]
  /// The MCF at every event age.
  public let meanCumulativeFunction: [MCFPoint]
  /// The ROCOF by age band (`--bands`).
  public let rocof: [Band]
  /// The lemon screen; null with fewer than two units or no converged fit.
  public let lemons: Nullable<Lemons>
  /// The replacement age; null without `--cost-ratio`.
  public let replacement: Nullable<Replacement>
  /// Each mode's fits without the lemon candidates.
  public let byMode: [ModeFits]
  /// The lemon candidates as a bad lot; null when none were flagged or a mode's power law did not fit.
  public let badLot: Nullable<BadLot>
  /// The catalog block of the part, each mode's power law.
  public let partYaml: String
  /// The evidence items (`--evidence`), or null.
  public let evidenceYaml: Nullable<String>

  /// The report of `analysis`, made from `log` (read from `file`) with `mode` and `unitClass` as selected; `partYAML` is the catalog block, `evidence` the evidence items or nil.
  public init(file: String, log: RecurrentLog, mode: String?, unitClass: String?, analysis a: RecurrentAnalysis,
              partYAML: String, evidence: RecurrentEvidence?) {
    self.file = file
    self.mode = Nullable(mode)
    self.unitClass = Nullable(unitClass)
    clock = log.clock.rawValue
    let data = a.data
    units = data.units.count
    events = data.eventCount
    exposureUnitHours = data.exposure
    ageRangeHours = AgeRange(low: data.ageRange.lowerBound, high: data.ageRange.upperBound)
    delayedEntries = data.delayedEntries
    failureTruncatedUnits = data.failureTruncatedUnits
    let selected = log.units.filter { unitClass == nil || $0.unitClass == unitClass }
    modes = log.modes.map { m in ModeCount(mode: m, events: selected.reduce(0) { $0 + $1.events.count { $0.mode == m } }) }
    classes = log.classes.map { c in
      let members = log.units.filter { $0.unitClass == c }
      return ClassCount(unitClass: c, units: members.count, events: members.reduce(0) { $0 + $1.events.count { mode == nil || $0.mode == mode } })
    }
    trendTests = a.trends.map {
      Trend(test: $0.kind.rawValue, statistic: $0.statistic, degreesOfFreedom: Nullable($0.degreesOfFreedom), pValue: $0.pValue,
            direction: $0.direction.rawValue, events: $0.events, caution: Nullable($0.caution))
    }
    let bestAIC = a.best?.aic ?? 0
    fits = a.fits.map { Fit($0, bestAIC: bestAIC, range: data.ageRange) }
    notConverged = a.notConverged.map { Problem(model: $0.model.rawValue, problem: $0.problem ?? "") }
    unfitted = a.unfitted.map { Problem(model: $0.model.rawValue, problem: $0.reason) }
    best = Nullable(a.best?.model.rawValue)
    versusConstantRate = a.versusConstant.map { VersusConstant(model: $0.model.rawValue, statistic: $0.statistic, pValue: $0.pValue) }
    meanCumulativeFunction = a.mcf.map {
      MCFPoint(timeHours: $0.timeHours, atRisk: $0.atRisk, events: $0.events, mcf: $0.mcf, variance: $0.variance,
               varianceNelson: $0.varianceNelson, ci95Low: $0.ci95Low, ci95High: $0.ci95High)
    }
    rocof = a.rocof.map {
      Band(fromHours: $0.fromHours, toHours: $0.toHours, events: $0.events, exposureUnitHours: $0.exposureUnitHours,
           perUnitHour: $0.perUnitHour, ci95Low: $0.ci95Low, ci95High: $0.ci95High)
    }
    let classOf = Dictionary(log.units.map { ($0.id, $0.unitClass) }, uniquingKeysWith: { a, _ in a })
    lemons = Nullable(a.lemons.map { screen in
      Lemons(model: screen.model.rawValue,
             test: "one-sided Poisson test of each unit's count against the fleet fit, Benjamini-Hochberg",
             falseDiscoveryRate: screen.falseDiscoveryRate, flagged: screen.flagged.count,
             units: screen.units.map {
               UnitCount(unit: $0.id, unitClass: Nullable(classOf[$0.id] ?? nil), events: $0.events, expected: $0.expected,
                         pValue: $0.pValue, qValue: $0.qValue, flagged: $0.flagged)
             })
    })
    replacement = Nullable(a.options.costRatio.map { r in
      Replacement(costRatio: r, models: a.replacement.map {
        ReplacementModel(model: $0.sumOfModes ? "power_law_sum_of_modes" : $0.model.rawValue, ageHours: Nullable($0.age.map(Value.init)),
                         costPerUnitHour: FiniteOrNull($0.costPerUnitHour ?? .nan), reason: Nullable($0.reason))
      })
    })
    byMode = a.byMode.map { m in
      let bestAIC = m.best?.aic ?? 0
      return ModeFits(mode: Nullable(m.mode), events: m.events, unitsLeftOut: m.unitsLeftOut, fits: m.fits.map { Fit($0, bestAIC: bestAIC, range: data.ageRange) },
                      notConverged: m.notConverged.map { Problem(model: $0.model.rawValue, problem: $0.problem ?? "") },
                      unfitted: m.unfitted.map { Problem(model: $0.model.rawValue, problem: $0.reason) },
                      best: Nullable(m.best?.model.rawValue))
    }
    badLot = Nullable(a.badLot.map { BadLot(fraction: $0.fraction, multiplier: $0.multiplier, units: $0.units) })
    partYaml = partYAML
    evidenceYaml = Nullable(evidence?.yaml)
  }
}
