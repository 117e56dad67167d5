# Sourced by bench/image-start.sh and bench/load.sh: the webhook's image run by crun, as the Deployment runs it,
# from a bundle made by tests-e2e/oci_bundle.py. Root.
# oci_start BUNDLE ID LOG: starts container ID in the background; pid is crun's, which ends with the container.
oci_start() {
  unshare -m sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --cgroup-manager=disabled run -b "$1" "$2"' \
    sh "$1" "$2" >>"$3" 2>&1 &
  pid=$!
}
# oci_jvm ID: the PID of container ID's process (the JVM) on this machine.
oci_jvm() { crun state "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])'; }
