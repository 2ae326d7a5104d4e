#!/usr/bin/env python3
"""Cross-checks `cposim recurrent` against Python's `reliability` (Repairable_systems) and against
the same likelihoods maximised independently with scipy. Run by `make crosscheck`.

    python3 Tests/crosscheck/recurrent_crosscheck.py CPOSIM_BINARY [RECURRENT_CSV ...]

Logs are generated here with numpy at known power-law parameters (fixed seeds), written in
cposim's recurrent-event format, analysed with `cposim recurrent --json`, and compared with:

1. reliability.MCF_nonparametric on a fleet observed from age 0 to staggered exits: the MCF and
   its variance (Nelson's incremental estimator, cposim's `variance_nelson`) at every event age,
   and the bounds (reliability's log-transformed bounds at CI = 0.975, i.e. z = 1.96, from that
   variance). Must agree to 1e-6 relative.
2. reliability.reliability_growth (Crow-AMSAA) on one unit observed to its last failure
   (failure-truncated): beta, lambda and the instantaneous MTBF at the end, 1 / rho(T). 1e-6.
3. reliability.ROCOF on one unit observed to a fixed age (time-truncated, test_end): the Laplace
   statistic U and, as the trend is significant, Beta_hat and Lambda_hat. 1e-6. And on one unit
   with a constant rate, failure-truncated: its ROCOF N / t_N against cposim's constant rate. 1e-6.
4. reliability.optimal_replacement_time (q = 1, as good as old) with cposim's fitted eta and beta:
   reliability's cost model charges cost_PM per failure and cost_CM per replacement, so it is
   called with (PM = 1, CM = R) and compared with cposim at cost ratio 1/R. ORT and the minimum
   cost. 1e-6.
5. scipy: the power-law and log-linear likelihoods with every unit's window (delayed entry
   included) maximised with scipy, the estimates and ln L, and the likelihood-ratio ends of beta
   and eta_hours found with scipy's brentq on the profile. 1e-6. On the generated fleets and on
   every RECURRENT_CSV given (the shipped logs).
6. The trend tests' statistics and p-values recomputed from the log with scipy.stats (normal and
   chi-square). 1e-9.

reliability.MCF_parametric fits (t/alpha)^beta to the MCF points by least squares, not by maximum
likelihood: its estimates are printed beside cposim's likelihood-ratio intervals and not compared
at 1e-6.
"""
import csv
import datetime as dt
import json
import math
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
from scipy import optimize, stats

warnings.filterwarnings("ignore")
import matplotlib  # noqa: E402  (reliability imports pyplot)
matplotlib.use("Agg")
from reliability.Repairable_systems import (  # noqa: E402
    MCF_nonparametric, MCF_parametric, ROCOF, optimal_replacement_time, reliability_growth)

TOLERANCE = 1e-6
CHI95 = stats.chi2.ppf(0.95, 1)
failures = []
rows = []


def rel(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def check(label, ours, theirs, tolerance=TOLERANCE):
    worst = 0.0
    for a, b in zip(np.atleast_1d(ours), np.atleast_1d(theirs)):
        worst = max(worst, rel(float(a), float(b)))
    rows.append((label, worst, tolerance))
    if not worst <= tolerance:
        failures.append(f"{label}: relative difference {worst:.3g} above {tolerance:g}")
    return worst


def power_law_events(rng, beta, eta, a, b):
    lo, hi = (a / eta) ** beta, (b / eta) ** beta
    n = rng.poisson(hi - lo)
    return np.sort(eta * (lo + rng.uniform(size=n) * (hi - lo)) ** (1 / beta))


def write_log(path, units):
    """units: (id, entry, exit, ages) in hours."""
    with open(path, "w") as f:
        f.write("unit,entered,exited,time\n")
        for uid, a, b, ages in units:
            if len(ages) == 0:
                f.write(f"{uid},{a!r},{b!r},\n")
            for t in ages:
                f.write(f"{uid},{a!r},{b!r},{float(t)!r}\n")


def run(cposim, path, *extra):
    out = subprocess.run([cposim, "recurrent", path, "--json", *extra], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"cposim recurrent {path} failed: {out.stderr}")
    return json.loads(out.stdout)


def read_log(path):
    """Units (entry, exit, ages) from a recurrent log, ages or timestamps with 'installed'."""
    def stamp(text):
        text = text.strip()
        if "T" not in text:
            text += "T00:00:00Z"
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    with open(path, newline="") as f:
        table = list(csv.DictReader(line for line in f if line.strip() and not line.startswith("#")))
    units = {}
    for r in table:
        uid = r["unit"]
        if uid not in units:
            if "T" in r["exited"] or r["exited"].count("-") >= 2:
                origin = stamp(r.get("installed") or r["entered"])
                to_age = lambda s, o=origin: (stamp(s) - o).total_seconds() / 3600  # noqa: E731
            else:
                to_age = float
            units[uid] = [to_age(r["entered"]), to_age(r["exited"]), [], to_age]
        if r["time"].strip():
            units[uid][2].append(units[uid][3](r["time"]))
    return [(a, b, np.sort(np.array(ages))) for a, b, ages, _ in units.values()]


def scipy_power_law(units):
    """MLE of the power law with windows, by scipy, and the LR ends of beta and eta."""
    n = sum(len(t) for _, _, t in units)
    slog = sum(np.log(t).sum() for _, _, t in units)
    c = max(b for _, b, _ in units)

    def mass(beta, eta):
        return sum((b / eta) ** beta - ((a / eta) ** beta if a > 0 else 0) for a, b, _ in units)

    def loglik(beta, eta):
        return n * math.log(beta) - n * beta * math.log(eta) + (beta - 1) * slog - mass(beta, eta)

    def eta_of(beta):  # closed form given beta
        return (sum(b ** beta - (a ** beta if a > 0 else 0) for a, b, _ in units) / n) ** (1 / beta)

    def eta_of_scaled(beta):
        return c * (sum((b / c) ** beta - ((a / c) ** beta if a > 0 else 0) for a, b, _ in units) / n) ** (1 / beta)

    prof = lambda lb: -loglik(math.exp(lb), eta_of_scaled(math.exp(lb)))  # noqa: E731
    res = optimize.minimize_scalar(prof, bracket=(-1.0, 1.0), tol=1e-12)
    beta = math.exp(res.x)
    eta = eta_of_scaled(beta)
    best = loglik(beta, eta)
    dev = lambda lb: 2 * (best + prof(lb)) - CHI95  # noqa: E731
    beta_lr = [math.exp(optimize.brentq(dev, res.x - 5, res.x, xtol=1e-13)),
               math.exp(optimize.brentq(dev, res.x, res.x + 5, xtol=1e-13))]

    def prof_eta(le):
        r = optimize.minimize_scalar(lambda lb: -loglik(math.exp(lb), math.exp(le)), bracket=(res.x - 0.1, res.x + 0.1), tol=1e-12)
        return r.fun
    dev_eta = lambda le: 2 * (best + prof_eta(le)) - CHI95  # noqa: E731
    le = math.log(eta)
    eta_lr = [math.exp(optimize.brentq(dev_eta, le - 3, le, xtol=1e-13)), math.exp(optimize.brentq(dev_eta, le, le + 3, xtol=1e-13))]
    return beta, eta, best, beta_lr, eta_lr


def scipy_log_linear(units):
    n = sum(len(t) for _, _, t in units)
    s = sum(t.sum() for _, _, t in units)
    c = max(b for _, b, _ in units)

    def integral(g):  # sum of int_a^b exp(g t) dt, in units of c
        total = 0.0
        for a, b, _ in units:
            a_, b_ = a / c, b / c
            total += (b_ - a_) if abs(g) < 1e-12 else (math.exp(g * b_) - math.exp(g * a_)) / g
        return total

    def prof(g):  # alpha profiled out, scaled time
        alpha = math.log(n / integral(g))
        return -(n * alpha + g * s / c - n)

    res = optimize.minimize_scalar(prof, bracket=(-1.0, 1.0), tol=1e-12)
    g = res.x
    alpha_s = math.log(n / integral(g))
    ll = -prof(g) - n * math.log(c)
    return alpha_s - math.log(c), g / c, ll


def trend_tests(units):
    laplace_num, laplace_var, chi, count = 0.0, 0.0, 0.0, 0
    for a, b, ages in units:
        if len(ages) and ages[-1] == b:  # failure-truncated
            ages = ages[:-1]
        laplace_num += (ages - (a + b) / 2).sum()
        laplace_var += len(ages) * (b - a) ** 2 / 12
        chi += 2 * np.log((b - a) / (ages - a)).sum()
        count += len(ages)
    u = laplace_num / math.sqrt(laplace_var)
    lower, upper = stats.chi2.cdf(chi, 2 * count), stats.chi2.sf(chi, 2 * count)
    return {"laplace": (u, min(1, 2 * stats.norm.sf(abs(u)))), "mil_hdbk_189": (chi, min(1, 2 * min(lower, upper)))}


def compare_mle(label, cposim, path, units):
    report = run(cposim, path)
    fits = {f["model"]: f for f in report["fits"]}
    beta, eta, ll, beta_lr, eta_lr = scipy_power_law(units)
    p = fits["power_law"]["parameters"]
    check(f"{label}: power law beta, eta, lnL (scipy)", [p["beta"]["estimate"], p["eta_hours"]["estimate"], fits["power_law"]["log_likelihood"]],
          [beta, eta, ll])
    check(f"{label}: power law LR ends of beta and eta (scipy profile)",
          [p["beta"]["lr_ci95_low"], p["beta"]["lr_ci95_high"], p["eta_hours"]["lr_ci95_low"], p["eta_hours"]["lr_ci95_high"]],
          beta_lr + eta_lr)
    alpha, gamma, ll2 = scipy_log_linear(units)
    q = fits["log_linear"]["parameters"]
    check(f"{label}: log-linear alpha, gamma, lnL (scipy)", [q["alpha"]["estimate"], q["gamma_per_hour"]["estimate"], fits["log_linear"]["log_likelihood"]],
          [alpha, gamma, ll2])
    expected = trend_tests(units)
    tests = {t["test"]: t for t in report["trend_tests"]}
    for key, (statistic, pvalue) in expected.items():
        check(f"{label}: {key} statistic and p (scipy.stats)", [tests[key]["statistic"], tests[key]["p_value"]], [statistic, pvalue], 1e-9)
    return report


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    cposim = sys.argv[1]
    shipped = sys.argv[2:]
    folder = tempfile.mkdtemp(prefix="cposim-recurrent-")

    # 1. A fleet observed from age 0 to staggered exits: MCF against reliability, MLE against scipy.
    rng = np.random.default_rng(30)
    fleet = []
    for i in range(40):
        b = float(rng.uniform(600, 1500))
        fleet.append((f"u{i:02d}", 0.0, b, power_law_events(rng, 1.8, 400.0, 0.0, b)))
    path = os.path.join(folder, "fleet.csv")
    write_log(path, fleet)
    report = compare_mle("fleet from age 0", cposim, path, [(a, b, t) for _, a, b, t in fleet])
    data = [list(map(float, t)) + [b] for _, _, b, t in fleet]
    theirs = MCF_nonparametric(data=[list(x) for x in data], CI=0.975, print_results=False, show_plot=False)
    ours = report["mean_cumulative_function"]
    check("fleet: MCF ages (reliability.MCF_nonparametric)", [p["time_hours"] for p in ours], theirs.time)
    check("fleet: MCF", [p["mcf"] for p in ours], theirs.MCF)
    check("fleet: MCF variance (Nelson's incremental)", [p["variance_nelson"] for p in ours], theirs.variance)
    z = stats.norm.ppf(0.975)
    check("fleet: MCF bounds at z = 1.96 from that variance",
          [p["mcf"] * math.exp(s * z * math.sqrt(p["variance_nelson"]) / p["mcf"]) for p in ours for s in (-1, 1)],
          [x for lo, hi in zip(theirs.lower, theirs.upper) for x in (lo, hi)])
    parametric = MCF_parametric(data=[list(x) for x in data], print_results=False, show_plot=False)
    p = {f["model"]: f for f in report["fits"]}["power_law"]["parameters"]
    print(f"MCF_parametric (least squares on the MCF points): beta {parametric.beta:.5g}, alpha {parametric.alpha:.5g}; "
          f"cposim MLE beta {p['beta']['estimate']:.5g} (LR {p['beta']['lr_ci95_low']:.5g} .. {p['beta']['lr_ci95_high']:.5g}), "
          f"eta {p['eta_hours']['estimate']:.5g} (LR {p['eta_hours']['lr_ci95_low']:.5g} .. {p['eta_hours']['lr_ci95_high']:.5g}); true 1.8, 400")

    # 4. Optimal replacement age with cposim's fitted eta and beta.
    r = 10.0
    cost = run(cposim, path, "--cost-ratio", repr(1 / r))
    power = {f["model"]: f for f in cost["fits"]}["power_law"]["parameters"]
    ort = optimal_replacement_time(cost_PM=1, cost_CM=r, weibull_alpha=power["eta_hours"]["estimate"], weibull_beta=power["beta"]["estimate"],
                                   q=1, show_time_plot=False, show_ratio_plot=False, print_results=False)
    mine = {m["model"]: m for m in cost["replacement"]["models"]}["power_law"]
    check("optimal replacement age (reliability q=1, costs exchanged)", [mine["age_hours"]["estimate"], mine["cost_per_unit_hour"] * r],
          [ort.ORT, ort.min_cost])

    # 2. One unit observed to its last failure: Crow-AMSAA.
    rng = np.random.default_rng(31)
    times = power_law_events(rng, 0.7, 50.0, 0.0, 5000.0)
    path = os.path.join(folder, "growth.csv")
    write_log(path, [("system", 0.0, float(times[-1]), times)])
    growth = reliability_growth(times=list(times), model="Crow-AMSAA", print_results=False, show_plot=False)
    ours = run(cposim, path, "--at", f"{float(times[-1])!r}h")
    pl = {f["model"]: f for f in ours["fits"]}["power_law"]
    check("one unit, failure-truncated: Crow-AMSAA beta, lambda, 1/rho(T) (reliability_growth)",
          [pl["parameters"]["beta"]["estimate"], pl["parameters"]["lambda"]["estimate"], 1 / pl["intensity"][0]["value"]["estimate"]],
          [growth.Beta, growth.Lambda, growth.DMTBF_I])
    print(f"one unit, failure-truncated: beta with Crow's bias correction {pl['beta_unbiased']:.6g} = (N-2)/N x MLE, N = {len(times)}")

    # 3. One unit observed to a fixed age, rising: Laplace and the power law (reliability.ROCOF).
    rng = np.random.default_rng(32)
    end = 3000.0
    times = power_law_events(rng, 2.2, 600.0, 0.0, end)
    path = os.path.join(folder, "rocof.csv")
    write_log(path, [("system", 0.0, end, times)])
    rocof = ROCOF(failure_times=list(times), test_end=end, print_results=False, show_plot=False)
    ours = run(cposim, path)
    tests = {t["test"]: t for t in ours["trend_tests"]}
    pl = {f["model"]: f for f in ours["fits"]}["power_law"]["parameters"]
    if rocof.trend == "constant":
        failures.append("the time-truncated ROCOF log shows no trend: reliability gives no Beta_hat to compare")
    else:
        check("one unit, time-truncated: Laplace U, Beta_hat, Lambda_hat (reliability.ROCOF)",
              [tests["laplace"]["statistic"], pl["beta"]["estimate"], pl["lambda"]["estimate"]], [rocof.U, rocof.Beta_hat, rocof.Lambda_hat])
    # ... and failure-truncated at a constant rate: ROCOF = N / t_N.
    rng = np.random.default_rng(33)
    times = np.cumsum(rng.exponential(100.0, 40))
    path = os.path.join(folder, "hpp.csv")
    write_log(path, [("system", 0.0, float(times[-1]), times)])
    rocof = ROCOF(failure_times=list(times), print_results=False, show_plot=False)
    ours = run(cposim, path)
    hpp = {f["model"]: f for f in ours["fits"]}["hpp"]["parameters"]["rate_per_unit_hour"]["estimate"]
    tests = {t["test"]: t for t in ours["trend_tests"]}
    check("one unit, failure-truncated: Laplace U (reliability.ROCOF)", [tests["laplace"]["statistic"]], [rocof.U])
    if rocof.trend != "constant":
        failures.append("the constant-rate log shows a trend: reliability gives no ROCOF to compare")
    else:
        check("one unit, failure-truncated, constant rate: ROCOF = N/t_N (reliability.ROCOF)", [hpp], [rocof.ROCOF])

    # 5. Delayed entry: the likelihood with windows against scipy.
    rng = np.random.default_rng(34)
    fleet = []
    for i in range(60):
        a = float(rng.uniform(0, 2000)) if rng.uniform() < 0.6 else 0.0
        b = a + float(rng.uniform(300, 1500))
        fleet.append((f"d{i:02d}", a, b, power_law_events(rng, 1.4, 700.0, a, b)))
    path = os.path.join(folder, "delayed.csv")
    write_log(path, fleet)
    compare_mle("fleet with delayed entry", cposim, path, [(a, b, t) for _, a, b, t in fleet])
    for log in shipped:
        compare_mle(os.path.basename(log), cposim, log, read_log(log))

    print()
    print(f"{'comparison':<92} {'max rel. diff':>14} {'limit':>8}")
    for label, worst, tolerance in rows:
        print(f"{label:<92} {worst:>14.2e} {tolerance:>8.0e}")
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print(f"\nall {len(rows)} comparisons within their limits")


if __name__ == "__main__":
    main()
