import ArgumentParser
import Foundation
import ReliabilityKit

/// `cposim compare`: scenarios side by side, with paired differences.
struct Compare: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compare scenarios against the first: differences with paired 95% confidence intervals.",
    discussion: """
      Trial i of every scenario uses the same seed, so parts the scenarios share see the same \
      failure draws (common random numbers) and differences are estimated per trial. Prints a \
      table and verdict lines; -o writes the comparison as JSON.

      Examples:
        cposim compare Scenarios/cluster-16k-pluggable.yaml Scenarios/cluster-16k-cpo-els.yaml -o out/compare.json
        cposim compare a.yaml b.yaml c.yaml --trials 500 --seed 3
        cposim compare Scenarios/cluster-1k-pluggable.yaml Scenarios/cluster-1k-cpo-els.yaml --html out/compare-1k.html
      """
  )

  @Argument(help: "Scenario files; the first is the baseline.")
  var scenarios: [String]

  @Option(name: .shortAndLong, help: "Write the comparison JSON here.")
  var output: String?

  @Option(help: ArgumentHelp("Also write the report as one self-contained HTML page here.", valueName: "file"))
  var html: String?

  @Option(help: ArgumentHelp("Also write the comparison as a tidy CSV table (scenario, metric, statistic, value, unit) here.", valueName: "file"))
  var csv: String?

  @Option(help: ArgumentHelp("Write every trial's values and paired differences B - A as CSV (trial, scenario, metric, value, unit) here.",
                             valueName: "file"))
  var perTrial: String?

  @Option(help: ArgumentHelp("Apply this file's posterior: (joint draws) and branches: to every scenario compared "
    + "(a file written by cposim infer --write-scenario; docs/inference.md).", valueName: "file"))
  var posterior: String?

  @OptionGroup var simulation: SimulationOptions

  @Flag(help: "Also list metrics that are 0 in every trial of every scenario in the table.")
  var showZero = false

  func validate() throws {
    guard scenarios.count >= 2 else { throw ValidationError("give at least two scenario files to compare") }
    try checkOutputNames(outputFiles, inputs: scenarios + (posterior.map { [$0] } ?? []))
  }

  var outputFiles: [OutputFile?] {
    [output.map { OutputFile($0, option: "-o") }, html.map { OutputFile($0, option: "--html") }, csv.map { OutputFile($0, option: "--csv") },
     perTrial.map { OutputFile($0, option: "--per-trial") }]
  }

  func run() throws {
    var problems: [String] = []
    var loaded: [Scenario] = []
    let source = try posterior.map { path throws(InputErrors) in try ScenarioLoader.posteriorSource(path: path) }
    for path in scenarios {
      do { loaded.append(try ScenarioLoader.load(path: path, applying: source)) } catch { problems.append(error.description) }
    }
    guard problems.isEmpty else { throw CLIError(problems.joined(separator: "\n")) }
    let branches = try Self.branches(loaded)
    let report = output.map { OutputFile($0, option: "-o") }
    try OutputFile.check(outputFiles.compactMap { $0 }, inputs: loaded.flatMap(\.inputFiles))
    let names = loaded.map(\.name)
    if Set(names).count != names.count { throw CLIError("scenario names must differ to be compared (got \(names.joined(separator: ", ")))") }
    let comparison = Comparison(simulations: try loaded.map { try Simulation(scenario: $0) })
    let seed = simulation.seed ?? loaded[0].seed
    let count = simulation.trials ?? loaded[0].trials
    let progress = ProgressBar(total: count, label: "compare", quiet: simulation.quiet)
    let update: @Sendable (Int) -> Void = { progress.update($0) }
    // Per-trial lines are kept in a temporary file and renamed into place at the end.
    let lines = try perTrial.map { try OutputFile($0, option: "--per-trial").openLines() }
    lines?.append(Data(TidyTable.perTrialHeader.utf8))
    var sink: (@Sendable (Data) -> Void)?
    if let lines { sink = { data in lines.append(data) } }
    let statistics = comparison.run(trials: count, seed: seed, threads: simulation.threads, progress: update,
                                    perTrial: lines == nil ? nil : TidyTable.perTrialLines(comparison), lines: sink)
    var comparisonReport = ComparisonReport(comparison: comparison, statistics: statistics, seed: seed)
    if let p = loaded.compactMap(\.posterior).first {
      comparisonReport.posterior = .init(p, file: posterior ?? p.file)
    }
    if !branches.isEmpty {
      // Each branch: the same scenarios with its values set, the same seed and trials (the same
      // posterior draw and failure draws in trial i).
      var results: [ComparisonReport.BranchResult] = []
      for (b, branch) in branches.enumerated() {
        let overrides = branch.set.map { ScenarioLoader.Override(keyPath: $0.keyPath, value: $0.value, option: "branch \(branch.name):") }
        let variant = try scenarios.map { path throws(InputErrors) in try ScenarioLoader.load(path: path, overrides: overrides, applying: source) }
        let branchComparison = Comparison(simulations: try variant.map { try Simulation(scenario: $0) })
        let bar = ProgressBar(total: count, label: "branch \(b + 1)/\(branches.count)", quiet: simulation.quiet)
        let stats = branchComparison.run(trials: count, seed: seed, threads: simulation.threads, progress: { bar.update($0) })
        results.append(.init(branch: branch, report: ComparisonReport(comparison: branchComparison, statistics: stats, seed: seed)))
      }
      comparisonReport.branches = results
      for r in results {
        for name in loaded.dropFirst().map(\.name) {
          guard let p = r.probabilityCheaper[name], let d = r.differences[name] else { continue }
          comparisonReport.verdicts.append(String(format: "%@ vs %@ if %@: total cost per year %@, P(%@ cheaper) = %.2f (95%% CI %.2f .. %.2f)",
            name, loaded[0].name, r.name, Quantity.format(d.mean.value, unit: "usd", metric: "total_cost_usd_per_year", signed: true),
            name, p.p.value, p.ci95Low.value, p.ci95High.value))
        }
      }
    }
    try report?.writeJSON(comparisonReport)
    if let html { try HTMLOutput.write(comparisonReport, to: html) }
    if let csv { try OutputFile(csv, option: "--csv").write(Data(TidyTable(comparisonReport).csv.utf8)) }
    try lines?.commit()
    print(ComparisonTable.render(comparisonReport, showZero: showZero))
    if let output { printError("comparison written to \(output)") }
    if let html { printError("HTML report written to \(html)") }
    if let csv { printError("CSV table written to \(csv)") }
    if let perTrial { printError("per-trial values and differences written to \(perTrial)") }
  }
}

extension Compare {
  /// The branches of the scenarios compared, by name in first appearance: a branch two
  /// scenarios both name must be defined the same way in both.
  static func branches(_ loaded: [Scenario]) throws -> [ScenarioBranch] {
    var result: [ScenarioBranch] = []
    for scenario in loaded {
      for branch in scenario.branches {
        if let known = result.first(where: { $0.name == branch.name }) {
          guard known.sameDefinition(as: branch) else {
            throw CLIError("\(branch.file):\(branch.line ?? 0): branches.\(branch.name): defined differently at \(known.file):\(known.line ?? 0); "
              + "a branch compared across scenarios must set the same values")
          }
          continue
        }
        result.append(branch)
      }
    }
    return result
  }
}

/// A message for the user with a non-zero exit.
struct CLIError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
