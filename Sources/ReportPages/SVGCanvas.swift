import Foundation

/// An inline SVG drawing. Elements that carry data are *marks* (class `mark`); the chart's
/// `data-marks` attribute counts them, so tests and the browser check can see that every chart
/// has its data. An element with a non-finite coordinate is dropped, never written.
package struct SVGCanvas: Sendable {
  package let width: Double
  package let height: Double
  private(set) var elements: [String] = []
  package private(set) var marks = 0

  package init(width: Double, height: Double) {
    self.width = width
    self.height = height
  }

  /// A number for an attribute: one decimal, no `-0`.
  static func n(_ x: Double) -> String {
    let s = String(format: "%.1f", x)
    return s == "-0.0" ? "0.0" : s
  }

  private mutating func add(_ element: String, mark: Bool, numbers: [Double]) {
    guard numbers.allSatisfy(\.isFinite) else { return }
    elements.append(element)
    if mark { marks += 1 }
  }

  private static func markClass(_ mark: Bool, _ extra: String?) -> String {
    let classes = (mark ? ["mark"] : []) + (extra.map { [$0] } ?? [])
    return classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\""
  }

  package mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1,
                            dash: String? = nil, mark: Bool = false, cls: String? = nil, tip: String? = nil) {
    let d = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
    let close = tip.map { "><title>\(HTML.escape($0))</title></line>" } ?? "/>"
    add("<line\(Self.markClass(mark, cls)) x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\"\(d)\(close)",
        mark: mark, numbers: [x1, y1, x2, y2, width])
  }

  package mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, opacity: Double = 1,
                            stroke: String? = nil, mark: Bool = false, cls: String? = nil, tip: String? = nil) {
    let x0 = w < 0 ? x + w : x, y0 = h < 0 ? y + h : y
    let s = stroke.map { " stroke=\"\($0)\" stroke-width=\"1\"" } ?? ""
    let o = opacity < 1 ? " fill-opacity=\"\(String(format: "%.2f", opacity))\"" : ""
    let close = tip.map { "><title>\(HTML.escape($0))</title></rect>" } ?? "/>"
    add("<rect\(Self.markClass(mark, cls)) x=\"\(Self.n(x0))\" y=\"\(Self.n(y0))\" width=\"\(Self.n(abs(w)))\" height=\"\(Self.n(abs(h)))\" fill=\"\(fill)\"\(o)\(s)\(close)",
        mark: mark, numbers: [x, y, w, h])
  }

  package mutating func circle(_ x: Double, _ y: Double, r: Double, fill: String, stroke: String = "#ffffff",
                              mark: Bool = true, cls: String? = nil, tip: String? = nil) {
    let close = tip.map { "><title>\(HTML.escape($0))</title></circle>" } ?? "/>"
    add("<circle\(Self.markClass(mark, cls)) cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(Self.n(r))\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"1\"\(close)",
        mark: mark, numbers: [x, y, r])
  }

  /// A polyline through `points` (at least two).
  package mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2, dash: String? = nil,
                                mark: Bool = true, cls: String? = nil) {
    guard points.count >= 2 else { return }
    let d = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
    let text = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
    add("<polyline\(Self.markClass(mark, cls)) points=\"\(text)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\" stroke-linejoin=\"round\"\(d)/>",
        mark: mark, numbers: points.flatMap { [$0.0, $0.1] })
  }

  /// A closed, filled polygon (interval bands).
  package mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double, mark: Bool = true, cls: String? = nil) {
    guard points.count >= 3 else { return }
    let text = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
    add("<polygon\(Self.markClass(mark, cls)) points=\"\(text)\" fill=\"\(fill)\" fill-opacity=\"\(String(format: "%.2f", opacity))\" stroke=\"none\"/>",
        mark: mark, numbers: points.flatMap { [$0.0, $0.1] })
  }

  package enum Anchor: String, Sendable { case start, middle, end }

  package mutating func text(_ x: Double, _ y: Double, _ string: String, anchor: Anchor = .start, size: Double = 12,
                            fill: String = "#1d2430", weight: String? = nil, rotate: Double? = nil, cls: String? = nil) {
    let w = weight.map { " font-weight=\"\($0)\"" } ?? ""
    let r = rotate.map { " transform=\"rotate(\(Self.n($0)) \(Self.n(x)) \(Self.n(y)))\"" } ?? ""
    let c = cls.map { " class=\"\($0)\"" } ?? ""
    add("<text\(c) x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" text-anchor=\"\(anchor.rawValue)\" font-size=\"\(Self.n(size))\" fill=\"\(fill)\"\(w)\(r)>\(HTML.escape(string))</text>",
        mark: false, numbers: [x, y, size])
  }

  /// The SVG element. `label` is its accessible name (the chart's title).
  package func svg(label: String, chart: String) -> String {
    """
    <svg class="chart" data-chart="\(HTML.escape(chart))" data-marks="\(marks)" viewBox="0 0 \(Self.n(width)) \(Self.n(height))" \
    role="img" aria-label="\(HTML.escape(label))" font-family="inherit">
    \(elements.joined(separator: "\n"))
    </svg>
    """
  }

  /// The width of `text` at `size`, from DejaVu Sans's advance widths (the widest of the
  /// page's fonts; Liberation Sans and Arial run about 10 % narrower), so labels laid out by it
  /// do not collide in any of them. Characters it does not list count 0.65 em.
  package static func textWidth(_ text: String, size: Double = 12) -> Double {
    var thousandths = 0
    for scalar in text.unicodeScalars {
      let v = scalar.value
      if v >= 32, v < 127 {
        thousandths += asciiWidths[Int(v) - 32]
      } else {
        thousandths += otherWidths[scalar] ?? 650
      }
    }
    return Double(thousandths) * size / 1000
  }

  /// Advance widths of DejaVu Sans in thousandths of an em, for the characters 32 to 126.
  private static let asciiWidths: [Int] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,  // space to /
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,  // 0 to ?
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,  // @ to O
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,  // P to _
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,  // ` to o
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,  // p to ~
  ]

  private static let otherWidths: [Unicode.Scalar: Int] = [
    "−": 838, "…": 1000, "×": 838, "·": 318, "≥": 838, "≤": 838, "→": 838, "–": 500, "—": 1000, "±": 838, "’": 318,
    "⁰": 401, "¹": 401, "²": 401, "³": 401, "⁴": 401, "⁵": 401, "⁶": 401, "⁷": 401, "⁸": 401, "⁹": 401, "⁻": 528,
  ]
}
