#!/usr/bin/env bash
# End-to-end suite: installs the Debian packages it runs, then runs every scenario (or the
# ones named as arguments) against the packaged webhook server. Needs root (namespaces) and
# the server built: mvn -B -q package -DskipTests. Prints one line per scenario and run,
# then "N passed, M failed"; exits non-zero when anything failed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/install-deps.sh"
cd "$here"
exec /usr/bin/python3 "$here/scenarios.py" "$@"
