/// What fleets have observed, as evidence items (Evidence/README.md, docs/inference.md).
///
/// A file holds the items of one fleet and source: published figures (Llama 3's interruption
/// counts, Alibaba's link failure rate) or an operator's own telemetry ("12 NIC-link failures in
/// 13 weeks on 4,096 links"). `cposim recurrent --evidence` writes the same format.
public struct EvidenceFile: Sendable, Hashable {
  /// The file as the user named it (or as it was found in a folder).
  public var file: String
  /// The fleet the observations come from.
  public var fleet: String
  /// The source key (FailureData/SOURCES.md, or `operator-telemetry`).
  public var source: String
  /// The file's items, in file order.
  public var items: [EvidenceItem]

  /// A file of `items`, all from `fleet` and `source`.
  public init(file: String, fleet: String, source: String, items: [EvidenceItem]) {
    self.file = file
    self.fleet = fleet
    self.source = source
    self.items = items
  }
}

/// One observation: what was counted, over what exposure, what was seen and how uncertain it is.
public struct EvidenceItem: Sendable, Hashable {
  /// What the item counts, and so how the model predicts it.
  public enum Measure: Sendable, Hashable {
    /// Failures of a catalog part's mode (`mode` nil: every hard mode of the part), `perUnit`
    /// parts in each unit of exposure. Predicted analytically: rate × perUnit × unit-hours, the
    /// rate of a mode being 1 / its mean time to failure (exact for the exponential, the
    /// long-run renewal rate otherwise).
    case failures(part: String, mode: String?, perUnit: Double)
    /// Events whose rate is a scenario input itself (`jobs[0].background_rate`), `perUnit` per
    /// unit of exposure. Predicted analytically.
    case inputRate(keyPath: String, perUnit: Double)
    /// A count metric of a report (`job_interruptions_switch_and_cable`) over a scenario's
    /// horizon. Predicted by simulating the scenario: the metric's mean over the trials.
    case metric(String)
    /// A metric seen beyond a value once (`job_ettr > 0.9`) over a scenario's horizon.
    /// Predicted by simulating the scenario: the share of trials in which it holds.
    case threshold(Threshold)
  }

  /// What the measure was observed over.
  public enum Exposure: Sendable, Hashable {
    /// Unit-hours (links × hours, node-hours, port-hours).
    case unitHours(Double)
    /// A scenario to simulate (its horizon is the observation period); a path as written in the
    /// evidence file, resolved against the file's folder.
    case scenario(path: String, resolved: String)
  }

  /// What was seen.
  public enum Observed: Sendable, Hashable {
    /// A count of events (0 is a zero-failure bound: a likelihood, not a point).
    case count(Int)
    /// A published rate per unit-hour with its 90 % range (low, value, high), for figures that
    /// give no count (an MTBF, a share of a fleet); it enters by a lognormal likelihood.
    case rate(perUnitHour: Double, low: Double, high: Double)
    /// The threshold held.
    case held
  }

  /// The item's name, unique among the items read.
  public var name: String
  /// What was counted.
  public var measure: Measure
  /// What it was observed over; nil for a rate item that gives none.
  public var exposure: Exposure?
  /// What was seen.
  public var observed: Observed
  /// The spread of this fleet's true rate around the model's, as a coefficient of variation
  /// (0: none beyond the count's Poisson noise). A count then enters by a negative binomial
  /// likelihood (a Poisson whose mean varies by a gamma of that CV).
  public var spread: Double
  /// The source key (the file's unless the item names its own).
  public var source: String
  /// The fleet the item was observed on.
  public var fleet: String
  /// A remark on the item, or nil.
  public var note: String?
  /// `from` and `to` as written, or nil.
  public var window: (from: String, to: String)?
  /// Where the item is written.
  public var file: String
  /// The line where it is written, or nil.
  public var line: Int?

  /// An item with every field; `spread` 0 is Poisson, `file` and `line` say where it is written.
  public init(name: String, measure: Measure, exposure: Exposure?, observed: Observed, spread: Double = 0, source: String,
              fleet: String, note: String? = nil, window: (from: String, to: String)? = nil, file: String = "", line: Int? = nil) {
    self.name = name
    self.measure = measure
    self.exposure = exposure
    self.observed = observed
    self.spread = spread
    self.source = source
    self.fleet = fleet
    self.note = note
    self.window = window
    self.file = file
    self.line = line
  }

  /// Whether the model predicts the item without simulating (analytic items).
  public var isAnalytic: Bool {
    switch measure {
    case .failures, .inputRate: true
    case .metric, .threshold: false
    }
  }

  /// The scenario the item's exposure simulates, if any.
  public var exposureScenario: String? {
    if case let .scenario(_, resolved)? = exposure { return resolved }
    return nil
  }

  /// What the item counts, in words (`pluggable-800g (hard modes) x2`, `job_ettr > 0.9`).
  public var measureText: String {
    func times(_ n: Double) -> String { n == 1 ? "" : " x\(WrittenNumber(value: n, suffix: "").text)" }
    switch measure {
    case let .failures(part, mode, perUnit): return "\(part).\(mode ?? "(hard modes)")\(times(perUnit))"
    case let .inputRate(keyPath, perUnit): return "\(keyPath)\(times(perUnit))"
    case let .metric(name): return name
    case let .threshold(t): return t.text
    }
  }

  /// What was seen, in words (`35`, `0`, `1.818e-06/h (90%: 1e-06 .. 2e-06)`, `held`).
  public var observedText: String {
    switch observed {
    case let .count(k): return "\(k)"
    case let .rate(v, low, high): return String(format: "%.4g/h (90%%: %.4g .. %.4g)", v, low, high)
    case .held: return "held"
    }
  }

  public static func == (a: EvidenceItem, b: EvidenceItem) -> Bool {
    a.name == b.name && a.measure == b.measure && a.exposure == b.exposure && a.observed == b.observed && a.spread == b.spread
      && a.source == b.source && a.fleet == b.fleet && a.note == b.note && a.window?.from == b.window?.from
      && a.window?.to == b.window?.to && a.file == b.file && a.line == b.line
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(name)
    hasher.combine(file)
    hasher.combine(line)
  }
}
