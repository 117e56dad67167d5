#!/usr/bin/env bash
# End-to-end suite: installs the Debian packages it runs, checks the pod runner itself, then
# runs every scenario (or the ones named as arguments) against the packaged webhook server.
# Needs root (namespaces) and the server built: mvn -B -q package -DskipTests.
# Prints one line per scenario and run, then "N passed, M failed"; exits non-zero when
# anything failed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/install-deps.sh"
cd "$here"
if ! /usr/bin/python3 -m unittest -q test_podrunner; then
  echo "pod runner self-test failed: scenarios not run"
  echo "0 passed, 1 failed"
  exit 1
fi
exec /usr/bin/python3 "$here/scenarios.py" "$@"
