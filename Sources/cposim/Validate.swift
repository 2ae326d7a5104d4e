import ArgumentParser
import ReliabilityKit

/// `cposim validate`: check scenario files without running them.
struct Validate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check scenario files and report every problem with its file, line and key.",
    discussion: """
      Reads each scenario with everything it pulls in (extends, the part catalog, overrides) and \
      builds its fabric. Exit status 0 when all files are valid, 1 otherwise, with one line per \
      problem on standard error.

      Examples:
        cposim validate Scenarios/*.yaml
        cposim validate my-cluster.yaml
      """
  )

  @Argument(help: "Scenario files to check.")
  var files: [String]

  func validate() throws {
    guard !files.isEmpty else { throw ValidationError("give at least one scenario file") }
  }

  func run() throws {
    var failed = 0
    for file in files {
      do {
        let scenario = try ScenarioLoader.load(path: file)
        let simulation = try Simulation(scenario: scenario)
        print("\(file): ok (\(scenario.name))")
        let events = simulation.expectedEventsPerTrial
        if events > Simulation.eventWarning {
          printError("\(file): warning: about \(String(format: "%.3g", events)) events per trial expected, far beyond a real fabric's; "
            + "a run will be slow (cposim refuses more than \(String(format: "%.3g", Simulation.eventLimit)))")
        }
      } catch {
        failed += 1
        printError("\(error)")
      }
    }
    if failed > 0 {
      printError("\(failed) of \(files.count) file\(files.count == 1 ? "" : "s") invalid")
      throw ExitCode.failure
    }
  }
}
