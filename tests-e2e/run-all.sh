#!/usr/bin/env bash
# Every test of pid1-injector: unit and integration tests (Maven), then the end-to-end proof on
# real servers. Run as root on Debian: it installs the Debian packages the tests need.
set -euo pipefail
cd "$(dirname "$0")/.."
tests-e2e/install-deps.sh
mvn -B -ntp verify
tests-e2e/run.sh
tests-e2e/image.sh
