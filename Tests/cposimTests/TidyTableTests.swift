import Foundation
import Testing
@testable import cposim
@testable import ReliabilityKit

/// Issue 28: tables people can open. `--csv` writes a tidy long table, `compare --per-trial`
/// the paired values of every trial.
@Suite("Tidy CSV tables")
struct TidyTableTests {
  /// The CSV's header and rows, split on commas (these tables quote nothing).
  static func read(_ path: String) throws -> (header: [String], rows: [[String]]) {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    return (lines[0], Array(lines.dropFirst()))
  }

  static func json(_ path: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
  }

  /// Every row has a cell per column, and every value is a number or empty.
  static func checkShape(_ table: (header: [String], rows: [[String]]), file: String) {
    let valueColumn = table.header.firstIndex(of: "value")!
    for row in table.rows {
      #expect(row.count == table.header.count, "\(file): \(row)")
      #expect(row[valueColumn].isEmpty || Double(row[valueColumn]) != nil, "\(file): \(row)")
    }
  }

  @Test("compare --csv: each scenario's statistics, then B - A and P(B better), equal to the JSON's")
  func comparison() throws {
    let workspace = Workspace()
    let (a, b) = try SensitivityCommandTests.scenarios(workspace)
    let json = workspace.path("c.json"), csv = workspace.path("c.csv")
    #expect(failureMessage(["compare", a, b, "--trials", "12", "--seed", "2", "--quiet", "-o", json, "--csv", csv]) == nil)
    let table = try Self.read(csv)
    #expect(table.header == ["scenario", "metric", "statistic", "value", "unit"])
    Self.checkShape(table, file: "c.csv")
    let report = try Self.json(json)
    func cell(_ scenario: String, _ metric: String, _ statistic: String) -> Double? {
      table.rows.first { $0[0] == scenario && $0[1] == metric && $0[2] == statistic }.flatMap { Double($0[3]) }
    }
    let scenarios = report["scenarios"] as! [String: [String: [String: Any]]]
    var checked = 0
    for (name, metrics) in scenarios {
      for (metric, estimate) in metrics {
        for statistic in ["mean", "ci95_low", "p95"] {
          guard let expected = estimate[statistic] as? Double else { continue }
          // Foundation's JSON reader may round the last digit of what the report wrote.
          #expect(cell(name, metric, statistic).map { abs($0 - expected) <= 1e-13 * max(1, abs(expected)) } == true, "\(name) \(metric) \(statistic)")
          checked += 1
        }
      }
    }
    let difference = (report["differences"] as! [String: [String: [String: Any]]])["b"]!["total_cost_usd_per_year"]!
    #expect(abs(cell("b - a", "total_cost_usd_per_year", "mean")! - (difference["mean"] as! Double)) <= 1e-9)
    #expect(cell("b - a", "total_cost_usd_per_year", "p_better") != nil && cell("b - a", "total_cost_usd_per_year", "p_tie") != nil)
    #expect(checked > 50)
  }

  @Test("compare --per-trial: every trial's values and B - A, in trial order, whose mean is the report's difference, whatever the thread count")
  func perTrial() throws {
    let workspace = Workspace()
    let (a, b) = try SensitivityCommandTests.scenarios(workspace)
    let json = workspace.path("c.json"), one = workspace.path("one.csv"), two = workspace.path("two.csv")
    #expect(failureMessage(["compare", a, b, "--trials", "20", "--seed", "3", "--quiet", "--threads", "1", "-o", json, "--per-trial", one]) == nil)
    #expect(failureMessage(["compare", a, b, "--trials", "20", "--seed", "3", "--quiet", "--threads", "2", "--per-trial", two]) == nil)
    #expect(try Data(contentsOf: URL(fileURLWithPath: one)) == Data(contentsOf: URL(fileURLWithPath: two)))
    let table = try Self.read(one)
    #expect(table.header == ["trial", "scenario", "metric", "value", "unit"])
    Self.checkShape(table, file: "one.csv")
    let differences = table.rows.filter { $0[1] == "b - a" && $0[2] == "total_cost_usd_per_year" }
    #expect(differences.map { Int($0[0])! } == Array(0..<20))
    let a0 = table.rows.filter { $0[1] == "a" && $0[2] == "total_cost_usd_per_year" }.map { Double($0[3])! }
    let b0 = table.rows.filter { $0[1] == "b" && $0[2] == "total_cost_usd_per_year" }.map { Double($0[3])! }
    let d = differences.map { Double($0[3])! }
    #expect(zip(zip(b0, a0), d).allSatisfy { abs($0.0 - $0.1 - $1) <= 1e-9 * max(1, abs($1)) }, "paired: B - A of the same trial")
    let mean = ((try Self.json(json))["differences"] as! [String: [String: [String: Any]]])["b"]!["total_cost_usd_per_year"]!["mean"] as! Double
    #expect(abs(d.reduce(0, +) / 20 - mean) <= 1e-9 * abs(mean))
  }

  @Test("run --csv, sweep --csv and sensitivity --csv write the same columns, with a sweep's key paths and a sensitivity's inputs as columns of their own")
  func otherCommands() throws {
    let workspace = Workspace()
    let (a, b) = try SensitivityCommandTests.scenarios(workspace)
    let run = workspace.path("r.csv"), sweep = workspace.path("s.csv"), sensitivity = workspace.path("t.csv"), json = workspace.path("r.json")
    #expect(failureMessage(["run", b, "--trials", "8", "--quiet", "-o", json, "--csv", run]) == nil)
    #expect(failureMessage(["sweep", b, "--set", "costs.pue=1.2,1.5", "--trials", "4", "--quiet", "--csv", sweep]) == nil)
    #expect(failureMessage(["sensitivity", a, b, "--trials", "4", "--quiet", "--csv", sensitivity]) == nil)

    let r = try Self.read(run)
    #expect(r.header == ["scenario", "metric", "statistic", "value", "unit"])
    Self.checkShape(r, file: "r.csv")
    let metrics = (try Self.json(json))["metrics"] as! [String: [String: Any]]
    let total = r.rows.first { $0[0] == "b" && $0[1] == "total_cost_usd" && $0[2] == "mean" }
    #expect(abs(total.flatMap { Double($0[3]) }! - (metrics["total_cost_usd"]!["mean"] as! Double)) <= 1e-9)
    #expect(r.rows.contains { $0[1].hasPrefix("failures_by_mode[") })

    let s = try Self.read(sweep)
    #expect(s.header == ["scenario", "costs.pue", "metric", "statistic", "value", "unit"])
    Self.checkShape(s, file: "s.csv")
    #expect(Set(s.rows.map { $0[1] }) == ["1.2", "1.5"])

    let t = try Self.read(sensitivity)
    #expect(t.header == ["scenario", "input", "end", "input_value", "input_text", "metric", "statistic", "value", "unit"])
    Self.checkShape(t, file: "t.csv")
    #expect(t.rows.contains { $0[1] == "costs.pue" && $0[2] == "low" && $0[3] == "1.2" && $0[6] == "mean" })
    #expect(t.rows.contains { $0[1] == "costs.pue" && $0[6] == "swing" } && t.rows.contains { $0[2] == "central" })
  }

  @Test("cells with commas or quotes are quoted; undefined values are empty, never NaN")
  func quoting() {
    #expect(TidyTable.field("a,b") == "\"a,b\"" && TidyTable.field("say \"x\"") == "\"say \"\"x\"\"\"" && TidyTable.field("plain") == "plain")
    #expect(TidyTable.number(.nan) == "" && TidyTable.number(.infinity) == "" && TidyTable.number(3) == "3" && TidyTable.number(0.1) == "0.1")
  }
}
