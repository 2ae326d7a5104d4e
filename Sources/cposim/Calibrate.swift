import ArgumentParser
import Foundation
import ReliabilityKit

/// `cposim calibrate`: fit one or two inputs so the model reproduces observed figures.
struct CalibrateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "calibrate",
    abstract: "Fit one or two inputs of a scenario so its metrics match observed counts or figures.",
    discussion: """
      --target METRIC=K is a count observed once over the scenario's horizon (Poisson \
      likelihood); METRIC=V+-SD is a figure with a standard deviation (normal likelihood). \
      --vary KEY.PATH=LOW..HIGH names an input, as --set takes it, and the range to search \
      (written in the unit the key takes). Every evaluation runs the same trials at the same seed \
      (common random numbers). The fit prints each input with its 95% interval and each target \
      against the model; --write-scenario writes a scenario that extends the input with the \
      fitted values, their provenance (calibrated: target and date) and the method in a comment.

      Examples:
        cposim calibrate Scenarios/llama3-calibration.yaml \\
          --target job_interruptions_switch_and_cable=35 --target job_unexpected_interruptions=419 \\
          --vary jobs[0].uplink_interrupt_probability=0..1 --vary jobs[0].background_rate=2e-3/d..5e-3/d \\
          --trials 50 --write-scenario Scenarios/llama3-calibrated.yaml -o calibration.json
        # your own fleet: 12 link-related job interruptions in a quarter
        cposim calibrate my-cluster.yaml --target job_interruptions_switch_and_cable=12 \\
          --vary jobs[0].uplink_interrupt_probability=0..1 --trials 100
      """
  )

  @Argument(help: "The scenario file; its horizon is the period the counts were observed over.")
  var scenario: String

  @Option(name: .customLong("target"), parsing: .unconditionalSingleValue,
          help: ArgumentHelp("METRIC=COUNT, or METRIC=VALUE+-SD (repeat for several).", valueName: "metric=value"))
  var targetTexts: [String] = []

  @Option(name: .customLong("vary"), parsing: .unconditionalSingleValue,
          help: ArgumentHelp("KEY.PATH=LOW..HIGH: an input to fit and its range (once or twice).", valueName: "key=low..high"))
  var varyTexts: [String] = []

  @Option(name: .shortAndLong, help: "Write the calibration JSON here.")
  var output: String?

  @Option(help: ArgumentHelp("Write a scenario that extends the input with the fitted values here.", valueName: "file"))
  var writeScenario: String?

  @Option(help: ArgumentHelp("Also write the report as one self-contained HTML page here.", valueName: "file"))
  var html: String?

  @Option(help: ArgumentHelp("The day recorded in the provenance of the fitted values (default: today).", valueName: "YYYY-MM-DD"))
  var date: String?

  @OptionGroup var simulation: SimulationOptions

  static func parseTarget(_ text: String) throws -> Calibration.Target {
    guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
      throw ValidationError("'--target' must look like METRIC=COUNT or METRIC=VALUE+-SD (got '\(text)')")
    }
    let metric = String(text[..<equals]).trimmingWhitespace()
    let rest = String(text[text.index(after: equals)...]).trimmingWhitespace()
    let parts = rest.components(separatedBy: "+-")
    guard parts.count <= 2, let value = Double(parts[0].trimmingWhitespace()), value.isFinite else {
      throw ValidationError("'--target \(metric)=...' needs a number, or a number+-SD (got '\(rest)')")
    }
    if parts.count == 2 {
      guard let sd = Double(parts[1].trimmingWhitespace()), sd.isFinite, sd > 0 else {
        throw ValidationError("'--target \(metric)=...': the standard deviation after +- must be a positive number (got '\(parts[1])')")
      }
      return Calibration.Target(metric: metric, value: value, sd: sd)
    }
    guard value >= 0 else {
      throw ValidationError("'--target \(metric)=\(rest)': a count cannot be negative (give VALUE+-SD for a figure that can)")
    }

    return Calibration.Target(metric: metric, value: value)
  }

  static func parseVary(_ text: String) throws -> Calibration.Input {
    guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
      throw ValidationError("'--vary' must look like KEY.PATH=LOW..HIGH, such as jobs[0].uplink_interrupt_probability=0..1 (got '\(text)')")
    }
    let key = String(text[..<equals]).trimmingWhitespace()
    guard let (low, high) = WrittenNumber.pair(String(text[text.index(after: equals)...])) else {
      throw ValidationError("'--vary \(key)=...' needs LOW..HIGH, such as 0..1 or 100000h..2000000h (got '\(text[text.index(after: equals)...])')")
    }
    guard low.suffix == high.suffix else {
      throw ValidationError("'--vary \(key)=...': LOW and HIGH must be written in the same unit (got '\(low.suffix)' and '\(high.suffix)')")
    }
    guard low.value < high.value else {
      throw ValidationError("'--vary \(key)=...': LOW must be below HIGH (got \(low.text)..\(high.text))")
    }
    return Calibration.Input(keyPath: key, low: low.value, high: high.value, suffix: low.suffix)
  }

  func validate() throws {
    guard !targetTexts.isEmpty else { throw ValidationError("give at least one --target METRIC=COUNT") }
    guard (1...2).contains(varyTexts.count) else { throw ValidationError("give one or two --vary KEY.PATH=LOW..HIGH options (got \(varyTexts.count))") }
    let inputs = try varyTexts.map(Self.parseVary)
    if inputs.count == 2, Self.sameKey(inputs[0].keyPath, inputs[1].keyPath) {
      throw ValidationError("'--vary' names \(inputs[0].keyPath) twice: give each input once")
    }
    let targets = try targetTexts.map(Self.parseTarget)
    let metrics = targets.map(\.metric)
    if let twice = metrics.first(where: { m in metrics.filter { $0 == m }.count > 1 }) {
      throw ValidationError("'--target' names \(twice) twice: give each metric once")
    }
    if let date, !ProvenanceReader.isDate(date) {
      throw ValidationError("'--date' must be written YYYY-MM-DD (got '\(date)')")
    }
    try checkOutputNames(outputFiles, inputs: [scenario])
    for input in inputs {
      try checkVariedKey(input.keyPath, option: "--vary")
      // The fit moves an input continuously: a key of whole numbers died at the first fractional
      // point, in a message naming --set.
      if ScenarioLoader.takesWholeNumber(input.keyPath) {
        let low = max(Int(input.low.rounded(.up)), 0), high = max(Int(min(input.high, 1e9).rounded(.down)), low)
        let values = high - low < 10 ? (low...high).map(String.init).joined(separator: ",") : "\(low),\(low + 1),... up to \(high)"
        throw ValidationError("'--vary \(input.keyPath)' takes whole numbers, and calibrate fits an input that varies continuously: run cposim sweep --set \(input.keyPath)=\(values) and compare the points with the targets")
      }
    }
  }

  var outputFiles: [OutputFile?] {
    [output.map { OutputFile($0, option: "-o") }, html.map { OutputFile($0, option: "--html") },
     writeScenario.map { OutputFile($0, option: "--write-scenario") }]
  }

  /// `jobs[0].x` and `jobs.0.x` name the same key.
  static func sameKey(_ a: String, _ b: String) -> Bool {
    ScenarioLoader.normalisedKeyPath(a) == ScenarioLoader.normalisedKeyPath(b)
  }

  func run() throws {
    let inputs = try varyTexts.map(Self.parseVary)
    let targets = try targetTexts.map(Self.parseTarget)
    func load(_ values: [String]) throws -> Scenario {
      try ScenarioLoader.load(path: scenario, overrides: zip(inputs, values).map {
        ScenarioLoader.Override(keyPath: $0.keyPath, value: $1, option: "--vary")
      })
    }
    // Everything the fit will touch is checked before anything runs: the scenario, both bounds
    // of every input, and the metrics named.
    let (base, template) = try ScenarioLoader.loadWithTemplate(path: scenario)
    for input in inputs {
      // A key written as a word (a name, a topology) was fitted as a number that never moves the model.
      if let written = template.writtenValue(at: input.keyPath), WrittenNumber(written) == nil {
        throw ValidationError("'--vary \(input.keyPath)' is not a number in \(scenario) (it is '\(written)'): calibrate fits a number, a duration or a rate")
      }
    }
    for (i, input) in inputs.enumerated() {
      for value in [input.low, input.high] {
        var values = inputs.map { $0.text($0.low) }
        values[i] = input.text(value)
        _ = try load(values)
      }
    }
    let isFabric = if case .fabric = base.plant { true } else { false }
    let units = TrialMetrics.units(fabric: isFabric, jobs: !base.jobs.isEmpty)
    for target in targets {
      guard let unit = units[target.metric] else {
        throw Calibration.Failure.unknownMetric(target.metric, known: units.keys.sorted())
      }
      if target.sd == nil, unit != "count" {
        throw ValidationError("'--target \(target.metric)=...': \(target.metric) is in \(unit), not a count observed over the horizon; give it with a standard deviation (\(target.metric)=VALUE+-SD)")
      }
      if target.sd == nil, target.value != target.value.rounded() {
        throw ValidationError("'--target \(target.metric)=\(WrittenNumber(value: target.value, suffix: "").text)': a count observed once is a whole number; give a mean over several horizons with its standard deviation (VALUE+-SD)")
      }
    }

    // The files the scenario reads (extends, catalog) are inputs too: no output may replace one.
    try OutputFile.check(outputFiles.compactMap { $0 }, inputs: base.inputFiles)
    let trials = simulation.trials ?? base.trials
    let seed = simulation.seed ?? base.seed
    let quiet = simulation.quiet
    if !quiet {
      printError("calibrating \(inputs.map(\.keyPath).joined(separator: " and ")) to \(targets.count) target(s), \(trials) trials per evaluation")
    }
    let result = try Calibration.run(
      inputs: inputs, targets: targets, trials: trials, seed: seed, threads: simulation.threads, scenario: load
    ) { evaluation, index in
      guard !quiet else { return }
      let at = zip(inputs, evaluation.values).map { "\($0.keyPath)=\($0.text($1))" }.joined(separator: " ")
      let got = zip(targets, evaluation.estimates).map { "\($0.metric) \(ReportTable.number($1.mean))" }.joined(separator: ", ")
      printError(String(format: "  [%2d] %@ -> %@ (deviance %.3g)", index, at, got, evaluation.deviance))
    }

    let day = date ?? Self.today()
    let files = base.files
    let report = CalibrationReport(result, scenario: scenario, files: files, outputScenario: writeScenario, date: day)
    if let writeScenario {
      let text = Self.scenarioText(result, scenario: scenario, base: base, writtenTo: writeScenario, date: day,
                                   command: Self.commandLine())
      try OutputFile(writeScenario, option: "--write-scenario").write(Data(text.utf8))
    }
    if let output { try OutputFile(output, option: "-o").writeJSON(report) }
    if let html { try HTMLOutput.write(report, to: html) }

    print("\(base.name): \(trials) trials per evaluation at seed \(seed), \(result.evaluations.count) evaluations")
    print("")
    let width = max(44, result.inputs.map(\.input.keyPath.count).max() ?? 0)
    print(Self.pad("input", width) + "  " + Self.pad("fitted", 14) + "  95% CI")
    for f in result.inputs {
      let low = f.input.text(f.interval.lowerBound) + (f.openAtLow ? " (bound)" : "")
      let high = f.input.text(f.interval.upperBound) + (f.openAtHigh ? " (bound)" : "")
      print(Self.pad(f.input.keyPath, width) + "  " + Self.pad(f.input.text(f.value), 14) + "  \(low) .. \(high)")
    }
    print("")
    print("target                                    observed    95% band              model at the fit (95% CI)")
    for (target, estimate) in zip(result.targets, result.fit.estimates) {
      let observed = WrittenNumber(value: target.value, suffix: "").text + (target.sd.map { "+-" + WrittenNumber(value: $0, suffix: "").text } ?? "")
      let band = "\(ReportTable.number(FiniteOrNull(target.band.lowerBound))) .. \(ReportTable.number(FiniteOrNull(target.band.upperBound)))"
      let model = "\(ReportTable.number(estimate.mean)) (\(ReportTable.number(estimate.ci95Low)) .. \(ReportTable.number(estimate.ci95High)))"
      let met = target.band.contains(estimate.mean.value) ? "" : "  outside the band"
      print(Self.pad(target.metric, 40) + "  " + Self.pad(observed, 10) + "  " + Self.pad(band, 20) + "  " + model + met)
    }
    print("")
    print("method: \(result.method)")
    if let writeScenario { printError("calibrated scenario written to \(writeScenario)") }
    if let output { printError("calibration written to \(output)") }
    if let html { printError("HTML report written to \(html)") }
  }

  static func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }

  static func today() -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd"
    return formatter.string(from: Date())
  }

  static func commandLine(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> String {
    (["cposim"] + arguments.map(YAMLText.shellQuoted)).joined(separator: " ")
  }

  /// A scenario that extends the input with the fitted values (`set`), their provenance, and a
  /// comment block with the targets, the method, the seed and the residuals.
  static func scenarioText(_ r: Calibration.Result, scenario: String, base: Scenario, writtenTo path: String,
                           date: String, command: String) -> String {
    let from = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path
    let to = URL(fileURLWithPath: scenario).standardizedFileURL.path
    let extends = relativePath(from: from, to: to)
    let targets = r.targets.map { t in
      "\(t.metric)=\(WrittenNumber(value: t.value, suffix: "").text)" + (t.sd.map { "+-" + WrittenNumber(value: $0, suffix: "").text } ?? "")
    }.joined(separator: ", ")
    var lines = [
      "# Calibrated by `cposim calibrate` on \(date) (cposim \(ToolVersion.current), GSL \(ToolVersion.gsl)).",
      // One comment line whatever the arguments hold (shellQuoted escapes every line break).
      "# Command: \(YAMLText.commentSafe(command))",
      "# Targets, observed over the horizon (\(WrittenNumber(value: base.horizon, suffix: "h").text)):",
    ]
    for (t, e) in zip(r.targets, r.fit.estimates) {
      let band = String(format: "%.4g .. %.4g", t.band.lowerBound, t.band.upperBound)
      let sd: String = t.sd.map { " +- " + WrittenNumber(value: $0, suffix: "").text } ?? ""
      let observed = WrittenNumber(value: t.value, suffix: "").text
      let model = String(format: "model %.4g (95%% CI %.4g .. %.4g), residual %+.3g",
                         e.mean.value, e.ci95Low.value, e.ci95High.value, e.mean.value - t.value)
      lines.append("#   \(t.metric) = \(observed)\(sd) (\(t.bandDescription): \(band)); \(model)")
    }
    lines.append("# Method: \(r.method).")
    lines.append("# Fitted (95% interval):")
    for f in r.inputs {
      lines.append("#   \(f.input.keyPath) = \(f.input.text(f.value)) (\(f.input.text(f.interval.lowerBound))\(f.openAtLow ? " [bound]" : "") .. \(f.input.text(f.interval.upperBound))\(f.openAtHigh ? " [bound]" : ""))")
    }
    lines += [
      "extends: \(YAMLText.scalar(extends))",
      "name: \(YAMLText.scalar(URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent))",
      "set:",
    ]
    for f in r.inputs { lines.append("  \(f.input.keyPath): \(f.input.text(f.value))") }
    lines.append("provenance:")
    for f in r.inputs {
      lines.append("  \(f.input.keyPath): {source: calibrated, calibrated: {target: \"\(targets) over \(WrittenNumber(value: base.horizon, suffix: "h").text), seed \(r.seed), \(r.trials) trials\", date: \(date)}}")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func relativePath(from directory: String, to file: String) -> String {
    let a = directory.split(separator: "/"), b = file.split(separator: "/")
    var common = 0
    while common < a.count, common < b.count - 1, a[common] == b[common] { common += 1 }
    return (Array(repeating: "..", count: a.count - common) + b[common...].map(String.init)).joined(separator: "/")
  }
}
