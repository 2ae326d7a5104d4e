import Foundation

/// Parsing of durations and failure rates written with units, in one place.
///
/// Durations: a number and a unit, `30s`, `5m`, `2.5h`, `3d`, `1w`, `5y` (with optional space:
/// `1000 h`). Units: s (seconds), m (minutes), h (hours), d (days, 24 h), w (weeks, 168 h),
/// y (years, 8760 h: 365 days, the year every rate uses). A bare `0` is accepted; any other bare
/// number is an error, since `1000` could be hours or years.
///
/// Rates: `1%/yr` (percent per year, the annualised failure rate), `1140 FIT` (failures per
/// 10⁹ hours), or a count per duration unit: `6.5e-3/d`, `0.2/h`, `2/w`, `3/y`.
public enum Units {
  /// Hours per unit for each duration suffix.
  public static let durationUnits: [(suffix: String, hours: Double)] = [
    ("s", 1.0 / 3600), ("m", 1.0 / 60), ("h", 1), ("d", 24), ("w", 168), ("y", 8760),
  ]

  /// Parses a duration into hours.
  /// - Throws: `UnitError` saying what was expected and what was found.
  public static func hours(from text: String) throws(UnitError) -> Hours {
    let trimmed = text.trimmingWhitespace()
    guard !trimmed.isEmpty else { throw .emptyDuration }
    let (number, unit) = splitNumber(trimmed)
    guard let value = number.flatMap(Double.init), value.isFinite else { throw .notADuration(text: text) }
    if unit.isEmpty {
      if value == 0 { return 0 }
      throw .missingDurationUnit(text: text)
    }
    guard let factor = durationUnits.first(where: { $0.suffix == unit })?.hours else {
      throw .unknownDurationUnit(text: text, unit: unit)
    }
    return value * factor
  }

  /// Parses a failure rate into failures per hour.
  /// - Throws: `UnitError` saying what was expected and what was found.
  public static func ratePerHour(from text: String) throws(UnitError) -> Double {
    let trimmed = text.trimmingWhitespace()
    let (number, rest) = splitNumber(trimmed)
    guard let value = number.flatMap(Double.init), value.isFinite else { throw .notARate(text: text) }
    let unit = rest.replacingAll(" ", with: "")
    switch unit.lowercased() {
    case "%/yr", "%/y", "%/year":
      return value / 100 / 8760
    case "fit":
      return value * 1e-9
    case "":
      throw .missingRateUnit(text: text)
    default:
      guard unit.hasPrefix("/") else { throw .unknownRateUnit(text: text) }
      let perUnit = String(unit.dropFirst())
      let alias = ["yr": "y", "year": "y", "day": "d", "hour": "h", "week": "w"][perUnit] ?? perUnit
      guard let factor = durationUnits.first(where: { $0.suffix == alias })?.hours else {
        throw .unknownRateUnit(text: text)
      }
      return value / factor
    }
  }

  /// Splits `"12.5e-3 h"` into `("12.5e-3", "h")`: the longest prefix that reads as a number.
  ///
  /// Only characters that can be part of a number are tried, and at most 64 of them: trying
  /// every prefix of a 5 MB value took minutes (each try is a conversion of the prefix).
  static func splitNumber(_ text: String) -> (number: String?, unit: String) {
    // ASCII text (every written value in practice): the same search over its bytes, without
    // hashing each character or building a string for a prefix that ends in n or f.
    if let split = text.utf8.withContiguousStorageIfAvailable({ bytes -> (number: String?, unit: String)? in
      guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
      var limit = 0
      while limit < min(64, bytes.count), numberBytes[Int(bytes[limit])] { limit += 1 }
      for end in stride(from: limit, through: 1, by: -1) {
        let last = bytes[end - 1] | 0x20
        guard last != UInt8(ascii: "n"), last != UInt8(ascii: "f") else { continue }
        let prefix = String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
        if Double(prefix) != nil {
          return (prefix, String(decoding: UnsafeBufferPointer(rebasing: bytes[end...]), as: UTF8.self).trimmingWhitespace())
        }
      }
      return (nil, text)
    }), let split { return split }
    let scalars = Array(text.unicodeScalars)
    let limit = min(64, scalars.firstIndex { !numberScalars.contains($0) } ?? scalars.count)
    // The longest prefix that reads as a number, tried from the longest down: a plain number
    // ("1000000h", "0.5%") is read once, not once per prefix (issue 26: a 1M scenario's start-up
    // spent 976 M instructions here, most of them in the bounds' re-reads).
    for end in stride(from: limit, through: 1, by: -1) {
      let prefix = String(String.UnicodeScalarView(scalars[0..<end]))
      if Double(prefix) != nil, !prefix.lowercased().hasSuffix("n"), !prefix.lowercased().hasSuffix("f") {
        return (prefix, String(String.UnicodeScalarView(scalars[end...])).trimmingWhitespace())
      }
    }
    return (nil, text)
  }

  /// The characters a number's prefix may hold (Swift's Double reads hex floats too).
  private static let numberScalars = Set("0123456789+-.eExXpPabcdefABCDEF_".unicodeScalars)
  /// The same characters as a table over ASCII bytes.
  private static let numberBytes: [Bool] = (0..<128).map { numberScalars.contains(Unicode.Scalar(UInt8($0))) }
}

/// A duration or rate that could not be read.
public enum UnitError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A duration with no text.
  case emptyDuration
  /// Text that is not a number followed by a unit.
  case notADuration(text: String)
  /// A number without a unit (`10`, not `10h`).
  case missingDurationUnit(text: String)
  /// A unit that is not one of s, m, h, d, w, y.
  case unknownDurationUnit(text: String, unit: String)
  /// Text that is not a rate (`1%/yr`, `1140 FIT`, `6.5e-3/d`).
  case notARate(text: String)
  /// A number without a rate unit.
  case missingRateUnit(text: String)
  /// A rate with an unknown unit.
  case unknownRateUnit(text: String)
  /// An interval that is not `LOW..HIGH` of durations with 0 ≤ LOW < HIGH.
  case badInterval(text: String)

  public var description: String {
    switch self {
    case .emptyDuration:
      "expected a duration such as 30m, 4h or 5y, but the value is empty"
    case let .notADuration(text):
      "expected a duration such as 30m, 4h or 5y (got '\(text)')"
    case let .missingDurationUnit(text):
      "'\(text)' has no unit: write it as \(text)h, \(text)d or \(text)y (units: s, m, h, d, w, y)"
    case let .unknownDurationUnit(text, unit):
      "unknown duration unit '\(unit)' in '\(text)' (units: s, m, h, d, w, y)"
    case let .notARate(text):
      "expected a rate such as 1%/yr, 1140 FIT or 6.5e-3/d (got '\(text)')"
    case let .missingRateUnit(text):
      "'\(text)' has no unit: write a rate as 1%/yr, 1140 FIT or 6.5e-3/d"
    case let .unknownRateUnit(text):
      "unknown rate unit in '\(text)' (use %/yr, FIT, or a count per s, m, h, d, w or y such as 6.5e-3/d)"
    case let .badInterval(text):
      "expected an interval LOW..HIGH of durations with 0 <= LOW < HIGH, such as 0..5y or 100h..inf (got '\(text)')"
    }
  }
}

extension String {
  func trimmingWhitespace() -> String {
    var scalars = Substring(self)
    while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
    while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
    return String(scalars)
  }

  func replacingAll(_ target: Character, with replacement: String) -> String {
    var result = ""
    for character in self {
      if character == target { result += replacement } else { result.append(character) }
    }
    return result
  }
}

extension Units {
  /// Parses an interval of durations written `LOW..HIGH`, for example `0..5y` or `100h..inf`.
  /// - Throws: `UnitError` for either bound, or `.badInterval` when the form or order is wrong.
  public static func hoursRange(from text: String) throws(UnitError) -> ClosedRange<Hours> {
    let parts = text.components(separatedBy: "..")
    guard parts.count == 2 else { throw .badInterval(text: text) }
    let low = try hours(from: parts[0])
    let highText = parts[1].trimmingWhitespace()
    let high = highText == "inf" ? Double.infinity : try hours(from: highText)
    guard low >= 0, high > low else { throw .badInterval(text: text) }
    return low...high
  }
}
