#!/usr/bin/env bash
# Proof that the webhook's image runs as the Deployment runs it: builds both images (deploy/image/), unpacks the
# webhook's and runs it with crun (root; a mount namespace of its own, no cgroups, the host's network) as UID
# 65532 with a read-only root filesystem, no capabilities, the Deployment's environment (self-signed TLS instead of
# the Secret's files, free ports on 127.0.0.1) and a writable /tmp. Checks: it answers /mutate over HTTPS, reports
# ready on the management port, drains on SIGTERM (not ready, still answering) and exits 0; `shim` starts from the
# same image, and so does the pid1-shim sidecar with the command the webhook writes. Talks only to 127.0.0.1; stops
# everything it started.
#
# usage: tests-e2e/image.sh [--no-build]   (needs target/quarkus-app: mvn package; Debian packages: install-deps.sh)
#   --no-build   run the images built before, in target/pid1-init and target/pid1-injector
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d)
id=pid1-image-test-$$
run_pid=
cleanup() {
  crun delete --force "$id" >/dev/null 2>&1 || true
  crun delete --force "$id-shim" >/dev/null 2>&1 || true
  [ -z "$run_pid" ] || kill "$run_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
passed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() {
  echo "image.sh: FAIL: $*" >&2
  [ ! -f "$work/webhook.log" ] || tail -20 "$work/webhook.log" >&2
  echo "image: $passed passed, 1 failed"
  exit 1
}

# Two builds from the same inputs give the same image, byte for byte (the second one's layout is thrown away).
if [ "${1:-}" != --no-build ]; then
  deploy/image/build-init-image.sh --out target/pid1-init >/dev/null
  digest() { sed -n 's/.*OCI layout .*, manifest \(sha256:[0-9a-f]*\)$/\1/p' "$1"; }
  deploy/image/build-webhook-image.sh --out target/pid1-injector >"$work/build1.log"
  grep 'classes of' "$work/build1.log" || true
  deploy/image/build-webhook-image.sh --out "$work/again" >"$work/build2.log"
  [ -n "$(digest "$work/build1.log")" ] && [ "$(digest "$work/build1.log")" = "$(digest "$work/build2.log")" ] ||
    fail "two builds gave two images: $(digest "$work/build1.log") and $(digest "$work/build2.log")"
  rm -rf "$work/again"
  ok "two builds give the same image, $(digest "$work/build1.log")"
fi

mkdir -p "$work/bundle" "$work/tmp"
chmod 1777 "$work/tmp"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
mport=$(free_port)
spec() { # ARGS [JAVA_OPTIONS]: the bundle runs the image's command with ARGS, as the Deployment runs it
  python3 tests-e2e/oci_bundle.py target/pid1-injector/oci 0.1.0 "$work/bundle" "$work/tmp" "$port" "$mport" "$@"
}
run() { # ID: runs the bundle in the foreground, as the kubelet's runtime would, without cgroups
  unshare -m sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --cgroup-manager=disabled run -b "$1" "$2"' \
    sh "$work/bundle" "$1"
}

spec '["serve"]'
[ ! -e "$work/bundle/rootfs/bin/sh" ] || fail "the image has a shell"
run "$id" >"$work/webhook.log" 2>&1 &
run_pid=$!
review=examples/review-gunicorn.json
ca=$work/tmp/pid1-tls/ca.crt
mutate() { curl -sf --max-time 5 --cacert "$ca" -H 'Content-Type: application/json' --data-binary @"$review" \
  "https://127.0.0.1:$port/mutate"; }
for _ in $(seq 1 300); do
  [ -f "$ca" ] && mutate > "$work/answer.json" 2>/dev/null && break
  kill -0 "$run_pid" 2>/dev/null || fail "the container exited before it answered"
  sleep 0.1
done
grep -q '"allowed":true' "$work/answer.json" ||
  fail "/mutate did not answer a review: $(head -c 300 "$work/answer.json")"
grep -q '"patch"' "$work/answer.json" || fail "/mutate answered without a patch"
ok "/mutate answers over HTTPS (self-signed)"
ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$mport/q/health/ready")
[ "$ready" = 200 ] || fail "/q/health/ready answered $ready"
ok "ready on the management port"
# The image holds the C libraries that Netty's native parts need: they load as they do beside the jar.
! grep -E "(BoringSSL|epoll transport) is not available" "$work/webhook.log" || fail "a native library did not load"
ok "BoringSSL and epoll load"
# Nothing but /tmp is writable, and the process is 65532.
java_pid=$(crun state "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
[ "$(awk '/^Uid:/ {print $2}' "/proc/$java_pid/status")" = 65532 ] || fail "the webhook does not run as 65532"
ok "runs as 65532 on a read-only root"

crun kill "$id" TERM
sleep 1
ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$mport/q/health/ready")
[ "$ready" = 503 ] || fail "after SIGTERM /q/health/ready answered $ready, not 503"
mutate > /dev/null || fail "after SIGTERM, while draining, /mutate did not answer"
ok "on SIGTERM not ready and still answering (draining)"
status=0
wait "$run_pid" || status=$?
run_pid=
[ "$status" = 0 ] || fail "the webhook exited $status after SIGTERM"
ok "exited 0 after SIGTERM"
crun delete --force "$id" >/dev/null 2>&1 || true

# The shim's start also shows the image's command uses the training run's archive: -Xshare:on stops the JVM when
# the base archive cannot be used, and the app's classes come from the archive (or AOT cache) of the build.
spec '["shim", "--help"]' '-Xshare:on -Xlog:class+load=info:file=/tmp/class-load.log'
run "$id-shim" >"$work/shim.log" 2>&1 || fail "shim --help failed: $(cat "$work/shim.log")"
grep -q '^Usage: pid1-injector shim' "$work/shim.log" || fail "shim --help printed no usage: $(cat "$work/shim.log")"
ok "shim starts from the same image"
# QuarkusEntryPoint is on the class path; Main comes through Quarkus' own class loader.
for class in io.quarkus.bootstrap.runner.QuarkusEntryPoint io.pid1.injector.cli.Main; do
  grep -q "$class source: shared objects file" "$work/tmp/class-load.log" ||
    fail "the image's command did not take $class from the CDS archive of the build"
done
ok "the command uses the CDS archive of the build, for the app's classes too"
crun delete --force "$id-shim" >/dev/null 2>&1 || true

# The pid1-shim sidecar as the webhook writes it (golden 100): its own command (the image's argument file), JVM
# options and configuration, on a free port. It answers its health check and a worker check, and exits 0 on SIGTERM.
mapfile -t sidecar < <(python3 - "$port" <<'PY'
import json, sys, yaml
pod = yaml.safe_load(open("src/test/resources/golden/100-shim-gunicorn/out.yaml"))
shim = next(c for c in pod["spec"]["initContainers"] if c["name"] == "pid1-shim")
env = {e["name"]: e["value"] for e in shim["env"]}
config = json.loads(env["PID1_SHIM_CONFIG"])
config.update(host="127.0.0.1", port=int(sys.argv[1]))
env["PID1_SHIM_CONFIG"] = json.dumps(config)
print(json.dumps({"command": shim["command"], "args": shim["args"]}))
print(json.dumps(env))
PY
)
spec "${sidecar[0]}" '' "${sidecar[1]}"
run "$id-shim" >"$work/sidecar.log" 2>&1 &
run_pid=$!
for _ in $(seq 1 300); do
  curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz" && break
  kill -0 "$run_pid" 2>/dev/null || fail "the sidecar exited: $(cat "$work/sidecar.log")"
  sleep 0.1
done
curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz" || fail "the sidecar does not answer /healthz"
# No gunicorn runs here: the worker check answers 503 with its reason.
workers=$(curl -s -w ' %{http_code}' --max-time 5 "http://127.0.0.1:$port/workers/web")
[ "${workers##* }" = 503 ] || fail "/workers/web answered $workers, not 503"
crun kill "$id-shim" TERM
status=0
wait "$run_pid" || status=$?
run_pid=
[ "$status" = 0 ] || fail "the sidecar exited $status after SIGTERM: $(cat "$work/sidecar.log")"
ok "the pid1-shim sidecar runs from the image with the webhook's command and exits 0 on SIGTERM"
echo "image: $passed passed, 0 failed"
