import Foundation
import ReliabilityKit

/// A point of a line chart, with an optional 95 % interval.
package struct LinePoint: Sendable {
  package var x: Double
  package var y: Double
  package var low: Double?
  package var high: Double?
  package init(x: Double, y: Double, low: Double? = nil, high: Double? = nil) {
    self.x = x
    self.y = y
    self.low = low
    self.high = high
  }
}

/// One line of a line chart; its interval is drawn as a band.
package struct LineSeries: Sendable {
  package var name: String
  package var colour: String
  package var points: [LinePoint]
  package var dots: Bool
  package init(name: String, colour: String, points: [LinePoint], dots: Bool = true) {
    self.name = name
    self.colour = colour
    self.points = points.filter { $0.x.isFinite && $0.y.isFinite }.sorted { $0.x < $1.x }
    self.dots = dots
  }
}

/// A vertical line with an optional interval band (a break-even crossing, a fitted input).
package struct VerticalMarker: Sendable {
  package var x: Double
  package var low: Double?
  package var high: Double?
  package var label: String
  package var colour: String
  package init(x: Double, low: Double? = nil, high: Double? = nil, label: String, colour: String) {
    self.x = x
    self.low = low
    self.high = high
    self.label = label
    self.colour = colour
  }
}

/// A horizontal band (a calibration target's range) with a line at its value.
package struct HorizontalBand: Sendable {
  package var value: Double
  package var low: Double
  package var high: Double
  package var label: String
  package var colour: String
  package init(value: Double, low: Double, high: Double, label: String, colour: String) {
    self.value = value
    self.low = low
    self.high = high
    self.label = label
    self.colour = colour
  }
}

/// One axis's description: scale kind, label with its unit, and how ticks are written.
package struct AxisSpec: Sendable {
  package var kind: ChartScale.Kind
  package var label: String
  package var format: @Sendable (Double) -> String
  package var includeZero: Bool
  /// Tick labels with more significant digits, for ticks `format` writes alike.
  package var precise: @Sendable (Double, Int) -> String
  package init(_ kind: ChartScale.Kind = .linear, label: String, includeZero: Bool = false,
              format: @escaping @Sendable (Double) -> String = { Quantity.compact($0) },
              precise: @escaping @Sendable (Double, Int) -> String = { Quantity.compact($0, significant: $1) }) {
    self.kind = kind
    self.label = label
    self.format = format
    self.includeZero = includeZero
    self.precise = precise
  }
}

/// The chart kinds of the HTML report, drawn as inline SVG. Each returns nil when it has no
/// data to draw, so a missing optional field skips its chart.
package enum Charts {
  static let width = 560.0
  static let ink = "#1d2430"

  // MARK: Line chart

  /// Lines with interval bands over a numeric x axis, with optional zero line, vertical
  /// markers (a crossing and its interval) and horizontal bands (a target).
  package static func line(id: String, title: String, note: String, series: [LineSeries], x: AxisSpec, y: AxisSpec,
                          zeroLine: Bool = false, markers: [VerticalMarker] = [], bands: [HorizontalBand] = [],
                          wide: Bool = false) -> ChartFigure? {
    let drawn = series.filter { !$0.points.isEmpty }
    guard !drawn.isEmpty else { return nil }
    let w = wide ? 1100.0 : width, h = 300.0
    var xs = drawn.flatMap { $0.points.map(\.x) }
    var ys = drawn.flatMap { $0.points.flatMap { [$0.y, $0.low, $0.high].compactMap { $0 } } }
    xs += markers.flatMap { [$0.x, $0.low, $0.high].compactMap { $0 } }.filter { x.kind != .log || $0 > 0 }
    ys += bands.flatMap { [$0.low, $0.high] }
    if zeroLine { ys.append(0) }
    let items = drawn.map { LegendItem($0.name, $0.colour, .line) } + markers.map { LegendItem($0.label, $0.colour, .dash) }
      + bands.map { LegendItem($0.label, $0.colour, .band) }
    let right = 18.0
    let probe = ChartScale(kind: y.kind, values: ys, pixels: (h - 46, 12), includeZero: y.includeZero, precise: y.precise, label: y.format)
    // The legend spans the plot, whose left edge depends on the y labels, whose space depends
    // on the legend's height: settle the legend on the narrowest plot first.
    var left = 48.0
    var legend = Legend(items: items, width: w - left - right)
    let xLines = xLabelLines(x.label + (x.kind == .log ? " — log scale" : ""), width: w)
    let bottom = 46 + 15 * Double(xLines.count - 1)
    for _ in 0..<2 {
      let top = 12 + legend.height
      left = yAxisLeft(ticks: probe.ticks.map(\.label), label: y.label + (y.kind == .log ? " — log scale" : ""), plotHeight: h - bottom - top)
      legend = Legend(items: items, width: w - left - right)
    }
    let top = 12 + legend.height
    let xs_ = ChartScale(kind: x.kind, values: xs, pixels: (left, w - right), includeZero: x.includeZero, precise: x.precise, label: x.format)
    let ys_ = ChartScale(kind: y.kind, values: ys, pixels: (h - bottom, top), includeZero: y.includeZero, precise: y.precise, label: y.format)
    var c = SVGCanvas(width: w, height: h)
    axes(&c, x: xs_, y: ys_, xLabel: x.label, yLabel: y.label, left: left, top: top, right: w - right, bottom: h - bottom)
    for band in bands {
      if let a = ys_.clamped(band.high), let b = ys_.clamped(band.low) {
        c.rect(left, a, w - right - left, b - a, fill: band.colour, opacity: 0.14, mark: true, cls: "band",
               tip: "\(band.label): \(y.format(band.low)) .. \(y.format(band.high))")
      }
      if let v = ys_(band.value) { c.line(left, v, w - right, v, stroke: band.colour, width: 1.5, dash: "6 3", mark: true, cls: "target") }
    }
    if zeroLine, let z = ys_(0) { c.line(left, z, w - right, z, stroke: ink, width: 1.2) }
    for marker in markers {
      if let lo = marker.low, let hi = marker.high, let a = xs_.clamped(lo), let b = xs_.clamped(hi) {
        c.rect(a, top, b - a, h - bottom - top, fill: marker.colour, opacity: 0.12, mark: true, cls: "interval",
               tip: "\(marker.label) interval: \(x.format(lo)) .. \(x.format(hi))")
      }
      if let p = xs_(marker.x) {
        c.line(p, top, p, h - bottom, stroke: marker.colour, width: 2.4, dash: "6 3", mark: true, cls: "crossing",
               tip: "\(marker.label): \(x.format(marker.x))")
      }
    }
    for s in drawn {
      let banded = s.points.compactMap { p -> (Double, Double, Double)? in
        guard let lo = p.low, let hi = p.high, let px = xs_(p.x), let a = ys_.clamped(lo), let b = ys_.clamped(hi) else { return nil }
        return (px, a, b)
      }
      if banded.count >= 2 {
        c.polygon(banded.map { ($0.0, $0.2) } + banded.reversed().map { ($0.0, $0.1) }, fill: s.colour, opacity: 0.18, cls: "band")
      } else if banded.count == 1 {
        c.line(banded[0].0, banded[0].1, banded[0].0, banded[0].2, stroke: s.colour, width: 1.5, mark: true, cls: "whisker")
      }
      let pts = s.points.compactMap { p -> (Double, Double)? in
        guard let px = xs_(p.x), let py = ys_(p.y) else { return nil }
        return (px, py)
      }
      c.polyline(pts, stroke: s.colour, width: 2.2, cls: "series")
      if s.dots {
        for (p, point) in zip(pts, s.points) {
          c.circle(p.0, p.1, r: 3.2, fill: s.colour, cls: "dot", tip: "\(s.name): \(x.format(point.x)) → \(y.format(point.y))")
        }
      }
    }
    legend.draw(&c, x: left, y: 12)
    return ChartFigure(id: id, title: title, note: note, canvas: c, wide: wide)
  }

  // MARK: Histogram

  /// Bars of trial shares by bin, one colour per scenario, with each scenario's mean marked.
  /// The report's sketch bins are narrow (0.5 % relative); they are gathered into equal steps
  /// of the axis (`displayBins` of them) so a few dozen trials still read as a distribution.
  package static func histogram(id: String, title: String, note: String,
                               series: [(name: String, colour: String, bins: [(low: Double, high: Double, count: Int)], mean: Double?)],
                               x: AxisSpec, displayBins: Int = 30) -> ChartFigure? {
    let drawn = series.filter { s in s.bins.contains { $0.count > 0 && $0.low.isFinite && $0.high.isFinite } }
    guard !drawn.isEmpty else { return nil }
    let h = 280.0, right = 18.0, yLabel = "share of trials"
    let shareLabels = ["0%", "100%"]
    let left0 = yAxisLeft(ticks: shareLabels, label: yLabel, plotHeight: 150)
    let legend = Legend(items: drawn.map { LegendItem($0.name, $0.colour, .box) }, width: width - left0 - right)
    let top = 12 + legend.height
    let xLines = xLabelLines(x.label + (x.kind == .log ? " — log scale" : ""), width: width)
    let bottom = 46 + 15 * Double(xLines.count - 1)
    let left = yAxisLeft(ticks: shareLabels, label: yLabel, plotHeight: h - bottom - top)
    let xs = drawn.flatMap { s in s.bins.filter { $0.count > 0 }.flatMap { [$0.low, $0.high] } }
    let xScale = ChartScale(kind: x.kind, values: xs, pixels: (left, width - right), precise: x.precise, label: x.format)
    let step = (width - right - left) / Double(displayBins)
    // Gather each sketch bin into the display bin of its middle.
    var gathered: [[(count: Int, low: Double, high: Double)]] = []
    for s in drawn {
      var bins = Array(repeating: (count: 0, low: Double.infinity, high: -Double.infinity), count: displayBins)
      for b in s.bins where b.count > 0 {
        guard let a = xScale.clamped(b.low), let z = xScale.clamped(b.high) else { continue }
        let k = min(displayBins - 1, max(0, Int(((a + z) / 2 - left) / step)))
        bins[k].count += b.count
        bins[k].low = min(bins[k].low, b.low)
        bins[k].high = max(bins[k].high, b.high)
      }
      gathered.append(bins)
    }
    let totals = gathered.map { Double($0.reduce(0) { $0 + $1.count }) }
    let shares = zip(gathered, totals).flatMap { bins, total in bins.map { Double($0.count) / max(total, 1) } }
    let yScale = ChartScale(kind: .linear, values: shares, pixels: (h - bottom, top), includeZero: true) { String(format: "%.0f%%", $0 * 100) }
    var c = SVGCanvas(width: width, height: h)
    axes(&c, x: xScale, y: yScale, xLabel: x.label, yLabel: yLabel, left: left, top: top, right: width - right, bottom: h - bottom)
    let slot = step / Double(drawn.count)
    for (j, s) in drawn.enumerated() {
      for (k, bin) in gathered[j].enumerated() where bin.count > 0 {
        guard let y0 = yScale(0), let y1 = yScale(Double(bin.count) / totals[j]) else { continue }
        let x0 = left + Double(k) * step + Double(j) * slot
        let range = bin.low == bin.high ? x.format(bin.low) : "\(x.format(bin.low)) .. \(x.format(bin.high))"
        c.rect(x0 + 0.5, y1, max(slot - 1, 1), y0 - y1, fill: s.colour, opacity: 0.85, mark: true, cls: "bar",
               tip: "\(s.name): \(range): \(bin.count) trials")
      }
      if let m = s.mean, let p = xScale(m) {
        c.line(p, top, p, h - bottom, stroke: s.colour, width: 1.6, dash: "4 3", mark: true, cls: "mean", tip: "\(s.name) mean \(x.format(m))")
      }
    }
    legend.draw(&c, x: left, y: 12)
    return ChartFigure(id: id, title: title, note: note, canvas: c)
  }

  // MARK: Horizontal bars

  /// Grouped horizontal bars with 95 % interval whiskers and the value written at each bar.
  package static func bars(id: String, title: String, note: String, categories: [String],
                          groups: [(name: String, colour: String)], values: [[EstimateView?]],
                          x: AxisSpec, valueText: @escaping @Sendable (Double) -> String, wide: Bool = false) -> ChartFigure? {
    let present = values.flatMap { $0 }.compactMap { $0?.mean }.filter { x.kind != .log || $0 > 0 }
    guard !present.isEmpty, !categories.isEmpty else { return nil }
    let w = wide ? 1100.0 : width
    let barH = 14.0, gap = 10.0
    let column = labelColumn(categories, chartWidth: w)
    // Room for the value written after the longest bar.
    let texts = values.flatMap { $0 }.compactMap { $0?.mean }.map(valueText)
    let left = column.width + 16, right = max(18, (texts.map { SVGCanvas.textWidth($0, size: 10.5) }.max() ?? 40) + 12)
    let legend = groups.count > 1 ? Legend(items: groups.map { LegendItem($0.name, $0.colour, .box) }, width: w - left - right) : nil
    let top = 10 + (legend?.height ?? 0)
    let xLines = xLabelLines(x.label + (x.kind == .log ? " — log scale" : ""), width: w)
    let bottom = 44 + 15 * Double(xLines.count - 1)
    let rows = column.lines.map { max(Double(groups.count) * barH + gap, labelHeight($0)) }
    let h = top + rows.reduce(0, +) + bottom
    var xs = present
    for row in values { for e in row { if let lo = e?.ci95Low { xs.append(lo) }; if let hi = e?.ci95High { xs.append(hi) } } }
    let xScale = ChartScale(kind: x.kind, values: xs.filter { x.kind != .log || $0 > 0 }, pixels: (left, w - right),
                            includeZero: x.kind == .linear, precise: x.precise, label: x.format)
    var c = SVGCanvas(width: w, height: h)
    axes(&c, x: xScale, y: nil, xLabel: x.label, yLabel: nil, left: left, top: top, right: w - right, bottom: h - bottom)
    let base = x.kind == .log ? xScale.start : (xScale(0) ?? left)
    var rowTop = top
    for (i, category) in categories.enumerated() {
      let rowH = rows[i]
      let y0 = rowTop + (rowH - Double(groups.count) * barH) / 2
      drawLines(&c, x: left - 8, centreY: rowTop + rowH / 2, lines: column.lines[i], anchor: .end, cls: "category")
      for (g, group) in groups.enumerated() {
        guard i < values.count, g < values[i].count, let e = values[i][g], let m = e.mean, let p = xScale.clamped(m) else { continue }
        let y = y0 + Double(g) * barH
        c.rect(min(base, p), y + 1, max(abs(p - base), 1.2), barH - 2, fill: group.colour, opacity: 0.9, mark: true, cls: "bar",
               tip: "\(category), \(group.name): \(valueText(m))")
        if let lo = e.ci95Low, let hi = e.ci95High, let a = xScale.clamped(lo), let b = xScale.clamped(hi), abs(b - a) >= 1 {
          c.line(a, y + barH / 2, b, y + barH / 2, stroke: ink, width: 1.2, mark: true, cls: "whisker")
          c.line(a, y + 3, a, y + barH - 3, stroke: ink, width: 1.2)
          c.line(b, y + 3, b, y + barH - 3, stroke: ink, width: 1.2)
        }
        let end = max(p, e.ci95High.flatMap { xScale.clamped($0) } ?? p)
        c.text(end + 4, y + barH - 3, valueText(m), size: 10.5, fill: "#3a4350", cls: "value")
      }
      rowTop += rowH
    }
    legend?.draw(&c, x: left, y: 10)
    return ChartFigure(id: id, title: title, note: note, canvas: c, wide: wide)
  }

  // MARK: Quantile strips

  /// One strip per scenario: min–max line, p5–p95 box, median tick, mean dot. For reports that
  /// carry quantiles but no histogram (comparisons).
  package static func quantileStrips(id: String, title: String, note: String,
                                    rows: [(name: String, colour: String, estimate: EstimateView)], x: AxisSpec) -> ChartFigure? {
    let drawn = rows.filter { $0.estimate.p5 != nil && $0.estimate.p95 != nil }
    guard !drawn.isEmpty else { return nil }
    let top = 12.0
    let xLines = xLabelLines(x.label + (x.kind == .log ? " — log scale" : ""), width: width)
    let bottom = 46 + 15 * Double(xLines.count - 1)
    let column = labelColumn(drawn.map(\.name), chartWidth: width)
    let heights = column.lines.map { max(34, labelHeight($0)) }
    let h = top + heights.reduce(0, +) + bottom
    let left = column.width + 16, right = 24.0
    var xs: [Double] = []
    for r in drawn {
      let e = r.estimate
      xs += [e.p5, e.p50, e.p95, e.mean, e.min, e.max, e.p99].compactMap { $0 }
    }
    let xScale = ChartScale(kind: x.kind, values: xs.filter { x.kind != .log || $0 > 0 }, pixels: (left, width - right), precise: x.precise, label: x.format)
    var c = SVGCanvas(width: width, height: h)
    axes(&c, x: xScale, y: nil, xLabel: x.label, yLabel: nil, left: left, top: top, right: width - right, bottom: h - bottom)
    var rowTop = top
    for (i, r) in drawn.enumerated() {
      let e = r.estimate
      let cy = rowTop + heights[i] / 2
      drawLines(&c, x: left - 8, centreY: cy, lines: column.lines[i], anchor: .end, cls: "category")
      if let lo = e.min.flatMap({ xScale.clamped($0) }), let hi = e.max.flatMap({ xScale.clamped($0) }) {
        c.line(lo, cy, hi, cy, stroke: r.colour, width: 1.2, mark: true, cls: "range",
               tip: "\(r.name): min \(x.format(e.min!)), max \(x.format(e.max!))")
      }
      if let a = xScale.clamped(e.p5!), let b = xScale.clamped(e.p95!) {
        c.rect(min(a, b), cy - 8, max(abs(b - a), 2), 16, fill: r.colour, opacity: 0.35, stroke: r.colour, mark: true, cls: "box",
               tip: "\(r.name): p5 \(x.format(e.p5!)) .. p95 \(x.format(e.p95!))")
      }
      if let m = e.p50.flatMap({ xScale.clamped($0) }) {
        c.line(m, cy - 9, m, cy + 9, stroke: r.colour, width: 2.4, mark: true, cls: "median", tip: "\(r.name): median \(x.format(e.p50!))")
      }
      if let mean = e.mean, let m = xScale.clamped(mean) {
        c.circle(m, cy, r: 4, fill: ink, cls: "dot", tip: "\(r.name): mean \(x.format(mean))")
      }
      rowTop += heights[i]
    }
    return ChartFigure(id: id, title: title, note: note, canvas: c)
  }

  // MARK: Tornado

  /// One row per input, ranked by swing: bars from the central value of B − A to its value at
  /// the input's low (upper half of the row) and at its high (lower half), each labelled with
  /// the input's value at its outer end.
  package static func tornado(id: String, title: String, note: String, central: Double,
                             rows: [(name: String, lowLabel: String, highLabel: String, atLow: Double, atHigh: Double)],
                             x: AxisSpec, lowColour: String, highColour: String, wide: Bool = false) -> ChartFigure? {
    let drawn = rows.filter { $0.atLow.isFinite && $0.atHigh.isFinite }
    guard !drawn.isEmpty, central.isFinite else { return nil }
    let w = wide ? 1100.0 : width
    let barH = 13.0, size = 10.0
    let column = labelColumn(drawn.map(\.name), chartWidth: w)
    let left = column.width + 16, right = 18.0
    let legend = Legend(items: [LegendItem("input at its low", lowColour, .box), LegendItem("input at its high", highColour, .box),
                                LegendItem("central", ink, .dash)], width: w - left - right)
    let top = 12 + legend.height
    let xLines = xLabelLines(x.label, width: w)
    let bottom = 46 + 15 * Double(xLines.count - 1)
    let heights = column.lines.map { max(2 * barH + 8, labelHeight($0)) }
    let h = top + heights.reduce(0, +) + bottom
    // The plot keeps room at each side for the value labels written beyond the bars' ends.
    let xs: [Double] = drawn.flatMap { [$0.atLow, $0.atHigh] } + [central, 0]
    let outer = drawn.flatMap { [($0.atLow, $0.lowLabel), ($0.atHigh, $0.highLabel)] }
    let padLeft = (outer.filter { $0.0 < central }.map { SVGCanvas.textWidth($0.1, size: size) }.max() ?? 0) + 8
    let padRight = (outer.filter { $0.0 >= central }.map { SVGCanvas.textWidth($0.1, size: size) }.max() ?? 0) + 8
    let xScale = ChartScale(kind: .linear, values: xs, pixels: (left + padLeft, w - right - padRight), precise: x.precise, label: x.format)
    var c = SVGCanvas(width: w, height: h)
    axes(&c, x: xScale, y: nil, xLabel: x.label, yLabel: nil, left: left, top: top, right: w - right, bottom: h - bottom)
    if let z = xScale(0) { c.line(z, top, z, h - bottom, stroke: ink, width: 1) }
    guard let mid = xScale(central) else { return nil }
    var rowTop = top
    for (i, r) in drawn.enumerated() {
      let rowH = heights[i]
      drawLines(&c, x: left - 8, centreY: rowTop + rowH / 2, lines: column.lines[i], anchor: .end, cls: "category")
      let ends: [(Double, String, String)] = [(r.atLow, lowColour, r.lowLabel), (r.atHigh, highColour, r.highLabel)]
      for (k, (value, colour, label)) in ends.enumerated() {
        guard let p = xScale(value) else { continue }
        let y = rowTop + rowH / 2 - barH - 1 + Double(k) * (barH + 2)
        c.rect(min(mid, p), y, max(abs(p - mid), 1.5), barH, fill: colour, mark: true, cls: "bar",
               tip: "\(r.name) = \(label): \(x.format(value))")
        let outward = p >= mid
        c.text(outward ? max(p, mid + 1.5) + 4 : p - 4, y + barH / 2 + size * 0.35, label, anchor: outward ? .start : .end, size: size,
               fill: "#3a4350", cls: "value")
      }
      rowTop += rowH
    }
    c.line(mid, top, mid, h - bottom, stroke: ink, width: 1.6, dash: "4 3", mark: true, cls: "central", tip: "central: \(x.format(central))")
    legend.draw(&c, x: left, y: 12)
    return ChartFigure(id: id, title: title, note: note, canvas: c, wide: wide)
  }

  // MARK: Probability

  /// One row of a probability chart: P(B better), its interval, and P(tie) when known.
  package struct ProbabilityRow: Sendable {
    package var name: String
    package var colour: String
    package var p: Double
    package var low: Double?
    package var high: Double?
    /// The share of trials in which B and A were equal.
    package var tie: Double?
    package init(name: String, colour: String, p: Double, low: Double? = nil, high: Double? = nil, tie: Double? = nil) {
      self.name = name
      self.colour = colour
      self.p = p
      self.low = low
      self.high = high
      self.tie = tie
    }
  }

  /// Probabilities on a 0–100 % axis: each bar split into B better (its colour), tied (grey)
  /// and B worse (the baseline's colour, light), with the interval of P(better) and a line at 50 %.
  package static func probabilities(id: String, title: String, note: String, rows: [ProbabilityRow],
                                   worseColour: String = "#9aa3ad") -> ChartFigure? {
    let drawn = rows.filter { $0.p.isFinite && $0.p >= 0 && $0.p <= 1 }
    guard !drawn.isEmpty else { return nil }
    let column = labelColumn(drawn.map(\.name), chartWidth: width)
    let texts = drawn.map(probabilityText)
    let left = column.width + 16, right = max(24, (texts.map { SVGCanvas.textWidth($0, size: 11) }.max() ?? 30) + 12)
    let hasTies = drawn.contains { ($0.tie ?? 0) > 0 }
    let legend = Legend(items: [LegendItem("B better", drawn[0].colour, .box)] + (hasTies ? [LegendItem("tied", tieColour, .box)] : [])
                          + [LegendItem("B worse", worseColour, .box)], width: width - left - right)
    let top = 10 + legend.height, bottom = 44.0
    let heights = column.lines.map { max(30, labelHeight($0)) }
    let h = top + heights.reduce(0, +) + bottom
    let xScale = ChartScale(kind: .linear, values: [0, 1], pixels: (left, width - right)) { String(format: "%.0f%%", $0 * 100) }
    var c = SVGCanvas(width: width, height: h)
    axes(&c, x: xScale, y: nil, xLabel: "share of paired trials (%)", yLabel: nil, left: left, top: top, right: width - right, bottom: h - bottom)
    var rowTop = top
    for (i, r) in drawn.enumerated() {
      let rowH = heights[i], cy = rowTop + rowH / 2
      drawLines(&c, x: left - 8, centreY: cy, lines: column.lines[i], anchor: .end, cls: "category")
      guard let x0 = xScale(0), let p = xScale(r.p), let x1 = xScale(1) else { continue }
      let tie = min(max(r.tie ?? 0, 0), 1 - r.p)
      let pt = xScale(r.p + tie) ?? p
      c.rect(x0, cy - 8, max(p - x0, 1.5), 16, fill: r.colour, opacity: 0.85, mark: true, cls: "bar",
             tip: "\(r.name): B better in \(String(format: "%.1f%%", r.p * 100)) of trials")
      if tie > 0 {
        c.rect(p, cy - 8, pt - p, 16, fill: tieColour, mark: true, cls: "bar tie",
               tip: "\(r.name): tied in \(String(format: "%.1f%%", tie * 100)) of trials")
      }
      if x1 - pt >= 0.5 {
        c.rect(pt, cy - 8, x1 - pt, 16, fill: worseColour, opacity: 0.45, mark: true, cls: "bar worse",
               tip: "\(r.name): B worse in \(String(format: "%.1f%%", (1 - r.p - tie) * 100)) of trials")
      }
      if let lo = r.low, let hi = r.high, let a = xScale.clamped(lo), let b = xScale.clamped(hi) {
        c.line(a, cy, b, cy, stroke: ink, width: 1.4, mark: true, cls: "whisker")
      }
      c.text(x1 + 6, cy + 4, texts[i], size: 11, cls: "value")
      rowTop += rowH
    }
    if let half = xScale(0.5) { c.line(half, top, half, h - bottom, stroke: ink, width: 1, dash: "3 3") }
    legend.draw(&c, x: left, y: 10)
    return ChartFigure(id: id, title: title, note: note, canvas: c)
  }

  static let tieColour = "#c3c9d0"

  /// `62%`, or `62%, 30% tied`.
  static func probabilityText(_ r: ProbabilityRow) -> String {
    let better = String(format: "%.0f%%", r.p * 100)
    guard let tie = r.tie, tie > 0 else { return better }
    return better + String(format: ", %.0f%% tied", tie * 100)
  }

  // MARK: Inline interval

  /// A small interval glyph for a table cell: zero line, the 95 % interval and the mean, on a
  /// scale symmetric around zero. Nil without an interval.
  package static func miniInterval(_ e: EstimateView, colour: String) -> String? {
    guard let mean = e.mean, let lo = e.ci95Low, let hi = e.ci95High else { return nil }
    let extent = max(abs(lo), abs(hi), abs(mean))
    guard extent > 0, extent.isFinite else { return nil }
    var c = SVGCanvas(width: 160, height: 18)
    func px(_ v: Double) -> Double { 80 + 74 * v / extent }
    c.line(80, 2, 80, 16, stroke: "#8a929c", width: 1)
    c.line(px(lo), 9, px(hi), 9, stroke: colour, width: 3, mark: true, cls: "interval")
    c.circle(px(mean), 9, r: 3.5, fill: colour)
    return c.svg(label: "difference and its 95% interval, zero in the middle", chart: "interval").replacingOccurrences(of: "class=\"chart\"", with: "class=\"chart mini\"")
  }

  // MARK: Shared drawing

  /// Lines of at most `width` at `size`, broken after spaces, slashes, hyphens and underscores
  /// (a word longer than the width is broken inside it). The text is never shortened.
  static func wrap(_ text: String, width: Double, size: Double = 12) -> [String] {
    guard SVGCanvas.textWidth(text, size: size) > width, width > 0 else { return [text] }
    var tokens: [String] = []
    var current = ""
    for ch in text {
      current.append(ch)
      if " /-_".contains(ch) { tokens.append(current); current = "" }
    }
    if !current.isEmpty { tokens.append(current) }
    var lines: [String] = []
    var line = ""
    func fits(_ s: String) -> Bool { SVGCanvas.textWidth(s.trimmingCharacters(in: .whitespaces), size: size) <= width }
    for token in tokens {
      if fits(line + token) { line += token; continue }
      if !line.isEmpty { lines.append(line); line = "" }
      // A token wider than a line on its own: break it where it must.
      var piece = ""
      for ch in token {
        if !piece.isEmpty, !fits(piece + String(ch)) { lines.append(piece); piece = "" }
        piece.append(ch)
      }
      line = piece
    }
    if !line.isEmpty { lines.append(line) }
    return lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }

  /// The label column of a chart with one row per category: labels as wide as the widest, at
  /// most 40 % of the chart, wrapped onto more lines beyond that.
  static func labelColumn(_ names: [String], chartWidth: Double, size: Double = 12) -> (width: Double, lines: [[String]]) {
    let widest = names.map { SVGCanvas.textWidth($0, size: size) }.max() ?? 60
    let limit = min(widest, chartWidth * 0.4)
    let lines = names.map { wrap($0, width: limit, size: size) }
    let used = lines.flatMap { $0 }.map { SVGCanvas.textWidth($0, size: size) }.max() ?? limit
    return (max(used, 20), lines)
  }

  /// The height `lines` of a label take, with a little air.
  static func labelHeight(_ lines: [String], size: Double = 12) -> Double {
    Double(lines.count) * size * 1.25 + 8
  }

  /// Draws `lines` centred vertically on `centreY`.
  static func drawLines(_ c: inout SVGCanvas, x: Double, centreY: Double, lines: [String], anchor: SVGCanvas.Anchor,
                        size: Double = 12, fill: String = ink, cls: String? = nil) {
    let step = size * 1.25
    let first = centreY - Double(lines.count - 1) * step / 2 + size * 0.35
    for (i, line) in lines.enumerated() {
      c.text(x, first + Double(i) * step, line, anchor: anchor, size: size, fill: fill, cls: cls)
    }
  }

  /// The y axis label's lines: as many as keep each within the plot's height.
  static func yLabelLines(_ label: String, plotHeight: Double) -> [String] {
    wrap(label, width: max(plotHeight - 6, 40), size: 12)
  }

  /// The x axis label's lines: as many as keep each within the chart.
  static func xLabelLines(_ label: String, width: Double) -> [String] {
    wrap(label, width: width - 16, size: 12)
  }

  /// The left edge of a plot whose y axis has these tick labels and this axis label.
  static func yAxisLeft(ticks: [String], label: String, plotHeight: Double) -> Double {
    let tickWidth = ticks.map { SVGCanvas.textWidth($0, size: 11) }.max() ?? 20
    let lines = yLabelLines(label, plotHeight: plotHeight).count
    return max(48, tickWidth + 30 + 15 * Double(lines - 1))
  }

  /// Axes, ticks, grid lines and labels (with units). A nil `y` draws no y axis (bar charts).
  /// Tick labels stay inside the chart, and one that would touch its neighbour is left out.
  static func axes(_ c: inout SVGCanvas, x: ChartScale, y: ChartScale?, xLabel: String, yLabel: String?,
                   left: Double, top: Double, right: Double, bottom: Double) {
    let grid = ReportPalette.grid, axis = ReportPalette.axis
    var lastEnd = -Double.infinity
    for tick in x.ticks {
      guard let p = x(tick.value) else { continue }
      c.line(p, top, p, bottom, stroke: grid, width: 1)
      c.line(p, bottom, p, bottom + 4, stroke: axis, width: 1)
      let w = SVGCanvas.textWidth(tick.label, size: 11)
      // Centred under its tick, unless that would run past the chart's edge.
      let start = min(max(p - w / 2, 2), c.width - 2 - w)
      if !tick.label.isEmpty, start > lastEnd + 6 {
        c.text(start, bottom + 19, tick.label, anchor: .start, size: 11, fill: axis, cls: "tick")
        lastEnd = start + w
      }
    }
    c.line(left, bottom, right, bottom, stroke: axis, width: 1)
    let xLines = xLabelLines(xLabel + (x.kind == .log ? " — log scale" : ""), width: c.width)
    for (i, line) in xLines.enumerated() {
      let w = SVGCanvas.textWidth(line, size: 12)
      let centre = min(max((left + right) / 2, w / 2 + 4), c.width - w / 2 - 4)
      c.text(centre, bottom + 37 + 15 * Double(i), line, anchor: .middle, size: 12, fill: ink, cls: "axis-label")
    }
    guard let y else { return }
    var lastY = Double.infinity
    for tick in y.ticks {
      guard let p = y(tick.value) else { continue }
      c.line(left, p, right, p, stroke: grid, width: 1)
      c.line(left - 4, p, left, p, stroke: axis, width: 1)
      if lastY - p > 14 {
        c.text(left - 7, p + 4, tick.label, anchor: .end, size: 11, fill: axis, cls: "tick")
        lastY = p
      }
    }
    c.line(left, top, left, bottom, stroke: axis, width: 1)
    if let yLabel {
      let lines = yLabelLines(yLabel + (y.kind == .log ? " — log scale" : ""), plotHeight: bottom - top)
      for (i, line) in lines.enumerated() {
        let x = 13 + 15 * Double(i)
        c.text(x, (top + bottom) / 2, line, anchor: .middle, size: 12, fill: ink, rotate: -90, cls: "axis-label")
      }
    }
  }

  /// How a legend item is drawn.
  enum LegendStyle { case line, dash, band, box }

  struct LegendItem {
    let name: String
    let colour: String
    let style: LegendStyle
    init(_ name: String, _ colour: String, _ style: LegendStyle) {
      self.name = name
      self.colour = colour
      self.style = style
    }
  }

  /// A legend laid out in rows within a width: the height it takes is the height it draws.
  struct Legend {
    let items: [LegendItem]
    /// Each item's offset from the legend's origin.
    let positions: [(x: Double, y: Double)]
    let height: Double

    init(items: [LegendItem], width: Double) {
      self.items = items
      var positions: [(x: Double, y: Double)] = []
      var cx = 0.0, cy = 0.0
      for item in items {
        let w = SVGCanvas.textWidth(item.name, size: 11.5) + 32
        if cx + w > width, cx > 0 { cx = 0; cy += 18 }
        positions.append((cx, cy))
        cx += w
      }
      self.positions = positions
      height = items.isEmpty ? 0 : cy + 18 + 6
    }

    func draw(_ c: inout SVGCanvas, x: Double, y: Double) {
      for (item, at) in zip(items, positions) {
        let cx = x + at.x, cy = y + at.y
        switch item.style {
        case .line: c.line(cx, cy + 6, cx + 16, cy + 6, stroke: item.colour, width: 2.5)
        case .dash: c.line(cx, cy + 6, cx + 16, cy + 6, stroke: item.colour, width: 2, dash: "4 2")
        case .band: c.rect(cx, cy + 1, 16, 10, fill: item.colour, opacity: 0.25)
        case .box: c.rect(cx, cy + 1, 12, 10, fill: item.colour)
        }
        c.text(cx + 20, cy + 10, item.name, size: 11.5, fill: ink, cls: "legend")
      }
    }
  }
}
