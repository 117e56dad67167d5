#!/bin/bash
# The wall time and the CPU time of a command and of everything it starts, daemons included (the
# API server, etcd and the JVMs that tests-e2e/kube/run.sh starts in the background, which `time`
# misses once their parent has exited). The command runs in a cgroup of its own (cgroup v1
# cpuacct), removed afterwards. Root. Usage: bench/cpu-of.sh COMMAND [ARG...]
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: bench/cpu-of.sh COMMAND [ARG...]" >&2; exit 2; }
[ -d /sys/fs/cgroup/cpuacct ] || { echo "cpu-of.sh: no cgroup v1 cpuacct hierarchy here" >&2; exit 2; }
group=/sys/fs/cgroup/cpuacct/pid1-cpu-of-$$
mkdir "$group"
start=$(date +%s.%N)
status=0
(echo "$BASHPID" > "$group/cgroup.procs" && exec "$@") || status=$?
wall=$(echo "$(date +%s.%N) - $start" | bc)
cpu=$(cat "$group/cpuacct.usage")
# Processes left behind keep the cgroup busy: removing it then fails, and says so.
rmdir "$group" || echo "cpu-of.sh: $group still holds processes" >&2
printf 'cpu-of.sh: exit %s, wall %.1f s, CPU %.1f s (everything the command started), load average %s\n' \
  "$status" "$wall" "$(echo "$cpu / 1000000000" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)" >&2
exit "$status"
