#!/usr/bin/env bash
# Builds the pid1-injector image without a container daemon and without pulling a base image: a jlinked Java
# runtime holding only the modules the app needs, the C runtime files that runtime loads (found with ldd, copied
# from this machine's Debian packages), /etc/passwd and /etc/group naming 65532, and the Quarkus app
# (target/quarkus-app, from `mvn package`). An AppCDS archive is made by a training run of the image's own files
# (chrooted, one review, SIGTERM) and used by the image's command. jib-core packs the layers (see
# deploy/image/jib/WebhookImage.java). Shell-less; runs as 65532:65532; the entrypoint is java -jar, the default
# argument `serve` (`shim` starts the sidecar from the same image).
#
# usage: build-webhook-image.sh [--out DIR] [--tag TAG]
#   --out DIR   where to write DIR/oci (the OCI layout) and DIR/pid1-injector-TAG.tar (an OCI archive);
#               default target/pid1-injector
#   --tag TAG   the reference name inside the layout; default 0.1.0
# environment: JDK (the JDK whose jlink and jmods make the runtime; default /usr/lib/jvm/java-17-openjdk-amd64
#              or -arm64, Debian package openjdk-17-jdk-headless). Needs skopeo, curl, util-linux (unshare);
#              the training run needs root, or unprivileged user namespaces.
set -euo pipefail

out=target/pid1-injector
tag=0.1.0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-webhook-image.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
root=$(cd "$(dirname "$0")/../.." && pwd)
case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  *) echo "build-webhook-image.sh: unsupported machine $(uname -m)" >&2; exit 1 ;;
esac
jdk=${JDK:-/usr/lib/jvm/java-17-openjdk-$arch}
app=$root/target/quarkus-app
[ -f "$app/quarkus-run.jar" ] || { echo "build-webhook-image.sh: $app is missing (mvn package)" >&2; exit 1; }
[ -x "$jdk/bin/jlink" ] || { echo "build-webhook-image.sh: no jlink in $jdk (set JDK)" >&2; exit 1; }
for tool in skopeo curl unshare; do
  command -v $tool >/dev/null || { echo "build-webhook-image.sh: $tool is missing" >&2; exit 1; }
done

work=$(mktemp -d)
train_pid=
cleanup() {
  [ -z "$train_pid" ] || kill -9 "$train_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
rootfs=$work/rootfs
mkdir -p "$rootfs"/{etc,tmp,proc,app}

# The modules jdeps finds in the app's jars (java.desktop and java.compiler, used only by code the webhook never
# runs, left out), jdk.crypto.ec for the EC keys and TLS key exchange, jdk.zipfs for the jar: scheme SmallRye
# Config reads with. The base CDS archive is made here too:
# the app's archive is a layer on top of it.
"$jdk/bin/jlink" --add-modules java.base,java.logging,java.naming,java.management,java.net.http,java.sql,\
jdk.management,jdk.unsupported,jdk.crypto.ec,jdk.httpserver,jdk.zipfs \
  --strip-debug --no-header-files --no-man-pages --generate-cds-archive --output "$work/java" >/dev/null
# Only compressed oops are used (the heap is far below 32 GiB): the archive for the other mode is dead weight.
rm -f "$work/java/lib/server/classes_nocoops.jsa"
mkdir -p "$rootfs/opt"
cp -rL "$work/java" "$rootfs/opt/java"

# The C runtime: every library that the runtime's executables and libraries and the native libraries in the app's
# jars (Netty's epoll and BoringSSL, unpacked to /tmp when used) load, and the loader, at the paths ldd names; their
# copyright files come along. (ldd fails on the other platforms' libraries in the jars.)
mkdir "$work/native"
for jar in "$app"/lib/main/*.jar; do
  unzip -q -o "$jar" 'META-INF/native/*.so' -d "$work/native" 2>/dev/null || true
done
libs=$({ find "$rootfs/opt/java" -name '*.so' -o -path '*/bin/*' -type f; find "$work/native" -name '*.so'; } \
  | { xargs ldd 2>/dev/null || true; } \
  | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*ld-linux/ {print $1}' | grep -v "^$rootfs" | sort -u)
for lib in $libs; do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
  package=$({ dpkg -S "$lib" || dpkg -S "$(readlink -f "$lib")" || true; } 2>/dev/null | head -1 | cut -d: -f1)
  if [ -n "$package" ] && [ -f "/usr/share/doc/$package/copyright" ]; then
    mkdir -p "$rootfs/usr/share/doc/$package"
    cp "/usr/share/doc/$package/copyright" "$rootfs/usr/share/doc/$package/"
  fi
done
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/nonexistent:/sbin/nologin\n' \
  > "$rootfs/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$rootfs/etc/group"
cp -rL "$app/." "$rootfs/app/"

# Jib writes every file with the time 1970-01-01T00:00:01Z; the training run must see the same times, as the
# archive records the times of the jars it was made from and the JVM ignores it when they differ.
chmod -R u=rwX,go=rX "$rootfs"
chmod 1777 "$rootfs/tmp"
find "$rootfs" -exec touch -h -d @1 {} +

# From JDK 25 on, the AOT cache (JEP 483, 514: classes loaded and linked) replaces the AppCDS archive.
if grep -q '^JAVA_VERSION="\(1[7-9]\|2[0-4]\)' "$work/java/release"; then
  cache=app.jsa; train_option=-XX:ArchiveClassesAtExit=/tmp/$cache; cache_option=-XX:SharedArchiveFile=/app/$cache
else
  cache=app.aot; train_option=-XX:AOTCacheOutput=/tmp/$cache; cache_option=-XX:AOTCache=/app/$cache
fi
# The training run: the image's own runtime and files, chrooted, its /tmp a directory here, the Deployment's JVM
# options; one review, then SIGTERM, and the JVM writes the archive as it exits.
train=$work/train
mkdir -m 1777 "$train"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
mport=$(free_port)
java_opts=$(awk '/name: JAVA_TOOL_OPTIONS/ {getline; sub(/^ *value: /, ""); print; exit}' \
  "$root/deploy/base/deployment.yaml")
if [ "$(id -u)" = 0 ]; then
  ns=(unshare --mount); user=(--userspec=65532:65532)
else
  ns=(unshare -r --mount); user=()
fi
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin JAVA_TOOL_OPTIONS="$java_opts" MALLOC_ARENA_MAX=2 PID1_TLS_DIR=/tmp/pid1-tls \
  PID1_WEBHOOK_PORT="$port" PID1_MANAGEMENT_PORT="$mport" PID1_LISTEN_HOST=127.0.0.1 \
  "${ns[@]}" sh -c 'mount --make-rprivate / && mount -t proc proc "$1/proc" && mount --bind "$2" "$1/tmp" &&
    exec chroot ${3:+"$3"} "$1" /opt/java/bin/java "$4" \
      -jar /app/quarkus-run.jar serve' \
  sh "$rootfs" "$train" "${user[@]:-}" "$train_option" >"$work/train.log" 2>&1 &
train_pid=$!
review=$root/examples/review-gunicorn.json
answered=0
for _ in $(seq 1 600); do
  if [ -f "$train/pid1-tls/ca.crt" ] && curl -sf -o /dev/null --max-time 2 --cacert "$train/pid1-tls/ca.crt" \
      -H 'Content-Type: application/json' --data-binary @"$review" "https://127.0.0.1:$port/mutate"; then
    answered=1
    break
  fi
  kill -0 "$train_pid" 2>/dev/null || break
  sleep 0.1
done
if [ $answered = 0 ]; then
  echo "build-webhook-image.sh: the training run did not answer a review:" >&2
  cat "$work/train.log" >&2
  exit 1
fi
curl -sf -o /dev/null "http://127.0.0.1:$mport/q/health/ready" || true
kill -TERM "$train_pid"
wait "$train_pid" || true
train_pid=
if [ ! -s "$train/$cache" ]; then
  echo "build-webhook-image.sh: the training run wrote no archive:" >&2
  cat "$work/train.log" >&2
  exit 1
fi
install -m 0644 "$train/$cache" "$rootfs/app/$cache"
touch -d @1 "$rootfs/app/$cache"

(cd "$root/deploy/image/jib" &&
  mvn -B -ntp -q -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile="$work/jib.cp" >/dev/null)
mkdir -p "$out"
archive=$out/pid1-injector-$tag.tar
rm -f "$archive"
"$jdk/bin/java" -cp "$(cat "$work/jib.cp")" "$root/deploy/image/jib/WebhookImage.java" \
  "$rootfs" "$archive" "pid1-injector:$tag" "$arch" "$cache_option"
layout=$out/oci
rm -rf "$layout"
skopeo copy --quiet "oci-archive:$archive" "oci:$layout:$tag"
manifest=$(skopeo inspect --raw "oci:$layout:$tag" | sha256sum | cut -d' ' -f1)
echo "pid1-injector: OCI layout $layout:$tag, manifest sha256:$manifest"
echo "pid1-injector: OCI archive $archive"
