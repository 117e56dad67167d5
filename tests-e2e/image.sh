#!/usr/bin/env bash
# Proof that the webhook's image runs as the Deployment runs it: builds both images (deploy/image/), unpacks the
# webhook's and runs it with crun (root; a mount namespace of its own, no cgroups, the host's network) as UID
# 65532 with a read-only root filesystem, no capabilities, the Deployment's environment (self-signed TLS instead of
# the Secret's files, free ports on 127.0.0.1) and a writable /tmp. Checks: it answers /mutate over HTTPS, reports
# ready on the management port, drains on SIGTERM (not ready, still answering) and exits 0; `shim` starts from the
# same image, and so does the pid1-shim sidecar with the command the webhook writes. Talks only to 127.0.0.1; stops
# everything it started.
#
# usage: tests-e2e/image.sh [--no-build] [--arch ARCH]   (needs target/quarkus-app: mvn package; Debian packages:
#        install-deps.sh)
#   --no-build   run the images built before, in target/pid1-init and target/pid1-injector
#   --arch ARCH  the webhook's image for another CPU (arm64; build-webhook-image.sh --arch, target/pid1-injector-ARCH),
#                run by crun through qemu-user-static (no init image); then joined with the build machine's image in
#                target/pid1-injector into one multi-platform image, target/pid1-injector-multi
# Without --arch, the pid1-init image is also built for the other CPU (target/pid1-init-arm64 on amd64), checked under
# qemu-user-static and joined with the build machine's into target/pid1-init-multi.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=1
arch=
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0; shift ;;
    --arch) arch=$2; shift 2 ;;
    *) echo "image.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
out=target/pid1-injector${arch:+-$arch}
arch_option=(${arch:+--arch "$arch"})
emulator=
starts=300
case "$arch" in
  '') ;;
  arm64) emulator=/tmp/qemu-aarch64-static; starts=1500 ;;
  *) echo "image.sh: unsupported --arch $arch" >&2; exit 2 ;;
esac
work=$(mktemp -d)
id=pid1-image-test-$$
run_pid=
registry_pid=
http_pid=
cleanup() {
  crun delete --force "$id" >/dev/null 2>&1 || true
  crun delete --force "$id-shim" >/dev/null 2>&1 || true
  [ -z "$run_pid" ] || kill "$run_pid" 2>/dev/null || true
  [ -z "$registry_pid" ] || kill "$registry_pid" 2>/dev/null || true
  [ -z "$http_pid" ] || kill "$http_pid" 2>/dev/null || true
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
# The first is the one the end-to-end scenarios made for the pid1-shim sidecar, unless the app or the build's
# files have changed since: the test command then builds the image twice, not three times.
if [ $build = 1 ]; then
  [ -n "$arch" ] || deploy/image/build-init-image.sh --out target/pid1-init >/dev/null
  digest() { sed -n 's/.*OCI layout .*, manifest \(sha256:[0-9a-f]*\)$/\1/p' "$1"; }
  index=$out/oci/index.json
  if [ -f "$index" ] && [ -z "$(find target/quarkus-app/quarkus-run.jar deploy/image -newer "$index" | head -1)" ]; then
    python3 -c 'import json, sys; print("pid1-injector: OCI layout (built before), manifest",
                json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$index" >"$work/build1.log"
  else
    deploy/image/build-webhook-image.sh "${arch_option[@]}" --out "$out" >"$work/build1.log"
    grep 'classes of' "$work/build1.log" || true
  fi
  deploy/image/build-webhook-image.sh "${arch_option[@]}" --out "$work/again" >"$work/build2.log"
  if [ -z "$(digest "$work/build1.log")" ] || [ "$(digest "$work/build1.log")" != "$(digest "$work/build2.log")" ]; then
    python3 tests-e2e/oci_diff.py "$out/oci" "$work/again/oci" >&2 || true
    fail "two builds gave two images: $(digest "$work/build1.log") and $(digest "$work/build2.log")"
  fi
  rm -rf "$work/again"
  ok "two builds give the same image, $(digest "$work/build1.log")"
fi

mkdir -p "$work/bundle" "$work/tmp"
chmod 1777 "$work/tmp"
[ -z "$emulator" ] || install -m 0755 "$(command -v "$(basename "$emulator")")" "$work/tmp/"
free_port() { python3 tests-e2e/free_port.py; }
port=$(free_port)
mport=$(free_port)
spec() { # ARGS [JAVA_OPTIONS]: the bundle runs the image's command with ARGS, as the Deployment runs it
  EMULATOR=$emulator python3 tests-e2e/oci_bundle.py "$out/oci" 0.1.0 "$work/bundle" "$work/tmp" "$port" "$mport" "$@"
}
run() { # ID: runs the bundle in the foreground, as the kubelet's runtime would, without cgroups
  unshare -m sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --cgroup-manager=disabled run -b "$1" "$2"' \
    sh "$work/bundle" "$1"
}

spec '["serve"]' '-Xlog:class+load=info:file=/tmp/serve-class-load.log'
[ ! -e "$work/bundle/rootfs/bin/sh" ] || fail "the image has a shell"
run "$id" >"$work/webhook.log" 2>&1 &
run_pid=$!
review=examples/review-gunicorn.json
ca=$work/tmp/pid1-tls/ca.crt
mutate() { curl -sf --max-time 5 --cacert "$ca" -H 'Content-Type: application/json' --data-binary @"$review" \
  "https://127.0.0.1:$port/mutate"; }
for _ in $(seq 1 $starts); do
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
# java.security names only the providers the image's runtime holds: one it lacks sends a lookup to the class path,
# where BouncyCastle's provider was found and loaded at every start (its CA code does not use the provider).
! grep -q 'org.bouncycastle.jce.provider.BouncyCastleProvider ' "$work/tmp/serve-class-load.log" ||
  fail "the webhook loaded BouncyCastle's security provider"
ok "no security provider is looked for on the class path"
crun delete --force "$id" >/dev/null 2>&1 || true

# The shim's start also shows the image's command uses the training run's archive: -Xshare:on stops the JVM when
# the base archive cannot be used, and the app's classes come from the archive (or AOT cache) of the build.
spec '["shim", "--help"]' '-Xshare:on -Xlog:class+load=info:file=/tmp/class-load.log'
run "$id-shim" >"$work/shim.log" 2>&1 || fail "shim --help failed: $(cat "$work/shim.log")"
grep -q '^Usage: pid1-injector shim' "$work/shim.log" || fail "shim --help printed no usage: $(cat "$work/shim.log")"
ok "shim starts from the same image"
# Quarkus's aot-jar packaging: the entry point and the app are on the class path of the JDK's own loader.
for class in io.quarkus.bootstrap.runner.AotQuarkusEntryPoint io.pid1.injector.cli.Main; do
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

# With the build machine's image, one multi-platform image, pushed as deploy/README.md says to a registry on
# 127.0.0.1 (Debian's docker-registry): a pull for either CPU gets that CPU's image.
if [ -n "$arch" ]; then
  multi=target/pid1-injector-multi/oci
  python3 deploy/image/oci_index.py "$multi" 0.1.0 target/pid1-injector/oci "$out/oci" >/dev/null
  rport=$(free_port)
  printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
    "$work/registry" "$rport" > "$work/registry.yml"
  docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
  registry_pid=$!
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$rport/v2/" && break; sleep 0.1; done
  pushed=docker://127.0.0.1:$rport/pid1-injector:0.1.0
  skopeo copy --quiet --all --dest-tls-verify=false "oci:$multi:0.1.0" "$pushed" || fail "skopeo copy --all failed"
  manifest() { skopeo inspect --raw --tls-verify=false "$1" | sha256sum | cut -d' ' -f1; }
  [ "$(manifest "$pushed")" = "$(manifest "oci:$multi:0.1.0")" ] || fail "the pushed index is not the built one"
  for image in target/pid1-injector "$out"; do
    cpu=$(skopeo inspect --config "oci:$image/oci:0.1.0" |
      python3 -c 'import json, sys; print(json.load(sys.stdin)["architecture"])')
    skopeo copy --quiet --src-tls-verify=false --override-arch "$cpu" "$pushed" "oci:$work/pulled:$cpu"
    [ "$(manifest "oci:$work/pulled:$cpu")" = "$(manifest "oci:$image/oci:0.1.0")" ] ||
      fail "the pushed multi-platform image does not give $image for $cpu"
  done
  ok "the two-platform image, pushed with skopeo copy --all, gives each CPU its own"
fi

# pid1-init for the other CPU (arm64 on amd64), cross-built: the same image from two builds; its three programs are
# that CPU's and, run by its emulator, do what the image's command and the probes ask of them; one image for both.
if [ -z "$arch" ] && [ $build = 1 ]; then
  case "$(uname -m)" in
    x86_64) other=arm64; qemu=qemu-aarch64-static ;;
    *) other=amd64; qemu=qemu-x86_64-static ;;
  esac
  init=target/pid1-init-$other
  deploy/image/build-init-image.sh --arch "$other" --out "$init" >"$work/init1.log"
  deploy/image/build-init-image.sh --arch "$other" --out "$work/init-again" >"$work/init2.log"
  if [ "$(digest "$work/init1.log")" != "$(digest "$work/init2.log")" ]; then
    python3 tests-e2e/oci_diff.py "$init/oci" "$work/init-again/oci" >&2 || true
    fail "two $other pid1-init builds differ: $(digest "$work/init1.log") $(digest "$work/init2.log")"
  fi
  ok "two $other pid1-init builds give the same image, $(digest "$work/init1.log")"
  mkdir -p "$work/init-root" "$work/.pid1"
  tar -xzf "$(python3 -c 'import json, sys
blob = lambda d: sys.argv[1] + "/blobs/sha256/" + d.split(":")[1]
manifest = json.load(open(blob(json.load(open(sys.argv[1] + "/index.json"))["manifests"][0]["digest"])))
print(blob(manifest["layers"][0]["digest"]))' "$init/oci")" -C "$work/init-root"
  emulate() { "$(command -v "$qemu")" "$@"; }
  emulate "$work/init-root/busybox" cp "$work/init-root/tini" "$work/init-root/pid1-probe" "$work/.pid1/" ||
    fail "the $other busybox did not copy as the image's command does"
  cmp -s "$work/init-root/tini" "$work/.pid1/tini" || fail "the $other busybox copied tini wrong"
  emulate "$work/.pid1/tini" --version | grep -q '^tini version' || fail "the $other tini does not run"
  hport=$(free_port)
  python3 -m http.server "$hport" --bind 127.0.0.1 --directory "$work/.pid1" >/dev/null 2>&1 &
  http_pid=$!
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$hport/" && break; sleep 0.1; done
  emulate "$work/.pid1/pid1-probe" http "$hport" --timeout-ms 2000 >/dev/null ||
    fail "the $other pid1-probe did not pass a server that answers"
  kill "$http_pid"
  wait "$http_pid" 2>/dev/null || true
  http_pid=
  if emulate "$work/.pid1/pid1-probe" http "$hport" --timeout-ms 1000 >/dev/null 2>&1; then
    fail "the $other pid1-probe passed a port nothing listens on"
  fi
  ok "the $other pid1-init's busybox copies, its tini runs, its pid1-probe tells a live port from a closed one"
  python3 deploy/image/oci_index.py target/pid1-init-multi/oci 0.1.0 target/pid1-init/oci "$init/oci" >/dev/null
  platforms=$(skopeo inspect --raw oci:target/pid1-init-multi/oci:0.1.0 |
    python3 -c 'import json, sys; print(" ".join(m["platform"]["architecture"] for m in json.load(sys.stdin)["manifests"]))')
  [ "$platforms" = "$(skopeo inspect --config oci:target/pid1-init/oci:0.1.0 |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["architecture"])') $other" ] ||
    fail "the two-platform pid1-init lists $platforms"
  ok "one pid1-init image for both CPUs (target/pid1-init-multi): $platforms"
fi
echo "image: $passed passed, 0 failed"
