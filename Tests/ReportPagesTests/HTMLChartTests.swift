import Foundation
import Testing
@testable import ReportPages
import ReliabilityKit

@Suite("HTML chart scales")
struct ChartScaleTests {
  @Test("a log scale covers its data with 1-2-5 bounds and ticks inside them")
  func logScale() {
    let scale = ChartScale(kind: .log, values: [50_000, 162_500, 2_000_000], pixels: (0, 500)) { Quantity.compact($0) }
    #expect(scale.low == 50_000 && scale.high == 2_000_000)
    let ticks = scale.ticks.map(\.value)
    #expect(ticks == [50_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000])
    #expect(scale(50_000) == 0 && scale(2_000_000) == 500)
    // Equal ratios take equal distances.
    let a = scale(100_000)! - scale(50_000)!, b = scale(1_000_000)! - scale(500_000)!
    #expect(abs(a - b) < 1e-9)
    #expect(scale(0) == nil && scale(-1) == nil && scale(.nan) == nil)
  }

  @Test("a nines scale spaces availabilities by their nines and labels ticks apart")
  func ninesScale() {
    let scale = ChartScale(kind: .nines, values: [0.99968, 0.99982], pixels: (0, 400)) { Quantity.availabilityTick($0) }
    #expect(scale.low <= 0.99968 && scale.high >= 0.99982)
    let labels = scale.ticks.map(\.label)
    #expect(labels.count >= 3 && Set(labels).count == labels.count, "\(labels)")
    let wide = ChartScale(kind: .nines, values: [0.99, 0.99999], pixels: (0, 400)) { Quantity.availabilityTick($0) }
    #expect(wide.ticks.map(\.label) == ["99%", "99.9%", "99.99%", "99.999%"])
    // 99.9 % → 99.99 % takes the same distance as 99.99 % → 99.999 %.
    let d1 = wide(0.9999)! - wide(0.999)!, d2 = wide(0.99999)! - wide(0.9999)!
    #expect(abs(d1 - d2) < 1e-9)
  }

  @Test("a linear scale keeps zero when asked, and close ticks get more digits instead of equal labels")
  func linearScale() {
    let bars = ChartScale(kind: .linear, values: [3, 17], pixels: (0, 100), includeZero: true) { Quantity.compact($0) }
    #expect(bars.low == 0 && bars.high >= 17)
    let ettr = ChartScale(kind: .linear, values: [0.9981, 0.9993], pixels: (0, 100),
                          precise: { Quantity.compact($0, significant: $1) }) { Quantity.compact($0) }
    let labels = ettr.ticks.map(\.label)
    #expect(Set(labels).count == labels.count, "\(labels)")
  }
}

@Suite("SVG canvas")
struct SVGCanvasTests {
  @Test("elements with a non-finite coordinate are dropped, and only marks are counted")
  func dropsNonFinite() {
    var canvas = SVGCanvas(width: 100, height: 50)
    canvas.rect(1, 2, 3, 4, fill: "#000", mark: true)
    canvas.rect(.nan, 2, 3, 4, fill: "#000", mark: true)
    canvas.circle(1, .infinity, r: 2, fill: "#000")
    canvas.line(0, 0, 10, 10, stroke: "#000")
    canvas.polyline([(0, 0), (1, .nan)], stroke: "#000")
    #expect(canvas.marks == 1)
    let svg = canvas.svg(label: "a <b>", chart: "t")
    #expect(svg.contains("data-marks=\"1\"") && svg.contains("aria-label=\"a &lt;b&gt;\""))
    #expect(!svg.lowercased().contains("nan") && !svg.contains("inf"))
  }
}

@Suite("Report quantities")
struct QuantityTests {
  @Test("values are written with their units", arguments: [
    (15.11e6, "usd_per_year", "", false, "$15.11M/yr"),
    (218_141, "usd", "", false, "$218.1k"),
    (-3.06e6, "usd", "", true, "−$3.06M"),
    (15.11e6, "usd_per_year", "", true, "+$15.11M/yr"),
    (0.999958, "ratio", "link_availability", false, "99.9958%"),
    (0.99, "ratio", "system_availability", false, "99.0%"),
    (-2.1e-4, "ratio", "link_availability", true, "−0.021 pp"),
    (0.73898, "ratio", "job_ettr", false, "0.739"),
    (989_304, "count", "", false, "989,304"),
    (1.873e8, "gpu_hours", "", false, "187 M GPU-h"),
    (18.5, "count_per_month", "", true, "+18.5/month"),
    (47.25, "hours", "", false, "47.2 h"),
  ])
  func format(value: Double, unit: String, metric: String, signed: Bool, expected: String) {
    #expect(Quantity.format(value, unit: unit, metric: metric, signed: signed) == expected)
  }

  @Test("undefined values read n/a")
  func undefined() {
    #expect(Quantity.format(nil, unit: "usd") == "n/a")
    #expect(Quantity.format(.nan, unit: "usd") == "n/a")
  }

  @Test("parameters keep the unit they were written in")
  func parameters() {
    #expect(Quantity.parameter(1_300_000, suffix: "h") == "1.3 M h")
    #expect(Quantity.parameter(162_500, suffix: "h") == "162,500 h")
    #expect(Quantity.parameter(0.05, suffix: "") == "0.05")
    #expect(Quantity.availabilityTick(0.999) == "99.9%")
  }
}

@Suite("Report palette")
struct ReportPaletteTests {
  @Test("scenarios take their side's colour from the optics, else from the name")
  func sides() {
    #expect(ReportPalette.side(name: "anything", optics: "cpo-internal-laser") == .cpo)
    #expect(ReportPalette.side(name: "cluster-16k-cpo-els") == .cpo)
    #expect(ReportPalette.side(name: "cluster-16k-pluggable") == .pluggable)
    #expect(ReportPalette.side(name: "peer-series-100", index: 1) == .other(1))
    let colours = ReportPalette.colours(names: ["cluster-16k-pluggable", "cluster-16k-cpo-els", "cluster-16k-cpo-internal-laser"])
    #expect(colours["cluster-16k-pluggable"] == ReportPalette.pluggable)
    #expect(colours["cluster-16k-cpo-els"] == ReportPalette.cpo)
    #expect(Set(colours.values).count == 3, "a second CPO variant gets a colour of its own")
  }

  @Test("the notebooks' style module defines the same palette")
  func notebooksAgree() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let python = try String(contentsOf: root.appendingPathComponent("Notebooks-export/cposim_style.py"), encoding: .utf8)
    func value(_ name: String) -> String? {
      guard let line = python.split(separator: "\n").first(where: { $0.hasPrefix("\(name) = ") }) else { return nil }
      return String(line.dropFirst(name.count + 3))
    }
    for (name, colour) in [("PLUGGABLE", ReportPalette.pluggable), ("CPO", ReportPalette.cpo), ("DIFFERENCE", ReportPalette.difference),
                           ("CROSSING", ReportPalette.crossing), ("TARGET", ReportPalette.target), ("AXIS", ReportPalette.axis),
                           ("GRID", ReportPalette.grid)] {
      #expect(value(name) == "\"\(colour)\"", "\(name)")
    }
    #expect(value("OTHERS") == "[" + ReportPalette.others.map { "\"\($0)\"" }.joined(separator: ", ") + "]")
  }
}

@Suite("Report JSON")
struct ReportJSONTests {
  @Test("reads numbers exactly, nulls, nesting, and estimates leniently")
  func parse() throws {
    let json = try ReportJSON.parse(Data("""
      {"seed": 18446744073709551615, "x": 1.5, "n": null, "e": {"mean": 2, "ci95_low": null, "p5": 0, "min": 1, "max": 3}}
      """.utf8))
    #expect(json["seed"]?.text == "18446744073709551615")
    #expect(json["x"]?.double == 1.5 && json["n"]?.isNull == true && json["missing"] == nil)
    let e = try #require(EstimateView(json["e"]))
    #expect(e.mean == 2 && e.ci95Low == nil && e.unit == "")
    #expect(e.p5 == 1, "a quantile below the trials' minimum is clamped to it")
    #expect(EstimateView(json["x"]) == nil)
  }
}

@Suite("HTML chart scales on extreme values")
struct ExtremeChartScaleTests {
  @Test("a linear scale over -1e308..1e308 has a few finite ticks and maps its data inside the axis",
        arguments: [[-1e308, 1e308], [-.greatestFiniteMagnitude, .greatestFiniteMagnitude], [1e300, 1e300.nextUp], [0, 1e-320]] as [[Double]])
  func linear(values: [Double]) {
    let scale = ChartScale(kind: .linear, values: values, pixels: (0, 500)) { Quantity.compact($0) }
    #expect(scale.low.isFinite && scale.high.isFinite)
    let ticks = scale.ticks
    #expect(ticks.count <= ChartScale.maximumTicks + 1 && ticks.allSatisfy { $0.value.isFinite })
    for v in values {
      let p = scale(v)
      #expect(p.map { $0.isFinite && $0 >= -1e-6 && $0 <= 500 + 1e-6 } == true, "\(v) -> \(String(describing: p))")
    }
  }

  @Test("a log scale over the whole range of positive doubles has finite bounds and a bounded number of ticks")
  func log() {
    let scale = ChartScale(kind: .log, values: [5e-324, 1e-310, 1.7e308], pixels: (0, 500)) { Quantity.compact($0) }
    #expect(scale.low > 0 && scale.high.isFinite)
    #expect(scale.ticks.count <= ChartScale.maximumTicks + 1)
    #expect(scale(1)?.isFinite == true)
  }
}
