import Foundation
import Testing
@testable import cposim
@testable import ReliabilityKit
@testable import ReportPages

/// Issue 28: headlines that are true, charts whose labels are whole.
@Suite("HTML headlines and labels")
struct HTMLHeadlineTests {
  /// A sweep report by hand: `cost(a, b)` gives the mean and half-width of total cost per year
  /// at each point of a 3 × 3 grid.
  static func sweep(_ cost: (Int, Int) -> (mean: Double, half: Double), unit: String = "usd_per_year",
                    metric: String = "total_cost_usd_per_year") throws -> Data {
    var rows: [[String: Any]] = []
    let a = ["80000h", "325000h", "1300000h"], av = [80_000.0, 325_000, 1_300_000]
    let b = ["0.05", "0.1", "0.2"], bv = [0.05, 0.1, 0.2]
    for i in 0..<3 {
      for j in 0..<3 {
        let (mean, half) = cost(i, j)
        rows.append(["parameters": ["x.distribution.mtbf": a[i], "costs.electricity_usd_per_kwh": b[j]],
                     "numeric_parameters": ["x.distribution.mtbf": av[i], "costs.electricity_usd_per_kwh": bv[j]],
                     "metric": metric,
                     "estimate": ["unit": unit, "n": 20, "mean": mean, "ci95_low": mean - half, "ci95_high": mean + half]])
      }
    }
    let object: [String: Any] = ["schema_version": 1, "scenario": "small-cpo.yaml", "seed": 1, "trials": 20,
                                 "parameters": ["x.distribution.mtbf", "costs.electricity_usd_per_kwh"], "rows": rows]
    return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
  }

  static func title(_ html: String) -> String {
    let start = html.range(of: "<h1>")!.upperBound
    return String(html[start..<html.range(of: "</h1>", range: start..<html.endIndex)!.lowerBound])
  }

  @Test("a sweep's headline names the parameter that moves the metric, not the first one, and says when the other makes no detectable change")
  func sweepNamesTheDriver() throws {
    // The MTBF (first parameter) moves cost by $200 within ±$1,000; electricity by $27k.
    let html = try HTMLReport.render(data: try Self.sweep { i, j in (382_200 + 100 * Double(i) + 13_500 * Double(j), 1_000) }, file: "s.json")
    let title = Self.title(html)
    #expect(title.contains("rises from $382.2k/yr to $409.2k/yr as costs electricity usd per kwh goes from 0.05 to 0.2"), "\(title)")
    #expect(title.contains("engine-failure MTBF") == false && title.contains("x MTBF makes no detectable change"), "\(title)")
    #expect(!title.contains("rises from $382.2k/yr to $382.4k/yr"))
  }

  @Test("a sweep whose changes all lie within their intervals says there is no detectable change")
  func sweepWithoutChange() throws {
    let html = try HTMLReport.render(data: try Self.sweep { i, j in (382_200 + 100 * Double(i) + 50 * Double(j), 1_000) }, file: "s.json")
    let title = Self.title(html)
    #expect(title.contains("Total cost per year: no detectable change over x MTBF 80,000 h .. 1.3 M h and costs electricity usd per kwh 0.05 .. 0.2"), "\(title)")
    #expect(title.contains("which covers zero") && !title.contains("rises") && !title.contains("falls"))
  }

  @Test("two values the usual digits write alike get more digits, so a headline never reads '16.8/month to 16.8/month'")
  func distinctValues() throws {
    let html = try HTMLReport.render(data: try Self.sweep({ i, _ in (16.80 + 0.01 * Double(i), 0.002) }, unit: "count_per_month",
                                                          metric: "job_interruptions_per_month"), file: "s.json")
    let title = Self.title(html)
    #expect(title.contains("rises from 16.8/month to 16.82/month"), "\(title)")
  }

  @Test("the sensitivity page counts the inputs that can flip the verdict over every input moved, in its headline and below")
  func sensitivityCounts() throws {
    var object = try HTMLReportTests.object(try HTMLReportTests.fixture("sensitivity.json"))
    object["inputs_moved"] = 98
    object["inputs_flipping"] = 7
    let html = try HTMLReport.render(data: try HTMLReportTests.data(object), file: "s.json")
    #expect(Self.title(html).hasSuffix("; 7 of 98 inputs can flip the verdict"))
    #expect(html.contains("<div class=\"value\">7 of 98</div>"))
    #expect(!html.contains("of 9 inputs can flip the verdict"))
    #expect(html.contains("The 9 largest of 98 inputs."))
  }

  @Test("a sensitivity whose central B − A covers zero says so instead of counting flips")
  func sensitivityWithoutVerdict() throws {
    var object = try HTMLReportTests.object(try HTMLReportTests.fixture("sensitivity.json"))
    var central = object["central"] as! [String: Any]
    central["ci95_low"] = -1_000.0
    central["ci95_high"] = (central["mean"] as! Double) + 1_000
    object["central"] = central
    let html = try HTMLReport.render(data: try HTMLReportTests.data(object), file: "s.json")
    #expect(Self.title(html).contains("shows no detectable change"))
    #expect(!Self.title(html).contains("can flip the verdict"))
  }

  @Test("a comparison's headline names the cost line that drives the difference, and says 'no detectable change' when the interval covers zero")
  func comparisonHeadline() throws {
    let data = try HTMLReportTests.comparisonJSON()
    let report = try HTMLReportTests.object(data)
    let diff = (report["differences"] as! [String: [String: [String: Any]]])["small-cpo"]!
    let html = try HTMLReport.render(data: data, file: "c.json")
    let total = diff["total_cost_usd_per_year"]!["mean"] as! Double
    let mean = { (metric: String) in (diff[metric]?["mean"] as? Double) ?? 0 }
    let largest = ReportSections.costLines.filter { mean($0.metric) * total > 0 }.max { abs(mean($0.metric)) < abs(mean($1.metric)) }!
    #expect(Self.title(html).contains(", mostly \(largest.label) ("), "\(Self.title(html))")

    var object = report
    var differences = object["differences"] as! [String: [String: [String: Any]]]
    differences["small-cpo"]!["total_cost_usd_per_year"]!["ci95_low"] = -100.0
    differences["small-cpo"]!["total_cost_usd_per_year"]!["ci95_high"] = 100.0
    object["differences"] = differences
    let unresolved = Self.title(try HTMLReport.render(data: try HTMLReportTests.data(object), file: "c.json"))
    #expect(unresolved.contains("small-cpo shows no detectable change in total cost per year from small-pluggable"), "\(unresolved)")
    #expect(unresolved.contains("which covers zero") && !unresolved.contains("mostly"))
  }

  @Test("P(B better) lists each metric with a direction once, and shows the tied share instead of hiding it in a short bar")
  func probabilityRows() throws {
    var object = try HTMLReportTests.object(try HTMLReportTests.comparisonJSON())
    var probability = object["probability_better"] as! [String: [String: [String: Any]]]
    probability["small-cpo"]!["job_interruptions_per_month"]!["p"] = 0.0
    probability["small-cpo"]!["job_interruptions_per_month"]!["p_tie"] = 1.0
    object["probability_better"] = probability
    let html = try HTMLReport.render(data: try HTMLReportTests.data(object), file: "c.json")
    let chart = try #require(html.range(of: "data-chart=\"probability-better\"").map { html[$0.lowerBound...] }
      .map { String($0[..<$0.range(of: "</svg>")!.upperBound]) })
    #expect(chart.components(separatedBy: ">cheaper</text>").count == 2, "cheaper once")
    for undirected in ["failures", "repairs", "engine events", "technician utilisation", "total cost"] {
      #expect(!chart.contains(">\(undirected)"), "\(undirected) has no direction a decision can use")
    }
    #expect(chart.contains(">fewer job interruptions</text>") && chart.contains(">0%, 100% tied</text>"))
    #expect(chart.contains("class=\"mark bar tie\""))
    let rows = chart.components(separatedBy: "class=\"category\"").count - 1
    #expect(rows <= ReportSections.decisionMetrics.count)
  }

  @Test("chart labels are never cut: long names wrap onto more lines and keep every character")
  func labelsWrap() throws {
    let long = "cpo-optical-engine-with-a-very-long-part-name/engine-failure-of-the-switch-board"
    let lines = Charts.wrap(long, width: 150)
    #expect(lines.count > 1 && lines.joined() == long)
    #expect(lines.allSatisfy { SVGCanvas.textWidth($0) <= 150 })
    for (kind, data, _) in try HTMLReportTests.pages() {
      let html = try HTMLReport.render(data: data, file: "x.json")
      #expect(!html.contains(">…") && !html.contains("…</text>"), "\(kind): a label cut short")
    }
  }

  @Test("a legend takes the height it draws: the plot starts below its last row")
  func legendHeight() {
    let items = (0..<6).map { Charts.LegendItem("scenario-with-a-long-name-\($0)", "#000000", .box) }
    let legend = Charts.Legend(items: items, width: 300)
    let rows = Set(legend.positions.map(\.y)).count
    #expect(rows > 1)
    #expect(legend.height >= Double(rows) * 18)
    #expect(legend.positions.allSatisfy { $0.x + SVGCanvas.textWidth("scenario-with-a-long-name-0", size: 11.5) + 20 <= 300 + 1 })
  }
}
