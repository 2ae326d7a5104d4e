import Foundation
import ReliabilityKit

/// Pieces the report kinds share: metric order, cost lines, root causes, provenance, axis
/// choices and the sentences that state a finding.
enum ReportSections {
  /// Metrics in the order the tables list them; others follow alphabetically.
  static let keyMetrics = [
    "total_cost_usd_per_year", "total_cost_usd", "interruption_cost_usd", "labour_cost_usd", "spares_cost_usd", "rma_cost_usd",
    "logistics_cost_usd", "spares_capital_cost_usd", "energy_cost_usd", "spare_nodes_cost_usd",
    "serdes_energy_cost_usd", "capital_cost_usd", "support_cost_usd",
    "link_availability", "switch_availability", "fabric_capacity_availability", "system_availability",
    "job_interruptions", "job_interruptions_per_month", "job_network_interruptions", "job_planned_interruptions",
    "job_background_interruptions", "job_ettr", "lost_gpu_hours",
    "failures", "flaps", "repairs", "drains", "spare_stockouts", "repair_downtime_hours", "technician_utilisation",
  ]

  static func ordered(_ names: some Sequence<String>) -> [String] {
    let set = Set(names)
    let first = keyMetrics.filter(set.contains)
    return first + set.subtracting(first).sorted()
  }

  /// Metrics whose "better" has a direction a decision can use, with what B better means:
  /// the rows of P(B better). Counts such as failures, repairs or engine events say how the
  /// plant behaves, not which side is better, and `total_cost_usd` repeats the cost per year.
  static let decisionMetrics: [(metric: String, better: String)] = [
    ("total_cost_usd_per_year", "cheaper"), ("interruption_cost_usd", "lower interruption cost"),
    ("energy_cost_usd", "lower energy cost"), ("job_interruptions_per_month", "fewer job interruptions"),
    ("job_ettr", "higher ETTR"), ("lost_gpu_hours", "fewer GPU-hours lost"),
    ("link_availability", "higher link availability"), ("switch_availability", "higher switch availability"),
    ("fabric_capacity_availability", "higher fabric capacity availability"),
    ("system_availability", "higher system availability"), ("repair_downtime_hours", "less repair downtime"),
  ]

  /// `value` and `other` written alike in the unit, with as many more digits as tell them
  /// apart when the usual ones write them the same (`$382.2k/yr` and `$382.4k/yr`, not
  /// `16.8/month` twice).
  static func distinct(_ value: Double, _ other: Double, unit: String, metric: String) -> (String, String) {
    let a = Quantity.format(value, unit: unit, metric: metric), b = Quantity.format(other, unit: unit, metric: metric)
    guard a == b, value != other else { return (a, b) }
    let precise = tickPrecise(unit: unit, metric: metric)
    let suffix = unit == "usd_per_year" ? "/yr" : unit == "hours" ? " h" : unit == "gpu_hours" ? " GPU-h" : unit == "count_per_month" ? "/month" : ""
    for digits in 4...9 {
      let (x, y) = (precise(value, digits), precise(other, digits))
      if x != y { return (x + suffix, y + suffix) }
    }
    return (a, b)
  }

  /// The cost lines that add up to `total_cost_usd`, with the words the charts use.
  static let costLines: [(metric: String, label: String)] = [
    ("interruption_cost_usd", "job interruptions"), ("labour_cost_usd", "technician labour"),
    ("spares_cost_usd", "spares bought"), ("rma_cost_usd", "rework outside warranty"), ("logistics_cost_usd", "RMA shipments"),
    ("spares_capital_cost_usd", "spares held (capital)"), ("energy_cost_usd", "optics energy"),
    ("spare_nodes_cost_usd", "warm spare nodes"), ("serdes_energy_cost_usd", "host SerDes energy"),
    ("capital_cost_usd", "capital (amortised)"), ("support_cost_usd", "support contracts"),
  ]

  /// Horizon-to-year factor of a metric set: total per year over total, when both are there.
  static func perYearFactor(_ metrics: [String: EstimateView], horizonHours: Double? = nil) -> Double? {
    if let total = metrics["total_cost_usd"]?.mean, let perYear = metrics["total_cost_usd_per_year"]?.mean, total != 0 {
      return perYear / total
    }
    if let h = horizonHours, h > 0 { return 8760 / h }
    return nil
  }

  /// Interruptions by root cause: `breakdown` (cause → estimate) when the report has it,
  /// otherwise every metric named `job_<cause>_interruptions`.
  static func rootCauses(metrics: [String: EstimateView], breakdown: ReportJSON?) -> [(cause: String, estimate: EstimateView)] {
    if let explicit = breakdown?.estimates, !explicit.isEmpty {
      return explicit.keys.sorted().map { ($0.replacingOccurrences(of: "_", with: " "), explicit[$0]!) }
    }
    // A fabric report's root causes, disjoint, in the shape of Llama 3's Table 5: they add up to
    // job_interruptions (subtotals such as switch_and_cable, network, unexpected are left out).
    let disjoint: [(String, String)] = [
      ("host/GPU", "job_interruptions_host"), ("NIC", "job_interruptions_nic"), ("NIC link", "job_interruptions_nic_link"),
      ("leaf switch", "job_interruptions_leaf"), ("uplink", "job_interruptions_uplink"), ("planned", "job_planned_interruptions"),
    ]
    if metrics["job_interruptions_host"] != nil {
      return disjoint.compactMap { label, name in metrics[name].map { (label, $0) } }
    }
    let notCauses: Set<String> = ["job_worst_month_interruptions", "job_unexpected_interruptions"]
    return metrics.keys.sorted().compactMap { name in
      guard name.hasPrefix("job_"), name.hasSuffix("_interruptions"), name != "job_interruptions", !notCauses.contains(name) else { return nil }
      let cause = name.dropFirst(4).dropLast("_interruptions".count)
      guard !cause.isEmpty else { return nil }
      return (cause.replacingOccurrences(of: "_", with: " "), metrics[name]!)
    }
  }

  /// The scale an axis for this metric reads best on: nines for availabilities.
  static func axisKind(metric: String) -> ChartScale.Kind {
    metric.hasSuffix("availability") ? .nines : .linear
  }

  /// Whether a swept parameter reads best on a logarithmic axis: MTBF, MTTF, rates, AFR, FIT,
  /// scales, or positive values that span more than a factor of 20.
  static func logarithmic(keyPath: String, values: [Double]) -> Bool {
    let last = keyPath.split(separator: ".").suffix(2).joined(separator: ".").lowercased()
    if ["mtbf", "mttf", "rate", "afr", "fit", "scale", "median"].contains(where: { last.contains($0) }) {
      return values.allSatisfy { $0 > 0 }
    }
    let positive = values.filter { $0 > 0 }
    guard positive.count == values.count, let lo = positive.min(), let hi = positive.max() else { return false }
    return hi / lo > 20
  }

  /// The words of a key path an axis shows: its last two components (`engine-failure mtbf`).
  static func keyLabel(_ keyPath: String) -> String {
    // List indices (`jobs.0.checkpoint_interval`) say nothing on an axis.
    let parts = keyPath.split(separator: ".").filter { Int($0) == nil }
    let tail = parts.last.map(String.init) ?? keyPath
    let lastTwo: String
    if ["mtbf", "mttf", "scale", "shape", "afr", "fit", "median", "count", "rate"].contains(tail.lowercased()),
       parts.count >= 2, parts[parts.count - 2] == "distribution", parts.count >= 3 {
      lastTwo = "\(parts[parts.count - 3]) \(tail)"
    } else if parts.count >= 2 {
      lastTwo = "\(parts[parts.count - 2]) \(tail)"
    } else {
      lastTwo = tail
    }
    return lastTwo.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "mtbf", with: "MTBF")
  }

  /// A written number as the report shows it: large values grouped (`1000000h` → `1 M h`),
  /// others as written.
  static func written(_ text: String) -> String {
    guard let n = WrittenNumber(text), abs(n.value) >= 10_000 else { return text }
    return Quantity.parameter(n.value, suffix: n.suffix.trimmingCharacters(in: .whitespaces))
  }

  /// The unit suffixes a written number can carry (durations, percent, none).
  static let units: Set<String> = ["", "s", "m", "h", "d", "w", "y", "%"]

  /// The unit suffix of a written number (`100000h` → `h`, `1.5%` → `%`, `4` → ``).
  static func suffix(of text: String) -> String {
    WrittenNumber(text)?.suffix.trimmingCharacters(in: .whitespaces) ?? ""
  }

  /// Axis label of a key path with its unit: `engine-failure MTBF (h)`.
  static func keyAxisLabel(_ keyPath: String, suffix: String) -> String {
    let unit: String
    switch suffix {
    case "h": unit = "hours"
    case "d": unit = "days"
    case "y": unit = "years"
    case "m": unit = "minutes"
    case "s": unit = "seconds"
    case "w": unit = "weeks"
    case "": unit = keyPath.hasSuffix("count") ? "count" : "value"
    default: unit = suffix
    }
    return "\(keyLabel(keyPath)) (\(unit))"
  }

  /// A value with its unit as the metric's estimate gives it, for axis ticks.
  static func tickFormat(unit: String, metric: String) -> @Sendable (Double) -> String {
    let precise = tickPrecise(unit: unit, metric: metric)
    return { precise($0, 3) }
  }

  /// Tick labels with `digits` significant digits, so that close ticks stay apart.
  static func tickPrecise(unit: String, metric: String) -> @Sendable (Double, Int) -> String {
    switch unit {
    case "usd", "usd_per_year":
      return { v, digits in
        let a = abs(v)
        let sign = v < 0 ? "−" : ""
        if a >= 1e6 { return sign + "$" + Quantity.decimal(a / 1e6, significant: digits) + "M" }
        if a >= 1e3 { return sign + "$" + Quantity.decimal(a / 1e3, significant: digits) + "k" }
        return sign + "$" + Quantity.decimal(a, significant: digits)
      }
    case "ratio" where metric.hasSuffix("availability"):
      return { v, _ in Quantity.availabilityTick(v) }
    default:
      return { v, digits in Quantity.compact(v, significant: digits) }
    }
  }

  /// The axis label of a metric: its words and unit.
  static func axisLabel(metric: String, unit: String, perYear: Bool = false) -> String {
    if metric.hasSuffix("availability") { return "\(Quantity.words(metric)) (%, nines scale)" }
    switch unit {
    case "usd": return "\(Quantity.words(metric)) (USD\(perYear ? " per year" : " over the horizon"))"
    case "usd_per_year": return "\(Quantity.words(metric)) (USD per year)"
    case "ratio": return "\(Quantity.words(metric)) (ratio)"
    case "hours": return "\(Quantity.words(metric)) (hours per trial)"
    case "gpu_hours": return "\(Quantity.words(metric)) (GPU-hours per trial)"
    case "count_per_month": return "\(Quantity.words(metric))"
    case "count": return "\(Quantity.words(metric)) (count per trial)"
    default: return "\(Quantity.words(metric)) (\(Quantity.axisUnit(unit)))"
    }
  }

  /// `+$15.11M/yr (95% CI +$14.87M/yr .. +$15.34M/yr)`.
  static func withInterval(_ e: EstimateView, metric: String, signed: Bool = false) -> String {
    let value = Quantity.format(e.mean, unit: e.unit, metric: metric, signed: signed)
    let interval = Quantity.interval(e.ci95Low, e.ci95High, unit: e.unit, metric: metric, signed: signed)
    return interval.isEmpty ? value : "\(value) (95% CI \(interval))"
  }

  /// A table cell: the value, with its interval in small type underneath.
  static func cell(_ e: EstimateView?, metric: String, signed: Bool = false) -> String {
    guard let e else { return "–" }
    let value = HTML.escape(Quantity.format(e.mean, unit: e.unit, metric: metric, signed: signed))
    let interval = Quantity.interval(e.ci95Low, e.ci95High, unit: e.unit, metric: metric, signed: signed)
    return interval.isEmpty ? value : "\(value)<br><span class=\"ci\">\(HTML.escape(interval))</span>"
  }

  /// A difference B − A in words: `B costs $15.11M/yr more than A (95% CI ...)`.
  static func differenceSentence(_ e: EstimateView, metric: String, alternative: String, baseline: String) -> String {
    "\(alternative) " + differencePredicate(e, metric: metric, baseline: baseline, alternative: alternative)
  }

  private static func differencePredicate(_ e: EstimateView, metric: String, baseline: String, alternative: String) -> String {
    let counted = e.unit == "count" || e.unit == "count_per_month"
    let magnitude = counted ? Quantity.compact(abs(e.mean ?? 0)) : Quantity.format(abs(e.mean ?? 0), unit: e.unit, metric: metric)
    let interval = Quantity.interval(e.ci95Low, e.ci95High, unit: e.unit, metric: metric, signed: true)
    let ci = interval.isEmpty ? "" : " (95% CI \(interval))"
    guard e.resolved else {
      return "shows no detectable change in \(Quantity.words(metric)) from \(baseline) "
        + "(\(Quantity.format(e.mean, unit: e.unit, metric: metric, signed: true)), 95% CI \(interval.isEmpty ? "n/a" : interval), which covers zero)"
    }
    let more = (e.mean ?? 0) > 0
    switch metric {
    case "total_cost_usd_per_year", "total_cost_usd":
      return "costs \(magnitude) \(more ? "more" : "less") than \(baseline)\(metric == "total_cost_usd" ? " over the horizon" : "")\(ci)"
    case let m where m.hasSuffix("availability") || m == "job_ettr":
      return "has a \(more ? "higher" : "lower") \(Quantity.words(metric)) than \(baseline): \(Quantity.format(e.mean, unit: e.unit, metric: metric, signed: true))\(ci)"
    default:
      return "has \(magnitude) \(more ? "more" : counted ? "fewer" : "less") \(Quantity.words(metric)) than \(baseline)\(ci)"
    }
  }

  /// Provenance rows from a `provenance` object or from a report's top-level fields.
  static func provenance(_ json: ReportJSON) -> [(String, String)] {
    let p = json["provenance"]?.object != nil ? json["provenance"]! : json
    var rows: [(String, String)] = []
    let labels: [(String, String)] = [
      ("tool_version", "cposim"), ("gsl_version", "GSL"), ("generator", "generator"), ("seed", "master seed"),
      ("trials", "trials"), ("block_size", "block size"), ("common_random_numbers", "common random numbers"),
    ]
    for (key, label) in labels { if let v = p[key] ?? json[key], !v.isNull { rows.append((label, v.text)) } }
    if let v = json["schema_version"] { rows.append(("schema version", v.text)) }
    func files(_ list: ReportJSON?) -> String? {
      guard let list = list?.array else { return nil }
      return list.compactMap { f -> String? in
        guard let path = f["path"]?.string else { return nil }
        let hash = f["sha256"]?.string ?? ""
        return hash.isEmpty ? path : "\(path) (sha256 \(hash.prefix(12))…)"
      }.joined(separator: "; ")
    }
    if let list = files(p["scenario_files"]) {
      rows.append(("input files", list))
    } else if let byName = p["scenario_files"]?.object {
      for name in byName.keys.sorted() { if let list = files(byName[name]) { rows.append(("inputs of \(name)", list)) } }
    }
    if let s = json["scenario"]?.string { rows.append(("scenario", s)) }
    return rows
  }

  /// How a series of means moves from its first third to its last (`rise`, `fall`, `hold`).
  static func trend(_ values: [Double]) -> (word: String, first: Double, last: Double)? {
    let v = values.filter(\.isFinite)
    guard v.count >= 3 else { return nil }
    let k = max(1, v.count / 3)
    let first = v.prefix(k).reduce(0, +) / Double(k), last = v.suffix(k).reduce(0, +) / Double(k)
    guard first > 0 else { return ("hold", first, last) }
    let ratio = last / first
    return (ratio > 1.15 ? "rise" : ratio < 0.87 ? "fall" : "hold", first, last)
  }
}
