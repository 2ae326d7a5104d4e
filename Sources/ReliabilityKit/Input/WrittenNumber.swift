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

  package var text: String { String(format: "%.6g", value) + suffix }

  /// The two numbers of `LOW..HIGH` as written (units unchecked), or nil when it is not two
  /// numbers joined by `..`.
  package static func pair(_ text: String) -> (low: WrittenNumber, high: WrittenNumber)? {
    let parts = text.components(separatedBy: "..")
    guard parts.count == 2, let low = WrittenNumber(parts[0]), let high = WrittenNumber(parts[1]) else { return nil }
    return (low, high)
  }
}
