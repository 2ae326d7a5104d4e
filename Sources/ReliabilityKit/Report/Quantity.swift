import Foundation

/// Numbers as cposim writes them for people (the HTML pages, the terminal tables, the verdict
/// lines), by the unit a report gives (`usd`, `usd_per_year`, `ratio`, `count`,
/// `count_per_month`, `hours`, `gpu_hours`): `$15.11M/yr`, `99.9958%`, `1,234 h`, a real minus
/// sign, thousands separators, and no e-notation.
package enum Quantity {
  /// A value with its unit, such as `$15.11M/yr`, `99.9958%`, `1,234 h`.
  /// - Parameters:
  ///   - signed: write a `+` before positive values (differences).
  ///   - metric: the metric's name; availabilities are shown as percentages.
  package static func format(_ value: Double?, unit: String, metric: String = "", signed: Bool = false) -> String {
    guard let value, value.isFinite else { return "n/a" }
    let sign = signed && value > 0 ? "+" : (value < 0 ? "−" : "")
    let v = abs(value)
    switch unit {
    case "usd": return sign + money(v)
    case "usd_per_year": return sign + money(v) + "/yr"
    case "ratio":
      if metric.hasSuffix("availability") {
        // A difference of availabilities in percentage points: −0.0117 pp.
        return signed ? sign + decimal(v * 100, significant: 3) + " pp" : availability(value)
      }
      return sign + (v > 0 && v < 1e-3 ? scientific(v) : decimal(v, significant: 4))
    case "hours": return sign + compact(v) + " h"
    case "gpu_hours": return sign + compact(v) + " GPU-h"
    case "count_per_month": return sign + compact(v) + "/month"
    case "count_per_1000_node_days": return sign + compact(v) + "/1k node-days"
    default: return sign + compact(v)
    }
  }

  /// `$15.11M`, `$218.1k`, `$950`; `v` is not negative.
  package static func money(_ v: Double) -> String {
    if v >= 1e9 { return String(format: "$%.2fB", v / 1e9) }
    if v >= 1e6 { return String(format: "$%.2fM", v / 1e6) }
    if v >= 1e3 { return String(format: "$%.1fk", v / 1e3) }
    return String(format: "$%.0f", v)
  }

  /// An availability in percent with as many decimals as keep two significant digits of the
  /// unavailability: 0.999958 → `99.9958%`, 0.99 → `99.0%`.
  package static func availability(_ a: Double) -> String {
    guard a.isFinite else { return nonFinite(a) }
    let u = 1 - a
    guard u > 0 else { return "100%" }
    let decimals = Swift.min(8, Swift.max(1, -Int(floor(log10(u))) - 1))
    return String(format: "%.\(decimals)f%%", a * 100)
  }

  /// An availability for an axis tick: `99.9%`, `99.99%`, `99.968%` (no trailing zeros).
  package static func availabilityTick(_ a: Double) -> String {
    var s = availability(a)
    guard s.hasSuffix("%"), s.contains(".") else { return s }
    s.removeLast()
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s + "%"
  }

  /// `compact` with a chosen number of significant digits (axis ticks that must differ).
  package static func compact(_ v: Double, significant: Int) -> String {
    guard v.isFinite else { return nonFinite(v) }
    let a = abs(v)
    if a >= 1e9 { return decimal(v / 1e9, significant: significant) + " G" }
    if a >= 1e6 { return decimal(v / 1e6, significant: significant) + " M" }
    if a >= 1000, significant <= 4 { return grouped(v.rounded()) }
    return decimal(v, significant: significant)
  }

  /// Grouped thousands below a million, then `12.3 M`, `4.56 G`; small values with 3
  /// significant digits.
  package static func compact(_ v: Double) -> String {
    guard v.isFinite else { return nonFinite(v) }
    let a = abs(v)
    if a >= 1e9 { return String(format: "%.3g G", v / 1e9) }
    if a >= 1e6 { return String(format: "%.3g M", v / 1e6) }
    if a >= 1000 { return grouped(v.rounded()) }
    if a >= 100 { return String(format: "%.0f", v) }
    if a == 0 { return "0" }
    if a < 1e-3 { return scientific(v) }
    return decimal(v, significant: 3)
  }

  /// `∞`, `−∞` or `n/a`.
  static func nonFinite(_ v: Double) -> String { v.isNaN ? "n/a" : v > 0 ? "∞" : "−∞" }

  /// `12,345`.
  package static func grouped(_ v: Double) -> String {
    let digits = String(format: "%.0f", abs(v))
    var out = ""
    for (i, c) in digits.reversed().enumerated() {
      if i > 0, i % 3 == 0 { out.append(",") }
      out.append(c)
    }
    return (v < 0 ? "−" : "") + String(out.reversed())
  }

  /// `v` with `significant` digits, without trailing zeros after the point.
  package static func decimal(_ v: Double, significant: Int) -> String {
    if v == 0 { return "0" }
    // A value computed on the page from a huge one (a cost per hour of 1e308 times 8760) is
    // infinite: shown as such (Int(log10(inf)) trapped).
    guard v.isFinite else { return nonFinite(v) }
    let magnitude = Int(floor(log10(abs(v))))
    let decimals = Swift.max(0, significant - 1 - magnitude)
    var s = String(format: "%.\(decimals)f", v)
    if s.contains(".") {
      while s.hasSuffix("0") { s.removeLast() }
      if s.hasSuffix(".") { s.removeLast() }
    }
    return s
  }

  /// `2.1×10⁻⁴`.
  package static func scientific(_ v: Double) -> String {
    if v == 0 { return "0" }
    guard v.isFinite else { return nonFinite(v) }
    let exponent = Int(floor(log10(abs(v))))
    let mantissa = v / pow(10, Double(exponent))
    return String(format: "%.2g", mantissa) + "×10" + superscript(exponent)
  }

  static func superscript(_ n: Int) -> String {
    let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
    return (n < 0 ? "⁻" : "") + String(String(abs(n)).map { digits[Int(String($0))!] })
  }

  /// A number written by a sweep or break-even (`100000h`) in the form the report reads best
  /// (`100,000 h`, `1.3 M h`).
  package static func parameter(_ value: Double, suffix: String) -> String {
    let number = compact(value)
    guard !suffix.isEmpty else { return number }
    return suffix == "%" ? number + "%" : number + " " + suffix
  }

  /// The interval `low .. high` formatted in the unit, or an empty string without bounds.
  package static func interval(_ low: Double?, _ high: Double?, unit: String, metric: String = "", signed: Bool = false) -> String {
    guard let low, let high else { return "" }
    return "\(format(low, unit: unit, metric: metric, signed: signed)) .. \(format(high, unit: unit, metric: metric, signed: signed))"
  }

  /// The unit as an axis label suffix: `USD`, `USD per year`, `per month`.
  package static func axisUnit(_ unit: String) -> String {
    switch unit {
    case "usd": "USD"
    case "usd_per_year": "USD per year"
    case "ratio": "ratio"
    case "count": "count"
    case "count_per_month": "per month"
    case "count_per_1000_node_days": "per 1,000 node-days"
    case "hours": "hours"
    case "gpu_hours": "GPU-hours"
    default: unit.replacingOccurrences(of: "_", with: " ")
    }
  }

  /// A metric's name as a table row reads it: its words with acronyms in capitals
  /// (`rma_cost_usd` → `RMA cost`, `lost_gpu_hours` → `lost GPU-hours`).
  package static func label(_ metric: String) -> String {
    switch metric {
    case "lost_gpu_hours": return "lost GPU-hours"
    case "job_ettr": return "ETTR (effective training time ratio)"
    case "total_cost_usd": return "total cost over the horizon"
    case "job_hits_per_1000_node_days": return "job hits per 1,000 node-days"
    case "mean_unusable_nodes": return "unusable nodes (mean over the horizon)"
    default: break
    }
    let acronyms = ["rma": "RMA", "nic": "NIC", "gpu": "GPU", "ettr": "ETTR", "mtbf": "MTBF", "afr": "AFR", "usd": "USD", "els": "ELS", "cpo": "CPO"]
    return words(metric).split(separator: " ", omittingEmptySubsequences: false)
      .map { acronyms[String($0)] ?? String($0) }.joined(separator: " ")
  }

  /// `total_cost_usd_per_year` → `total cost per year`, the words of a metric name.
  package static func words(_ metric: String) -> String {
    var s = metric
    for (suffix, replacement) in [("_usd_per_year", " per year"), ("_usd", ""), ("_hours", ""), ("_per_month", " per month")] where s.hasSuffix(suffix) {
      s = String(s.dropLast(suffix.count)) + replacement
      break
    }
    if s == "job_ettr" { return "effective training time ratio (ETTR)" }
    return s.replacingOccurrences(of: "_", with: " ")
  }
}
