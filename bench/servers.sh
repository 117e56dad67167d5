# Sourced by bench/load.sh, bench/floor.sh and bench/compare.sh: free ports, the processes they start (pids) and
# their stop on exit, nginx answering a fixed body (the floor), and a wrk run with the servers' CPU time.
pids=()
# Below the kernel's ephemeral range (tests-e2e/free_port.py says why).
free_port() { python3 tests-e2e/free_port.py; }
# SIGTERM to every PID in pids, then up to 5 s for each to exit before SIGKILL.
stop_started() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
# CPU time (user + system) of the processes in $1 (PIDs separated by spaces) and their threads, in clock ticks.
cpu_ticks() { local t=0 p; for p in $1; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
# wrk_cpu URL SECONDS PIDS RAW: wrk's closed loop (2 threads, $connections connections, bench/post.lua) against URL
# for SECONDS; prints "req/s CPU-µs-per-request" of the processes in PIDS and appends wrk's output to RAW.
wrk_cpu() {
  local t0 t1 result
  t0=$(cpu_ticks "$3")
  result=$(wrk -t2 -c"$connections" -d"${2}s" --latency -s bench/post.lua "$1")
  t1=$(cpu_ticks "$3")
  echo "$result" >>"$4"
  if grep -q 'Non-2xx' <<<"$result"; then echo "wrk saw non-2xx answers from $1" >&2; fi
  awk -v t0="$t0" -v t1="$t1" -v hz="$(getconf CLK_TCK)" '/requests in/ {n = $1} /Requests\/sec/ {r = $2}
    END {printf "%d %d", r, (t1 - t0) * 1e6 / hz / n}' <<<"$result"
}
# start_nginx_floor WORK BYTES LOG: nginx on a free port over WORK/tls (tls.crt, tls.key, ca.crt), answering POST
# /mutate with a JSON body BYTES long (the webhook's answer), also written to WORK/answer.json. Sets nginx_pid,
# nginx_url and nginx_pids (the master and its workers: nginx's CPU and memory are theirs); needs BODY_FILE.
start_nginx_floor() {
  local work=$1 bytes=$2 log=$3 port json pad fixed
  port=$(free_port)
  json='{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"x","allowed":true,"pad":""}}'
  pad=$(( bytes - ${#json} ))
  [ "$pad" -gt 0 ] || pad=0
  fixed=${json/\"pad\":\"\"/\"pad\":\"$(head -c "$pad" /dev/zero | tr '\0' x)\"}
  printf '%s' "$fixed" >"$work/answer.json"
  mkdir -p "$work/nginx"
  sed -e "s|@DIR@|$work|g" -e "s|@PORT@|$port|g" -e "s|@WORKERS@|$(nproc)|g" -e "s|@BODY@|$fixed|" \
    bench/nginx.conf.template >"$work/nginx.conf"
  nginx -p "$work/nginx" -c "$work/nginx.conf" >>"$log" 2>&1 &
  nginx_pid=$!
  pids+=("$nginx_pid")
  nginx_url="https://127.0.0.1:$port/mutate"
  for _ in $(seq 1 250); do
    curl -sf -o /dev/null --cacert "$work/tls/ca.crt" --data-binary @"$BODY_FILE" "$nginx_url" && break
    sleep 0.02
  done
  nginx_pids="$nginx_pid $(pgrep -P "$nginx_pid" | tr '\n' ' ')"
}
