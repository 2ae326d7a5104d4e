import Foundation
import Testing
@testable import cposim
import ReliabilityKit

@Suite("Sweeps and break-even")
struct SweepTests {
  @Test("a sweep covers the grid and its metrics respond to the parameter")
  func sweep() throws {
    let dir = Workspace()
    let scenario = try dir.write("s.yaml", """
      \(Workspace.catalogLine)
      horizon: 2y
      trials: 20
      parts:
        unit-part: {fru: unit-fru, source: estimate, modes: {fail: {distribution: {kind: exponential, mtbf: 200h}}}}
      system: {units: {u: {part: unit-part, count: 10}}, structure: {parallel: [u]}}
      repair:
        technicians: {count: 1}
        workflows: {unit-fru: {action: hot-swap, clean_first: false, hands_on: {kind: exponential, mtbf: 10h}}}
      """)
    var points: [Sweep.Point] = []
    for technicians in ["1", "4"] {
      for pue in ["1.2", "1.5"] {
        let settings = [(keyPath: "repair.technicians.count", value: technicians), (keyPath: "costs.pue", value: pue)]
        points.append(Sweep.Point(settings: settings, scenario: try ScenarioLoader.load(
          path: scenario, overrides: settings.map { .init(keyPath: $0.keyPath, value: $0.value) })))
      }
    }
    let report = SweepReport(scenario: scenario, parameters: ["repair.technicians.count", "costs.pue"],
                             results: try Sweep.run(points: points, trials: nil, seed: nil, threads: 2))
    let metricCount = TrialMetrics(simulation: try Simulation(scenario: try ScenarioLoader.load(path: scenario))).definitions.count
    #expect(report.rows.count == 4 * metricCount)
    func wait(_ technicians: String) -> Double {
      report.rows.first { $0.metric == "technician_wait_hours" && $0.parameters["repair.technicians.count"] == technicians }!.estimate.mean.value
    }
    #expect(wait("1") > 5 * wait("4"))
  }

  @Test("an override with a bad value names --set")
  func badOverride() throws {
    let dir = Workspace()
    let scenario = try dir.write("s.yaml", """
      \(Workspace.catalogLine)
      system: {units: {u: {part: fan}}}
      """)
    #expect { try ScenarioLoader.load(path: scenario, overrides: [.init(keyPath: "repair.technicians.count", value: "many")]) } throws: {
      "\($0)".contains("--set repair.technicians.count=many: repair.technicians.count: must be a whole number (got 'many')")
    }
  }

  @Test("grid values and break-even points are written without e-notation and read back as the same number",
        arguments: [(1e6, "h", "1000000h"), (1.73035e6, "h", "1730350h"), (40937.5, "h", "40937.5h"), (0.00358, "", "0.00358"),
                    (-12.5, "", "-12.5"), (0, "%", "0%"), (999999.7, "", "1000000"), (2.5e-7, "/h", "2.5e-07/h"), (3e15, "", "3e+15")])
  func writtenWithoutENotation(value: Double, suffix: String, expected: String) throws {
    let written = WrittenNumber(value: value, suffix: suffix)
    #expect(written.text == expected)
    let read = try #require(WrittenNumber(written.text))
    #expect(abs(read.value - value) <= abs(value) * 1e-6 && read.suffix == suffix)
  }

  @Test("break-even finds an exact crossing: equal power, equal energy cost")
  func breakeven() throws {
    let dir = Workspace()
    let common = """
      \(Workspace.catalogLine)
      horizon: 1y
      trials: 4
      parts:
        pa: {fru: pa, power_w: 100, source: estimate}
        pb: {fru: pb, power_w: 60, source: estimate}
      """
    let a = try dir.write("a.yaml", common + "\nname: a\nsystem: {units: {u: {part: pa}}}\n")
    let b = try dir.write("b.yaml", common + "\nname: b\nsystem: {units: {u: {part: pb}}}\n")
    let range = 40.0...160.0
    let text = { (x: Double) in WrittenNumber(value: x, suffix: "").text }
    let scenarios = { (value: String) throws -> (Scenario, Scenario) in
      let override = [ScenarioLoader.Override(keyPath: "parts.pb.power_w", value: value)]
      return (try ScenarioLoader.load(path: a, overrides: override), try ScenarioLoader.load(path: b, overrides: override))
    }
    let report = BreakevenReport(try Breakeven.run(range: range, text: text, metric: "energy_cost_usd", points: 4, refinements: 2,
                                                   trials: nil, seed: nil, threads: 1, scenarios: scenarios),
                                 keyPath: "parts.pb.power_w", range: range, text: text)
    #expect(abs(report.crossing.value - 100) < 1e-9)
    #expect(abs(report.crossingCi95Low.value - 100) < 1e-9 && abs(report.crossingCi95High.value - 100) < 1e-9)
    #expect(report.verdict.contains("a: energy cost breaks even at parts.pb.power_w = 100"), "\(report.verdict)")
    #expect(!report.verdict.contains("energy_cost_usd"), "the verdict names the metric as the tables do")
    #expect { try Breakeven.run(range: range, text: text, metric: "energy_cost", points: 2, refinements: 0, trials: 2, seed: nil, threads: 1,
                                scenarios: scenarios) } throws: {
      "\($0)".hasPrefix("unknown metric 'energy_cost'") && "\($0)".contains("energy_cost_usd")
    }
  }

  @Test("the report advises a checkpoint interval from the simulated interruption rate")
  func checkpointAdvice() throws {
    let dir = Workspace()
    let scenario = try dir.write("s.yaml", """
      \(Workspace.catalogLine)
      horizon: 2000h
      parts:
        solid: {fru: solid, source: estimate}
      system: {units: {s: {part: solid}}}
      jobs: [{name: train, gpus: 8, checkpoint_interval: 4h, checkpoint_write: 6m, restart_overhead: 10m, background_rate: 0.1/h}]
      """)
    let simulation = try Simulation(scenario: try ScenarioLoader.load(path: scenario))
    let metrics = TrialMetrics(simulation: simulation)
    let report = RunReport(simulation: simulation, metrics: metrics,
                           statistics: simulation.statistics(trials: 0..<30, seed: 1, metrics: metrics), seed: 1)
    let advice = try #require(report.checkpointAdvice["train"])
    // About 10 h between interruptions: Daly's interval for 6-minute writes is about 1.35 h.
    #expect(abs(advice.meanTimeBetweenInterruptionsHours.value - 10) < 1)
    #expect(abs(advice.dalyIntervalHours.value - Checkpointing.dalyOptimum(writeTime: 0.1, meanTimeBetweenInterruptions: advice.meanTimeBetweenInterruptionsHours.value)) < 1e-12)
    #expect(advice.modelEttrAtDalyInterval.value > advice.modelEttrAtCurrentInterval.value)
    // The simulated ETTR at the current interval agrees with the model's value for it.
    #expect(abs(advice.simulatedEttr.value - advice.modelEttrAtCurrentInterval.value) < 0.01)
  }
}
