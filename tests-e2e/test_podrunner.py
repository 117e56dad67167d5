"""Checks that the pod runner keeps the Kubernetes and container-runtime semantics the
scenarios depend on (run as root: /usr/bin/python3 -m unittest test_podrunner)."""
import os
import shutil
import socket
import tempfile
import time
import unittest

from admission import free_port
from podrunner import Image, PodError, PodRunner, count_zombies, expand, wait_until

INIT_IMAGE = Image(files={"/tini": "/usr/bin/tini-static", "/busybox": "/bin/busybox"})


def commands(cmdline, within=2.0):
    """PIDs of the processes whose /proc/PID/cmdline is exactly ``cmdline``, still there after ``within`` seconds:
    a process killed a moment ago may not have exited yet on a loaded machine."""
    wait_until(lambda: not running(cmdline), within, step=0.05)
    return running(cmdline)


def running(cmdline):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline") as f:
                if f.read() == cmdline:
                    found.append(pid)
        except OSError:
            pass
    return found


def pod(containers, **spec):
    return {"metadata": {"name": "t"},
            "spec": {"terminationGracePeriodSeconds": 3, "containers": containers, **spec}}


def sh(script, name="main", **extra):
    return {"name": name, "image": "host", "command": ["sh", "-c", script], **extra}


class ExpandTest(unittest.TestCase):
    def test_kubernetes_expansion_rules(self):
        env = {"A": "x", "B": "y"}
        cases = [("$(A)", "x"), ("$(A)-$(B)", "x-y"), ("$$(A)", "$(A)"), ("$(C)", "$(C)"),
                 ("$A", "$A"), ("a$", "a$"), ("$(A", "$(A"), ("$$", "$"), ("$$$$", "$$")]
        for text, expected in cases:
            with self.subTest(text=text):
                self.assertEqual(expected, expand(text, env))


class RunnerTest(unittest.TestCase):
    def setUp(self):
        self.out = tempfile.mkdtemp()
        os.chmod(self.out, 0o777)
        self.addCleanup(shutil.rmtree, self.out)

    def volume(self):
        return {"name": "out", "hostPath": {"path": self.out}}

    def read(self, name):
        with open(os.path.join(self.out, name)) as f:
            return f.read().strip()

    def test_argv_is_pid1_with_env_expansion_and_working_dir(self):
        c = sh("echo $$$$ $$(pwd) $(V) > /out/r; sleep 30", env=[{"name": "V", "value": "v1"}],
               workingDir="/tmp", volumeMounts=[{"name": "out", "mountPath": "/out"}])
        with PodRunner(pod([c], volumes=[self.volume()])) as r:
            time.sleep(0.5)
            self.assertEqual("1 /tmp v1", self.read("r"))
            r.stop()

    def test_image_entrypoint_cmd_and_stop_signal(self):
        image = Image(entrypoint=["sh", "-c"], cmd=["exit 9"], stop_signal="SIGQUIT")
        c = {"name": "main", "image": "img", "args": ["trap 'exit 3' QUIT; sleep 30 & wait"]}
        with PodRunner(pod([c]), {"img": image}) as r:
            time.sleep(0.5)
            result = r.stop()["main"]
        self.assertEqual(("SIGQUIT", 3), (result.stop_signal, result.exit_code))

    def test_pid1_ignoring_term_is_killed_at_grace_end(self):
        with PodRunner(pod([sh("sleep 30; true")])) as r:
            time.sleep(0.3)
            result = r.stop()["main"]
        self.assertEqual("killed", result.exit_code)
        self.assertGreaterEqual(result.stop_seconds, 2.9)

    def test_prestop_time_counts_against_grace(self):
        c = sh("trap 'exit 0' TERM; sleep 30 & wait",
               lifecycle={"preStop": {"sleep": {"seconds": 2}}})
        with PodRunner(pod([c])) as r:
            time.sleep(0.3)
            result = r.stop()["main"]
        self.assertEqual(0, result.exit_code)
        self.assertGreaterEqual(result.prestop_seconds, 2)
        self.assertLess(result.stop_seconds, 3)

    def test_init_image_rootfs_read_only_root_and_mount_and_non_root_check(self):
        init = {"name": "init", "image": "init",
                "command": ["/busybox", "sh", "-c", "/busybox cp /tini /bin/ && ! > /x"],
                "securityContext": {"readOnlyRootFilesystem": True},
                "volumeMounts": [{"name": "bin", "mountPath": "/bin"}]}
        c = sh("/.bin/tini -- true; touch /.bin/x || echo ro > /out/r; sleep 30",
               volumeMounts=[{"name": "bin", "mountPath": "/.bin", "readOnly": True},
                             {"name": "out", "mountPath": "/out"}])
        spec = {"initContainers": [init], "volumes": [{"name": "bin", "emptyDir": {}},
                                                      self.volume()]}
        with PodRunner(pod([c], **spec), {"init": INIT_IMAGE}) as r:
            time.sleep(0.5)
            self.assertEqual("ro", self.read("r"))
            r.stop()
        self.assertFalse(os.path.exists("/.bin"))
        init["securityContext"]["runAsNonRoot"] = True
        with self.assertRaises(PodError):
            with PodRunner(pod([c], **spec), {"init": INIT_IMAGE}):
                pass

    def test_an_unpacked_image_is_the_root_with_the_containers_own_proc(self):
        root = tempfile.mkdtemp(prefix="podrunner-image-")
        self.addCleanup(shutil.rmtree, root, True)
        shutil.copy2("/bin/busybox", os.path.join(root, "busybox"))
        c = {"name": "main", "image": "unpacked",
             "command": ["/busybox", "sh", "-c", "/busybox tr '\\0' ' ' </proc/1/cmdline >/out/r; sleep 30"],
             "securityContext": {"readOnlyRootFilesystem": True},
             "volumeMounts": [{"name": "out", "mountPath": "/out"}]}
        with PodRunner(pod([c], volumes=[self.volume()]), {"unpacked": Image(root=root)}) as r:
            wait_until(lambda: os.path.exists(os.path.join(self.out, "r")), 5)
            time.sleep(0.2)
            self.assertTrue(self.read("r").startswith("/busybox sh -c"), self.read("r"))
            r.stop()

    def test_a_pod_ending_keeps_the_host_mount_point_another_pod_mounts_onto(self):
        """Scenarios run side by side: the first pod's cleanup must not remove (and so detach)
        the mount point on the host that the second pod's container still mounts onto."""
        c = sh("sleep 30", volumeMounts=[{"name": "out", "mountPath": "/.shared-mount/out"}])
        spec = {"volumes": [self.volume()]}
        first = PodRunner(pod([c], **spec)).__enter__()
        with PodRunner(pod([c], **spec)) as second:
            first.__exit__(None, None, None)
            code, _ = second.exec_in("main", ["test", "-d", "/.shared-mount/out"], 5)
            self.assertEqual(0, code)
            with open(os.path.join(self.out, "seen"), "w"):
                pass
            code, _ = second.exec_in("main", ["test", "-e", "/.shared-mount/out/seen"], 5)
            self.assertEqual(0, code, "the second pod's mount was detached")
            second.stop()
        self.assertFalse(os.path.exists("/.shared-mount"))

    def test_zombies_counted_and_shared_namespace_reaps_them(self):
        script = "sh -c 'sleep 0.1 & exit 0'; exec sleep 30"
        for share, expected in ((False, 1), (True, 0)):
            with self.subTest(share=share):
                c = {"name": "main", "image": "host",
                     "command": ["python3", "-c", f"import os; os.system({script!r})"]}
                with PodRunner(pod([c], shareProcessNamespace=share)) as r:
                    time.sleep(1.5)
                    ns_init = r.pause.pid if r.pause else r.processes["main"].pid
                    self.assertEqual(expected, count_zombies(ns_init))
                    r.stop()

    def test_native_sidecar_runs_beside_and_stops_after_the_containers(self):
        side = sh("trap 'date +%s.%N > /out/side; exit 0' TERM; sleep 30 & wait", name="side",
                  restartPolicy="Always", volumeMounts=[{"name": "out", "mountPath": "/out"}],
                  startupProbe={"exec": {"command": ["true"]}, "periodSeconds": 1})
        main = sh("trap 'sleep 1; date +%s.%N > /out/main; exit 0' TERM; sleep 30 & wait",
                  volumeMounts=[{"name": "out", "mountPath": "/out"}])
        with PodRunner(pod([main], initContainers=[side], volumes=[self.volume()])) as r:
            time.sleep(0.5)
            results = r.stop()
        self.assertEqual((0, 0), (results["main"].exit_code, results["side"].exit_code))
        self.assertLess(float(self.read("main")), float(self.read("side")))

    def test_native_sidecars_start_in_order_each_after_the_last_ones_startup_probe(self):
        mount = {"volumeMounts": [{"name": "out", "mountPath": "/out"}]}
        first = sh("sleep 1.5; date +%s.%N > /out/first-up; exec sleep 30", name="first",
                   restartPolicy="Always", **mount,
                   startupProbe={"exec": {"command": ["test", "-e", "/out/first-up"]}, "periodSeconds": 1,
                                 "failureThreshold": 10})
        second = sh("date +%s.%N > /out/second; exec sleep 30", name="second", restartPolicy="Always",
                    **mount)
        main = sh("date +%s.%N > /out/main; exec sleep 30", **mount)
        with PodRunner(pod([main], initContainers=[first, second], volumes=[self.volume()])) as r:
            self.assertTrue(wait_until(lambda: os.path.exists(os.path.join(self.out, "main")), 5))
            r.stop()
        self.assertLess(float(self.read("first-up")), float(self.read("second")))
        self.assertLessEqual(float(self.read("second")), float(self.read("main")))

    def test_job_pod_completes_when_its_containers_exit_then_stops_its_sidecars_in_reverse_order(self):
        mount = {"volumeMounts": [{"name": "out", "mountPath": "/out"}]}

        def side(name):
            return sh(f"trap 'date +%s.%N > /out/{name}; exit 0' TERM; sleep 30 & wait", name=name,
                      restartPolicy="Always", **mount)
        main = sh("sleep 0.5; date +%s.%N > /out/main", **mount)
        spec = {"restartPolicy": "Never", "volumes": [self.volume()]}
        with PodRunner(pod([main], initContainers=[side("a"), side("b")], **spec)) as r:
            completed = r.wait_completed(10)
            results = r.results
        self.assertIsNotNone(completed)
        self.assertEqual((0, 0, 0), (results["main"].exit_code, results["a"].exit_code,
                                     results["b"].exit_code))
        self.assertLess(float(self.read("main")), float(self.read("b")))
        self.assertLess(float(self.read("b")), float(self.read("a")))

    def test_job_pod_with_a_sidecar_written_as_a_container_never_completes(self):
        side = sh("sleep 30", name="side")
        with PodRunner(pod([sh("exit 0"), side], restartPolicy="Never")) as r:
            self.assertIsNone(r.wait_completed(2))
            self.assertFalse(r.processes["side"].exited.is_set())
            r.stop()

    def test_pod_has_its_own_network_namespace(self):
        port = free_port()
        c = {"name": "main", "image": "host",
             "command": ["python3", "-m", "http.server", "--bind", "0.0.0.0", str(port)]}
        with PodRunner(pod([c])) as r:
            deadline = time.monotonic() + 10
            while True:
                try:
                    r.net.connect(port, 1).close()
                    break
                except OSError:
                    self.assertLess(time.monotonic(), deadline, "server not reachable in pod")
                    time.sleep(0.2)
            with self.assertRaises(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            r.stop()

    def test_probes_record_verdicts_and_liveness_failure(self):
        c = sh("sleep 30", livenessProbe={"exec": {"command": ["test", "-e", "/nope"]},
                                          "periodSeconds": 1, "failureThreshold": 2},
               readinessProbe={"tcpSocket": {"port": 1}, "periodSeconds": 1})
        with PodRunner(pod([c])) as r:
            time.sleep(2.5)
            result = r.results["main"]
            self.assertIsNotNone(result.first_event("liveness failed"))
            self.assertFalse(any(ok for _, ok in result.verdicts("readinessProbe")))
            r.stop()

    def test_failed_liveness_kills_the_container_and_starts_it_again_unless_restart_policy_never(self):
        script = "echo x >> /out/starts; trap '' TERM; sleep 30 & wait"
        probes = {"startupProbe": {"exec": {"command": ["true"]}, "periodSeconds": 1},
                  "livenessProbe": {"exec": {"command": ["false"]}, "periodSeconds": 1,
                                    "failureThreshold": 1, "terminationGracePeriodSeconds": 2},
                  "lifecycle": {"preStop": {"exec": {"command": ["sh", "-c", "echo x >> /out/prestop"]}}},
                  "volumeMounts": [{"name": "out", "mountPath": "/out"}]}
        spec = {"volumes": [self.volume()], "terminationGracePeriodSeconds": 10}
        with PodRunner(pod([sh(script, **probes)], **spec)) as r:
            result = r.results["main"]
            self.assertTrue(wait_until(lambda: len(result.restarts) >= 2, 20), result.summary())
        first = result.restarts[0]
        self.assertEqual(("SIGTERM", "killed"), (first.stop.stop_signal, first.stop.exit_code))
        self.assertIsNotNone(first.stop.prestop_seconds)
        self.assertLess(first.stop.stop_seconds, 5, "the probe's grace period, not the pod's 10 s")
        self.assertIsNotNone(first.started_at)
        events = [text for _, text in result.events]
        self.assertEqual(["started", "liveness failed", "restarted", "started", "liveness failed"],
                         events[:5], "the startup probe gates liveness again after a restart")
        self.assertGreaterEqual(len(self.read("starts").split()), 2)
        self.assertGreaterEqual(len(self.read("prestop").split()), 1)
        os.unlink(os.path.join(self.out, "starts"))
        with PodRunner(pod([sh(script, **probes)], restartPolicy="Never", **spec)) as r:
            result = r.results["main"]
            self.assertTrue(wait_until(lambda: r.processes["main"].exited.is_set(), 10))
            time.sleep(1.5)
        self.assertEqual((1, None), (len(result.restarts), result.restarts[0].started_at))
        self.assertEqual("x", self.read("starts"))

    def test_exec_probe_runs_as_the_container_user_and_its_timeout_kills_it(self):
        c = sh("sleep 30", securityContext={"runAsUser": 65534, "runAsGroup": 65534},
               livenessProbe={"exec": {"command": ["sh", "-c", "id -u; sleep 20"]},
                              "periodSeconds": 30, "timeoutSeconds": 1})
        with PodRunner(pod([c])) as r:
            started = time.monotonic()
            ok, detail = r._handler(c, c["livenessProbe"], 1)
            self.assertLess(time.monotonic() - started, 3, "the probe outlived its timeoutSeconds")
            self.assertFalse(ok)
            self.assertIn("timeout", detail)
            code, out = r.exec_in("main", ["id", "-u"], 5)
            self.assertEqual((0, "65534"), (code, out.strip()))
            self.assertEqual([], commands("sleep\0" + "20\0"), "the timed-out probe's command still runs")
            r.stop()

    def test_subpath_mounts_one_file_of_a_volume(self):
        init = {"name": "init", "image": "init",
                "command": ["/busybox", "cp", "/tini", "/busybox", "/bin/"],
                "volumeMounts": [{"name": "bin", "mountPath": "/bin"}]}
        c = sh("ls /.bin > /out/r; sleep 30",
               volumeMounts=[{"name": "bin", "mountPath": "/.bin/tini", "subPath": "tini",
                              "readOnly": True},
                             {"name": "out", "mountPath": "/out"}])
        spec = {"initContainers": [init], "volumes": [{"name": "bin", "emptyDir": {}},
                                                      self.volume()]}
        with PodRunner(pod([c], **spec), {"init": INIT_IMAGE}) as r:
            time.sleep(0.5)
            self.assertEqual("tini", self.read("r"))
            code, out = r.exec_in("main", ["/.bin/tini", "--version"], 5)
            self.assertEqual(0, code, out)
            r.stop()
        self.assertFalse(os.path.exists("/.bin"))


if __name__ == "__main__":
    unittest.main()
