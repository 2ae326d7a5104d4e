/// Where an input's value comes from (docs/inputs.md): every default in FailureData/ and in the
/// shipped scenarios is sourced, calibrated, or an estimate with a range and a reason.
public enum InputProvenance: Sendable, Hashable {
  /// Taken from a source: a section key of FailureData/SOURCES.md.
  case sourced(key: String)
  /// Fitted so that the model reproduces `target` (a published or observed figure), on `date`.
  case calibrated(target: String, date: String)
  /// A judgement, with the reason for the value; it needs a low/high range.
  case estimate(reason: String)
  /// A scenario value whose file states no provenance.
  case unstated

  /// `sourced`, `calibrated`, `estimate` or `unstated`.
  public var className: String {
    switch self {
    case .sourced: "sourced"
    case .calibrated: "calibrated"
    case .estimate: "estimate"
    case .unstated: "unstated"
    }
  }
}
