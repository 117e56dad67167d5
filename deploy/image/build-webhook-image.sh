#!/usr/bin/env bash
# Builds the pid1-injector image without a container daemon and without pulling a base image: a jlinked Java
# runtime holding only the modules the app needs, the C runtime files that runtime loads (found with ldd, copied
# from this machine's Debian packages), /etc/passwd and /etc/group naming 65532, and the Quarkus app
# in Quarkus's aot-jar packaging (target/quarkus-aot, made here from `mvn package`'s build). A CDS archive of the
# app's classes, dumped by the image's own runtime in its own files (chrooted) from the class list of a training
# run (one review, SIGTERM), is used by the image's command: on Java 25 the same bytes on every build, its classes
# linked ahead of time (see below), on 17 a dynamic archive. jib-core packs the layers (see
# deploy/image/jib/WebhookImage.java). Shell-less; runs as 65532:65532; the entrypoint is java -jar, the default
# argument `serve` (`shim` starts the sidecar from the same image; the pid1-shim sidecar runs
# `/opt/java/bin/java @/app/pid1-shim.args shim`, written below).
#
# usage: build-webhook-image.sh [--out DIR] [--tag TAG] [--train] [--arch ARCH]
#   --out DIR   where to write DIR/oci (the OCI layout) and DIR/pid1-injector-TAG.tar (an OCI archive);
#               default target/pid1-injector
#   --tag TAG   the reference name inside the layout; default 0.1.0
#   --train     Java 25: run the training run first and write its class list to deploy/image/webhook.classlist
#               (commit it); else the committed list is used
#   --arch ARCH the image's CPU (amd64, arm64), default the build machine's; another CPU's image is linked from Debian
#               13's openjdk-25 and C runtime packages of that CPU and its CDS archive dumped under qemu-user-static
#               (deploy/image/foreign-arch.sh, debian-sysroot.sh); JDK must then be a Java 25 JDK
# environment: JDK (the JDK whose jlink makes the runtime; default /usr/lib/jvm/temurin-25-jdk-ARCH if present,
#              else /usr/lib/jvm/java-17-openjdk-ARCH, Debian package openjdk-17-jdk-headless). Needs skopeo, curl,
#              python3, util-linux (unshare), maven, and on Java 25 libfaketime; the chrooted runs need root, or
#              unprivileged user namespaces.
#              COMPACT_HEADERS=0: Java 25 without compact object headers (default 1: with them).
set -euo pipefail

out=target/pid1-injector
tag=0.1.0
train=0
platform=
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    --train) train=1; shift ;;
    --arch) platform=$2; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-webhook-image.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
root=$(cd "$(dirname "$0")/../.." && pwd)
case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  *) echo "build-webhook-image.sh: unsupported machine $(uname -m)" >&2; exit 1 ;;
esac
platform=${platform:-$arch}
[ "$train" = 0 ] || [ "$platform" = "$arch" ] ||
  { echo "build-webhook-image.sh: --train runs on the build machine's CPU only" >&2; exit 2; }
jdk=${JDK:-/usr/lib/jvm/temurin-25-jdk-$arch}
[ -n "${JDK:-}" ] || [ -x "$jdk/bin/jlink" ] || jdk=/usr/lib/jvm/java-17-openjdk-$arch
classlist=$root/deploy/image/webhook.classlist
fast=$root/target/quarkus-app/quarkus-run.jar
[ -f "$fast" ] || { echo "build-webhook-image.sh: $fast is missing (mvn package)" >&2; exit 1; }
# The app as Quarkus's aot-jar packaging lays it out: the same classes, loaded by the JDK's own class loaders, not
# by Quarkus's, so that the archive below can hold them linked (JEP 483 links only the JDK's loaders' classes).
# Made again whenever `mvn package` made a newer quarkus-app. bench/README.md, "The image", has what it bought.
app=$root/target/quarkus-aot
if [ ! "$app/quarkus-run.jar" -nt "$fast" ]; then
  (cd "$root" && mvn -B -ntp -q -Dstyle.color=never quarkus:build -Dquarkus.package.jar.type=aot-jar \
    -Dquarkus.package.output-directory=quarkus-aot) >/dev/null
fi
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

# ldd and dpkg -S find the C runtime files and their packages on this machine; foreign-arch.sh replaces them (and the
# runtime's jmods, and the java command in the chroot) for another CPU.
list_libs() { xargs ldd 2>/dev/null || true; }
lib_package() { { dpkg -S "$1" || dpkg -S "$(readlink -f "$1")" || true; } 2>/dev/null | head -1 | cut -d: -f1; }
sysroot=
emulator=
link_options=(--strip-debug)
if [ "$platform" != "$arch" ]; then
  . "$root/deploy/image/foreign-arch.sh"
  foreign_prepare "$platform" "$work"
fi

# The modules jdeps finds in the app's jars (java.desktop and java.compiler, used only by code the webhook never
# runs, left out), jdk.crypto.ec for the EC keys and TLS key exchange, jdk.zipfs for the jar: scheme SmallRye
# Config reads with. Java 17's dynamic archive is a layer on a base CDS archive, made here; Java 25's static one
# holds the JDK's classes too.
cds=()
grep -q '^JAVA_VERSION="\(1[7-9]\|2[0-4]\)' "$jdk/release" && cds=(--generate-cds-archive)
"$jdk/bin/jlink" --add-modules java.base,java.logging,java.naming,java.management,java.net.http,java.sql,\
jdk.management,jdk.unsupported,jdk.crypto.ec,jdk.zipfs \
  "${link_options[@]}" --no-header-files --no-man-pages "${cds[@]}" --output "$work/java" >/dev/null
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
  | list_libs \
  | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*ld-linux/ {print $1}' | grep -v "^$rootfs" | sort -u)
for lib in $libs; do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$sysroot$lib" "$rootfs$lib"
  package=$(lib_package "$lib")
  if [ -n "$package" ] && [ -f "$sysroot/usr/share/doc/$package/copyright" ]; then
    mkdir -p "$rootfs/usr/share/doc/$package"
    cp "$sysroot/usr/share/doc/$package/copyright" "$rootfs/usr/share/doc/$package/"
  fi
done
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/nonexistent:/sbin/nologin\n' \
  > "$rootfs/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$rootfs/etc/group"
cp -rL "$app/." "$rootfs/app/"
# The pid1-shim sidecar's java argument file (core/ShimFix names it in the sidecar's command): the jars the shim
# loads on a plain class path and its main class, so it skips the webhook's entrypoint (Quarkus' class loader, the
# webhook's CDS archive). Written here because the jars' names carry their versions.
shim_cp=
for jar in app/pid1-injector lib/main/info.picocli.picocli; do
  found=("$app/$jar"-[0-9]*.jar)
  [ ${#found[@]} = 1 ] && [ -f "${found[0]}" ] ||
    { echo "build-webhook-image.sh: not one $jar jar in $app" >&2; exit 1; }
  shim_cp=$shim_cp${shim_cp:+:}/app/${found[0]#"$app/"}
done
# Native access: the shim signals through the C library's kill (shim/LibcKill).
printf -- '--enable-native-access=ALL-UNNAMED\n-cp %s\nio.pid1.injector.cli.Main\n' "$shim_cp" \
  > "$rootfs/app/pid1-shim.args"

# Jib writes every file with the time 1970-01-01T00:00:01Z; the training run must see the same times, as the
# archive records the times of the jars it was made from and the JVM ignores it when they differ.
chmod -R u=rwX,go=rX "$rootfs"
chmod 1777 "$rootfs/tmp"
find "$rootfs" -exec touch -h -d @1 {} +

# Java 25 and later: a static CDS archive dumped from the class list deploy/image/webhook.classlist, the same bytes
# from the same list and files (see below). Java 17 to 24: the dynamic AppCDS archive of a training run, different
# on every build.
if grep -q '^JAVA_VERSION="\(1[7-9]\|2[0-4]\)' "$work/java/release"; then
  static=0; train_option=-XX:ArchiveClassesAtExit=/tmp/app.jsa
else
  static=1; train_option=-XX:DumpLoadedClassList=/tmp/classes.lst
  if [ -z "$emulator" ]; then
    faketime=$(dpkg -L libfaketime 2>/dev/null | grep '/libfaketime\.so\.1$' || true)
    [ -n "$faketime" ] || { echo "build-webhook-image.sh: libfaketime is missing (Debian package libfaketime)" >&2; exit 1; }
  fi
  [ "$train" = 1 ] || [ -s "$classlist" ] || { echo "build-webhook-image.sh: no $classlist (--train)" >&2; exit 1; }
fi
java_opts=$(awk '/name: JAVA_TOOL_OPTIONS/ {getline; sub(/^ *value: /, ""); print; exit}' \
  "$root/deploy/base/deployment.yaml")
tmp=$work/tmp
mkdir -m 1777 "$tmp"
[ -z "$emulator" ] || install -m 0755 "$qemu" "$tmp/${emulator#/tmp/}"
if [ "$(id -u)" = 0 ]; then
  ns=(unshare --mount); user=65532:65532
else
  ns=(unshare -r --mount); user=
fi
# Runs the image's java with the arguments after --, chrooted into the image's files, as 65532, its /tmp the
# directory $tmp here, its environment the variables before -- (env -i: nothing of this machine's). It execs, so that
# the JVM has the caller's PID for signals: call it in a subshell or in the background.
in_image() {
  local vars=(PATH=/usr/sbin:/usr/bin:/sbin:/bin IMAGE_USER=$user "JAVA=$emulator /opt/java/bin/java")
  while [ "$1" != -- ]; do vars+=("$1"); shift; done
  shift
  exec env -i "${vars[@]}" "${ns[@]}" sh -c 'mount --make-rprivate / && mount -t proc proc "$1/proc" &&
    mount --bind "$2" "$1/tmp" && root=$1 && shift 2 &&
    exec chroot ${IMAGE_USER:+--userspec=$IMAGE_USER} "$root" $JAVA "$@"' sh "$rootfs" "$tmp" "$@"
}

# java.security names only the providers this runtime holds, in their order. One it names but lacks is looked for
# with ServiceLoader on the class path whenever a lookup gets that far (Netty's TLS probe does at every start),
# which found BouncyCastle's provider and loaded 1,300 classes the webhook does not use.
present=$( (in_image -- -XshowSettings:security:providers -version) 2>&1 | awk '/Provider name:/ {print $3}')
[ -n "$present" ] || { echo "build-webhook-image.sh: the runtime named no security provider" >&2; exit 1; }
security=$rootfs/opt/java/conf/security/java.security
awk -v present="$present" 'BEGIN { n = split(present, name, "\n") }
  /^security\.provider\.[0-9]+=/ {
    if (!done) for (i = 1; i <= n; i++) print "security.provider." i "=" name[i]
    done = 1; next
  }
  { print }' "$security" >"$work/java.security"
cat "$work/java.security" >"$security"
touch -d @1 "$security"

# The training run: the Deployment's JVM options, one review, then SIGTERM; the JVM writes the archive or the class
# list as it exits. It starts with the TLS files of a start before it, as a Deployment starts with its Secret's:
# the classes that make a CA (BouncyCastle's) stay out of the archive, which loads every class it links at start.
if [ $static = 0 ] || [ "$train" = 1 ]; then
  free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
  port=$(free_port)
  mport=$(free_port)
  review=$root/examples/review-gunicorn.json
  train() { # JVM-OPTION...: one start as described, its output in $work/train.log
    in_image JAVA_TOOL_OPTIONS="$java_opts" MALLOC_ARENA_MAX=2 PID1_TLS_DIR=/tmp/pid1-tls PID1_WEBHOOK_PORT="$port" \
      PID1_MANAGEMENT_PORT="$mport" PID1_LISTEN_HOST=127.0.0.1 -- "$@" -jar /app/quarkus-run.jar serve \
      >"$work/train.log" 2>&1 &
    train_pid=$!
    local answered=0
    for _ in $(seq 1 600); do
      if [ -f "$tmp/pid1-tls/ca.crt" ] && curl -sf -o /dev/null --max-time 2 --cacert "$tmp/pid1-tls/ca.crt" \
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
  }
  train -Xshare:off
  train "$train_option"
  output=$tmp/app.jsa
  [ $static = 1 ] && output=$tmp/classes.lst
  if [ ! -s "$output" ]; then
    echo "build-webhook-image.sh: the training run wrote no $(basename "$output"):" >&2
    cat "$work/train.log" >&2
    exit 1
  fi
  [ $static = 0 ] || python3 "$root/deploy/image/classlist.py" "$output" "$classlist"
fi

# The static dump: the list in one order (classlist.py) and a fixed heap (as the JDK's own DeterministicDump test
# dumps) make the archive the same bytes every time; the threads of a training run race, so its list is a build
# input, refreshed with --train. The archive holds the JDK's classes too, so the runtime needs no base archive.
# -XX:+AOTClassLinking (JEP 483) stores the classes linked and their lambdas resolved; it also archives the
# lambda forms' caches, whose SoftReferences carry the JVM's clock, so the dump runs with libfaketime's clock
# stopped (the archive differed in 548 bytes between two dumps without it, in none with it); its file times stay
# true, as the archive records the jars' times.
# Compact object headers (JEP 519: 8 bytes less per object) must be the same at dump and at run time, so the image's
# command names them next to the archive; COMPACT_HEADERS=0 builds without them (bench/README.md compares).
cache_option=-XX:SharedArchiveFile=/app/app.jsa
if [ $static = 1 ]; then
  headers=-XX:+UseCompactObjectHeaders
  [ "${COMPACT_HEADERS:-1}" = 1 ] || headers=-XX:-UseCompactObjectHeaders
  cache_option="$cache_option $headers"
  install -m 0644 "$classlist" "$tmp/classes.lst"
  # Under qemu (another CPU's image) the linked dump took 6.5 minutes and 12 of CPU, the unlinked one 2.5 of CPU:
  # that image's archive is not linked (the app's classes still come from it) and needs no stopped clock.
  clock=()
  link=-XX:-AOTClassLinking
  if [ -z "$emulator" ]; then
    install -m 0644 "$faketime" "$tmp/libfaketime.so.1"
    clock=(LD_PRELOAD=/tmp/libfaketime.so.1 "FAKETIME=2000-01-01 00:00:00" NO_FAKE_STAT=1)
    link=-XX:+AOTClassLinking
  fi
  (in_image "${clock[@]}" -- -Xmx128m -Xms128m -Xmn120m "$headers" "$link" -Xshare:dump \
    -XX:SharedClassListFile=/tmp/classes.lst -XX:SharedArchiveFile=/tmp/app.jsa -cp /app/quarkus-run.jar) \
    >"$work/dump.log" 2>&1 ||
    { cat "$work/dump.log" >&2; exit 1; }
  missing=$(grep -c 'Preload Warning: Cannot find' "$work/dump.log" || true)
  classes=$(grep -vc '^@' "$classlist")
  echo "pid1-injector: $missing of the $classes classes of $(basename "$classlist") not found (--train refreshes it)"
fi
install -m 0644 "$tmp/app.jsa" "$rootfs/app/app.jsa"
touch -d @1 "$rootfs/app/app.jsa"

(cd "$root/deploy/image/jib" &&
  mvn -B -ntp -q -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile="$work/jib.cp" >/dev/null)
mkdir -p "$out"
archive=$out/pid1-injector-$tag.tar
rm -f "$archive"
"$jdk/bin/java" -cp "$(cat "$work/jib.cp")" "$root/deploy/image/jib/WebhookImage.java" \
  "$rootfs" "$archive" "pid1-injector:$tag" "$platform" "$cache_option"
layout=$out/oci
rm -rf "$layout"
skopeo copy --quiet "oci-archive:$archive" "oci:$layout:$tag"
manifest=$(skopeo inspect --raw "oci:$layout:$tag" | sha256sum | cut -d' ' -f1)
echo "pid1-injector: OCI layout $layout:$tag, manifest sha256:$manifest"
echo "pid1-injector: OCI archive $archive"
