import ArgumentParser
import ReliabilityKit

@main
struct CPOSim: ParsableCommand {
  static func main() {
    Allocator.keepFreedMemory()
    main(nil)
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
