#!/usr/bin/env bash
# Stages the root filesystem of the cposim image (make image): the release binary, every shared
# library ldd names for it (GSL, the Swift runtime and Foundation, glibc, libstdc++) at the path
# it was found at, the dynamic loader, a loader cache, the licences of those libraries, and
# Scenarios/ and FailureData/ under /cposim. Nothing is downloaded: the image is FROM scratch.
#
#   deploy/image/stage-rootfs.sh BINARY CONTEXT_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."

BINARY=${1:?usage: stage-rootfs.sh BINARY CONTEXT_DIR}
CONTEXT=${2:?usage: stage-rootfs.sh BINARY CONTEXT_DIR}
ROOT="$CONTEXT/rootfs"

[ -x "$BINARY" ] || { echo "stage-rootfs: $BINARY is not an executable; run make build first" >&2; exit 1; }
if ldd "$BINARY" | grep -q "not found"; then
  echo "stage-rootfs: $BINARY has libraries ldd cannot find:" >&2
  ldd "$BINARY" | grep "not found" >&2
  exit 1
fi

rm -rf "$ROOT"
mkdir -p "$ROOT/usr/local/bin" "$ROOT/cposim" "$ROOT/tmp" "$ROOT/etc" "$ROOT/usr/share/doc/cposim-image"
chmod 1777 "$ROOT/tmp"
install -m 0755 "$BINARY" "$ROOT/usr/local/bin/cposim"

# Every library with a path (the vDSO has none), and the loader, copied to the same path with
# symbolic links resolved, so the binary's RUNPATH (/opt/swift/usr/lib/swift/linux) and the
# loader's default directories find them unchanged.
libraries=$(ldd "$BINARY" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' | sort -u)
for library in $libraries; do
  mkdir -p "$ROOT$(dirname "$library")"
  cp -L "$library" "$ROOT$library"
done
# The directories those libraries are in, for a loader cache inside the image.
printf '%s\n' $libraries | xargs -n1 dirname | sort -u >"$ROOT/etc/ld.so.conf"
ldconfig -r "$ROOT" 2>/dev/null || echo "stage-rootfs: ldconfig -r failed; the image relies on RUNPATH and the loader's default directories"

# Licences of what is copied: the Debian packages' copyright files, Swift's licence.
: >"$ROOT/usr/share/doc/cposim-image/LIBRARIES"
for library in $libraries; do
  package=$(dpkg -S "$(readlink -f "$library")" 2>/dev/null | head -1 | cut -d: -f1 || true)
  [ -z "$package" ] && package=$(dpkg -S "$library" 2>/dev/null | head -1 | cut -d: -f1 || true)
  echo "$library ${package:-swift-toolchain}" >>"$ROOT/usr/share/doc/cposim-image/LIBRARIES"
  if [ -n "$package" ] && [ -f "/usr/share/doc/$package/copyright" ]; then
    mkdir -p "$ROOT/usr/share/doc/$package"
    cp "/usr/share/doc/$package/copyright" "$ROOT/usr/share/doc/$package/"
  fi
done
swift_root=$(dirname "$(dirname "$(readlink -f "$(command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)")")")
for licence in "$swift_root/share/swift/LICENSE.txt" "$swift_root/share/doc/swift/LICENSE.txt" "$swift_root/../LICENSE.txt"; do
  [ -f "$licence" ] && { cp "$licence" "$ROOT/usr/share/doc/cposim-image/SWIFT-LICENSE.txt"; break; }
done

# The user the image runs as (65534), named, for tools that look names up.
echo "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin" >"$ROOT/etc/passwd"
echo "nogroup:x:65534:" >"$ROOT/etc/group"

# What a small run needs: the scenarios and the part catalog they find by walking up.
cp -R Scenarios FailureData "$ROOT/cposim/"
cp Containerfile "$CONTEXT/Containerfile"

echo "stage-rootfs: $(printf '%s\n' $libraries | wc -l) libraries, $(du -sh "$ROOT" | cut -f1) in $ROOT"
