#!/usr/bin/env bash
# Builds of the webhook side by side, with nginx as the floor: the throughput and CPU per review of each, in
# alternating rounds (build 1, build 2, ..., nginx; then again), so that what else runs on the machine weighs on
# all of them alike. For a question load.sh cannot answer alone: is a lower ratio to nginx the code's doing or the
# machine's? (bench/README.md, "Builds side by side".)
#
# usage: bench/compare.sh [REV...]   (default: HEAD; each a git revision; the working tree's own build is `.`)
# environment: ROUNDS (3), SECONDS_PER_RUN (15), WARMUP_SECONDS (30, per server, wrk only), CONNECTIONS (32),
#   BODY (the review, default examples/review-gunicorn.json), BENCH_OUT (target/bench).
# Each revision is checked out into a detached worktree under target/bench/compare/ and packaged there (kept for
# the next run: a revision is built once); `.` is target/quarkus-app as it is (mvn package). The Deployment's JVM
# options in a 384 MiB container (as load.sh), the JDK on PATH; every server on 127.0.0.1, free ports; nginx serves
# a fixed body as long as the last build's answer over the first build's TLS files. Writes
# BENCH_OUT/compare.md, wrk's own output in BENCH_OUT/compare-raw.txt. Stops every process it started.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
[ $# -gt 0 ] || set -- HEAD
rounds=${ROUNDS:-3}
seconds=${SECONDS_PER_RUN:-15}
warmup=${WARMUP_SECONDS:-30}
connections=${CONNECTIONS:-32}
body=$root/${BODY:-examples/review-gunicorn.json}
out=${BENCH_OUT:-target/bench}
mkdir -p "$out" target/bench/compare
out=$(cd "$out" && pwd)
java_opts="-XX:MaxRAM=384m $(sed -n 's/^ *value: \(-Xmx.*\)$/\1/p' deploy/base/deployment.yaml)"
export MALLOC_ARENA_MAX=2 BODY_FILE=$body
for tool in wrk nginx curl; do
  command -v $tool >/dev/null || { echo "compare.sh: $tool is missing (bench/load.sh installs it)" >&2; exit 1; }
done

. bench/first-review.sh
. bench/servers.sh
work=$(mktemp -d)
cleanup() {
  stop_started
  rm -rf "$work"
}
trap cleanup EXIT

# The jar of each revision, built once into its own worktree.
jars=()
labels=()
for rev in "$@"; do
  if [ "$rev" = . ]; then
    [ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -q -ntp package -DskipTests
    jars+=("$root/target/quarkus-app/quarkus-run.jar")
    labels+=("working tree")
    continue
  fi
  commit=$(git rev-parse --short "$rev^{commit}")
  tree=$root/target/bench/compare/$commit
  if [ ! -f "$tree/target/quarkus-app/quarkus-run.jar" ]; then
    # A worktree whose folder was removed (mvn clean) is pruned first.
    git worktree prune
    [ -d "$tree" ] || git worktree add -q --detach "$tree" "$commit"
    (cd "$tree" && mvn -B -q -ntp package -DskipTests -Dspotless.check.skip=true) >/dev/null
  fi
  jars+=("$tree/target/quarkus-app/quarkus-run.jar")
  labels+=("$rev ($commit)")
done

urls=()
cpus=()
say() { echo "$*" | tee -a "$out/compare.md"; }
: > "$out/compare.md"
say "# builds side by side, $(date -u +%Y-%m-%dT%H:%MZ)"
say "load average before: $(cut -d' ' -f1-3 /proc/loadavg); review: ${body#"$root"/}; JVM options: $java_opts"
for i in "${!jars[@]}"; do
  port=$(free_port)
  PID1_WEBHOOK_PORT=$port PID1_MANAGEMENT_PORT=$(free_port) PID1_LISTEN_HOST=127.0.0.1 PID1_TLS_DIR=$work/$i/tls \
    java $java_opts -jar "${jars[$i]}" >"$work/webhook-$i.log" 2>&1 &
  pids+=("$!")
  cpus+=("$!")
  urls+=("https://127.0.0.1:$port/mutate")
  await_first_review "$port" "$work/$i/tls/ca.crt" "$body" "$!" || { tail "$work/webhook-$i.log" >&2; exit 1; }
  answer=$(curl -s --cacert "$work/$i/tls/ca.crt" -H 'Content-Type: application/json' --data-binary @"$body" \
    "${urls[$i]}" | wc -c)
  say "build $((i + 1)): ${labels[$i]}, answer $answer bytes"
done

# nginx, as load.sh runs it (bench/servers.sh): a fixed JSON body of the last answer's length.
ln -s 0/tls "$work/tls"
start_nginx_floor "$work" "$answer" "$work/nginx.log"
urls+=("$nginx_url")
cpus+=("$nginx_pids")
labels+=(nginx)

# run N SECONDS: "req/s CPU-µs-per-request" of server N under wrk (bench/servers.sh).
: >"$out/compare-raw.txt"
run() { wrk_cpu "${urls[$1]}" "$2" "${cpus[$1]}" "$out/compare-raw.txt"; }
last=$(( ${#urls[@]} - 1 ))
for i in $(seq 0 $((last - 1))); do run "$i" "$warmup" >/dev/null; done

say ""
say "| round | $(for i in $(seq 0 $last); do printf '%s | ' "${labels[$i]}"; done)"
say "|---|$(for _ in $(seq 0 $last); do printf -- '---:|'; done)"
for round in $(seq 1 "$rounds"); do
  results=()
  for i in $(seq 0 $last); do results+=("$(run "$i" "$seconds")"); done
  nginx_rps=${results[$last]%% *}
  line="| $round |"
  for i in $(seq 0 $last); do
    read -r rps us <<<"${results[$i]}"
    line+=" $rps req/s, $us µs/req"
    [ "$i" = "$last" ] || line+=", $(( 100 * rps / nginx_rps )) %"
    line+=" |"
  done
  say "$line"
done
say ""
say "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
