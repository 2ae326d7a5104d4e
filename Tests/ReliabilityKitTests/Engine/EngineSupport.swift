import Foundation
import Testing
import ReliabilityKit

/// Loads a scenario written inline (the catalog is the test catalog plus `parts`).
func scenario(_ yaml: String) throws -> Scenario {
  let directory = TemporaryDirectory()
  directory.write("FailureData/parts.yaml", testCatalog)
  return try ScenarioLoader.load(path: directory.write("s.yaml", yaml))
}

/// Runs `trials` trials and returns one number per trial.
func perTrial(_ scenario: Scenario, trials: Int, seed: UInt64 = 20261125, _ metric: (TrialOutcome) -> Double) throws -> [Double] {
  let simulation = try Simulation(scenario: scenario)
  return (0..<trials).map { metric(simulation.runTrial($0, seed: seed)) }
}

/// Expects the mean of `values` to equal `expected` within its 99.9% confidence interval.
func expectMean(_ values: [Double], equals expected: Double, extraTolerance: Double = 0,
                sourceLocation: SourceLocation = #_sourceLocation) {
  let m = Stats.moments(values)
  let tolerance = Stats.z999 * m.seMean + extraTolerance
  #expect(abs(m.mean - expected) <= tolerance,
          "mean \(m.mean) vs expected \(expected) (tolerance \(tolerance))", sourceLocation: sourceLocation)
}
