"""Run the peer model in CERN AvailSim4 and print its availability with a 95% interval.

    python run_peer.py [TRIALS] [--batches B] [--processes P] [--seed S] [--keep DIR]

AvailSim4 reports, per analysis, only aggregates over its Monte Carlo trials (mean, max and
standard deviation of the time spent in each status, split by the event that caused it), so the
system availability of single trials cannot be read back from its output. The trials are therefore
split into B batches of TRIALS/B trials with disjoint seeds, run as AvailSim4's own sensitivity
analysis over SEED (one AvailSim4 process; --processes 2 lets it spread the batches over a
process pool). Each batch's RESULTS_ROOT_SUMMARY availability is the mean over its trials; the
mean of the batch means is the mean over all trials (equal batch sizes), and the interval is
Student's t over the B batch means (B - 1 degrees of freedom). With B = TRIALS every batch is one
trial and the interval is the usual per-trial one (but AvailSim4 then writes one xlsx per trial).

Prints exactly one line: availability M 95% CI LO .. HI. Everything AvailSim4 writes goes to a
temporary directory, removed at the end unless --keep is given.
"""
import argparse
import pathlib
import subprocess
import sys
import tempfile

import openpyxl
from scipy import stats

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import make_inputs  # noqa: E402


def default_batches(trials: int) -> int:
    """The largest divisor of trials that is at most 20 (at least 2 batches when possible)."""
    return max(b for b in range(1, min(trials, 20) + 1) if trials % b == 0)


def root_availability(path: pathlib.Path) -> tuple:
    """(seed, trials, availability) of one AvailSim4 result file."""
    book = openpyxl.load_workbook(path, read_only=True)
    sim = list(book["SIMULATION"].iter_rows(values_only=True))
    sim = dict(zip(sim[0], sim[1]))
    root = list(book["RESULTS_ROOT_SUMMARY"].iter_rows(values_only=True))
    root = dict(zip(root[0], root[1]))
    assert abs(root["total"] - make_inputs.HORIZON) < 1e-6, root
    return int(sim["SEED"]), int(sim["MAX_NUMBER_OF_SIMULATION"]), float(root["availability"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trials", type=int, nargs="?", default=1000)
    parser.add_argument("--batches", type=int, help="default: largest divisor of TRIALS <= 20")
    parser.add_argument("--processes", type=int, default=1, help="AvailSim4 --nb_processes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=pathlib.Path, help="keep AvailSim4's inputs and outputs here")
    args = parser.parse_args()
    batches = args.batches or default_batches(args.trials)
    if batches < 2 or args.trials % batches:
        parser.error(f"need at least 2 batches that divide {args.trials} trials, not {batches}")
    per_batch = args.trials // batches

    with tempfile.TemporaryDirectory(prefix="availsim4-peer-") as tmp:
        work = args.keep or pathlib.Path(tmp)
        inputs, outputs = work / "inputs", work / "outputs"
        inputs.mkdir(parents=True, exist_ok=True)
        make_inputs.write(inputs / "system.xlsx", make_inputs.SYSTEM)
        make_inputs.write(inputs / "simulation.xlsx", make_inputs.simulation(per_batch, args.seed))
        seeds = [args.seed + k * per_batch for k in range(batches)]  # batch k: trials seeds..seeds+per_batch-1
        make_inputs.write(inputs / "sensitivity_analysis.xlsx", {"SENSITIVITY_ANALYSIS": [
            ("PARAMETER_NAME", "VALUES", "EXPLORATION_STRATEGY"),
            ("SEED", str(seeds), "OUTER"),
        ]})
        availsim4 = pathlib.Path(sys.executable).parent / "availsim4"
        command = [str(availsim4), "--system", str(inputs / "system.xlsx"),
                   "--simulation", str(inputs / "simulation.xlsx"),
                   "--sensitivity_analysis", str(inputs / "sensitivity_analysis.xlsx"),
                   "--output_folder", str(outputs), "--nb_processes", str(args.processes)]
        with open(work / "availsim4.stdout", "w") as log:
            done = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=False)
        if done.returncode != 0:
            sys.stderr.write((work / "availsim4.stdout").read_text()[-4000:])
            sys.exit(f"availsim4 failed with exit code {done.returncode}")

        results = sorted(root_availability(p) for p in outputs.glob("simulation_result_*.xlsx"))
        assert [seed for seed, _, _ in results] == seeds, (results, seeds)
        assert all(n == per_batch for _, n, _ in results), results

    means = [a for _, _, a in results]
    mean = sum(means) / batches
    sd = (sum((a - mean) ** 2 for a in means) / (batches - 1)) ** 0.5
    half = stats.t.ppf(0.975, batches - 1) * sd / batches ** 0.5
    print(f"availability {mean:.6f} 95% CI {mean - half:.6f} .. {mean + half:.6f}")


if __name__ == "__main__":
    main()
