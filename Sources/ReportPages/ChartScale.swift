import Foundation

/// A map from data values to pixels along one axis, with its ticks.
package struct ChartScale: Sendable {
  package enum Kind: Sendable, Equatable {
    /// Equal steps.
    case linear
    /// Decades (MTBF, rates, counts over several orders of magnitude); values must be positive.
    case log
    /// Availabilities by their nines: positioned by −log10(1 − a), labelled as percentages.
    case nines
  }

  package let kind: Kind
  /// Data interval shown, low to high.
  package let low: Double
  package let high: Double
  /// Pixel interval the data interval maps to (may run downwards for a y axis).
  package let start: Double
  package let end: Double
  /// How tick labels are written.
  package let label: @Sendable (Double) -> String
  /// Tick labels with a given number of significant digits, tried when `label` writes two
  /// ticks the same.
  package let precise: (@Sendable (Double, Int) -> String)?

  /// A scale over `values` (non-finite ones, and non-positive ones on a log scale, ignored),
  /// widened to nice bounds. `includeZero` keeps 0 in a linear domain (bars start at 0).
  package init(kind: Kind, values: [Double], pixels: (Double, Double), includeZero: Bool = false,
              precise: (@Sendable (Double, Int) -> String)? = nil, label: @escaping @Sendable (Double) -> String) {
    self.kind = kind
    start = pixels.0
    end = pixels.1
    self.label = label
    self.precise = precise
    var usable = values.filter(\.isFinite)
    switch kind {
    case .linear:
      if includeZero { usable.append(0) }
      var lo = usable.min() ?? 0, hi = usable.max() ?? 1
      if lo == hi { lo -= abs(lo) * 0.1 + (lo == 0 ? 1 : 0); hi += abs(hi) * 0.1 + (hi == 0 ? 1 : 0) }
      let step = ChartScale.linearStep(lo, hi)
      low = ChartScale.finite((lo / step).rounded(.down) * step)
      high = ChartScale.finite((hi / step).rounded(.up) * step)
    case .log:
      let positive = usable.filter { $0 > 0 }
      let lo = positive.min() ?? 1, hi = positive.max() ?? 10
      // Decades from 1e-300 to 1e300: the nice bounds of values beyond would underflow to 0 or
      // overflow to infinity.
      var l = ChartScale.niceBelow(Swift.min(Swift.max(lo, 1e-300), 1e299))
      var h = ChartScale.niceAbove(Swift.min(Swift.max(hi, 1e-299), 1e300))
      if l == h { l /= 10; h *= 10 }
      low = l
      high = h
    case .nines:
      let u = usable.map { 1 - $0 }.filter { $0 > 0 && $0 < 1 }
      let uMax = u.max() ?? 1e-2, uMin = u.min() ?? 1e-4
      // A whisker of tolerance: 1 − 0.99 is not exactly 0.01 in binary.
      let a = -log10(uMax), b = -log10(uMin)
      var lo: Double, hi: Double
      if b - a < 1 {
        // Tenths of a nine when the data span less than one nine.
        lo = max(0, (a * 10 + 1e-9).rounded(.down) / 10)
        hi = (b * 10 - 1e-9).rounded(.up) / 10
        if hi <= lo { hi = lo + 0.1 }
      } else {
        lo = max(0, (a + 1e-9).rounded(.down))
        hi = (b - 1e-9).rounded(.up)
      }
      low = 1 - pow(10, -lo)
      high = 1 - pow(10, -hi)
    }
  }

  /// Position of the transformed value.
  private func t(_ v: Double) -> Double {
    switch kind {
    case .linear: v
    case .log: log10(v)
    case .nines: -log10(max(1 - v, 1e-15))
    }
  }

  /// The pixel of `v`, or nil for a value this scale cannot show (non-finite; non-positive on
  /// a log scale; 1 or more on a nines scale is drawn at the top end).
  package func callAsFunction(_ v: Double) -> Double? {
    guard v.isFinite else { return nil }
    if kind == .log, v <= 0 { return nil }
    let a = t(low), b = t(high)
    guard b != a else { return (start + end) / 2 }
    // Halves, for a domain wider than the largest double (−1e308 .. 1e308).
    let fraction = (b - a).isFinite ? (t(v) - a) / (b - a) : (t(v) / 2 - a / 2) / (b / 2 - a / 2)
    return start + (end - start) * fraction
  }

  /// The pixel of `v` kept inside the axis (for bands and whiskers that run off it).
  package func clamped(_ v: Double) -> Double? {
    guard let p = self(v) ?? (kind == .log && v <= 0 ? start : nil) else { return nil }
    return min(max(p, min(start, end)), max(start, end))
  }

  /// Tick values with their labels, inside the domain.
  package var ticks: [(value: Double, label: String)] {
    var values: [Double] = []
    switch kind {
    case .linear:
      let step = ChartScale.linearStep(low, high)
      var v = low
      // At most a few dozen ticks, whatever the domain (a step below the values' resolution
      // would never move v).
      while v.isFinite, v <= high + step * 1e-9, values.count <= ChartScale.maximumTicks {
        values.append(abs(v) < step * 1e-9 ? 0 : v)
        v += step
      }
    case .log:
      let decades = log10(high / low)
      let multipliers: [Double] = decades <= 1.5 ? [1, 1.5, 2, 3, 5, 7] : decades <= 3 ? [1, 2, 5] : [1]
      var d = pow(10, floor(log10(low)))
      while d <= high * 1.0001, values.count <= ChartScale.maximumTicks {
        for m in multipliers where d * m >= low * 0.9999 && d * m <= high * 1.0001 { values.append(d * m) }
        d *= 10
      }
    case .nines:
      let a = -log10(1 - low), b = -log10(1 - high)
      let step = b - a <= 0.6 ? 0.1 : b - a <= 1.5 ? 0.25 : 1
      var n = (a / step).rounded(.up) * step
      while n <= b + 1e-9, values.count <= ChartScale.maximumTicks {
        values.append(1 - pow(10, -n))
        n += step
      }
    }
    var labels = values.map(label)
    if Set(labels).count < labels.count, let precise {
      for digits in 3...9 {
        labels = values.map { precise($0, digits) }
        if Set(labels).count == labels.count { break }
      }
    }
    return zip(values, labels).map { ($0, $1) }
  }

  /// More ticks than any axis draws: a bound on the loops that make them.
  static let maximumTicks = 1_000

  /// The step of a linear axis from `lo` to `hi`: a fifth of the span, nice; computed on fifths
  /// when the span itself overflows (−1e308 .. 1e308), so it never falls back to 1.
  static func linearStep(_ lo: Double, _ hi: Double) -> Double {
    let span = hi - lo
    return niceStep(span.isFinite ? span / 5 : hi / 5 - lo / 5)
  }

  /// `v`, or the largest finite double of its sign when it overflowed.
  static func finite(_ v: Double) -> Double {
    v.isFinite ? v : v > 0 ? .greatestFiniteMagnitude : v < 0 ? -.greatestFiniteMagnitude : 0
  }

  /// 1, 2 or 5 times a power of ten, at least `rough`.
  static func niceStep(_ rough: Double) -> Double {
    guard rough > 0, rough.isFinite else { return 1 }
    let power = pow(10, floor(log10(rough)))
    for m in [1.0, 2, 5, 10] where m * power >= rough { return m * power }
    return 10 * power
  }

  static func niceBelow(_ v: Double) -> Double {
    let power = pow(10, floor(log10(v)))
    return ([1.0, 2, 5].map { $0 * power }.last { $0 <= v }) ?? power
  }

  static func niceAbove(_ v: Double) -> Double {
    let power = pow(10, floor(log10(v)))
    return ([1.0, 2, 5, 10].map { $0 * power }.first { $0 >= v }) ?? 10 * power
  }
}
