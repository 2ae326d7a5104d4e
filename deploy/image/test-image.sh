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

# The commit make build stamped into the binary the image holds.
COMMIT=$(sh deploy/stamp-commit.sh --print)

check_outputs() {  # the run wrote a report of its trials and a page of it, as user 65534, with the build's commit
  owner=$(stat -c %u "$1/r.json")
  [ "$owner" = 65534 ] || { echo "  FAIL the report belongs to user $owner, not 65534: the image ran as root"; exit 1; }
  python3 - "$1/r.json" "$1/r.html" "$COMMIT" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
assert report["provenance"]["trials"] == 8 and report["provenance"]["seed"] == 3, "wrong run"
assert report["provenance"]["build_commit"] == sys.argv[3], f"build_commit {report['provenance']['build_commit']}, expected {sys.argv[3]}"
assert report["metrics"]["link_availability"]["mean"] > 0.99, "implausible availability"
page = open(sys.argv[2], encoding="utf-8").read()
assert 'data-kind="run"' in page and "<svg class=\"chart\"" in page, "no HTML report"
print(f"  ok   report of {report['provenance']['trials']} trials by user 65534, build_commit {report['provenance']['build_commit']}, "
      f"link availability {report['metrics']['link_availability']['mean']:.6f}; HTML page of {len(page)} bytes")
EOF
}

check_version() {  # the line --version printed names the build's commit
  case "$1" in
    *"(commit $COMMIT,"*) echo "  ok   --version names commit $COMMIT" ;;
    *) echo "  FAIL --version does not name commit $COMMIT: $1"; exit 1 ;;
  esac
}

# The image's configuration: a non-root user, linux/amd64.
if [ "$TOOL" = buildah ]; then
  config=$(buildah inspect --type image --format '{{.OCIv1.Config.User}} {{.OCIv1.OS}}/{{.OCIv1.Architecture}}' "$IMAGE")
else
  config=$(podman image inspect --format '{{.Config.User}} {{.Os}}/{{.Architecture}}' "$IMAGE")
fi
[ "$config" = "65534:65534 linux/amd64" ] && echo "test-image: image user and platform: $config" \
  || { echo "test-image: FAIL the image's user and platform are '$config', not '65534:65534 linux/amd64'"; exit 1; }

how=""
if command -v podman >/dev/null 2>&1 && version=$(timeout 120 podman run --rm "$IMAGE" --version 2>"$CONTEXT/run.log"); then
  how="podman run"
  echo "test-image: $how $IMAGE --version: $version"
  check_version "$version"
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
    # As the image would: user 65534, in /cposim.
    chroot --userspec=65534:65534 "$0" /usr/local/bin/cposim --version >"$0/work/version.txt"
    echo "test-image: chroot $0 cposim --version (user 65534): $(cat "$0/work/version.txt")"
    chroot --userspec=65534:65534 "$0" /usr/local/bin/cposim "$@" >/dev/null
  ' "$ROOT" "${RUN_ARGS[@]/#Scenarios/\/cposim\/Scenarios}"
  check_version "$(cat "$ROOT/work/version.txt")"
  check_outputs "$ROOT/work"
fi
echo "test-image: passed ($how)"
