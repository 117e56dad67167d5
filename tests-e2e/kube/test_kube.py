"""The webhook behind a real kube-apiserver: the shipped manifests, the namespace labels, a
webhook that is down or slow, the validation of everything the engine writes, reinvocation,
and pods run as the API server stored them.

One control plane (cluster.sh) and one packaged webhook server serve the whole module; each
test class uses namespaces of its own. Run through run.sh, which prints ``N passed, N failed``.
"""
import base64
import concurrent.futures
import contextlib
import copy
import glob
import http.server
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

import yaml

import kube
from kube import Cluster, wait_until, webhook_mutations
import generated
import scenarios
from admission import SERVER_JAR, Admission, WebhookServer, free_port
from registry import Registry

CLUSTER = None
WEBHOOK = None
REGISTRY = None
WEBHOOK_CONFIG = "pid1-injector"
GOLDEN = os.path.join(kube.REPO_ROOT, "src", "test", "resources", "golden")
GUNICORN_SHELL = ["sh", "-c", "cd /app && gunicorn app:app -w 2 -b 0.0.0.0:8000 --graceful-timeout 3"]


def gunicorn_pod(name):
    """The README's first example: gunicorn behind ``sh -c``, which the webhook rewrites."""
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "labels": {"app": name}},
            "spec": {"containers": [{"name": "web", "image": "registry.example/app:1",
                                     "command": list(GUNICORN_SHELL),
                                     "ports": [{"containerPort": 8000}]}]}}


def restricted(pod):
    """``pod`` made to pass Pod Security's restricted profile."""
    pod["spec"]["securityContext"] = {"runAsNonRoot": True, "runAsUser": 10001,
                                      "seccompProfile": {"type": "RuntimeDefault"}}
    for c in pod["spec"]["containers"]:
        c["securityContext"] = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}
    return pod


def is_fixed(pod):
    annotations = pod["metadata"].get("annotations") or {}
    init = [c["name"] for c in pod["spec"].get("initContainers", [])]
    return "pid1.io/status" in annotations and "pid1-init" in init \
        and pod["spec"]["containers"][0]["command"][:2] == ["/.pid1/tini", "--"]


def assert_unchanged(test, stored, written):
    test.assertNotIn("pid1.io/status", stored["metadata"].get("annotations") or {})
    test.assertNotIn("initContainers", stored["spec"])
    test.assertEqual([c["command"] for c in written["spec"]["containers"]],
                     [c["command"] for c in stored["spec"]["containers"]])
    test.assertNotIn("lifecycle", stored["spec"]["containers"][0])


def register(config):
    """Server-side apply, as the overlays are checked (ShippedManifestsTest): a later apply of another
    clientConfig by the same field manager replaces the one before instead of adding to it."""
    CLUSTER.kubectl("apply", "--server-side", "--force-conflicts", "-f", "-", stdin=json.dumps(config))


def point_webhook_at(url):
    """Re-registers the shipped configuration with every clientConfig pointing at ``url``."""
    ca = open(os.path.join(WEBHOOK.tls_dir, "ca.crt")).read()
    config = kube.shipped_webhook_configuration(CLUSTER, url, ca)
    register(config)
    return config


def webhook_url():
    return f"https://127.0.0.1:{WEBHOOK.webhook_port}"


def wait_until_fixing(namespace):
    """The API server picks a new configuration up a moment after it is stored: until then a
    dry-run pod in ``namespace`` comes back unfixed."""
    wait_until(lambda: is_fixed(CLUSTER.create(gunicorn_pod("probe"), namespace, dry_run=True)[0]),
               30, "the API server calls the webhook")


# No API server sends reviews to the test's webhooks while they stop: they need not keep answering.
STOP_AT_ONCE = {"PID1_SHUTDOWN_DELAY": "0s"}


def start_servers():
    global REGISTRY, WEBHOOK
    REGISTRY = Registry().__enter__()
    WEBHOOK = WebhookServer(env={"PID1_REGISTRY_INSECURE": REGISTRY.host, **STOP_AT_ONCE}).__enter__()


def setUpModule():
    global CLUSTER
    started = time.monotonic()
    try:
        # The registry and the webhook's JVM start while the control plane does.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            servers = pool.submit(start_servers)
            CLUSTER = Cluster().__enter__()
            servers.result()
        # The webhook's own namespace as shipped (Pod Security restricted), before anything is applied.
        CLUSTER.kubectl("apply", "--server-side", "-f", os.path.join(kube.SHIPPED_BASE, "namespace.yaml"))
        point_webhook_at(webhook_url())
        wait_until_fixing(CLUSTER.namespace("pid1-probe", inject="enabled"))
    except BaseException:
        tearDownModule()
        raise
    print(f"control plane, registry and webhook ready in {time.monotonic() - started:.1f} s", flush=True)


def tearDownModule():
    for resource in (WEBHOOK, REGISTRY, CLUSTER):
        if resource:
            resource.__exit__(None, None, None)


class ShippedManifestsTest(unittest.TestCase):
    CERT_MANAGER_KINDS = ("issuers", "certificates")

    @classmethod
    def setUpClass(cls):
        # cert-manager's own definitions of the kinds the cert-manager overlay uses, so that the API
        # server checks its objects against their schemas (cert-manager itself does not run here).
        crds = subprocess.run([os.path.join(kube.REPO_ROOT, "tools", "kube", "cert-manager-crds.sh")],
                              capture_output=True, text=True, check=True).stdout.strip()
        for kind in cls.CERT_MANAGER_KINDS:
            CLUSTER.kubectl("apply", "--server-side", "-f", os.path.join(crds, f"cert-manager.io_{kind}.yaml"))
        CLUSTER.kubectl("wait", "--for=condition=Established", "--timeout=60s",
                        *[f"crd/{kind}.cert-manager.io" for kind in cls.CERT_MANAGER_KINDS])

    def test_every_overlay_is_accepted_by_the_api_server_without_pod_security_warnings(self):
        overlays = sorted(glob.glob(os.path.join(kube.REPO_ROOT, "deploy", "overlays", "*")))
        self.assertGreaterEqual(len(overlays), 6)
        for overlay in [kube.SHIPPED_BASE] + overlays:
            with self.subTest(os.path.basename(overlay)):
                objects = kube.shipped_objects(overlay, CLUSTER)
                # --force-conflicts: the test registered pid1-injector with another clientConfig (a dry run).
                proc = CLUSTER.kubectl("apply", "--server-side", "--force-conflicts", "--dry-run=server", "-f", "-",
                                       check=False, stdin=as_list(objects))
                self.assertEqual(0, proc.returncode, proc.stderr)
                self.assertEqual([], kube.warnings(proc.stderr))
                self.assertEqual(len(objects), len(proc.stdout.strip().splitlines()), proc.stdout)

    def test_the_cert_manager_overlays_issuers_and_certificates_are_stored_as_written(self):
        overlay = os.path.join(kube.REPO_ROOT, "deploy", "overlays", "cert-manager")
        objects = [o for o in kube.shipped_objects(overlay, CLUSTER) if o["apiVersion"] == "cert-manager.io/v1"]
        self.assertEqual(4, len(objects))
        CLUSTER.kubectl("apply", "--server-side", "-f", "-", stdin=as_list(objects))
        try:
            for written in objects:
                stored = CLUSTER.get("-n", "pid1-system", written["kind"].lower(), written["metadata"]["name"])
                self.assertEqual(written["spec"], stored["spec"])
        finally:
            CLUSTER.kubectl("delete", "-f", "-", stdin=as_list(objects))
        # The schema is enforced: a misspelt field is refused, not dropped.
        misspelt = copy.deepcopy([o for o in objects if o["metadata"]["name"] == "pid1-injector"][0])
        misspelt["spec"]["dnsName"] = misspelt["spec"].pop("dnsNames")
        proc = CLUSTER.kubectl("apply", "--server-side", "--dry-run=server", "-f", "-", check=False,
                               stdin=json.dumps(misspelt))
        self.assertIn(".spec.dnsName: field not declared in schema", proc.stderr)

    def test_the_shipped_webhook_configuration_is_stored_as_shipped(self):
        stored = CLUSTER.get("mutatingwebhookconfiguration", WEBHOOK_CONFIG)
        shipped = kube.shipped_webhook_configuration(CLUSTER, "https://127.0.0.1", "")
        self.assertEqual([w["name"] for w in shipped["webhooks"]], [w["name"] for w in stored["webhooks"]])
        for mine, theirs in zip(shipped["webhooks"], stored["webhooks"]):
            for key in ("rules", "namespaceSelector", "failurePolicy", "timeoutSeconds", "sideEffects",
                        "reinvocationPolicy", "matchPolicy", "admissionReviewVersions"):
                self.assertEqual(mine[key], theirs[key], key)


class EnabledNamespaceTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.ns = CLUSTER.namespace("pid1-enabled", inject="enabled")

    def test_a_deployment_becomes_a_replicaset_and_a_pod_stored_fixed(self):
        template = gunicorn_pod("web")
        deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                      "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                               "template": {"metadata": template["metadata"], "spec": template["spec"]}}}
        CLUSTER.create(deployment, self.ns)
        pod = wait_until(lambda: CLUSTER.get("-n", self.ns, "pods", "-l", "app=web")["items"], 60,
                         "the ReplicaSet's pod")[0]
        self.assertEqual("ReplicaSet", pod["metadata"]["ownerReferences"][0]["kind"])
        self.assertTrue(pod["metadata"]["generateName"].startswith("web-"))
        self.assertTrue(is_fixed(pod), json.dumps(pod["spec"]))
        # The engine's exec fix, as the API server stored it.
        self.assertEqual(["/.pid1/tini", "--", "gunicorn", "app:app", "-w", "2", "-b", "0.0.0.0:8000",
                          "--graceful-timeout", "3"], pod["spec"]["containers"][0]["command"])
        self.assertEqual("/app", pod["spec"]["containers"][0]["workingDir"])
        self.assertIn("preStop", pod["spec"]["containers"][0]["lifecycle"])
        # The ServiceAccount admission plugin ran before the webhook, as in a real cluster.
        self.assertTrue(any(v["name"].startswith("kube-api-access-") for v in pod["spec"]["volumes"]))
        events = [e for e in CLUSTER.audit_events(self.ns) if e["objectRef"].get("name", "") == ""]
        self.assertTrue(events, "no audit event of the ReplicaSet's pod creation")
        # IfNeeded: the API server calls the webhook again after its own patch, which must change nothing.
        self.assertEqual([(0, "mutate.pid1.io", True), (1, "mutate.pid1.io", False)], kube.mutation_rounds(events[-1]))

    def test_a_server_dry_run_shows_the_fix_and_the_warnings_and_stores_nothing(self):
        pod, warnings = CLUSTER.create(gunicorn_pod("dry"), self.ns, dry_run=True)
        self.assertTrue(is_fixed(pod), json.dumps(pod["spec"]))
        self.assertTrue(warnings)
        self.assertTrue(all(w.startswith("pid1: ") for w in warnings), warnings)
        self.assertIn('pid1: container "web": gunicorn ran under "sh -c"; now exec form', warnings)
        self.assertNotEqual(0, CLUSTER.kubectl("-n", self.ns, "get", "pod", "dry", check=False).returncode)


    def test_the_fixed_pod_passes_pod_security_restricted(self):
        # PodSecurity validates after the mutating webhooks: the injected init container is checked too.
        ns = CLUSTER.namespace("pid1-restricted", inject="enabled",
                               labels={"pod-security.kubernetes.io/enforce": "restricted"})
        stored, warnings = CLUSTER.create(restricted(gunicorn_pod("hardened")), ns)
        self.assertTrue(is_fixed(stored), json.dumps(stored["spec"]))
        self.assertFalse([w for w in warnings if "PodSecurity" in w], warnings)


class AuditAndUntouchedNamespacesTest(unittest.TestCase):

    def test_an_audit_namespace_gets_warnings_and_audit_annotations_and_the_pod_stored_unchanged(self):
        ns = CLUSTER.namespace("pid1-audit", inject="audit")
        written = gunicorn_pod("audited")
        stored, warnings = CLUSTER.create(written, ns)
        assert_unchanged(self, stored, written)
        self.assertIn('pid1: container "web": gunicorn ran under "sh -c"; now exec form', warnings)
        event = [e for e in CLUSTER.audit_events(ns) if e["objectRef"].get("name") == "audited"][-1]
        self.assertEqual({"audit.pid1.io": False}, webhook_mutations(event))
        annotations = event["annotations"]
        self.assertIn("gunicorn ran under", annotations.get("audit.pid1.io/findings", ""), annotations)
        self.assertIn("web:", annotations.get("audit.pid1.io/would-fix", ""), annotations)

    def test_an_unlabelled_namespace_is_not_sent_to_the_webhook(self):
        ns = CLUSTER.namespace("pid1-unlabelled")
        written = gunicorn_pod("plain")
        stored, warnings = CLUSTER.create(written, ns)
        assert_unchanged(self, stored, written)
        self.assertEqual([], warnings)
        event = [e for e in CLUSTER.audit_events(ns) if e["objectRef"].get("name") == "plain"][-1]
        self.assertEqual({}, webhook_mutations(event))

    def test_the_webhooks_own_namespace_is_untouched_even_when_labelled(self):
        CLUSTER.kubectl("label", "--overwrite", "namespace", "pid1-system", "pid1.io/inject=enabled")
        try:
            # pid1-system enforces Pod Security restricted, also on a dry run.
            written = restricted(gunicorn_pod("own"))
            stored, warnings = CLUSTER.create(written, "pid1-system", dry_run=True)
        finally:
            CLUSTER.kubectl("label", "namespace", "pid1-system", "pid1.io/inject-")
        assert_unchanged(self, stored, written)
        self.assertFalse([w for w in warnings if w.startswith("pid1:")], warnings)


def reviews_answered():
    """Every review the webhook has answered, both endpoints and every outcome, from its own
    metrics (``pid1_requests_total`` on the management port)."""
    url = f"http://127.0.0.1:{WEBHOOK.management_port}/q/metrics"
    with urllib.request.urlopen(url, timeout=10) as response:
        text = response.read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith("pid1_requests_total{"))


class PodsNeverSentTest(unittest.TestCase):
    """The shipped ``objectSelector`` and ``matchConditions``: pods the webhook would answer
    unchanged never reach it, while an ordinary pod in the same namespace does. The webhook
    counts what it answered; the API server's audit log says which webhooks it called."""

    @staticmethod
    def never_sent_pods():
        """One pod for each reason, each otherwise the gunicorn pod that the webhook would fix."""
        pods = {name: gunicorn_pod(name) for name in ("mirror", "windows", "opted-out-false",
                                                       "opted-out-disabled", "webhooks-own")}
        pods["mirror"]["metadata"]["annotations"] = {"kubernetes.io/config.mirror": "0123456789abcdef"}
        pods["mirror"]["spec"]["nodeName"] = "node-1"  # required of a mirror pod; no kubelet runs it here
        pods["windows"]["spec"]["os"] = {"name": "windows"}
        pods["opted-out-false"]["metadata"]["annotations"] = {"pid1.io/inject": "false"}
        pods["opted-out-disabled"]["metadata"]["annotations"] = {"pid1.io/inject": "disabled"}
        pods["webhooks-own"]["metadata"]["labels"]["app.kubernetes.io/name"] = "pid1-injector"
        return list(pods.values())

    def assert_only_the_ordinary_pod_is_reviewed(self, ns, webhook):
        before = reviews_answered()
        pods = self.never_sent_pods()
        CLUSTER.kubectl("create", "-n", ns, "-f", "-", stdin=json.dumps({"apiVersion": "v1", "kind": "List",
                                                                          "items": pods}))
        CLUSTER.create(gunicorn_pod("ordinary"), ns)
        events = {e["objectRef"]["name"]: e for e in CLUSTER.audit_events(ns)}
        for pod in pods:
            self.assertEqual([], kube.mutation_rounds(events[pod["metadata"]["name"]]), pod["metadata"]["name"])
        calls = kube.mutation_rounds(events["ordinary"])
        self.assertEqual(webhook, calls[0][1])
        # The ordinary pod was created last: once its reviews are counted, the others' would be too.
        expected = before + len(calls)
        wait_until(lambda: reviews_answered() >= expected, 10, "the ordinary pod's reviews counted")
        self.assertEqual(expected, reviews_answered())

    def test_mirror_windows_opted_out_and_own_pods_never_reach_the_mutating_webhook(self):
        self.assert_only_the_ordinary_pod_is_reviewed(CLUSTER.namespace("pid1-never-sent", inject="enabled"),
                                                      "mutate.pid1.io")

    def test_mirror_windows_opted_out_and_own_pods_never_reach_the_audit_webhook(self):
        self.assert_only_the_ordinary_pod_is_reviewed(CLUSTER.namespace("pid1-never-audited", inject="audit"),
                                                      "audit.pid1.io")


class SelfManagedTlsPolicyTest(unittest.TestCase):
    """deploy/overlays/self-managed-tls applied for real. The packaged webhook, started as its
    ServiceAccount (a token the API server issued), fills the shared Secret and sets the caBundle;
    with the same token, every other change to a webhook configuration is refused, and without
    the ValidatingAdmissionPolicy's binding the same changes go through: RBAC alone cannot say
    which fields a patch may change."""
    OVERLAY = os.path.join(kube.REPO_ROOT, "deploy", "overlays", "self-managed-tls")
    POLICY = "pid1-injector-cabundle-only"

    @classmethod
    def setUpClass(cls):
        # The test's own registration of pid1-injector gives way to the overlay's (clientConfig.service).
        CLUSTER.kubectl("delete", "mutatingwebhookconfiguration", WEBHOOK_CONFIG)
        cls.objects = kube.shipped_objects(cls.OVERLAY, CLUSTER)
        try:
            CLUSTER.kubectl("apply", "--server-side", "-f", "-", stdin=as_list(cls.objects))
            cls.as_webhook = CLUSTER.service_account_kubeconfig("pid1-system", "pid1-injector")
            cls.wait_for_the_policy(enforced=True)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        kept = [o for o in cls.objects if o["kind"] != "Namespace"]
        CLUSTER.kubectl("delete", "--ignore-not-found", "--wait=false", "-f", "-", stdin=as_list(kept))
        point_webhook_at(webhook_url())
        wait_until_fixing("pid1-probe")

    @classmethod
    def wait_for_the_policy(cls, enforced):
        """The API server enforces a policy (or stops) a moment after its binding is stored (or deleted)."""
        change = [replace(0, "timeoutSeconds", 29)]  # a value no test sets: never a no-op, which is allowed
        wait_until(lambda: (cls.POLICY in cls.patch_as_webhook(change, dry_run=True).stderr) == enforced, 30,
                   "the API server " + ("enforces" if enforced else "drops") + " the policy")

    @classmethod
    def patch_as_webhook(cls, operations, name=WEBHOOK_CONFIG, kind="mutatingwebhookconfiguration", dry_run=False):
        return CLUSTER.kubectl("patch", kind, name, "--type=json", "-p", json.dumps(operations),
                               *(["--dry-run=server"] if dry_run else []), check=False, kubeconfig=cls.as_webhook)

    def assert_refused_by_the_policy(self, operations, message):
        proc = self.patch_as_webhook(operations)
        self.assertNotEqual(0, proc.returncode, f"{operations} was allowed")
        self.assertIn(f"ValidatingAdmissionPolicy '{self.POLICY}'", proc.stderr)
        self.assertIn(message, proc.stderr)

    def test_the_webhook_sets_the_cabundle_as_its_service_account(self):
        with WebhookServer(env={"PID1_TLS_AUTO": "true", "KUBECONFIG": self.as_webhook,
                                "PID1_NAMESPACE": "pid1-system", **STOP_AT_ONCE}) as auto_tls:
            ca = open(os.path.join(auto_tls.tls_dir, "ca.crt")).read()
            log = auto_tls.logs()
        self.assertIn("caBundle set on mutate.pid1.io, audit.pid1.io", log)
        secret = CLUSTER.get("-n", "pid1-system", "secret", "pid1-injector-ca")
        self.assertEqual(ca, base64.b64decode(secret["data"]["ca.crt"]).decode())
        stored = CLUSTER.get("mutatingwebhookconfiguration", WEBHOOK_CONFIG)
        for webhook in stored["webhooks"]:
            self.assertEqual(ca, base64.b64decode(webhook["clientConfig"]["caBundle"]).decode(), webhook["name"])
        # The same token may set the caBundle again, here to the CA followed by another.
        again = base64.b64encode((ca + ca).encode()).decode()
        proc = self.patch_as_webhook([replace(0, "clientConfig/caBundle", again)])
        self.assertEqual(0, proc.returncode, proc.stderr)

    def test_every_other_change_by_the_same_token_is_refused(self):
        self.assert_refused_by_the_policy([replace(0, "failurePolicy", "Fail")], "how a webhook's answer is used")
        self.assert_refused_by_the_policy([replace(0, "timeoutSeconds", 30)], "how a webhook's answer is used")
        self.assert_refused_by_the_policy([replace(0, "rules/0/operations", ["CREATE", "UPDATE"])],
                                          "which requests a webhook is sent")
        self.assert_refused_by_the_policy([{"op": "remove", "path": "/webhooks/0/matchConditions"}],
                                          "which requests a webhook is sent")
        self.assert_refused_by_the_policy([replace(0, "clientConfig/service/name", "elsewhere")],
                                          "where a webhook is called")
        self.assert_refused_by_the_policy([{"op": "remove", "path": "/webhooks/1"}],
                                          "add, remove, rename or reorder webhooks")
        self.assert_refused_by_the_policy([{"op": "add", "path": "/metadata/labels/owner", "value": "me"}],
                                          "labels, annotations, finalizers or owners")
        # Another configuration, the policy itself, deleting this one: RBAC refuses before any policy runs.
        for args in (["patch", "validatingwebhookconfiguration", WEBHOOK_CONFIG, "--type=json", "-p", "[]"],
                     ["patch", "validatingadmissionpolicy", self.POLICY, "--type=merge", "-p",
                      '{"spec": {"failurePolicy": "Ignore"}}'],
                     ["delete", "mutatingwebhookconfiguration", WEBHOOK_CONFIG]):
            proc = CLUSTER.kubectl(*args, check=False, kubeconfig=self.as_webhook)
            self.assertIn("Forbidden", proc.stderr, args)

    def test_without_the_policy_rbac_lets_the_same_token_change_anything(self):
        CLUSTER.kubectl("delete", "validatingadmissionpolicybinding", self.POLICY)
        try:
            self.wait_for_the_policy(enforced=False)
            operations = [replace(0, "failurePolicy", "Fail"), replace(0, "rules/0/operations", ["*"])]
            proc = self.patch_as_webhook(operations)
            self.assertEqual(0, proc.returncode, proc.stderr)
            stored = CLUSTER.get("mutatingwebhookconfiguration", WEBHOOK_CONFIG)["webhooks"][0]
            self.assertEqual(("Fail", ["*"]), (stored["failurePolicy"], stored["rules"][0]["operations"]))
        finally:
            binding = [o for o in self.objects if o["kind"] == "ValidatingAdmissionPolicyBinding"]
            CLUSTER.kubectl("apply", "--server-side", "-f", "-", stdin=as_list(binding))
            self.wait_for_the_policy(enforced=True)


def as_list(objects):
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": objects})


def replace(index, path, value):
    """A JSON patch operation on webhook ``index`` of a configuration."""
    return {"op": "replace", "path": f"/webhooks/{index}/{path}", "value": value}


class SlowServer:
    """Accepts TLS connections with the webhook's certificate and never answers."""

    def __init__(self):
        self.port = free_port()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(os.path.join(WEBHOOK.tls_dir, "tls.crt"), os.path.join(WEBHOOK.tls_dir, "tls.key"))
        self.sock = context.wrap_socket(socket.create_server(("127.0.0.1", self.port)), server_side=True)
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


class WebhookDownTest(unittest.TestCase):
    """The shipped failurePolicy (Ignore) and timeoutSeconds (5): a webhook that is down or
    hangs costs a pod at most the timeout, never its creation."""

    @classmethod
    def setUpClass(cls):
        cls.ns = CLUSTER.namespace("pid1-down", inject="enabled")

    @classmethod
    def tearDownClass(cls):
        point_webhook_at(webhook_url())
        wait_until_fixing(cls.ns)

    def create_while_failing(self, name):
        """Creates pods until one comes back unfixed: the API server has picked the broken
        configuration up (it does so a moment after it is stored). Returns that pod as stored,
        the seconds its creation took and its audit event."""
        attempts = []

        def attempt():
            attempts.append(f"{name}-{len(attempts) + 1}")
            start = time.monotonic()
            stored, _ = CLUSTER.create(gunicorn_pod(attempts[-1]), self.ns)
            return None if is_fixed(stored) else (stored, time.monotonic() - start)
        stored, took = wait_until(attempt, 60, "the API server uses the broken configuration")
        event = [e for e in CLUSTER.audit_events(self.ns) if e["objectRef"].get("name") == attempts[-1]][-1]
        return stored, took, event

    def assert_failed_open(self, stored, event):
        self.assertFalse(is_fixed(stored))
        self.assertEqual(201, event["responseStatus"]["code"])
        failed_open = [v for k, v in event["annotations"].items()
                       if k.startswith("failed-open.mutation.webhook.admission.k8s.io/")]
        self.assertEqual(["mutate.pid1.io"], failed_open, event["annotations"])

    def test_a_stopped_webhook_lets_pods_through_unfixed(self):
        point_webhook_at(f"https://127.0.0.1:{free_port()}")
        stored, took, event = self.create_while_failing("while-stopped")
        self.assert_failed_open(stored, event)
        self.assertLess(took, 5)

    def test_a_webhook_that_never_answers_lets_pods_through_unfixed_after_its_timeout(self):
        slow = SlowServer()
        try:
            point_webhook_at(f"https://127.0.0.1:{slow.port}")
            stored, took, event = self.create_while_failing("while-slow")
        finally:
            slow.close()
        self.assert_failed_open(stored, event)
        self.assertGreaterEqual(took, 4.5, "the API server did not wait for the webhook")
        self.assertLess(took, 5 + 10)


class ValidationTest(unittest.TestCase):
    """Everything the engine writes must pass the API server's validation: a rejected pod is
    the worst a webhook that promises never to block pods can do."""

    @classmethod
    def setUpClass(cls):
        cls.ns = CLUSTER.namespace("pid1-validate")

    def dry_run_all(self, chunks):
        """Creates every pod of ``chunks`` (YAML or JSON texts, as a user would pipe them to
        kubectl) with a server-side dry run, one kubectl per chunk, all at once: nothing is stored,
        so names may repeat. Returns the rejections (kubectl's error lines) and the names of the
        pods accepted."""
        def dry_run(manifests):
            return CLUSTER.kubectl("create", "-n", self.ns, "--dry-run=server", "-o", "name", "-f", "-",
                                   check=False, timeout=1200, stdin=manifests)
        with concurrent.futures.ThreadPoolExecutor(len(chunks)) as pool:
            procs = list(pool.map(dry_run, chunks))
        errors = [line for proc in procs for line in proc.stderr.splitlines() if not line.startswith("Warning: ")]
        return errors, [name for proc in procs for name in proc.stdout.split()]

    def test_every_golden_output_is_accepted(self):
        # The files as written, read by kubectl: a YAML 1.1 reader would take an unquoted 5:5 for 305.
        # Each is created in this test's namespace: a golden's own (a mirror pod's kube-system) is dropped.
        paths = sorted(glob.glob(os.path.join(GOLDEN, "*", "out.yaml")))
        self.assertGreaterEqual(len(paths), 80)
        pods = [re.sub(r"(?m)^  namespace: .*\n", "", open(p).read()) for p in paths]
        half = len(pods) // 2
        errors, stored = self.dry_run_all(["\n---\n".join(pods[:half]), "\n---\n".join(pods[half:])])
        self.assertEqual([], errors)
        self.assertEqual(len(paths), len(stored))

    def test_a_thousand_generated_pods_fixed_by_the_cli_are_accepted(self):
        pods = generated.pods(1200)
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            json.dump({"apiVersion": "v1", "kind": "List", "items": pods}, f)
            f.flush()
            proc = subprocess.run(["java", "-jar", SERVER_JAR, "mutate", "--offline", "-f", f.name],
                                  cwd=kube.REPO_ROOT, capture_output=True, text=True, timeout=600)
        self.assertEqual(0, proc.returncode, proc.stderr[-2000:])
        # Counted here (libyaml's parser: the pure-Python one takes seconds); the API server gets the
        # CLI's output as printed: mutate | kubectl create.
        fixed = yaml.load(proc.stdout, Loader=yaml.CSafeLoader)["items"]
        self.assertEqual(len(pods), len(fixed))
        changed = [p for p in fixed if "pid1.io/status" in (p["metadata"].get("annotations") or {})]
        self.assertGreaterEqual(len(changed), 1000)
        errors, stored = self.dry_run_all(split_list(proc.stdout, 2))
        self.assertEqual([], errors[:20], f"{len(errors)} rejected")
        self.assertEqual(len(pods), len(stored))


def split_list(text, parts):
    """A YAML List as printed by the CLI, cut into ``parts`` Lists of consecutive items, each
    item's text unchanged (an item starts with ``  - `` at the top level of ``items:``)."""
    head, _, body = text.partition("\nitems:\n")
    items = [item for item in re.split(r"(?m)^(?=  - )", body) if item]
    size = -(-len(items) // parts)
    return [head + "\nitems:\n" + "".join(items[i:i + size]) for i in range(0, len(items), size)]


class SidecarWebhook:
    """A second mutating webhook, as a service mesh or an agent injector would be: it appends a
    celery container to every pod it is sent (registered after ours: configurations are
    called in the order of their names)."""
    CONFIG = "zz-pid1-e2e-sidecar"
    WORKER = {"name": "worker", "image": "registry.example/app:1",
              "command": ["sh", "-c", "cd /app && celery -A tasks worker --concurrency 1"]}

    def __init__(self, selector):
        handler = self._handler()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(os.path.join(WEBHOOK.tls_dir, "tls.crt"), os.path.join(WEBHOOK.tls_dir, "tls.key"))
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        ca = open(os.path.join(WEBHOOK.tls_dir, "ca.crt")).read().encode()
        register({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
                  "metadata": {"name": self.CONFIG},
                  "webhooks": [{"name": "sidecar.e2e.pid1.io", "admissionReviewVersions": ["v1"],
                                "sideEffects": "None", "failurePolicy": "Fail", "timeoutSeconds": 5,
                                "reinvocationPolicy": "Never",
                                "clientConfig": {"url": f"https://127.0.0.1:{self.server.server_port}/add",
                                                 "caBundle": base64.b64encode(ca).decode()},
                                "rules": [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"],
                                           "resources": ["pods"], "scope": "Namespaced"}],
                                "namespaceSelector": {"matchLabels": selector}}]})

    def _handler(self):
        worker = self.WORKER

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                review = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                patch = [{"op": "add", "path": "/spec/containers/-", "value": worker}]
                body = json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                                   "response": {"uid": review["request"]["uid"], "allowed": True,
                                                "patchType": "JSONPatch",
                                                "patch": base64.b64encode(json.dumps(patch).encode()).decode()}})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass
        return Handler

    def close(self):
        CLUSTER.kubectl("delete", "mutatingwebhookconfiguration", self.CONFIG, check=False)
        self.server.shutdown()
        self.server.server_close()


class ReinvocationTest(unittest.TestCase):
    count = 0

    def test_a_container_added_by_a_later_webhook_is_fixed_on_reinvocation_without_double_injection(self):
        ns = CLUSTER.namespace("pid1-reinvoke", inject="enabled", labels={"pid1-e2e/sidecar": "on"})
        sidecar = SidecarWebhook({"pid1-e2e/sidecar": "on"})
        try:
            stored = wait_until(lambda: self.create_with_worker(ns), 30, "the sidecar webhook is called")
        finally:
            sidecar.close()
        spec = stored["spec"]
        self.assertEqual(["web", "worker"], [c["name"] for c in spec["containers"]])
        self.assertEqual(["pid1-init"], [c["name"] for c in spec["initContainers"]])
        self.assertEqual(1, [v["name"] for v in spec["volumes"]].count("pid1-bin"))
        web, worker = spec["containers"]
        self.assertEqual(1, web["command"].count("/.pid1/tini"), web["command"])
        self.assertEqual(["/.pid1/tini", "--", "celery"], worker["command"][:3], worker["command"])
        status = json.loads(stored["metadata"]["annotations"]["pid1.io/status"])
        self.assertEqual({"web", "worker"}, set(status["containers"]))
        event = [e for e in CLUSTER.audit_events(ns) if e["objectRef"].get("name") == stored["metadata"]["name"]][-1]
        self.assertEqual([(0, "mutate.pid1.io", True), (0, "sidecar.e2e.pid1.io", True), (1, "mutate.pid1.io", True)],
                         kube.mutation_rounds(event))

    def create_with_worker(self, ns):
        ReinvocationTest.count += 1
        stored, _ = CLUSTER.create(gunicorn_pod(f"reinvoked-{self.count}"), ns)
        return stored if len(stored["spec"]["containers"]) == 2 else None


class StoredAdmission:
    """The webhook as scenarios.run_scenario calls it, but through the API server: each pod is
    created in a namespace labelled for the webhook and handed on as the API server stored it."""

    def __init__(self, namespace):
        self.namespace = namespace
        self.count = 0

    def mutate(self, pod):
        self.count += 1
        pod = copy.deepcopy(pod)
        pod.pop("status", None)
        metadata = {k: v for k, v in pod["metadata"].items() if k in ("labels", "annotations")}
        metadata["name"] = f"{pod['metadata']['name']}-{self.count}"
        pod["metadata"] = metadata
        # The pod runner mounts no API token: the only field changed from the scenario's pod.
        pod["spec"]["automountServiceAccountToken"] = False
        stored, warnings = CLUSTER.create(pod, self.namespace)
        event = [e for e in CLUSTER.audit_events(self.namespace) if e["objectRef"].get("name") == metadata["name"]][-1]
        mutated = webhook_mutations(event).get("mutate.pid1.io", False)
        return Admission(pod=stored, patch=["the API server applied a patch"] if mutated else None,
                         warnings=warnings)


class StoredPodRunTest(unittest.TestCase):
    """The end-to-end scenarios (../scenarios.py), each fixed run on the pod the API server
    stored: with its defaults, the webhook's patch applied by the API server, read back. Only the
    fixed run: the run as written, which must show the bug, is the same as in ../run.sh."""
    # Not shim-celery: it needs port 9091 of the host, which a suite running beside this one may hold.
    SCENARIOS = ["gunicorn-shell", "nginx", "celery", "shim-hung-workers", "shim-nginx-drain"]

    @classmethod
    def setUpClass(cls):
        scenarios.build_probe()
        cls.shim_root = tempfile.mkdtemp(prefix="pid1-shim-image-")
        scenarios.build_shim_image(cls.shim_root)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.shim_root, ignore_errors=True)

    def test_the_scenarios_run_their_pods_as_the_api_server_stored_them(self):
        admission = StoredAdmission(CLUSTER.namespace("pid1-stored", inject="enabled"))
        for scenario in [s for s in scenarios.SCENARIOS if s.name in self.SCENARIOS]:
            with self.subTest(scenario.name):
                self.assertTrue(self.run_fixed(scenario, admission))

    @staticmethod
    def run_fixed(scenario, admission):
        """scenarios.run_scenario without the run as written: True when the API server changed
        the pod and the pod it stored shows the fix."""
        with contextlib.ExitStack() as stack:
            tmp = tempfile.mkdtemp(prefix=f"e2e-{scenario.name}-")
            stack.callback(shutil.rmtree, tmp, True)
            ctx = scenarios.Ctx(tmp, stack, REGISTRY)
            written, images = scenario.build(ctx)
            admitted = admission.mutate(written)
            for w in admitted.warnings:
                print(f"     {scenario.name:<20} warning: {w}", flush=True)
            fixed = scenarios.run_pod("fixed", scenario, admitted.pod, images, ctx)
            reason = scenario.fixed(fixed) if admitted.patch else "the API server stored the pod unchanged"
            scenarios.report(scenario, fixed, reason)
            return reason is None


class TimedResult(unittest.TextTestResult):
    """Also prints the seconds each test took: where the suite's minutes go."""

    def startTest(self, test):
        self.started = time.monotonic()
        super().startTest(test)

    def stopTest(self, test):
        super().stopTest(test)
        self.stream.writeln(f"     {time.monotonic() - self.started:.1f} s")


def main(names):
    """Runs the named test classes (all when none is named); prints ``N passed, N failed``."""
    module = sys.modules[__name__]
    loader = unittest.defaultTestLoader
    suite = loader.loadTestsFromNames(names, module) if names else loader.loadTestsFromModule(module)
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout, resultclass=TimedResult).run(suite)
    # A subtest's id is its test's id and " (…)"; a failed setUpModule's is "setUpModule (…)".
    failed = {test.id().split(" ")[0] for test, _ in result.failures + result.errors}
    passed = result.testsRun - len([t for t in failed if t.count(".") >= 2]) - len(result.skipped)
    print(f"{passed} passed, {len(failed)} failed", flush=True)
    return 0 if not failed and result.testsRun else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
