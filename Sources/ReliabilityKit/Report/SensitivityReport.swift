import Foundation

/// The JSON of `cposim sensitivity` (`"kind": "sensitivity"`, docs/report.md and
/// docs/sensitivity.md): B − A at central inputs and, per input, at its low and its high.
public struct SensitivityReport: Encodable, Sendable {
  /// The report's `schema_version`; bumped on any breaking change.
  public static let schemaVersion = 1

  /// An input's value as written and as a number in base units.
  public struct Value: Encodable, Sendable {
    /// Durations in hours, rates per hour, percentages as fractions, other numbers as written;
    /// null when the text is not a number.
    public let value: FiniteOrNull
    /// The value as written (`2600000h`); bounds that differ between the scenarios are both shown, baseline first, `|` between.
    public let text: String
  }

  /// One end of an input's range.
  public struct EndResult: Encodable, Sendable {
    /// The end's value in base units (as ``Value``'s); null when not a number.
    public let value: FiniteOrNull
    /// The end as written.
    public let text: String
    /// B − A with the input at this end, paired over trials.
    public let difference: Estimate
  }

  /// One input moved over its range, with B − A at each end.
  public struct InputEntry: Encodable, Sendable {
    /// The input's scenario key path.
    public let keyPath: String
    /// `catalog`, `scenario` (a scenario's `ranges`) or `uncertain`.
    public let origin: String
    /// The input's provenance: `sourced: KEY`, `calibrated: TARGET`, `estimate` or `unstated` (plus `uncertain: SHAPE`); null when unknown.
    public let provenance: String?
    /// Where the range is written.
    public let file: String
    /// The line where the range is written, or null.
    public let line: Int?
    /// The scenarios the input moves (a key only one scenario has moves only that one).
    public let moves: [String]
    /// The input's central value.
    public let central: Value
    /// B − A with the input at the low end of its range.
    public let low: EndResult
    /// B − A with the input at the high end of its range.
    public let high: EndResult
    /// |mean B − A at high − mean B − A at low|.
    public let swing: FiniteOrNull
    /// Whether B − A at the low or the high has the opposite sign of the central B − A.
    public let flips: Bool
    /// With `--posterior`: `posterior` (the range is the posterior's 5-95 %) or `prior-only`.
    public let evidence: String?
  }

  /// The inference JSON whose ranges were used (`--posterior`), if any.
  public var posterior: String?

  /// `sensitivity`.
  public let kind = "sensitivity"
  /// The report's `schema_version`.
  public let schemaVersion = SensitivityReport.schemaVersion
  /// Scenario A's name.
  public let baseline: String
  /// Scenario B's name.
  public let alternative: String
  /// The metric B − A is of (a ``TrialMetrics`` name, `total_cost_usd_per_year` by default).
  public let metric: String
  /// B − A with every input at its central value.
  public let central: Estimate
  /// The inputs reported, largest swing first.
  public let inputs: [InputEntry]
  /// How many inputs were moved (`inputs` holds the `--top` largest of them).
  public let inputsMoved: Int
  /// How many of the inputs moved can flip the verdict.
  public let inputsFlipping: Int
  /// One sentence: which input moves B − A most, and how many can flip the verdict.
  public let verdict: String
  /// What made the report: the tool, its build, the generator, the seed, the trials and each scenario's files.
  public let provenance: ComparisonReport.ComparisonProvenance

  /// The report of a sensitivity run.
  /// - Parameters:
  ///   - r: the run's result.
  ///   - top: how many inputs to keep, largest swing first (nil: all).
  public init(_ r: Sensitivity.Result, top: Int? = nil) {
    baseline = r.baseline.name
    alternative = r.alternative.name
    metric = r.metric
    central = r.central
    let names = [r.baseline.name, r.alternative.name]
    inputs = r.inputs.prefix(top ?? r.inputs.count).map { i in
      let shown = i.input.shown
      func text(_ pick: (Sensitivity.Bounds) -> String) -> String {
        // Bounds that differ between the scenarios are shown as both, baseline first.
        var texts: [String] = []
        for text in i.input.bounds.compactMap({ $0.map(pick) }) where !texts.contains(text) { texts.append(text) }
        return texts.joined(separator: " | ")
      }
      return InputEntry(
        keyPath: i.input.keyPath, origin: i.input.origin.rawValue, provenance: i.input.provenance, file: i.input.file, line: i.input.line,
        moves: zip(names, i.input.bounds).filter { $0.1 != nil }.map(\.0),
        central: Value(value: FiniteOrNull(Self.number(shown.central)), text: text(\.central)),
        low: EndResult(value: FiniteOrNull(Self.number(shown.low)), text: text(\.low), difference: i.low),
        high: EndResult(value: FiniteOrNull(Self.number(shown.high)), text: text(\.high), difference: i.high),
        swing: FiniteOrNull(i.swing), flips: i.flips, evidence: i.input.evidence)
    }
    inputsMoved = r.inputs.count
    inputsFlipping = r.inputs.filter(\.flips).count
    verdict = Self.verdict(r)
    provenance = ComparisonReport.ComparisonProvenance(
      toolVersion: ToolVersion.current, gslVersion: ToolVersion.gsl, generator: RandomSource.generatorName, seed: r.seed,
      trials: r.trials, blockSize: TrialBlocks.size, commonRandomNumbers: true,
      scenarioFiles: Dictionary([r.baseline, r.alternative].map {
        ($0.name, RunReport.hashes($0.files + ($0.catalogFile.map { [$0] } ?? [])))
      }, uniquingKeysWith: { a, _ in a }))
  }

  /// A value as written, as a number in base units: durations in hours, rates per hour,
  /// percentages as fractions, plain numbers as they are; NaN when it is none of these.
  static func number(_ text: String) -> Double {
    if let hours = try? Units.hours(from: text) { return hours }
    if let rate = try? Units.ratePerHour(from: text) { return rate }
    let (number, unit) = Units.splitNumber(text.trimmingWhitespace())
    guard let value = number.flatMap(Double.init) else { return .nan }
    switch unit {
    case "": return value
    case "%": return value / 100
    default: return .nan
    }
  }

  /// One sentence: B − A at central inputs, the input that moves it most, how many can flip it.
  static func verdict(_ r: Sensitivity.Result) -> String {
    let c = r.central
    // Money per year reads as `−$1.66M` after the metric's words; other units keep their own.
    let unit = c.unit == "usd_per_year" ? "usd" : c.unit
    let f = { (x: Double) in Quantity.format(x, unit: unit, metric: r.metric, signed: true) }
    var s = "\(r.alternative.name) vs \(r.baseline.name): \(Quantity.words(r.metric)) B − A \(f(c.mean.value)) at central inputs"
    if c.ci95Low.value.isFinite, c.ci95High.value.isFinite { s += " (95% CI \(f(c.ci95Low.value)) .. \(f(c.ci95High.value)))" }
    if let top = r.inputs.first {
      s += "; \(top.input.keyPath) moves it most (\(f(top.low.mean.value)) at \(top.input.shown.low), "
        + "\(f(top.high.mean.value)) at \(top.input.shown.high))"
    }
    let flipping = r.inputs.filter(\.flips).count
    s += flipping == 0 ? "; no input flips its sign" : "; \(flipping) of \(r.inputs.count) inputs can flip its sign"
    return s
  }
}
