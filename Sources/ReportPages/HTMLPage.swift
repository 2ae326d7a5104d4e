import Foundation
import ReliabilityKit

/// HTML text helpers.
package enum HTML {
  /// Escapes text for element content and attribute values.
  package static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for c in text {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(c)
      }
    }
    return out
  }
}

/// A chart with its title, which states the finding, and a note that says what is drawn.
package struct ChartFigure: Sendable {
  package let id: String
  package let title: String
  package let note: String
  package let svg: String
  package let marks: Int
  /// Wide figures span both columns of the grid.
  package let wide: Bool

  package init(id: String, title: String, note: String, canvas: SVGCanvas, wide: Bool = false) {
    self.id = id
    self.title = title
    self.note = note
    svg = canvas.svg(label: title, chart: id)
    marks = canvas.marks
    self.wide = wide
  }
}

/// A table: header cells and rows of cells (already escaped HTML), first column left-aligned.
package struct HTMLTable: Sendable {
  package var caption: String?
  package var header: [String]
  package var rows: [[String]]

  package init(caption: String? = nil, header: [String], rows: [[String]]) {
    self.caption = caption
    self.header = header
    self.rows = rows
  }

  var html: String {
    var s = "<div class=\"table-wrap\"><table>"
    if let caption { s += "<caption>\(HTML.escape(caption))</caption>" }
    s += "<thead><tr>" + header.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
    for row in rows { s += "<tr>" + row.map { "<td>\($0)</td>" }.joined() + "</tr>" }
    return s + "</tbody></table></div>"
  }
}

/// The page of one report: a header whose title states the finding, key numbers, verdict lines,
/// charts, tables, and provenance at the bottom. Renderers fill it; `html` writes the one
/// self-contained file (inline CSS and SVG, no script, a Content-Security-Policy that forbids
/// every load).
package struct HTMLPage: Sendable {
  package let kind: String
  package var title: String
  package var subtitle: String = ""
  /// (label, value, detail) shown large under the title.
  package var keyNumbers: [(label: String, value: String, detail: String)] = []
  package var verdicts: [String] = []
  private var body: [String] = []
  package private(set) var figures: [ChartFigure] = []
  package var provenance: [(String, String)] = []
  /// Sentences under the provenance table.
  package var notes: [String] = []

  package init(kind: String, title: String) {
    self.kind = kind
    self.title = title
  }

  /// Starts a section of the body.
  package mutating func section(_ heading: String, intro: String? = nil) {
    body.append("<h2>\(HTML.escape(heading))</h2>" + (intro.map { "<p class=\"intro\">\(HTML.escape($0))</p>" } ?? ""))
  }

  /// Adds charts as a grid; nil ones (missing data) are skipped.
  package mutating func charts(_ list: [ChartFigure?]) {
    let present = list.compactMap { $0 }
    guard !present.isEmpty else { return }
    figures += present
    body.append("<div class=\"grid\">" + present.map { figure in
      """
      <figure class="figure\(figure.wide ? " wide" : "")" id="\(HTML.escape(figure.id))">
      <figcaption><span class="title">\(HTML.escape(figure.title))</span><span class="note">\(HTML.escape(figure.note))</span></figcaption>
      \(figure.svg)
      </figure>
      """
    }.joined(separator: "\n") + "</div>")
  }

  package mutating func table(_ table: HTMLTable) {
    guard !table.rows.isEmpty else { return }
    body.append(table.html)
  }

  /// A paragraph of plain text.
  package mutating func paragraph(_ text: String) {
    body.append("<p>\(HTML.escape(text))</p>")
  }

  /// The whole document.
  package var html: String {
    var s = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta name="generator" content="cposim \(HTML.escape(ToolVersion.current))">
      <title>\(HTML.escape(title))</title>
      <style>
      \(HTMLPage.css)
      </style>
      </head>
      <body>
      <main class="report" data-kind="\(HTML.escape(kind))">
      <header>
      <p class="kind">cposim \(HTML.escape(kind)) report</p>
      <h1>\(HTML.escape(title))</h1>

      """
    if !subtitle.isEmpty { s += "<p class=\"subtitle\">\(HTML.escape(subtitle))</p>\n" }
    s += "</header>\n"
    if !keyNumbers.isEmpty {
      s += "<section class=\"key-numbers\">" + keyNumbers.map {
        "<div class=\"key\"><div class=\"label\">\(HTML.escape($0.label))</div><div class=\"value\">\(HTML.escape($0.value))</div><div class=\"detail\">\(HTML.escape($0.detail))</div></div>"
      }.joined() + "</section>\n"
    }
    if !verdicts.isEmpty {
      s += "<section class=\"verdicts\"><h2>Verdicts</h2><ul>" + verdicts.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul></section>\n"
    }
    s += body.joined(separator: "\n")
    s += "\n<footer class=\"provenance\"><h2>Provenance</h2><dl>"
    s += provenance.map { "<dt>\(HTML.escape($0.0))</dt><dd>\(HTML.escape($0.1))</dd>" }.joined()
    s += "</dl>"
    s += notes.map { "<p>\(HTML.escape($0))</p>" }.joined()
    s += "<p>Written by cposim \(HTML.escape(ToolVersion.current)) from its JSON; a result is a pure function of (inputs, seed, trials, tool version).</p>"
    s += "</footer>\n</main>\n</body>\n</html>\n"
    return s
  }

  /// The stylesheet: screen and print (A4, two charts a row, nothing split across pages).
  static let css = """
    :root { --ink: #1d2430; --muted: #5b6470; --rule: #d8dde3; --paper: #ffffff; --wash: #f3f5f7; }
    * { box-sizing: border-box; }
    html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    body { margin: 0; background: var(--wash); color: var(--ink);
      font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", "DejaVu Sans", sans-serif; }
    main { max-width: 1120px; margin: 0 auto; padding: 28px 36px 40px; background: var(--paper); }
    header .kind { margin: 0; font-size: 12px; letter-spacing: .08em; text-transform: uppercase; color: var(--muted); }
    h1 { font-size: 26px; line-height: 1.25; margin: 6px 0 6px; }
    .subtitle { margin: 0 0 12px; color: var(--muted); }
    h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
    .intro { color: var(--muted); margin: -4px 0 12px; }
    .key-numbers { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; margin: 16px 0 8px; }
    .key { border-left: 4px solid var(--ink); padding: 4px 10px; background: var(--wash); }
    .key .label { font-size: 13px; color: var(--muted); }
    .key .value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
    .key .detail { font-size: 12.5px; color: var(--muted); }
    .verdicts ul { margin: 0; padding-left: 20px; }
    .verdicts li { margin: 3px 0; }
    .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 18px; align-items: start; }
    .figure { margin: 0; border: 1px solid var(--rule); border-radius: 6px; padding: 12px 14px 8px; break-inside: avoid; }
    .figure.wide { grid-column: 1 / -1; }
    figcaption .title { display: block; font-weight: 650; }
    figcaption .note { display: block; font-size: 12.5px; color: var(--muted); margin: 2px 0 6px; }
    svg.chart { width: 100%; height: auto; display: block; overflow: visible; }
    svg.chart.mini { width: 160px; height: 18px; display: inline-block; vertical-align: middle; }
    .table-wrap { overflow-x: auto; }
    table { border-collapse: collapse; width: 100%; font-size: 13.5px; font-variant-numeric: tabular-nums; margin: 6px 0 12px; }
    caption { text-align: left; font-weight: 650; padding: 4px 0; }
    th, td { padding: 4px 8px; border-bottom: 1px solid var(--rule); text-align: right; vertical-align: middle; }
    th { font-weight: 600; color: var(--muted); border-bottom: 2px solid var(--rule); }
    th:first-child, td:first-child { text-align: left; }
    td .ci { color: var(--muted); font-size: 12px; }
    .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
    footer.provenance { margin-top: 32px; font-size: 12.5px; color: var(--muted); }
    footer.provenance dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0 0 8px; }
    footer.provenance dt { font-weight: 600; }
    footer.provenance dd { margin: 0; overflow-wrap: anywhere; }
    @media print {
      @page { size: A4; margin: 14mm 12mm; }
      body { background: #fff; font-size: 10pt; }
      main { max-width: none; padding: 0; }
      h1 { font-size: 17pt; }
      h2 { font-size: 12.5pt; break-after: avoid; page-break-after: avoid; }
      .grid { grid-template-columns: 1fr 1fr; gap: 8pt; }
      .figure { padding: 6pt; break-inside: avoid; page-break-inside: avoid; }
      table { font-size: 8.5pt; }
      tr, .key { break-inside: avoid; }
      footer.provenance { break-before: auto; font-size: 8pt; }
    }
    """
}
