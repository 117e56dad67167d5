#!/usr/bin/env bash
# Installs what the tests run for real: Debian's init binaries, servers and registry, and the
# official SARIF 2.1.0 schema (shipped in an npm package) that the CLI's SARIF output is checked
# against. Idempotent: what is already present is not fetched again.
set -euo pipefail
packages=(
  tini busybox-static dash bash procps curl openssl python3-jsonpatch python3-yaml supervisor
  gunicorn uwsgi uwsgi-plugin-python3 celery python3-celery python3-redis redis-server
  nginx-light php-fpm apache2 docker-registry skopeo wrk iproute2 musl-tools python3-uvicorn crun unzip
  socat libfaketime qemu-user-static "gcc-$([ "$(uname -m)" = x86_64 ] && echo aarch64 || echo x86-64)-linux-gnu"
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  # Packaged services must not start on install: the tests start what they need on loopback.
  [ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d; }
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cache="$(cd "$(dirname "$0")" && pwd)/.cache"
schema="$cache/sarif-2.1.0-rtm.5.json"
if [ ! -s "$schema" ]; then
  mkdir -p "$cache"
  work="$(mktemp -d)"
  (cd "$work" && npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null \
    && tar xzf microsoft-jest-sarif-1.0.0-beta.0.tgz package/lib/schemas/sarif-2.1.0-rtm.5.json)
  mv "$work/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$schema"
  rm -rf "$work"
fi
