#!/usr/bin/env python3
"""Cross-checks `cposim fit` against the Python `reliability` package (Fit_Weibull_2P,
Fit_Lognormal_2P, Fit_Exponential_1P) on the same data: parameters and log-likelihoods must
agree to 1e-3 relative. Run by `make crosscheck` (and by CI).

    python3 Tests/crosscheck/fit_crosscheck.py CPOSIM_BINARY CSV [CSV ...]
"""
import csv
import datetime as dt
import json
import subprocess
import sys

import numpy as np
from reliability.Fitters import Fit_Exponential_1P, Fit_Lognormal_2P, Fit_Weibull_2P

TOLERANCE = 1e-3
UNITS = {"s": 1 / 3600, "m": 1 / 60, "h": 1, "d": 24, "w": 168, "y": 8760}


def hours(row):
    if "hours" in row:
        return float(row["hours"])
    if "time" in row:
        text = row["time"].strip()
        return float(text[:-1]) * UNITS[text[-1]]
    parse = lambda s: dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    return (parse(row["removed"]) - parse(row["installed"])).total_seconds() / 3600


def load(path):
    with open(path) as f:
        rows = list(csv.DictReader(line for line in f if line.strip() and not line.startswith("#")))
    failed = [r["failed"].strip().lower() in ("true", "yes", "1", "y", "t") for r in rows]
    times = [hours(r) for r in rows]
    return ([t for t, x in zip(times, failed) if x], [t for t, x in zip(times, failed) if not x])


def relative(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def main():
    binary, files = sys.argv[1], sys.argv[2:]
    worst = 0.0
    failures_seen = []
    for path in files:
        report = json.loads(subprocess.run([binary, "fit", path, "--json"], check=True, capture_output=True, text=True).stdout)
        fits = {f["distribution"]: f for f in report["fits"]}
        failures, censored = load(path)
        # optimizer="best" asks reliability for its best MLE over all its optimisers: its default
        # (TNC) fails on the Weibull file's exponential fit and falls back to least squares (it
        # warns), which is not the MLE (its log-likelihood is lower than the closed form's).
        kwargs = dict(failures=np.array(failures), right_censored=np.array(censored) if censored else None,
                      show_probability_plot=False, print_results=False, optimizer="best")
        ours = {
            ("weibull", "scale"): fits["weibull"]["parameters"]["scale_hours"]["estimate"],
            ("weibull", "shape"): fits["weibull"]["parameters"]["shape"]["estimate"],
            ("weibull", "loglik"): fits["weibull"]["log_likelihood"],
            ("lognormal", "mu"): fits["lognormal"]["parameters"]["mu"]["estimate"],
            ("lognormal", "sigma"): fits["lognormal"]["parameters"]["sigma"]["estimate"],
            ("lognormal", "loglik"): fits["lognormal"]["log_likelihood"],
            ("exponential", "rate"): fits["exponential"]["parameters"]["rate_per_hour"]["estimate"],
            ("exponential", "loglik"): fits["exponential"]["log_likelihood"],
        }
        w = Fit_Weibull_2P(**kwargs)
        l = Fit_Lognormal_2P(**kwargs)
        e = Fit_Exponential_1P(**kwargs)
        theirs = {
            ("weibull", "scale"): w.alpha, ("weibull", "shape"): w.beta, ("weibull", "loglik"): w.loglik,
            ("lognormal", "mu"): l.mu, ("lognormal", "sigma"): l.sigma, ("lognormal", "loglik"): l.loglik,
            ("exponential", "rate"): e.Lambda, ("exponential", "loglik"): e.loglik,
        }
        print(f"{path}: {len(failures)} failures, {len(censored)} censored")
        for key in ours:
            diff = relative(ours[key], theirs[key])
            worst = max(worst, diff)
            flag = "" if diff <= TOLERANCE else "   <-- exceeds 1e-3"
            print(f"  {key[0]:12s} {key[1]:7s} cposim {ours[key]:.8g}  reliability {theirs[key]:.8g}  rel diff {diff:.2e}{flag}")
            if diff > TOLERANCE:
                failures_seen.append((path, key))
    print(f"largest relative difference: {worst:.2e}")
    if failures_seen:
        print(f"FAILED: {len(failures_seen)} values differ by more than {TOLERANCE}")
        return 1
    print("crosscheck: cposim fit agrees with reliability 0.9.0 to 1e-3 relative")
    return 0


if __name__ == "__main__":
    sys.exit(main())
