#!/usr/bin/env bash
# Start to first answered review of the webhook's image run by crun as the Deployment runs it
# (tests-e2e/oci_bundle.py) against the plain jar (target/quarkus-app, the JDK on PATH, the Deployment's JVM
# options, no AppCDS), interleaved: image, jar, image, jar... (with several layouts: each image in turn, then the
# jar). Each run starts twice: first with an empty /tmp (the webhook makes its self-signed CA), then again with
# the files of the first (as a Deployment starts with its Secret's files), whose CPU time until the first answer
# (steadier than wall time on a shared machine) and RSS just after it are taken too. Root (crun); talks only to
# 127.0.0.1; stops what it starts.
#
# usage: bench/image-start.sh [LAYOUT...]   (default target/pid1-injector/oci, from build-webhook-image.sh)
# environment: RUNS (5 starts of each), BODY (the review, default examples/review-gunicorn.json), LOAD (seconds
#   of wrk at max throughput, 32 connections as load.sh, after each first answer, then RSS again; default 0: none),
#   SHIM (1: also pid1-shim from the image, with the command and JVM options the webhook gives the sidecar (golden
#   100-shim-gunicorn), against the jar's `java -jar quarkus-run.jar shim` with those options: RSS after 300 checks
#   of /workers/web, as bench/shim.sh; default 0), SERVE (0: no webhook starts, only the shims; default 1), JAVA_EXTRA
#   (JVM options after the Deployment's, for both webhooks: e.g. -XX:ActiveProcessorCount=64 plays a 64-core node),
#   SECRET (1: the second start names the first's files in PID1_TLS_CERT_FILE and PID1_TLS_KEY_FILE, as the
#   Deployment names its Secret's, instead of finding them in PID1_TLS_DIR, which checks them once more; default 0)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ $# -gt 0 ] || set -- target/pid1-injector/oci
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
. bench/oci-run.sh
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now() { date +%s%N; }
java_opts=$(python3 -c 'import yaml
c = yaml.safe_load(open("deploy/base/deployment.yaml"))["spec"]["template"]["spec"]["containers"][0]
print(next(e["value"] for e in c["env"] if e["name"] == "JAVA_TOOL_OPTIONS"))')

# Waits for the first answered review; prints its milliseconds and a space. With a 4th argument, the milliseconds,
# "CPU-ms RSS-MiB" of the JVM ($2), with LOAD "RSS-under-load-MiB req/s", and the end of the line.
first_answer() {
  local t0=$1 jvm=$2 ca=$3
  await_first_review "$port" "$ca" "$body" "$pid" || exit 1
  local ms=$(( ($(now) - t0) / 1000000 )) rss cpu
  [ $# = 4 ] || { printf '%s ' "$ms"; return; }
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / hz}' "/proc/$($jvm)/stat")
  rss=$(( $(awk '/^VmRSS:/ {print $2}' "/proc/$($jvm)/status") / 1024 ))
  ms="$ms $cpu"
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

image_run() { # LAYOUT BUNDLE: "first-ms again-ms again-CPU-ms RSS-MiB[ ...]"
  rm -rf "$work/tmp" && mkdir -m 1777 "$work/tmp"
  python3 tests-e2e/oci_bundle.py "$1" 0.1.0 "$2" "$work/tmp" "$port" "$mport" '["serve"]' "${JAVA_EXTRA:-}"
  image_start "$2"
  if [ "${SECRET:-0}" = 1 ]; then
    python3 tests-e2e/oci_bundle.py "$1" 0.1.0 "$2" "$work/tmp" "$port" "$mport" '["serve"]' "${JAVA_EXTRA:-}" \
      '{"PID1_TLS_CERT_FILE": "/tmp/pid1-tls/tls.crt", "PID1_TLS_KEY_FILE": "/tmp/pid1-tls/tls.key"}'
  fi
  image_start "$2" again
}
image_start() { # BUNDLE [again]
  local t0
  t0=$(now)
  oci_start "$1" "$id" "$work/image.log"
  jvm() { oci_jvm "$id"; }
  first_answer "$t0" jvm "$work/tmp/pid1-tls/ca.crt" ${2:-}
  stop "$(jvm)"
  crun delete --force "$id" >/dev/null 2>&1 || true
}
jar_run() {
  rm -rf "$work/jar-tls"
  jar_start
  jar_start again
}
jar_start() { # [again]
  local t0 files=()
  [ "${SECRET:-0}" = 1 ] && [ $# = 1 ] &&
    files=(PID1_TLS_CERT_FILE="$work/jar-tls/tls.crt" PID1_TLS_KEY_FILE="$work/jar-tls/tls.key")
  t0=$(now)
  env "${files[@]}" PID1_WEBHOOK_PORT=$port PID1_MANAGEMENT_PORT=$mport PID1_LISTEN_HOST=127.0.0.1 PID1_TLS_DIR="$work/jar-tls" \
    MALLOC_ARENA_MAX=2 JAVA_TOOL_OPTIONS="$java_opts ${JAVA_EXTRA:-}" java -jar target/quarkus-app/quarkus-run.jar \
    serve >>"$work/jar.log" 2>&1 &
  pid=$!
  jvm() { echo "$pid"; }
  first_answer "$t0" jvm "$work/jar-tls/ca.crt" ${1:-}
  stop "$pid"
}

# pid1-shim as the webhook adds it: its command, JVM options and a configuration naming one container.
sidecar() { # FIELD: the JVM options, or the command and arguments as JSON
  python3 - "$1" <<'PY'
import json, sys, yaml
pod = yaml.safe_load(open("src/test/resources/golden/100-shim-gunicorn/out.yaml"))
shim = next(c for c in pod["spec"]["initContainers"] if c["name"] == "pid1-shim")
if sys.argv[1] == "options":
    print(next(e["value"] for e in shim["env"] if e["name"] == "JAVA_TOOL_OPTIONS"))
else:
    print(json.dumps({"command": shim["command"], "args": shim["args"]}))
PY
}
shim_opts=$(sidecar options)
shim_command=$(sidecar command)
shim_checks() { # PID: waits for /healthz, makes 300 checks, prints "RSS-MiB" of process PID
  for _ in $(seq 1 1000); do
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz" && break
    kill -0 "$1" 2>/dev/null || { echo "bench/image-start.sh: the shim exited" >&2; exit 1; }
    sleep 0.02
  done
  for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$port/workers/web"; done
  echo $(( $(awk '/^VmRSS:/ {print $2}' "/proc/$1/status") / 1024 ))
}
shim_config() {
  printf '{"port":%d,"drainToken":"bench-token-not-secret-0","containers":[%s]}' "$port" \
    '{"name":"web","argv":["gunicorn","app:app","-w","4"],"workers":4}'
}
image_shim() { # LAYOUT BUNDLE
  rm -rf "$work/tmp" && mkdir -m 1777 "$work/tmp"
  python3 tests-e2e/oci_bundle.py "$1" 0.1.0 "$2" "$work/tmp" "$port" "$mport" "$shim_command" '' "$(python3 -c '
import json, sys
print(json.dumps({"JAVA_TOOL_OPTIONS": sys.argv[1], "PID1_SHIM_CONFIG": sys.argv[2]}))' "$shim_opts" "$(shim_config)")"
  oci_start "$2" "$id" "$work/image.log"
  local jvm=
  for _ in $(seq 1 100); do
    jvm=$(oci_jvm "$id" 2>/dev/null) && break
    sleep 0.05
  done
  shim_checks "$jvm"
  stop "$jvm"
  crun delete --force "$id" >/dev/null 2>&1 || true
}
jar_shim() {
  PID1_SHIM_CONFIG=$(shim_config) JAVA_TOOL_OPTIONS="$shim_opts" java -jar target/quarkus-app/quarkus-run.jar shim \
    >>"$work/jar.log" 2>&1 &
  pid=$!
  shim_checks "$pid"
  stop "$pid"
}

port=$(free_port)
mport=$(free_port)
echo "images $* against the jar with $(java -version 2>&1 | head -1); $runs starts each, interleaved"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
layouts=("$@")
variants=()
for n in $(seq 0 $(($# - 1))); do variants+=("image$n"); done
variants+=(jar)
# VARIANT KIND: one start (KIND run) or one shim (KIND shim) of the jar or of the image imageN
one() {
  if [ "$1" = jar ]; then "jar_$2"; else "image_$2" "${layouts[${1#image}]}" "$work/bundle${1#image}"; fi
}
name() { if [ "$1" = jar ]; then echo jar; else echo "${layouts[${1#image}]}"; fi; }
for i in $(seq 1 "$runs"); do
  [ "${SERVE:-1}" = 1 ] || break
  for v in "${variants[@]}"; do
    one "$v" run >>"$work/$v"
    echo "start $i, $v: $(tail -1 "$work/$v") (first ms; again: ms, CPU ms, RSS MiB[, RSS under load MiB, req/s])"
  done
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
col() { awk -v n="$2" '{print $n}' "$work/$1" | median; } # VARIANT N: the median of column N of its results
for v in "${variants[@]}"; do
  [ "${SERVE:-1}" = 1 ] || break
  printf '%s%s\n' "median $(name "$v"): first start $(col "$v" 1) ms; again $(col "$v" 2) ms, CPU $(col "$v" 3) ms," \
    " RSS $(col "$v" 4) MiB${LOAD:+, under load RSS $(col "$v" 5) MiB at $(col "$v" 6) req/s}"
done
if [ "${SHIM:-0}" = 1 ]; then
  for i in $(seq 1 "$runs"); do
    for v in "${variants[@]}"; do
      one "$v" shim >>"$work/shim-$v"
      echo "shim $i, $v: $(tail -1 "$work/shim-$v") MiB (RSS after 300 checks)"
    done
  done
  for v in "${variants[@]}"; do
    echo "median pid1-shim RSS after 300 checks, $(name "$v"): $(median <"$work/shim-$v") MiB"
  done
fi
