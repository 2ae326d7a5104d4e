#!/usr/bin/env bash
# make image: builds the OCI image localhost/cposim:VERSION from the release binary, without a
# registry (FROM scratch; see Containerfile), with podman, or buildah when podman cannot build.
# Also saves it as an OCI archive, out/image/cposim-VERSION.oci.tar, to carry it to a machine
# that can push (docs/deploy.md).
#
#   deploy/image/build-image.sh VERSION [BINARY]
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=${1:?usage: build-image.sh VERSION [BINARY]}
BINARY=${2:-.build/release/cposim}
CONTEXT=out/image
IMAGE=localhost/cposim:$VERSION
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

# The image holds this machine's loader and libraries at their x86_64 paths: linux/amd64 only.
if [ "$(uname -m)" != x86_64 ]; then
  echo "image: the cposim image is linux/amd64 only (its root filesystem is staged from an x86_64 machine); this machine is $(uname -m)" >&2
  exit 1
fi
# The commit the binary says it was built from (cposim --version), as the image's revision label.
COMMIT=$("$BINARY" --version | sed -n 's/.*(commit \([^,]*\),.*/\1/p')
COMMIT=${COMMIT:-unknown}

if ! command -v podman >/dev/null 2>&1 && ! command -v buildah >/dev/null 2>&1; then
  echo "image: installing podman with apt-get"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq podman >/dev/null
fi

bash deploy/image/stage-rootfs.sh "$BINARY" "$CONTEXT"

built=""
if command -v podman >/dev/null 2>&1 && podman build --quiet --platform linux/amd64 --build-arg COMMIT="$COMMIT" \
     -f "$CONTEXT/Containerfile" -t "$IMAGE" "$CONTEXT" >"$CONTEXT/build.log" 2>&1; then
  built=podman
else
  [ -s "$CONTEXT/build.log" ] && { echo "image: podman build failed:"; tail -5 "$CONTEXT/build.log"; }
  if ! command -v buildah >/dev/null 2>&1; then
    echo "image: installing buildah with apt-get"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq buildah >/dev/null
  fi
  buildah bud --isolation chroot --quiet --platform linux/amd64 --build-arg COMMIT="$COMMIT" \
    -f "$CONTEXT/Containerfile" -t "$IMAGE" "$CONTEXT" >"$CONTEXT/build.log" 2>&1 \
    || { echo "image: buildah bud failed too:"; tail -20 "$CONTEXT/build.log"; exit 1; }
  built=buildah
fi

TOOL=$built
[ "$TOOL" = buildah ] && SAVE="buildah push $IMAGE oci-archive:$CONTEXT/cposim-$VERSION.oci.tar" \
  || SAVE="podman save --format oci-archive -o $CONTEXT/cposim-$VERSION.oci.tar $IMAGE"
rm -f "$CONTEXT/cposim-$VERSION.oci.tar"
$SAVE >/dev/null 2>&1
echo "image: built $IMAGE (linux/amd64, commit $COMMIT, user 65534) with $built ($($TOOL images --format '{{.Size}}' "$IMAGE" 2>/dev/null | head -1)); OCI archive $CONTEXT/cposim-$VERSION.oci.tar"
echo "$built" >"$CONTEXT/builder"
