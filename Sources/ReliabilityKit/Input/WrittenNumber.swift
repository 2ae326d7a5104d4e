import Foundation

/// A number with an optional unit suffix as written (`100000h`, `1.5%`, `4`), so a sweep can
/// interpolate between two written values and write them back in the same form.
package struct WrittenNumber: Sendable, Equatable {
  package let value: Double
  package let suffix: String

  package init?(_ text: String) {
    let (number, unit) = Units.splitNumber(text.trimmingWhitespace())
    guard let number, let value = Double(number), value.isFinite else { return nil }
    self.value = value
    suffix = unit
  }

  package init(value: Double, suffix: String) {
    self.value = value
    self.suffix = suffix
  }

  /// The value with six significant digits and its suffix, in plain decimals (`1000000h`,
  /// `40937.5h`, `0.00358`) so tables and verdicts never show e-notation; only magnitudes
  /// below 1e-4 or from 1e15 up keep it (`1e-07`), where decimals would be unreadable.
  package var text: String {
    let magnitude = abs(value)
    guard value == 0 || (magnitude >= 1e-4 && magnitude < 1e15) else { return String(format: "%.6g", value) + suffix }
    let decimals = value == 0 ? 0 : max(0, 5 - Int(log10(magnitude).rounded(.down)))
    var digits = String(format: "%.\(decimals)f", value)
    if digits.contains(".") {
      while digits.hasSuffix("0") { digits.removeLast() }
      if digits.hasSuffix(".") { digits.removeLast() }
    }
    if digits == "-0" { digits = "0" }
    return digits + suffix
  }

  /// The two numbers of `LOW..HIGH` as written (units unchecked), or nil when it is not two
  /// numbers joined by `..`.
  package static func pair(_ text: String) -> (low: WrittenNumber, high: WrittenNumber)? {
    let parts = text.components(separatedBy: "..")
    guard parts.count == 2, let low = WrittenNumber(parts[0]), let high = WrittenNumber(parts[1]) else { return nil }
    return (low, high)
  }
}
