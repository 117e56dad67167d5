#!/usr/bin/env bash
# The stack's floor: what the webhook's runtime costs by itself. bench/floor (the same Quarkus, extensions,
# Vert.x/Netty on native epoll, BoringSSL, HTTP/TLS settings and JVM options, answering a fixed body with no
# work of its own) beside the webhook (target/quarkus-app) and nginx (the floor of load.sh), all three on the same
# TLS files and answering as many bytes: RSS idle, then max throughput over HTTP/1.1 (wrk) in rounds that
# alternate between them, CPU per request, each one's ratio to nginx, and RSS after the load. See bench/README.md.
#
# Environment: ROUNDS (3) of MAX_SECONDS (15) per server, WARMUP_SECONDS (30) of unmeasured wrk per JVM first,
# CONNECTIONS (32), JAVA_OPTS (default: the Deployment's, in a 384 MiB container, as load.sh), BODY (the review,
# examples/review-gunicorn.json), BENCH_OUT (target/bench), JAVA25 (a second JDK's home, e.g. Temurin 25, as the
# image runs: the webhook and the floor are also run on it with JAVA25_OPTS, default -XX:+UseCompactObjectHeaders),
# NMT (1: each JVM with -XX:NativeMemoryTracking=summary, and its summary after the load in floor-nmt-NAME.txt).
# The JDK on PATH runs the first pair. Everything listens on 127.0.0.1 on free ports; every process started here
# is stopped by its PID on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${BENCH_OUT:-target/bench}
rounds=${ROUNDS:-3}
max_seconds=${MAX_SECONDS:-15}
warmup=${WARMUP_SECONDS:-30}
connections=${CONNECTIONS:-32}
java_opts=${JAVA_OPTS:--XX:MaxRAM=384m $(sed -n 's/^ *value: \(-Xmx.*\)$/\1/p' deploy/base/deployment.yaml)}
[ "${NMT:-0}" = 0 ] || java_opts+=" -XX:NativeMemoryTracking=summary"
java25=${JAVA25:-}
java25_opts=${JAVA25_OPTS:--XX:+UseCompactObjectHeaders}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
body=${BODY:-examples/review-gunicorn.json}
mkdir -p "$out"
out=$(cd "$out" && pwd)
. bench/first-review.sh
. bench/servers.sh

missing=()
for tool in wrk:wrk nginx:nginx-light curl:curl; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -q package -DskipTests
# Its own project, outside the root build (and so outside the test command).
[ -f bench/floor/target/quarkus-app/quarkus-run.jar ] || mvn -B -q -f bench/floor/pom.xml package

work=$(mktemp -d)
trap 'stop_started; rm -rf "$work"' EXIT

kib() { awk -v f="$2" '$1 == f":" {print $2}' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }
cp "$body" "$work/review.json"
export BODY_FILE="$work/review.json"
results="$out/floor.md"
: > "$results"
say() { echo "$*" | tee -a "$results"; }

declare -A url cpu_pids
names=()
# start NAME JAR JAVA OPTIONS...: a JVM on the shared TLS dir (the first one started makes the CA and the pair).
start() {
  local name=$1 jar=$2 java=$3 port mport
  shift 3
  port=$(free_port); mport=$(free_port)
  PID1_WEBHOOK_PORT=$port PID1_MANAGEMENT_PORT=$mport PID1_LISTEN_HOST=127.0.0.1 PID1_TLS_DIR="$work/tls" \
    FLOOR_ANSWER_FILE="$work/answer.json" "$java" "$@" -jar "$jar" >>"$out/floor-$name.log" 2>&1 &
  pids+=("$!")
  cpu_pids[$name]=$!; url[$name]="https://127.0.0.1:$port/mutate"; names+=("$name")
  await_first_review "$port" "$work/tls/ca.crt" "$BODY_FILE" "$!" || { echo "see $out/floor-$name.log" >&2; exit 1; }
}

say "# floor run $(date -u +%Y-%m-%dT%H:%MZ)"
say "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo);" \
  "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
say "JVM options: $java_opts; MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX; $(java -version 2>&1 | head -1)" \
  "${java25:+; -25: $("$java25/bin/java" -version 2>&1 | head -1) with $java25_opts}"

# The webhook first: it makes the CA and the serving pair that the others read. Its answer's size sets the body.
start webhook target/quarkus-app/quarkus-run.jar java $java_opts
answer_bytes=$(curl -s --cacert "$work/tls/ca.crt" -H 'Content-Type: application/json' --data-binary @"$BODY_FILE" \
  "${url[webhook]}" | wc -c)
# nginx writes the answer the floors read.
start_nginx_floor "$work" "$answer_bytes" "$out/floor-nginx.log"
start floor bench/floor/target/quarkus-app/quarkus-run.jar java $java_opts
if [ -n "$java25" ]; then
  start webhook-25 target/quarkus-app/quarkus-run.jar "$java25/bin/java" $java_opts $java25_opts
  start floor-25 bench/floor/target/quarkus-app/quarkus-run.jar "$java25/bin/java" $java_opts $java25_opts
fi
names+=(nginx)
url[nginx]=$nginx_url
cpu_pids[nginx]=$nginx_pids

declare -A bytes idle rps cpu
for name in "${names[@]}"; do
  bytes[$name]=$(curl -s --cacert "$work/tls/ca.crt" -H 'Content-Type: application/json' \
    --data-binary @"$BODY_FILE" "${url[$name]}" | wc -c)
done
sleep 2
rss_sum() { local t=0 p; for p in ${cpu_pids[$1]}; do t=$((t + $(kib "$p" "$2"))); done; echo "$t"; }
for name in "${names[@]}"; do idle[$name]=$(rss_sum "$name" VmRSS); done

# wrk_run NAME SECONDS -> "req/s CPU-µs-per-request"
wrk_run() { wrk_cpu "${url[$1]}" "$2" "${cpu_pids[$1]}" "$out/floor-raw.txt"; }
# JIT warm-up of each JVM, not measured.
for name in "${names[@]}"; do [ "$name" = nginx ] || wrk_run "$name" "$warmup" >/dev/null; done
# Alternating rounds: the machine's other load moves all servers alike within a round.
for round in $(seq 1 "$rounds"); do
  for name in "${names[@]}"; do
    read -r rps[$name,$round] cpu[$name,$round] <<<"$(wrk_run "$name" "$max_seconds")"
  done
done
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

say "answer bytes: $(for n in "${names[@]}"; do printf '%s %s; ' "$n" "${bytes[$n]}"; done)"
say ""
say "| wrk, HTTP/1.1, $connections connections, $rounds × ${max_seconds} s | req/s by round | median \
| / nginx by round | median | CPU µs/req by round | median | RSS idle MiB | RSS after the load MiB | peak MiB |"
say "|---|---|---:|---|---:|---|---:|---:|---:|---:|"
for n in "${names[@]}"; do
  r=(); q=(); c=()
  for round in $(seq 1 "$rounds"); do
    r+=("${rps[$n,$round]}"); c+=("${cpu[$n,$round]}")
    q+=("$(awk -v a="${rps[$n,$round]}" -v b="${rps[nginx,$round]}" 'BEGIN {printf "%.0f", 100 * a / b}')")
  done
  say "| $n | ${r[*]} | $(printf '%s\n' "${r[@]}" | median) | ${q[*]} % | **$(printf '%s\n' "${q[@]}" | median) %** \
| ${c[*]} | **$(printf '%s\n' "${c[@]}" | median)** | $(mib "${idle[$n]}") | **$(mib "$(rss_sum "$n" VmRSS)")** \
| $(mib "$(rss_sum "$n" VmHWM)") |"
done
say "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# NMT: where each JVM's memory is after the load, read by its own JDK's jcmd.
if [ "${NMT:-0}" != 0 ]; then
  for n in "${names[@]}"; do
    case $n in
      nginx) ;;
      *-25) "$java25/bin/jcmd" "${cpu_pids[$n]}" VM.native_memory summary >"$out/floor-nmt-$n.txt" ;;
      *) jcmd "${cpu_pids[$n]}" VM.native_memory summary >"$out/floor-nmt-$n.txt" ;;
    esac
  done
fi
