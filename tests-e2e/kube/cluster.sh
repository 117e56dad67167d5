#!/bin/bash
# A real Kubernetes control plane on loopback, without nodes: etcd, kube-apiserver (TLS, client
# certificates, RBAC, service-account keys, the default admission plugins including
# MutatingAdmissionWebhook) and kube-controller-manager (the controllers that turn a Deployment
# into Pods and give namespaces their `default` service account). Pods are stored, never run.
#
#   tests-e2e/kube/cluster.sh up     start it (binaries from tools/kube/build.sh), wait until ready
#   tests-e2e/kube/cluster.sh env    print `export KUBECONFIG=… PATH=…` for a shell: eval "$(… env)"
#   tests-e2e/kube/cluster.sh down   stop what `up` started, by PID, and remove its directory
#
# PID1_KUBE_STATE (default /tmp/pid1-kube) is the directory of one cluster: certificates, etcd data,
# logs, PIDs and the kubeconfig. PID1_KUBE_FEATURE_GATES is passed to the API server (for example
# ContainerStopSignals=true).
set -Eeuo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
state=${PID1_KUBE_STATE:-/tmp/pid1-kube}

log() { echo "cluster.sh: $*" >&2; }
die() { log "$*"; exit 1; }

free_port() { python3 "$repo/tests-e2e/free_port.py"; }

# Waits up to $1 seconds for command "${@:2}" to succeed; fails with the tail of log $log_file.
wait_for() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      log "not ready after ${seconds} s: $*"
      tail -n 30 "$log_file" >&2 || true
      return 1
    fi
    sleep 0.3
  done
}

# Every key is EC P-256: an RSA key took 0.3 s of CPU to make, and the four of them 6.7 s of the
# start-up's wall time on a loaded machine.
P256=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)

# A CA, the certificates it signs and the service-account key.
certs() {
  local d=$state/pki
  mkdir -p "$d"
  openssl req -x509 "${P256[@]}" -nodes -keyout "$d/ca.key" -out "$d/ca.crt" -days 2 \
    -subj "/CN=pid1-kube-ca" 2>/dev/null
  issue apiserver "/CN=kube-apiserver" \
    "IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc" serverAuth
  # system:masters: RBAC lets the test user do everything, as cluster-admin would.
  issue admin "/O=system:masters/CN=pid1-kube-admin" "DNS:pid1-kube-admin" clientAuth
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/sa.key" 2>/dev/null
  openssl pkey -in "$d/sa.key" -pubout -out "$d/sa.pub" 2>/dev/null
}

# A certificate the CA signs: $1 name, $2 subject, $3 subjectAltName, $4 extendedKeyUsage.
issue() {
  local d=$state/pki
  openssl req "${P256[@]}" -nodes -keyout "$d/$1.key" -out "$d/$1.csr" -subj "$2" 2>/dev/null
  printf '%s\n' "subjectAltName=$3" "extendedKeyUsage=$4" basicConstraints=CA:FALSE \
    keyUsage=digitalSignature > "$d/$1.ext"
  openssl x509 -req -in "$d/$1.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
    -extfile "$d/$1.ext" -out "$d/$1.crt" 2>/dev/null
}

kubeconfig() {
  local kc=$state/kubeconfig d=$state/pki
  cat > "$kc" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: pid1-kube
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority: $d/ca.crt
users:
- name: admin
  user:
    client-certificate: $d/admin.crt
    client-key: $d/admin.key
contexts:
- name: pid1-kube
  context: {cluster: pid1-kube, user: admin}
current-context: pid1-kube
EOF
}

start() { # name command...: runs it in the background, logging to $state/NAME.log, PID to $state/pids
  local name=$1
  shift
  "$@" > "$state/$name.log" 2>&1 &
  echo "$! $name" >> "$state/pids"
}

up() {
  [ -e "$state/pids" ] && die "$state already holds a cluster: tests-e2e/kube/cluster.sh down"
  local bin
  bin=$("$repo/tools/kube/build.sh")
  rm -rf "$state"
  mkdir -p "$state"
  : > "$state/pids"
  # Whatever fails from here stops what was started (the logs stay in $state until `down`).
  trap 'stop_all' ERR
  certs
  local etcd_port peer_port kcm_port
  etcd_port=$(free_port) peer_port=$(free_port) api_port=$(free_port) kcm_port=$(free_port)
  kubeconfig

  start etcd "$bin/etcd" --name=pid1 --data-dir="$state/etcd" \
    --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
    --listen-peer-urls="http://127.0.0.1:$peer_port" --initial-advertise-peer-urls="http://127.0.0.1:$peer_port" \
    --initial-cluster="pid1=http://127.0.0.1:$peer_port" --unsafe-no-fsync=true --log-level=warn
  log_file=$state/etcd.log wait_for 30 curl -fsS "http://127.0.0.1:$etcd_port/health"

  # --endpoint-reconciler-type=none: no loopback address is published as the `kubernetes` Service's endpoint.
  # The audit log records, for each pod created, whether a webhook changed it and the webhook's
  # own audit annotations: what the tests read to see what the API server did with an answer.
  printf '%s\n' 'apiVersion: audit.k8s.io/v1' 'kind: Policy' 'omitStages: [RequestReceived]' 'rules:' \
    '- {level: Metadata, verbs: [create], resources: [{group: "", resources: [pods]}]}' '- {level: None}' \
    > "$state/audit-policy.yaml"
  start kube-apiserver "$bin/kube-apiserver" \
    --audit-policy-file="$state/audit-policy.yaml" --audit-log-path="$state/audit.log" \
    --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address=127.0.0.1 --secure-port="$api_port" --advertise-address=127.0.0.1 \
    --tls-cert-file="$state/pki/apiserver.crt" --tls-private-key-file="$state/pki/apiserver.key" \
    --client-ca-file="$state/pki/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$state/pki/sa.pub" --service-account-signing-key-file="$state/pki/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 --authorization-mode=Node,RBAC --allow-privileged=true \
    --endpoint-reconciler-type=none --cert-dir="$state/apiserver-certs" --v=1 \
    ${PID1_KUBE_FEATURE_GATES:+--feature-gates=$PID1_KUBE_FEATURE_GATES}
  log_file=$state/kube-apiserver.log wait_for 120 \
    "$bin/kubectl" --kubeconfig="$state/kubeconfig" get --raw=/readyz

  local controllers=deployment-controller,replicaset-controller,serviceaccount-controller
  controllers=$controllers,serviceaccount-token-controller,namespace-controller,garbage-collector-controller
  start kube-controller-manager "$bin/kube-controller-manager" --kubeconfig="$state/kubeconfig" \
    --controllers="$controllers" \
    --service-account-private-key-file="$state/pki/sa.key" --root-ca-file="$state/pki/ca.crt" \
    --leader-elect=false --use-service-account-credentials=false \
    --bind-address=127.0.0.1 --secure-port="$kcm_port" \
    --authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics --v=1
  log_file=$state/kube-controller-manager.log wait_for 60 curl -fsSk "https://127.0.0.1:$kcm_port/healthz"
  # Pods of a ReplicaSet are refused until their namespace's `default` service account exists.
  log_file=$state/kube-controller-manager.log wait_for 60 \
    "$bin/kubectl" --kubeconfig="$state/kubeconfig" -n default get serviceaccount default

  printf 'export KUBECONFIG=%s\nexport PATH=%s:$PATH\n' "$state/kubeconfig" "$bin" > "$state/env"
  trap - ERR
  log "ready: API server https://127.0.0.1:$api_port, logs in $state; eval \"\$($0 env)\""
}

# Whether process $1 still runs. A zombie has stopped: `kill -0` still finds it until init reaps it,
# which some container inits do only seconds later.
running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

stop_all() {
  # The reverse order of the start: the controller manager, the API server, then etcd.
  local pid name
  tac "$state/pids" | while read -r pid name; do
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 1 100); do running "$pid" || break; sleep 0.1; done
    running "$pid" && kill -9 "$pid" 2>/dev/null && log "$name ($pid) killed after 10 s" || true
  done
  rm -f "$state/pids"
}

down() {
  [ -e "$state/pids" ] && stop_all
  rm -rf "$state"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  env) [ -e "$state/env" ] || die "no cluster in $state"; cat "$state/env" ;;
  *) die "usage: cluster.sh up|down|env" ;;
esac
