import Foundation

/// The JSON of `cposim compare` (schema: schemas/comparison.schema.json).
public struct ComparisonReport: Encodable, Sendable {
  public static let schemaVersion = 1

  public struct ComparisonProvenance: Encodable, Sendable {
    public let toolVersion: String
    public let gslVersion: String
    public let generator: String
    public let seed: UInt64
    public let trials: Int
    public let blockSize: Int
    public let commonRandomNumbers: Bool
    public let scenarioFiles: [String: [RunReport.FileHash]]
  }

  public let schemaVersion = ComparisonReport.schemaVersion
  public let provenance: ComparisonProvenance
  public let baseline: String
  /// Each scenario's own metrics.
  public let scenarios: [String: [String: Estimate]]
  /// For each other scenario, per-trial differences (scenario − baseline) of each shared metric.
  public let differences: [String: [String: Estimate]]
  public let verdicts: [String]

  public init(comparison: Comparison, statistics: Comparison.Statistics, seed: UInt64) {
    let sims = comparison.simulations
    provenance = ComparisonProvenance(
      toolVersion: ToolVersion.current, gslVersion: ToolVersion.gsl, generator: RandomSource.generatorName, seed: seed,
      trials: statistics.perScenario[0].trials, blockSize: TrialBlocks.size, commonRandomNumbers: true,
      scenarioFiles: Dictionary(uniqueKeysWithValues: sims.map {
        ($0.scenario.name, RunReport.hashes($0.scenario.files + ($0.scenario.catalogFile.map { [$0] } ?? [])))
      }))
    baseline = sims[0].scenario.name
    var scenarios: [String: [String: Estimate]] = [:]
    for (k, sim) in sims.enumerated() {
      scenarios[sim.scenario.name] = Dictionary(uniqueKeysWithValues: zip(comparison.metrics[k].definitions, statistics.perScenario[k].metrics).map {
        ($0.name, Estimate($1, unit: $0.unit))
      })
    }
    self.scenarios = scenarios
    var differences: [String: [String: Estimate]] = [:]
    var verdicts: [String] = []
    for k in 1..<sims.count {
      let name = sims[k].scenario.name
      let estimates = Dictionary(uniqueKeysWithValues: zip(comparison.sharedMetrics, statistics.differences[k - 1]).map {
        ($0.name, Estimate($1, unit: $0.unit))
      })
      differences[name] = estimates
      verdicts += ComparisonReport.verdicts(name: name, baseline: baseline, differences: estimates)
    }
    self.differences = differences
    self.verdicts = verdicts
  }

  /// Plain sentences for the differences that decide the trade.
  static func verdicts(name: String, baseline: String, differences: [String: Estimate]) -> [String] {
    let lines: [(metric: String, what: String, format: (Double) -> String)] = [
      ("total_cost_usd_per_year", "total cost per year", { money($0) }),
      ("interruption_cost_usd", "job interruption cost over the horizon", { money($0) }),
      ("energy_cost_usd", "optics energy cost over the horizon", { money($0) }),
      ("job_interruptions_per_month", "job interruptions per month", { String(format: "%+.3g", $0) }),
      ("job_ettr", "effective training time ratio", { String(format: "%+.4f", $0) }),
      ("link_availability", "link availability", { String(format: "%+.2e", $0) }),
    ]
    var result: [String] = []
    for line in lines {
      guard let e = differences[line.metric], e.mean.value.isFinite else { continue }
      let low = e.ci95Low.value, high = e.ci95High.value
      let verdict: String
      if low.isFinite, high.isFinite, low > 0 || high < 0 {
        verdict = e.mean.value > 0 ? "higher" : "lower"
      } else {
        verdict = "no difference the trials can resolve"
      }
      let interval = low.isFinite && high.isFinite ? " (95% CI \(line.format(low)) .. \(line.format(high)))" : ""
      result.append("\(name) vs \(baseline): \(line.what) \(line.format(e.mean.value))\(interval): \(verdict)")
    }
    return result
  }

  static func money(_ x: Double) -> String {
    let sign = x < 0 ? "-" : "+"
    let v = abs(x)
    if v >= 1e6 { return String(format: "%@$%.2fM", sign, v / 1e6) }
    if v >= 1e3 { return String(format: "%@$%.1fk", sign, v / 1e3) }
    return String(format: "%@$%.0f", sign, v)
  }
}
