import ArgumentParser
import Foundation
import ReliabilityKit

/// `cposim sample`: draw from one distribution and summarise, to sanity-check a catalog entry.
struct Sample: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Draw values from a distribution and summarise them.",
    discussion: """
      Use it to sanity-check a distribution before putting it in a part catalog: the summary \
      shows the draws beside the theoretical mean, standard deviation and quantiles.

      Durations take a unit: s, m, h, d, w or y (y = 8760 h). Rates: 1%/yr, 1140 FIT, 6.5e-3/d.

      Parameters by distribution:
        exponential    one of --mtbf, --afr (percent per year), --fit, --rate
        weibull        --shape, --scale
        lognormal      --median and --sigma, or --mean and --sd
        gamma          --shape, --scale
        deterministic  --value
        empirical      --values (durations separated by commas)
        mixture        --component WEIGHT:FAMILY:name=value,... (repeat; weights add up to 1)

      Examples:
        cposim sample weibull --shape 1.5 --scale 1000h -n 200000 --seed 7 --json
        cposim sample exponential --afr 1% --truncate 0..5y
        cposim sample lognormal --median 82000h --sigma 0.9
        cposim sample mixture --component 0.05:weibull:shape=0.5,scale=2000h \\
                              --component 0.95:exponential:afr=1
      """
  )

  @Argument(help: "The distribution family: exponential, weibull, lognormal, gamma, deterministic, empirical or mixture.")
  var distribution: String

  @Option(parsing: .unconditional, help: "Exponential: mean time between failures (duration, e.g. 876000h).")
  var mtbf: String?
  @Option(parsing: .unconditional, help: "Exponential: annualised failure rate in percent per year (e.g. 1 or 1%).")
  var afr: String?
  @Option(parsing: .unconditional, help: "Exponential: failures per 10^9 device-hours.")
  var fit: String?
  @Option(parsing: .unconditional, help: "Exponential: a rate with its unit (e.g. 1%/yr, 1140 FIT, 6.5e-3/d).")
  var rate: String?
  @Option(parsing: .unconditional, help: "Weibull or gamma: shape (dimensionless).")
  var shape: String?
  @Option(parsing: .unconditional, help: "Weibull or gamma: scale (duration).")
  var scale: String?
  @Option(parsing: .unconditional, help: "Lognormal: median (duration).")
  var median: String?
  @Option(parsing: .unconditional, help: "Lognormal: sigma, the standard deviation of ln T.")
  var sigma: String?
  @Option(parsing: .unconditional, help: "Lognormal: mean of T (duration).")
  var mean: String?
  @Option(parsing: .unconditional, help: "Lognormal: standard deviation of T (duration).")
  var sd: String?
  @Option(parsing: .unconditional, help: "Deterministic: the fixed duration.")
  var value: String?
  @Option(parsing: .unconditional, help: "Empirical: observed durations separated by commas (e.g. 2h,3.5h,40m).")
  var values: String?
  @Option(name: .customLong("component"), parsing: .unconditionalSingleValue,
          help: "Mixture: one component as WEIGHT:FAMILY:name=value,... (repeat for each).")
  var components: [String] = []

  @Option(name: [.customShort("n"), .customLong("count")], parsing: .unconditional, help: "Number of draws (1 to 20,000,000).")
  var count: Int = 100_000

  @Option(parsing: .unconditional, help: "Master seed (0 to 2^64 - 1); the same seed gives the same draws.")
  var seed: UInt64 = 1

  @Option(help: "Draw conditioned on an interval LOW..HIGH (e.g. 0..5y, 100h..inf).")
  var truncate: String?

  @Flag(help: "Print the summary as JSON instead of a table.")
  var json = false

  func validate() throws {
    guard (1...20_000_000).contains(count) else {
      throw ValidationError("'--count' must be between 1 and 20000000 (got \(count))")
    }
    if distribution != "mixture", !components.isEmpty {
      throw ValidationError("'--component' is only for the mixture distribution")
    }
  }

  /// The spec built from the options that were given.
  func spec() throws -> DistributionSpec {
    let named: [(String, String?)] = [
      ("mtbf", mtbf), ("afr", afr), ("fit", fit), ("rate", rate), ("shape", shape), ("scale", scale),
      ("median", median), ("sigma", sigma), ("mean", mean), ("sd", sd), ("value", value), ("values", values),
    ]
    let parameters = named.compactMap { name, value in value.map { DistributionSpec.Parameter(name: name, value: $0) } }
    let parsedComponents = try components.map { try DistributionSpec.component(fromCommandLine: $0) }
    return DistributionSpec(kind: distribution, parameters: parameters, components: parsedComponents)
  }

  func run() throws {
    let distribution = try spec().build()
    let interval = try truncate.map { try Units.hoursRange(from: $0) }
    let source = RandomSource(seed: SeedSequence(master: seed).seed(forTrial: 0))
    var draws = [Double]()
    draws.reserveCapacity(count)
    if let interval {
      guard distribution.probability(in: interval) > 0 else {
        throw DistributionError.emptyInterval(lower: interval.lowerBound, upper: interval.upperBound)
      }
      for _ in 0..<count { draws.append(try distribution.sample(truncatedTo: interval, using: source)) }
    } else {
      for _ in 0..<count { draws.append(distribution.sample(using: source)) }
    }
    let summary = SampleSummary(values: draws)
    if json {
      print(try JSONOutput.string(SampleReport(distribution: distribution, truncation: interval, summary: summary, seed: seed)),
            terminator: "")
    } else {
      print(SampleTable.render(distribution: distribution, truncation: interval, summary: summary, seed: seed))
    }
  }
}
