#!/usr/bin/env bash
# make validate-k8s: validates deploy/k8s/*.yaml against the Kubernetes schemas with
# kubernetes-validate (strict: unknown fields are errors), for the oldest and newest Kubernetes
# versions it carries, without network access (in a network namespace of its own when the
# machine allows one). Checks that every manifest names the image make image builds, and that a
# broken manifest fails (so the check can fail).
#
#   deploy/k8s/validate.sh PATH/TO/kubernetes-validate VERSION
set -euo pipefail
cd "$(dirname "$0")/../.."

VALIDATE=${1:?usage: validate.sh KUBERNETES_VALIDATE VERSION}
VERSION=${2:?usage: validate.sh KUBERNETES_VALIDATE VERSION}
MANIFESTS=(deploy/k8s/*.yaml)
KUBERNETES_VERSIONS=(1.25.0 1.37.0)

offline=()
if unshare -n true 2>/dev/null; then
  offline=(unshare -n)
  echo "validate-k8s: running kubernetes-validate without network (unshare -n)"
else
  echo "validate-k8s: no network namespace here; running kubernetes-validate as it is (it reads its bundled schemas)"
fi

status=0
for manifest in "${MANIFESTS[@]}"; do
  while read -r image; do
    case "$image" in
      */cposim:"$VERSION"|cposim:"$VERSION") ;;
      *) echo "validate-k8s: $manifest names image '$image', not cposim:$VERSION (make image)"; status=1 ;;
    esac
  done < <(sed -n 's/^[[:space:]-]*image:[[:space:]]*\([^[:space:]]*\).*/\1/p' "$manifest")
done

for k in "${KUBERNETES_VERSIONS[@]}"; do
  "${offline[@]}" "$VALIDATE" --strict --no-warn -k "$k" "${MANIFESTS[@]}" || status=1
done

# A manifest with a misspelt field and a string where a number belongs must fail.
broken=$(mktemp --suffix=.yaml)
trap 'rm -f "$broken"' EXIT
sed -e 's/completionMode: Indexed/completionMod: Indexed/' -e 's/parallelism: 8/parallelism: eight/' deploy/k8s/cposim-shards.yaml >"$broken"
if "${offline[@]}" "$VALIDATE" --strict --quiet -k "${KUBERNETES_VERSIONS[-1]}" "$broken" >/dev/null 2>&1; then
  echo "validate-k8s: a broken manifest passed: the check cannot fail"
  status=1
else
  echo "validate-k8s: a broken manifest (misspelt field, string for a number) is refused, as it should be"
fi
[ $status -eq 0 ] && echo "validate-k8s: ${#MANIFESTS[@]} manifests valid for Kubernetes ${KUBERNETES_VERSIONS[*]}, naming cposim:$VERSION"
exit $status
