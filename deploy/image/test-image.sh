#!/usr/bin/env bash
# make test-image: runs `cposim --version` and a small run (with its HTML report) from the image
# built by make image. Tries `podman run` first; where the sandbox refuses it (CI's does: crun
# may not set rlimits), exports the image's root filesystem from a created (never started)
# container and runs the same commands chrooted into it, with /proc mounted in a private mount
# namespace (Swift reads its arguments from /proc/self/cmdline). Says which one ran.
#
#   deploy/image/test-image.sh VERSION
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=${1:?usage: test-image.sh VERSION}
IMAGE=localhost/cposim:$VERSION
CONTEXT=out/image
WORK=$CONTEXT/work
TOOL=$(cat "$CONTEXT/builder" 2>/dev/null || echo podman)
RUN_ARGS=(run Scenarios/cluster-1k-pluggable.yaml --trials 8 --seed 3 --quiet -o /work/r.json --html /work/r.html)

rm -rf "$WORK"
mkdir -p "$WORK"
chmod 0777 "$WORK"

check_outputs() {  # the run wrote a report of its trials and a page of it
  python3 - "$1/r.json" "$1/r.html" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
assert report["provenance"]["trials"] == 8 and report["provenance"]["seed"] == 3, "wrong run"
assert report["metrics"]["link_availability"]["mean"] > 0.99, "implausible availability"
page = open(sys.argv[2], encoding="utf-8").read()
assert 'data-kind="run"' in page and "<svg class=\"chart\"" in page, "no HTML report"
print(f"  ok   report of {report['provenance']['trials']} trials, link availability {report['metrics']['link_availability']['mean']:.6f}; HTML page of {len(page)} bytes")
EOF
}

how=""
if command -v podman >/dev/null 2>&1 && version=$(timeout 120 podman run --rm "$IMAGE" --version 2>"$CONTEXT/run.log"); then
  how="podman run"
  echo "test-image: $how $IMAGE --version: $version"
  timeout 600 podman run --rm -v "$PWD/$WORK:/work" "$IMAGE" "${RUN_ARGS[@]}" >/dev/null
  check_outputs "$WORK"
else
  echo "test-image: podman run was refused here ($(tail -1 "$CONTEXT/run.log" 2>/dev/null || echo 'no podman')); falling back to a chroot into the image's exported root filesystem"
  how="chroot into the exported root filesystem"
  ROOT=$CONTEXT/exported
  rm -rf "$ROOT"
  mkdir -p "$ROOT"
  if [ "$TOOL" = buildah ]; then
    container=$(buildah from "$IMAGE")
    mountpoint=$(buildah mount "$container")
    cp -a "$mountpoint/." "$ROOT/"
    buildah umount "$container" >/dev/null
    buildah rm "$container" >/dev/null
  else
    container=$(podman create "$IMAGE")
    podman export "$container" | tar -x -C "$ROOT"
    podman rm "$container" >/dev/null
  fi
  mkdir -p "$ROOT/proc" "$ROOT/work"
  chmod 0777 "$ROOT/work"
  # A private mount namespace: /proc is unmounted with it, whatever happens.
  unshare --mount --fork bash -c '
    set -euo pipefail
    mount -t proc proc "$0/proc"
    echo "test-image: chroot $0 cposim --version: $(chroot "$0" /usr/local/bin/cposim --version)"
    chroot "$0" /usr/local/bin/cposim "$@" >/dev/null
  ' "$ROOT" "${RUN_ARGS[@]/#Scenarios/\/cposim\/Scenarios}"
  check_outputs "$ROOT/work"
fi
echo "test-image: passed ($how)"
