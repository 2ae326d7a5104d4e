"""One chart style for cposim, shared by the notebooks and the HTML report (`cposim report`).

The palette is defined once per side of the trade. The HTML report defines the same values in
Sources/ReliabilityKit/Report/HTML/ReportPalette.swift, and a Swift test keeps the two equal;
docs/report.md lists them. This module only formats and draws what cposim's JSON holds: no
model logic, no statistics of its own.
"""

import math
import textwrap

import matplotlib as mpl
import matplotlib.ticker as mticker
import numpy as np

# Pluggable optics: blue. Co-packaged optics (every CPO variant): orange.
PLUGGABLE = "#1f5fa8"
CPO = "#d9730d"
# Scenarios on neither side, in order.
OTHERS = ["#7a4e9c", "#3b8a8c", "#8c6d46", "#5e6b7a"]
# A paired difference B - A, the break-even crossing and its interval, a calibration target.
DIFFERENCE = "#39424e"
CROSSING = "#c0392b"
TARGET = "#2e7d4f"
AXIS = "#5b6470"
GRID = "#e4e7eb"


def apply():
    """Sets matplotlib's defaults to the report's look: light grid, no top and right spines."""
    mpl.rcParams.update({
        "figure.dpi": 110,
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": AXIS,
        "axes.labelcolor": "#1d2430",
        "axes.grid": True,
        "grid.color": GRID,
        "grid.linewidth": 0.8,
        "xtick.color": AXIS,
        "ytick.color": AXIS,
        "legend.frameon": False,
        # Dollar signs in titles are money, not TeX.
        "text.parse_math": False,
    })


def side(name, optics=None):
    """'pluggable', 'cpo' or 'other': from the fabric's optics when known, else from the name."""
    if optics:
        if optics.startswith("cpo"):
            return "cpo"
        if optics == "pluggable":
            return "pluggable"
    lower = name.lower()
    if "cpo" in lower or "co-packaged" in lower:
        return "cpo"
    if "pluggable" in lower:
        return "pluggable"
    return "other"


def colours(names, optics=None):
    """A colour for each scenario name: its side's, or a neutral one; two scenarios on the same
    side get different colours (the later one a neutral colour), as in the HTML report."""
    optics = optics or {}
    used, result, other = set(), {}, 0
    for name in names:
        s = side(name, optics.get(name))
        colour = {"pluggable": PLUGGABLE, "cpo": CPO}.get(s) or OTHERS[other % len(OTHERS)]
        if colour in used:
            while colour in used and other < 2 * len(OTHERS):
                colour = OTHERS[other % len(OTHERS)]
                other += 1
        elif s == "other":
            other += 1
        used.add(colour)
        result[name] = colour
    return result


MINUS = "\u2212"


def money(x, per_year=False, signed=False):
    """$15.11M, $218.1k, $950 (with /yr and a sign when asked; a real minus sign)."""
    if x is None or not math.isfinite(x):
        return "n/a"
    sign = "+" if signed and x > 0 else (MINUS if x < 0 else "")
    v = abs(x)
    text = f"${v / 1e9:.2f}B" if v >= 1e9 else f"${v / 1e6:.2f}M" if v >= 1e6 else f"${v / 1e3:.1f}k" if v >= 1e3 else f"${v:.0f}"
    return sign + text + ("/yr" if per_year else "")


def money_tick(v):
    """An axis tick in dollars as the report writes them: $45k, $47.5k, $1.2M, −$100k."""
    a = abs(v)
    sign = MINUS if v < 0 else ""
    if a >= 1e9:
        return f"{sign}${a / 1e9:.3g}B"
    if a >= 1e6:
        return f"{sign}${a / 1e6:.3g}M"
    if a >= 1e3:
        return f"{sign}${a / 1e3:.3g}k"
    return f"{sign}${a:.3g}"


def money_axis(ax, axis="y"):
    """Plot dollars as they are and label the axis's ticks $45k, $1.2M: the tick labels carry the
    scale, so an axis never says "million USD" under ticks of 0.03 (or thousands under millions)."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(mticker.FuncFormatter(lambda v, _: money_tick(v)))


def wrap(title, width=100):
    """A long title in lines of at most `width` characters, so matplotlib does not cut it."""
    return "\n".join(textwrap.fill(line, width) for line in title.split("\n"))


def _texts(fig):
    """Every piece of text a figure draws, with its box on the canvas: titles, axis labels, the
    tick labels inside each axis's range, legend entries, annotations and the figure's title."""
    renderer = fig.canvas.get_renderer()
    found = []

    def add(text, kind):
        if text is not None and text.get_visible() and text.get_text().strip():
            found.append((kind, text.get_text(), text.get_window_extent(renderer)))

    add(fig._suptitle, "figure title")
    for ax in fig.axes:
        for title in (ax.title, ax._left_title, ax._right_title):
            add(title, "title")
        add(ax.xaxis.label, "axis label")
        add(ax.yaxis.label, "axis label")
        for axis, limits in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            low, high = sorted(limits)
            for tick in axis.get_major_ticks():
                if low <= tick.get_loc() <= high:
                    add(tick.label1, "tick label")
        for text in ax.texts:
            add(text, "annotation")
        legend = ax.get_legend()
        if legend is not None:
            for text in legend.get_texts():
                add(text, "legend entry")
    return found


def check_layout(fig, slack=1.0):
    """Fails (AssertionError) when a text of the figure reaches outside it, so that it would be cut
    when drawn at its size, or when two texts overlap: two titles, a title and a legend, two
    ticks. Every chart cell ends with it, so `make notebooks` catches collisions as make
    test-html does for the HTML pages. `slack` is in pixels."""
    fig.canvas.draw()
    box = fig.bbox
    texts = _texts(fig)
    problems = []
    for kind, text, b in texts:
        if b.x0 < box.x0 - slack or b.x1 > box.x1 + slack or b.y0 < box.y0 - slack or b.y1 > box.y1 + slack:
            problems.append(f"{kind} {text!r} reaches outside the figure")
    for i, (kind_a, a, ba) in enumerate(texts):
        for kind_b, b, bb in texts[i + 1:]:
            width = min(ba.x1, bb.x1) - max(ba.x0, bb.x0)
            height = min(ba.y1, bb.y1) - max(ba.y0, bb.y0)
            if width > slack and height > slack:
                problems.append(f"{kind_a} {a!r} overlaps {kind_b} {b!r}")
    assert not problems, "chart layout: " + "; ".join(problems)


def availability(a, tick=False):
    """An availability in percent with two significant digits of 1 - A: 0.999958 -> 99.9958%
    (for a tick, without trailing zeros: 99.99%)."""
    u = 1 - a
    if u <= 0:
        return "100%"
    decimals = min(8, max(1, -math.floor(math.log10(u)) - 1))
    text = f"{a * 100:.{decimals}f}"
    if tick:
        text = text.rstrip("0").rstrip(".")
    return text + "%"


def interval(e, fmt):
    """'(95% CI low .. high)' of an estimate, or '' without bounds."""
    if e.get("ci95_low") is None or e.get("ci95_high") is None:
        return ""
    return f"(95% CI {fmt(e['ci95_low'])} .. {fmt(e['ci95_high'])})"


def difference_sentence(alternative, baseline, e, fmt, words):
    """'CPO: +$57.76M interruption cost (95% CI ...)', or that the trials cannot resolve it."""
    ci = interval(e, fmt)
    if not resolved(e):
        return f"{alternative} vs {baseline}: no detectable change in {words} ({fmt(e['mean'])}, {ci[1:-1]}, which covers zero)"
    return f"{alternative} vs {baseline}: {fmt(e['mean'])} {words} {ci}"


def resolved(e):
    """Whether the 95% interval of a difference excludes zero."""
    lo, hi = e.get("ci95_low"), e.get("ci95_high")
    return lo is not None and hi is not None and (lo > 0 or hi < 0)


def cost_title(alternative, baseline, e):
    """The finding of a cost difference per year, as the HTML report's title writes it."""
    fmt = lambda v: money(v, per_year=True, signed=True)
    if not resolved(e):
        return f"{alternative} shows no detectable change in cost from {baseline} ({fmt(e['mean'])}, {interval(e, fmt)[1:-1]}, which covers zero)"
    word = "more" if e["mean"] > 0 else "less"
    return f"{alternative} costs {money(abs(e['mean']), per_year=True)} {word} than {baseline} {interval(e, fmt)}"


def change_title(words, fmt, first, last, what, start, end):
    """The finding of a sweep over one parameter, by the HTML page's rule (SweepHTML.Change): the
    change from the first to the last grid point, with the two points' 95% half-widths added in
    quadrature, is 'no detectable change' when that interval covers zero. `first` and `last` are
    the two estimates; `what`, `start` and `end` the parameter's words and values."""
    d = last["mean"] - first["mean"]
    half = math.hypot((first["ci95_high"] - first["ci95_low"]) / 2, (last["ci95_high"] - last["ci95_low"]) / 2)
    ci = f"95% CI {fmt(d - half, True)} .. {fmt(d + half, True)}"
    if abs(d) <= half:
        return (f"{words}: no detectable change\nas {what} goes from {start} to {end}\n"
                f"({fmt(first['mean'])} to {fmt(last['mean'])}: {fmt(d, True)}, {ci}, which covers zero)")
    verb = "rises" if d > 0 else "falls"
    return f"{words} {verb} from {fmt(first['mean'])} to {fmt(last['mean'])}\nas {what} goes from {start} to {end}\n({fmt(d, True)}, {ci})"


def nines(a):
    """Availabilities by their nines, -log10(1 - A): 0.999 -> 3. Plot these, then nines_axis."""
    return -np.log10(np.clip(1 - np.asarray(a, dtype=float), 1e-12, None))


def nines_axis(ax, axis="x"):
    """Labels an axis drawn in nines (see nines()) as availabilities in percent."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(mticker.MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    target.set_major_formatter(mticker.FuncFormatter(lambda n, _: availability(1 - 10 ** (-n), tick=True)))


def gather(bins, transform=lambda x: np.asarray(x, dtype=float), count=30, span=None):
    """The report's histogram bins (narrow sketch buckets) gathered into `count` equal steps of
    the axis (over `span`, transformed, when given: the same steps for several scenarios), as
    the HTML report draws them: returns (left edges, width, share of trials)."""
    lows, highs, counts = (np.asarray([b[k] for b in bins if b["count"] > 0], dtype=float) for k in ("low", "high", "count"))
    middles = (transform(lows) + transform(highs)) / 2
    low, high = span if span is not None else (transform(lows).min(), transform(highs).max())
    edges = np.linspace(low, high, count + 1)
    totals, _ = np.histogram(middles, bins=edges, weights=counts)
    return edges[:-1], edges[1] - edges[0], totals / counts.sum()


def number(v):
    """A tick label without TeX: 50,000; 1.3 M; 0.05."""
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:.3g} M"
    if a >= 1000:
        return f"{v:,.0f}"
    return f"{v:.3g}"


def log_axis(ax, axis="x"):
    """A logarithmic axis with ticks at 1, 2 and 5 of each decade, labelled in plain numbers."""
    (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(mticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    target.set_major_formatter(mticker.FuncFormatter(lambda v, _: number(v)))
    target.set_minor_formatter(mticker.NullFormatter())


def span(reports, metric, transform=lambda x: np.asarray(x, dtype=float)):
    """The transformed range of a metric's histogram bins over several reports (for gather)."""
    values = [v for r in reports for b in r["histograms"][metric] if b["count"] > 0 for v in (b["low"], b["high"])]
    t = transform(values)
    return float(np.min(t)), float(np.max(t))


def log_axis_if_rate(ax, key, values, axis="x"):
    """A logarithmic axis for MTBF, MTTF, rates, AFR, FIT and scales (as the HTML report does)."""
    last = ".".join(key.split(".")[-2:]).lower()
    positive = all(v > 0 for v in values)
    if positive and (any(w in last for w in ("mtbf", "mttf", "rate", "afr", "fit", "scale", "median"))
                     or (values and max(values) / min(values) > 20)):
        log_axis(ax, axis)
        return True
    return False


def key_label(key, suffix=""):
    """'engine-failure MTBF (hours)' from a key path and the unit its values were written in."""
    parts = [p for p in key.split(".") if not p.isdigit()]
    tail = parts[-1]
    if tail.lower() in ("mtbf", "mttf", "scale", "shape", "afr", "fit", "median", "rate") and len(parts) >= 3 and parts[-2] == "distribution":
        words = f"{parts[-3]} {tail}"
    else:
        words = " ".join(parts[-2:])
    words = words.replace("_", " ").replace("mtbf", "MTBF")
    unit = {"h": "hours", "d": "days", "y": "years", "m": "minutes", "s": "seconds", "w": "weeks"}.get(suffix, suffix or "value")
    return f"{words} ({unit})"


def suffix(text):
    """The unit a value was written with: '100000h' -> 'h'."""
    return text.lstrip("0123456789.eE+-").strip()


def mark_crossing(ax, crossing, low=None, high=None, label="break-even"):
    """The break-even crossing as a dashed red line, its 95% interval as a red band."""
    if low is not None and high is not None:
        ax.axvspan(low, high, color=CROSSING, alpha=0.12, label=f"{label} 95% interval")
    if crossing is not None:
        ax.axvline(crossing, color=CROSSING, linestyle="--", linewidth=1.6, label=label)
