// Injected by check_page.py into a copy of a report page (make test-html): measures every chart's
// text in the browser's own font (SVG getBBox) and writes what it finds into <pre id="layout-check">
// as JSON, which --dump-dom carries out. The report itself runs no script; only this copy does.
(function () {
  "use strict";
  const problems = [];
  let texts = 0, charts = 0;
  // A box in the chart's viewBox units: the element's own box through its own transform.
  function box(el) {
    const b = el.getBBox();
    let m = null;
    if (el.transform && el.transform.baseVal.numberOfItems > 0) m = el.transform.baseVal.consolidate().matrix;
    const corners = [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]].map(([x, y]) =>
      m ? [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f] : [x, y]);
    const xs = corners.map(c => c[0]), ys = corners.map(c => c[1]);
    return {x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys)};
  }
  function overlap(a, b, slack) {
    return Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > slack && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > slack;
  }
  function name(el) {
    const cls = el.getAttribute("class");
    return (cls ? cls + " " : "") + JSON.stringify((el.textContent || el.tagName).slice(0, 60));
  }
  for (const svg of document.querySelectorAll("svg.chart")) {
    if (svg.classList.contains("mini")) continue;
    charts += 1;
    const id = svg.getAttribute("data-chart") || "?";
    const vb = svg.viewBox.baseVal;
    const labels = [...svg.querySelectorAll("text")].map(el => ({el, b: box(el)}));
    texts += labels.length;
    for (const {el, b} of labels) {
      const t = el.textContent || "";
      if (b.x0 < -0.5 || b.y0 < -0.5 || b.x1 > vb.width + 0.5 || b.y1 > vb.height + 0.5) {
        problems.push(`${id}: ${name(el)} reaches outside the chart (${b.x0.toFixed(0)},${b.y0.toFixed(0)} .. ${b.x1.toFixed(0)},${b.y1.toFixed(0)} in 0,0 .. ${vb.width},${vb.height})`);
      }
      if (t.startsWith("…") || t.endsWith("…")) problems.push(`${id}: ${name(el)} is cut`);
    }
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        if (overlap(labels[i].b, labels[j].b, 0.5)) problems.push(`${id}: ${name(labels[i].el)} overlaps ${name(labels[j].el)}`);
      }
    }
    // Data marks a label may not cover: bars, boxes and dots (bands and interval shades are
    // meant to lie under labels).
    const marks = [...svg.querySelectorAll("rect.mark, circle.mark")].filter(el => !el.classList.contains("band") && !el.classList.contains("interval"));
    const markBoxes = marks.map(el => ({el, b: box(el)}));
    for (const {el, b} of labels) {
      for (const m of markBoxes) {
        if (overlap(b, m.b, 1)) { problems.push(`${id}: ${name(el)} covers a data mark ${m.el.tagName}.${m.el.getAttribute("class")}`); break; }
      }
    }
  }
  // A card is as tall as what it holds: no empty card beside a tall one.
  const figures = [];
  for (const figure of document.querySelectorAll("figure.figure")) {
    figures.push([figure.id, figure.getBoundingClientRect().height]);
    const inner = [...figure.children].reduce((h, c) => h + c.getBoundingClientRect().height, 0);
    const outer = figure.getBoundingClientRect().height;
    if (outer - inner > 40) problems.push(`figure ${figure.id}: ${(outer - inner).toFixed(0)} px of its card are empty`);
  }
  const out = document.createElement("pre");
  out.id = "layout-check";
  out.textContent = JSON.stringify({charts, texts, problems, figures});
  document.body.appendChild(out);
})();
