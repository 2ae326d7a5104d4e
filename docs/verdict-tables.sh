#!/usr/bin/env bash
# How the 16k verdict (CPO-ELS minus pluggable, total cost per year) moves with spare nodes, the
# fabric variant and the misbehaviour of a young fleet. Writes docs/verdict-tables.md; the README
# quotes it. `make verdict-tables` (TRIALS=100 by default; about 5 minutes of CPU on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
CPOSIM=${CPOSIM:-.build/release/cposim}
TRIALS=${TRIALS:-100}
WORK=${WORK:-out/verdict}
OUTPUT=${OUTPUT:-docs/verdict-tables.md}
rm -rf "$WORK"
mkdir -p "$WORK"
S=$PWD/Scenarios

compare() {  # NAME A B
  "$CPOSIM" compare "$2" "$3" --trials "$TRIALS" --quiet -o "$WORK/$1.json" >/dev/null
}

# Spare nodes: the 16k job takes 1,984 of 2,048 nodes; 64 can stand by.
for spares in 0 8 16 41 64; do
  for side in pluggable cpo-els; do
    printf 'extends: %s/cluster-16k-%s.yaml\nname: cluster-16k-%s\nnode_pool: {spare_nodes: %s}\n' "$S" "$side" "$side" "$spares" \
      > "$WORK/spares-$spares-$side.yaml"
  done
  compare "spares-$spares" "$WORK/spares-$spares-pluggable.yaml" "$WORK/spares-$spares-cpo-els.yaml"
done

# Fabric variants.
compare variant-base "$S/cluster-16k-pluggable.yaml" "$S/cluster-16k-cpo-els.yaml"
for variant in rails dual-homed 2planes; do
  compare "variant-$variant" "$S/cluster-16k-$variant-pluggable.yaml" "$S/cluster-16k-$variant-cpo-els.yaml"
done
# Two planes, the node swapped for a spare at the next checkpoint instead of running degraded.
for side in pluggable cpo-els; do
  printf 'extends: %s/cluster-16k-2planes-%s.yaml\nname: cluster-16k-2planes-%s\nset:\n  jobs[0].plane_loss: swap-at-checkpoint\n' \
    "$S" "$side" "$side" > "$WORK/2planes-swap-$side.yaml"
done
compare variant-2planes-swap "$WORK/2planes-swap-pluggable.yaml" "$WORK/2planes-swap-cpo-els.yaml"

# Misbehaviour, one feature at a time on the calibrated presets, then all (the field scenarios).
# Each feature file holds exactly that feature's block of Scenarios/cluster-16k-field-*.yaml.
feature() {  # NAME SIDE BLOCK
  printf 'extends: %s/cluster-16k-%s.yaml\nname: cluster-16k-%s\n%s\n' "$S" "$2" "$2" "$3" > "$WORK/field-$1-$2.yaml"
}
LEMON_P='  pluggable-800g: {lemon: {probability: 2%, flap_multiplier: 10000, failure_multiplier: 5}}'
LEMON_C='  cpo-optical-engine: {lemon: {probability: 2%, flap_multiplier: 10000, failure_multiplier: 5}}'
INFANT='{modes: {infant-mortality: {distribution: {kind: weibull, shape: 0.5, scale: 3.487e8h}, effect: hard, fix: replace, source: estimate, note: "as the field scenarios"}}}'
feature lemons pluggable "parts:
$LEMON_P"
feature lemons cpo-els "parts:
$LEMON_P
$LEMON_C"
feature proactive pluggable "parts:
$LEMON_P
repair: {workflows: {pluggable-800g-module: {proactive: {after_flaps: 3, within: 1w, action: replace, when: maintenance-window}}}}"
feature proactive cpo-els "parts:
$LEMON_P
$LEMON_C
repair: {workflows: {pluggable-800g-module: {proactive: {after_flaps: 3, within: 1w, action: replace, when: maintenance-window}}, cpo-switch-board: {proactive: {after_flaps: 3, within: 1w, action: clean, when: maintenance-window}}}}"
feature infant pluggable "fleet: {installed_age: 0}
parts: {pluggable-800g: $INFANT}"
feature infant cpo-els "fleet: {installed_age: 0}
parts: {pluggable-800g: $INFANT, cpo-optical-engine: $INFANT, els-module: $INFANT}"
FIRMWARE='common_causes: [{name: switch-firmware-bug, switches: all, group_size: 16, rate: 0.0125/y, duration: {kind: lognormal, median: 1h, sigma: 0.8}}]'
feature firmware pluggable "$FIRMWARE"
feature firmware cpo-els "$FIRMWARE"
for f in lemons proactive infant firmware; do
  compare "field-$f" "$WORK/field-$f-pluggable.yaml" "$WORK/field-$f-cpo-els.yaml"
done
compare field-all "$S/cluster-16k-field-pluggable.yaml" "$S/cluster-16k-field-cpo-els.yaml"

# Optics alternatives against the DSP pluggable preset (docs/alternatives.md).
for alt in lpo lro cpo-internal-laser; do
  compare "alt-$alt" "$S/cluster-16k-pluggable.yaml" "$S/cluster-16k-$alt.yaml"
done
# LPO whose links behave like DSP modules' (no marginal minority, the DSP module's flap rate):
# what the marginal links cost.
printf 'extends: %s/cluster-16k-lpo.yaml\nname: cluster-16k-lpo\nparts:\n  lpo-800g: {lemon: {probability: 0}, modes: {link-flap: {distribution: {kind: exponential, rate: 3e-3/y}}}}\n' \
  "$S" > "$WORK/alt-lpo-clean.yaml"
compare alt-lpo-clean "$S/cluster-16k-pluggable.yaml" "$WORK/alt-lpo-clean.yaml"

python3 - "$WORK" "$TRIALS" "$("$CPOSIM" --version)" > "$OUTPUT" <<'EOF'
import json, sys
work, trials, version = sys.argv[1], sys.argv[2], sys.argv[3]

def row(name, label):
    r = json.load(open(f"{work}/{name}.json"))
    b = [s for s in r["scenarios"] if s != r["baseline"]][0]
    d = r["differences"][b]
    cost = d["total_cost_usd_per_year"]
    p = r["probability_better"][b]["total_cost_usd_per_year"]
    ettr = d["job_ettr"]["mean"]
    per_month = d["job_interruptions_per_month"]["mean"]
    def money(x):
        return ("+" if x >= 0 else "−") + f"${abs(x) / 1e6:.2f}M"
    return (f"| {label} | {money(cost['mean'])} ({money(cost['ci95_low'])} .. {money(cost['ci95_high'])}) "
            f"| {p['p']:.2f} ({p['ci95_low']:.2f} .. {p['ci95_high']:.2f}) | {per_month:+.1f} | {ettr:+.4f} |")

header = ("| case | CPO − pluggable, total cost per year (95% CI) | P(CPO cheaper) (95% CI) "
          "| Δ interruptions per month | Δ ETTR |\n|---|---|---|---|---|")
print("# How the 16k verdict moves\n")
print(f"Generated by `docs/verdict-tables.sh` ({version}, {trials} paired trials of 5 years per row, seed 1).")
print("Each row compares `Scenarios/cluster-16k-pluggable.yaml`-shaped pluggable and CPO-ELS clusters")
print("(calibrated inputs, 2 % spare nodes unless the row says otherwise); negative means CPO is cheaper.\n")
print("## Spare nodes (the job takes 1,984 of 2,048 nodes)\n")
print(header)
for s in ["0", "8", "16", "41", "64"]:
    print(row(f"spares-{s}", f"{s} spare nodes" + (" (preset: 2 %)" if s == "41" else "")))
print("\n## Fabric variant\n")
print(header)
for name, label in [("base", "three-tier Clos (preset)"), ("rails", "rail-optimised"), ("dual-homed", "dual-homed NICs"), ("2planes", "two planes, degrade on plane loss (communication share 0.3)"),
                    ("2planes-swap", "two planes, swap the node at the next checkpoint")]:
    print(row(f"variant-{name}", label))
print("\n## A young fleet that misbehaves (estimates; Scenarios/cluster-16k-field-*.yaml)\n")
print(header)
print(row("variant-base", "calibrated presets, none of these"))
for name, label in [("lemons", "+ lemon units (2 % of modules and of CPO engines, 10,000x flaps: about 30 a year per port, 5x failures)"),
                    ("proactive", "+ lemons with proactive replace (pluggable) or clean (CPO) after 3 flaps in a week"),
                    ("infant", "+ infant mortality in a fleet installed at once"),
                    ("firmware", "+ a firmware bug taking 16 switches down about once a year"),
                    ("all", "all of them (the field scenarios)")]:
    print(row(f"field-{name}", label))
print("\n## Optics alternatives (docs/alternatives.md)\n")
print("Each row: the alternative minus the DSP pluggable preset; negative means the alternative is cheaper.\n")
print(header.replace("CPO − pluggable", "alternative − DSP pluggable").replace("P(CPO cheaper)", "P(alternative cheaper)"))
for name, label in [("alt-lpo", "LPO (preset: marginal links as estimated)"),
                    ("alt-lpo-clean", "LPO whose links flap like DSP modules' (no marginal minority)"),
                    ("alt-lro", "LRO (half-retimed)"),
                    ("variant-base", "CPO-ELS (preset)"),
                    ("alt-cpo-internal-laser", "CPO with internal lasers")]:
    print(row(name, label))
EOF
echo "wrote $OUTPUT"
