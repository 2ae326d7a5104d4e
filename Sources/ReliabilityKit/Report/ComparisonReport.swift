import Foundation

/// The JSON of `cposim compare` (schema: schemas/comparison.schema.json).
public struct ComparisonReport: Encodable, Sendable {
  /// The report's `schema_version`; bumped on any breaking change.
  public static let schemaVersion = 1

  /// What made the comparison: the tool, its build, the generator, the seed and the trials.
  public struct ComparisonProvenance: Encodable, Sendable {
    /// cposim's version.
    public let toolVersion: String
    /// The git commit of the build that computed the trials.
    public var buildCommit = ToolVersion.commit
    /// The GNU Scientific Library's version.
    public let gslVersion: String
    /// The random number generator (`taus2`).
    public let generator: String
    /// The master seed every scenario's trial i used.
    public let seed: UInt64
    /// Paired trials.
    public let trials: Int
    /// Trials per block.
    public let blockSize: Int
    /// Whether the scenarios' trials were paired (true: trial i of each used the same seed).
    public let commonRandomNumbers: Bool
    /// Each scenario's files (its `extends` chain and catalog), with their SHA-256.
    public let scenarioFiles: [String: [RunReport.FileHash]]
  }

  /// The report's `schema_version`.
  public let schemaVersion = ComparisonReport.schemaVersion
  /// What made the comparison.
  public let provenance: ComparisonProvenance
  /// The baseline scenario's name (the first given).
  public let baseline: String
  /// Each scenario's own metrics.
  public let scenarios: [String: [String: Estimate]]
  /// For each other scenario, per-trial differences (scenario − baseline) of each shared metric.
  public let differences: [String: [String: Estimate]]
  /// For each other scenario and shared metric: the probability, over trials (input uncertainty
  /// included), that the scenario is better than the baseline.
  public let probabilityBetter: [String: [String: Probability]]
  /// For every scenario: the share of paired trials in which its `total_cost_usd` was the
  /// lowest of all the scenarios compared (strictly; `cheapest_ties` holds the trials with a tie).
  public let probabilityCheapest: [String: Probability]
  /// The share of paired trials in which two or more scenarios shared the lowest total cost.
  public let cheapestTies: Probability
  /// The verdict lines, in words, as `cposim compare` prints them.
  public var verdicts: [String]
  /// The posterior the scenarios drew their inputs from (`posterior:`, or `--posterior FILE`),
  /// when one did: each trial is one joint draw and one simulated history, so P(better) is a
  /// posterior predictive probability.
  public var posterior: PosteriorSummary? = nil
  /// The verdict per named branch (`branches:`), each under the same draws and trials.
  public var branches: [BranchResult]? = nil

  /// The joint draws a scenario carries (`posterior:`), summarised: keys, units, the number of draws, each key's 5/50/95 % and the block's provenance.
  public struct PosteriorSummary: Encodable, Sendable {
    /// The file the block came from (the scenario's own file when it carries it).
    public let file: String
    /// The file's SHA-256.
    public let sha256: String
    /// The key paths the posterior draws, in the block's order.
    public let keys: [String]
    /// Each key's unit as written, in `keys` order.
    public let units: [String]
    /// Rows (joint draws) in the block.
    public let draws: Int
    /// Each key's 5/50/95 % over the draws.
    public let quantiles: [String: [String: Double]]
    /// The block's provenance as written.
    public let provenance: [String: String]

    /// The summary of `p`, read from `file`.
    public init(_ p: PosteriorDraws, file: String) {
      self.file = file
      sha256 = RunReport.hashes([file]).first?.sha256 ?? ""
      keys = p.keys
      units = p.units
      draws = p.rows.count
      quantiles = Dictionary(uniqueKeysWithValues: p.keys.indices.map { k in
        (p.keys[k], ["p5": p.quantile(0.05, key: k), "p50": p.quantile(0.5, key: k), "p95": p.quantile(0.95, key: k)])
      })
      provenance = Dictionary(p.provenance.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
    }
  }

  /// One branch: its values, and for each other scenario the paired difference of the total cost
  /// per year and P(cheaper) under the branch.
  public struct BranchResult: Encodable, Sendable {
    /// The branch's name.
    public let name: String
    /// What the branch assumes, in words.
    public let note: String
    /// Where its values come from (a SOURCES.md key or `estimate`), or nil.
    public let source: String?
    /// The values the branch sets, by key path, as written.
    public let set: [String: String]
    /// For each other scenario: the paired difference of `total_cost_usd_per_year` under the branch.
    public let differences: [String: Estimate]
    /// For each other scenario: P(cheaper than the baseline) under the branch.
    public let probabilityCheaper: [String: Probability]

    /// The branch's row, from the comparison `report` run under it.
    public init(branch: ScenarioBranch, report: ComparisonReport) {
      name = branch.name
      note = branch.note
      source = branch.source
      set = Dictionary(branch.set.map { ($0.keyPath, $0.value) }, uniquingKeysWith: { a, _ in a })
      differences = report.differences.compactMapValues { $0["total_cost_usd_per_year"] }
      probabilityCheaper = report.probabilityBetter.compactMapValues { $0["total_cost_usd_per_year"] }
    }
  }

  /// The share of trials in which a scenario beat the baseline, with a Wilson 95 % interval.
  public struct Probability: Encodable, Sendable {
    /// P(strictly better).
    public let p: FiniteOrNull
    /// Lower bound of the Wilson 95 % interval of `p`.
    public let ci95Low: FiniteOrNull
    /// Upper bound of the Wilson 95 % interval of `p`.
    public let ci95High: FiniteOrNull
    /// P(equal): counts often tie.
    public let pTie: FiniteOrNull
    /// What better means for the metric: `lower` or `higher`.
    public let better: String
    /// Trials counted.
    public let n: Int

    /// The share `count`/`n` of trials, with its interval (`better` is `share`).
    init(share count: Int, of n: Int) {
      let (low, high) = Self.wilson(count, n)
      p = FiniteOrNull(n > 0 ? Double(count) / Double(n) : .nan)
      ci95Low = FiniteOrNull(low)
      ci95High = FiniteOrNull(high)
      pTie = FiniteOrNull(0)
      better = "share"
      self.n = n
    }

    init(better count: Int, ties: Int, n: Int, higherIsBetter: Bool) {
      let (low, high) = Self.wilson(count, n)
      p = FiniteOrNull(n > 0 ? Double(count) / Double(n) : .nan)
      ci95Low = FiniteOrNull(low)
      ci95High = FiniteOrNull(high)
      pTie = FiniteOrNull(n > 0 ? Double(ties) / Double(n) : .nan)
      better = higherIsBetter ? "higher" : "lower"
      self.n = n
    }

    /// Wilson's score interval at 95 % (z = 1.96) for k successes in n trials.
    static func wilson(_ k: Int, _ n: Int) -> (Double, Double) {
      guard n > 0 else { return (.nan, .nan) }
      let z = 1.959963984540054, nn = Double(n), p = Double(k) / nn
      let centre = (p + z * z / (2 * nn)) / (1 + z * z / nn)
      let half = z / (1 + z * z / nn) * (p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot()
      return (max(0, centre - half), min(1, centre + half))
    }
  }

  /// The report of a comparison's statistics, run with master seed `seed`.
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
    var probabilities: [String: [String: Probability]] = [:]
    var verdicts: [String] = []
    for k in 1..<sims.count {
      let name = sims[k].scenario.name
      let estimates = Dictionary(uniqueKeysWithValues: zip(comparison.sharedMetrics, statistics.differences[k - 1]).map {
        ($0.name, Estimate(difference: $1, unit: $0.unit))
      })
      differences[name] = estimates
      let n = statistics.perScenario[0].trials
      probabilities[name] = Dictionary(uniqueKeysWithValues: comparison.sharedMetrics.enumerated().map { m, d in
        let below = statistics.below[k - 1][m], above = statistics.above[k - 1][m]
        return (d.name, Probability(better: d.higherIsBetter ? above : below, ties: n - below - above, n: n, higherIsBetter: d.higherIsBetter))
      })
      verdicts += ComparisonReport.verdicts(name: name, baseline: baseline, differences: estimates)
      if let cost = probabilities[name]?["total_cost_usd_per_year"], cost.p.value.isFinite {
        let posterior = sims.compactMap(\.scenario.posterior).first
        let what = posterior.map { ", each with one joint draw of the posterior (\($0.rows.count) draws of \($0.keys.count) inputs): a posterior predictive probability" } ?? ""
        verdicts.append(String(format: "%@ vs %@: P(%@ cheaper) = %.2f (95%% CI %.2f .. %.2f) over %d paired trials%@%@", name, baseline, name,
                               cost.p.value, cost.ci95Low.value, cost.ci95High.value, n,
                               sims.contains { !$0.scenario.uncertainInputs.isEmpty } ? ", input uncertainty included" : "", what))
      }
    }
    let n = statistics.perScenario[0].trials
    let counted = statistics.cheapest.count == sims.count && comparison.sharedMetrics.contains { $0.name == Comparison.costMetric }
    probabilityCheapest = counted ? Dictionary(uniqueKeysWithValues: sims.indices.map {
      (sims[$0].scenario.name, Probability(share: statistics.cheapest[$0], of: n))
    }) : [:]
    cheapestTies = Probability(share: counted ? statistics.cheapestTies : 0, of: counted ? n : 0)
    if counted, sims.count > 2 {
      verdicts.append(Self.cheapestVerdict(names: sims.map(\.scenario.name), probabilities: probabilityCheapest, ties: cheapestTies, n: n,
                                           uncertain: sims.contains { !$0.scenario.uncertainInputs.isEmpty }))
    }
    self.differences = differences
    probabilityBetter = probabilities
    self.verdicts = verdicts
  }

  /// One sentence: P(each cheapest) over the paired trials, most often cheapest first.
  static func cheapestVerdict(names: [String], probabilities: [String: Probability], ties: Probability, n: Int, uncertain: Bool) -> String {
    let ranked = names.enumerated().sorted { a, b in
      let pa = probabilities[a.element]?.p.value ?? 0, pb = probabilities[b.element]?.p.value ?? 0
      return pa != pb ? pa > pb : a.offset < b.offset
    }.map(\.element)
    let parts = ranked.map { name -> String in
      guard let p = probabilities[name] else { return name }
      return String(format: "%@ %.2f (95%% CI %.2f .. %.2f)", name, p.p.value, p.ci95Low.value, p.ci95High.value)
    }
    var text = "P(cheapest) over \(n) paired trials\(uncertain ? ", input uncertainty included" : ""): " + parts.joined(separator: ", ")
    if ties.p.value > 0 { text += String(format: "; tied %.2f", ties.p.value) }
    return text
  }

  /// Plain sentences for the differences that decide the trade, in the numbers of the pages
  /// and tables (`Quantity`): a real minus sign, no e-notation, availabilities in percentage
  /// points.
  static func verdicts(name: String, baseline: String, differences: [String: Estimate]) -> [String] {
    let lines: [(metric: String, what: String, unit: String)] = [
      ("total_cost_usd_per_year", "total cost per year", "usd"),
      ("interruption_cost_usd", "job interruption cost over the horizon", "usd"),
      ("energy_cost_usd", "optics energy cost over the horizon", "usd"),
      ("job_interruptions_per_month", "job interruptions per month", "count"),
      ("job_ettr", "effective training time ratio", "ratio"),
      ("link_availability", "link availability", "ratio"),
    ]
    var result: [String] = []
    for line in lines {
      guard let e = differences[line.metric], e.mean.value.isFinite else { continue }
      let low = e.ci95Low.value, high = e.ci95High.value
      let format = { (x: Double) in Quantity.format(x, unit: line.unit, metric: line.metric, signed: true) }
      let verdict: String
      if low.isFinite, high.isFinite, low > 0 || high < 0 {
        verdict = e.mean.value > 0 ? "higher" : "lower"
      } else {
        verdict = "no detectable change (the interval covers zero)"
      }
      let interval = low.isFinite && high.isFinite ? " (95% CI \(format(low)) .. \(format(high)))" : ""
      result.append("\(name) vs \(baseline): \(line.what) \(format(e.mean.value))\(interval): \(verdict)")
    }
    return result
  }
}
