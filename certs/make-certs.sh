#!/usr/bin/env bash
# Makes the webhook's TLS material for a plain cluster, offline: a new CA and serving certificate
# (`pid1-injector certs`), the Secret pid1-injector-tls, and the caBundle for the
# MutatingWebhookConfiguration, plus a kustomization that installs all of it:
#
#   certs/make-certs.sh [--overlay deploy/overlays/cluster-wide] && kubectl apply -k certs/out
#
# usage: make-certs.sh [--overlay DIR] [--out DIR] [--days N] [--also-trust CA_FILE]
#   --overlay DIR        the Kustomize base or overlay to install (default deploy/base)
#   --out DIR            output directory (default certs/out); holds a private key: keep it private
#   --days N             validity of the serving certificate (default 365)
#   --also-trust FILE    PEM CA(s) kept in the caBundle next to the new CA, for a rotation
#                        without failed calls (see certs/README.md)
# environment: PID1_INJECTOR, the pid1-injector command (default: java -jar
#              target/quarkus-app/quarkus-run.jar, built with `mvn package`)
set -euo pipefail

service=pid1-injector
namespace=pid1-system
secret=pid1-injector-tls
overlay=deploy/base
out=certs/out
days=365
also_trust=
while [ $# -gt 0 ]; do
  case "$1" in
    --overlay) overlay=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --days) days=$2; shift 2 ;;
    --also-trust) also_trust=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "make-certs.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ ! -f "$overlay/kustomization.yaml" ]; then
  echo "make-certs.sh: $overlay has no kustomization.yaml" >&2
  exit 2
fi
if [ -n "$also_trust" ] && [ ! -f "$also_trust" ]; then
  echo "make-certs.sh: $also_trust does not exist" >&2
  exit 2
fi

if [ -n "${PID1_INJECTOR:-}" ]; then
  injector=("$PID1_INJECTOR")
elif [ -f target/quarkus-app/quarkus-run.jar ]; then
  injector=(java -jar target/quarkus-app/quarkus-run.jar)
else
  echo "make-certs.sh: run it from the project directory after mvn package, or set PID1_INJECTOR" >&2
  exit 2
fi

mkdir -p "$out"
chmod 0700 "$out"
if [ -n "$also_trust" ]; then
  # Read it now: it may be the ca.crt that is about to be replaced.
  previous_ca=$(cat "$also_trust")
fi
"${injector[@]}" certs --service "$service" --namespace "$namespace" --out "$out" --days "$days" >/dev/null

kubectl create secret tls "$secret" --namespace "$namespace" \
  --cert "$out/tls.crt" --key "$out/tls.key" --dry-run=client -o yaml > "$out/secret.yaml"

bundle() { base64 -w0; }
ca_bundle=$(bundle < "$out/ca.crt")
if [ -n "$also_trust" ]; then
  ca_bundle=$( { cat "$out/ca.crt"; printf '%s\n' "$previous_ca"; } | bundle)
fi

# The caBundle of both webhooks, as a strategic merge patch (webhooks merge by name) ...
cat > "$out/cabundle-patch.yaml" <<EOF
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: pid1-injector
webhooks:
  - name: mutate.pid1.io
    clientConfig:
      caBundle: $ca_bundle
  - name: audit.pid1.io
    clientConfig:
      caBundle: $ca_bundle
EOF
# ... and as JSON patches for `kubectl patch` on an installed configuration.
json_patch() {
  printf '[{"op":"add","path":"/webhooks/0/clientConfig/caBundle","value":"%s"},' "$1"
  printf '{"op":"add","path":"/webhooks/1/clientConfig/caBundle","value":"%s"}]\n' "$1"
}
json_patch "$ca_bundle" > "$out/cabundle.json"
if [ -n "$also_trust" ]; then
  json_patch "$(bundle < "$out/ca.crt")" > "$out/cabundle-final.json"
fi

cat > "$out/kustomization.yaml" <<EOF
# Written by certs/make-certs.sh: $overlay with this TLS Secret and caBundle.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - $(realpath --relative-to="$out" "$overlay")
  - secret.yaml
patches:
  - path: cabundle-patch.yaml
EOF

patch="kubectl patch mutatingwebhookconfiguration pid1-injector --type=json --patch-file"
echo "Wrote ca.crt, tls.crt, tls.key, secret.yaml, cabundle-patch.yaml and kustomization.yaml to $out"
if [ -z "$also_trust" ]; then
  echo "Install:                    kubectl apply -k $out"
  echo "Or, when already installed: $patch $out/cabundle.json && kubectl apply -f $out/secret.yaml"
else
  echo "Rotate, in this order (certs/README.md):"
  echo "  1. trust old and new CA:  $patch $out/cabundle.json"
  echo "  2. new serving cert:      kubectl apply -f $out/secret.yaml"
  echo "  3. once every pod serves it, trust only the new CA: $patch $out/cabundle-final.json"
fi
