"""A real control plane for the tests: ``cluster.sh`` starts etcd, kube-apiserver and
kube-controller-manager on loopback; this module drives them with kubectl and reads the API
server's audit log, which says for each pod created whether a webhook changed it.
"""
import base64
import copy
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
E2E = os.path.dirname(HERE)
REPO_ROOT = os.path.dirname(E2E)
CLUSTER_SH = os.path.join(HERE, "cluster.sh")
SHIPPED_BASE = os.path.join(REPO_ROOT, "deploy", "base")
sys.path.insert(0, E2E)


class KubeError(Exception):
    """kubectl failed, or the cluster did not do what it must."""


def wait_until(check, timeout, what):
    """Polls ``check`` until it returns a true value, which is returned; KubeError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise KubeError(f"{what}: not within {timeout} s")
        time.sleep(0.2)


class Cluster:
    """``cluster.sh up`` in a directory of its own; ``down`` on exit. Use as a context manager."""

    def __init__(self, feature_gates=None):
        self.state = tempfile.mkdtemp(prefix="pid1-kube-")
        self.env = dict(os.environ, PID1_KUBE_STATE=self.state)
        if feature_gates:
            self.env["PID1_KUBE_FEATURE_GATES"] = feature_gates
        self.kubeconfig = os.path.join(self.state, "kubeconfig")
        self.bin = None

    def __enter__(self):
        try:
            subprocess.run([CLUSTER_SH, "up"], env=self.env, check=True, stdin=subprocess.DEVNULL)
        except subprocess.CalledProcessError:
            self._down()
            raise KubeError("cluster.sh up failed (its output is above)")
        env = subprocess.run([CLUSTER_SH, "env"], env=self.env, check=True, capture_output=True, text=True)
        path = [line for line in env.stdout.splitlines() if line.startswith("export PATH=")][0]
        self.bin = path[len("export PATH="):].split(":")[0]
        return self

    def __exit__(self, *exc):
        self._down()

    def _down(self):
        subprocess.run([CLUSTER_SH, "down"], env=self.env, check=False, stdin=subprocess.DEVNULL)
        shutil.rmtree(self.state, ignore_errors=True)

    def kubectl(self, *args, stdin=None, check=True, timeout=120, kubeconfig=None):
        """Runs kubectl, as the administrator unless another ``kubeconfig`` is given; a
        CompletedProcess with text stdout and stderr."""
        kubectl = [os.path.join(self.bin, "kubectl"), f"--kubeconfig={kubeconfig or self.kubeconfig}"]
        proc = subprocess.run(kubectl + list(args), input=stdin, capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise KubeError(f"kubectl {' '.join(args)}: exit {proc.returncode}: {proc.stderr.strip()}")
        return proc

    def get(self, *args):
        return json.loads(self.kubectl("get", "-o", "json", *args).stdout)

    def create(self, obj, namespace, dry_run=False):
        """Creates ``obj`` (a dict) in ``namespace``; returns (the object as stored, warnings)."""
        args = ["create", "-n", namespace, "-o", "json", "-f", "-"] + (["--dry-run=server"] if dry_run else [])
        proc = self.kubectl(*args, stdin=json.dumps(obj))
        return json.loads(proc.stdout), warnings(proc.stderr)

    def namespace(self, name, inject=None, labels=None):
        """Creates a namespace (labelled ``pid1.io/inject=<inject>`` when given) and waits for
        its ``default`` service account: pods of a ReplicaSet are refused until it exists."""
        labels = dict(labels or {})
        if inject:
            labels["pid1.io/inject"] = inject
        self.kubectl("apply", "-f", "-", stdin=json.dumps({
            "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}))
        self.kubectl("-n", name, "wait", "--for=create", "--timeout=60s", "serviceaccount/default")
        return name

    def service_account_kubeconfig(self, namespace, name):
        """A kubeconfig that authenticates as ServiceAccount ``namespace/name`` with a token the API
        server issues (TokenRequest, one hour), as a pod's mounted token does; returns its path."""
        token = self.kubectl("-n", namespace, "create", "token", name, "--duration=1h").stdout.strip()
        config = yaml.safe_load(open(self.kubeconfig))
        config["users"] = [{"name": "admin", "user": {"token": token}}]
        path = os.path.join(self.state, f"kubeconfig-{namespace}-{name}")
        with open(path, "w") as f:
            yaml.safe_dump(config, f)
        return path

    def audit_events(self, namespace):
        """The API server's audit events of pods created in ``namespace`` (ResponseComplete)."""
        events = []
        with open(os.path.join(self.state, "audit.log")) as f:
            for line in f:
                event = json.loads(line)
                ref = event.get("objectRef") or {}
                if ref.get("namespace") == namespace and event.get("stage") == "ResponseComplete":
                    events.append(event)
        return events

    def metrics(self):
        return self.kubectl("get", "--raw", "/metrics").stdout

    def log(self, component):
        with open(os.path.join(self.state, f"{component}.log"), errors="replace") as f:
            return f.read()


def warnings(stderr):
    """The ``Warning: …`` lines kubectl prints for an API response's warnings, without the prefix."""
    return [line[len("Warning: "):] for line in stderr.splitlines() if line.startswith("Warning: ")]


def webhook_mutations(event):
    """The audit annotations the API server wrote about mutating webhooks: {webhook: mutated}."""
    result = {}
    for key, value in (event.get("annotations") or {}).items():
        if key.startswith("mutation.webhook.admission.k8s.io/"):
            info = json.loads(value)
            result[info["webhook"]] = result.get(info["webhook"], False) or info.get("mutated", False)
    return result


def mutation_rounds(event):
    """Each call of a mutating webhook in the order the API server made them, from its audit
    annotations ``round_R_index_I`` (I counts every webhook of every configuration):
    [(round, webhook, mutated)]."""
    calls = []
    for key, value in (event.get("annotations") or {}).items():
        if key.startswith("mutation.webhook.admission.k8s.io/round_"):
            round_, index = (int(n) for n in key.split("round_")[1].split("_index_"))
            info = json.loads(value)
            calls.append(((round_, index), info["webhook"], info.get("mutated", False)))
    return [(order[0], webhook, mutated) for order, webhook, mutated in sorted(calls)]


def shipped_objects(kustomization_dir, cluster):
    """The objects ``kubectl kustomize`` renders from a directory of deploy/ (rendered once per
    directory: deploy/ does not change during a run), each call a copy of its own."""
    return copy.deepcopy(_rendered(kustomization_dir, cluster))


@functools.lru_cache(maxsize=None)
def _rendered(kustomization_dir, cluster):
    rendered = cluster.kubectl("kustomize", kustomization_dir).stdout
    return [doc for doc in yaml.load_all(rendered, Loader=yaml.CSafeLoader) if doc]


def shipped_webhook_configuration(cluster, url, ca_pem):
    """deploy/base's MutatingWebhookConfiguration as rendered, except each clientConfig: the
    service it names becomes ``url`` + the service's path, trusted through ``ca_pem``."""
    config = [o for o in shipped_objects(SHIPPED_BASE, cluster) if o["kind"] == "MutatingWebhookConfiguration"][0]
    ca_bundle = base64.b64encode(ca_pem.encode()).decode()
    for webhook in config["webhooks"]:
        service = webhook["clientConfig"]["service"]
        webhook["clientConfig"] = {"url": url + service["path"], "caBundle": ca_bundle}
    return config
