"""One chart style for cposim, shared by the notebooks and the HTML report (`cposim report`).

The palette is defined once per side of the trade. The HTML report defines the same values in
Sources/ReliabilityKit/Report/HTML/ReportPalette.swift, and a Swift test keeps the two equal;
docs/report.md lists them. This module only formats and draws what cposim's JSON holds: no
model logic, no statistics of its own.
"""

import math

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


def money(x, per_year=False, signed=False):
    """$15.11M, $218.1k, $950 (with /yr and a sign when asked)."""
    if x is None or not math.isfinite(x):
        return "n/a"
    sign = "+" if signed and x > 0 else ("-" if x < 0 else "")
    v = abs(x)
    text = f"${v / 1e9:.2f}B" if v >= 1e9 else f"${v / 1e6:.2f}M" if v >= 1e6 else f"${v / 1e3:.1f}k" if v >= 1e3 else f"${v:.0f}"
    return sign + text + ("/yr" if per_year else "")


def availability(a):
    """An availability in percent with two significant digits of 1 - A: 0.999958 -> 99.9958%."""
    u = 1 - a
    if u <= 0:
        return "100%"
    decimals = min(8, max(1, -math.floor(math.log10(u)) - 1))
    return f"{a * 100:.{decimals}f}%"


def interval(e, fmt):
    """'(95% CI low .. high)' of an estimate, or '' without bounds."""
    if e.get("ci95_low") is None or e.get("ci95_high") is None:
        return ""
    return f"(95% CI {fmt(e['ci95_low'])} .. {fmt(e['ci95_high'])})"


def resolved(e):
    """Whether the 95% interval of a difference excludes zero."""
    lo, hi = e.get("ci95_low"), e.get("ci95_high")
    return lo is not None and hi is not None and (lo > 0 or hi < 0)


def cost_title(alternative, baseline, e):
    """The finding of a cost difference per year, as the HTML report's title writes it."""
    fmt = lambda v: money(v, per_year=True, signed=True)
    if not resolved(e):
        return f"{alternative} vs {baseline}: no cost difference the trials can resolve ({fmt(e['mean'])}, {interval(e, fmt)[1:-1]})"
    word = "more" if e["mean"] > 0 else "less"
    return f"{alternative} costs {money(abs(e['mean']), per_year=True)} {word} than {baseline} {interval(e, fmt)}"


def nines_axis(ax, axis="x"):
    """Shows availabilities by their nines: positions -log10(1 - A), labels in percent."""
    def forward(a):
        return -np.log10(np.clip(1 - np.asarray(a, dtype=float), 1e-12, None))

    def inverse(n):
        return 1 - 10 ** (-np.asarray(n, dtype=float))

    scale_axis = ax.xaxis if axis == "x" else ax.yaxis
    (ax.set_xscale if axis == "x" else ax.set_yscale)("function", functions=(forward, inverse))
    scale_axis.set_major_locator(mticker.FixedLocator([1 - 10 ** (-n / 2) for n in range(2, 21)]))
    scale_axis.set_major_formatter(mticker.FuncFormatter(lambda a, _: availability(a)))


def log_axis_if_rate(ax, key, values, axis="x"):
    """A logarithmic axis for MTBF, MTTF, rates, AFR, FIT and scales (as the HTML report does)."""
    last = ".".join(key.split(".")[-2:]).lower()
    positive = all(v > 0 for v in values)
    if positive and (any(w in last for w in ("mtbf", "mttf", "rate", "afr", "fit", "scale", "median"))
                     or (values and max(values) / min(values) > 20)):
        (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
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
