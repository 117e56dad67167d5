#!/usr/bin/env bash
# Benchmark (not a test): `audit` of 2,000 generated documents with the packaged jar.
# Prints the wall and CPU time and the maximum resident set size (on a busy machine wall time
# says more about the machine than about the audit). Build first:
#   mvn -B -q package -DskipTests
# Usage: bench/cli-audit.sh [DOCUMENTS]   (default 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
documents="${1:-2000}"
jar=target/quarkus-app/quarkus-run.jar
[ -f "$jar" ] || { echo "no $jar: run mvn -B -q package -DskipTests first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
manifests="$work/manifests.yaml"

# A mix as a chart repository has it: Deployments with gunicorn under sh -c, StatefulSets with
# uwsgi, CronJobs with celery, DaemonSets with nginx, and Services in between.
for ((i = 0; i < documents; i++)); do
  case $((i % 5)) in
    0) cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-$i
spec:
  selector: {matchLabels: {app: web-$i}}
  template:
    metadata:
      labels: {app: web-$i}
      annotations: {pid1.io/health-path: /healthz}
    spec:
      containers:
        - name: web
          image: registry.example/web:$i
          command: ["sh", "-c", "cd /app && gunicorn app.wsgi -w 4 --bind 0.0.0.0:8000"]
          ports: [{containerPort: 8000}]
YAML
    ;;
    1) cat <<YAML
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: api-$i
spec:
  serviceName: api-$i
  selector: {matchLabels: {app: api-$i}}
  template:
    metadata:
      labels: {app: api-$i}
    spec:
      containers:
        - name: api
          image: registry.example/api:$i
          command: [uwsgi, --http, ":8080", --module, api.wsgi, --processes, "4", --master]
YAML
    ;;
    2) cat <<YAML
apiVersion: batch/v1
kind: CronJob
metadata:
  name: reports-$i
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: worker
              image: registry.example/reports:$i
              command: ["sh", "-c", "celery -A reports worker --concurrency 2"]
YAML
    ;;
    3) cat <<YAML
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: proxy-$i
spec:
  selector: {matchLabels: {app: proxy-$i}}
  template:
    metadata:
      labels: {app: proxy-$i}
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
          command: ["nginx", "-g", "daemon off;"]
YAML
    ;;
    4) cat <<YAML
apiVersion: v1
kind: Service
metadata:
  name: svc-$i
spec:
  selector: {app: web-$i}
  ports: [{port: 80, targetPort: 8000}]
YAML
    ;;
  esac
  echo "---"
done > "$manifests"

echo "audit of $documents documents ($(wc -c < "$manifests") bytes)"
/usr/bin/time -v java -jar "$jar" audit --offline -o json -f "$manifests" > "$work/audit.json" 2> "$work/time.txt" || {
  status=$?
  [ "$status" -eq 1 ] || { cat "$work/time.txt" >&2; exit "$status"; }
}
grep -E 'Elapsed \(wall clock\)|User time|System time|Maximum resident set size' "$work/time.txt" | sed 's/^[[:space:]]*//'
grep -m1 '"findings" :' "$work/audit.json" | sed 's/^[[:space:]]*/findings: /'
