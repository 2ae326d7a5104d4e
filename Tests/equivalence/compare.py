#!/usr/bin/env python3
"""Statistical equivalence of two engines' per-trial lines (docs/performance.md, "Equivalence").

    compare.py REF_DIR NEW_DIR [--markdown OUT.md] [--label TEXT]

REF_DIR and NEW_DIR hold one `SCENARIO.ndjson` per scenario (cposim run --per-trial), written by
two engines with independent seeds, and beside it the run's report `SCENARIO.json`. For every
scenario and every metric of the per-trial lines:

- the means by Welch's z = (mean_new - mean_ref) / sqrt(var_ref/n_ref + var_new/n_new);
  a metric fails when |z| >= 3.5;
- the distributions by the two-sample Kolmogorov-Smirnov test; a metric fails when the
  asymptotic p-value is below 4.65e-4, the two-sided normal tail beyond 3.5, so both tests
  raise false alarms at the same rate;
- a metric constant on both sides must be equal (relative 1e-9): there is no noise to test.

The report's breakdowns (failures by mode, repairs by action, spares by FRU, each job's metrics)
have no per-trial lines: each entry is compared by Welch's z from the report's mean, sd and n.

THE THRESHOLDS ARE THE CONTRACT (DESIGN.md section 4): never widen them to let a change pass.
`engine_events` measures the engine, not the model, and is reported as the event census only.
Exit status 0 when every metric of every scenario passes, 1 when any fails, 2 on bad input.
Standard library only, so CI needs no package.
"""

import json
import math
import os
import sys

Z_LIMIT = 3.5
KS_P_LIMIT = math.erfc(Z_LIMIT / math.sqrt(2.0))  # 4.65e-4
CONSTANT_RTOL = 1e-9
CENSUS = "engine_events"
SKIPPED = {"trial", CENSUS}
# Headline metrics whose resolution (the smallest relative shift of the mean the test
# detects, 3.5 standard errors of the difference over the reference mean) is printed.
HEADLINES = ("failures", "job_interruptions", "total_cost_usd")


def read_lines(path):
    """Per-trial lines as {metric: [values]} (nulls dropped) and the trial count."""
    columns = {}
    trials = 0
    with open(path, encoding="utf-8") as handle:
        for number, text in enumerate(handle, 1):
            text = text.strip()
            if not text:
                continue
            try:
                line = json.loads(text)
            except json.JSONDecodeError as error:
                raise SystemExit(f"{path}:{number}: not a JSON line ({error})")
            trials += 1
            for key, value in line.items():
                column = columns.setdefault(key, [])
                if value is not None:
                    column.append(float(value))
    return columns, trials


def mean_var(values):
    n = len(values)
    mean = math.fsum(values) / n
    var = math.fsum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else 0.0
    return mean, var


def welch_z(ref, new):
    m1, v1 = mean_var(ref)
    m2, v2 = mean_var(new)
    se = math.sqrt(v1 / len(ref) + v2 / len(new))
    if se == 0.0:
        scale = max(abs(m1), abs(m2), 1e-300)
        return (0.0 if abs(m1 - m2) <= CONSTANT_RTOL * scale else math.inf), m1, m2, se
    return (m2 - m1) / se, m1, m2, se


def kolmogorov_q(lam):
    """P(K > lam) for the Kolmogorov distribution (Numerical Recipes' probks)."""
    if lam < 0.2:
        return 1.0
    total, sign, previous = 0.0, 1.0, 0.0
    for j in range(1, 101):
        term = sign * 2.0 * math.exp(-2.0 * j * j * lam * lam)
        total += term
        if abs(term) <= 1e-10 * previous or abs(term) <= 1e-300:
            return max(0.0, min(1.0, total))
        sign = -sign
        previous = abs(term)
    return 1.0  # no convergence only for tiny lam, where the answer is 1


def ks_test(ref, new):
    """Two-sample KS statistic D and its asymptotic p-value (ties handled exactly in D)."""
    a, b = sorted(ref), sorted(new)
    n1, n2 = len(a), len(b)
    i = j = 0
    d = 0.0
    while i < n1 and j < n2:
        x = min(a[i], b[j])
        while i < n1 and a[i] == x:
            i += 1
        while j < n2 and b[j] == x:
            j += 1
        d = max(d, abs(i / n1 - j / n2))
    ne = n1 * n2 / (n1 + n2)
    root = math.sqrt(ne)
    return d, kolmogorov_q((root + 0.12 + 0.11 / root) * d)


def compare_scenario(ref_path, new_path):
    ref, n_ref = read_lines(ref_path)
    new, n_new = read_lines(new_path)
    rows = []
    failures = []
    for name in sorted(set(ref) | set(new)):
        if name in SKIPPED:
            continue
        r, s = ref.get(name, []), new.get(name, [])
        if len(r) < 2 or len(s) < 2:
            if len(r) != len(s):
                failures.append((name, f"values in {len(r)} reference and {len(s)} new trials"))
            continue
        z, m1, m2, se = welch_z(r, s)
        d, p = ks_test(r, s)
        row = {"metric": name, "z": z, "ks_d": d, "ks_p": p, "ref_mean": m1, "new_mean": m2, "se": se}
        rows.append(row)
        if not abs(z) < Z_LIMIT:
            failures.append((name, f"Welch z = {z:+.2f} (reference mean {m1:.6g}, new {m2:.6g})"))
        if p < KS_P_LIMIT:
            failures.append((name, f"KS D = {d:.3f}, p = {p:.2e} (reference mean {m1:.6g}, new {m2:.6g})"))
    breakdowns = 0
    ref_report = ref_path[:-len(".ndjson")] + ".json"
    new_report = new_path[:-len(".ndjson")] + ".json"
    if os.path.exists(ref_report) or os.path.exists(new_report):
        a, b = report_breakdowns(ref_report), report_breakdowns(new_report)
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                failures.append((key, "reported by one engine only"))
                continue
            (m1, s1, n1), (m2, s2, n2) = a[key], b[key]
            se = math.sqrt(s1 * s1 / n1 + s2 * s2 / n2) if n1 > 0 and n2 > 0 else 0.0
            if se == 0.0:
                z = 0.0 if abs(m1 - m2) <= CONSTANT_RTOL * max(abs(m1), abs(m2), 1e-300) else math.inf
            else:
                z = (m2 - m1) / se
            breakdowns += 1
            rows.append({"metric": key, "z": z, "ks_d": 0.0, "ks_p": 1.0, "ref_mean": m1, "new_mean": m2, "se": se,
                         "breakdown": True})
            if not abs(z) < Z_LIMIT:
                failures.append((key, f"Welch z = {z:+.2f} (reference mean {m1:.6g}, new {m2:.6g})"))
    census = None
    if CENSUS in ref and CENSUS in new and ref[CENSUS] and new[CENSUS]:
        census = (mean_var(ref[CENSUS])[0], mean_var(new[CENSUS])[0])
    return {"n_ref": n_ref, "n_new": n_new, "rows": rows, "failures": failures, "census": census,
            "breakdowns": breakdowns}


def report_breakdowns(path):
    """{breakdown/path: (mean, sd, n)} of every statistic under the report's `breakdowns`."""
    with open(path, encoding="utf-8") as handle:
        report = json.load(handle)
    found = {}

    def walk(node, prefix):
        if isinstance(node, dict):
            if "mean" in node and "sd" in node and "n" in node:
                if node["mean"] is not None:
                    found[prefix] = (float(node["mean"]), float(node["sd"] or 0.0), int(node["n"]))
                return
            for key, value in node.items():
                walk(value, f"{prefix}/{key}" if prefix else key)

    walk(report.get("breakdowns", {}), "breakdowns")
    return found


def resolution(row):
    if row is None or row["ref_mean"] == 0 or row["se"] == 0:
        return "-"
    return f"{Z_LIMIT * row['se'] / abs(row['ref_mean']) * 100:.1f} %"


def main(argv):
    args = argv[1:]
    markdown = label = None
    if "--markdown" in args:
        k = args.index("--markdown")
        markdown = args[k + 1]
        del args[k:k + 2]
    if "--label" in args:
        k = args.index("--label")
        label = args[k + 1]
        del args[k:k + 2]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    ref_dir, new_dir = args
    names = sorted(f[:-len(".ndjson")] for f in os.listdir(ref_dir) if f.endswith(".ndjson"))
    missing = [n for n in names if not os.path.exists(os.path.join(new_dir, n + ".ndjson"))]
    if not names or missing:
        print(f"compare.py: no per-trial lines in {ref_dir}" if not names else
              f"compare.py: {new_dir} lacks {', '.join(missing)}", file=sys.stderr)
        return 2
    out = []
    if label:
        out.append(label)
        out.append("")
    out.append(f"Welch |z| < {Z_LIMIT} on every metric's mean; two-sample KS p >= {KS_P_LIMIT:.3g} on its per-trial values.")
    out.append("Resolution: the relative shift of a mean that reaches |z| = 3.5 (3.5 standard errors of the difference).")
    out.append("")
    out.append("| scenario | trials ref/new | metrics + breakdown entries | worst abs(z) | lowest KS p | resolution: failures, job_interruptions, total_cost_usd | events/trial ref -> new | verdict |")
    out.append("|---|---:|---:|---:|---:|---|---|---|")
    failed = []
    tests = 0
    for name in names:
        result = compare_scenario(os.path.join(ref_dir, name + ".ndjson"), os.path.join(new_dir, name + ".ndjson"))
        rows = result["rows"]
        tests += 2 * len(rows) - result["breakdowns"]
        worst = max(rows, key=lambda r: abs(r["z"]), default=None)
        lowest = min((r for r in rows if "breakdown" not in r), key=lambda r: r["ks_p"], default=None)
        by_name = {r["metric"]: r for r in rows}
        res = ", ".join(resolution(by_name.get(h)) for h in HEADLINES)
        census = result["census"]
        events = "-" if census is None else f"{census[0]:,.0f} -> {census[1]:,.0f} ({(census[1] / census[0] - 1) * 100:+.1f} %)" if census[0] else "-"
        verdict = "FAIL" if result["failures"] else "pass"
        worst_text = "-" if worst is None else "%.2f (%s)" % (abs(worst["z"]), worst["metric"])
        lowest_text = "-" if lowest is None else "%.2g (%s)" % (lowest["ks_p"], lowest["metric"])
        out.append(
            f"| {name} | {result['n_ref']}/{result['n_new']} | {len(rows) - result['breakdowns']} + {result['breakdowns']} | "
            f"{worst_text} | {lowest_text} | {res} | {events} | {verdict} |")
        for metric, why in result["failures"]:
            failed.append(f"- {name}: {metric}: {why}")
    out.append("")
    if failed:
        out.append(f"NOT EQUIVALENT: {len(failed)} of {tests} tests failed")
        out.extend(failed)
    else:
        out.append(f"EQUIVALENT: all {tests} tests passed ({len(names)} scenarios)")
    text = "\n".join(out)
    print(text)
    if markdown:
        with open(markdown, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    return 1 if failed else 0


def self_check():
    """Known values of the Kolmogorov tail, checked whenever the script runs."""
    for lam, q in ((1.36, 0.0494), (1.63, 0.00976), (1.95, 0.00103)):
        assert abs(kolmogorov_q(lam) - q) < 0.0005 * max(1, q * 100), (lam, kolmogorov_q(lam))
    assert ks_test([1, 2, 3], [1, 2, 3])[0] == 0.0
    assert ks_test([0, 0, 0, 1], [1, 1, 1, 1])[0] == 0.75


if __name__ == "__main__":
    self_check()
    sys.exit(main(sys.argv))
