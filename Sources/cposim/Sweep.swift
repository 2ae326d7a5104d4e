import ArgumentParser
import Foundation
import ReliabilityKit

/// `cposim sweep`: a grid of one or two parameters.
struct SweepCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sweep",
    abstract: "Run a scenario over a grid of one or two parameters and write a tidy JSON table.",
    discussion: """
      --set KEY.PATH=V1,V2,... names a scenario key by its path, as in the YAML file, and the \
      values to try; give it once or twice. Every grid point runs the same seed, so neighbouring \
      points share failure draws. The JSON has one row per point and metric.

      Examples:
        cposim sweep Scenarios/cluster-16k-cpo-els.yaml --set repair.technicians.count=2,4,8 -o sweep.json
        cposim sweep Scenarios/cluster-16k-cpo-els.yaml \\
          --set parts.cpo-optical-engine.modes.engine-failure.distribution.mtbf=80000h,162500h,325000h \\
          --set costs.electricity_usd_per_kwh=0.05,0.1 --trials 100 -o sweep.json
        cposim sweep Scenarios/cluster-1k-cpo-els.yaml --set repair.technicians.count=1,2,4 --trials 50 --html sweep.html
      """
  )

  @Argument(help: "The scenario file.")
  var scenario: String

  @Option(name: .customLong("set"), parsing: .unconditionalSingleValue, help: "KEY.PATH=V1,V2,... (once or twice).")
  var settings: [String] = []

  @Option(name: .shortAndLong, help: "Write the sweep JSON here.")
  var output: String?

  @Option(help: ArgumentHelp("Also write the report as one self-contained HTML page here.", valueName: "file"))
  var html: String?

  @Option(help: ArgumentHelp("Also write the grid as a tidy CSV table (scenario, each key path, metric, statistic, value, unit) here.",
                             valueName: "file"))
  var csv: String?

  @OptionGroup var simulation: SimulationOptions

  var outputFiles: [OutputFile?] {
    [output.map { OutputFile($0, option: "-o") }, html.map { OutputFile($0, option: "--html") }, csv.map { OutputFile($0, option: "--csv") }]
  }

  var grid: [(keyPath: String, values: [String])] {
    settings.compactMap { setting in
      guard let equals = setting.firstIndex(of: "=") else { return nil }
      let values = setting[setting.index(after: equals)...].split(separator: ",").map { String($0).trimmingWhitespace() }
      return (String(setting[..<equals]), values)
    }
  }

  func validate() throws {
    guard (1...2).contains(settings.count) else { throw ValidationError("give one or two --set KEY.PATH=V1,V2,... options") }
    try checkOutputNames(outputFiles, inputs: [scenario])
    for setting in settings {
      guard let equals = setting.firstIndex(of: "="), equals != setting.startIndex,
            !setting[setting.index(after: equals)...].split(separator: ",").isEmpty else {
        throw ValidationError("'--set' must look like KEY.PATH=V1,V2,... (got '\(setting)')")
      }
    }
    let keys = grid.map(\.keyPath)
    if keys.count == 2, keys[0] == keys[1] {
      throw ValidationError("'--set \(keys[0])' is given twice: give each key once, with all its values (KEY.PATH=V1,V2,...)")
    }
    for key in keys { try checkVariedKey(key, option: "--set") }
  }

  func run() throws {
    var settings: [[(keyPath: String, value: String)]] = [[]]
    for (keyPath, values) in grid {
      settings = settings.flatMap { point in values.map { point + [(keyPath, $0)] } }
    }
    // Every point is loaded (and checked) before anything runs.
    let points = try settings.map { point in
      Sweep.Point(settings: point, scenario: try ScenarioLoader.load(
        path: scenario, overrides: point.map { ScenarioLoader.Override(keyPath: $0.keyPath, value: $0.value) }))
    }
    try OutputFile.check(outputFiles.compactMap { $0 }, inputs: Array(Set(points.flatMap(\.scenario.inputFiles))).sorted())
    let progress = ProgressBar(total: points.count, label: "sweep", quiet: simulation.quiet)
    let results = try Sweep.run(points: points, trials: simulation.trials, seed: simulation.seed,
                                threads: simulation.threads) { done, _ in progress.update(done) }
    let report = SweepReport(scenario: scenario, parameters: grid.map(\.keyPath), results: results)
    if let output { try OutputFile(output, option: "-o").writeJSON(report) }
    if let html { try HTMLOutput.write(report, to: html) }
    if let csv { try OutputFile(csv, option: "--csv").write(Data(TidyTable(report).csv.utf8)) }
    print(SweepTable.render(report))
    if let output { printError("sweep written to \(output)") }
    if let html { printError("HTML report written to \(html)") }
    if let csv { printError("CSV table written to \(csv)") }
  }
}

/// Keys that name files, not values: a sweep over them would load other scenarios (and `extends`
/// is read before any override applies, so it would be ignored).
func checkVariedKey(_ key: String, option: String) throws {
  let top = key.split(separator: ".").first.map(String.init) ?? key
  if ["extends", "catalog"].contains(top.trimmingWhitespace()) {
    throw ValidationError("'\(option) \(key)' names a file, not a value: sweep or vary values of one scenario, or run each file")
  }
}

extension String {
  func trimmingWhitespace() -> String { trimmingCharacters(in: .whitespaces) }
}

/// `cposim breakeven`: where B stops (or starts) paying off against A.
struct BreakevenCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "breakeven",
    abstract: "Find the parameter value where scenario B's metric crosses scenario A's, with an interval.",
    discussion: """
      Evaluates the paired difference B − A of --metric at --points values spread over --range, \
      then bisects the first sign change. The crossing is interpolated between the bracketing \
      points; its interval is where the bounds of the difference's 95% interval cross zero.

      Examples:
        cposim breakeven Scenarios/cluster-16k-pluggable.yaml Scenarios/cluster-16k-cpo-els.yaml \\
          --vary parts.cpo-optical-engine.modes.engine-failure.distribution.mtbf --range 100000h..2000000h
        cposim breakeven a.yaml b.yaml --vary costs.electricity_usd_per_kwh --range 0.05..0.40 --metric total_cost_usd
        cposim breakeven a.yaml b.yaml --vary costs.pue --range 1.1..1.8 -o breakeven.json --html breakeven.html
      """
  )

  @Argument(help: "The baseline scenario (A).")
  var baseline: String
  @Argument(help: "The alternative scenario (B).")
  var alternative: String

  @Option(help: "The key path to vary, as in the YAML file.")
  var vary: String

  @Option(help: "LOW..HIGH, with the unit the key takes (e.g. 100000h..2000000h, 0.05..0.4).")
  var range: String

  @Option(help: "The metric compared (default total_cost_usd).")
  var metric: String = "total_cost_usd"

  @Option(parsing: .unconditional, help: "Points spread over the range before refining.")
  var points: Int = 5

  @Option(parsing: .unconditional, help: "Bisection steps inside the bracket of the crossing.")
  var refinements: Int = 3

  @Option(name: .shortAndLong, help: "Write the break-even JSON here.")
  var output: String?

  @Option(help: ArgumentHelp("Also write the report as one self-contained HTML page here.", valueName: "file"))
  var html: String?

  @OptionGroup var simulation: SimulationOptions

  var bounds: (WrittenNumber, WrittenNumber)? {
    guard let (lo, hi) = WrittenNumber.pair(range), lo.suffix == hi.suffix, lo.value < hi.value else { return nil }
    return (lo, hi)
  }

  func validate() throws {
    try checkVariedKey(vary, option: "--vary")
    guard bounds != nil else { throw ValidationError("'--range' must be LOW..HIGH with LOW < HIGH in the same unit, such as 100000h..2000000h (got '\(range)')") }
    guard points >= 2 else { throw ValidationError("'--points' must be at least 2 (got \(points))") }
    guard refinements >= 0 else { throw ValidationError("'--refinements' must be 0 or more (got \(refinements))") }
    try checkOutputNames([output.map { OutputFile($0, option: "-o") }, html.map { OutputFile($0, option: "--html") }], inputs: [baseline, alternative])
  }

  func run() throws {
    let (low, high) = bounds!
    if OutputFile.identity(of: baseline) == OutputFile.identity(of: alternative) {
      throw CLIError("\(baseline) and \(alternative) are the same file: a scenario breaks even with itself everywhere; give two scenarios")
    }
    if ScenarioLoader.takesWholeNumber(vary), low.value != low.value.rounded() || high.value != high.value.rounded() {
      throw CLIError("'--range \(range)': \(vary) takes whole numbers; give whole-number bounds")
    }
    // Both scenarios load (and are checked) before anything runs; no output may name their files.
    let inputs = try [baseline, alternative].flatMap { try ScenarioLoader.load(path: $0).inputFiles }
    try OutputFile.check([output.map { OutputFile($0, option: "-o") }, html.map { OutputFile($0, option: "--html") }].compactMap { $0 },
                         inputs: inputs)
    let text = { (x: Double) in WrittenNumber(value: x, suffix: low.suffix).text }
    let result = try Breakeven.run(
      range: low.value...high.value, text: text, metric: metric, points: points, refinements: refinements, trials: simulation.trials,
      seed: simulation.seed, threads: simulation.threads, wholeNumbers: ScenarioLoader.takesWholeNumber(vary),
      scenarios: { value in
        let override = [ScenarioLoader.Override(keyPath: vary, value: value, option: "--vary")]
        return (try ScenarioLoader.load(path: baseline, overrides: override), try ScenarioLoader.load(path: alternative, overrides: override))
      },
      progress: { value in if !simulation.quiet { printError("evaluated \(vary)=\(value)") } })
    let report = BreakevenReport(result, keyPath: vary, range: low.value...high.value, text: text)
    if let output { try OutputFile(output, option: "-o").writeJSON(report) }
    if let html { try HTMLOutput.write(report, to: html) }
    print(BreakevenTable.render(report))
    if let output { printError("break-even written to \(output)") }
    if let html { printError("HTML report written to \(html)") }
  }
}
