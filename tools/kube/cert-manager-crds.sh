#!/bin/bash
# Prints the directory of cert-manager's CustomResourceDefinitions (deploy/crds: controller-gen's
# output, no Helm templates), taken from cert-manager's Go module with `go mod download` and
# checked against the module hash pinned here. The module cache keeps it: a second run costs
# nothing. Only the definitions are used; cert-manager itself does not run in the tests.
set -euo pipefail
module=github.com/cert-manager/cert-manager
version=v1.21.2
sum=h1:UWgoYM+KLNtRlqmoWOKjKBOBUPVHeepQ6/ac3ERJW68=

# Outside any module, so that go.mod of tools/kube is neither read nor changed.
info=$(cd / && go mod download -json "$module@$version") || true   # an error is in the JSON
field() { printf '%s' "$info" | python3 -c "import json, sys; print(json.load(sys.stdin).get('$1', ''))"; }
error=$(field Error)
[ -z "$error" ] || { echo "cert-manager-crds.sh: go mod download $module@$version: $error" >&2; exit 1; }
[ "$(field Sum)" = "$sum" ] || { echo "cert-manager-crds.sh: $module@$version is not $sum" >&2; exit 1; }
echo "$(field Dir)/deploy/crds"
