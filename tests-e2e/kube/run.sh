#!/usr/bin/env bash
# The webhook behind a real kube-apiserver (test_kube.py): builds the control plane's binaries
# first (tools/kube/build.sh, cached: seconds once built, about half an hour on a fresh machine).
# Needs root (the stored-pod runs use namespaces), the server built (mvn -B -q package
# -DskipTests) and the packages of ../install-deps.sh. Usage: run.sh [TestClass ...]
# Prints one line per test, then "N passed, M failed"; exits non-zero when anything failed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/../../tools/kube/build.sh" >/dev/null
cd "$here"
exec /usr/bin/python3 test_kube.py "$@"
