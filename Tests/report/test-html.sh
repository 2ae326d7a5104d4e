#!/usr/bin/env bash
# make test-html: render every kind of HTML report in a real browser (Debian's chromium,
# headless) and check each page: no console message, every chart holding the data marks it
# declares, a screenshot that is not blank and shows the side colours, a PDF when printed, and
# the layout measured in the browser's own font (SVG getBBox), on screen and with the print rules:
# no two labels overlap, none is cut or reaches outside its chart, none covers a bar.
# A broken page and a blank page must fail the same checks (so the checks can fail).
#
# Needs the release binary (make build). Installs chromium and python3-pil with apt-get when
# missing. Writes everything under out/html-check/.
set -euo pipefail
cd "$(dirname "$0")/../.."

CPOSIM=${CPOSIM:-.build/release/cposim}
OUT=out/html-check
PY=/usr/bin/python3
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
PLUGGABLE="#1f5fa8"
CPO="#d9730d"
CROSSING="#c0392b"

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -x "$PY" ] && "$PY" -c "import PIL" 2>/dev/null || need+=(python3 python3-pil)
if [ ${#need[@]} -gt 0 ]; then
  echo "test-html: installing ${need[*]} with apt-get"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
echo "test-html: $(chromium --version 2>/dev/null | head -1)"

rm -rf "$OUT"
mkdir -p "$OUT"
SMALL=Notebooks-export/scenarios
MTBF=parts.cpo-optical-engine.modes.engine-failure.distribution.mtbf

# One report of each kind, all computed now from the 512-GPU pair (the recurrent one from the
# shipped log of ports with lemons), and a comparison carrying fields the lead will add.
"$CPOSIM" run "$SMALL/small-cpo.yaml" --trials 16 --quiet -o "$OUT/run.json" --html "$OUT/run-direct.html" >/dev/null
"$CPOSIM" compare "$SMALL/small-pluggable.yaml" "$SMALL/small-cpo.yaml" --trials 16 --quiet -o "$OUT/comparison.json" >/dev/null
"$CPOSIM" sweep "$SMALL/small-cpo.yaml" --trials 8 --quiet -o "$OUT/sweep.json" \
  --set "$MTBF=80000h,162500h,325000h,650000h,1300000h" >/dev/null
"$CPOSIM" sweep "$SMALL/small-cpo.yaml" --trials 8 --quiet -o "$OUT/sweep-two.json" \
  --set "$MTBF=80000h,325000h,1300000h" --set costs.electricity_usd_per_kwh=0.05,0.1,0.2 >/dev/null
# The demo's pair, whose long names once pushed the cost legend over the bars.
"$CPOSIM" compare Scenarios/cluster-16k-pluggable.yaml Scenarios/cluster-16k-cpo-els.yaml --trials 8 --quiet -o "$OUT/comparison-16k.json" >/dev/null
# The pair under the shipped posterior, with its branches (the posterior and branch tables).
"$CPOSIM" compare "$SMALL/small-pluggable.yaml" "$SMALL/small-cpo.yaml" --posterior Scenarios/posterior-16k.yaml --trials 8 --quiet \
  -o "$OUT/comparison-posterior.json" >/dev/null
"$CPOSIM" breakeven "$SMALL/small-pluggable.yaml" "$SMALL/small-cpo.yaml" --trials 12 --quiet \
  --vary "$MTBF" --range 10000h..1000000h -o "$OUT/breakeven.json" >/dev/null
"$CPOSIM" calibrate "$SMALL/small-pluggable.yaml" --trials 8 --quiet -o "$OUT/calibration.json" \
  --target job_interruptions_switch_and_cable=40 --target job_interruptions_uplink=12 \
  --vary 'jobs[0].uplink_interrupt_probability=0..1' >/dev/null
"$CPOSIM" sensitivity "$SMALL/small-pluggable.yaml" "$SMALL/small-cpo.yaml" --trials 8 --quiet -o "$OUT/sensitivity.json" >/dev/null
"$CPOSIM" recurrent FailureData/field/recurrent/synthetic-ports-lemons.csv --cost-ratio 10 --json >"$OUT/recurrent.json"
# An inference with fleet spreads and leave-one-fleet-out (the part-level evidence, analytic: quick).
"$CPOSIM" infer "$SMALL/small-pluggable.yaml" --evidence Evidence/alibaba-hpn.yaml --evidence Evidence/meta-pluggable-fleet.yaml \
  --evidence Evidence/microsoft-switches.yaml --vary 'parts.pluggable-800g.modes.laser-wearout.distribution.afr=0.05%..3%' \
  --vary 'parts.switch-board.modes.board-hardware.distribution.afr=0.1%..6%' --population 100 --quiet -o "$OUT/inference.json" >/dev/null
"$PY" - "$OUT/comparison.json" "$OUT/comparison-extended.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
alternative = [name for name in report["scenarios"] if name != report["baseline"]][0]
report["probability_better"] = {alternative: {"total_cost_usd_per_year": {"p": 0.08, "ci95_low": 0.05, "ci95_high": 0.12}}}
report["interruptions_by_cause"] = {name: {cause: metrics["job_network_interruptions"] for cause in ("switch_and_cable", "nic")}
                                    for name, metrics in report["scenarios"].items()}
report["a_field_this_version_does_not_know"] = {"ignored": [1, 2, 3]}
json.dump(report, open(sys.argv[2], "w"), indent=2)
EOF

# kind, JSON, minimum charts, colours the screenshot must show
PAGES=(
  "run run 6 $CPO"
  "comparison comparison 5 $PLUGGABLE $CPO"
  "comparison comparison-extended 7 $PLUGGABLE $CPO"
  "sweep sweep 4 $CPO"
  "sweep sweep-two 4 $CPO"
  "comparison comparison-16k 5 $PLUGGABLE $CPO"
  "comparison comparison-posterior 5 $PLUGGABLE $CPO"
  "breakeven breakeven 1 $CROSSING"
  "sensitivity sensitivity 1 $CPO"
  "calibration calibration 2 $CROSSING"
  "recurrent recurrent 2 $PLUGGABLE $CROSSING"
  "inference inference 4 $PLUGGABLE"
)

chrome() {
  # --no-sandbox: CI runs as root in a container; the pages run no script.
  timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --enable-logging=stderr --v=0 --user-data-dir="$OUT/profile" "$@"
}

check() {  # check KIND NAME MIN_CHARTS COLOURS... : 0 when every check passes
  local kind=$1 name=$2 min=$3 status=0
  shift 3
  local page="$OUT/$name.html" url="file://$PWD/$OUT/$name.html"
  chrome --dump-dom "$url" >"$OUT/$name.dom.html" 2>"$OUT/$name.dom.log" || { echo "  FAIL chromium --dump-dom"; return 1; }
  "$PY" Tests/report/check_page.py console "$OUT/$name.dom.log" || status=1
  "$PY" Tests/report/check_page.py dom "$kind" "$OUT/$name.dom.html" "$min" || status=1
  chrome --window-size=1280,2400 --screenshot="$OUT/$name.png" "$url" >/dev/null 2>"$OUT/$name.shot.log" || { echo "  FAIL chromium --screenshot"; return 1; }
  "$PY" Tests/report/check_page.py screenshot "$OUT/$name.png" "$@" || status=1
  layout "$name" screen 1280 || status=1
  layout "$name" print 720 || status=1
  return $status
}

layout() {  # layout NAME MODE WIDTH: text boxes measured in chromium (getBBox) on a probing copy
  local name=$1 mode=$2 width=$3
  "$PY" Tests/report/check_page.py probe "$OUT/$name.html" "$OUT/$name.$mode.probe.html" "$mode" >/dev/null
  chrome --window-size="$width",2400 --dump-dom "file://$PWD/$OUT/$name.$mode.probe.html" >"$OUT/$name.$mode.probe.dom.html" 2>/dev/null \
    || { echo "  FAIL chromium --dump-dom of the layout probe"; return 1; }
  "$PY" Tests/report/check_page.py layout "$OUT/$name.$mode.probe.dom.html" "$mode"
}

failures=0
for entry in "${PAGES[@]}"; do
  set -- $entry
  kind=$1 name=$2
  "$CPOSIM" report "$OUT/$name.json" -o "$OUT/$name.html" 2>/dev/null
  echo "$name ($kind):"
  check "$@" || failures=$((failures + 1))
done

echo "run --html (the page written by the command itself):"
check run run-direct 6 "$CPO" || failures=$((failures + 1))
cmp -s "$OUT/run-direct.html" "$OUT/run.html" && echo "  ok   identical to cposim report's page" \
  || { echo "  FAIL run --html and cposim report wrote different pages"; failures=$((failures + 1)); }

echo "printed to PDF (comparison):"
chrome --no-pdf-header-footer --print-to-pdf="$OUT/comparison.pdf" "file://$PWD/$OUT/comparison.html" >/dev/null 2>&1
"$PY" Tests/report/check_page.py pdf "$OUT/comparison.pdf" || failures=$((failures + 1))

# The checks must be able to fail: a page with a blocked load, a NaN coordinate and a chart
# whose marks are missing, and a blank page.
"$PY" - "$OUT/comparison.html" "$OUT/broken.html" "$OUT/blank.html" <<'EOF'
import sys
page = open(sys.argv[1], encoding="utf-8").read()
broken = page.replace("</main>", '<img src="http://127.0.0.1:9/x.png"><svg class="chart" data-chart="broken" data-marks="2">'
                      '<circle class="mark" cx="NaN" cy="2" r="3"/></svg></main>')
open(sys.argv[2], "w", encoding="utf-8").write(broken)
open(sys.argv[3], "w", encoding="utf-8").write("<!DOCTYPE html><html><body></body></html>")
EOF
echo "negative controls (each must FAIL):"
if check comparison broken 5 "$PLUGGABLE" >"$OUT/broken.check" 2>&1; then
  echo "  FAIL a broken page passed the checks"; failures=$((failures + 1))
else
  grep -q "console:" "$OUT/broken.check" && grep -q "marks in the DOM" "$OUT/broken.check" && grep -q "cx='NaN'" "$OUT/broken.check" \
    && echo "  ok   broken page refused: console error, lost mark, NaN coordinate" \
    || { echo "  FAIL the broken page failed for the wrong reasons:"; cat "$OUT/broken.check"; failures=$((failures + 1)); }
fi
# Labels drawn over each other, one reaching outside its chart, one cut short and one over a
# bar: the layout check must name all four.
"$PY" - "$OUT/comparison.html" "$OUT/crowded.html" <<'EOF'
import sys
page = open(sys.argv[1], encoding="utf-8").read()
crowded = page.replace("</main>", '<figure class="figure" id="crowded"><svg class="chart" data-chart="crowded" data-marks="1" viewBox="0 0 200 100">'
                       '<rect class="mark bar" x="10" y="10" width="50" height="20" fill="#1f5fa8"/>'
                       '<text x="20" y="25" font-size="12">a label over a bar</text><text x="22" y="27" font-size="12">another label</text>'
                       '<text x="190" y="60" font-size="12">past the edge</text><text x="10" y="80" font-size="12">…cut-switch-board</text>'
                       '</svg></figure></main>')
open(sys.argv[2], "w", encoding="utf-8").write(crowded)
EOF
if layout crowded screen 1280 >"$OUT/crowded.check" 2>&1; then
  echo "  FAIL a page with colliding labels passed the layout check"; failures=$((failures + 1))
else
  grep -q "overlaps" "$OUT/crowded.check" && grep -q "outside the chart" "$OUT/crowded.check" && grep -q "is cut" "$OUT/crowded.check" \
    && grep -q "covers a data mark" "$OUT/crowded.check" \
    && echo "  ok   colliding labels refused: overlap, outside the chart, cut short, over a bar" \
    || { echo "  FAIL the crowded page failed for the wrong reasons:"; cat "$OUT/crowded.check"; failures=$((failures + 1)); }
fi
chrome --window-size=1280,2400 --screenshot="$OUT/blank.png" "file://$PWD/$OUT/blank.html" >/dev/null 2>&1
if "$PY" Tests/report/check_page.py screenshot "$OUT/blank.png" >/dev/null; then
  echo "  FAIL a blank screenshot passed"; failures=$((failures + 1))
else
  echo "  ok   blank screenshot refused"
fi

rm -rf "$OUT/profile"
if [ "$failures" -ne 0 ]; then
  echo "test-html: $failures page(s) failed; pages, DOMs, logs and screenshots are in $OUT/"
  exit 1
fi
echo "test-html: every report kind rendered in chromium without console messages, with data in every chart; screenshots in $OUT/"
