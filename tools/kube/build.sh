#!/bin/bash
# Builds etcd, kube-apiserver, kube-controller-manager and kubectl from the modules pinned in go.mod
# and links tools/kube/bin to them. The binaries live outside the repository, in a directory named
# after the hash of go.mod and go.sum, so every clone on a machine shares one build and a second run
# costs a second. Usage:
#   tools/kube/build.sh                 build what is missing, print the binary directory
#   tools/kube/build.sh replaces 1.34.4 print the replace block for another Kubernetes version
# Environment: PID1_KUBE_CACHE (default /var/cache/pid1-injector/kube), PID1_KUBE_JOBS (default 2).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

if [ "${1:-}" = replaces ]; then
  v=${2:?usage: build.sh replaces 1.X.Y}
  gomod=$(go mod download -json "k8s.io/kubernetes@v$v" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  echo "replace ("
  grep -E '=> \./staging/src/' "$gomod" | awk -v tag="v0.${v#1.}" '{print "\t" $1 " => " $1 " " tag}'
  echo ")"
  exit 0
fi

version=$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v1\./ {print $2}' go.mod)
minor=$(echo "$version" | cut -d. -f2)
hash=$(cat go.mod go.sum | sha256sum | cut -c1-16)
out=${PID1_KUBE_CACHE:-/var/cache/pid1-injector/kube}/$version-$hash
mkdir -p "$out"
# Two clones building at once would each spend half an hour of both cores: the second one waits.
exec 9>"$out/.lock"
flock 9

export CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:-} -mod=readonly -trimpath -p=${PID1_KUBE_JOBS:-2}"
# The same flags as upstream's hack/lib/golang.sh; the -X values make `kubectl version` report the release.
vflags="-X k8s.io/component-base/version.gitVersion=$version -X k8s.io/component-base/version.gitMajor=1"
vflags="$vflags -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
vflags="$vflags -X k8s.io/client-go/pkg/version.gitVersion=$version"

build() { # name package [go build flags...]
  local name=$1 pkg=$2
  shift 2
  [ -x "$out/$name" ] && return 0
  local start=$SECONDS
  echo "tools/kube: building $name ($pkg)" >&2
  nice -n 10 go build "$@" -o "$out/.$name.tmp" "$pkg"
  mv "$out/.$name.tmp" "$out/$name"
  echo "tools/kube: $name built in $((SECONDS - start)) s" >&2
}

build etcd go.etcd.io/etcd/server/v3 -ldflags "-s -w"
for cmd in kube-apiserver kube-controller-manager kubectl; do
  build "$cmd" "k8s.io/kubernetes/cmd/$cmd" -tags=selinux,notest -ldflags "-s -w $vflags"
done

ln -sfn "$out" "$here/bin"
echo "$out"
