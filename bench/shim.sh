#!/usr/bin/env bash
# Start time and resident memory of `pid1-injector shim`, packaged (quarkus-run.jar) and on a plain
# class path (the project's jar and picocli: all the shim loads), with the recommended
# JVM settings and with the JVM's defaults. Start time: from exec to the first answer of /healthz.
# Memory: VmRSS and its peak VmHWM after 300 checks of /workers/<container>.
# Needs: `mvn package` done (target/quarkus-app), java, curl. Talks to 127.0.0.1 only; stops what it starts.
# Usage: bench/shim.sh [runs per setting, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
app=target/quarkus-app
[ -f "$app/quarkus-run.jar" ] || { echo "run 'mvn package -DskipTests' first" >&2; exit 2; }

recommended="-XX:+UseSerialGC -Xms4m -Xmx24m -Xss256k -Xint -XX:-UsePerfData -Xshare:off -XX:StringTableSize=4096"
app_jar=$(ls "$app"/app/pid1-injector-*.jar 2>/dev/null | head -1)
plain_cp="${app_jar:-target/classes}"
for jar in info.picocli.picocli; do
  plain_cp="$plain_cp:$(ls "$app"/lib/main/$jar-*.jar | head -1)"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One run: prints "<ms to first /healthz answer> <VmRSS kB> <VmHWM kB> <exit code after SIGTERM>".
run_once() {
  local jvm=$1 mode=$2 port pid start now code rss hwm
  port=$((20000 + RANDOM % 20000))
  printf '{"host":"127.0.0.1","port":%d,"drainToken":"bench-token-not-secret-0","containers":[{"name":"web","argv":["gunicorn","app:app","-w","4"],"workers":4,"httpPort":%d}]}' \
    "$port" $((port + 1)) > "$work/shim.json"
  start=$(date +%s%N)
  # As the webhook runs it: a bare `shim`, the configuration in PID1_SHIM_CONFIG.
  if [ "$mode" = jar ]; then
    # shellcheck disable=SC2086
    PID1_SHIM_CONFIG=$(cat "$work/shim.json") java $jvm -jar "$app/quarkus-run.jar" shim 2>"$work/err" &
  else
    # shellcheck disable=SC2086
    PID1_SHIM_CONFIG=$(cat "$work/shim.json") java $jvm -cp "$plain_cp" io.pid1.injector.cli.Main shim 2>"$work/err" &
  fi
  pid=$!
  for _ in $(seq 1 1000); do
    if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz"; then break; fi
    sleep 0.005
  done
  now=$(date +%s%N)
  # Load: 300 health checks, each reading /proc (no master here, so no HTTP check).
  for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$port/workers/web"; done
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"
  code=0; wait "$pid" || code=$?
  echo "$(( (now - start) / 1000000 )) $rss $hwm $code"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '%-10s %-12s %10s %10s %10s %s\n' mode jvm start_ms rss_mib peak_mib "exit codes"
for mode in jar classpath; do
  for setting in recommended default; do
    jvm=$([ "$setting" = recommended ] && echo "$recommended" || echo "")
    : > "$work/results"
    for _ in $(seq 1 "$runs"); do run_once "$jvm" "$mode" >> "$work/results"; done
    printf '%-10s %-12s %10s %10s %10s %s\n' "$mode" "$setting" \
      "$(cut -d' ' -f1 "$work/results" | median)" \
      "$(cut -d' ' -f2 "$work/results" | median | awk '{printf "%.1f", $1/1024}')" \
      "$(cut -d' ' -f3 "$work/results" | median | awk '{printf "%.1f", $1/1024}')" \
      "$(cut -d' ' -f4 "$work/results" | sort -u | tr '\n' ' ')"
  done
done
echo "recommended JVM settings: $recommended"
