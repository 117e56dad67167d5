"""A pod runner: the parts of the kubelet and a container runtime that decide how a pod
starts, is probed and stops, reproduced on this machine with real processes.

Each container runs in its own mount namespace and (unless the pod shares one) its own
PID namespace, so its argv is PID 1 exactly as in a container. Images are either the host
filesystem (the "image" is this machine, plus the scenario's ENTRYPOINT/CMD/STOPSIGNAL) or
a tiny root filesystem built from a few host files, entered with chroot.

The runner knows Kubernetes semantics only; it knows nothing about what the webhook writes.
Run as root. Internal entry points (``_shim``, ``_pause``) are used by the runner itself.
"""
import ctypes
import fcntl
import http.client
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
HOST_PYTHON = "/usr/bin/python3"
MIN_GRACE_AFTER_PRESTOP = 2
# Mount points this runner made in the host's filesystem -> how many pods mount onto them. Removing
# one that another pod mounts onto would detach that pod's mount (Linux >= 3.18), so the last pod
# removes it.
_HOST_MOUNT_POINTS = {}
_HOST_MOUNT_POINTS_LOCK = threading.Lock()

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
CLONE_NEWPID = 0x20000000
SIOCSIFFLAGS, IFF_UP, IFF_LOOPBACK, IFF_RUNNING = 0x8914, 0x1, 0x8, 0x40
PR_SET_PDEATHSIG = 1
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18


@dataclass
class Image:
    """What the runner needs of an OCI image config. ``files`` (path in image -> host file)
    makes a minimal root filesystem; ``root`` is an unpacked image's root filesystem, used as
    it is (each container mounts its own /proc there); without either the image is the host
    filesystem."""
    entrypoint: list = field(default_factory=list)
    cmd: list = field(default_factory=list)
    stop_signal: str = "SIGTERM"
    working_dir: str = "/"
    env: dict = field(default_factory=dict)
    user: str = "0"
    files: dict = None
    root: str = None


class PodError(Exception):
    """The pod could not be started the way the kubelet would start it."""


def expand(text, env):
    """Kubernetes ``$(VAR)`` expansion: defined names are replaced, ``$$`` is a literal ``$``,
    anything else (undefined names, a lone ``$``) is kept as written."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c != "$" or i + 1 >= len(text):
            out.append(c)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "$":
            out.append("$")
            i += 2
        elif nxt == "(":
            end = text.find(")", i + 2)
            if end < 0:
                out.append(text[i:])
                break
            name = text[i + 2:end]
            out.append(env[name] if name in env else text[i:end + 1])
            i = end + 1
        else:
            out.append(c + nxt)
            i += 2
    return "".join(out)


def signal_number(name):
    """``SIGQUIT``, ``QUIT`` or ``3`` to a signal number."""
    if isinstance(name, int) or str(name).isdigit():
        return int(name)
    name = str(name).upper()
    return int(getattr(signal, name if name.startswith("SIG") else "SIG" + name))


def pid_ns(pid):
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def processes_in_ns(pid1):
    """(pid, state, comm) of every process in the PID namespace whose init is host ``pid1``."""
    ns = pid_ns(pid1)
    found = []
    if ns is None:
        return found
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or pid_ns(entry) != ns:
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        state = stat[stat.rindex(")") + 2]
        found.append((int(entry), state, comm))
    return found


def wait_until(predicate, timeout, step=0.2):
    """Polls ``predicate`` every ``step`` seconds until it holds (True) or ``timeout`` passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def count_zombies(pid1):
    return sum(1 for _, state, _ in processes_in_ns(pid1) if state == "Z")


# ---------------------------------------------------------------- in-namespace side

def _libc():
    libc = ctypes.CDLL(None, use_errno=True)

    def check(result, what):
        if result != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"{what}: {os.strerror(err)}")
    return libc, check


def _mount(src, target, fstype, flags):
    libc, check = _libc()
    check(libc.mount(src.encode() if src else None, target.encode(),
                     fstype.encode() if fstype else None, ctypes.c_ulong(flags), None),
          f"mount {src} {target}")


def _container_child(spec):
    """Runs as PID 1 of the container (or a member of the shared namespace): mounts, root,
    working directory, user, then exec. Never returns."""
    try:
        for sig in range(1, signal.NSIG):
            if sig not in (signal.SIGKILL, signal.SIGSTOP):
                try:
                    signal.signal(sig, signal.SIG_DFL)
                except (OSError, ValueError):
                    pass
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        root = spec.get("rootfs") or ""
        for m in spec["mounts"]:
            _mount_point(root + m["path"], os.path.isdir(m["source"]))
        if root and spec.get("readOnlyRoot"):
            _mount(root, root, None, MS_BIND | MS_REC)
            _mount(None, root, None, MS_BIND | MS_REMOUNT | MS_RDONLY)
        for m in spec["mounts"]:
            target = root + m["path"]
            _mount(m["source"], target, None, MS_BIND | MS_REC)
            if m["readOnly"]:
                _mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY)
        if root and os.path.isdir(root + "/proc"):
            _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        if root:
            os.chroot(root)
        os.chdir(spec["workingDir"])
        uid, gid = spec["uid"], spec["gid"]
        if (uid, gid) != (0, 0):
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
        _die_with_parent()
        os.execvpe(spec["argv"][0], spec["argv"], spec["env"])
    except BaseException as e:  # the runtime reports a start error; so do we
        os.write(2, f"container start failed: {e}\n".encode())
        os._exit(128)


def _mount_point(path, directory):
    """What a runtime creates to mount onto: a directory, or an empty file for a file
    (a ``subPath`` of one file)."""
    if directory:
        os.makedirs(path, exist_ok=True)
    elif not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "a").close()


def _die_with_parent():
    """SIGKILL when the parent goes, so a runner killed without cleanup leaves nothing: the
    runner's death takes the shim, the shim's takes the container's PID 1 and so its
    namespace. (The parent is the thread that forked: the runner starts pods from one
    thread that outlives them, and restarts a container from a thread that waits for it.)"""
    libc, check = _libc()
    check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl")
    if os.getppid() == 1:
        os._exit(137)


def _setns(pid, kind, flag):
    libc, check = _libc()
    fd = os.open(f"/proc/{pid}/ns/{kind}", os.O_RDONLY)
    try:
        check(libc.setns(fd, flag), f"setns {kind}")
    finally:
        os.close(fd)


def _loopback_up():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s, SIOCSIFFLAGS,
                    struct.pack("16sH14x", b"lo", IFF_UP | IFF_LOOPBACK | IFF_RUNNING))


def _shim(spec_file, status_fd):
    """The runtime shim: the pod's network namespace (or a new one, for the sandbox), a new
    mount namespace, a new (or the pod's shared) PID namespace; forks the container process,
    reports its host PID and its exact wait status on ``status_fd``."""
    with open(spec_file) as f:
        spec = json.load(f)
    _die_with_parent()
    status = os.fdopen(status_fd, "w", buffering=1)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(sig, signal.SIG_IGN)
    libc, check = _libc()
    if spec.get("newNet"):
        check(libc.unshare(CLONE_NEWNET), "unshare net")
        _loopback_up()
    elif spec.get("joinNetOf"):
        _setns(spec["joinNetOf"], "net", CLONE_NEWNET)
    if spec.get("joinPidOf"):
        _setns(spec["joinPidOf"], "pid", CLONE_NEWPID)
        check(libc.unshare(CLONE_NEWNS), "unshare")
    else:
        check(libc.unshare(CLONE_NEWNS | CLONE_NEWPID), "unshare")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    pid = os.fork()
    if pid == 0:
        _container_child(spec)
    status.write(f"pid {pid}\n")
    _, wstatus = os.waitpid(pid, 0)
    status.write(f"status {wstatus}\n")


def _pause():
    """The pod sandbox: holds the pod's network namespace and, with ``shareProcessNamespace``,
    is PID 1 of the shared PID namespace: reaps every child, exits on TERM/INT."""
    def reap(*_):
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
    signal.signal(signal.SIGCHLD, reap)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))
    while True:
        signal.pause()


# ---------------------------------------------------------------- host side

class Process:
    """One container process started through the shim."""

    def __init__(self, name, spec, workdir, log_path):
        self.name = name
        self.log_path = log_path
        spec_file = os.path.join(workdir, f"{name}.spec.json")
        with open(spec_file, "w") as f:
            json.dump(spec, f)
        read_fd, write_fd = os.pipe()
        self._log = open(log_path, "ab")
        self._shim = subprocess.Popen(
            [HOST_PYTHON, os.path.abspath(__file__), "_shim", spec_file, str(write_fd)],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            pass_fds=(write_fd,))
        os.close(write_fd)
        self._status = os.fdopen(read_fd)
        line = self._status.readline().split()
        if not line or line[0] != "pid":
            self._shim.wait()
            self._status.close()
            self._log.close()
            raise PodError(f"{name}: shim failed: {self.logs()}")
        self.pid = int(line[1])
        self.exited = threading.Event()
        self.started = threading.Event()   # its startupProbe passed (each start is probed anew)
        self.exit_code = None
        self.exit_time = None
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self):
        line = self._status.readline().split()
        self._status.close()
        self._shim.wait()
        self._log.close()
        if line and line[0] == "status":
            self.exit_code = os.waitstatus_to_exitcode(int(line[1]))
            if self.exit_code < 0:
                self.exit_code = 128 - self.exit_code
        self.exit_time = time.monotonic()
        self.exited.set()

    def signal(self, signum):
        if not self.exited.is_set():
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    def kill(self):
        self.signal(signal.SIGKILL)
        self.exited.wait(10)

    def logs(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()


class PodNetwork:
    """Client side of the pod's network: sockets opened inside its network namespace, as
    the kubelet's probes and other pods reach it (the host's namespace for hostNetwork)."""

    def __init__(self, sandbox_pid=None):
        self.sandbox_pid = sandbox_pid

    def connect(self, port, timeout):
        sock = self._socket()
        sock.settimeout(timeout)
        try:
            sock.connect(("127.0.0.1", port))
        except BaseException:
            sock.close()
            raise
        return sock

    def listen(self, port):
        """A socket listening on 127.0.0.1:``port`` in the pod's network: a service outside the
        pod (a database) that its containers reach there."""
        sock = self._socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(16)
        return sock

    def _socket(self):
        if self.sandbox_pid is None:
            return socket.socket()
        made = {}

        def make():  # setns applies to this thread only; the socket keeps the namespace
            try:
                _setns(self.sandbox_pid, "net", CLONE_NEWNET)
                made["sock"] = socket.socket()
            except OSError as e:
                made["error"] = e
        t = threading.Thread(target=make)
        t.start()
        t.join()
        if "error" in made:
            raise made["error"]
        return made["sock"]

    def http(self, port, timeout):
        """An http.client connection to ``port`` in the pod."""
        net = self

        class Connection(http.client.HTTPConnection):
            def connect(self):
                self.sock = net.connect(port, timeout)
        return Connection("127.0.0.1", port, timeout=timeout)


@dataclass
class Stop:
    """How one container process was stopped: preStop, then the stop signal, SIGKILL at grace end."""
    prestop_seconds: float = None
    prestop_error: str = None
    stop_signal: str = None
    stop_seconds: float = None                   # from start of termination to exit
    exit_code: object = None                     # int, or "killed"


@dataclass
class Restart:
    """A kill after a failed liveness probe and the start that followed (None: restartPolicy Never)."""
    failed_at: float
    stop: Stop
    started_at: float = None


@dataclass
class ContainerResult:
    """What happened to one container: probe verdicts, stop, zombies, logs."""
    name: str
    argv: list = None
    probes: list = field(default_factory=list)   # (t, kind, ok, detail)
    events: list = field(default_factory=list)   # (t, text)
    prestop_seconds: float = None
    prestop_error: str = None
    stop_signal: str = None
    stop_seconds: float = None                   # from start of termination to exit
    exit_code: object = None                     # int, or "killed"
    zombies_at_stop: int = None
    restarts: list = field(default_factory=list)  # Restart, one per liveness kill
    logs: str = ""

    def first_event(self, prefix):
        return next((t for t, text in self.events if text.startswith(prefix)), None)

    def verdicts(self, kind):
        return [(t, ok) for t, k, ok, _ in self.probes if k == kind]

    def summary(self):
        probe_kinds = sorted({k for _, k, _, _ in self.probes})
        verdicts = ",".join(
            f"{k}:{sum(ok for _, ok in self.verdicts(k))}/{len(self.verdicts(k))}ok"
            for k in probe_kinds)
        stop = "-" if self.stop_seconds is None else f"{self.stop_seconds:.1f}s"
        prestop = "-" if self.prestop_seconds is None else f"{self.prestop_seconds:.1f}s"
        return (f"{self.name}: stop={stop} (preStop={prestop} then {self.stop_signal or '-'})"
                f" exit={self.exit_code} zombies={self.zombies_at_stop} restarts={len(self.restarts)}"
                f" probes=[{verdicts}] events={[text for _, text in self.events]}")


class PodRunner:
    """Runs one Pod (a dict) the way the kubelet would. Use as a context manager."""

    def __init__(self, pod, images=None):
        self.pod = pod
        self.spec = pod["spec"]
        self.images = images or {}
        self.workdir = tempfile.mkdtemp(prefix="pod-")
        self.epoch = time.monotonic()
        self.volumes = {}
        self.processes = {}
        self.results = {}
        self.pause = None
        self.sandbox = None
        self.net = PodNetwork()
        self._host_mount_points = []
        self._stopping = threading.Event()
        self._deleting = threading.Event()
        self._lifecycle = {}                     # container name -> lock over its kill and start
        self._probe_threads = []
        self._sidecars = []
        self._completed_at = None                # seconds from start, once a Job's pod completed

    # lifecycle ------------------------------------------------------------
    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(self, *exc):
        self.cleanup()

    def now(self):
        return time.monotonic() - self.epoch

    def start(self):
        self._make_volumes()
        self.sandbox = self._launch("sandbox", {
            "argv": [HOST_PYTHON, os.path.abspath(__file__), "_pause"],
            "env": {"PATH": DEFAULT_PATH}, "workingDir": "/", "mounts": [], "uid": 0, "gid": 0,
            "newNet": not self.spec.get("hostNetwork")})
        if not self.spec.get("hostNetwork"):
            self.net = PodNetwork(self.sandbox.pid)
        if self.spec.get("shareProcessNamespace"):
            self.pause = self.sandbox
        for c in self.spec.get("initContainers", []):
            if c.get("restartPolicy") == "Always":
                self._start_sidecar(c)
                continue
            proc = self._launch_container(c)
            if not proc.exited.wait(60):
                proc.kill()
                raise PodError(f"init container {c['name']} did not finish: {proc.logs()}")
            if proc.exit_code != 0:
                raise PodError(f"init container {c['name']} exited {proc.exit_code}: "
                               f"{proc.logs()}")
        for c in self.spec["containers"]:
            self.processes[c["name"]] = self._launch_container(c)
            self._start_probes(c)

    def _start_probes(self, c):
        for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
            if c.get(kind):
                t = threading.Thread(target=self._probe_loop, args=(c, kind), daemon=True)
                t.start()
                self._probe_threads.append(t)

    def _start_sidecar(self, c):
        """A native sidecar: started in init order, the next one waits until it has started
        (its startupProbe passed, if it has one); it keeps running beside the containers."""
        self.processes[c["name"]] = self._launch_container(c)
        self._sidecars.append(c)
        self._start_probes(c)
        proc = self.processes[c["name"]]
        if c.get("startupProbe") and not wait_until(
                lambda: proc.started.is_set() or proc.exited.is_set(), 60):
            raise PodError(f"sidecar {c['name']} did not start")

    def stop(self):
        """Pod deletion: the containers are terminated in parallel; native sidecars after
        them, in reverse order, within what is left of the grace period. Returns the results."""
        if self._completed_at is None:
            self._terminate_pod()
        return self.results

    def wait_completed(self, timeout):
        """A pod whose restartPolicy is not Always (a Job's) completes when every regular
        container has exited; the kubelet then stops its native sidecars as at deletion, after
        the containers, in reverse order. A regular container that never exits (a sidecar written
        as one) keeps the pod Running. Returns the pod's seconds to completion, or None when a
        regular container still runs after ``timeout`` seconds."""
        if self.spec.get("restartPolicy", "Always") == "Always":
            raise PodError("a pod with restartPolicy Always never completes")
        procs = [self.processes[c["name"]] for c in self.spec["containers"]]
        if not wait_until(lambda: all(p.exited.is_set() for p in procs), timeout, step=0.05):
            return None
        self._completed_at = self.now()
        self._terminate_pod()
        return self._completed_at

    def _terminate_pod(self):
        """The containers in parallel (a completed one only has its result recorded), then the
        native sidecars in reverse order, within what is left of the grace period."""
        grace = self.spec.get("terminationGracePeriodSeconds", 30)
        start = time.monotonic()
        self._deleting.set()
        threads = [threading.Thread(target=self._terminate, args=(c, grace))
                   for c in self.spec["containers"]]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for c in reversed(self._sidecars):
            self._terminate(c, max(grace - (time.monotonic() - start), MIN_GRACE_AFTER_PRESTOP))
        self._stopping.set()

    def cleanup(self):
        self._stopping.set()
        self._deleting.set()
        for lock in self._lifecycle.values():   # a liveness kill under way ends without a restart
            with lock:
                pass
        for proc in list(self.processes.values()) + ([self.sandbox] if self.sandbox else []):
            proc.kill()
        for name, proc in self.processes.items():
            if name in self.results and not self.results[name].logs:
                self.results[name].logs = proc.logs()
        for t in self._probe_threads:
            t.join(15)
        with _HOST_MOUNT_POINTS_LOCK:
            for d in reversed(self._host_mount_points):
                _HOST_MOUNT_POINTS[d] -= 1
                if _HOST_MOUNT_POINTS[d] == 0:
                    del _HOST_MOUNT_POINTS[d]
                    try:
                        os.rmdir(d) if os.path.isdir(d) else os.unlink(d)
                    except OSError:
                        pass
        shutil.rmtree(self.workdir, ignore_errors=True)

    # starting -------------------------------------------------------------
    def _make_volumes(self):
        for v in self.spec.get("volumes", []):
            if "emptyDir" in v:
                path = os.path.join(self.workdir, "volumes", v["name"])
                os.makedirs(path)
                os.chmod(path, 0o777)
            elif "hostPath" in v:
                path = v["hostPath"]["path"]
            else:
                raise PodError(f"volume {v['name']}: only emptyDir and hostPath are supported")
            self.volumes[v["name"]] = path

    def _image(self, c):
        return self.images.get(c.get("image"), Image())

    def _env(self, c, image):
        env = {"PATH": DEFAULT_PATH, "HOSTNAME": self.pod["metadata"].get("name", "pod")}
        env.update(image.env)
        for e in c.get("env", []):
            if "value" in e or "valueFrom" not in e:
                env[e["name"]] = expand(e.get("value", ""), env)
        return env

    def _argv(self, c, image, env):
        if "command" in c:
            argv = list(c["command"]) + list(c.get("args", []))
        else:
            argv = list(image.entrypoint) + list(c["args"] if "args" in c else image.cmd)
        if not argv:
            raise PodError(f"{c['name']}: no command and the image has no ENTRYPOINT/CMD")
        return [expand(a, env) for a in argv]

    def _rootfs(self, image, name):
        if image.root is not None:
            os.makedirs(image.root + "/proc", exist_ok=True)   # as a runtime makes it to mount on
            return image.root
        if image.files is None:
            return None
        root = os.path.join(self.workdir, "rootfs", name)
        for dest, src in image.files.items():
            target = root + dest
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(src, target)
        return root

    def _user(self, c, image):
        sc = {**self.spec.get("securityContext", {}), **c.get("securityContext", {})}
        uid = sc.get("runAsUser", int(str(image.user).split(":")[0]))
        gid = sc.get("runAsGroup", 0)
        if sc.get("runAsNonRoot") and uid == 0:
            raise PodError(f"{c['name']}: CreateContainerConfigError: runAsNonRoot and the "
                           f"image will run as root")
        return uid, gid

    def _launch_container(self, c):
        image = self._image(c)
        env = self._env(c, image)
        argv = self._argv(c, image, env)
        root = self._rootfs(image, c["name"])
        mounts = []
        for m in c.get("volumeMounts", []):
            source = self.volumes[m["name"]]
            if m.get("subPath"):
                source = os.path.join(source, m["subPath"])
                if not os.path.exists(source):   # the kubelet makes a missing subPath a directory
                    os.makedirs(source)
            if root is None:
                self._mount_point_on_host(m["mountPath"], os.path.isdir(source))
            mounts.append({"source": source, "path": m["mountPath"],
                           "readOnly": bool(m.get("readOnly"))})
        uid, gid = self._user(c, image)
        read_only_root = bool((c.get("securityContext") or {}).get("readOnlyRootFilesystem"))
        spec = {"argv": argv, "env": env, "mounts": mounts, "rootfs": root,
                "readOnlyRoot": read_only_root,
                "workingDir": c.get("workingDir") or image.working_dir or "/",
                "uid": uid, "gid": gid}
        self.results.setdefault(c["name"], ContainerResult(c["name"], argv=argv))
        self._lifecycle.setdefault(c["name"], threading.Lock())
        return self._launch(c["name"], spec)

    def _launch(self, name, spec):
        if self.sandbox is not None and not self.spec.get("hostNetwork"):
            spec["joinNetOf"] = self.sandbox.pid
        if self.pause is not None:
            spec["joinPidOf"] = self.pause.pid
        return Process(name, spec, self.workdir, os.path.join(self.workdir, f"{name}.log"))

    def _mount_point_on_host(self, path, directory):
        """A mount point in the host's filesystem (the "image" of a container without a root
        filesystem of its own), removed again when no running pod mounts onto it."""
        with _HOST_MOUNT_POINTS_LOCK:
            p = path
            while not os.path.exists(p):
                _HOST_MOUNT_POINTS[p] = 0
                p = os.path.dirname(p)
            _mount_point(path, directory)
            p = path
            while p != os.path.dirname(p):
                if p in _HOST_MOUNT_POINTS:
                    _HOST_MOUNT_POINTS[p] += 1
                    self._host_mount_points.insert(0, p)
                p = os.path.dirname(p)

    # exec into a container ------------------------------------------------------
    def exec_in(self, name, argv, timeout):
        """Like CRI exec: the container's PID, mount and network namespaces, root, cwd, env and
        user. Past ``timeout`` the whole exec is killed and it counts as failed, as the kubelet
        does with an exec probe's ``timeoutSeconds``."""
        proc = self.processes[name]
        c = self._container(name)
        image = self._image(c)
        env = self._env(c, image)
        uid, gid = self._user(c, image)
        p = subprocess.Popen(["nsenter", "-t", str(proc.pid), "-p", "-m", "-n", "-r", "-w",
                              "-S", str(uid), "-G", str(gid), "--"] + list(argv),
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
        try:
            out, _ = p.communicate(timeout=timeout)
            return p.returncode, out.decode(errors="replace")
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)   # nsenter and the command it forked
            p.communicate()
            return None, f"timeout after {timeout}s"

    def _container(self, name):
        return next(c for c in self.spec["containers"] + self.spec.get("initContainers", [])
                    if c["name"] == name)

    # probes ----------------------------------------------------------------
    def _port(self, c, port):
        if isinstance(port, int) or str(port).isdigit():
            return int(port)
        for p in c.get("ports", []):
            if p.get("name") == port:
                return p["containerPort"]
        raise PodError(f"{c['name']}: unknown port {port}")

    def _handler(self, c, handler, timeout):
        """Runs a probe or hook handler; returns (ok, detail)."""
        if "httpGet" in handler:
            h = handler["httpGet"]
            conn = self.net.http(self._port(c, h["port"]), timeout)
            try:
                conn.request("GET", h.get("path", "/"),
                             headers={x["name"]: x["value"] for x in h.get("httpHeaders", [])})
                status = conn.getresponse().status
                return 200 <= status < 400, f"HTTP {status}"
            except OSError as e:
                return False, type(e).__name__
            finally:
                conn.close()
        if "tcpSocket" in handler:
            try:
                self.net.connect(self._port(c, handler["tcpSocket"]["port"]), timeout).close()
                return True, "connected"
            except OSError as e:
                return False, type(e).__name__
        if "exec" in handler:
            code, out = self.exec_in(c["name"], handler["exec"]["command"], timeout)
            return code == 0, f"exit {code}: {out.strip()[-200:]}"
        if "sleep" in handler:
            time.sleep(handler["sleep"]["seconds"])
            return True, "slept"
        return False, f"unsupported handler {sorted(handler)}"

    def _probe_loop(self, c, kind):
        p = c[kind]
        period = p.get("periodSeconds", 10)
        timeout = p.get("timeoutSeconds", 1)
        fail_limit = p.get("failureThreshold", 3)
        ok_limit = p.get("successThreshold", 1)
        proc = self.processes[c["name"]]
        result = self.results[c["name"]]
        if kind != "startupProbe":
            while c.get("startupProbe") and not proc.started.is_set():
                if self._stopping.wait(0.2) or proc.exited.is_set():
                    return
        if self._stopping.wait(p.get("initialDelaySeconds", 0)):
            return
        fails = oks = 0
        next_at = time.monotonic()
        while not self._stopping.is_set() and not proc.exited.is_set():
            # The kubelet's prober ticks every periodSeconds, however long a probe takes: a slow
            # probe delays the next only when it outlasts the period.
            next_at += period
            ok, detail = self._handler(c, p, timeout)
            if proc.exited.is_set():
                return
            t = self.now()
            result.probes.append((t, kind, ok, detail))
            fails, oks = (0, oks + 1) if ok else (fails + 1, 0)
            if kind == "livenessProbe" and fails == fail_limit:
                result.events.append((t, "liveness failed"))
                self._liveness_kill(c, proc, t)
                return
            if kind == "readinessProbe" and oks == ok_limit:
                result.events.append((t, "ready"))
            if kind == "readinessProbe" and fails == fail_limit:
                result.events.append((t, "not ready"))
            if kind == "startupProbe":
                if oks >= ok_limit:
                    result.events.append((t, "started"))
                    proc.started.set()
                    return
                if fails >= fail_limit:
                    result.events.append((t, "startup failed"))
                    return
            next_at = max(next_at, time.monotonic())
            self._stopping.wait(next_at - time.monotonic())

    def _liveness_kill(self, c, proc, failed_at):
        """As the kubelet: a container whose liveness probe failed is killed (preStop, its stop
        signal, SIGKILL after the probe's terminationGracePeriodSeconds, else the pod's) and started
        again with the same spec unless the pod's restartPolicy is Never (a native sidecar always).
        No CrashLoopBackOff delay: the first restart has none, and each follows a failure window."""
        name = c["name"]
        grace = c["livenessProbe"].get("terminationGracePeriodSeconds",
                                       self.spec.get("terminationGracePeriodSeconds", 30))
        with self._lifecycle[name]:
            if self._deleting.is_set():
                return
            restart = Restart(failed_at, self._kill(c, proc, grace))
            self.results[name].restarts.append(restart)
            if self._deleting.is_set() or (
                    c not in self._sidecars and self.spec.get("restartPolicy", "Always") == "Never"):
                return
            proc = self.processes[name] = self._launch_container(c)
            restart.started_at = self.now()
            self.results[name].events.append((restart.started_at, "restarted"))
            self._start_probes(c)
        # The shim dies with the thread that started it (PR_SET_PDEATHSIG), so this one waits.
        proc.exited.wait()

    # termination -------------------------------------------------------------
    def _terminate(self, c, grace):
        with self._lifecycle[c["name"]]:
            proc = self.processes[c["name"]]
            result = self.results[c["name"]]
            result.zombies_at_stop = count_zombies(self.pause.pid if self.pause else proc.pid)
            for key, value in asdict(self._kill(c, proc, grace)).items():
                setattr(result, key, value)
            result.logs = proc.logs()

    def _kill(self, c, proc, grace):
        stop = Stop()
        image = self._image(c)
        start = time.monotonic()
        hook = (c.get("lifecycle") or {}).get("preStop")
        if hook and not proc.exited.is_set():
            done = threading.Event()
            outcome = {}

            def run_hook():
                outcome["r"] = self._handler(c, hook, grace)
                done.set()
            threading.Thread(target=run_hook, daemon=True).start()
            done.wait(grace)
            stop.prestop_seconds = time.monotonic() - start
            ok, detail = outcome.get("r", (False, "still running at grace end"))
            if not ok:
                stop.prestop_error = detail
        remaining = max(grace - (time.monotonic() - start), MIN_GRACE_AFTER_PRESTOP)
        signum = signal_number(image.stop_signal)
        if not proc.exited.is_set():
            stop.stop_signal = signal.Signals(signum).name
            proc.signal(signum)
        if proc.exited.wait(remaining):
            stop.exit_code = proc.exit_code
            stop.stop_seconds = max(0.0, proc.exit_time - start)
        else:
            proc.kill()
            stop.exit_code = "killed"
            stop.stop_seconds = time.monotonic() - start
        return stop


if __name__ == "__main__":
    if sys.argv[1] == "_shim":
        _shim(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "_pause":
        _pause()
