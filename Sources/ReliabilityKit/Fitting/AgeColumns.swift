/// Ages read from a life-data or event log (`FieldLog`, `RecurrentLog`): a bare number of hours
/// or a duration with a unit (`1200h`, `2.5y`), written the same way down a column (a log that
/// mixes the two forms is more often a log with a unit slip than a log that means it).
struct AgeColumns {
  /// How the consistency rule is worded in a message: what was first, and what to do.
  struct Wording {
    /// "the column's first value" or "the first age of the log".
    let first: String
    /// "write every value of a column the same way".
    let advice: String
  }

  /// The form of the first non-zero value of each column (bare hours or a duration), and its line.
  private var forms: [String: (bare: Bool, line: Int)] = [:]
  let wording: Wording

  init(wording: Wording) { self.wording = wording }

  /// `text` as hours, or the message that says why not. `column` groups the fields that must
  /// share a form; `line` is the line being read. A zero is either form.
  mutating func hours(_ text: String, column: String, line: Int) -> Result<Hours, AgeError> {
    let bare = Double(text)
    let hours: Hours
    if let bare {
      guard bare.isFinite else { return .failure(AgeError("must be a finite number of hours or a duration such as 1200h or 2.5y (got '\(text)')")) }
      hours = bare
    } else {
      do { hours = try Units.hours(from: text) } catch {
        return .failure(AgeError("must be a number of hours or a duration such as 1200h or 2.5y: \(error.description)"))
      }
    }
    if hours != 0 {
      if let form = forms[column], form.bare != (bare != nil) {
        func name(_ isBare: Bool) -> String { isBare ? "a bare number of hours" : "a duration with a unit" }
        return .failure(AgeError("'\(text)' is \(name(bare != nil)), but \(wording.first) (line \(form.line)) is \(name(form.bare)); \(wording.advice)"))
      }
      if forms[column] == nil { forms[column] = (bare != nil, line) }
    }
    guard hours >= 0 else { return .failure(AgeError("must not be negative (got \(formatted(hours)) h)")) }
    return .success(hours)
  }

  /// A message about one age field.
  struct AgeError: Error {
    let message: String
    init(_ message: String) { self.message = message }
  }
}
