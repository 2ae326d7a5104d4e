import ArgumentParser
import Foundation
import ReliabilityKit

/// `cposim sensitivity`: which inputs decide B − A (a tornado).
struct SensitivityCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sensitivity",
    abstract: "Rank the inputs with a low/high range by how far they swing B − A (a tornado).",
    discussion: """
      Takes every input with a range in either scenario (the catalog's part ranges, the \
      scenario's top-level ranges, and uncertain inputs, held at their median), moves each to its \
      low and to its high with all others at their central values, runs A and B paired per trial \
      (common random numbers) at every point, and ranks the inputs by the swing \
      |(B − A) at high − (B − A) at low|. A key both scenarios have is moved in both. \
      Prints a table; -o writes the JSON (docs/sensitivity.md), --html the tornado page.

      Examples:
        cposim sensitivity Scenarios/cluster-16k-pluggable.yaml Scenarios/cluster-16k-cpo-els.yaml --trials 50 -o sens.json
        cposim sensitivity Scenarios/cluster-1k-pluggable.yaml Scenarios/cluster-1k-cpo-els.yaml --top 10 --html sens.html
        cposim sensitivity a.yaml b.yaml --metric job_ettr --trials 100 --seed 3
      """
  )

  @Argument(help: "The baseline scenario (A).")
  var baseline: String
  @Argument(help: "The alternative scenario (B).")
  var alternative: String

  @Option(help: "The metric compared (default total_cost_usd_per_year).")
  var metric: String = "total_cost_usd_per_year"

  @Option(parsing: .unconditional, help: "Report only the K inputs with the largest swing (default: all).")
  var top: Int?

  @Option(name: .shortAndLong, help: "Write the sensitivity JSON here.")
  var output: String?

  @Option(help: ArgumentHelp("Also write the report as one self-contained HTML page here.", valueName: "file"))
  var html: String?

  @Option(help: ArgumentHelp("Also write the analysis as a tidy CSV table (scenario, input, end, input_value, input_text, metric, statistic, value, unit) here.",
                             valueName: "file"))
  var csv: String?

  @Option(help: ArgumentHelp("An inference JSON (cposim infer -o): its inputs move over their posterior 5-95% ranges, centred on the median; every other input is labelled prior-only.",
                             valueName: "file"))
  var posterior: String?

  @OptionGroup var simulation: SimulationOptions

  func validate() throws {
    if let top, top < 1 { throw ValidationError("'--top' must be at least 1 (got \(top))") }
    try checkOutputNames(outputFiles, inputs: [baseline, alternative])
  }

  var outputFiles: [OutputFile?] {
    [output.map { OutputFile($0, option: "-o") }, html.map { OutputFile($0, option: "--html") }, csv.map { OutputFile($0, option: "--csv") }]
  }

  func run() throws {
    var problems: [String] = []
    var loaded: [(scenario: Scenario, template: ScenarioTemplate)] = []
    for path in [baseline, alternative] {
      do { loaded.append(try ScenarioLoader.loadWithTemplate(path: path)) } catch { problems.append(error.description) }
    }
    guard problems.isEmpty else { throw CLIError(problems.joined(separator: "\n")) }
    // The files the scenarios read (extends, catalog) are inputs too: no output may replace one.
    try OutputFile.check(outputFiles.compactMap { $0 }, inputs: Array(Set(loaded.flatMap(\.scenario.inputFiles))).sorted())
    guard loaded[0].scenario.name != loaded[1].scenario.name else {
      throw CLIError("scenario names must differ to be compared (got \(loaded[0].scenario.name) twice)")
    }
    var inputs = Sensitivity.inputs(of: loaded.map(\.scenario))
    var center: [[(keyPath: String, value: String)]] = [[], []]
    if let posterior {
      let ranges = try Self.readPosterior(posterior)
      inputs = Sensitivity.applying(ranges, file: posterior, to: inputs, scenarios: loaded.map(\.scenario))
      for input in inputs where input.evidence == "posterior" {
        for k in 0..<2 where input.bounds[k] != nil { center[k].append((input.keyPath, input.bounds[k]!.central)) }
      }
    }
    let trials = simulation.trials ?? loaded[0].scenario.trials
    if !simulation.quiet, !inputs.isEmpty {
      printError("moving \(inputs.count) inputs: \(1 + 2 * inputs.count) points of \(trials) paired trials")
    }
    let progress = ProgressBar(total: (1 + 2 * inputs.count) * trials, label: "sensitivity", quiet: simulation.quiet)
    let result = try Sensitivity.run(baseline: loaded[0], alternative: loaded[1], inputs: inputs, metric: metric, trials: trials,
                                     seed: simulation.seed, threads: simulation.threads, center: center) { done, _ in progress.update(done) }
    var report = SensitivityReport(result, top: top)
    report.posterior = posterior
    if let output { try OutputFile(output, option: "-o").writeJSON(report) }
    if let html { try HTMLOutput.write(report, to: html) }
    if let csv { try OutputFile(csv, option: "--csv").write(Data(TidyTable(report).csv.utf8)) }
    print(SensitivityTable.render(report))
    if let output { printError("sensitivity written to \(output)") }
    if let html { printError("HTML report written to \(html)") }
    if let csv { printError("CSV table written to \(csv)") }
  }

  /// The posterior ranges of an inference JSON: each input's 5 %, median and 95 %, written with
  /// its unit.
  static func readPosterior(_ path: String) throws -> [Sensitivity.PosteriorRange] {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw CLIError("\(path): cannot read the posterior (\(error.localizedDescription))")
    }
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw CLIError("\(path): not a JSON object; --posterior takes the JSON of cposim infer -o")
    }
    guard object["kind"] as? String == "inference", let inputs = object["inputs"] as? [[String: Any]] else {
      throw CLIError("\(path): not an inference (\"kind\": \"inference\", written by cposim infer -o); --posterior takes one")
    }
    guard !inputs.isEmpty else { throw CLIError("\(path): the inference moved no input (it was run without --vary): no posterior range to use") }
    return try inputs.enumerated().map { k, input in
      guard let key = input["key_path"] as? String, let p5 = input["p5"] as? Double, let p50 = input["p50"] as? Double,
            let p95 = input["p95"] as? Double, p5.isFinite, p95.isFinite, p50.isFinite else {
        throw CLIError("\(path): inputs[\(k)] has no finite key_path, p5, p50 and p95")
      }
      let suffix = input["suffix"] as? String ?? ""
      func text(_ x: Double) -> String { String(format: "%.6g", x) + suffix }
      return Sensitivity.PosteriorRange(keyPath: key, low: text(p5), central: text(p50), high: text(p95))
    }
  }
}
