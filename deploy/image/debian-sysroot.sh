#!/usr/bin/env bash
# Unpacks Debian 13's packages for another CPU, without installing them: what build-webhook-image.sh --arch needs to
# make an image for a platform other than the build machine's. openjdk-25-jdk-headless brings the jmods that this
# machine's jlink (Java 25 too: jlink links only jmods of its own feature version) links the runtime from; libc6,
# libgcc-s1, libstdc++6 and zlib1g the C runtime files that runtime loads (Debian 13's: its openjdk-25 needs glibc
# 2.38), gcc-14-base the copyright file of the two from gcc. A private apt configuration of its own (the architecture,
# the suites trixie and trixie-security, at the Debian mirror this machine's apt uses) reads the signed package
# lists; the packages apt downloads are checked against them and kept by their SHA-256 in the cache, so a second
# build downloads nothing but changed lists.
#
# usage: debian-sysroot.sh ARCH DIR [PACKAGE...]   (ARCH a Debian architecture: arm64, amd64, ...; DIR is created;
#        the packages default to the Java runtime's above; build-init-image.sh --arch asks for tini, busybox-static
#        and musl-dev)
# environment: PID1_IMAGE_CACHE (default ~/.cache/pid1-injector-image): the apt lists and the packages;
#              DEBIAN_MIRROR (default: the Debian mirror of this machine's apt sources).
# Prints one line per package: name, version, SHA-256. DIR/.packages/NAME.list names the files of each package (as
# dpkg -S would find them); DIR/lib and DIR/lib64 link to usr/lib and usr/lib64, as on a Debian 13 system (merged
# /usr).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: debian-sysroot.sh ARCH DIR [PACKAGE...]" >&2; exit 2; }
arch=$1
sysroot=$2
shift 2
packages=("$@")
[ $# -gt 0 ] || packages=(openjdk-25-jdk-headless openjdk-25-jre-headless libc6 libgcc-s1 libstdc++6 gcc-14-base zlib1g)
cache=${PID1_IMAGE_CACHE:-$HOME/.cache/pid1-injector-image}
mirror=${DEBIAN_MIRROR:-$(apt-get indextargets --format '$(REPO_URI)' | grep -m1 '/debian/$' || true)}
[ -n "$mirror" ] || { echo "debian-sysroot.sh: no Debian mirror in the apt sources (set DEBIAN_MIRROR)" >&2; exit 1; }
mirror=${mirror%/}

apt=$cache/apt-$arch
mkdir -p "$apt"/etc/apt/{apt.conf.d,preferences.d,sources.list.d} "$apt"/lists/partial "$apt"/archives/partial \
  "$cache/debs"
touch "$apt/status"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat > "$apt/etc/apt/sources.list" <<EOF
deb [arch=$arch signed-by=$keyring] $mirror trixie main
deb [arch=$arch signed-by=$keyring] $mirror-security trixie-security main
EOF
cat > "$apt/apt.conf" <<EOF
Dir "$apt/";
Dir::State::lists "$apt/lists/";
Dir::State::status "$apt/status";
Dir::Cache "$apt/";
Dir::Cache::archives "$apt/archives/";
APT::Architectures { "$arch"; };
Acquire::Languages "none";
APT::Sandbox::User "root";
EOF
export APT_CONFIG=$apt/apt.conf
apt-get update -qq >/dev/null

rm -rf "$sysroot"
mkdir -p "$sysroot/.packages"
ln -s usr/lib "$sysroot/lib"
ln -s usr/lib64 "$sysroot/lib64"
for package in "${packages[@]}"; do
  fields=$(apt-cache show --no-all-versions "$package:$arch")
  version=$(sed -n 's/^Version: //p' <<<"$fields")
  sha256=$(sed -n 's/^SHA256: //p' <<<"$fields")
  deb=$cache/debs/$sha256.deb
  if [ ! -s "$deb" ]; then
    download=$(mktemp -d)
    (cd "$download" && apt-get download -qq "$package:$arch=$version" >/dev/null)
    echo "$sha256  $(echo "$download"/*.deb)" | sha256sum -c --quiet - >/dev/null ||
      { echo "debian-sysroot.sh: $package $version does not match its SHA-256" >&2; exit 1; }
    mv "$download"/*.deb "$deb"
    rm -rf "$download"
  fi
  dpkg-deb -x "$deb" "$sysroot"
  dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -n 's|^\./|/|p' > "$sysroot/.packages/$package.list"
  echo "$package $version $sha256"
done
