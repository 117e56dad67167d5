#!/usr/bin/env bash
# Start to first answered review, and RSS just after it, of the webhook's image run by crun as the Deployment runs
# it (tests-e2e/oci_bundle.py) against the plain jar (target/quarkus-app, the JDK on PATH, the Deployment's JVM
# options, no AppCDS), interleaved: image, jar, image, jar... Root (crun); talks only to 127.0.0.1; stops what it
# starts.
#
# usage: bench/image-start.sh [LAYOUT]   (default target/pid1-injector/oci, from deploy/image/build-webhook-image.sh)
# environment: RUNS (5 starts of each), BODY (the review, default examples/review-gunicorn.json), LOAD (seconds
#   of wrk at max throughput, 32 connections as load.sh, after each first answer, then RSS again; default 0: none)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
layout=${1:-target/pid1-injector/oci}
runs=${RUNS:-5}
body=${BODY:-examples/review-gunicorn.json}
work=$(mktemp -d)
id=pid1-image-bench-$$
pid=
cleanup() {
  crun delete --force "$id" >/dev/null 2>&1 || true
  [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
. bench/first-review.sh
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now() { date +%s%N; }
java_opts=$(python3 -c 'import yaml
c = yaml.safe_load(open("deploy/base/deployment.yaml"))["spec"]["template"]["spec"]["containers"][0]
print(next(e["value"] for e in c["env"] if e["name"] == "JAVA_TOOL_OPTIONS"))')

# Waits for the first answered review; prints "milliseconds RSS-MiB" of process $pid (the JVM: $2), and with
# LOAD "RSS-under-load-MiB req/s".
first_answer() {
  local t0=$1 jvm=$2 ca=$3
  await_first_review "$port" "$ca" "$body" "$pid" || exit 1
  local ms=$(( ($(now) - t0) / 1000000 )) rss
  rss=$(( $(awk '/^VmRSS:/ {print $2}' "/proc/$($jvm)/status") / 1024 ))
  if [ "${LOAD:-0}" -gt 0 ]; then
    local rps
    rps=$(BODY_FILE=$body wrk -t2 -c32 -d"${LOAD}s" -s bench/post.lua "https://127.0.0.1:$port/mutate" \
      | awk '/^Requests\/sec/ {printf "%d", $2}')
    echo "$ms $rss $(( $(awk '/^VmRSS:/ {print $2}' "/proc/$($jvm)/status") / 1024 )) $rps"
  else
    echo "$ms $rss"
  fi
}
stop() { kill -TERM "$1"; wait "$pid" 2>/dev/null || true; pid=; }

image_run() {
  rm -rf "$work/tmp" && mkdir -m 1777 "$work/tmp"
  python3 tests-e2e/oci_bundle.py "$layout" 0.1.0 "$work/bundle" "$work/tmp" "$port" "$mport" '["serve"]'
  local t0
  t0=$(now)
  unshare -m sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --cgroup-manager=disabled run -b "$1" "$2"' \
    sh "$work/bundle" "$id" >>"$work/image.log" 2>&1 &
  pid=$!
  jvm() { crun state "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])'; }
  first_answer "$t0" jvm "$work/tmp/pid1-tls/ca.crt"
  stop "$(jvm)"
  crun delete --force "$id" >/dev/null 2>&1 || true
}
jar_run() {
  rm -rf "$work/jar-tls"
  local t0
  t0=$(now)
  PID1_WEBHOOK_PORT=$port PID1_MANAGEMENT_PORT=$mport PID1_LISTEN_HOST=127.0.0.1 PID1_TLS_DIR="$work/jar-tls" \
    MALLOC_ARENA_MAX=2 JAVA_TOOL_OPTIONS="$java_opts" java -jar target/quarkus-app/quarkus-run.jar serve \
    >>"$work/jar.log" 2>&1 &
  pid=$!
  jvm() { echo "$pid"; }
  first_answer "$t0" jvm "$work/jar-tls/ca.crt"
  stop "$pid"
}

port=$(free_port)
mport=$(free_port)
echo "image $layout against the jar with $(java -version 2>&1 | head -1); $runs starts each, interleaved"
image=() jar=()
for i in $(seq 1 "$runs"); do
  image+=("$(image_run)")
  jar+=("$(jar_run)")
  echo "start $i: image ${image[-1]} jar ${jar[-1]} (ms, RSS MiB[, RSS under load MiB, req/s])"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
column() { local n=$1; shift; printf '%s\n' "$@" | awk -v n="$n" '{print $n}'; }
for variant in image jar; do
  declare -n results=$variant
  # shellcheck disable=SC2046
  printf '%s%s\n' \
    "median $variant: $(median $(column 1 "${results[@]}")) ms, RSS $(median $(column 2 "${results[@]}")) MiB" \
    "${LOAD:+, under load RSS $(median $(column 3 "${results[@]}")) MiB at $(median $(column 4 "${results[@]}")) req/s}"
done
