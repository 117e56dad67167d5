#!/usr/bin/env bash
# Installs the Debian packages the tests run for real: init binaries, the servers, a registry.
# Idempotent: packages already present are not fetched again.
set -euo pipefail
packages=(
  tini busybox-static dash bash procps curl python3-jsonpatch python3-yaml supervisor
  gunicorn uwsgi uwsgi-plugin-python3 celery python3-celery python3-redis redis-server
  nginx-light php-fpm apache2 docker-registry skopeo wrk
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  # Packaged services must not start on install: the tests start what they need on loopback.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
