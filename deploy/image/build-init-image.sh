#!/usr/bin/env bash
# Builds the pid1-init image without a container daemon: an OCI image layout "from scratch" with
# exactly three files: /tini (a static tini), /pid1-probe (the project's static check, built from
# probe/pid1-probe.c) and /busybox (a static busybox, the copier, which stays in this image).
# Its command copies tini and the probe into the pid1-bin volume at /.pid1 (the webhook gives each
# pod a command that copies only what its containers use); it runs as 65532:65532.
# The build is reproducible: the same binaries always give the same manifest digest.
#
# usage: build-init-image.sh [--out DIR] [--tag TAG] [--arch ARCH]
#   --out DIR   where to write DIR/oci (the OCI layout) and, if skopeo is installed,
#               DIR/pid1-init-TAG.tar (an OCI archive); default target/pid1-init (target/pid1-init-ARCH with --arch)
#   --tag TAG   the reference name inside the layout; default 0.1.0
#   --arch ARCH the image for another CPU (arm64 on amd64, amd64 on arm64): tini and busybox from Debian 13's
#               packages of that CPU (deploy/image/debian-sysroot.sh downloads them, nothing is installed), and
#               pid1-probe built by the cross compiler gcc-ARCH-linux-gnu (Debian package gcc-aarch64-linux-gnu or
#               gcc-x86-64-linux-gnu) against that CPU's musl (Debian package musl-dev of that CPU, from the same
#               download). deploy/image/oci_index.py joins it with the build machine's into one image.
# environment: TINI (default /usr/bin/tini-static, Debian package tini) and
#              BUSYBOX (default /bin/busybox, Debian package busybox-static),
#              PROBE (default: built now by probe/build.sh, Debian package musl-tools); without --arch
set -euo pipefail

out=
tag=0.1.0
arch=
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    --arch) arch=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-init-image.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
cpu_of() {
  case "$1" in
    amd64) echo x86_64 ;;
    arm64) echo aarch64 ;;
    *) echo "build-init-image.sh: unsupported --arch $1 (amd64, arm64)" >&2; exit 2 ;;
  esac
}
case "$(uname -m)" in
  x86_64) host=amd64 ;;
  aarch64) host=arm64 ;;
  *) echo "build-init-image.sh: unsupported machine $(uname -m)" >&2; exit 1 ;;
esac
out=${out:-target/pid1-init${arch:+-$arch}}
[ "$arch" != "$host" ] || arch=
cpu=$(cpu_of "${arch:-$host}")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/rootfs"
if [ -z "$arch" ]; then
  tini=${TINI:-/usr/bin/tini-static}
  busybox=${BUSYBOX:-/bin/busybox}
  from="tini-static, /busybox from busybox-static"
  probe=${PROBE:-}
  [ -n "$probe" ] || { probe=$work/pid1-probe; "$here/../../probe/build.sh" "$probe" >/dev/null; }
else
  # The other CPU's programs: Debian's, and the probe built against Debian's musl for that CPU by a cross compiler
  # pointed at it through musl's own gcc specs (its paths moved into the download).
  compiler=$cpu-linux-gnu-gcc
  command -v "$compiler" >/dev/null ||
    { echo "build-init-image.sh: $compiler is missing (apt-get install gcc-${cpu//_/-}-linux-gnu)" >&2; exit 1; }
  sysroot=$work/sysroot
  "$here/debian-sysroot.sh" "$arch" "$sysroot" tini busybox-static musl-dev | sed 's/^/pid1-init: Debian package /'
  tini=$sysroot/usr/bin/tini-static
  busybox=$sysroot/usr/bin/busybox
  from="Debian 13's tini ($arch), /busybox from its busybox-static"
  musl=/usr/lib/$cpu-linux-musl
  sed -e "s|/usr/include/$cpu-linux-musl|$sysroot/usr/include/$cpu-linux-musl|g" -e "s|$musl|$sysroot$musl|g" \
    "$sysroot$musl/musl-gcc.specs" > "$work/musl-gcc.specs"
  printf '#!/bin/sh\nexec %s -specs=%s "$@"\n' "$compiler" "$work/musl-gcc.specs" > "$work/musl-gcc"
  chmod +x "$work/musl-gcc"
  probe=$work/pid1-probe
  MUSL_GCC=$work/musl-gcc "$here/../../probe/build.sh" "$probe" >/dev/null
fi
for binary in "$tini" "$busybox" "$probe"; do
  if [ ! -x "$binary" ]; then
    echo "build-init-image.sh: $binary is missing (TINI, BUSYBOX: Debian packages tini, busybox-static)" >&2
    exit 1
  fi
  machine=$(od -An -tu2 -j18 -N2 "$binary" | tr -d ' ')
  [ "$machine" = "$([ "$cpu" = x86_64 ] && echo 62 || echo 183)" ] ||
    { echo "build-init-image.sh: $binary is not a $cpu program (ELF machine $machine)" >&2; exit 1; }
done
arch=${arch:-$host}
install -m 0755 "$tini" "$work/rootfs/tini"
install -m 0755 "$busybox" "$work/rootfs/busybox"
install -m 0755 "$probe" "$work/rootfs/pid1-probe"

# One layer, three root-owned files, fixed order, owner and time: the same bytes on every build.
tar --create --file="$work/layer.tar" --directory="$work/rootfs" --format=ustar --sort=name \
  --owner=0 --group=0 --numeric-owner --mtime=@0 busybox pid1-probe tini
gzip --no-name --best --stdout "$work/layer.tar" > "$work/layer.tar.gz"

layout=$out/oci
rm -rf "$layout"
mkdir -p "$layout/blobs/sha256"

digest() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }
# Stores a file as a blob and prints its descriptor's "digest" and "size" members.
store() {
  local sum
  sum=$(digest "$1")
  cp "$1" "$layout/blobs/sha256/$sum"
  printf '"digest":"sha256:%s","size":%s' "$sum" "$(size "$1")"
}

diff_id=$(digest "$work/layer.tar")
printf '%s' \
  '{"architecture":"'"$arch"'","os":"linux",' \
  '"config":{"User":"65532:65532","Cmd":["/busybox","cp","/tini","/pid1-probe","/.pid1/"],"WorkingDir":"/",' \
  '"Labels":{"org.opencontainers.image.title":"pid1-init","org.opencontainers.image.version":"'"$tag"'"}},' \
  '"rootfs":{"type":"layers","diff_ids":["sha256:'"$diff_id"'"]},' \
  '"history":[{"created_by":"deploy/image/build-init-image.sh: /tini from '"$from"', /pid1-probe from probe/pid1-probe.c"}]}' \
  > "$work/config.json"

printf '%s' \
  '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",' \
  '"config":{"mediaType":"application/vnd.oci.image.config.v1+json",'"$(store "$work/config.json")"'},' \
  '"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip",'"$(store "$work/layer.tar.gz")"'}]}' \
  > "$work/manifest.json"

printf '%s' \
  '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[' \
  '{"mediaType":"application/vnd.oci.image.manifest.v1+json",'"$(store "$work/manifest.json")"',' \
  '"platform":{"architecture":"'"$arch"'","os":"linux"},' \
  '"annotations":{"org.opencontainers.image.ref.name":"'"$tag"'"}}]}' \
  > "$layout/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"

echo "pid1-init: OCI layout $layout:$tag, manifest sha256:$(digest "$work/manifest.json")"
if command -v skopeo >/dev/null; then
  archive=$out/pid1-init-$tag.tar
  rm -f "$archive"
  skopeo copy --quiet "oci:$layout:$tag" "oci-archive:$archive:$tag"
  echo "pid1-init: OCI archive $archive"
fi
