# Sourced by build-webhook-image.sh when --arch names a CPU other than the build machine's (arm64 on amd64): the
# runtime is linked by this machine's jlink from Debian 13's jmods of that CPU (debian-sysroot.sh), the C runtime
# files come from Debian 13's packages of that CPU, and the image's java runs under Debian's qemu-user-static, called
# by its path (no binfmt_misc needed), chrooted into the image's files as on the build machine's CPU.
#
# Sets link_options (jlink's), emulator (the path of qemu inside the chroot); defines list_libs and lib_package,
# which replace ldd and dpkg -S for the other CPU's files.

# foreign_prepare ARCH WORK: unpacks Debian's packages for ARCH in WORK/sysroot and checks the tools.
foreign_prepare() {
  local cpu
  case "$1" in
    arm64) cpu=aarch64 ;;
    amd64) cpu=x86_64 ;;
    *) echo "build-webhook-image.sh: unsupported --arch $1" >&2; exit 2 ;;
  esac
  sysroot=$2/sysroot
  qemu=$(command -v "qemu-$cpu-static" || true)
  [ -n "$qemu" ] || { echo "build-webhook-image.sh: qemu-$cpu-static is missing (qemu-user-static)" >&2; exit 1; }
  command -v readelf >/dev/null || { echo "build-webhook-image.sh: readelf is missing (binutils)" >&2; exit 1; }
  "$root/deploy/image/debian-sysroot.sh" "$1" "$sysroot" | sed 's/^/pid1-injector: Debian package /'
  target_jdk=$sysroot/usr/lib/jvm/java-25-openjdk-$1
  # The host's objcopy cannot strip the other CPU's libraries (Debian ships them without debug info anyway).
  link_options=(--module-path "$target_jdk/jmods" --strip-java-debug-attributes)
  libdir=/usr/lib/$cpu-linux-gnu
  loader=$(find "$sysroot$libdir" -maxdepth 1 -name "ld-linux-*.so.*" | head -1)
  # The loader's path in the programs, where the image must have it (the image has no merged /usr).
  interpreter=$(readelf -l "$target_jdk/bin/java" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
  emulator=/tmp/$(basename "$qemu")
}

# list_libs: the libraries that the files named on stdin load, in ldd's format, at their paths in the image; the
# other CPU's loader lists them (--list), run by qemu (files of other CPUs are skipped, as ldd skips them).
list_libs() {
  local file
  while read -r file; do
    "$qemu" "$loader" --library-path "$sysroot$libdir:$rootfs/opt/java/lib:$rootfs/opt/java/lib/server" \
      --list "$file" 2>/dev/null || true
  done | sed -e "s| => $sysroot/| => /|" -e "s|^\t$sysroot[^ ]*ld-linux[^ ]*|\t$interpreter|"
}

# lib_package PATH: the Debian package whose files hold PATH (a path in the image, found in the sysroot).
lib_package() {
  local real
  real=$(readlink -f "$sysroot$1")
  grep -lx "${real#"$sysroot"}" "$sysroot"/.packages/*.list | head -1 | xargs -r basename | sed 's/\.list$//'
}
