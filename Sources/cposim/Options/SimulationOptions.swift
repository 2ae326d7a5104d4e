import ArgumentParser
import Foundation
import ReliabilityKit

/// Options shared by the commands that simulate: how many trials, which seed, how many threads.
struct SimulationOptions: ParsableArguments {
  @Option(parsing: .unconditional, help: "Number of trials (default: the scenario's).")
  var trials: Int?

  @Option(parsing: .unconditional, help: "Master seed (default: the scenario's).")
  var seed: UInt64?

  @Option(parsing: .unconditional, help: "Worker threads (default: the number of cores). Results do not depend on it.")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  @Flag(help: "No progress bar.")
  var quiet = false

  func validate() throws {
    if let trials, trials < 1 { throw ValidationError("'--trials' must be at least 1 (got \(trials))") }
    if let trials, trials > InputLimits.trials { throw ValidationError("'--trials' must be at most \(InputLimits.trials) (got \(trials))") }
    if threads < 1 { throw ValidationError("'--threads' must be at least 1 (got \(threads))") }
  }
}
