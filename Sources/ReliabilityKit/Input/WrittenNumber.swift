/// A number with an optional unit suffix as written (`100000h`, `1.5%`, `4`), so a sweep can
/// interpolate between two written values and write them back in the same form.
public struct WrittenNumber: Sendable, Equatable {
  public let value: Double
  public let suffix: String

  public init?(_ text: String) {
    let (number, unit) = Units.splitNumber(text.trimmingWhitespace())
    guard let number, let value = Double(number), value.isFinite else { return nil }
    self.value = value
    suffix = unit
  }

  public init(value: Double, suffix: String) {
    self.value = value
    self.suffix = suffix
  }

  public var text: String { String(format: "%.6g", value) + suffix }
}
