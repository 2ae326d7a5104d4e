import Foundation

/// A point of a line chart, with an optional 95 % interval.
public struct LinePoint: Sendable {
  public var x: Double
  public var y: Double
  public var low: Double?
  public var high: Double?
  public init(x: Double, y: Double, low: Double? = nil, high: Double? = nil) {
    self.x = x
    self.y = y
    self.low = low
    self.high = high
  }
}

/// One line of a line chart; its interval is drawn as a band.
public struct LineSeries: Sendable {
  public var name: String
  public var colour: String
  public var points: [LinePoint]
  public var dots: Bool
  public init(name: String, colour: String, points: [LinePoint], dots: Bool = true) {
    self.name = name
    self.colour = colour
    self.points = points.filter { $0.x.isFinite && $0.y.isFinite }.sorted { $0.x < $1.x }
    self.dots = dots
  }
}

/// A vertical line with an optional interval band (a break-even crossing, a fitted input).
public struct VerticalMarker: Sendable {
  public var x: Double
  public var low: Double?
  public var high: Double?
  public var label: String
  public var colour: String
  public init(x: Double, low: Double? = nil, high: Double? = nil, label: String, colour: String) {
    self.x = x
    self.low = low
    self.high = high
    self.label = label
    self.colour = colour
  }
}

/// A horizontal band (a calibration target's range) with a line at its value.
public struct HorizontalBand: Sendable {
  public var value: Double
  public var low: Double
  public var high: Double
  public var label: String
  public var colour: String
  public init(value: Double, low: Double, high: Double, label: String, colour: String) {
    self.value = value
    self.low = low
    self.high = high
    self.label = label
    self.colour = colour
  }
}

/// One axis's description: scale kind, label with its unit, and how ticks are written.
public struct AxisSpec: Sendable {
  public var kind: ChartScale.Kind
  public var label: String
  public var format: @Sendable (Double) -> String
  public var includeZero: Bool
  /// Tick labels with more significant digits, for ticks `format` writes alike.
  public var precise: @Sendable (Double, Int) -> String
  public init(_ kind: ChartScale.Kind = .linear, label: String, includeZero: Bool = false,
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
public enum Charts {
  static let width = 560.0
  static let ink = "#1d2430"

  // MARK: Line chart

  /// Lines with interval bands over a numeric x axis, with optional zero line, vertical
  /// markers (a crossing and its interval) and horizontal bands (a target).
  public static func line(id: String, title: String, note: String, series: [LineSeries], x: AxisSpec, y: AxisSpec,
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
    let legendRows = legendHeight(names: drawn.map(\.name) + markers.map(\.label) + bands.map(\.label), width: w)
    let top = 12 + legendRows, bottom = 46.0
    let yProbe = ChartScale(kind: y.kind, values: ys, pixels: (h - bottom, top), includeZero: y.includeZero, precise: y.precise, label: y.format)
    let left = max(48, (yProbe.ticks.map { SVGCanvas.textWidth($0.label, size: 11) }.max() ?? 30) + 30)
    let right = 18.0
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
        c.line(p, top, p, h - bottom, stroke: marker.colour, width: 1.8, dash: "5 3", mark: true, cls: "crossing",
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
          c.circle(p.0, p.1, r: 3.2, fill: s.colour, tip: "\(s.name): \(x.format(point.x)) → \(y.format(point.y))")
        }
      }
    }
    legend(&c, items: drawn.map { ($0.name, $0.colour, "line") } + markers.map { ($0.label, $0.colour, "dash") }
      + bands.map { ($0.label, $0.colour, "band") }, x: left, y: 12, width: w - left - right)
    return ChartFigure(id: id, title: title, note: note, canvas: c, wide: wide)
  }

  // MARK: Histogram

  /// Bars of trial shares by bin, one colour per scenario, with each scenario's mean marked.
  /// The report's sketch bins are narrow (0.5 % relative); they are gathered into equal steps
  /// of the axis (`displayBins` of them) so a few dozen trials still read as a distribution.
  public static func histogram(id: String, title: String, note: String,
                               series: [(name: String, colour: String, bins: [(low: Double, high: Double, count: Int)], mean: Double?)],
                               x: AxisSpec, displayBins: Int = 30) -> ChartFigure? {
    let drawn = series.filter { s in s.bins.contains { $0.count > 0 && $0.low.isFinite && $0.high.isFinite } }
    guard !drawn.isEmpty else { return nil }
    let h = 280.0
    let legendRows = legendHeight(names: drawn.map(\.name), width: width)
    let top = 12 + legendRows, bottom = 46.0, left = 56.0, right = 18.0
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
    axes(&c, x: xScale, y: yScale, xLabel: x.label, yLabel: "share of trials", left: left, top: top, right: width - right, bottom: h - bottom)
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
    legend(&c, items: drawn.map { ($0.name, $0.colour, "box") }, x: left, y: 12, width: width - left - right)
    return ChartFigure(id: id, title: title, note: note, canvas: c)
  }

  // MARK: Horizontal bars

  /// Grouped horizontal bars with 95 % interval whiskers and the value written at each bar.
  public static func bars(id: String, title: String, note: String, categories: [String],
                          groups: [(name: String, colour: String)], values: [[EstimateView?]],
                          x: AxisSpec, valueText: @escaping @Sendable (Double) -> String, wide: Bool = false) -> ChartFigure? {
    let present = values.flatMap { $0 }.compactMap { $0?.mean }.filter { x.kind != .log || $0 > 0 }
    guard !present.isEmpty, !categories.isEmpty else { return nil }
    let w = wide ? 1100.0 : width
    let barH = 14.0, gap = 10.0
    let rowH = Double(groups.count) * barH + gap
    let legendRows = groups.count > 1 ? legendHeight(names: groups.map(\.name), width: w) : 0
    let top = 10 + legendRows, bottom = 44.0
    let h = top + Double(categories.count) * rowH + bottom
    let labelWidth = min(210, (categories.map { SVGCanvas.textWidth($0) }.max() ?? 60) + 10)
    let left = labelWidth + 8, right = 70.0
    var xs = present
    for row in values { for e in row { if let lo = e?.ci95Low { xs.append(lo) }; if let hi = e?.ci95High { xs.append(hi) } } }
    let xScale = ChartScale(kind: x.kind, values: xs.filter { x.kind != .log || $0 > 0 }, pixels: (left, w - right),
                            includeZero: x.kind == .linear, precise: x.precise, label: x.format)
    var c = SVGCanvas(width: w, height: h)
    axes(&c, x: xScale, y: nil, xLabel: x.label, yLabel: nil, left: left, top: top, right: w - right, bottom: h - bottom)
    let base = x.kind == .log ? xScale.start : (xScale(0) ?? left)
    for (i, category) in categories.enumerated() {
      let y0 = top + Double(i) * rowH + gap / 2
      c.text(left - 8, y0 + rowH / 2 - gap / 2 + 4, truncate(category, to: labelWidth), anchor: .end, size: 12)
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
        c.text(end + 4, y + barH - 3, valueText(m), size: 10.5, fill: "#3a4350")
      }
    }
    if groups.count > 1 {
      legend(&c, items: groups.map { ($0.name, $0.colour, "box") }, x: left, y: 10, width: w - left - right)
    }
    return ChartFigure(id: id, title: title, note: note, canvas: c, wide: wide)
  }

  // MARK: Quantile strips

  /// One strip per scenario: min–max line, p5–p95 box, median tick, mean dot. For reports that
  /// carry quantiles but no histogram (comparisons).
  public static func quantileStrips(id: String, title: String, note: String,
                                    rows: [(name: String, colour: String, estimate: EstimateView)], x: AxisSpec) -> ChartFigure? {
    let drawn = rows.filter { $0.estimate.p5 != nil && $0.estimate.p95 != nil }
    guard !drawn.isEmpty else { return nil }
    let rowH = 34.0, top = 12.0, bottom = 46.0
    let h = top + Double(drawn.count) * rowH + bottom
    let labelWidth = min(190, (drawn.map { SVGCanvas.textWidth($0.name) }.max() ?? 60) + 10)
    let left = labelWidth + 8, right = 24.0
    var xs: [Double] = []
    for r in drawn {
      let e = r.estimate
      xs += [e.p5, e.p50, e.p95, e.mean, e.min, e.max, e.p99].compactMap { $0 }
    }
    let xScale = ChartScale(kind: x.kind, values: xs.filter { x.kind != .log || $0 > 0 }, pixels: (left, width - right), precise: x.precise, label: x.format)
    var c = SVGCanvas(width: width, height: h)
    axes(&c, x: xScale, y: nil, xLabel: x.label, yLabel: nil, left: left, top: top, right: width - right, bottom: h - bottom)
    for (i, r) in drawn.enumerated() {
      let e = r.estimate
      let cy = top + Double(i) * rowH + rowH / 2
      c.text(left - 8, cy + 4, truncate(r.name, to: labelWidth), anchor: .end, size: 12)
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
        c.circle(m, cy, r: 4, fill: ink, tip: "\(r.name): mean \(x.format(mean))")
      }
    }
    return ChartFigure(id: id, title: title, note: note, canvas: c)
  }

  // MARK: Tornado

  /// One row per input, ranked by swing: bars from the central value of B − A to its value at
  /// the input's low and at its high.
  public static func tornado(id: String, title: String, note: String, central: Double,
                             rows: [(name: String, lowLabel: String, highLabel: String, atLow: Double, atHigh: Double)],
                             x: AxisSpec, lowColour: String, highColour: String, wide: Bool = false) -> ChartFigure? {
    let drawn = rows.filter { $0.atLow.isFinite && $0.atHigh.isFinite }
    guard !drawn.isEmpty, central.isFinite else { return nil }
    let w = wide ? 1100.0 : width
    let rowH = 30.0, top = 12 + legendHeight(names: ["input at its low", "input at its high", "central"], width: w), bottom = 46.0
    let h = top + Double(drawn.count) * rowH + bottom
    let labelWidth = min(200, (drawn.map { SVGCanvas.textWidth($0.name) }.max() ?? 60) + 10)
    let left = labelWidth + 8, right = 24.0
    let xs: [Double] = drawn.flatMap { [$0.atLow, $0.atHigh] } + [central, 0]
    let xScale = ChartScale(kind: .linear, values: xs, pixels: (left, w - right), precise: x.precise, label: x.format)
    var c = SVGCanvas(width: w, height: h)
    axes(&c, x: xScale, y: nil, xLabel: x.label, yLabel: nil, left: left, top: top, right: w - right, bottom: h - bottom)
    if let z = xScale(0) { c.line(z, top, z, h - bottom, stroke: ink, width: 1) }
    guard let mid = xScale(central) else { return nil }
    for (i, r) in drawn.enumerated() {
      let y = top + Double(i) * rowH
      c.text(left - 8, y + rowH / 2 + 4, truncate(r.name, to: labelWidth), anchor: .end, size: 12)
      let ends: [(Double, String, String)] = [(r.atLow, lowColour, r.lowLabel), (r.atHigh, highColour, r.highLabel)]
      for (value, colour, label) in ends {
        guard let p = xScale(value) else { continue }
        c.rect(min(mid, p), y + 5, max(abs(p - mid), 1.5), rowH - 10, fill: colour, mark: true, cls: "bar",
               tip: "\(r.name) = \(label): \(x.format(value))")
        let outward = p >= mid
        let textX = outward ? p + 4 : p - 4
        c.text(textX, y + rowH / 2 + 4, label, anchor: outward ? .start : .end, size: 10, fill: "#3a4350")
      }
    }
    c.line(mid, top, mid, h - bottom, stroke: ink, width: 1.6, dash: "4 3", mark: true, cls: "central", tip: "central: \(x.format(central))")
    legend(&c, items: [("input at its low", lowColour, "box"), ("input at its high", highColour, "box"), ("central", ink, "dash")],
           x: left, y: 12, width: w - left - right)
    return ChartFigure(id: id, title: title, note: note, canvas: c, wide: wide)
  }

  // MARK: Probability

  /// Probabilities on a 0–100 % axis, with their intervals and a line at 50 %.
  public static func probabilities(id: String, title: String, note: String,
                                   rows: [(name: String, colour: String, p: Double, low: Double?, high: Double?)]) -> ChartFigure? {
    let drawn = rows.filter { $0.p.isFinite && $0.p >= 0 && $0.p <= 1 }
    guard !drawn.isEmpty else { return nil }
    let rowH = 30.0, top = 10.0, bottom = 44.0
    let h = top + Double(drawn.count) * rowH + bottom
    let labelWidth = min(240, (drawn.map { SVGCanvas.textWidth($0.name) }.max() ?? 60) + 10)
    let left = labelWidth + 8, right = 56.0
    let xScale = ChartScale(kind: .linear, values: [0, 1], pixels: (left, width - right)) { String(format: "%.0f%%", $0 * 100) }
    var c = SVGCanvas(width: width, height: h)
    axes(&c, x: xScale, y: nil, xLabel: "probability (%)", yLabel: nil, left: left, top: top, right: width - right, bottom: h - bottom)
    if let half = xScale(0.5) { c.line(half, top, half, h - bottom, stroke: ink, width: 1, dash: "3 3") }
    for (i, r) in drawn.enumerated() {
      let y = top + Double(i) * rowH
      c.text(left - 8, y + rowH / 2 + 4, truncate(r.name, to: labelWidth), anchor: .end, size: 12)
      guard let x0 = xScale(0), let p = xScale(r.p) else { continue }
      c.rect(x0, y + 7, max(p - x0, 1.5), rowH - 14, fill: r.colour, opacity: 0.85, mark: true, cls: "bar",
             tip: "\(r.name): \(String(format: "%.1f%%", r.p * 100))")
      if let lo = r.low, let hi = r.high, let a = xScale.clamped(lo), let b = xScale.clamped(hi) {
        c.line(a, y + rowH / 2, b, y + rowH / 2, stroke: ink, width: 1.2, mark: true, cls: "whisker")
      }
      c.text(max(p, r.high.flatMap { xScale.clamped($0) } ?? p) + 4, y + rowH / 2 + 4, String(format: "%.0f%%", r.p * 100), size: 11)
    }
    return ChartFigure(id: id, title: title, note: note, canvas: c)
  }

  // MARK: Inline interval

  /// A small interval glyph for a table cell: zero line, the 95 % interval and the mean, on a
  /// scale symmetric around zero. Nil without an interval.
  public static func miniInterval(_ e: EstimateView, colour: String) -> String? {
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

  static func truncate(_ text: String, to width: Double, size: Double = 12) -> String {
    let maxChars = Int(width / (size * 0.58))
    guard text.count > maxChars, maxChars > 3 else { return text }
    return "…" + text.suffix(maxChars - 1)
  }

  /// Axes, ticks, grid lines and labels (with units). A nil `y` draws no y axis (bar charts).
  static func axes(_ c: inout SVGCanvas, x: ChartScale, y: ChartScale?, xLabel: String, yLabel: String?,
                   left: Double, top: Double, right: Double, bottom: Double) {
    let grid = ReportPalette.grid, axis = ReportPalette.axis
    var lastEnd = -Double.infinity
    for tick in x.ticks {
      guard let p = x(tick.value) else { continue }
      c.line(p, top, p, bottom, stroke: grid, width: 1)
      c.line(p, bottom, p, bottom + 4, stroke: axis, width: 1)
      let w = SVGCanvas.textWidth(tick.label, size: 11)
      if !tick.label.isEmpty, p - w / 2 > lastEnd + 4 {
        c.text(p, bottom + 16, tick.label, anchor: .middle, size: 11, fill: axis, cls: "tick")
        lastEnd = p + w / 2
      }
    }
    c.line(left, bottom, right, bottom, stroke: axis, width: 1)
    c.text((left + right) / 2, bottom + 34, xLabel + (x.kind == .log ? " — log scale" : ""), anchor: .middle, size: 12, fill: ink, cls: "axis-label")
    guard let y else { return }
    var lastY = Double.infinity
    for tick in y.ticks {
      guard let p = y(tick.value) else { continue }
      c.line(left, p, right, p, stroke: grid, width: 1)
      c.line(left - 4, p, left, p, stroke: axis, width: 1)
      if lastY - p > 13 {
        c.text(left - 7, p + 4, tick.label, anchor: .end, size: 11, fill: axis, cls: "tick")
        lastY = p
      }
    }
    c.line(left, top, left, bottom, stroke: axis, width: 1)
    if let yLabel {
      let label = yLabel + (y.kind == .log ? " — log scale" : "")
      c.text(13, (top + bottom) / 2, label, anchor: .middle, size: 12, fill: ink, rotate: -90, cls: "axis-label")
    }
  }

  /// Height the legend takes for these names.
  static func legendHeight(names: [String], width: Double) -> Double {
    guard !names.isEmpty else { return 0 }
    var rows = 1.0, used = 0.0
    for name in names {
      let w = SVGCanvas.textWidth(name, size: 11.5) + 30
      if used + w > width, used > 0 { rows += 1; used = 0 }
      used += w
    }
    return rows * 18 + 4
  }

  static func legend(_ c: inout SVGCanvas, items: [(String, String, String)], x: Double, y: Double, width: Double) {
    var cx = x, cy = y
    for (name, colour, style) in items {
      let w = SVGCanvas.textWidth(name, size: 11.5) + 30
      if cx + w > x + width, cx > x { cx = x; cy += 18 }
      switch style {
      case "line": c.line(cx, cy + 6, cx + 16, cy + 6, stroke: colour, width: 2.5)
      case "dash": c.line(cx, cy + 6, cx + 16, cy + 6, stroke: colour, width: 2, dash: "4 2")
      case "band": c.rect(cx, cy + 1, 16, 10, fill: colour, opacity: 0.25)
      default: c.rect(cx, cy + 1, 12, 10, fill: colour)
      }
      c.text(cx + 20, cy + 10, name, size: 11.5, fill: ink, cls: "legend")
      cx += w
    }
  }
}
