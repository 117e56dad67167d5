#!/usr/bin/env bash
# Load test of the packaged webhook on loopback, side by side with nginx answering a fixed body
# of the same size over the same TLS (the floor). See bench/README.md.
#
# Environment: RATE_SECONDS (60) per fixed rate, RATES ("100 500 1000"), MAX_SECONDS (15) per
# max-throughput run, ROUNDS (3) of max-throughput runs per client and server, WARMUP_SECONDS (30)
# of unmeasured load first (C2 is still compiling before), CONNECTIONS (32) of the closed-loop
# runs, RATE_CONNECTIONS (4) of the fixed-rate runs, JAVA_OPTS (JVM options of the webhook;
# default: the Deployment's, in a 384 MiB container), BODY (the review, default
# examples/review-gunicorn.json), BENCH_OUT (target/bench), IMAGE (an OCI layout of the webhook's image, e.g.
# target/pid1-injector/oci: the webhook runs from it under crun as the Deployment runs it, bench/oci-run.sh, with
# the Deployment's options and JAVA_OPTS after them; root).
# Everything listens on 127.0.0.1 on free ports; every process started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${BENCH_OUT:-target/bench}
rate_seconds=${RATE_SECONDS:-60}
rates=${RATES:-100 500 1000}
max_seconds=${MAX_SECONDS:-15}
rounds=${ROUNDS:-3}
connections=${CONNECTIONS:-32}
rate_connections=${RATE_CONNECTIONS:-4}
# As deploy/base/deployment.yaml runs it (JAVA_TOOL_OPTIONS, MALLOC_ARENA_MAX), in a 384 MiB container.
java_opts=${JAVA_OPTS:--XX:MaxRAM=384m $(sed -n 's/^ *value: \(-Xmx.*\)$/\1/p' deploy/base/deployment.yaml)}
image=${IMAGE:-}
[ -z "$image" ] || java_opts=${JAVA_OPTS:-}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
body=${BODY:-examples/review-gunicorn.json}
mkdir -p "$out"
out=$(cd "$out" && pwd)
. bench/first-review.sh
. bench/oci-run.sh
. bench/servers.sh

# Bench tools (not test dependencies): wrk, h2load (nghttp2-client), nginx-light, curl.
missing=()
for tool in wrk:wrk h2load:nghttp2-client nginx:nginx-light curl:curl; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -q package -DskipTests

work=$(mktemp -d)
id=pid1-load-$$
cleanup() {
  [ -z "$image" ] || crun delete --force "$id" >/dev/null 2>&1 || true
  stop_started
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s%N; }
rss_kib() { awk -v f="$2" '$1 == f":" {print $2}' "/proc/$1/status"; }
# The server whose CPU time the runs below take (bench/servers.sh's cpu_ticks).
measured_pids=
mib() { echo $(( $1 / 1024 )); }

cp "$body" "$work/review.json"
export BODY_FILE="$work/review.json"
results="$out/results.md"
: > "$results"
say() { echo "$*" | tee -a "$results"; }

# Starts the webhook (extra JVM options in $1) with a TLS dir of its own; sets server_pid, and
# started_ms to the milliseconds from the process start to the first answered review.
port=$(free_port)
mport=$(free_port)
server_pid=
started_ms=
if [ -n "$image" ]; then
  # The image's /tmp (its emptyDir) is $work/tmp; the webhook makes its TLS files in it, where nginx reads them too.
  mkdir -m 1777 "$work/tmp"
  ln -s tmp/pid1-tls "$work/tls"
  python3 tests-e2e/oci_bundle.py "$image" 0.1.0 "$work/bundle" "$work/tmp" "$port" "$mport" '["serve"]' "$java_opts"
fi
start_webhook() {
  local t0 t1
  t0=$(now)
  if [ -n "$image" ]; then
    crun delete --force "$id" >/dev/null 2>&1 || true
    oci_start "$work/bundle" "$id" "$out/webhook.log"
    server_pid=$pid
  else
    PID1_WEBHOOK_PORT=$port PID1_MANAGEMENT_PORT=$mport PID1_LISTEN_HOST=127.0.0.1 PID1_TLS_DIR="$work/tls" \
      java $java_opts ${1:-} -jar "$root/target/quarkus-app/quarkus-run.jar" >>"$out/webhook.log" 2>&1 &
    server_pid=$!
  fi
  pids+=("$server_pid")
  if ! await_first_review "$port" "$work/tls/ca.crt" "$BODY_FILE" "$server_pid"; then
    echo "see $out/webhook.log" >&2
    exit 1
  fi
  t1=$(now)
  started_ms=$(( (t1 - t0) / 1000000 ))
  # crun's child is what is measured and stopped.
  [ -z "$image" ] || { server_pid=$(oci_jvm "$id"); pids+=("$server_pid"); }
}
# SIGTERM, then up to 30 s (the webhook's 5 s shutdown delay + 20 s for requests in flight).
stop() {
  kill "$1"
  for _ in $(seq 1 300); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

# Closed loop: "req/s CPU-µs-per-request" of the server in measured_pids.
cpu_per_request() { # TICKS_BEFORE REQUESTS -> microseconds of server CPU per request
  awk -v t0="$1" -v t1="$(cpu_ticks "$measured_pids")" -v n="$2" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%d", (t1 - t0) * 1e6 / hz / n}'
}
wrk_rps() { wrk_cpu "$1" "$max_seconds" "$measured_pids" "$out/raw.txt"; }
h2load_rps() {
  local t0; t0=$(cpu_ticks "$measured_pids")
  h2load -c"$connections" -m8 -t2 -D "$max_seconds" -d "$BODY_FILE" -H 'Content-Type: application/json' "$1" >"$work/h2load.txt"
  cat "$work/h2load.txt" >>"$out/raw.txt"
  grep -q ' 0 failed, 0 errored' "$work/h2load.txt" || echo "h2load saw failures" >&2
  echo "$(awk '/^finished in/ {gsub(",", "", $4); printf "%d", $4}' "$work/h2load.txt") $(cpu_per_request "$t0" "$(awk '/^requests:/ {print $2}' "$work/h2load.txt")")"
}
# Open loop at RATE req/s over HTTP/2: h2load --rps, each request's latency from its log.
fixed_rate() {
  rm -f "$work/rate.log"
  h2load -c"$rate_connections" -m64 -t1 --rps="$(awk -v r="$2" -v c="$rate_connections" 'BEGIN {print r / c}')" \
    -D "$rate_seconds" --warm-up-time=1 -d "$BODY_FILE" -H 'Content-Type: application/json' \
    --log-file="$work/rate.log" "$1" >>"$out/raw.txt"
  python3 bench/latency.py "$work/rate.log" "$2" "$rate_seconds"
}
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k {print $2}'; }

say "# load run $(date -u +%Y-%m-%dT%H:%MZ)"
say "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
say "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "$image" ]; then
  say "review: $body ($(wc -c <"$BODY_FILE") bytes); the image $image, the Deployment's environment${java_opts:+, then $java_opts}"
else
  say "review: $body ($(wc -c <"$BODY_FILE") bytes); JVM options: $java_opts; MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX"
fi

start_webhook
first_ms=$started_ms
stop "$server_pid"
start_webhook
second_ms=$started_ms
stop "$server_pid"
# An AppCDS archive from a training run (start, one review, SIGTERM), as an image build would make it. The image
# has its own: a third start.
if [ -n "$image" ]; then
  start_webhook
else
  start_webhook "-XX:ArchiveClassesAtExit=$work/app.jsa"
  stop "$server_pid"
  start_webhook "-XX:SharedArchiveFile=$work/app.jsa"
fi
cds_ms=$started_ms
sleep 2
idle_rss=$(rss_kib "$server_pid" VmRSS)
answer_bytes=$(curl -s --cacert "$work/tls/ca.crt" -H 'Content-Type: application/json' --data-binary @"$BODY_FILE" \
  "https://127.0.0.1:$port/mutate" | wc -c)
say "start to first answer: ${first_ms} ms (first start, creates the CA), ${second_ms} ms (reusing it), ${cds_ms} ms ($([ -n "$image" ] && echo "a third start" || echo "with an AppCDS archive"))"
say "RSS idle: $(mib "$idle_rss") MiB; answer: $answer_bytes bytes"

# The floor: nginx, same TLS files, same port kind, a fixed body of the webhook's answer size. It runs
# beside the webhook from here on, idle while the webhook is measured and the other way round.
start_nginx_floor "$work" "$answer_bytes" "$out/nginx.log"
nurl=$nginx_url
webhook_pids=$server_pid

declare -A rps lat
url="https://127.0.0.1:$port/mutate"
# JIT warm-up, not measured (kube-apiserver meets a webhook that has been up for a while): both clients in
# the shapes measured below, so that connections opening and closing are compiled before, not during, a run.
warmup=${WARMUP_SECONDS:-30}
h2load -c"$connections" -m8 -t2 -D "$(( warmup / 2 ))" -d "$BODY_FILE" -H 'Content-Type: application/json' "$url" >/dev/null
wrk -t2 -c"$connections" -d"$(( warmup - warmup / 2 ))s" -s bench/post.lua "$url" >/dev/null
# Max throughput in alternating rounds (webhook, nginx, webhook, nginx, ...): the machine's other load
# moves both alike within a round, so each round's ratio compares like with like.
for round in $(seq 1 "$rounds"); do
  for tool in wrk h2load; do
    measured_pids=$webhook_pids; rps[webhook,$tool,$round]=$("${tool}_rps" "$url")
    measured_pids=$nginx_pids; rps[nginx,$tool,$round]=$("${tool}_rps" "$nurl")
  done
done
for rate in $rates; do lat[webhook,$rate]=$(fixed_rate "$url" "$rate"); done
peak_rss=$(rss_kib "$server_pid" VmHWM)
load_rss=$(rss_kib "$server_pid" VmRSS)
stop "$server_pid"
for rate in $rates; do lat[nginx,$rate]=$(fixed_rate "$nurl" "$rate"); done
stop "$nginx_pid"

say ""
say "| max throughput (closed loop, $connections connections, ${max_seconds} s per run) | round | webhook req/s | nginx req/s | webhook / nginx | webhook CPU µs/req | nginx CPU µs/req |"
say "|---|---:|---:|---:|---:|---:|---:|"
for tool in wrk h2load; do
  label=$([ "$tool" = wrk ] && echo "wrk, HTTP/1.1" || echo "h2load, HTTP/2 (8 streams per connection)")
  ratios=()
  for round in $(seq 1 "$rounds"); do
    read -r w wcpu <<<"${rps[webhook,$tool,$round]}"; read -r n ncpu <<<"${rps[nginx,$tool,$round]}"
    ratio=$(awk -v w="$w" -v n="$n" 'BEGIN {printf "%.0f", 100 * w / n}')
    ratios+=("$ratio")
    say "| $label | $round | $w | $n | $ratio % | $wcpu | $ncpu |"
  done
  say "| $label | **median** | | | **$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{r[NR] = $1} END {print r[int((NR + 1) / 2)]}') %** | | |"
done
say ""
say "| fixed rate, HTTP/2 over $rate_connections connections, ${rate_seconds} s | server | achieved req/s | p50 ms | p99 ms | p99.9 ms | max ms | failed |"
say "|---|---|---:|---:|---:|---:|---:|---:|"
for rate in $rates; do
  for server in webhook nginx; do
    l=${lat[$server,$rate]}
    say "| $rate req/s | $server | $(field "$l" achieved) | $(field "$l" p50_ms) | $(field "$l" p99_ms) | $(field "$l" p999_ms) | $(field "$l" max_ms) | $(field "$l" failed) |"
  done
done
say ""
say "webhook RSS under load: $(mib "$load_rss") MiB at the end, $(mib "$peak_rss") MiB peak (VmHWM)"
say "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
