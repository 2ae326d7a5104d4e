import Foundation

/// The shape of what the HTML renderer reads from a report: the type of every field it uses.
/// A report cposim wrote always has it; one edited by hand (or by a script gone wrong) may not,
/// and is refused with the field named, as `merge` refuses a tampered part, instead of being
/// drawn as an empty page with exit 0. Fields that are absent or null are allowed (they skip
/// their chart), and fields the renderer does not read are not checked.
indirect enum ReportShape: Sendable {
  /// A number (null allowed, as cposim writes for undefined statistics).
  case number
  /// A whole number.
  case integer
  case string
  case boolean
  case anything
  /// An object whose named fields have these shapes (others, when given, the shape `others`).
  case record([String: ReportShape], others: ReportShape? = nil)
  /// An object whose every member has the shape.
  case map(ReportShape)
  case list(ReportShape)
  /// One shape or the other.
  case either(ReportShape, ReportShape)

  /// A field that does not have its shape: where, what belongs there, and what is there.
  struct Mismatch: Error, Equatable {
    let path: String
    let expected: String
    let found: String
  }

  /// Checks `json` against the shape; `path` names it in the mismatch.
  func check(_ json: ReportJSON, at path: String = "") throws(Mismatch) {
    if json.isNull { return }
    func fail() -> Mismatch { Mismatch(path: path, expected: expected, found: Self.name(of: json)) }
    switch self {
    case .anything: return
    case .number: guard json.double != nil || Self.isNumber(json) else { throw fail() }
    case .integer: guard json.int != nil else { throw fail() }
    case .string: guard json.string != nil else { throw fail() }
    case .boolean: guard json.bool != nil else { throw fail() }
    case let .record(fields, others):
      guard let members = json.object else { throw fail() }
      // Sorted, so the field named is the same on every run.
      for key in members.keys.sorted() {
        guard let shape = fields[key] ?? others else { continue }
        try shape.check(members[key]!, at: Self.join(path, key))
      }
    case let .map(shape):
      guard let members = json.object else { throw fail() }
      for key in members.keys.sorted() { try shape.check(members[key]!, at: Self.join(path, key)) }
    case let .list(shape):
      guard let items = json.array else { throw fail() }
      for (i, item) in items.enumerated() { try shape.check(item, at: "\(path)[\(i)]") }
    case let .either(a, b):
      do { try a.check(json, at: path) } catch { try b.check(json, at: path) }
    }
  }

  /// What belongs there, in words.
  var expected: String {
    switch self {
    case .number: "a number"
    case .integer: "a whole number"
    case .string: "a string"
    case .boolean: "true or false"
    case .anything: "anything"
    case .record, .map: "an object"
    case .list: "a list"
    case let .either(a, b): "\(a.expected) or \(b.expected)"
    }
  }

  static func isNumber(_ json: ReportJSON) -> Bool {
    if case .number = json { return true }
    return false
  }

  static func name(of json: ReportJSON) -> String {
    switch json {
    case .null: "null"
    case .bool: "true or false"
    case .integer, .unsigned: "a whole number"
    case .number: "a number"
    case .string: "a string"
    case .array: "a list"
    case .object: "an object"
    }
  }

  static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  // MARK: The shapes of cposim's reports

  /// `{unit, n, mean, sd, ci95_low, ci95_high, min, max, p5, p50, p95, p99}`.
  static let estimate = ReportShape.record([
    "unit": .string, "n": .integer, "mean": .number, "sd": .number, "ci95_low": .number, "ci95_high": .number,
    "min": .number, "max": .number, "p5": .number, "p50": .number, "p95": .number, "p99": .number,
  ])
  static let files = ReportShape.list(.record(["path": .string, "sha256": .string]))
  static let provenance = ReportShape.record([
    "trials": .integer, "common_random_numbers": .boolean, "scenario_files": .either(files, .map(files)),
  ])
  /// P(B better): a probability, or `{p, ci95_low, ci95_high, better}`.
  static let probability = ReportShape.either(.number, .record(["p": .number, "ci95_low": .number, "ci95_high": .number, "better": .string]))
  static let verdicts = ReportShape.list(.string)

  /// The fields each kind of page reads, by the kind's name.
  static let kinds: [String: ReportShape] = [
    "run": .record([
      "metrics": .map(estimate),
      "histograms": .map(.list(.record(["low": .number, "high": .number, "count": .integer]))),
      "timeseries": .map(.list(.record(["month": .number, "mean": .number, "ci95_low": .number, "ci95_high": .number]))),
      "breakdowns": .record(["jobs": .map(.map(estimate))], others: .map(estimate)),
      "checkpoint_advice": .map(.record(["note": .string], others: .number)),
      "scenario": .record(["name": .string, "horizon_hours": .number,
                           "fabric": .record(["gpus": .number, "topology": .string, "optics": .string])]),
      "provenance": provenance,
    ]),
    "comparison": .record([
      "baseline": .string, "scenarios": .map(.map(estimate)), "differences": .map(.map(estimate)),
      "probability_better": .map(.map(probability)), "probability_cheapest": .map(probability),
      "interruptions_by_cause": .map(.map(estimate)),
      "verdicts": verdicts, "provenance": provenance,
    ]),
    "sweep": .record([
      "parameters": .list(.string), "scenario": .string, "trials": .integer,
      "rows": .list(.record(["metric": .string, "estimate": estimate, "parameters": .map(.string), "numeric_parameters": .map(.number)])),
    ]),
    "breakeven": .record([
      "baseline": .string, "alternative": .string, "key_path": .string, "metric": .string, "trials": .integer, "verdict": .string,
      "crossing": .number, "crossing_ci95_low": .number, "crossing_ci95_high": .number,
      "points": .list(.record(["value": .number, "text": .string, "difference": estimate, "probability_better": probability])),
    ]),
    "sensitivity": .record([
      "baseline": .string, "alternative": .string, "metric": .string, "central": estimate, "trials": .integer,
      "verdict": .string, "verdicts": verdicts, "provenance": .either(provenance, .string),
      "inputs": .list(.record([
        "key_path": .string, "label": .string, "provenance": .string, "central": .record(["text": .string]),
        "low": .record(["text": .string, "difference": estimate]), "high": .record(["text": .string, "difference": estimate]),
      ])),
    ]),
    "calibration": .record([
      "scenario": .string, "method": .string, "verdict": .string, "verdicts": verdicts, "output_scenario": .string,
      "inputs": .list(.record(["key_path": .string, "fitted_text": .string, "fitted": .number, "ci95_low": .number,
                               "ci95_high": .number, "suffix": .string])),
      "targets": .list(.record(["metric": .string, "value": .number, "low": .number, "high": .number, "band": .string,
                                "simulated": estimate, "residual": .number])),
      "evaluations": .list(.record(["inputs": .map(.number), "metrics": .map(estimate)])),
    ]),
  ]
}
