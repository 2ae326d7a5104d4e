import ArgumentParser
import Foundation
import Testing
@testable import cposim
@testable import ReliabilityKit
@testable import ReportPages

/// What a rendered page must be: one file, nothing loaded, every chart with its data.
enum PageCheck {
  /// Problems with the page's self-containment and its charts (empty when it is sound).
  static func problems(_ html: String) -> [String] {
    var problems: [String] = []
    let lower = html.lowercased()
    for forbidden in ["<script", "src=", "<link", "@import", "url(", "<iframe", "<object", "<embed", "http://", "https://"] where lower.contains(forbidden) {
      problems.append("contains '\(forbidden)'")
    }
    if html.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }) { problems.append("a control character") }
    if !html.contains("Content-Security-Policy\" content=\"default-src 'none'") { problems.append("no Content-Security-Policy") }
    let nonFinite = try! NSRegularExpression(pattern: "\\b(x|y|x1|y1|x2|y2|cx|cy|r|width|height|points|viewBox)=\"[^\"]*(nan|inf)",
                                             options: [.caseInsensitive])
    if nonFinite.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)) != nil {
      problems.append("a non-finite number in a coordinate")
    }
    for chart in charts(html) {
      if chart.declared == 0 { problems.append("chart \(chart.id) has no data marks") }
      if chart.counted != chart.declared { problems.append("chart \(chart.id) declares \(chart.declared) marks but holds \(chart.counted)") }
    }
    return problems
  }

  /// Each chart's id, its `data-marks` and the marks it holds.
  static func charts(_ html: String) -> [(id: String, declared: Int, counted: Int)] {
    var result: [(String, Int, Int)] = []
    var rest = html[...]
    while let open = rest.range(of: "<svg class=\"chart") {
      guard let close = rest[open.upperBound...].range(of: "</svg>") else { break }
      let svg = rest[open.lowerBound..<close.upperBound]
      let id = attribute("data-chart", in: svg) ?? "?"
      let declared = Int(attribute("data-marks", in: svg) ?? "") ?? -1
      let counted = svg.components(separatedBy: "class=\"mark").count - 1
      result.append((id, declared, counted))
      rest = rest[close.upperBound...]
    }
    return result
  }

  static func attribute(_ name: String, in text: Substring) -> String? {
    guard let start = text.range(of: "\(name)=\"") else { return nil }
    let tail = text[start.upperBound...]
    return tail.firstIndex(of: "\"").map { String(tail[..<$0]) }
  }

  static func chartIDs(_ html: String) -> Set<String> { Set(charts(html).map(\.id)) }
}

@Suite("HTML report")
struct HTMLReportTests {
  static let fixtures = repositoryRoot.appendingPathComponent("Tests/report/fixtures")

  // MARK: Real reports, computed in process

  /// Writes the small pluggable and CPO scenarios of ReportSchemaTests into a folder that lives
  /// while `body` runs, and passes their paths.
  static func withSmallScenarios<T>(_ body: (_ pluggable: String, _ cpo: String) throws -> T) throws -> T {
    let schemas = ReportSchemaTests()
    _ = try schemas.smallScenario(optics: "pluggable")
    _ = try schemas.smallScenario(optics: "cpo")
    return try body(schemas.workspace.path("small-pluggable.yaml"), schemas.workspace.path("small-cpo.yaml"))
  }

  static func runJSON() throws -> Data {
    try withSmallScenarios { _, cpo in
      let simulation = try Simulation(scenario: try ScenarioLoader.load(path: cpo))
      let metrics = TrialMetrics(simulation: simulation)
      let statistics = simulation.statistics(trials: 0..<16, seed: 3, metrics: metrics)
      return Data(try JSONOutput.string(RunReport(simulation: simulation, metrics: metrics, statistics: statistics, seed: 3)).utf8)
    }
  }

  static func comparisonJSON() throws -> Data {
    try withSmallScenarios { pluggable, cpo in
      let comparison = Comparison(simulations: [try Simulation(scenario: try ScenarioLoader.load(path: pluggable)),
                                                try Simulation(scenario: try ScenarioLoader.load(path: cpo))])
      let statistics = comparison.run(trials: 16, seed: 5)
      return Data(try JSONOutput.string(ComparisonReport(comparison: comparison, statistics: statistics, seed: 5)).utf8)
    }
  }

  /// A sweep report of `path` over a grid, loaded as the CLI does.
  static func sweep(_ path: String, _ grid: [(String, [String])], trials: Int) throws -> SweepReport {
    var settings: [[(keyPath: String, value: String)]] = [[]]
    for (keyPath, values) in grid { settings = settings.flatMap { point in values.map { point + [(keyPath, $0)] } } }
    let points = try settings.map { point in
      Sweep.Point(settings: point, scenario: try ScenarioLoader.load(path: path, overrides: point.map { .init(keyPath: $0.keyPath, value: $0.value) }))
    }
    return SweepReport(scenario: path, parameters: grid.map(\.0), results: try Sweep.run(points: points, trials: trials, seed: 2, threads: 1))
  }

  static func sweepJSON() throws -> Data {
    try withSmallScenarios { _, cpo in
      let report = try sweep(cpo, [("parts.cpo-optical-engine.modes.engine-failure.distribution.mtbf", ["80000h", "325000h", "1300000h"])], trials: 8)
      return Data(try JSONOutput.string(report).utf8)
    }
  }

  static func breakevenJSON() throws -> Data {
    try withSmallScenarios { pluggable, cpo in
      let key = "parts.cpo-optical-engine.modes.engine-failure.distribution.mtbf"
      let text = { (x: Double) in WrittenNumber(value: x, suffix: "h").text }
      let result = try Breakeven.run(range: 20_000...20_000_000, text: text, metric: "total_cost_usd", points: 4, refinements: 2,
                                     trials: 8, seed: 2, threads: 1, scenarios: { value in
        let override = [ScenarioLoader.Override(keyPath: key, value: value)]
        return (try ScenarioLoader.load(path: pluggable, overrides: override), try ScenarioLoader.load(path: cpo, overrides: override))
      })
      return Data(try JSONOutput.string(BreakevenReport(result, keyPath: key, range: 20_000...20_000_000, text: text)).utf8)
    }
  }

  static func fixture(_ name: String) throws -> Data {
    try Data(contentsOf: fixtures.appendingPathComponent(name))
  }

  static func object(_ data: Data) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: data) as! [String: Any]
  }

  static func data(_ object: [String: Any]) throws -> Data {
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
  }

  /// Every kind with the charts its page must hold.
  static func pages() throws -> [(kind: String, data: Data, charts: [String])] {
    [
      ("run", try runJSON(), ["distribution-link_availability", "distribution-repair_downtime_hours", "cost-breakdown",
                              "timeseries-monthly_failures", "interruptions-by-cause", "failures-by-mode"]),
      ("comparison", try comparisonJSON(), ["cost-breakdown", "interruptions-by-cause", "strips-link_availability",
                                            "strips-repair_downtime_hours", "interval"]),
      ("sweep", try sweepJSON(), ["sweep-total_cost_usd_per_year", "sweep-link_availability", "sweep-job_ettr"]),
      ("breakeven", try breakevenJSON(), ["breakeven-curve"]),
      ("sensitivity", try fixture("sensitivity.json"), ["tornado"]),
      ("calibration", try fixture("calibration.json"), ["calibration-job_network_interruptions-0", "calibration-job_ettr-0"]),
      ("recurrent", try recurrentJSON(), ["recurrent-mcf", "recurrent-rocof"]),
    ]
  }

  /// `cposim recurrent --json` of a small generated fleet whose rate rises, with a cost ratio.
  static func recurrentJSON() throws -> Data {
    var lines = ["unit,entered,exited,time,mode"]
    for i in 0..<30 {
      let exit = 1000 + 60 * Double(i)
      let events = stride(from: 1.0, through: 12, by: 1).map { exit * ($0 / 12).squareRoot() }.filter { $0 > Double(i % 4) * 100 }
      for (k, t) in events.enumerated() where (i + k) % 3 != 0 { lines.append("p\(i),\(Double(i % 4) * 100),\(exit),\(t),\(k % 2 == 0 ? "dirt" : "laser")") }
    }
    let log = try RecurrentLog.parse(lines.joined(separator: "\n"), file: "ports.csv")
    let analysis = RecurrentAnalysis(log: log, options: .init(ages: [1000], costRatio: 10))
    let report = RecurrentReport(file: "ports.csv", log: log, mode: nil, unitClass: nil, analysis: analysis,
                                 partYAML: RecurrentCatalog.partYAML(partID: "ports", analysis: analysis, source: "ports.csv"), evidence: nil)
    return Data(try JSONOutput.string(report).utf8)
  }

  @Test("every kind renders one self-contained page whose charts all hold data marks")
  func everyKindIsSelfContained() throws {
    for page in try Self.pages() {
      let html = try HTMLReport.render(data: page.data, file: "\(page.kind).json")
      #expect(html.contains("data-kind=\"\(page.kind)\""), "\(page.kind)")
      #expect(PageCheck.problems(html) == [], "\(page.kind)")
      let ids = PageCheck.chartIDs(html)
      for chart in page.charts { #expect(ids.contains(chart), "\(page.kind) lacks chart \(chart); has \(ids.sorted())") }
      #expect(html.contains("<footer class=\"provenance\">"), "\(page.kind)")
      #expect(html.contains("@media print"), "\(page.kind)")
    }
  }

  @Test("the page check is not vacuous: a script, an external image, a lost mark or a chart without data fail it")
  func pageCheckCatchesProblems() throws {
    let html = try HTMLReport.render(data: try Self.fixture("sensitivity.json"), file: "s.json")
    #expect(PageCheck.problems(html) == [])
    #expect(!PageCheck.problems(html.replacingOccurrences(of: "</main>", with: "<script src=\"x.js\"></script></main>")).isEmpty)
    #expect(!PageCheck.problems(html.replacingOccurrences(of: "</main>", with: "<img src=\"https://example.com/a.png\"></main>")).isEmpty)
    #expect(!PageCheck.problems(html.replacingOccurrences(of: "<circle", with: "<circle cx=\"nan\"")).isEmpty || !html.contains("<circle"))
    let oneMarkLess = html.replacingOccurrences(of: "<rect class=\"mark bar\"", with: "<rect class=\"bar\"", options: [], range: html.range(of: "<rect class=\"mark bar\""))
    #expect(PageCheck.problems(oneMarkLess).contains { $0.contains("declares") })
    let empty = html.replacingOccurrences(of: "</main>", with: "<svg class=\"chart\" data-chart=\"x\" data-marks=\"0\"></svg></main>")
    #expect(PageCheck.problems(empty).contains { $0.contains("chart x has no data marks") })
  }

  @Test("the break-even page marks the crossing and its interval when the report has them")
  func breakevenCrossing() throws {
    var object = try Self.object(try Self.breakevenJSON())
    object["crossing"] = 400000.0
    object["crossing_ci95_low"] = 300000.0
    object["crossing_ci95_high"] = 600000.0
    let html = try HTMLReport.render(data: try Self.data(object), file: "b.json")
    #expect(html.contains("class=\"mark crossing\""))
    #expect(html.contains("class=\"mark interval\""))
    #expect(html.contains("<h1>small-cpo breaks even with small-pluggable on total cost at engine-failure MTBF = 400,000 h (95% CI 300,000 h .. 600,000 h)</h1>"))
    // The x axis of an MTBF is logarithmic.
    #expect(html.contains("log scale"))
    object["crossing"] = NSNull()
    let without = try HTMLReport.render(data: try Self.data(object), file: "b.json")
    #expect(!without.contains("class=\"mark crossing\""))
  }

  @Test("the comparison's title states the finding with the numbers of its JSON")
  func comparisonTitle() throws {
    let data = try Self.comparisonJSON()
    let object = try Self.object(data)
    let difference = ((object["differences"] as! [String: Any])["small-cpo"] as! [String: Any])["total_cost_usd_per_year"] as! [String: Any]
    let mean = difference["mean"] as! Double, low = difference["ci95_low"] as! Double, high = difference["ci95_high"] as! Double
    let html = try HTMLReport.render(data: data, file: "c.json")
    let title = try #require(html.range(of: "<h1>").flatMap { start in html.range(of: "</h1>").map { String(html[start.upperBound..<$0.lowerBound]) } })
    #expect(low > 0 || high < 0, "the trials resolve the sign of the difference")
    // The title says more or less, with the magnitude, as the JSON's sign has it.
    let word = mean > 0 ? "more" : "less"
    #expect(title.hasPrefix("small-cpo costs \(Quantity.format(abs(mean), unit: "usd_per_year")) \(word) than small-pluggable (95% CI "), "\(title)")
    // The side colours: pluggable blue, CPO orange.
    #expect(html.contains("fill=\"\(ReportPalette.pluggable)\"") && html.contains("fill=\"\(ReportPalette.cpo)\""))
  }

  @Test("unknown fields are ignored: the page is the same byte for byte")
  func unknownFieldsIgnored() throws {
    for page in try Self.pages() {
      var object = try Self.object(page.data)
      let plain = try HTMLReport.render(data: try Self.data(object), file: "x.json")
      object["a_future_field"] = ["nested": [1, 2, 3], "text": "ignored"]
      if var metrics = object["metrics"] as? [String: Any], var first = metrics["failures"] as? [String: Any] {
        first["p999"] = 12.5
        metrics["failures"] = first
        object["metrics"] = metrics
      }
      let extended = try HTMLReport.render(data: try Self.data(object), file: "x.json")
      #expect(plain == extended, "\(page.kind)")
    }
  }

  @Test("missing optional fields skip their chart and keep the others")
  func missingFieldsSkipCharts() throws {
    var run = try Self.object(try Self.runJSON())
    run.removeValue(forKey: "histograms")
    run.removeValue(forKey: "timeseries")
    let html = try HTMLReport.render(data: try Self.data(run), file: "r.json")
    let ids = PageCheck.chartIDs(html)
    #expect(!ids.contains { $0.hasPrefix("distribution-") || $0.hasPrefix("timeseries-") })
    #expect(ids.contains("cost-breakdown") && ids.contains("failures-by-mode"))
    #expect(PageCheck.problems(html) == [])

    var comparison = try Self.object(try Self.comparisonJSON())
    comparison.removeValue(forKey: "differences")
    comparison.removeValue(forKey: "verdicts")
    let plain = try HTMLReport.render(data: try Self.data(comparison), file: "c.json")
    #expect(!plain.contains("class=\"verdicts\"") && !PageCheck.chartIDs(plain).contains("interval"))
    #expect(PageCheck.chartIDs(plain).contains("cost-breakdown"))
  }

  @Test("P(B better) and interruptions by root cause are drawn when a comparison carries them")
  func futureComparisonFields() throws {
    var object = try Self.object(try Self.comparisonJSON())
    #expect(PageCheck.chartIDs(try HTMLReport.render(data: try Self.data(object), file: "c.json")).contains("probability-better"),
            "a comparison carries P(B better) now")
    object.removeValue(forKey: "probability_better")
    #expect(!PageCheck.chartIDs(try HTMLReport.render(data: try Self.data(object), file: "c.json")).contains("probability-better"))
    object["probability_better"] = ["small-cpo": ["total_cost_usd_per_year": ["p": 0.12, "ci95_low": 0.08, "ci95_high": 0.17]]]
    let estimate: [String: Any] = ["unit": "count", "n": 16, "mean": 3.0, "ci95_low": 2.0, "ci95_high": 4.0]
    object["interruptions_by_cause"] = ["small-pluggable": ["switch_and_cable": estimate, "nic": estimate],
                                        "small-cpo": ["switch_and_cable": estimate, "nic": estimate]]
    let html = try HTMLReport.render(data: try Self.data(object), file: "c.json")
    #expect(PageCheck.chartIDs(html).contains("probability-better"))
    #expect(html.contains("P(small-cpo cheaper) = 12% (95% CI 8% .. 17%)"))
    #expect(html.contains(">switch and cable</text>") && html.contains(">nic</text>"))
    #expect(!html.contains(">network</text>"), "the explicit breakdown replaces the job_<cause>_interruptions metrics")
    #expect(PageCheck.problems(html) == [])
  }

  @Test("a fabric comparison draws its disjoint root causes (they add up to the total), not subtotals or the worst month")
  func disjointRootCauses() throws {
    let html = try HTMLReport.render(data: try Self.comparisonJSON(), file: "c.json")
    for cause in ["host/GPU", "NIC", "NIC link", "leaf switch", "uplink", "planned"] {
      #expect(html.contains(">\(cause)</text>"), "\(cause) missing")
    }
    for subtotal in ["worst month", "unexpected", "network", "switch and cable"] {
      #expect(!html.contains(">\(subtotal)</text>"), "\(subtotal) drawn as a cause")
    }
  }

  @Test("a sweep of a value that is not a number in one unit draws it by name, one line per value of a second parameter")
  func sweepOfNames() throws {
    let report = try Self.withSmallScenarios { _, cpo in
      try Self.sweep(cpo, [("repair.technicians.shift", ["8x5", "24x7"]), ("repair.technicians.count", ["1", "3"])], trials: 4)
    }
    let html = try HTMLReport.render(data: Data(try JSONOutput.string(report).utf8), file: "s.json")
    #expect(PageCheck.problems(html) == [])
    #expect(html.contains("as technicians shift goes from 8x5 to 24x7"), "named values, not 8 and 24 with a suffix")
    #expect(html.contains(">8x5</text>") && html.contains(">24x7</text>"))
    #expect(html.contains(">technicians count = 1</text>") && html.contains(">technicians count = 3</text>"))
    #expect(!html.contains("log scale"))
  }

  @Test("the tornado ranks inputs by swing and counts the inputs that flip the verdict")
  func tornado() throws {
    let html = try HTMLReport.render(data: try Self.fixture("sensitivity.json"), file: "s.json")
    let chart = try #require(PageCheck.charts(html).first { $0.id == "tornado" })
    #expect(chart.counted == 9 * 2 + 1, "two bars per input and the central line")
    #expect(html.contains("<h1>Ports per optical engine moves cluster-16k-cpo-els − cluster-16k-pluggable most"))
    #expect(html.contains("1 of 9 inputs can flip the verdict"))
    let order = ["ports per optical engine", "CPO optical engine MTBF", "GPU-hour price", "technicians"].compactMap { html.range(of: ">\($0)</text>")?.lowerBound }
    #expect(order.count == 4 && order == order.sorted())
  }

  @Test("tornado labels that two inputs would share name their part; others keep the short label")
  func tornadoLabels() throws {
    var object = try Self.object(try Self.fixture("sensitivity.json"))
    var inputs = object["inputs"] as! [[String: Any]]
    for (i, part) in ["pluggable-800g", "cpo-optical-engine"].enumerated() {
      inputs[i].removeValue(forKey: "label")
      inputs[i]["key_path"] = "parts.\(part).modes.link-flap.flap_duration.median"
    }
    inputs[2].removeValue(forKey: "label")
    inputs[2]["key_path"] = "costs.pue"
    object["inputs"] = inputs
    let html = try HTMLReport.render(data: try Self.data(object), file: "s.json")
    for label in ["pluggable-800g flap duration median", "cpo-optical-engine flap duration median", "costs pue"] {
      #expect(html.contains(">\(label)<"), "\(label)")  // in the table (the chart may shorten it)
    }
    #expect(!html.contains(">flap duration median<"))
  }

  @Test("the calibration page draws the target band and the fitted input with its interval")
  func calibration() throws {
    let html = try HTMLReport.render(data: try Self.fixture("calibration.json"), file: "k.json")
    #expect(html.contains("class=\"mark band\""))
    #expect(html.contains("class=\"mark crossing\""))
    #expect(html.contains("Job network interruptions misses the target 42"))
    #expect(html.contains("Effective training time ratio (ETTR) meets the target 0.9"))
    #expect(html.contains("1 of 2 targets met"))
  }

  @Test("text from the JSON is escaped")
  func escaping() throws {
    var object = try Self.object(try Self.comparisonJSON())
    object["verdicts"] = ["<script>alert(1)</script> & more"]
    let html = try HTMLReport.render(data: try Self.data(object), file: "c.json")
    #expect(!html.contains("<script>"))
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"))
  }

  @Test("the same report renders to the same bytes")
  func deterministic() throws {
    let data = try Self.comparisonJSON()
    #expect(try HTMLReport.render(data: data, file: "a.json") == (try HTMLReport.render(data: data, file: "a.json")))
  }

  // MARK: Bad input

  static let readable = "it reads run, comparison, sweep, breakeven, sensitivity, calibration and recurrent reports of schema_version 1; inference reports of schema_version 1 or 2"

  @Test("a report of another schema version or kind says which it reads, in one line",
        arguments: [
          ("{\"schema_version\": 2, \"baseline\": \"a\", \"scenarios\": {}}", "c.json: comparison report of schema_version 2, which this cposim"),
          ("{\"kind\": \"tornado\", \"schema_version\": 1}", "c.json: a report of kind 'tornado' is not a report cposim report can draw"),
          ("{\"kind\": \"sensitivity\", \"schema_version\": 3, \"inputs\": []}", "c.json: sensitivity report of schema_version 3"),
          ("{\"kind\": \"cposim-partial\", \"schema_version\": 1}", "c.json: a partial report (merge the shards first: cposim merge)"),
          ("{\"fits\": [], \"schema_version\": 1}", "c.json: a fit (cposim fit --json) is not a report"),
          ("[1, 2]", "c.json: a JSON array is not a report"),
          ("{\"metrics\": {}}", "c.json: run report of schema_version (none)"),
        ])
  func refusesOtherKinds(json: String, message: String) throws {
    do {
      _ = try HTMLReport.render(data: Data(json.utf8), file: "c.json")
      Issue.record("rendered \(json)")
    } catch {
      #expect(error.description.hasPrefix(message), "\(error.description)")
      #expect(!error.description.contains("\n"))
      if message.contains("report cposim report can draw") || message.contains("schema_version") {
        #expect(error.description.hasSuffix(Self.readable), "\(error.description)")
      }
    }
  }

  @Test("text that is not JSON, and a report without its data, are refused with the file named")
  func refusesBrokenInput() throws {
    #expect(throws: ReportInputError.self) { try HTMLReport.render(data: Data("{\"metrics\": ".utf8), file: "x.json") }
    do {
      _ = try HTMLReport.render(data: Data("{\"a\": 1,\n \"b\": }".utf8), file: "x.json")
      Issue.record("rendered broken JSON")
    } catch {
      #expect(error.description.hasPrefix("x.json: not JSON (invalid value near line 2, column 7); cposim report reads run, "), "\(error.description)")
    }
    do {
      _ = try HTMLReport.render(data: Data("{\"kind\": \"calibration\", \"schema_version\": 1, \"targets\": []}".utf8), file: "k.json")
      Issue.record("rendered a calibration without evaluations")
    } catch {
      #expect(error.description == "k.json: calibration report without 'evaluations'; nothing to draw")
    }
  }

  // MARK: The command

  @Test("cposim report writes the page next to the input, and -o where asked")
  func command() throws {
    let workspace = Workspace()
    let input = workspace.path("compare.json")
    try Self.comparisonJSON().write(to: URL(fileURLWithPath: input))
    var command = try #require(try CPOSim.parseAsRoot(["report", input]) as? ReportCommand)
    try command.run()
    let html = try String(contentsOfFile: workspace.path("compare.html"), encoding: .utf8)
    #expect(PageCheck.problems(html) == [])
    command = try #require(try CPOSim.parseAsRoot(["report", input, "-o", workspace.path("other.html")]) as? ReportCommand)
    try command.run()
    #expect(FileManager.default.fileExists(atPath: workspace.path("other.html")))
  }

  @Test("cposim report on bad input exits non-zero with one line and writes no file")
  func commandBadInput() throws {
    let workspace = Workspace()
    let input = try workspace.write("sample.json", "{\"schema_version\": 1, \"distribution\": {}, \"summary\": {}}")
    let command = try #require(try CPOSim.parseAsRoot(["report", input, "-o", workspace.path("out.html")]) as? ReportCommand)
    do {
      try command.run()
      Issue.record("rendered a sample")
    } catch {
      #expect(CPOSim.exitCode(for: error) != .success)
      #expect(CPOSim.message(for: error).hasPrefix("\(input): a sample (cposim sample --json) is not a report"))
    }
    #expect(!FileManager.default.fileExists(atPath: workspace.path("out.html")))
  }

  @Test("an HTML output that would overwrite an input is refused before anything runs")
  func refusesOverwritingInputs() throws {
    try Self.withSmallScenarios { _, scenario in try refusesOverwriting(scenario) }
  }

  func refusesOverwriting(_ scenario: String) throws {
    for arguments in [["run", scenario, "--html", scenario], ["compare", scenario, scenario + ".b", "--html", scenario],
                      ["run", scenario, "-o", "/tmp/x.json", "--html", "/tmp/x.json"], ["report", "/tmp/r.json", "-o", "/tmp/r.json"],
                      ["run", scenario, "--shard", "0/2", "-o", "/tmp/p.json", "--html", "/tmp/p.html"]] {
      #expect(throws: (any Error).self, "\(arguments)") { _ = try CPOSim.parseAsRoot(arguments) }
      do {
        _ = try CPOSim.parseAsRoot(arguments)
      } catch {
        #expect(CPOSim.exitCode(for: error) == .validationFailure, "\(arguments)")
      }
    }
  }

  @Test("run --html writes the page of the report it computed")
  func runHTML() throws {
    let workspace = Workspace()
    try Self.withSmallScenarios { scenario, _ in
      var command = try #require(try CPOSim.parseAsRoot(["run", scenario, "--trials", "8", "--quiet", "-o", workspace.path("r.json"),
                                                         "--html", workspace.path("r.html")]) as? Run)
      try command.run()
    }
    let direct = try String(contentsOfFile: workspace.path("r.html"), encoding: .utf8)
    let viaReport = try HTMLReport.render(file: workspace.path("r.json"))
    #expect(direct == viaReport)
    #expect(direct.contains("data-kind=\"run\""))
  }
}
