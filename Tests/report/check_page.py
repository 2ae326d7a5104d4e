#!/usr/bin/env python3
"""Checks one HTML report as Chromium rendered it (make test-html).

  check_page.py dom KIND DUMPED_DOM.html MIN_CHARTS   the DOM after load: its kind, and every
                                                      chart holds as many data marks as it
                                                      declares (at least one), all finite
  check_page.py console CHROMIUM_STDERR.log           no console message (the page has no
                                                      script: any message is an error, a
                                                      blocked load or a bad SVG attribute)
  check_page.py screenshot PNG [#rrggbb ...]          not blank: many colours, ink over a good
                                                      share of the page, each given colour seen
  check_page.py pdf FILE.pdf                          a PDF of at least one page
  check_page.py probe PAGE.html PROBE.html [print]    a copy of the page that measures itself
                                                      (layout_probe.js; with "print", laid out
                                                      by the page's print rules)
  check_page.py layout DUMPED_PROBE.html [print]      what the probe measured: no two labels of a
                                                      chart overlap, none reaches outside its
                                                      chart or is cut short ("…"), none covers a
                                                      bar or dot, no card is mostly empty; in
                                                      print, no card is taller than an A4 page

Exits 1 with one line per problem. Standard library only, except PIL for the screenshot.
"""

import re
import sys
from html.parser import HTMLParser

NUMERIC = {"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "points"}


class Charts(HTMLParser):
    """Collects each svg.chart with its declared and counted marks, and problems on the way."""

    def __init__(self):
        super().__init__()
        self.charts = []  # [id, declared, counted]
        self.depth = 0
        self.kind = None
        self.problems = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "main" and "data-kind" in a:
            self.kind = a["data-kind"]
        if tag in ("script", "iframe", "object", "embed", "link"):
            self.problems.append(f"<{tag}> element")
        for name in ("src", "href"):
            if name in a:
                self.problems.append(f"<{tag} {name}={a[name]!r}>: the page must load nothing")
        if tag == "svg" and "chart" in (a.get("class") or "").split():
            self.charts.append([a.get("data-chart", "?"), int(a.get("data-marks", "-1")), 0])
            self.depth = 1
            return
        if self.depth:
            if tag == "svg":
                self.depth += 1
            if "mark" in (a.get("class") or "").split():
                self.charts[-1][2] += 1
            for name, value in attrs:
                if name in NUMERIC and value is not None and re.search(r"nan|inf", value, re.I):
                    self.problems.append(f"chart {self.charts[-1][0]}: <{tag} {name}={value!r}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.depth and tag == "svg":
            self.depth -= 1

    def handle_endtag(self, tag):
        if self.depth and tag == "svg":
            self.depth -= 1


def check_dom(kind, path, min_charts):
    parser = Charts()
    parser.feed(open(path, encoding="utf-8").read())
    problems = list(parser.problems)
    if parser.kind != kind:
        problems.append(f"data-kind is {parser.kind!r}, expected {kind!r}")
    if len(parser.charts) < min_charts:
        problems.append(f"{len(parser.charts)} charts, expected at least {min_charts}")
    for chart_id, declared, counted in parser.charts:
        if declared < 1:
            problems.append(f"chart {chart_id} declares no data marks")
        if counted != declared:
            problems.append(f"chart {chart_id}: {counted} marks in the DOM, {declared} declared")
    return problems, f"{len(parser.charts)} charts, {sum(c[2] for c in parser.charts)} data marks"


def check_console(path):
    lines = [line.strip() for line in open(path, encoding="utf-8", errors="replace")
             if ":CONSOLE" in line or "Uncaught" in line]
    return [f"console: {line[:300]}" for line in lines], "no console messages"


def check_screenshot(path, colours):
    from PIL import Image

    image = Image.open(path).convert("RGB")
    counts = image.getcolors(maxcolors=1 << 24)  # (count, (r, g, b)) for every colour on the page
    total = image.width * image.height
    distinct = len(counts)
    ink = sum(n for n, p in counts if sum(p) < 700) / total
    problems = []
    if distinct < 64:
        problems.append(f"{path}: only {distinct} distinct colours: blank or nearly")
    if ink < 0.02:
        problems.append(f"{path}: ink on {ink:.1%} of the page: blank or nearly")
    for colour in colours:
        target = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
        near = sum(n for n, p in counts if sum((a - b) ** 2 for a, b in zip(p, target)) < 40 ** 2)
        if near < 20:
            problems.append(f"{path}: the colour {colour} is not on the page ({near} pixels near it)")
    return problems, f"{distinct} colours, ink on {ink:.0%}"


def check_pdf(path):
    data = open(path, "rb").read()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    problems = [] if data.startswith(b"%PDF") and pages >= 1 else [f"{path}: not a PDF with pages"]
    return problems, f"{pages} pages"


# A4 less the page's 14 mm margins, in CSS pixels (96 per inch).
PRINT_PAGE_HEIGHT = (297 - 28) / 25.4 * 96


def make_probe(page, probe, mode):
    """The page with the measuring script and no Content-Security-Policy (which would block it);
    in print mode the page's print rules apply on screen."""
    import os
    html = open(page, encoding="utf-8").read()
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    if mode == "print":
        html = html.replace("@media print", "@media all")
    script = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "layout_probe.js"), encoding="utf-8").read()
    html = html.replace("</body>", f"<script>{script}</script></body>")
    open(probe, "w", encoding="utf-8").write(html)
    return [], f"probe written to {probe}"


def check_layout(path, mode):
    import json
    dom = open(path, encoding="utf-8").read()
    # The last one: the probe's own source, in the DOM too, names the element in a comment.
    found = ([None] + list(re.finditer(r'<pre id="layout-check">(\{.*?)</pre>', dom, re.S)))[-1]
    if not found:
        return [f"{path}: the layout probe did not run (no #layout-check in the DOM)"], ""
    from html import unescape
    result = json.loads(unescape(found.group(1)))
    problems = list(result["problems"])
    if result["charts"] == 0 or result["texts"] == 0:
        problems.append(f"{path}: the probe measured {result['charts']} charts and {result['texts']} labels")
    if mode == "print":
        for figure_id, height in result.get("figures", []):
            if height > PRINT_PAGE_HEIGHT:
                problems.append(f"figure {figure_id}: {height:.0f} px tall, more than a printed A4 page ({PRINT_PAGE_HEIGHT:.0f} px)")
    where = "print layout" if mode == "print" else "screen layout"
    return problems, f"{where}: {result['charts']} charts, {result['texts']} labels, no overlap, nothing cut or outside its chart"


def main(argv):
    what = argv[1]
    if what == "dom":
        problems, summary = check_dom(argv[2], argv[3], int(argv[4]))
    elif what == "console":
        problems, summary = check_console(argv[2])
    elif what == "screenshot":
        problems, summary = check_screenshot(argv[2], argv[3:])
    elif what == "pdf":
        problems, summary = check_pdf(argv[2])
    elif what == "probe":
        problems, summary = make_probe(argv[2], argv[3], argv[4] if len(argv) > 4 else "screen")
    elif what == "layout":
        problems, summary = check_layout(argv[2], argv[3] if len(argv) > 3 else "screen")
    else:
        print(__doc__)
        return 2
    for problem in problems:
        print(f"  FAIL {problem}")
    if not problems:
        print(f"  ok   {what}: {summary}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
