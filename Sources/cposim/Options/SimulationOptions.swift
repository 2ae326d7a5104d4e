import ArgumentParser
import Foundation

/// Options shared by the commands that simulate: how many trials, which seed, how many threads.
struct SimulationOptions: ParsableArguments {
  @Option(help: "Number of trials (default: the scenario's).")
  var trials: Int?

  @Option(help: "Master seed (default: the scenario's).")
  var seed: UInt64?

  @Option(help: "Worker threads (default: the number of cores). Results do not depend on it.")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  @Flag(help: "No progress bar.")
  var quiet = false

  func validate() throws {
    if let trials, trials < 1 { throw ValidationError("'--trials' must be at least 1 (got \(trials))") }
    if threads < 1 { throw ValidationError("'--threads' must be at least 1 (got \(threads))") }
  }
}
