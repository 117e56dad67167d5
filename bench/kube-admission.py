"""The webhook's admission latency as kube-apiserver itself measures it: a local control plane
(tests-e2e/kube/cluster.sh), the packaged webhook registered as shipped, N pods (default 500)
created one after the other in a namespace labelled pid1.io/inject=enabled; then the API
server's histogram apiserver_admission_webhook_admission_duration_seconds for mutate.pid1.io
(the call to the webhook: TLS, request, answer, as the API server sees it) and the webhook's own
pid1_request_duration_seconds, as bucket counts and quantiles interpolated inside a bucket the
way Prometheus' histogram_quantile does.

Usage: python3 bench/kube-admission.py [N]   (root not needed; the jar and tools/kube built)
"""
import json
import os
import re
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests-e2e", "kube"))
import kube  # noqa: E402
from admission import WebhookServer  # noqa: E402

API_METRIC = "apiserver_admission_webhook_admission_duration_seconds"
OWN_METRIC = "pid1_request_duration_seconds"


def buckets(text, metric, labels):
    """{upper bound: cumulative count} of one histogram series whose labels include ``labels``."""
    result = {}
    for line in text.splitlines():
        if not line.startswith(metric + "_bucket{"):
            continue
        body, value = line.rsplit(" ", 1)
        found = dict(re.findall(r'(\w+)="([^"]*)"', body))
        if all(found.get(k) == v for k, v in labels.items()):
            bound = float("inf") if found["le"] == "+Inf" else float(found["le"])
            result[bound] = result.get(bound, 0) + float(value)
    return result


def quantile(q, cumulative):
    """histogram_quantile: linear inside the bucket that holds the q-th observation."""
    bounds = sorted(cumulative)
    total = cumulative[bounds[-1]]
    rank, lower, below = q * total, 0.0, 0.0
    for bound in bounds:
        if cumulative[bound] >= rank:
            if bound == float("inf"):
                return lower
            inside = cumulative[bound] - below
            return lower + (bound - lower) * ((rank - below) / inside if inside else 0)
        lower, below = bound, cumulative[bound]
    return lower


def delta(after, before):
    return {b: after[b] - before.get(b, 0) for b in after}


def report(name, hist):
    total = hist[max(hist)]
    rows = " ".join(f"le={b:g}:{int(c)}" for b, c in sorted(hist.items()) if c)
    print(f"{name}: n={int(total)} p50={quantile(0.5, hist) * 1000:.2f} ms p99={quantile(0.99, hist) * 1000:.2f} ms "
          f"cumulative buckets (s) {rows}")


def main(count):
    with kube.Cluster() as cluster, WebhookServer(env={"PID1_REGISTRY_LOOKUP": "false"}) as webhook:
        ca = open(os.path.join(webhook.tls_dir, "ca.crt")).read()
        cluster.kubectl("apply", "-f", "-", stdin=json.dumps(kube.shipped_webhook_configuration(
            cluster, f"https://127.0.0.1:{webhook.webhook_port}", ca)))
        ns = cluster.namespace("bench", inject="enabled")
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "warm"},
               "spec": {"containers": [{"name": "web", "image": "registry.example/app:1",
                                        "command": ["sh", "-c", "cd /app && gunicorn app:app -w 2"]}]}}
        kube.wait_until(lambda: "pid1.io/status" in (cluster.create(pod, ns, dry_run=True)[0]["metadata"]
                                                     .get("annotations") or {}), 30, "webhook called")
        labels = {"name": "mutate.pid1.io", "operation": "CREATE", "type": "admit"}
        own_url = f"http://127.0.0.1:{webhook.management_port}/q/metrics"
        api_before = buckets(cluster.metrics(), API_METRIC, labels)
        own_before = buckets(urllib.request.urlopen(own_url).read().decode(), OWN_METRIC, {"endpoint": "mutate"})
        pods = []
        for i in range(count):
            p = json.loads(json.dumps(pod))
            p["metadata"]["name"] = f"bench-{i}"
            pods.append(p)
        start = time.monotonic()
        cluster.kubectl("create", "-n", ns, "-f", "-", timeout=1800,
                        stdin=json.dumps({"apiVersion": "v1", "kind": "List", "items": pods}))
        seconds = time.monotonic() - start
        api = delta(buckets(cluster.metrics(), API_METRIC, labels), api_before)
        own = delta(buckets(urllib.request.urlopen(own_url).read().decode(), OWN_METRIC, {"endpoint": "mutate"}),
                    own_before)
        print(f"{count} pods created in {seconds:.1f} s by one kubectl ({count / seconds:.0f}/s), "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        report(f"kube-apiserver {API_METRIC}{{name=mutate.pid1.io}}", api)
        if own:
            report(f"webhook {OWN_METRIC}{{endpoint=mutate}}", own)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
