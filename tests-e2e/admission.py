"""The admission path as a black box: starts the packaged webhook server the way the README
says, and sends it AdmissionReviews over verified HTTPS the way kube-apiserver does.

The returned JSON Patch is applied with python-jsonpatch, an implementation independent of
the product's.
"""
import base64
import copy
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field

import jsonpatch

from free_port import free_port

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER_JAR = os.path.join("target", "quarkus-app", "quarkus-run.jar")


class AdmissionError(Exception):
    """The webhook broke the AdmissionReview contract."""


@dataclass
class Admission:
    """What the webhook answered for one pod."""
    pod: dict                      # the pod after the patch (a copy of the input if none)
    patch: list = None             # the decoded JSON Patch, None when absent
    warnings: list = field(default_factory=list)
    response: dict = None


class WebhookServer:
    """``java -jar target/quarkus-app/quarkus-run.jar serve`` from the repository root, on
    free loopback ports, TLS material in a temporary directory, ``env`` added to its
    environment. Use as a context manager."""

    def __init__(self, repo_root=REPO_ROOT, startup_timeout=60, env=None):
        self.repo_root = repo_root
        self.extra_env = dict(env or {})
        self.startup_timeout = startup_timeout
        self.tls_dir = tempfile.mkdtemp(prefix="pid1-tls-")
        self.webhook_port = free_port()
        self.management_port = free_port()
        self.log_path = os.path.join(self.tls_dir, "server.log")
        self.process = None
        self._ssl = None
        self.refused_after_ready = 0.0

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        jar = os.path.join(self.repo_root, SERVER_JAR)
        if not os.path.exists(jar):
            self.stop()
            raise AdmissionError(f"{SERVER_JAR} not built (mvn -B -q package -DskipTests)")
        env = dict(os.environ, PID1_TLS_DIR=self.tls_dir,
                   PID1_WEBHOOK_PORT=str(self.webhook_port),
                   PID1_MANAGEMENT_PORT=str(self.management_port),
                   QUARKUS_HTTP_HOST="127.0.0.1", QUARKUS_MANAGEMENT_HOST="127.0.0.1",
                   **self.extra_env)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(["java", "-jar", SERVER_JAR, "serve"],
                                            cwd=self.repo_root, env=env,
                                            stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_ready()
            self._ssl = ssl.create_default_context(cafile=os.path.join(self.tls_dir, "ca.crt"))
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self):
        """Until /q/health/ready says UP; then until the webhook port accepts connections,
        recording for how long it refused them after readiness (``refused_after_ready``)."""
        url = f"http://127.0.0.1:{self.management_port}/q/health/ready"
        deadline = time.monotonic() + self.startup_timeout
        while not self._ready(url):
            if time.monotonic() > deadline:
                raise AdmissionError(f"not ready after {self.startup_timeout}s: {self.logs()}")
            time.sleep(0.1)
        ready_at = time.monotonic()
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.webhook_port), timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AdmissionError(f"webhook port refuses connections: {self.logs()}")
                self.refused_after_ready = time.monotonic() - ready_at
                time.sleep(0.01)

    def _ready(self, url):
        if self.process.poll() is not None:
            raise AdmissionError(f"server exited {self.process.returncode}: {self.logs()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def stop(self):
        """SIGTERM (SIGKILL after 20 s); then the TLS directory and log are removed."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.tls_dir, ignore_errors=True)

    def errors(self):
        """ERROR lines of the server log with the line after each (the cause)."""
        lines = self.logs().splitlines()
        return [line for i, line in enumerate(lines)
                if " ERROR " in line or (i and " ERROR " in lines[i - 1])]

    def logs(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def review(self, pod, namespace="default", path="/mutate"):
        """POSTs ``pod`` for CREATE as the apiserver would; returns the raw response body."""
        uid = str(uuid.uuid4())
        gvk = {"group": "", "version": "v1", "kind": "Pod"}
        gvr = {"group": "", "version": "v1", "resource": "pods"}
        body = {
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": {
                "uid": uid, "kind": gvk, "resource": gvr, "requestKind": gvk,
                "requestResource": gvr, "name": pod["metadata"].get("name", ""),
                "namespace": namespace, "operation": "CREATE",
                "userInfo": {"username": "system:serviceaccount:kube-system:replicaset-controller",
                             "uid": str(uuid.uuid4()),
                             "groups": ["system:serviceaccounts",
                                        "system:serviceaccounts:kube-system",
                                        "system:authenticated"]},
                "object": pod, "oldObject": None, "dryRun": False,
                "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"},
            },
        }
        conn = http.client.HTTPSConnection("127.0.0.1", self.webhook_port, timeout=10,
                                           context=self._ssl)
        try:
            conn.request("POST", f"{path}?timeout=5s", body=json.dumps(body),
                         headers={"Content-Type": "application/json",
                                  "Accept": "application/json, */*"})
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        if resp.status != 200:
            raise AdmissionError(f"HTTP {resp.status}: {data[:500]!r}")
        review = json.loads(data)
        return uid, review

    def mutate(self, pod, namespace="default"):
        """Admits ``pod``; checks the response contract; returns an :class:`Admission`."""
        uid, review = self.review(pod, namespace)
        if review.get("apiVersion") != "admission.k8s.io/v1" or \
                review.get("kind") != "AdmissionReview":
            raise AdmissionError(f"not an AdmissionReview v1: {review}")
        response = review.get("response") or {}
        if response.get("uid") != uid:
            raise AdmissionError(f"uid not echoed: sent {uid}, got {response.get('uid')}")
        if response.get("allowed") is not True:
            raise AdmissionError(f"pod not allowed: {response}")
        admission = Admission(pod=copy.deepcopy(pod), warnings=response.get("warnings") or [],
                              response=response)
        if response.get("patch"):
            if response.get("patchType") != "JSONPatch":
                raise AdmissionError(f"patchType {response.get('patchType')!r}, not JSONPatch")
            admission.patch = json.loads(base64.b64decode(response["patch"]))
            admission.pod = jsonpatch.apply_patch(pod, admission.patch)
        return admission
