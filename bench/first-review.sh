# Sourced by bench/load.sh and bench/image-start.sh: the poll both use to time a start.
# await_first_review PORT CA BODY PID: polls every 20 ms (at most 1,000 times) until BODY, POSTed to
# https://127.0.0.1:PORT/mutate and checked against the CA file (once it exists), is answered; returns 1,
# saying why, when process PID has exited or no answer came.
await_first_review() {
  local port=$1 ca=$2 body=$3 pid=$4
  for _ in $(seq 1 1000); do
    if [ -f "$ca" ] && curl -sf -o /dev/null --max-time 2 --cacert "$ca" -H 'Content-Type: application/json' \
        --data-binary @"$body" "https://127.0.0.1:$port/mutate"; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { echo "$0: the webhook exited" >&2; return 1; }
    sleep 0.02
  done
  echo "$0: the webhook did not answer within the polls" >&2
  return 1
}
