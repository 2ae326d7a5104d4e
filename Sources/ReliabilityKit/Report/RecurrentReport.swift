import Foundation

/// The JSON of `cposim recurrent --json` (kind `recurrent`, schema version 1): the log's counts,
/// the trend tests, the NHPP fits with their intervals, the MCF with its band, the ROCOF by age,
/// the lemon screen, the replacement age, each mode's fits, the catalog block and the evidence.
/// `schemas/recurrent.schema.json` is the contract; docs/fitting.md describes every key.
public struct RecurrentReport: Encodable, Sendable {
  public static let schemaVersion = 1

  public struct Value: Encodable, Sendable {
    public let estimate: FiniteOrNull
    public let fisherCi95Low: FiniteOrNull
    public let fisherCi95High: FiniteOrNull
    public let lrCi95Low: FiniteOrNull
    public let lrCi95High: FiniteOrNull

    init(_ e: IntensityFit.Estimate) {
      estimate = FiniteOrNull(e.estimate)
      fisherCi95Low = FiniteOrNull(e.fisher?.lower ?? .nan)
      fisherCi95High = FiniteOrNull(e.fisher?.upper ?? .nan)
      lrCi95Low = FiniteOrNull(e.lr?.lower ?? .nan)
      lrCi95High = FiniteOrNull(e.lr?.upper ?? .nan)
    }
  }

  public struct AgeValue: Encodable, Sendable {
    public let ageHours: Double
    public let value: Value
  }

  /// The fitted curves at one age, for charts: Λ(t) − Λ(a₀) (a₀ the youngest entry, where the
  /// non-parametric MCF starts) and ρ(t).
  public struct CurvePoint: Encodable, Sendable {
    public let ageHours: Double
    public let mcf: Double
    public let perUnitHour: Double
  }

  public struct Fit: Encodable, Sendable {
    public let model: String
    public let logLikelihood: Double
    public let aic: Double
    public let deltaAic: Double
    public let parameters: [String: Value]
    /// ρ(t) per unit-hour.
    public let intensity: [AgeValue]
    /// Λ(t): expected events by age t from new.
    public let mcf: [AgeValue]
    public let betaUnbiased: FiniteOrNull
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

  public struct Problem: Encodable, Sendable {
    public let model: String
    public let problem: String
  }

  public struct Trend: Encodable, Sendable {
    public let test: String
    public let statistic: Double
    public let degreesOfFreedom: Nullable<Int>
    public let pValue: Double
    public let direction: String
    public let events: Int
    public let caution: Nullable<String>
  }

  public struct VersusConstant: Encodable, Sendable {
    public let model: String
    public let statistic: Double
    public let pValue: Double
  }

  public struct MCFPoint: Encodable, Sendable {
    public let timeHours: Double
    public let atRisk: Int
    public let events: Int
    public let mcf: Double
    public let variance: Double
    public let varianceNelson: Double
    public let ci95Low: Double
    public let ci95High: Double
  }

  public struct Band: Encodable, Sendable {
    public let fromHours: Double
    public let toHours: Double
    public let events: Int
    public let exposureUnitHours: Double
    public let perUnitHour: Double
    public let ci95Low: Double
    public let ci95High: Double
  }

  public struct UnitCount: Encodable, Sendable {
    public let unit: String
    public let unitClass: Nullable<String>
    public let events: Int
    public let expected: Double
    public let pValue: Double
    public let qValue: Double
    public let flagged: Bool
  }

  public struct Lemons: Encodable, Sendable {
    public let model: String
    public let test: String
    public let falseDiscoveryRate: Double
    public let flagged: Int
    public let units: [UnitCount]
  }

  public struct ReplacementModel: Encodable, Sendable {
    public let model: String
    public let ageHours: Nullable<Value>
    public let costPerUnitHour: FiniteOrNull
    public let reason: Nullable<String>
  }

  public struct Replacement: Encodable, Sendable {
    public let costRatio: Double
    public let models: [ReplacementModel]
  }

  public struct ModeFits: Encodable, Sendable {
    public let mode: Nullable<String>
    public let events: Int
    public let unitsLeftOut: Int
    public let fits: [Fit]
    public let notConverged: [Problem]
    public let unfitted: [Problem]
    public let best: Nullable<String>
  }

  public struct BadLot: Encodable, Sendable {
    public let fraction: Double
    public let multiplier: Double
    public let units: Int
  }

  public struct ModeCount: Encodable, Sendable {
    public let mode: String
    public let events: Int
  }

  public struct ClassCount: Encodable, Sendable {
    public let unitClass: String
    public let units: Int
    public let events: Int
  }

  public struct AgeRange: Encodable, Sendable {
    public let low: Double
    public let high: Double
  }

  public let kind = "recurrent"
  public let schemaVersion = RecurrentReport.schemaVersion
  public let toolVersion = ToolVersion.current
  public let buildCommit = ToolVersion.commit
  public let file: String
  public let mode: Nullable<String>
  public let unitClass: Nullable<String>
  /// `ages`, `installed` (timestamps, ages from installation) or `entered` (timestamps, ages from entry).
  public let clock: String
  public let units: Int
  public let events: Int
  public let exposureUnitHours: Double
  public let ageRangeHours: AgeRange
  public let delayedEntries: Int
  public let failureTruncatedUnits: Int
  public let modes: [ModeCount]
  public let classes: [ClassCount]
  public let trendTests: [Trend]
  public let fits: [Fit]
  public let notConverged: [Problem]
  public let unfitted: [Problem]
  public let best: Nullable<String>
  public let versusConstantRate: [VersusConstant]
  public let meanCumulativeFunction: [MCFPoint]
  public let rocof: [Band]
  public let lemons: Nullable<Lemons>
  public let replacement: Nullable<Replacement>
  public let byMode: [ModeFits]
  public let badLot: Nullable<BadLot>
  public let partYaml: String
  public let evidenceYaml: Nullable<String>

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
