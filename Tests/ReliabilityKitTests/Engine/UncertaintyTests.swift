import Foundation
import Testing
@testable import ReliabilityKit

/// Two-level Monte Carlo: inputs given as ranges are drawn per trial, from streams of their own.
@Suite("Engine: uncertain inputs")
struct UncertaintyTests {
  static func system(power: String, name: String = "s", mtbf: String = "1000h") -> String {
    """
    name: \(name)
    horizon: 1000h
    parts:
      unit-part: {fru: unit-fru, power_w: \(power), source: estimate, modes: {fail: {distribution: {kind: exponential, mtbf: \(mtbf)}}}}
    system: {units: {u: {part: unit-part}}}
    repair: {workflows: {unit-fru: {action: hot-swap, clean_first: false, hands_on: 1h}}}
    """
  }

  @Test("the scenario holds the central values; each trial draws from the range and records the draw")
  func drawsPerTrial() throws {
    let s = try scenario(Self.system(power: "{uncertain: uniform, low: 100, high: 300}",
                                     mtbf: "{uncertain: lognormal, low: 500h, high: 2000h}"))
    #expect(s.uncertainInputs.map(\.keyPath) == ["parts.unit-part.power_w", "parts.unit-part.modes.fail.distribution.mtbf"])
    #expect(s.catalog["unit-part"]?.powerWatts == 200)
    let simulation = try Simulation(scenario: s)
    let metrics = TrialMetrics(simulation: simulation)
    var powers: [Double] = []
    for trial in 0..<400 {
      let o = simulation.runTrial(trial, seed: 4)
      #expect(o.inputs.count == 2)
      #expect((100...300).contains(o.inputs[0]))
      powers.append(o.inputs[0])
      // The energy line follows the drawn power: W × h × PUE × $/kWh.
      let energy = metrics.value(named: "energy_cost_usd", in: o)!
      #expect(abs(energy - o.inputs[0] / 1000 * 1000 * 1.56 * 0.078) < 1e-9)
      #expect(o == simulation.runTrial(trial, seed: 4), "a trial is a pure function of (scenario, seed, index)")
    }
    // Uniform on [100, 300]: mean 200, sd 57.7.
    expectMean(powers, equals: 200)
    #expect(Set(powers).count == 400)
  }

  @Test("statistics are identical whatever the thread count and the split")
  func splitsAndThreads() throws {
    let s = try scenario(Self.system(power: "{uncertain: triangular, low: 50, high: 250, mode: 100}"))
    let simulation = try Simulation(scenario: s)
    let metrics = TrialMetrics(simulation: simulation)
    let whole = simulation.statistics(trials: 0..<60, seed: 2, metrics: metrics, threads: 2)
    var parts = simulation.statistics(trials: 0..<17, seed: 2, metrics: metrics)
    parts.merge(simulation.statistics(trials: 17..<60, seed: 2, metrics: metrics, threads: 3))
    #expect(whole == parts)
    #expect(whole.inputs.count == 1 && whole.inputs[0].count == 60)
  }

  @Test("P(B better) under a uniform prior: B at 120 W beats A drawn on [0, 200] W with probability 0.4")
  func probabilityBetter() throws {
    let a = try scenario(Self.system(power: "{uncertain: uniform, low: 0, high: 200}", name: "a"))
    let b = try scenario(Self.system(power: "120", name: "b"))
    let comparison = Comparison(simulations: [try Simulation(scenario: a), try Simulation(scenario: b)])
    let statistics = comparison.run(trials: 2000, seed: 9, threads: 2)
    let report = ComparisonReport(comparison: comparison, statistics: statistics, seed: 9)
    let p = try #require(report.probabilityBetter["b"]?["energy_cost_usd"])
    // The energy cost is exactly proportional to the drawn power: B is cheaper when A's power
    // exceeds 120 W, probability (200 − 120)/200. The binomial 99.9% half-width is 0.036.
    #expect(abs(p.p.value - 0.4) < 3.29 * (0.4 * 0.6 / 2000).squareRoot())
    #expect(p.ci95Low.value < 0.4 && p.ci95High.value > 0.4 && p.better == "lower")
  }

  @Test("scenarios that share a key and range draw the same value in the same trial")
  func sharedDraws() throws {
    let a = try Simulation(scenario: try scenario(Self.system(power: "{uncertain: uniform, low: 10, high: 20}", name: "a", mtbf: "500h")))
    let b = try Simulation(scenario: try scenario(Self.system(power: "{uncertain: uniform, low: 10, high: 20}", name: "b", mtbf: "900h")))
    let c = try Simulation(scenario: try scenario(Self.system(power: "{uncertain: uniform, low: 10, high: 21}", name: "c")))
    for trial in 0..<5 {
      #expect(a.runTrial(trial, seed: 1).inputs == b.runTrial(trial, seed: 1).inputs)
      #expect(a.runTrial(trial, seed: 1).inputs != c.runTrial(trial, seed: 1).inputs)
    }
  }

  @Test("bad ranges are errors at their line naming the key", arguments: [
    ("{uncertain: uniform, low: 300, high: 100}", "must be below high (got low 300, high 100)"),
    ("{uncertain: lognormal, low: 0, high: 100}", "must be above 0 for a lognormal range"),
    ("{uncertain: normal, low: 1, high: 2}", "uncertain"),
    ("{uncertain: uniform, low: 1h, high: 2}", "must be written in the same unit"),
    ("{uncertain: uniform, low: -50, high: 100}", "the low end of the range (-50.0) is not a valid value"),
  ])
  func badRanges(power: String, message: String) {
    #expect { try scenario(Self.system(power: power)) } throws: {
      let text = "\($0)"
      return text.contains(message) && text.contains("s.yaml:") && text.contains("power_w")
    }
  }

  static let technicians = "\nrepair: {technicians: {count: COUNT}, workflows: {unit-fru: {action: hot-swap, clean_first: false, hands_on: 1h}}}\n"

  @Test("an uncertain whole number drawn uniformly takes each whole number of its range equally often", .tags(.statistical))
  func uniformWholeNumbers() throws {
    let yaml = Self.system(power: "100").replacingOccurrences(of: "\nrepair: {workflows: {unit-fru: {action: hot-swap, clean_first: false, hands_on: 1h}}}", with: "")
      + Self.technicians.replacingOccurrences(of: "COUNT", with: "{uncertain: uniform, low: 1, high: 3}")
    let s = try scenario(yaml)
    let input = try #require(s.uncertainInputs.first)
    #expect(input.keyPath == "repair.technicians.count" && input.integer)
    let seeds = SeedSequence(master: 27)
    let draws = (0..<30_000).map { input.draw(trial: $0, seeds: seeds) }
    #expect(draws.allSatisfy { [1, 2, 3].contains($0) })
    // Chi-squared against 1/3 each (rounding a uniform on [1, 3] gave 25 %, 50 %, 25 %).
    let expected = Double(draws.count) / 3
    let chi2 = [1.0, 2, 3].reduce(0.0) { sum, k in
      let n = Double(draws.count { $0 == k })
      return sum + (n - expected) * (n - expected) / expected
    }
    #expect(GSL.chiSquaredQ(chi2, degreesOfFreedom: 2) > 0.001, "chi2 \(chi2)")
    // Lognormal and triangular ranges of a whole-number key round to the nearest whole number.
    let triangular = try scenario(yaml.replacingOccurrences(of: "{uncertain: uniform, low: 1, high: 3}", with: "{uncertain: triangular, low: 1, high: 5, mode: 2}"))
    let t = try #require(triangular.uncertainInputs.first)
    #expect((0..<1000).allSatisfy { let v = t.draw(trial: $0, seeds: seeds); return v == v.rounded() && (1...5).contains(v) })
  }

  @Test("a range of a whole-number key must be whole numbers itself")
  func wholeNumberRange() {
    let yaml = Self.system(power: "100").replacingOccurrences(of: "\nrepair: {workflows: {unit-fru: {action: hot-swap, clean_first: false, hands_on: 1h}}}", with: "")
      + Self.technicians.replacingOccurrences(of: "COUNT", with: "{uncertain: uniform, low: 1.5, high: 3}")
    #expect { try scenario(yaml) } throws: {
      "\($0)".contains("repair.technicians.count.low: repair.technicians.count takes whole numbers, so its range does too (got 1.5)")
    }
  }

  @Test("a range on a key that is not a number names the key")
  func nonNumeric() {
    #expect { try scenario(Self.system(power: "100") + "\nageing_while_down: {uncertain: uniform, low: 1, high: 2}\n") } throws: {
      "\($0)".contains("ageing_while_down")
    }
  }
}

@Suite("Report: tails")
struct TailTests {
  static let scenarioText = """
    horizon: 4000h
    parts:
      solid: {fru: solid, source: estimate}
    system: {units: {s: {part: solid}}}
    jobs: [{name: train, gpus: 8, checkpoint_interval: 1h, restart_overhead: 30m, background_rate: 0.02/h}]
    thresholds: ["job_ettr < 0.985", "job_worst_month_interruptions > 20", "job_node_wait_hours >= 0"]
    """

  @Test("tail probabilities count the trials beyond each threshold; the worst month is the largest monthly count")
  func tails() throws {
    let s = try scenario(Self.scenarioText)
    #expect(s.thresholds.map(\.text) == ["job_ettr < 0.985", "job_worst_month_interruptions > 20", "job_node_wait_hours >= 0"])
    let simulation = try Simulation(scenario: s)
    let metrics = TrialMetrics(simulation: simulation)
    var lowETTR = 0, badMonth = 0
    for trial in 0..<80 {
      let o = simulation.runTrial(trial, seed: 6)
      if metrics.value(named: "job_ettr", in: o)! < 0.985 { lowETTR += 1 }
      let worst = metrics.value(named: "job_worst_month_interruptions", in: o)!
      #expect(worst == Double(o.jobs[0].monthlyInterruptions.max()!))
      #expect(o.jobs[0].monthlyInterruptions.reduce(0, +) == o.jobs[0].totalInterruptions)
      if worst > 20 { badMonth += 1 }
    }
    let statistics = simulation.statistics(trials: 0..<80, seed: 6, metrics: metrics, threads: 2)
    #expect(statistics.beyond == [lowETTR, badMonth, 80])
    #expect(lowETTR > 0 && lowETTR < 80 && badMonth > 0 && badMonth < 80, "thresholds chosen inside the distribution")
    let report = RunReport(simulation: simulation, metrics: metrics, statistics: statistics, seed: 6)
    #expect(report.tailProbabilities["job_ettr < 0.985"]?.p.value == Double(lowETTR) / 80)
  }

  @Test("thresholds name an unknown metric, a bad form or the wrong unit at their line", arguments: [
    ("[\"job_etr < 0.9\"]", "no metric 'job_etr' in this scenario's report (did you mean 'job_ettr'?)"),
    ("[\"job_ettr 0.9\"]", "must be 'METRIC < VALUE'"),
    ("[\"job_interruptions > 2d\"]", "'2d' is a duration but job_interruptions is in count"),
    ("[\"job_ettr < 90%\", \"job_ettr < 2h\"]", "'2h' is a duration but job_ettr is in ratio"),
  ])
  func badThresholds(list: String, message: String) {
    let text = Self.scenarioText.replacingOccurrences(of: "thresholds: [\"job_ettr < 0.985\", \"job_worst_month_interruptions > 20\", \"job_node_wait_hours >= 0\"]",
                                                      with: "thresholds: \(list)")
    #expect { try scenario(text) } throws: { "\($0)".contains(message) && "\($0)".contains("s.yaml:6") }
  }
}
