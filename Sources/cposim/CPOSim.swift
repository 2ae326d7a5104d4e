import ArgumentParser
import Foundation
import ReliabilityKit

@main
struct CPOSim: ParsableCommand {
  static func main() {
    Allocator.keepFreedMemory()
    let arguments = Array(CommandLine.arguments.dropFirst())
    do {
      try refuseDashedFileNames(arguments)
    } catch {
      exit(withError: error)
    }
    main(arguments)
  }

  /// Parses a command line as `main` does, refusing file names read as options first.
  static func parseAsRoot(_ arguments: [String]?) throws -> ParsableCommand {
    try refuseDashedFileNames(arguments ?? Array(CommandLine.arguments.dropFirst()))
    return try (Self.self as ParsableCommand.Type).parseAsRoot(arguments)
  }

  /// A file name that starts with '-' (`cposim run -child.yaml`) is parsed as a cluster of short
  /// options, and one of them is `-h`: the help was printed with exit 0 and nothing ran. An
  /// argument that starts with a single '-', is not a number, and names an existing file or
  /// looks like a path (holds '.' or '/') is refused instead, saying how to name it.
  static func refuseDashedFileNames(_ arguments: [String]) throws {
    for argument in arguments.prefix(while: { $0 != "--" }) {
      guard argument.hasPrefix("-"), !argument.hasPrefix("--"), argument.count > 2 else { continue }
      let second = argument[argument.index(after: argument.startIndex)]
      if second.isNumber || second == "." { continue }
      guard argument.contains(".") || argument.contains("/") || FileManager.default.fileExists(atPath: argument) else { continue }
      let letters = argument.dropFirst().prefix { $0.isLetter }
      let options = letters.prefix(5).map { "-\($0)" }.joined(separator: " ") + (argument.count > 6 ? " ..." : "")
      throw ValidationError("'\(argument)' would be read as the options \(options)\(letters.contains("h") ? " (-h prints the help and runs nothing)" : ""); to name a file whose name starts with '-', write ./\(argument)")
    }
  }

  static let configuration = CommandConfiguration(
    commandName: "cposim",
    abstract: "Reliability and serviceability Monte Carlo for AI-cluster optics: pluggable vs co-packaged.",
    discussion: """
      Examples:
        cposim sample weibull --shape 1.5 --scale 1000h -n 200000 --seed 7
        cposim sample exponential --afr 1% --json
        cposim validate Scenarios/*.yaml
        cposim describe Scenarios/cluster-16k-cpo-els.yaml
        cposim --version
      """,
    version: ToolVersion.summary,
    subcommands: [Sample.self, Validate.self, Describe.self, Run.self, Compare.self, Merge.self, SweepCommand.self, BreakevenCommand.self, CalibrateCommand.self, InferCommand.self, SensitivityCommand.self, Fit.self, Recurrent.self, ReportCommand.self]
  )
}
