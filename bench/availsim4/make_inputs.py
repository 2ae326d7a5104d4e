"""Write the AvailSim4 inputs of the peer model: 100 components in series, exponential failures
(MTTF 10,000 h), fixed 10 h repairs that start at once and run independently, 10 years, N trials.

    python make_inputs.py OUTDIR [--trials N] [--seed S]

writes OUTDIR/system.xlsx and OUTDIR/simulation.xlsx (AvailSim4 2.2.1 input format).
Closed form of the availability: (1 + 10/10000)^-100 = 0.904883.
"""
import argparse
import pathlib

import openpyxl

COMPONENTS, MTTF, REPAIR, HORIZON = 100, 10000.0, 10.0, 10 * 8760.0

# One sheet per list: the header row, then the data rows. Sheets we do not use are written with
# their header only, as in the examples shipped with AvailSim4.
SYSTEM = {
    "ARCHITECTURE": [
        ("COMPONENT_NAME", "COMPONENT_TYPE", "COMPONENT_NUMBER", "CHILDREN_NAME", "CHILDREN_LOGIC",
         "IN_MRU", "TRIGGER_MRU"),
        # the system: one compound that needs all of its children ("and" = series)
        ("SYSTEM", "compound", 1, "C", "and", "none", "none"),
        # 100 identical basic components C
        ("C", "basic", COMPONENTS, "none", "none", "none", "none"),
    ],
    "FAILURE_MODES": [
        ("FAILURE_MODE_NAME", "FAILURE_LAW", "FAILURE_PARAMETERS", "REPAIR_LAW", "REPAIR_PARAMETERS",
         "TYPE_OF_FAILURE", "HELD_BEFORE_REPAIR", "INSPECTION_NAME", "PHASE_NAME",
         "NEXT_PHASE_IF_FAILURE", "PHASE_CHANGE_TRIGGER", "HELD_AFTER_REPAIR"),
        # "exp" takes the mean (scale) as its parameter; "fix" is a deterministic duration.
        # detectable: the failure is seen at once and the repair ordered at once; never held:
        # the repair is not postponed and the component runs again as soon as it is repaired.
        ("C_failure", "exp", f"[{MTTF}]", "fix", f"[{REPAIR}]", "detectable", "never_held",
         "none", "none", "none", "never", "never_held"),
    ],
    "FAILURE_MODE_ASSIGNMENTS": [
        ("COMPONENT_NAME", "FAILURE_MODE_NAME"),
        ("C", "C_failure"),
    ],
    "PHASES": [("PHASE_NAME", "PHASE_LAW", "PHASE_PARAMETERS", "NEXT_DEFAULT_PHASE", "FIRST_PHASE",
                "NEXT_DEFAULT_PHASE_IF_FAILURE")],
    "MRU": [("MRU_NAME", "MRU_LAW", "MRU_PARAMETERS", "MRU_SCHEDULE", "LOWEST_COMMON_ANCESTOR_SCOPE",
             "TRIGGERING_STATUS")],
    "INSPECTIONS": [("INSPECTION_NAME", "INSPECTION_PERIOD", "INSPECTION_DURATION")],
    "ROOT_CAUSE_ANALYSIS": [("TRIGGERING_COMPONENT_NAME", "TRIGGERED_BY_COMPONENT_STATUS",
                             "TRIGGERED_IN_PHASE")],
    "PHASE_JUMP": [("TRIGGERING_COMPONENT_NAME", "TRIGGERED_BY_COMPONENT_STATUS", "FROM_PHASE",
                    "TO_PHASE")],
}


def simulation(trials: int, seed: int) -> dict:
    return {"SIMULATION": [
        ("SIMULATION_TYPE", "MIN_NUMBER_OF_SIMULATION", "MAX_NUMBER_OF_SIMULATION",
         "CONVERGENCE_MARGIN", "MAX_EXECUTION_TIME", "SEED", "DIAGNOSTICS", "SIMULATION_DURATION"),
        # trial i uses seed SEED + i; MAX_EXECUTION_TIME only matters on HTCondor
        ("MONTE_CARLO", trials, trials, 0, 10 ** 6, seed, "[SUMMARY]", HORIZON),
    ]}


def write(path: pathlib.Path, sheets: dict) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=pathlib.Path)
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.outdir.mkdir(parents=True, exist_ok=True)
    write(args.outdir / "system.xlsx", SYSTEM)
    write(args.outdir / "simulation.xlsx", simulation(args.trials, args.seed))


if __name__ == "__main__":
    main()
