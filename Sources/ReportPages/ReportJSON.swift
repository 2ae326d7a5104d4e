import Foundation

/// A JSON document read without a fixed schema, so the HTML renderer can ignore fields it does
/// not know and skip charts whose optional fields are missing.
package enum ReportJSON: Sendable, Equatable {
  case null
  case bool(Bool)
  /// An integer that fits in 64 bits (seeds are unsigned 64-bit), kept exact.
  case integer(Int64)
  case unsigned(UInt64)
  case number(Double)
  case string(String)
  case array([ReportJSON])
  case object([String: ReportJSON])

  /// Parses UTF-8 JSON text.
  /// - Throws: `DecodingError` when the text is not JSON.
  package static func parse(_ data: Data) throws -> ReportJSON {
    try JSONDecoder().decode(ReportJSON.self, from: data)
  }

  package subscript(key: String) -> ReportJSON? {
    if case let .object(members) = self { return members[key] }
    return nil
  }

  /// Follows a path of object keys.
  package subscript(path: String...) -> ReportJSON? {
    var value: ReportJSON? = self
    for key in path { value = value?[key] }
    return value
  }

  /// The value as a finite number (integers included), or nil for null, NaN-like strings and others.
  package var double: Double? {
    switch self {
    case let .number(x): x.isFinite ? x : nil
    case let .integer(i): Double(i)
    case let .unsigned(u): Double(u)
    default: nil
    }
  }

  package var int: Int? {
    switch self {
    case let .integer(i): Int(exactly: i)
    case let .unsigned(u): Int(exactly: u)
    case let .number(x): x.isFinite && x == x.rounded() ? Int(exactly: x) : nil
    default: nil
    }
  }

  package var string: String? { if case let .string(s) = self { s } else { nil } }
  package var bool: Bool? { if case let .bool(b) = self { b } else { nil } }
  package var array: [ReportJSON]? { if case let .array(a) = self { a } else { nil } }
  package var object: [String: ReportJSON]? { if case let .object(o) = self { o } else { nil } }
  package var isNull: Bool { self == .null }

  /// The value as a person reads it in a provenance table: integers exactly, numbers with up
  /// to 6 significant digits, arrays and objects compactly.
  package var text: String {
    switch self {
    case .null: "null"
    case let .bool(b): b ? "true" : "false"
    case let .integer(i): String(i)
    case let .unsigned(u): String(u)
    case let .number(x): String(format: "%.6g", x)
    case let .string(s): s
    case let .array(a): a.map(\.text).joined(separator: ", ")
    case let .object(o): o.keys.sorted().map { "\($0): \(o[$0]!.text)" }.joined(separator: ", ")
    }
  }
}

extension ReportJSON: Decodable {
  package init(from decoder: any Decoder) throws {
    if var array = try? decoder.unkeyedContainer() {
      var values: [ReportJSON] = []
      while !array.isAtEnd { values.append(try array.decode(ReportJSON.self)) }
      self = .array(values)
      return
    }
    if let object = try? decoder.container(keyedBy: AnyKey.self) {
      var members: [String: ReportJSON] = [:]
      for key in object.allKeys { members[key.stringValue] = try object.decode(ReportJSON.self, forKey: key) }
      self = .object(members)
      return
    }
    let single = try decoder.singleValueContainer()
    if single.decodeNil() { self = .null }
    else if let b = try? single.decode(Bool.self) { self = .bool(b) }
    else if let i = try? single.decode(Int64.self) { self = .integer(i) }
    else if let u = try? single.decode(UInt64.self) { self = .unsigned(u) }
    else if let x = try? single.decode(Double.self) { self = .number(x) }
    else { self = .string(try single.decode(String.self)) }
  }

  private struct AnyKey: CodingKey {
    let stringValue: String
    init(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
  }
}

/// One metric estimate of a report (`{unit, n, mean, sd, ci95_low, ci95_high, min, max, p5, p50,
/// p95, p99}`), read leniently: any statistic may be missing or null.
package struct EstimateView: Sendable, Equatable {
  package var unit: String
  package var n: Int?
  package var mean: Double?
  package var sd: Double?
  package var ci95Low: Double?
  package var ci95High: Double?
  package var min: Double?
  package var max: Double?
  package var p5: Double?
  package var p50: Double?
  package var p95: Double?
  package var p99: Double?

  /// Reads an estimate; nil when `json` is not an object with a finite mean.
  package init?(_ json: ReportJSON?) {
    guard let json, json.object != nil, let mean = json["mean"]?.double else { return nil }
    unit = json["unit"]?.string ?? ""
    n = json["n"]?.int
    self.mean = mean
    sd = json["sd"]?.double
    ci95Low = json["ci95_low"]?.double
    ci95High = json["ci95_high"]?.double
    min = json["min"]?.double
    max = json["max"]?.double
    // Sketch quantiles are within a stated relative error; the true quantiles lie between the
    // trials' min and max, so clamp to them (ETTR near 1 would otherwise show below its min).
    func clamp(_ q: Double?) -> Double? {
      guard let q else { return nil }
      var v = q
      if let lo = min { v = Swift.max(v, lo) }
      if let hi = max { v = Swift.min(v, hi) }
      return v
    }
    p5 = clamp(json["p5"]?.double)
    p50 = clamp(json["p50"]?.double)
    p95 = clamp(json["p95"]?.double)
    p99 = clamp(json["p99"]?.double)
  }

  package init(unit: String, mean: Double, ci95Low: Double? = nil, ci95High: Double? = nil) {
    self.unit = unit
    self.mean = mean
    self.ci95Low = ci95Low
    self.ci95High = ci95High
  }

  /// Whether the 95 % interval excludes zero (a difference the trials resolve).
  package var resolved: Bool {
    guard let ci95Low, let ci95High else { return false }
    return ci95Low > 0 || ci95High < 0
  }

  /// The estimate multiplied by `factor` (for per-year rescaling); quantiles keep their order
  /// for positive factors.
  package func scaled(by factor: Double) -> EstimateView {
    var e = self
    func s(_ x: Double?) -> Double? { x.map { $0 * factor } }
    e.mean = s(mean); e.sd = s(sd).map(abs)
    e.ci95Low = s(factor >= 0 ? ci95Low : ci95High); e.ci95High = s(factor >= 0 ? ci95High : ci95Low)
    e.min = s(factor >= 0 ? min : max); e.max = s(factor >= 0 ? max : min)
    e.p5 = s(p5); e.p50 = s(p50); e.p95 = s(p95); e.p99 = s(p99)
    return e
  }
}

extension ReportJSON {
  /// The members of an object that are estimates, by name.
  var estimates: [String: EstimateView] {
    var result: [String: EstimateView] = [:]
    for (key, value) in object ?? [:] { if let e = EstimateView(value) { result[key] = e } }
    return result
  }
}
