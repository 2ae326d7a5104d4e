import Foundation
import ReliabilityKit

/// The terminal table of `cposim sample`.
enum SampleTable {
  static func render(distribution: Distribution, truncation: ClosedRange<Hours>?, summary: SampleSummary, seed: UInt64) -> String {
    var lines: [String] = []
    let description = DistributionDescription(distribution)
    let parameters = description.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\(number($0.value))" }
    lines.append("\(description.kind) \(parameters.joined(separator: " "))"
      + (description.components.map { " (\($0.count) components)" } ?? ""))
    var header = "\(summary.count) draws, seed \(seed)"
    if let truncation { header += ", truncated to [\(number(truncation.lowerBound)), \(number(truncation.upperBound))] h" }
    lines.append(header)
    lines.append("")
    let showTheory = truncation == nil
    lines.append(row("", "draws (h)", showTheory ? "theory (h)" : ""))
    lines.append(row("mean", number(summary.mean), showTheory ? number(distribution.mean) : ""))
    let noInterval = summary.count == 1 ? "n/a (one draw)" : summary.overflowed > 0 ? "n/a (draws overflow)" : "n/a (not finite)"
    lines.append(row("  95% CI", summary.meanCI95.map { "\(number($0.lowerBound)) .. \(number($0.upperBound))" } ?? noInterval, ""))
    lines.append(row("sd", number(summary.standardDeviation), showTheory ? number(distribution.standardDeviation) : ""))
    for (p, q) in zip(SampleSummary.quantileLevels, summary.quantiles) {
      lines.append(row("p\(number(p * 100))", number(q), showTheory ? number(distribution.quantile(p)) : ""))
    }
    lines.append(row("min", number(summary.minimum), ""))
    lines.append(row("max", number(summary.maximum), ""))
    if summary.overflowed > 0 {
      lines.append("")
      lines.append("note: \(summary.overflowed) of \(summary.count) draws overflowed a double (beyond 1.8e308 h): these parameters describe no failure process cposim can simulate")
    }
    return lines.joined(separator: "\n")
  }

  private static func row(_ label: String, _ draws: String, _ theory: String) -> String {
    label.padding(toLength: 10, withPad: " ", startingAt: 0)
      + String(repeating: " ", count: max(0, 24 - draws.count)) + draws
      + String(repeating: " ", count: max(0, 16 - theory.count)) + theory
  }

  static func number(_ value: Double) -> String {
    if !value.isFinite { return value.isNaN ? "n/a" : (value > 0 ? "inf" : "-inf") }
    return String(format: "%.6g", value)
  }
}
