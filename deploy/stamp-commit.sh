#!/bin/sh
# The build's git commit, written into a linked cposim binary (make build does this after
# `swift build`), so that `cposim --version` and every report's `build_commit` name the source.
#
#   deploy/stamp-commit.sh BINARY         stamp BINARY with this tree's commit
#   deploy/stamp-commit.sh BINARY COMMIT  stamp it with COMMIT
#   deploy/stamp-commit.sh --print        print this tree's commit
#
# The commit is git's (12 hex digits, with -dirty when tracked files differ from it); in a source
# tarball without .git, the COMMIT file that `git archive` fills in (.gitattributes: export-subst);
# otherwise "unknown". The binary holds an 80-byte slot that starts with the marker below
# (Sources/CBuildInfo/build_info.c); the commit and NUL padding overwrite the rest, in place, so
# stamping again (a new commit, the same binary) works.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
marker=cposim-build-commit=
room=59

commit_of_tree() {
  if git -C "$repo" rev-parse --verify -q HEAD >/dev/null 2>&1; then
    c=$(git -C "$repo" rev-parse --short=12 HEAD)
    git -C "$repo" diff --quiet HEAD -- 2>/dev/null || c="$c-dirty"
    echo "$c"
  elif [ -f "$repo/COMMIT" ] && ! grep -q 'Format:' "$repo/COMMIT"; then
    head -c 12 "$repo/COMMIT"; echo
  else
    echo unknown
  fi
}

[ "${1:-}" = "--print" ] && { commit_of_tree; exit 0; }
binary=${1:?usage: stamp-commit.sh BINARY [COMMIT] | --print}
commit=${2:-$(commit_of_tree)}
case "$commit" in *[!0-9A-Za-z._-]*|"") echo "stamp-commit: '$commit' is not a commit name" >&2; exit 1 ;; esac
[ ${#commit} -le $room ] || { echo "stamp-commit: '$commit' is longer than $room characters" >&2; exit 1; }
offsets=$(grep -obUaF "$marker" "$binary" | cut -d: -f1)
[ -n "$offsets" ] || { echo "stamp-commit: $binary has no commit slot (not a cposim binary?)" >&2; exit 1; }
[ "$(echo "$offsets" | wc -l)" -eq 1 ] || { echo "stamp-commit: $binary has more than one commit slot" >&2; exit 1; }
{ printf '%s' "$commit"; head -c $((room + 1 - ${#commit})) /dev/zero; } |
  dd of="$binary" bs=1 seek=$((offsets + ${#marker})) conv=notrunc status=none
echo "stamp-commit: $binary built from $commit"
