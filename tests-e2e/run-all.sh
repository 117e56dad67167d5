#!/usr/bin/env bash
# Every test of pid1-injector: unit and integration tests (Maven), then the end-to-end proof on
# real servers. Run as root on Debian: it installs the Debian packages the tests need.
set -euo pipefail
cd "$(dirname "$0")/.."
# Commit messages since the rule was kept: subject <= 72 characters, and a body.
tests-e2e/commit-messages.sh
tests-e2e/install-deps.sh
mvn -B -ntp verify
tests-e2e/run.sh
# The webhook behind a real kube-apiserver; the first run on a machine builds it (tools/kube).
tests-e2e/kube/run.sh
# The webhook's own image, built here and run with crun as the Deployment runs it.
tests-e2e/image.sh
# The arm64 image, built and run under qemu-user-static: about 9 minutes more, so only when asked for (ARM64=1).
[ "${ARM64:-0}" = 0 ] || tests-e2e/image.sh --arch arm64
