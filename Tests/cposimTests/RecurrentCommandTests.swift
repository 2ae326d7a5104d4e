import ArgumentParser
import Foundation
import Testing
@testable import cposim
@testable import ReliabilityKit
@testable import ReportPages

@Suite("cposim recurrent")
struct RecurrentCommandTests {
  static let ports = repositoryRoot.appendingPathComponent("FailureData/field/recurrent/synthetic-ports.csv").path
  static let lemons = repositoryRoot.appendingPathComponent("FailureData/field/recurrent/synthetic-ports-lemons.csv").path

  /// The shipped logs' reports (cost ratio 10, with evidence), computed once for the suite.
  static let portsReport = Result { try report(ports, evidence: true) }
  static let lemonsReport = Result { try report(lemons, evidence: true) }

  static func report(_ path: String, costRatio: Double? = 10, evidence: Bool = false) throws -> (RecurrentReport, RecurrentAnalysis) {
    let log = try RecurrentLog.read(path: path)
    let analysis = RecurrentAnalysis(log: log, options: .init(ages: [8760, 26_280], costRatio: costRatio))
    let block = RecurrentCatalog.partYAML(partID: "pluggable-800g-dr8", analysis: analysis, source: path)
    let items = evidence ? try RecurrentEvidence(log: log, fleet: "f", source: "s", part: nil, defaultPart: "x") : nil
    return (RecurrentReport(file: path, log: log, mode: nil, unitClass: nil, analysis: analysis, partYAML: block, evidence: items), analysis)
  }

  @Test("the JSON of the shipped logs validates against schemas/recurrent.schema.json, and a broken one does not")
  func schema() throws {
    let validator = try JSONSchemaValidator(schemaAt: repositoryRoot.appendingPathComponent("schemas/recurrent.schema.json"))
    for (name, report) in [("ports", Self.portsReport), ("lemons", Self.lemonsReport)] {
      let object = try JSONSerialization.jsonObject(with: Data(JSONOutput.string(try report.get().0).utf8))
      #expect(validator.validate(object) == [], "\(name)")
    }
    var broken = try JSONSerialization.jsonObject(with: Data(JSONOutput.string(try Self.portsReport.get().0).utf8)) as! [String: Any]
    broken["kind"] = "fit"
    broken.removeValue(forKey: "fits")
    broken["lemons"] = ["model": "weibull"]
    #expect(validator.validate(broken).count >= 3)
  }

  @Test("the shipped fleets: a rising rate by every test and the power law best by AIC; no lemon in the fleet without, and the flagged units of the fleet with lemons nearly all planted ones")
  func shippedFleets() throws {
    let (_, analysis) = try Self.portsReport.get()
    #expect(analysis.trends.count == 3 && analysis.trends.allSatisfy { $0.direction == .rising })
    #expect(analysis.best?.model == .powerLaw && analysis.byMode.allSatisfy { $0.best?.model == .powerLaw })
    #expect(analysis.lemons?.flagged.isEmpty == true && analysis.badLot == nil)
    let (_, withLemons) = try Self.lemonsReport.get()
    let header = try String(contentsOfFile: Self.lemons, encoding: .utf8).split(separator: "\n").first { $0.contains("lemons (2 %") }!
    let planted = Set(header.split(separator: ":").last!.split(separator: " ").map { String($0.trimmingCharacters(in: .punctuationCharacters)) })
    let flagged = Set(try #require(withLemons.lemons).flagged.map(\.id))
    #expect(!flagged.isEmpty && Double(flagged.intersection(planted).count) >= 0.9 * Double(flagged.count), "flagged \(flagged.sorted())")
  }

  @Test("the HTML page draws the MCF and ROCOF charts, loads nothing, and is the page cposim report draws from the JSON")
  func html() throws {
    let workspace = Workspace()
    let page = workspace.path("ports.html"), json = workspace.path("ports.json")
    #expect(failureMessage(["recurrent", Self.lemons, "--cost-ratio", "10", "--html", page]) == nil)
    let html = try String(contentsOfFile: page, encoding: .utf8)
    #expect(PageCheck.problems(html) == [])
    #expect(PageCheck.chartIDs(html) == ["recurrent-mcf", "recurrent-rocof"])
    #expect(html.contains("Failures come faster with age") && html.contains("Lemon candidates"))
    let (report, _) = try Self.lemonsReport.get()
    try JSONOutput.string(report).write(toFile: json, atomically: true, encoding: .utf8)
    let again = try HTMLReport.render(file: json)
    #expect(PageCheck.chartIDs(again) == ["recurrent-mcf", "recurrent-rocof"])
  }

  @Test("the catalog block it prints runs with cposim run, pasted under parts: with the workflow its header names")
  func blockRuns() throws {
    let (report, _) = try Self.lemonsReport.get()
    let block = report.partYaml
    #expect(block.contains("bad_lot: {fraction: ") && block.contains("fix: clean"))
    let workspace = Workspace()
    let scenario = try workspace.write("ports.yaml", """
      name: ports-from-the-log
      \(Workspace.catalogLine)
      horizon: 1y
      trials: 4
      system:
        units: {p: {part: pluggable-800g-dr8, count: 200}}
        structure: {parallel: [p]}
      repair:
        workflows:
          pluggable-800g-dr8: {action: hot-swap, clean_first: true, clean_success: 100%}
      parts:
      \(block)
      """)
    #expect(failureMessage(["validate", scenario]) == nil)
    #expect(failureMessage(["run", scenario, "--quiet", "-o", workspace.path("out.json")]) == nil)
    let out = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: workspace.path("out.json")))) as! [String: Any]
    #expect(out["metrics"] != nil)
  }

  @Test("--evidence writes the items, named by --fleet and --source")
  func evidence() throws {
    let workspace = Workspace()
    let file = workspace.path("ev.yaml")
    #expect(failureMessage(["recurrent", Self.ports, "--evidence", file, "--fleet", "dc-west", "--source", "dc-west-telemetry", "--json"]) == nil)
    let text = try String(contentsOfFile: file, encoding: .utf8)
    #expect(text.contains("fleet: dc-west\nsource: dc-west-telemetry\n"))
    #expect(text.contains("  - name: pluggable-800g-dr8-contamination\n    counted: failures\n    part: pluggable-800g-dr8\n    mode: contamination\n"))
    #expect(text.contains("window: {from: 2024-01-01, to: 2026-01-01}"))
    // --mode writes only that kind of event: 145 laser events in the ports' 17,787,453.79 unit-hours.
    let laser = workspace.path("laser.yaml")
    #expect(failureMessage(["recurrent", Self.ports, "--mode", "laser", "--evidence", laser, "--json"]) == nil)
    let laserText = try String(contentsOfFile: laser, encoding: .utf8)
    #expect(laserText.components(separatedBy: "  - name: ").count == 2)
    #expect(laserText.contains("  - name: pluggable-800g-dr8-laser\n    counted: failures\n    part: pluggable-800g-dr8\n    mode: laser\n"
      + "    count: 145\n    exposure: {unit_hours: 17787453.79}\n"))
  }

  @Test("refuses bad options and inputs with one line naming them", arguments: [
    (["--fdr", "2"], "--fdr must be between 0 and 1, such as 0.05 (got 2.0)"),
    (["--cost-ratio", "0"], "--cost-ratio must be a positive number, corrective over preventive cost, such as 10 (got 0.0)"),
    (["--fleet", "x"], "--fleet names the fleet of the evidence file: add --evidence OUT.yaml"),
    (["--part", "Bad Part"], "--part must be a catalog id: lower-case words joined by '-', such as pluggable-800g-dr8 (got 'Bad Part')"),
    (["--bands", "0"], "--bands must be 1 to 100 (got 0)"),
    (["--at", "0h"], "--at: ages must be positive durations such as 1y (got '0h')"),
    (["--mode", "fan"], "synthetic-ports.csv: no events with mode 'fan'; modes: contamination, laser"),
    (["--class", "nic"], "synthetic-ports.csv: no units of class 'nic'; classes: pluggable-800g-dr8"),
  ])
  func refuses(arguments: [String], message: String) {
    let found = failureMessage(["recurrent", Self.ports] + arguments) ?? ""
    #expect(found.hasSuffix(message), "\(found)")
  }

  @Test("a bad log is reported as file:line, every row at once, and nothing is analysed")
  func badLog() throws {
    let workspace = Workspace()
    let log = try workspace.write("log.csv", "unit,entered,exited,time\na,0,100,150\nb,50,10,\n")
    let message = failureMessage(["recurrent", log]) ?? ""
    #expect(message.contains("log.csv:2: time: an event after exit") && message.contains("log.csv:3: exited: the window ends before it starts"))
    #expect(CPOSim.exitCode(for: InputErrors([])) != .success)
  }
}
