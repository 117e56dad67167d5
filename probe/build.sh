#!/usr/bin/env bash
# Builds pid1-probe: static against musl, optimised for size, stripped (Debian package musl-tools).
# usage: probe/build.sh [OUT]   (default target/pid1-probe/pid1-probe)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-target/pid1-probe/pid1-probe}
cc=${MUSL_GCC:-musl-gcc}
if ! command -v "$cc" >/dev/null; then
  echo "probe/build.sh: $cc is missing (apt-get install musl-tools)" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
"$cc" -static -Os -s -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -fno-asynchronous-unwind-tables \
  -Wl,--build-id=none -o "$out" "$here/pid1-probe.c"
echo "pid1-probe: $out, $(stat -c %s "$out") bytes"
