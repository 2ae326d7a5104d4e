import ArgumentParser
import Foundation
import ReliabilityKit

/// `cposim infer`: the joint posterior of a few inputs given evidence items, with a posterior
/// predictive check of every item.
struct InferCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "infer",
    abstract: "Posterior of a scenario's inputs given evidence items, with a predictive check of every item.",
    discussion: """
      --evidence names evidence files or folders (Evidence/README.md): items that count failures \
      of a catalog part's mode over unit-hours (predicted analytically), a report metric or a \
      threshold over a scenario's horizon (predicted by simulating it), zero-failure bounds and \
      published rates with their ranges. --vary KEY.PATH=LOW..HIGH names an input, as --set \
      takes it, with a uniform prior over the range (log-uniform over a decade or more). The \
      posterior is drawn by adaptive multiple importance sampling (AMIS) with a \
      Poisson likelihood; simulated items run the same --trials at the same --seed at every \
      point (common random numbers). Without --vary the evidence is checked against the \
      scenario as written. Every item gets a posterior predictive check: observed against its \
      95% predictive interval, conflicts (p < 0.05) named. Fleets differ: a rate that items of \
      two fleets or more measure gets a fleet effect each and a between-fleet spread sigma \
      learnt from the evidence (--pooled: none); the report gives sigma, the population's rate \
      and a new fleet's (your cluster's, unless --fleet names its own items), and predicts each \
      fleet's items from the others (leave one fleet out). --html writes the page, --csv a \
      tidy table. Method: docs/inference.md.

      Examples:
        # the scenario as written against every shipped analytic and simulated item
        cposim infer Scenarios/cluster-16k-pluggable.yaml --evidence Evidence/
        # the module rate and the ToR hardware rate given the part-level evidence
        cposim infer Scenarios/cluster-16k-pluggable.yaml --evidence Evidence/alibaba-hpn.yaml \\
          --evidence Evidence/meta-cpo-study.yaml --evidence Evidence/microsoft-switches.yaml \\
          --vary 'parts.pluggable-800g.modes.laser-wearout.distribution.afr=0.05%..3%' \\
          --vary 'parts.switch-board.modes.board-hardware.distribution.afr=0.1%..6%'
        # Llama 3's uplink probability and background rate, joint, with a posterior scenario
        cposim infer Scenarios/llama3-calibration.yaml --evidence Evidence/llama3.yaml \\
          --vary 'jobs[0].uplink_interrupt_probability=0..1' \\
          --vary 'jobs[0].background_rate=2.34e-3/d..6.5e-3/d' --trials 50 --population 200 \\
          --write-scenario out/llama3-posterior.yaml -o out/llama3-posterior.json
        # your own telemetry: 12 NIC-link failures in 13 weeks on 4,096 links (docs/inference.md)
        cposim infer my-cluster.yaml --evidence my-telemetry.yaml \\
          --vary 'parts.pluggable-800g.modes.laser-wearout.distribution.afr=0.1%..5%'
      """
  )

  @Argument(help: "The scenario whose inputs are inferred; analytic items are predicted from its catalog.")
  var scenario: String

  @Option(name: .customLong("evidence"), parsing: .unconditionalSingleValue,
          help: ArgumentHelp("An evidence file or a folder of them (repeat for several).", valueName: "file-or-folder"))
  var evidenceTexts: [String] = []

  @Option(name: .customLong("vary"), parsing: .unconditionalSingleValue,
          help: ArgumentHelp("KEY.PATH=LOW..HIGH: an input to infer and its prior range (repeat; none: check the scenario as written).",
                             valueName: "key=low..high"))
  var varyTexts: [String] = []

  @Option(help: "Points per round of the importance sampler.")
  var population: Int = 200

  @Option(help: "Rounds at most (round 0 draws from the prior; rounds stop once the pooled ESS reaches the population).")
  var rounds: Int = 4

  @Option(help: "Trials per evaluation of the simulated items (the same trials at every point).")
  var trials: Int = 50

  @Option(help: "Master seed of the sampler and of the simulated trials (default: the scenario's).")
  var seed: UInt64?

  @Option(help: "Worker threads (default: the number of cores). Results do not depend on it.")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  @Flag(help: "No progress bar.")
  var quiet = false

  @Flag(help: "Print the JSON (schemas/inference.schema.json) instead of the text.")
  var json = false

  @Option(name: .shortAndLong, help: "Write the JSON here.")
  var output: String?

  @Option(help: ArgumentHelp("Write the HTML page of the inference here (as cposim report draws it from the JSON).", valueName: "file"))
  var html: String?

  @Option(help: ArgumentHelp("Write a tidy CSV table here (docs/report.md).", valueName: "file"))
  var csv: String?

  @Option(help: ArgumentHelp("Write a scenario that extends the input with the posterior (joint draws read per trial, 5-95% ranges) here.",
                             valueName: "file"))
  var writeScenario: String?

  @Option(help: ArgumentHelp("Equally weighted joint draws the written scenario carries (systematic resampling of the weighted sample).",
                             valueName: "n"))
  var draws: Int = 1000

  @Option(help: ArgumentHelp("The day recorded in the provenance (default: today).", valueName: "YYYY-MM-DD"))
  var date: String?

  @Flag(help: "The pooled model: no fleet effects (every fleet's items as if from one fleet).")
  var pooled = false

  @Option(help: ArgumentHelp("The half-normal scale of the between-fleet spread sigma of ln(rate) (default 1).", valueName: "scale"))
  var fleetSpread: Double = Inference.Fleets.defaultSpreadScale

  @Option(help: ArgumentHelp("The fleet of the scenario's cluster: its items pin its own rates; otherwise it is a new fleet drawn from the population.",
                             valueName: "name"))
  var fleet: String?

  @Option(name: .customLong("same-rate"), parsing: .unconditionalSingleValue,
          help: ArgumentHelp("PART/MODE=RATE: in the written draws, PART/MODE has the rate RATE (a PART/MODE the evidence measures) in your cluster: "
                               + "the same fleet effect, and the same move as RATE's varied key (repeat).", valueName: "part/mode=part/mode"))
  var sameRateTexts: [String] = []

  /// `PART/MODE=PART/MODE` (a mode shares a mode's rate) or `PART=PART` (a part's hard modes
  /// share a part's): the other side, and the rate group it shares as `infer` names it.
  static func parseSameRate(_ text: String) throws -> (part: String, mode: String?, group: String) {
    let sides = text.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
    let left = sides.first?.split(separator: "/", omittingEmptySubsequences: false).map(String.init) ?? []
    let right = sides.count == 2 ? sides[1].split(separator: "/", omittingEmptySubsequences: false).map(String.init) : []
    guard sides.count == 2, (1...2).contains(left.count), left.count == right.count, !(left + right).contains(where: \.isEmpty) else {
      throw ValidationError("'--same-rate' must look like PART/MODE=PART/MODE or PART=PART, such as "
        + "cpo-switch-board/board-hardware=switch-board/board-hardware or lpo-800g=pluggable-800g (got '\(text)')")
    }
    return (left[0], left.count == 2 ? left[1] : nil, right.count == 2 ? sides[1] : "\(right[0]) (hard modes)")
  }

  static func parseVary(_ text: String) throws -> Inference.Input {
    let range = try CalibrateCommand.parseVary(text)
    let prior: Inference.Prior = range.logScale ? .logUniform(low: range.low, high: range.high) : .uniform(low: range.low, high: range.high)
    return Inference.Input(keyPath: range.keyPath, prior: prior, suffix: range.suffix)
  }

  func validate() throws {
    guard !evidenceTexts.isEmpty else { throw ValidationError("give at least one --evidence FILE or FOLDER") }
    let inputs = try varyTexts.map(Self.parseVary)
    for (i, a) in inputs.enumerated() {
      for b in inputs[(i + 1)...] where CalibrateCommand.sameKey(a.keyPath, b.keyPath) {
        throw ValidationError("'--vary' names \(a.keyPath) twice: give each input once")
      }
      try checkVariedKey(a.keyPath, option: "--vary")
    }
    guard population >= 10, population <= 100_000 else { throw ValidationError("'--population' must be between 10 and 100000 (got \(population))") }
    guard (1...20).contains(rounds) else { throw ValidationError("'--rounds' must be between 1 and 20 (got \(rounds))") }
    guard trials >= 1, trials <= 1_000_000 else { throw ValidationError("'--trials' must be between 1 and 1000000 (got \(trials))") }
    guard threads >= 1 else { throw ValidationError("'--threads' must be at least 1 (got \(threads))") }
    guard fleetSpread > 0, fleetSpread <= 10 else { throw ValidationError("'--fleet-spread' must be above 0 and at most 10 (got \(fleetSpread))") }
    if pooled, fleet != nil { throw ValidationError("'--fleet' names the cluster's fleet in the hierarchical model: drop --pooled or --fleet") }
    for text in sameRateTexts { _ = try Self.parseSameRate(text) }
    guard (1...20_000).contains(draws) else { throw ValidationError("'--draws' must be between 1 and 20000 (got \(draws))") }
    if let date, !ProvenanceReader.isDate(date) { throw ValidationError("'--date' must be written YYYY-MM-DD (got '\(date)')") }
    try checkOutputNames(outputFiles, inputs: [scenario])
  }

  var outputFiles: [OutputFile?] {
    [output.map { OutputFile($0, option: "-o") }, writeScenario.map { OutputFile($0, option: "--write-scenario") },
     html.map { OutputFile($0, option: "--html") }, csv.map { OutputFile($0, option: "--csv") }]
  }

  func run() throws {
    let inputs = try varyTexts.map(Self.parseVary)
    let evidence = try EvidenceReader.load(paths: evidenceTexts)
    let base = try ScenarioLoader.load(path: scenario)
    let seed = self.seed ?? base.seed
    let model = try EvidenceModel(scenario: scenario, inputs: inputs, evidence: evidence, trials: trials, seed: seed, threads: threads)
    try OutputFile.check(outputFiles.compactMap { $0 }, inputs: base.inputFiles + evidence.map(\.file))

    let items = model.items
    if let fleet, !items.contains(where: { $0.fleet == fleet }) {
      let known = Array(Set(items.map(\.fleet))).sorted()
      throw ValidationError("'--fleet \(fleet)': no evidence item comes from that fleet (the fleets: \(known.joined(separator: ", ")))")
    }
    let fleets = model.fleets(spreadScale: pooled ? nil : fleetSpread, userFleet: fleet)
    let simulated = items.filter { !$0.isAnalytic }.count
    if !quiet {
      printError("inferring \(inputs.isEmpty ? "nothing (checking the scenario as written)" : inputs.map(\.keyPath).joined(separator: ", ")) "
        + "from \(items.count) evidence items (\(items.count - simulated) analytic, \(simulated) simulated)"
        + (inputs.isEmpty ? "" : "; \(population) points a round, at most \(rounds) rounds"))
    }
    let bar = ProgressBar(total: inputs.isEmpty ? 1 : population * rounds, label: "infer", quiet: quiet, unit: "evaluations")
    let result = try Inference.run(inputs: inputs, likelihoods: model.likelihoods, population: population, maxRounds: rounds,
                                   seed: seed, fleets: fleets, model: model.predict) { done, _ in bar.update(done) }
    bar.update(inputs.isEmpty ? 1 : population * rounds)

    let day = date ?? CalibrateCommand.today()
    let method = Self.method(result, model: model)
    let report = InferenceReport(result, model: model, scenario: scenario, scenarioFiles: base.files,
                                 evidenceFiles: evidence.map(\.file), outputScenario: writeScenario, date: day, method: method)
    var written: WrittenDraws?
    if let writeScenario, !inputs.isEmpty {
      let sharing = try sameRateTexts.map(Self.parseSameRate)
      for s in sharing where !result.fleetSpreads.contains(where: { $0.rate == s.group }) && !pooled {
        throw ValidationError("'--same-rate \(s.part)\(s.mode.map { "/\($0)" } ?? "")=...': \(s.group) has no fleet effect here "
          + "(the rates with one: \(result.fleetSpreads.map(\.rate).joined(separator: ", ")))")
      }
      let rows = try Self.writtenDraws(result, model: model, draws: draws, sharing: sharing)
      written = rows
      let text = Self.scenarioText(result, report: report, scenario: scenario, writtenTo: writeScenario, date: day,
                                   command: CalibrateCommand.commandLine(), evidence: evidence, draws: rows)
      try OutputFile(writeScenario, option: "--write-scenario").write(Data(text.utf8))
    }
    if let output { try OutputFile(output, option: "-o").writeJSON(report) }
    if let html { try HTMLOutput.write(report, to: html) }
    if let csv { try OutputFile(csv, option: "--csv").write(Data(TidyTable(report).csv.utf8)) }
    if json {
      print(try JSONOutput.string(report), terminator: "")
    } else {
      print(Self.text(result, report: report, scenario: base.name, model: model))
    let priorOnly = Self.priorOnly(base, varied: inputs.map(\.keyPath), items: model.items)
    if !priorOnly.isEmpty {
      print("")
      print("prior-only: inputs of \(base.name) given as ranges or drawn that this inference does not move "
        + "(branch on them or add evidence; docs/inference.md, Branches):")
      for line in priorOnly { print("  " + line) }
    }
    }
    if let writeScenario {
      printError(inputs.isEmpty ? "no --vary: no posterior scenario written"
                                : "posterior scenario written to \(writeScenario): its draws are \(written?.description ?? "")")
    }
    if let output { printError("inference written to \(output)") }
    if let html { printError("HTML page written to \(html)") }
    if let csv { printError("CSV table written to \(csv)") }
  }

  static func method(_ r: Inference.Result, model: EvidenceModel) -> String {
    let sim = model.simulates ? "; simulated items: \(model.trials) trials at seed \(model.seed) per evaluation (common random numbers)" : ""
    let hierarchy = (r.fleetModel?.isHierarchical ?? false)
      ? "; hierarchical: a fleet effect per rate \(r.fleetSpreads.count == 1 ? "" : "(\(r.fleetSpreads.count) rates) ")that several fleets inform, "
        + "integrated by adaptive Gauss-Hermite quadrature, its spread sigma on a grid of its \(r.fleetModel!.sigmaPriorText)"
        + (r.fleetModel!.spreadReplaced.isEmpty ? ""
          : "; the stated spread of \(r.fleetModel!.spreadReplaced.map { model.items[$0].name }.joined(separator: ", ")) replaced by the learnt sigma")
      : "; pooled (no fleet effects)"
    if r.inputs.isEmpty { return "posterior predictive check at the scenario's own values (no --vary)\(hierarchy)" }
    return "adaptive multiple importance sampling (AMIS, \(r.population) points a round, \(r.roundESS.count) rounds pooled, "
      + "defensive mixture with \(Int(Inference.defensiveShare * 100))% prior) with exact Poisson / negative binomial / lognormal "
      + "likelihoods of the analytic items and a synthetic Poisson likelihood of the simulated ones\(sim)\(hierarchy)"
  }

  static func pad(_ s: String, _ width: Int) -> String { CalibrateCommand.pad(s, width) }

  static func number(_ x: Double) -> String {
    guard x.isFinite else { return "-" }
    return String(format: "%.4g", x)
  }

  static func text(_ r: Inference.Result, report: InferenceReport, scenario: String, model: EvidenceModel) -> String {
    var lines: [String] = []
    let simulated = model.items.filter { !$0.isAnalytic }.count
    lines.append("\(scenario): \(model.items.count) evidence items (\(model.items.count - simulated) analytic, \(simulated) simulated)"
      + (model.simulates ? ", \(model.trials) trials per evaluation at seed \(model.seed)" : ""))
    if !r.inputs.isEmpty {
      lines.append(String(format: "effective sample size %.1f: %d points pooled over %d rounds of %d (ESS after each round: %@)",
                          r.effectiveSampleSize, r.values.count, r.roundESS.count, r.population,
                          r.roundESS.map { String(format: "%.1f", $0) }.joined(separator: ", ")))
      lines.append("")
      let width = max(44, r.inputs.map(\.keyPath.count).max() ?? 0)
      lines.append(pad("input", width) + "  " + pad("prior", 30) + "  " + pad("mean", 11) + pad("sd", 11) + pad("5%", 11) + pad("50%", 11) + "95%")
      for m in r.marginals {
        lines.append(pad(m.input.keyPath, width) + "  " + pad(m.input.prior.text, 30) + "  " + pad(number(m.mean), 11)
          + pad(number(m.sd), 11) + pad(number(m.p5), 11) + pad(number(m.p50), 11) + number(m.p95))
      }
      if r.inputs.count > 1 {
        lines.append("")
        lines.append("correlations")
        for (a, row) in r.correlations.enumerated() {
          lines.append("  " + pad(r.inputs[a].keyPath, width) + row.map { String(format: "%7.3f", $0) }.joined(separator: " "))
        }
      }
    }
    if !r.fleetSpreads.isEmpty {
      lines.append("")
      lines.append("fleets differ: a fleet effect per rate several fleets inform, ln(fleet rate) = ln(population rate) + sigma x N(0, 1)")
      lines.append("  sigma prior: \(r.fleetSpreads[0].sigmaPrior); rates per unit-hour of one part (or per hour of the input's unit)")
      let width = max(34, r.fleetSpreads.map(\.rate.count).max() ?? 0)
      lines.append("  " + pad("rate", width) + "  " + pad("fleets", 8) + pad("sigma 50% (5% .. 95%)", 26) + pad("population 50% (5% .. 95%)", 36)
        + "new fleet 50% (5% .. 95%)")
      for s in r.fleetSpreads {
        func range(_ x: Inference.Summary) -> String { "\(number(x.p50)) (\(number(x.p5)) .. \(number(x.p95)))" }
        lines.append("  " + pad(s.rate, width) + "  " + pad("\(s.fleets.count)", 8) + pad(range(s.sigma), 26) + pad(range(s.populationRate), 36)
          + range(s.newFleetRate) + (s.pinnedByUserFleet ? " (pinned by fleet \(r.fleetModel?.fleets.userFleet ?? ""))" : ""))
      }
      lines.append("  (a wide sigma: the fleets disagree, and a new fleet's rate, the cluster's unless --fleet names its items, is that uncertain)")
    }
    lines.append("")
    lines.append(r.inputs.isEmpty ? "check of every item at the scenario's values (95% predictive interval; conflict: p < 0.05)"
                                  : "posterior predictive check (95% predictive interval; conflict: p < 0.05)")
    let nameWidth = max(30, model.items.map(\.name.count).max() ?? 0)
    lines.append(pad("item", nameWidth) + "  " + pad("observed", 12) + pad("predicted", 12) + pad("95% predictive", 30) + pad("p", 9) + "")
    for item in report.items {
      let observed: String
      if let k = item.observedCount.value { observed = "\(k)" } else if let v = item.observedRatePerUnitHour.value { observed = number(v.value) + "/h" } else { observed = "held" }
      let unit = item.observedRatePerUnitHour.value == nil ? "" : "/h"
      let interval = item.predictiveLow.value.map { "\(number($0.value))\(unit) .. \(number(item.predictiveHigh.value!.value))\(unit)" }
        ?? "P = \(number(item.predicted.value))"
      lines.append(pad(item.name, nameWidth) + "  " + pad(observed, 12) + pad(number(item.predicted.value) + unit, 12) + pad(interval, 30)
        + pad(String(format: "%.3g", item.pValue.value), 9) + (item.conflict ? "CONFLICT" : ""))
    }
    lines.append("")
    if report.conflicts.isEmpty {
      lines.append("conflicts: none; every item is inside its predictive interval")
    } else {
      lines.append("conflicts: \(report.conflicts.count) of \(report.items.count) items disagree with \(r.inputs.isEmpty ? "the scenario" : "the posterior"): \(report.conflicts.joined(separator: ", "))")
      lines.append("  (the model and these fleets disagree: a pooled posterior is a compromise between them; docs/inference.md, Conflicts)")
    }
    if !report.leaveOneFleetOut.isEmpty {
      lines.append("")
      lines.append("leave one fleet out: each fleet's items predicted from the other fleets (95% predictive interval; p < 0.05: not predicted)")
      lines.append(pad("fleet / item", nameWidth) + "  " + pad("observed", 12) + pad("median", 12) + pad("95% predictive", 30) + pad("p", 9))
      for fleet in report.leaveOneFleetOut {
        lines.append(fleet.fleet + String(format: " (ESS %.1f%@)", fleet.effectiveSampleSize.value,
                                          fleet.effectiveSampleSize.value < 20 ? ": few points carry it, a rough check" : ""))
        for item in fleet.items {
          let interval = item.predictiveLow.value.map { "\(number($0.value)) .. \(number(item.predictiveHigh.value!.value))" } ?? "P = \(number(item.predicted.value))"
          lines.append(pad("  " + item.name, nameWidth) + "  " + pad(item.observed, 12) + pad(number(item.predictedMedian.value), 12) + pad(interval, 30)
            + pad(String(format: "%.3g", item.pValue.value), 9) + (item.conflict ? "NOT PREDICTED" : ""))
        }
      }
      lines.append(report.fleetsNotPredicted.isEmpty ? "every fleet is predicted by the others"
                                                     : "fleets the others fail to predict: \(report.fleetsNotPredicted.joined(separator: ", "))")
    }
    lines.append("method: \(report.method)")
    return lines.joined(separator: "\n")
  }

  /// The rows `--write-scenario` writes (docs/inference.md, "Your cluster in the written
  /// posterior"): the weighted points systematically resampled, and under the hierarchical model
  /// each rate several fleets inform scaled by a multiplier e^{σε} for the user's cluster (a new
  /// fleet, or the `--fleet` named whose items pin it), mapped onto the scenario keys that set
  /// that rate (`EvidenceModel.scaledKeys`). Keys the multipliers scale that no `--vary` names
  /// are added after the inputs, at the scenario's value times the multiplier.
  struct WrittenDraws {
    var keys: [String]
    var units: [String]
    var rows: [[Double]]
    /// How many of the keys are the varied inputs (the first ones).
    var inputs: Int
    var distinctPoints: Int
    /// What the rows are draws of, in words (the provenance's `draws_for`).
    var description: String
    /// Per rate with a fleet effect: the keys its multiplier scales (the provenance's `fleet_effects`).
    var effects: [String]
    /// Whether any multiplier applies (the ranges then come from the rows).
    var scaled: Bool { !effects.isEmpty }
  }

  static func writtenDraws(_ r: Inference.Result, model: EvidenceModel, draws: Int,
                           sharing: [(part: String, mode: String?, group: String)] = []) throws -> WrittenDraws {
    // The points in the order of their values (the first input's first): systematic resampling
    // keeps the cumulative weight in the order it walks within 1/draws, so the first input's
    // quantiles are kept to 1/draws; the others' to the resampling's random error, about
    // √(q(1 − q)/draws).
    let order = r.values.indices.sorted { r.values[$0].lexicographicallyPrecedes(r.values[$1]) }
    let indices = PosteriorDraws.systematicResample(weights: order.map { r.weights[$0] }, count: draws, seed: r.seed).map { order[$0] }
    var keys = r.inputs.map(\.keyPath), units = r.inputs.map(\.suffix)
    var rows = indices.map { r.values[$0] }
    let pooled = r.fleetModel?.fleets.spreadScale == nil
    guard !pooled, !r.fleetSpreads.isEmpty else {
      let description = pooled ? "the posterior points (the pooled model: every fleet's items as if from one fleet)"
        : "the posterior points (no rate is measured by items of two fleets or more: no fleet effect to draw)"
      return WrittenDraws(keys: keys, units: units, rows: rows, inputs: keys.count, distinctPoints: Set(indices).count,
                          description: description, effects: [])
    }
    let multipliers = Inference.fleetMultipliers(r, points: indices, seed: r.seed)
    var scaledBy: [String: String] = [:]
    var effects: [String] = []
    var targets: [[(column: Int, key: EvidenceModel.ScaledKey)]] = []
    for spread in r.fleetSpreads {
      var columns: [(Int, EvidenceModel.ScaledKey)] = []
      let shared = sharing.filter { $0.group == spread.rate }.map { (part: $0.part, mode: $0.mode) }
      for key in try model.scaledKeys(group: spread.rate, sharing: shared) {
        let normal = ScenarioLoader.normalisedKeyPath(key.keyPath)
        if let other = scaledBy[normal] {
          throw ValidationError("the fleet effects of '\(other)' and '\(spread.rate)' both scale '\(key.keyPath)': a new fleet's draws "
            + "cannot give one key two multipliers (give the evidence of one of the two rates only, or use --pooled)")
        }
        scaledBy[normal] = spread.rate
        let column: Int
        if let j = key.input {
          column = j
        } else {
          column = keys.count
          keys.append(key.keyPath)
          units.append(key.unit)
        }
        columns.append((column, key))
      }
      targets.append(columns)
      let pinned = spread.pinnedByUserFleet ? "fleet \(r.fleetModel?.fleets.userFleet ?? "")'s own effect" : "a new fleet's e^(sigma eps)"
      effects.append("\(spread.rate): \(pinned) on " + columns.map { c in
        "\(keys[c.0]) \(c.1.power > 0 ? "x m" : "/ m")" + (c.1.follows.map { " (and as \(r.inputs[$0.input].keyPath) moves)" } ?? "")
      }.joined(separator: ", "))
    }
    for (d, m) in multipliers.enumerated() {
      let point = rows[d]
      var row = point + [Double](repeating: .nan, count: keys.count - point.count)
      for (g, columns) in targets.enumerated() {
        for (column, key) in columns { row[column] = key.value(point: point, multiplier: m[g]) }
      }
      rows[d] = row
    }
    let pinned = r.fleetSpreads.filter(\.pinnedByUserFleet).map(\.rate)
    let user = r.fleetModel?.fleets.userFleet
    let description: String
    if let user, !pinned.isEmpty {
      description = "the cluster of fleet \(user): its own rates where its items pin them (\(pinned.joined(separator: ", "))), "
        + "a new fleet's elsewhere, each posterior point's rates times e^(sigma eps)"
    } else {
      description = "a new fleet drawn from the population of fleets (the cluster's): each posterior point with every rate "
        + "several fleets inform times e^(sigma eps), sigma from its posterior at the point, eps ~ N(0, 1)"
    }
    return WrittenDraws(keys: keys, units: units, rows: rows, inputs: r.inputs.count, distinctPoints: Set(indices).count,
                        description: description, effects: effects)
  }

  /// The `posterior:` block (docs/inference.md, "The posterior block"): the keys and units, the
  /// rows of `writtenDraws`, and the provenance: the evidence files with their SHA-256, the
  /// seed, the ESS, the method, what the draws are of and which keys each fleet effect scales.
  static func posteriorBlock(_ r: Inference.Result, evidence: [EvidenceFile], draws w: WrittenDraws, method: String) -> [String] {
    func quoted(_ s: String) -> String { YAMLText.quoted(s) }
    var lines = ["posterior:"]
    lines.append("  keys: [" + w.keys.map { quoted($0) }.joined(separator: ", ") + "]")
    lines.append("  units: [" + w.units.map { quoted($0) }.joined(separator: ", ") + "]")
    lines.append("  provenance:")
    lines.append("    method: \(quoted(method))")
    lines.append("    resampling: \(quoted("systematic (Kitagawa 1996) of the \(r.values.count) weighted points, in the order of their values, into \(w.rows.count) equally weighted draws, one uniform from the seed"))")
    lines.append("    draws_for: \(quoted(w.description))")
    if !w.effects.isEmpty { lines.append("    fleet_effects: [" + w.effects.map { quoted($0) }.joined(separator: ", ") + "]") }
    lines.append("    seed: \(r.seed)")
    lines.append(String(format: "    ess: %.1f", r.effectiveSampleSize))
    lines.append("    points: \(r.values.count)")
    lines.append("    distinct_points_drawn: \(w.distinctPoints)")
    lines.append("    evidence:")
    for (e, hash) in zip(evidence, RunReport.hashes(evidence.map(\.file))) {
      lines.append("      - {file: \(quoted(e.file)), sha256: \(hash.sha256), fleet: \(quoted(e.fleet)), items: [\(e.items.map { quoted($0.name) }.joined(separator: ", "))]}")
    }
    lines.append("  draws:")
    for row in w.rows {
      lines.append("    - [" + row.map { String(format: "%.6g", $0) }.joined(separator: ", ") + "]")
    }
    return lines
  }

  /// The names of the items whose prediction differs between the posterior's points.
  static func informative(_ r: Inference.Result, items: [EvidenceItem]) -> [String] {
    items.indices.filter { i in
      let p = r.predictions.map { $0[i] }
      return (p.max() ?? 0) > (p.min() ?? 0)
    }.map { items[$0].name }
  }

  /// A scenario that extends the input with the posterior: the joint draws as `posterior:`
  /// (each key at its median when nothing is drawn), the 5-95 % ranges as `ranges`, provenance `calibrated` naming the evidence, and the method, ESS,
  /// correlations and conflicts in a comment.
  /// The scenario's uncertain inputs and ranged inputs that no `--vary` moves, each with the
  /// analytic items that would constrain it if it were varied (a part mode's rate counted by a
  /// `failures` item, an input counted by an `input_rate` item) or "no evidence item".
  static func priorOnly(_ scenario: Scenario, varied: [String], items: [EvidenceItem]) -> [String] {
    let moved = Set(varied.map(ScenarioLoader.normalisedKeyPath))
    var keys: [String] = []
    let branched = Dictionary(scenario.branches.flatMap { b in b.set.map { (ScenarioLoader.normalisedKeyPath($0.keyPath), b.name) } },
                              uniquingKeysWith: { a, b in "\(a), \(b)" })
    for key in scenario.branches.flatMap({ $0.set.map(\.keyPath) }) + scenario.uncertainInputs.map(\.keyPath)
      + scenario.ranges.map(\.keyPath) + (scenario.posterior?.keys ?? [])
    where !moved.contains(ScenarioLoader.normalisedKeyPath(key)) && !keys.contains(key) {
      keys.append(key)
    }
    let drawn = Set((scenario.posterior?.keys ?? []).map(ScenarioLoader.normalisedKeyPath))
    return keys.map { key in
      let normal = ScenarioLoader.normalisedKeyPath(key)
      let touching = items.filter { item in
        switch item.measure {
        case let .failures(part, mode, _):
          let prefix = "parts.\(part).modes."
          return normal.hasPrefix(prefix) && (mode == nil || normal.hasPrefix(prefix + mode! + ".distribution"))
            && normal.contains(".distribution")
        case let .inputRate(input, _): return ScenarioLoader.normalisedKeyPath(input) == normal
        default: return false
        }
      }.map(\.name)
      let how = branched[normal].map { "branch \($0)" } ?? (scenario.uncertainInputs.contains { $0.keyPath == key } ? "uncertain"
        : drawn.contains(normal) ? "posterior draws (carried)" : "range")
      return pad(key, 64) + " " + pad(how, 12) + " " + (touching.isEmpty ? "no analytic item counts it" : "constrained by \(touching.joined(separator: ", ")) if varied")
    }
  }

  static func scenarioText(_ r: Inference.Result, report: InferenceReport, scenario: String, writtenTo path: String, date: String,
                           command: String, evidence: [EvidenceFile], draws w: WrittenDraws) -> String {
    let from = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path
    let to = URL(fileURLWithPath: scenario).standardizedFileURL.path
    let extends = CalibrateCommand.relativePath(from: from, to: to)
    func written(_ m: Inference.Marginal, _ x: Double) -> String { (String(format: "%.4g", x)) + m.input.suffix }
    var lines = [
      "# Posterior of `cposim infer` on \(date) (cposim \(ToolVersion.current), GSL \(ToolVersion.gsl)).",
      "# Command: \(command)",
      "# Evidence (docs/inference.md):",
    ]
    for e in evidence {
      lines.append("#   \(e.file) (fleet \(e.fleet), source \(e.source)): \(e.items.map(\.name).joined(separator: ", "))")
    }
    lines.append("# Method: \(report.method).")
    lines.append(String(format: "# Effective sample size %.1f (%d points pooled over %d rounds).", r.effectiveSampleSize, r.values.count, r.roundESS.count))
    lines.append("# Posterior: mean, sd, 5% .. 95% (the scenario holds the draws' median of each when nothing is drawn):")
    for m in r.marginals {
      lines.append("#   \(m.input.keyPath) = \(written(m, m.mean)) (sd \(String(format: "%.3g", m.sd)), \(written(m, m.p5)) .. \(written(m, m.p95)))")
    }
    if r.inputs.count > 1 {
      lines.append("# Correlations (the ranges below are marginal; the draws under posterior: keep them):")
      for (a, row) in r.correlations.enumerated() {
        lines.append("#   \(r.inputs[a].keyPath): " + row.map { String(format: "%.3f", $0) }.joined(separator: " "))
      }
    }
    lines.append("# Draws: \(w.description).")
    if w.scaled {
      lines.append("# Fleet effects on the draws: \(w.effects.joined(separator: "; ")).")
      lines.append("# The draws' 5% .. 50% .. 95% (the ranges below are these):")
      let d = PosteriorDraws(keys: w.keys, units: w.units, rows: w.rows)
      for k in w.keys.indices {
        lines.append("#   \(w.keys[k]) = " + [0.05, 0.5, 0.95].map { String(format: "%.4g", d.quantile($0, key: k)) + w.units[k] }.joined(separator: " .. "))
      }
    }
    let checkedOnly = evidence.flatMap(\.items).map(\.name).filter { !informative(r, items: evidence.flatMap(\.items)).contains($0) }
    if !checkedOnly.isEmpty { lines.append("# Checked only (their predictions do not move with these inputs): \(checkedOnly.joined(separator: ", ")).") }
    lines.append(report.conflicts.isEmpty ? "# Conflicts: none." : "# Conflicts (p < 0.05): \(report.conflicts.joined(separator: ", ")).")
    lines += [
      "extends: \(extends)",
      "name: \(URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent)",
    ]
    lines += posteriorBlock(r, evidence: evidence, draws: w, method: report.method)
    lines.append("ranges:")
    if w.scaled {
      // The 5-95 % of what the draws hold (a new fleet's values, wider than the population's).
      let d = PosteriorDraws(keys: w.keys, units: w.units, rows: w.rows)
      for k in w.keys.indices {
        // Four digits, more when the draws barely spread (a spread scale near 0); no range at
        // all when they do not spread (a range's low must be below its high).
        let (low, high) = (d.quantile(0.05, key: k), d.quantile(0.95, key: k))
        guard let digits = [4, 6, 9].first(where: { String(format: "%.\($0)g", low) != String(format: "%.\($0)g", high) }) else { continue }
        lines.append("  \(w.keys[k]): [" + [low, high].map { String(format: "%.\(digits)g", $0) + w.units[k] }.joined(separator: ", ") + "]")
      }
    } else {
      for m in r.marginals { lines.append("  \(m.input.keyPath): [\(written(m, m.p5)), \(written(m, m.p95))]") }
    }
    lines.append("provenance:")
    // The items that inform the inputs: those whose prediction moves with them (the others are
    // only checked).
    let names = informative(r, items: evidence.flatMap(\.items))
    let files = evidence.filter { $0.items.contains { names.contains($0.name) } }.map(\.file)
    let target = "posterior median given evidence \(names.joined(separator: ", ")) (\(files.joined(separator: ", "))), seed \(r.seed)"
    for m in r.marginals {
      lines.append("  \(m.input.keyPath): {source: calibrated, calibrated: {target: \"\(target.replacingOccurrences(of: "\"", with: "'"))\", date: \(date)}}")
    }
    for key in w.keys[w.inputs...] {
      let effect = w.effects.first { $0.contains(key) } ?? ""
      let why = "the scenario's value times the fleet effect of \(effect.split(separator: ":").first ?? "") given evidence \(names.joined(separator: ", ")), seed \(r.seed)"
      lines.append("  \(key): {source: calibrated, calibrated: {target: \"\(why.replacingOccurrences(of: "\"", with: "'"))\", date: \(date)}}")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
