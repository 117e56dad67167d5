"""End-to-end scenarios: each is a pod as a user would write it, run twice on real
processes: as written (it must show the bug, or the scenario fails) and as the webhook
fixed it (it must show the fix).

Usage: scenarios.py [NAME ...]   (all scenarios when none is named)
"""
import concurrent.futures
import contextlib
import copy
import http.client
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
from dataclasses import dataclass, field
from typing import Callable

import oci_bundle
from admission import REPO_ROOT, SERVER_JAR, AdmissionError, WebhookServer, free_port
from podrunner import ContainerResult, Image, PodNetwork, PodRunner, count_zombies, wait_until
from registry import Registry

HERE = os.path.dirname(os.path.abspath(__file__))
APPS = os.path.join(HERE, "apps")
INIT_CONTAINER = "pid1-init"
PROBE_BINARY = os.path.join(REPO_ROOT, "target", "pid1-probe", "pid1-probe")
INIT_IMAGE = Image(files={"/tini": "/usr/bin/tini-static", "/busybox": "/bin/busybox",
                          "/pid1-probe": PROBE_BINARY},
                   user="65532")
SHIM_CONTAINER = "pid1-shim"
# The project's image (deploy/image/build-webhook-image.sh), unpacked by shim_image() the first time a pod
# has the sidecar: it runs the command the webhook writes, in the image's own files. main() makes SHIM_WORK.
SHIM_LAYOUT = os.path.join(REPO_ROOT, "target", "pid1-injector", "oci")
SHIM_IMAGE = Image(root=None, working_dir="/app", user="65532")
SHIM_WORK = None
SHIM_LOCK = threading.Lock()
SHIM_PORT = 9091
BROKEN_GRACE = 10
POD_PORTS = {"web": 8000, "fcgi": 9000}
ENDPOINT_LAG = 3.0          # how long after termination starts traffic still arrives


# ---------------------------------------------------------------- client helpers

def http_get(net, port, path="/", timeout=5.0):
    """GET inside the pod's network: (status or error name, body bytes, seconds taken)."""
    start = time.monotonic()
    conn = net.http(port, timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read(), time.monotonic() - start
    except (OSError, http.client.HTTPException) as e:
        return type(e).__name__, b"", time.monotonic() - start
    finally:
        conn.close()


def fcgi_get(net, port, script, timeout=30.0):
    """A minimal FastCGI GET (what nginx would send to php-fpm); (status, body, seconds)."""
    start = time.monotonic()

    def record(rtype, content):
        return struct.pack("!BBHHBx", 1, rtype, 1, len(content), 0) + content

    def pair(k, v):
        k, v = k.encode(), v.encode()
        return bytes([len(k), len(v)]) + k + v
    params = b"".join(pair(k, v) for k, v in {
        "SCRIPT_FILENAME": script, "REQUEST_METHOD": "GET", "SCRIPT_NAME": "/x.php",
        "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1", "GATEWAY_INTERFACE": "CGI/1.1",
        "REMOTE_ADDR": "127.0.0.1", "SERVER_NAME": "localhost", "SERVER_PORT": "80"}.items())
    try:
        with net.connect(port, timeout) as s:
            s.sendall(record(1, struct.pack("!HB5x", 1, 0)) + record(4, params)
                      + record(4, b"") + record(5, b""))
            data, out = b"", b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return "EOF before END_REQUEST", out, time.monotonic() - start
                data += chunk
                while len(data) >= 8:
                    _, rtype, _, length, pad = struct.unpack("!BBHHB", data[:7])
                    if len(data) < 8 + length + pad:
                        break
                    content, data = data[8:8 + length], data[8 + length + pad:]
                    if rtype == 6:
                        out += content
                    elif rtype == 3:
                        return 200, out, time.monotonic() - start
    except OSError as e:
        return type(e).__name__, b"", time.monotonic() - start


def wait_http(net, port, path="/", timeout=30):
    if not wait_until(lambda: http_get(net, port, path, 2)[0] == 200, timeout):
        raise RuntimeError(f"nothing answered 200 on port {port}{path} in the pod")


class Background(threading.Thread):
    """Runs fn in a thread; .value holds its result."""

    def __init__(self, fn, *args):
        super().__init__(daemon=True)
        self.fn, self.args, self.value = fn, args, None
        self.start()

    def run(self):
        self.value = self.fn(*self.args)


# ---------------------------------------------------------------- scenario model

@dataclass
class Ctx:
    """Per-scenario resources: free ports, a temp dir, values shared by build and drive,
    things to stop at the end."""
    tmp: str
    stack: contextlib.ExitStack
    registry: Registry = None
    ports: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)

    def port(self, name):
        """The pod's own port for ``name`` (each pod has its own network namespace), or a
        free host loopback port for anything else."""
        if name not in self.ports:
            self.ports[name] = POD_PORTS.get(name) or free_port()
        return self.ports[name]

    def write(self, name, text, mode=0o644):
        path = os.path.join(self.tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path


@dataclass
class Run:
    """One run of a pod: the pod as run, the driver's observations, the container result."""
    label: str
    pod: dict
    obs: dict
    result: object

    @property
    def grace(self):
        return self.pod["spec"].get("terminationGracePeriodSeconds", 30)


@dataclass
class Scenario:
    """``build`` makes the pod (and image definitions); ``drive`` acts on the running pod,
    stops it and returns observations; ``broken``/``fixed`` return None when the run
    shows what it must, else the reason it does not. A ``leave_alone`` pod must get no
    patch and is run once as written (checked by ``fixed`` when given)."""
    name: str
    build: Callable
    drive: Callable
    broken: Callable = None
    fixed: Callable = None
    leave_alone: bool = False
    waits: bool = False   # mostly waits out real probe periods: started first, beside the others


def pod(name, containers, annotations=None, grace=BROKEN_GRACE, **spec):
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "labels": {"app": name},
                         "annotations": dict(annotations or {})},
            "spec": {"terminationGracePeriodSeconds": grace,
                     "volumes": [{"name": "app", "hostPath": {"path": APPS}}],
                     "containers": containers, **spec}}


def container(command, name="main", image="registry.example/app:1", **extra):
    """A container with the test apps at /app; ``command`` None relies on the image."""
    c = {"name": name, "image": image,
         "volumeMounts": [{"name": "app", "mountPath": "/app", "readOnly": True}]}
    if command is not None:
        c["command"] = command
    c.update(extra)
    return c


# ---------------------------------------------------------------- checks

def killed_at_grace(run):
    r = run.result
    if r.exit_code != "killed":
        return f"expected SIGKILL at grace end, got exit {r.exit_code} after {r.stop_seconds:.1f}s"
    if r.stop_seconds < 0.9 * run.grace:
        return f"killed after {r.stop_seconds:.1f}s, before the grace period ({run.grace}s)"
    return None


def stopped_gracefully(run, codes=(0,)):
    r = run.result
    if r.exit_code == "killed":
        return f"SIGKILLed at grace end ({run.grace}s)"
    if r.exit_code not in codes:
        return f"exit {r.exit_code}, expected {codes}"
    if r.stop_seconds > run.grace - 2:
        return f"stop took {r.stop_seconds:.1f}s of a {run.grace}s grace period"
    return None


def signal_to_exit(run):
    """Seconds from the end of preStop (when the stop signal is sent) to exit."""
    r = run.result
    return r.stop_seconds - (r.prestop_seconds or 0.0)


def first(*checks):
    for check in checks:
        reason = check()
        if reason:
            return reason
    return None


# ---------------------------------------------------------------- gunicorn under sh -c

def gunicorn_shell_build(ctx):
    p = ctx.port("web")
    return pod("gunicorn-shell", [container(
        ["sh", "-c", f"cd /app && gunicorn app:app -w 2 -b 0.0.0.0:{p} --graceful-timeout 3"],
        ports=[{"containerPort": p}])]), {}


def stop_after_ready(runner, ctx, port_name="web", path="/health"):
    wait_http(runner.net, ctx.port(port_name), path)
    runner.stop()
    return {}


def gunicorn_shell_fixed(run):
    return first(lambda: stopped_gracefully(run),
                 lambda: None if signal_to_exit(run) <= run.grace / 2 else
                 f"{signal_to_exit(run):.1f}s from stop signal to exit, over half the grace")


# ---------------------------------------------------------------- shell-form CMD in the image

def image_shell_cmd_build(ctx):
    """The pod relies on its image, whose CMD is Docker's shell form (``CMD gunicorn …``)."""
    p = ctx.port("web")
    cmd = ["/bin/sh", "-c",
           f"cd /app && gunicorn app:app -w 2 -b 0.0.0.0:{p} --graceful-timeout 3"]
    ref = ctx.registry.push("gunicorn-shell-cmd", {"Cmd": cmd, "WorkingDir": "/"})
    return pod("image-shell-cmd", [container(None, image=ref, ports=[{"containerPort": p}])]), \
        {ref: Image(cmd=cmd, working_dir="/")}


# ---------------------------------------------------------------- orphans / zombies

def orphans_build(ctx):
    p = ctx.port("web")
    return pod("orphans", [container(["bash", "-c", f"cd /app && python3 orphans.py {p}"],
                                     ports=[{"containerPort": p}])]), {}


def orphans_drive(runner, ctx):
    port = ctx.port("web")
    wait_http(runner.net, port)
    status = http_get(runner.net, port, "/spawn?n=5")[0]
    time.sleep(2.0)   # helpers live 0.2 s; tini reaps within 1 s
    pid1 = runner.pause.pid if runner.pause else runner.processes["main"].pid
    zombies = count_zombies(pid1)
    runner.stop()
    return {"spawn": status, "zombies": zombies}


def orphans_broken(run):
    if run.obs["spawn"] != 200:
        return f"/spawn answered {run.obs['spawn']}"
    return None if run.obs["zombies"] >= 5 else f"only {run.obs['zombies']} zombies"


def orphans_fixed(run):
    if run.obs["spawn"] != 200:
        return f"/spawn answered {run.obs['spawn']}"
    return None if run.obs["zombies"] == 0 else f"{run.obs['zombies']} zombies remain"


# ---------------------------------------------------------------- hung workers

def hung_build(ctx):
    p = ctx.port("web")
    return pod("hung-workers", [container(
        ["gunicorn", "app:app", "-k", "gthread", "--threads", "2", "-w", "1", "--timeout", "5",
         "--graceful-timeout", "2", "-b", f"0.0.0.0:{p}", "--chdir", "/app"],
        ports=[{"containerPort": p, "name": "http"}],
        # initialDelaySeconds: on a loaded machine gunicorn took over 3 s to listen, and liveness
        # killed it before it ever passed.
        livenessProbe={"tcpSocket": {"port": p}, "initialDelaySeconds": 10, "periodSeconds": 1,
                       "timeoutSeconds": 1, "failureThreshold": 3})],
        annotations={"pid1.io/health-path": "/health"}), {}


def liveness_window(c):
    """failureThreshold x (periodSeconds + timeoutSeconds) + initialDelaySeconds + slack."""
    p = c.get("livenessProbe") or {}
    return (p.get("failureThreshold", 3) * (p.get("periodSeconds", 10) + p.get("timeoutSeconds", 1))
            + p.get("initialDelaySeconds", 0) + 5)


def hung_drive(runner, ctx):
    port = ctx.port("web")
    wait_http(runner.net, port, "/health")
    c = runner.spec["containers"][0]
    result = runner.results["main"]
    window = liveness_window(c)
    passed_before = wait_until(lambda: any(ok for _, ok in result.verdicts("livenessProbe")),
                               window)
    hung_at = runner.now()
    hangs = [Background(http_get, runner.net, port, "/hang", window + 5) for _ in range(2)]
    time.sleep(0.5)
    health = http_get(runner.net, port, "/health", 2)[0]
    # A failure while the server was still starting (a loaded machine) is not what is shown here.
    wait_until(lambda: event_since(result, "liveness failed", hung_at) is not None, window)
    failed_at = event_since(result, "liveness failed", hung_at)
    runner.stop()
    for h in hangs:
        h.join(1)
    return {"passed_before": passed_before, "health_while_hung": health, "window": window,
            "liveness_failed_after": None if failed_at is None else round(failed_at - hung_at, 1),
            "probe_kind": sorted(k for k in ("tcpSocket", "httpGet", "exec")
                                 if k in (c.get("livenessProbe") or {}))}


def hung_broken(run):
    if not run.obs["passed_before"]:
        return "liveness never passed before the workers hung"
    if run.obs["health_while_hung"] == 200:
        return "the workers were not hung (/health answered)"
    if run.obs["liveness_failed_after"] is not None:
        return f"liveness failed after {run.obs['liveness_failed_after']}s"
    return None


def hung_fixed(run):
    if not run.obs["passed_before"]:
        return "liveness never passed before the workers hung"
    if run.obs["probe_kind"] != ["httpGet"]:
        return f"liveness probe is {run.obs['probe_kind']}, not httpGet"
    if run.obs["liveness_failed_after"] is None:
        return f"liveness never failed within {run.obs['window']}s"
    return None


# ---------------------------------------------------------------- in-flight request

def inflight_build(ctx):
    p = ctx.port("web")
    return pod("inflight", [container(
        ["sh", "-c", f"cd /app && gunicorn app:app -w 2 -b 0.0.0.0:{p} --graceful-timeout 15"],
        ports=[{"containerPort": p}])]), {}


def inflight_drive(runner, ctx):
    port = ctx.port("web")
    wait_http(runner.net, port, "/health")
    slow = Background(http_get, runner.net, port, "/slow?s=12", 60)
    time.sleep(0.5)
    runner.stop()
    slow.join(5)
    return {"slow": slow.value[0] if slow.value else "no answer"}


def inflight_broken(run):
    return f"slow request answered {run.obs['slow']}" if run.obs["slow"] == 200 else None


def inflight_fixed(run):
    return first(lambda: None if run.obs["slow"] == 200 else
                 f"slow request answered {run.obs['slow']}",
                 lambda: stopped_gracefully(run))


# ---------------------------------------------------------------- preStop drain

def drain_build(ctx):
    p = ctx.port("web")
    return pod("drain", [container(
        ["gunicorn", "app:app", "-w", "2", "-b", f"0.0.0.0:{p}", "--chdir", "/app",
         "--graceful-timeout", "3"], ports=[{"containerPort": p}])]), {}


def drain_drive(runner, ctx):
    port = ctx.port("web")
    wait_http(runner.net, port, "/health")
    stopper = Background(runner.stop)
    start = time.monotonic()
    answers = []
    time.sleep(0.3)
    while time.monotonic() - start < ENDPOINT_LAG:
        answers.append(http_get(runner.net, port, "/", 2)[0])
        time.sleep(0.25)
    stopper.join()
    return {"during_drain": f"{answers.count(200)}/{len(answers)} ok",
            "failed": len(answers) - answers.count(200)}


def drain_broken(run):
    return None if run.obs["failed"] else "every request during the drain window succeeded"


def drain_fixed(run):
    return first(lambda: None if not run.obs["failed"] else
                 f"{run.obs['failed']} requests failed during the drain window",
                 lambda: stopped_gracefully(run))


# ---------------------------------------------------------------- uwsgi

def uwsgi_build(ctx):
    p = ctx.port("web")
    return pod("uwsgi", [container(
        ["uwsgi", "--plugin", "python3", "--master", "--processes", "2",
         "--http-socket", f":{p}", "--chdir", "/app", "--wsgi-file", "app.py",
         "--need-app"], ports=[{"containerPort": p}])]), {}


# ---------------------------------------------------------------- uwsgi behind an entrypoint script

UWSGI_ENTRYPOINT = """#!/bin/sh
# As many images' entrypoints do: the first word picks a mode and the script writes the server's
# command line itself, so every other argument is dropped.
case "$1" in
  uwsgi) exec uwsgi --plugin python3 --master --processes 2 --http-socket :{port} \\
           --chdir /app --wsgi-file app.py --need-app ;;
  *) exec "$@" ;;
esac
"""


def uwsgi_entrypoint_build(ctx):
    """uWSGI from an image whose ENTRYPOINT is that script. The pod passes --die-on-term in args,
    as the webhook used to add it: the script drops it, and SIGTERM makes uWSGI reload, not stop."""
    p = ctx.port("web")
    script = ctx.write("entrypoint.sh", UWSGI_ENTRYPOINT.format(port=p), mode=0o755)
    os.chmod(ctx.tmp, 0o755)
    ref = ctx.registry.push("uwsgi-entrypoint", {"Entrypoint": [script], "Cmd": ["uwsgi"]})
    args = ["uwsgi", "--http-socket", f":{p}", "--die-on-term"]
    return pod("uwsgi-entrypoint", [container(None, image=ref, args=args, ports=[{"containerPort": p}])]), \
        {ref: Image(entrypoint=[script], cmd=["uwsgi"])}


def uwsgi_entrypoint_fixed(run):
    env = {e["name"]: e.get("value") for e in run.pod["spec"]["containers"][0].get("env", [])}
    if env.get("UWSGI_DIE_ON_TERM") != "true":
        return f"the webhook did not set UWSGI_DIE_ON_TERM=true in the env: {env}"
    return stopped_gracefully(run)


# ---------------------------------------------------------------- nginx

NGINX_CONF = """worker_processes 2;
pid {tmp}/nginx.pid;
error_log stderr notice;
events {{ worker_connections 64; }}
http {{
  access_log off;
  server {{
    listen {port};
    root {tmp}/www;
    location /health {{ return 200 "ok\\n"; }}
    location / {{ limit_rate 100k; }}
  }}
}}
"""
BIG_FILE_BYTES = 800 * 1024     # 8 s at 100 KiB/s
# These servers wait for in-flight work without a timeout of their own: the user says how
# long a request may take, as the webhook's warning asks.
SLOW_REQUESTS = {"pid1.io/graceful-seconds": "15"}


def big_file(ctx):
    path = os.path.join(ctx.tmp, "www", "big.bin")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(os.urandom(BIG_FILE_BYTES))
    for d in (ctx.tmp, os.path.dirname(path)):
        os.chmod(d, 0o755)
    os.chmod(path, 0o644)


def nginx_build(ctx):
    p = ctx.port("web")
    big_file(ctx)
    conf = ctx.write("nginx.conf", NGINX_CONF.format(tmp=ctx.tmp, port=p))
    return pod("nginx", [container(["nginx", "-c", conf, "-g", "daemon off;"],
                                   ports=[{"containerPort": p}])], annotations=SLOW_REQUESTS), {}


def download_drive(runner, ctx):
    port = ctx.port("web")
    wait_http(runner.net, port, "/health")
    download = Background(http_get, runner.net, port, "/big.bin", 60)
    time.sleep(0.5)
    runner.stop()
    download.join(10)
    status, body, took = download.value or ("no answer", b"", 0)
    complete = status == 200 and len(body) == BIG_FILE_BYTES
    return {"download": f"{status} {len(body)}B {took:.1f}s", "complete": complete}


def inflight_cut(run):
    return None if not run.obs["complete"] else "the in-flight download completed"


def inflight_done_and_graceful(run):
    return first(lambda: None if run.obs["complete"] else
                 f"in-flight download cut: {run.obs['download']}",
                 lambda: stopped_gracefully(run))


# ---------------------------------------------------------------- php-fpm

PHP_FPM_CONF = """[global]
pid = {tmp}/php-fpm.pid
error_log = /proc/self/fd/2
daemonize = no
process_control_timeout = 20s
[www]
listen = {port}
pm = static
pm.max_children = 2
clear_env = no
"""


SLOW_PHP = """<?php
$end = microtime(true) + 8;
while (microtime(true) < $end) { usleep(100000); }
echo "done\\n";
"""


def php_fpm_build(ctx):
    p = ctx.port("fcgi")
    ctx.write("slow.php", SLOW_PHP)
    conf = ctx.write("php-fpm.conf", PHP_FPM_CONF.format(tmp=ctx.tmp, port=p))
    return pod("php-fpm", [container(["php-fpm8.2", "-F", "-R", "-y", conf],
                                     ports=[{"containerPort": p}])], annotations=SLOW_REQUESTS), {}


def php_fpm_drive(runner, ctx):
    port = ctx.port("fcgi")
    script = os.path.join(ctx.tmp, "slow.php")
    if not wait_until(lambda: _can_connect(runner.net, port), 30):
        raise RuntimeError("php-fpm did not listen")
    request = Background(fcgi_get, runner.net, port, script, 60)
    time.sleep(0.5)
    runner.stop()
    request.join(10)
    status, body, took = request.value or ("no answer", b"", 0)
    return {"request": f"{status} {body[-20:]!r} {took:.1f}s",
            "complete": status == 200 and body.endswith(b"done\n")}


def _can_connect(net, port):
    try:
        net.connect(port, 1).close()
        return True
    except OSError:
        return False


# ---------------------------------------------------------------- apache httpd

HTTPD_CONF = """ServerRoot {tmp}
ServerName localhost
Listen {port}
PidFile {tmp}/httpd.pid
DefaultRuntimeDir {tmp}
Mutex file:{tmp}
ErrorLog /proc/self/fd/2
LogLevel notice
User www-data
Group www-data
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule ratelimit_module /usr/lib/apache2/modules/mod_ratelimit.so
LoadModule env_module /usr/lib/apache2/modules/mod_env.so
StartServers 2
DocumentRoot {tmp}/www
<Directory {tmp}/www>
  Require all granted
</Directory>
<Location /big.bin>
  SetOutputFilter RATE_LIMIT
  SetEnv rate-limit 100
</Location>
"""


def httpd_build(ctx):
    p = ctx.port("web")
    big_file(ctx)
    ctx.write("www/health", "ok\n")
    conf = ctx.write("httpd.conf", HTTPD_CONF.format(tmp=ctx.tmp, port=p))
    return pod("httpd", [container(["apache2", "-DFOREGROUND", "-f", conf],
                                   ports=[{"containerPort": p}])], annotations=SLOW_REQUESTS), {}


# ---------------------------------------------------------------- celery

def redis_service(ctx):
    port = ctx.port("redis")
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", ctx.tmp],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)

    def stop():
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    ctx.stack.callback(stop)
    if not wait_until(lambda: _can_connect(PodNetwork(), port), 15):
        raise RuntimeError("redis-server did not start")
    return f"redis://127.0.0.1:{port}/0"


CELERY_TASK_SECONDS = 12     # longer than the grace period as written


def celery_build(ctx):
    url = ctx.values["redis_url"] = redis_service(ctx)
    return pod("celery", [container(
        ["sh", "-c", "cd /app && celery -A tasks worker --concurrency 1 --loglevel info"],
        env=[{"name": "REDIS_URL", "value": url}])],
        annotations={"pid1.io/graceful-seconds": "15"}, hostNetwork=True), {}


def celery_drive(runner, ctx):
    from celery import Celery
    url = ctx.values["redis_url"]
    client = Celery("client", broker=url, backend=url)
    client.conf.update(task_serializer="json", accept_content=["json"],
                       result_serializer="json")
    ping = lambda: bool(client.control.ping(timeout=0.5))  # noqa: E731
    if not wait_until(ping, 40, step=0.5):
        raise RuntimeError("celery worker did not answer ping")
    task = client.send_task("tasks.slow", args=[CELERY_TASK_SECONDS])
    wait_until(lambda: task.state == "STARTED" or "slow[" in runner.processes["main"].logs(),
               20)
    time.sleep(0.5)
    runner.stop()
    try:
        outcome = task.get(timeout=1)
    except Exception as e:  # noqa: BLE001 - any failure means the task did not finish
        outcome = f"{type(e).__name__}"
    client.backend.remove_pending_result(task)
    del task  # its finaliser needs the client: run it now, not at interpreter exit
    client.close()
    return {"task": outcome, "complete": outcome == f"slept {CELERY_TASK_SECONDS}"}


# ---------------------------------------------------------------- pid1.io/init: shim
# The project's supervisor as a native sidecar in a shared PID namespace. Everything runs as
# one non-root UID, as in a cluster: the shim may signal only processes of its own user.

SHIM_UID = 65534
AS_SHIM_USER = {"runAsUser": SHIM_UID, "runAsGroup": SHIM_UID, "runAsNonRoot": True}


def shim_annotations(**extra):
    return {"pid1.io/init": "shim", "pid1.io/drain-seconds": "1", **extra}


def shim_log(runner, needle):
    """The shim sidecar's last log line containing ``needle``, or '-' (no shim in the pod)."""
    proc = runner.processes.get(SHIM_CONTAINER)
    lines = [line for line in (proc.logs() if proc else "").splitlines() if needle in line]
    return lines[-1].removeprefix("pid1-shim: ") if lines else "-"


def shim_verdict(runner, name):
    """What the shim answers on /workers/<name> now, or the error of asking."""
    if SHIM_CONTAINER not in runner.processes:
        return "-"
    status, body, _ = http_get(runner.net, SHIM_PORT, f"/workers/{name}", 5)
    return f"{status} {body.decode(errors='replace').strip()}"


def shim_sidecar_ok(run):
    """The shim sidecar, stopped after the containers, exited 0 of itself."""
    code = run.obs.get("shim_exit")
    return None if code == 0 else f"pid1-shim sidecar exit {code}"


def shim_hung_build(ctx):
    p = ctx.port("web")
    return pod("shim-hung-workers", [container(
        ["gunicorn", "app:app", "-k", "gthread", "--threads", "2", "-w", "2", "--timeout", "30",
         "--graceful-timeout", "2", "-b", f"0.0.0.0:{p}", "--chdir", "/app"],
        name="web", ports=[{"containerPort": p, "name": "http"}], securityContext=AS_SHIM_USER,
        livenessProbe={"tcpSocket": {"port": p}, "periodSeconds": 1, "timeoutSeconds": 1,
                       "failureThreshold": 3})],
        annotations=shim_annotations(**{"pid1.io/health-path": "/health"})), {}


def worker_pids(master):
    """Host PIDs of the direct children of host PID ``master``."""
    try:
        with open(f"/proc/{master}/task/{master}/children") as f:
            return [int(pid) for pid in f.read().split()]
    except OSError:
        return []


def hang_every_worker(net, port, seconds):
    """Requests /hang until /health fails three times in a row; returns the hung requests.
    2 workers x 2 threads: the kernel picks which worker accepts each connection, and a worker
    with busy threads still accepts and queues, so twice the threads go at a time. One failure
    proves little: it may have landed on the full worker while the other has a free thread."""
    hangs = []
    for _ in range(5):
        hangs += [Background(http_get, net, port, "/hang", seconds) for _ in range(8)]
        time.sleep(0.5)
        if all(http_get(net, port, "/health", 1)[0] != 200 for _ in range(3)):
            break
    return hangs


def shim_hung_drive(how):
    """Makes every worker unable to answer while the master lives: ``hang`` fills every
    worker thread with /hang requests and waits for the kubelet's verdict (failureThreshold
    failed probes); ``stop`` sends the workers SIGSTOP and waits only for the first failed
    probe, which must come within one probe period."""
    def drive(runner, ctx):
        port = ctx.port("web")
        wait_http(runner.net, port, "/health")
        c = runner.spec["containers"][0]
        result = runner.results["web"]
        window = liveness_window(c)
        passed_before = wait_until(lambda: any(ok for _, ok in result.verdicts("livenessProbe")),
                                   window)
        before = shim_verdict(runner, "web")
        hung_at = runner.now()
        workers, hangs = [], []
        if how == "stop":
            workers = worker_pids(runner.processes["web"].pid)
            for pid in workers:
                os.kill(pid, signal.SIGSTOP)
        else:
            hangs = hang_every_worker(runner.net, port, window + 10)
        time.sleep(0.5)
        health = http_get(runner.net, port, "/health", 2)[0]

        def failed_since_hung():
            if how == "stop":
                return next((t for t, ok in result.verdicts("livenessProbe")
                             if not ok and t >= hung_at), None)
            return next((t for t, text in result.events
                         if text == "liveness failed" and t >= hung_at), None)
        wait_until(lambda: failed_since_hung() is not None, window)
        failed_at = failed_since_hung()
        after = shim_verdict(runner, "web")
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        runner.stop()
        for h in hangs:
            h.join(1)
        probe = c.get("livenessProbe") or {}
        return {"workers_stopped": len(workers), "passed_before": passed_before,
                "health_while_hung": health, "window": window,
                "limit": window if how == "hang" else
                probe.get("periodSeconds", 10) + probe.get("timeoutSeconds", 1) + 2,
                "liveness_failed_after": None if failed_at is None
                else round(failed_at - hung_at, 1),
                "probe": probe.get("httpGet") or sorted(probe),
                "shim_before": before, "shim_after": after,
                "shim_exit": runner.results.get(SHIM_CONTAINER, ContainerResult("")).exit_code}
    return drive


def shim_hung_fixed(run):
    want = {"path": "/workers/web", "port": SHIM_PORT}
    probe = run.obs["probe"]
    if isinstance(probe, dict):  # a pod the API server stored has its default scheme HTTP added
        probe = {k: v for k, v in probe.items() if (k, v) != ("scheme", "HTTP")}
    failed_after = run.obs["liveness_failed_after"]
    return first(lambda: None if run.obs["passed_before"] else
                 f"liveness never passed before the workers hung "
                 f"(shim said {run.obs['shim_before']})",
                 lambda: None if probe == want else
                 f"liveness probe is {run.obs['probe']}, not httpGet {want}",
                 lambda: None if run.obs["health_while_hung"] != 200 else
                 "the workers were not hung (/health answered)",
                 lambda: None if failed_after is not None and failed_after <= run.obs["limit"]
                 else f"liveness did not fail within {run.obs['limit']}s "
                 f"(shim said {run.obs['shim_after']})",
                 lambda: shim_sidecar_ok(run))


def shim_stopped_broken(run):
    if run.obs["workers_stopped"] < 2:
        return f"only {run.obs['workers_stopped']} workers stopped"
    return hung_broken(run)


def shim_stopped_fixed(run):
    return first(lambda: shim_stopped_broken(run) if run.obs["workers_stopped"] < 2 else None,
                 lambda: shim_hung_fixed(run),
                 lambda: None if "stopped" in run.obs["shim_after"] else
                 f"the shim did not see stopped workers: {run.obs['shim_after']}")


NGINX_SHIM_CONF = """worker_processes 2;
pid {tmp}/nginx.pid;
error_log stderr notice;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/client_body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  server {{
    listen {port};
    root {tmp}/www;
    location /health {{ return 200 "ok\\n"; }}
    location / {{ limit_rate 100k; }}
  }}
}}
"""


def shim_nginx_build(ctx):
    """nginx as a non-root user: its pid file and temp paths in a directory of that user."""
    p = ctx.port("web")
    big_file(ctx)
    conf = ctx.write("nginx.conf", NGINX_SHIM_CONF.format(tmp=ctx.tmp, port=p))
    os.chown(ctx.tmp, SHIM_UID, SHIM_UID)
    return pod("shim-nginx-drain", [container(
        ["nginx", "-c", conf, "-g", "daemon off;"], name="nginx",
        ports=[{"containerPort": p}], securityContext=AS_SHIM_USER)],
        annotations=shim_annotations(**{"pid1.io/graceful-seconds": "12"})), {}


def shim_download_drive(runner, ctx):
    """First a /drain without the pod's token, as any client that reaches the pod could send it:
    the shim must refuse it and nginx keep serving; then the download and the kubelet's stop."""
    refused = "-"
    if SHIM_CONTAINER in runner.processes:
        wait_http(runner.net, SHIM_PORT, "/healthz")
        status, body, _ = http_get(runner.net, SHIM_PORT, "/drain/nginx", 10)
        refused = f"{status} {body.decode(errors='replace').strip()}"
    obs = download_drive(runner, ctx)
    shim = runner.results.get(SHIM_CONTAINER)
    return {**obs, "drain_without_token": refused, "shim": shim_log(runner, "drained"),
            "shim_exit": shim and shim.exit_code}


def shim_drained(run):
    r = run.result
    return first(lambda: None if run.obs["drain_without_token"].startswith("403 ") else
                 f"/drain without the token answered {run.obs['drain_without_token']}",
                 lambda: inflight_done_and_graceful(run),
                 lambda: None if r.prestop_seconds is not None and r.prestop_error is None else
                 f"preStop /drain: {r.prestop_error or 'not run'}",
                 lambda: None if "after SIGQUIT" in run.obs["shim"] else
                 f"the shim did not report a drain with SIGQUIT: {run.obs['shim']}",
                 lambda: shim_sidecar_ok(run))


def shim_zombies_build(ctx):
    """The orphan-making server behind ``bash -c`` (which reaps nothing as PID 1) beside a
    gunicorn for the shim to supervise. The webhook puts no shim on the Python server (it is
    no known server), but the pod's shared PID namespace reaps its orphans."""
    p, g = ctx.port("web"), ctx.port("gunicorn")
    return pod("shim-zombies", [
        container(["bash", "-c", f"cd /app && python3 orphans.py {p}"],
                  ports=[{"containerPort": p}], securityContext=AS_SHIM_USER),
        container(["gunicorn", "app:app", "-w", "1", "-b", f"0.0.0.0:{g}", "--chdir", "/app",
                   "--graceful-timeout", "2"], name="web", ports=[{"containerPort": g}],
                  securityContext=AS_SHIM_USER)],
        annotations=shim_annotations(**{"pid1.io/health-path": "/health"})), {}


def shim_zombies_drive(runner, ctx):
    obs = orphans_drive(runner, ctx)
    shim = runner.results.get(SHIM_CONTAINER)
    return {**obs, "shared_pid_ns": runner.pause is not None,
            "shim_exit": shim and shim.exit_code}


def shim_zombies_fixed(run):
    return first(lambda: orphans_fixed(run),
                 lambda: None if run.obs["shared_pid_ns"] else "no shared PID namespace",
                 lambda: shim_sidecar_ok(run))


def shim_celery_build(ctx):
    """The celery scenario's pod under the shim. It uses the host's network (Redis is on the
    host's loopback), so the shim's port must be free on the host."""
    if not _port_free(SHIM_PORT):
        raise RuntimeError(f"port {SHIM_PORT} is in use on this machine; the shim needs it")
    written, images = celery_build(ctx)
    written["metadata"]["name"] = "shim-celery"
    written["metadata"]["annotations"].update(shim_annotations())
    written["spec"]["containers"][0]["securityContext"] = AS_SHIM_USER
    return written, images


def _port_free(port):
    with socket.socket() as s:
        try:
            s.bind(("0.0.0.0", port))
            return True
        except OSError:
            return False


def shim_celery_drive(runner, ctx):
    obs = celery_drive(runner, ctx)
    shim = runner.results.get(SHIM_CONTAINER)
    return {**obs, "shim": shim_log(runner, "drained"), "shim_exit": shim and shim.exit_code}


def shim_celery_fixed(run):
    r = run.result
    return first(lambda: None if run.obs["complete"] else f"task outcome {run.obs['task']}",
                 lambda: stopped_gracefully(run),
                 lambda: None if r.prestop_seconds is not None and r.prestop_error is None else
                 f"preStop /drain: {r.prestop_error or 'not run'}",
                 lambda: None if "exited" in run.obs["shim"] and "after SIGTERM" in run.obs["shim"]
                 else f"the shim did not report a warm shutdown: {run.obs['shim']}",
                 lambda: shim_sidecar_ok(run))


# ---------------------------------------------------------------- pid1-probe: the generic check
# No health path and no shim: the webhook's default exec probes (pid1-probe) must see hung or
# stopped workers that a tcpSocket liveness, or none, never sees, and must never fail a healthy
# or slow-starting server.

def probe_gunicorn_build(name, worker, app, liveness=False, command_prefix=()):
    def build(ctx):
        p = ctx.port("web")
        extra = {}
        if liveness:
            extra["livenessProbe"] = {"tcpSocket": {"port": p}, "periodSeconds": 5,
                                      "timeoutSeconds": 1, "failureThreshold": 3}
        # --timeout 600: gunicorn's own worker timeout (30 s) would restart a uvicorn worker whose
        # event loop blocks; requests that hang every worker again are what is left to catch.
        return pod(name, [container(
            list(command_prefix) + ["gunicorn", app, "-k", worker, "-w", "2", "--threads", "2",
                                    "--timeout", "600", "--graceful-timeout", "2",
                                    "-b", f"0.0.0.0:{p}", "--chdir", "/app"],
            name="web", ports=[{"containerPort": p}], **extra)]), {}
    return build


def event_since(result, text, since):
    """When the runner first recorded ``text`` (an event such as "liveness failed") after ``since``."""
    return next((t for t, k in result.events if k == text and t >= since), None)


def probe_hung_drive(runner, ctx):
    port = ctx.port("web")
    wait_http(runner.net, port, "/health")
    c = runner.spec["containers"][0]
    result = runner.results["web"]
    window = liveness_window(c)
    liveness = c.get("livenessProbe") or {}
    if liveness:
        wait_until(lambda: any(ok for _, ok in result.verdicts("livenessProbe")), window)
    passed_before = not liveness or any(ok for _, ok in result.verdicts("livenessProbe"))
    hung_at = runner.now()
    hangs = hang_every_worker(runner.net, port, window + 30)
    health = http_get(runner.net, port, "/health", 2)[0]
    wait_until(lambda: event_since(result, "liveness failed", hung_at) is not None, window)
    failed_at = event_since(result, "liveness failed", hung_at)
    unready_at = event_since(result, "not ready", hung_at)
    running = not runner.processes["web"].exited.is_set()
    restarted_at = root = answered_at = None
    if failed_at is not None:
        # The kill takes at most the grace period (preStop included); then a new gunicorn starts.
        grace = runner.spec.get("terminationGracePeriodSeconds", 30)
        wait_until(lambda: event_since(result, "restarted", failed_at) is not None, grace + 5)
        restarted_at = event_since(result, "restarted", failed_at)
    if restarted_at is not None:
        wait_until(lambda: http_get(runner.net, port, "/", 2)[0] == 200, 30)
        root, answered_at = http_get(runner.net, port, "/", 2)[0], runner.now()
    runner.stop()
    for h in hangs:
        h.join(1)
    return {"passed_before": passed_before, "health_while_hung": health, "window": window,
            "running_after_window": running,
            "liveness_failed_after": None if failed_at is None else round(failed_at - hung_at, 1),
            "unready_after": None if unready_at is None else round(unready_at - hung_at, 1),
            "restarts": len(result.restarts),
            "restarted_after": None if restarted_at is None else round(restarted_at - hung_at, 1),
            "kill": [(r.stop.stop_seconds and round(r.stop.stop_seconds, 1), r.stop.exit_code)
                     for r in result.restarts],
            "root_after_restart": root,
            "answered_after": None if answered_at is None else round(answered_at - hung_at, 1),
            "liveness": sorted(k for k in ("tcpSocket", "httpGet", "exec") if k in liveness)}


def probe_hung_broken(run):
    return first(lambda: None if run.obs["health_while_hung"] != 200 else
                 "the workers were not hung (/health answered)",
                 lambda: None if run.obs["passed_before"] else "liveness never passed before",
                 lambda: None if run.obs["liveness_failed_after"] is None else
                 f"liveness failed after {run.obs['liveness_failed_after']}s",
                 lambda: None if run.obs["unready_after"] is None else "readiness dropped",
                 lambda: None if run.obs["running_after_window"] else "the server exited",
                 lambda: None if run.obs["restarts"] == 0 else "the container was restarted")


def probe_hung_fixed(run):
    o = run.obs
    c = run.pod["spec"]["containers"][0]
    p = c["livenessProbe"]
    limit = p["failureThreshold"] * p["periodSeconds"] + p["timeoutSeconds"] + 2
    return first(lambda: None if o["liveness"] == ["exec"] else f"liveness is {o['liveness']}, not exec",
                 lambda: None if o["passed_before"] else "liveness never passed before the hang",
                 lambda: None if o["health_while_hung"] != 200 else "the workers were not hung",
                 lambda: None if o["liveness_failed_after"] is not None
                 and o["liveness_failed_after"] <= limit else
                 f"liveness did not fail within {limit}s (failureThreshold x period + timeout)",
                 lambda: None if o["unready_after"] is not None
                 and o["unready_after"] < o["liveness_failed_after"] else
                 f"readiness did not drop first (not ready after {o['unready_after']}s)",
                 lambda: None if o["restarts"] == 1 and o["restarted_after"] is not None else
                 f"the container was not restarted ({o['restarts']} kills)",
                 lambda: None if o["root_after_restart"] == 200 else
                 f"after the restart / answered {o['root_after_restart']}, not 200")


PROBE_HEALTHY_SECONDS = 60


def probe_healthy_drive(runner, ctx):
    """Probes a healthy server for a minute (as written it has no probes: stops at once)."""
    port = ctx.port("web")
    wait_http(runner.net, port, "/health")
    c = runner.spec["containers"][0]
    if c.get("livenessProbe"):
        time.sleep(PROBE_HEALTHY_SECONDS)
    root = http_get(runner.net, port, "/", 2)[0]
    result = runner.results["web"]
    runner.stop()
    return {"root": root, "liveness_ok": sum(ok for _, ok in result.verdicts("livenessProbe")),
            "liveness_failed": sum(not ok for _, ok in result.verdicts("livenessProbe")),
            "readiness_failed": sum(not ok for _, ok in result.verdicts("readinessProbe")),
            "events": [text for _, text in result.events]}


def probe_healthy_fixed(run):
    o = run.obs
    return first(lambda: None if o["root"] == 404 else f"/ answered {o['root']}, not 404",
                 lambda: None if o["liveness_ok"] >= PROBE_HEALTHY_SECONDS // 10 - 1 else
                 f"only {o['liveness_ok']} liveness probes passed",
                 lambda: None if o["liveness_failed"] == 0 and o["readiness_failed"] == 0 else
                 f"{o['liveness_failed']} liveness and {o['readiness_failed']} readiness probes failed",
                 lambda: None if "ready" in o["events"] and "liveness failed" not in o["events"]
                 else f"events {o['events']}",
                 lambda: stopped_gracefully(run))


SLOW_START_SECONDS = 45   # longer than a liveness alone allows (3 x (10 + 3) s)


def probe_slow_build(ctx):
    p = ctx.port("web")
    return pod("probe-slow-start", [container(
        ["sh", "-c", f"sleep {SLOW_START_SECONDS} && exec gunicorn app:app -w 1 -b 0.0.0.0:{p} "
                     "--chdir /app --graceful-timeout 2"],
        name="web", ports=[{"containerPort": p}])]), {}


def probe_slow_drive(runner, ctx):
    port = ctx.port("web")
    wait_http(runner.net, port, "/health", SLOW_START_SECONDS + 30)
    result = runner.results["web"]
    if runner.spec["containers"][0].get("livenessProbe"):
        wait_until(lambda: result.first_event("ready") is not None, 20)
    runner.stop()
    return {"started_at": result.first_event("started"), "ready_at": result.first_event("ready"),
            "events": [text for _, text in result.events]}


def probe_slow_fixed(run):
    o = run.obs
    return first(lambda: None if "liveness failed" not in o["events"] and "startup failed" not in
                 o["events"] else f"killed while starting: {o['events']}",
                 lambda: None if o["started_at"] and o["started_at"] >= SLOW_START_SECONDS - 1 else
                 f"startup probe passed at {o['started_at']}, before the server listened",
                 lambda: None if o["ready_at"] else "never ready")


def probe_celery_build(ctx):
    url = ctx.values["redis_url"] = redis_service(ctx)
    return pod("probe-celery", [container(
        ["celery", "-A", "tasks", "worker", "--concurrency", "2", "--loglevel", "info"],
        name="worker", workingDir="/app", env=[{"name": "REDIS_URL", "value": url}])],
        hostNetwork=True), {}


def descendants_of_master(container_pid):
    """Host PIDs of the workers: the children of the master, which is PID 1 or tini's child."""
    with open(f"/proc/{container_pid}/comm") as f:
        master = container_pid if f.read().strip() != "tini" else worker_pids(container_pid)[0]
    return worker_pids(master)


def probe_celery_drive(runner, ctx):
    from celery import Celery
    url = ctx.values["redis_url"]
    client = Celery("client", broker=url, backend=url)
    if not wait_until(lambda: bool(client.control.ping(timeout=0.5)), 40, step=0.5):
        raise RuntimeError("celery worker did not answer ping")
    client.close()
    c = runner.spec["containers"][0]
    result = runner.results["worker"]
    window = liveness_window(c)
    if c.get("livenessProbe"):
        wait_until(lambda: any(ok for _, ok in result.verdicts("livenessProbe")), window)
    workers = descendants_of_master(runner.processes["worker"].pid)
    stopped_at = runner.now()
    for pid in workers:
        os.kill(pid, signal.SIGSTOP)
    wait_until(lambda: event_since(result, "liveness failed", stopped_at) is not None, window)
    failed_at = event_since(result, "liveness failed", stopped_at)
    detail = next((d for t, k, ok, d in result.probes if not ok and t >= stopped_at), "-")
    running = not runner.processes["worker"].exited.is_set()
    for pid in workers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)
    runner.stop()
    return {"workers_stopped": len(workers), "window": window, "running_after_window": running,
            "liveness_failed_after": None if failed_at is None else round(failed_at - stopped_at, 1),
            "probe_said": detail.strip()[-120:]}


def probe_celery_broken(run):
    return first(lambda: None if run.obs["workers_stopped"] >= 2 else "no workers to stop",
                 lambda: None if run.obs["liveness_failed_after"] is None else "liveness failed",
                 lambda: None if run.obs["running_after_window"] else "the worker exited")


def probe_celery_fixed(run):
    p = run.pod["spec"]["containers"][0]["livenessProbe"]
    limit = p["failureThreshold"] * p["periodSeconds"] + p["timeoutSeconds"] + 2
    failed = run.obs["liveness_failed_after"]
    return first(lambda: None if run.obs["workers_stopped"] >= 2 else "no workers to stop",
                 lambda: None if failed is not None and failed <= limit else
                 f"liveness did not fail within {limit}s",
                 lambda: None if "stopped" in run.obs["probe_said"] else
                 f"the probe did not say why: {run.obs['probe_said']}")


# ---------------------------------------------------------------- sidecars: start first, stop last

EXPORT = """import time
with open('/var/log/export/export.log', 'a') as log:
    for i in range(40):
        log.write(f'row {i} exported\\n')
        log.flush()
        time.sleep(0.05)
    log.write('export done\\n')
"""


def job_shipper_build(ctx):
    """A Job's pod: the export writes its log and exits; a log shipper (fluent-bit's image, the
    small tail-and-forward shipper of apps/shipper.py) ships the log to the store."""
    store = os.path.dirname(ctx.write("store/shipped.log", ""))
    os.chmod(store, 0o777)
    logs = {"name": "logs", "mountPath": "/var/log/export"}
    app = {"name": "app", "mountPath": "/app", "readOnly": True}
    export = container(["python3", "-c", EXPORT], name="export", volumeMounts=[app, logs])
    shipper = container(["python3", "/app/shipper.py", "/var/log/export/export.log", "/store/shipped.log"],
                        name="log-shipper", image="cr.fluentbit.io/fluent/fluent-bit:3.1.4",
                        volumeMounts=[app, dict(logs, readOnly=True), {"name": "store", "mountPath": "/store"}])
    ctx.values["store"] = store
    return pod("job-log-shipper", [export, shipper], restartPolicy="Never",
               volumes=[{"name": "app", "hostPath": {"path": APPS}}, {"name": "logs", "emptyDir": {}},
                        {"name": "store", "hostPath": {"path": store}}]), {}


def job_shipper_drive(runner, ctx):
    completed = runner.wait_completed(20)
    runner.stop()   # as written, the pod is still Running: deleted, as one deletes a stuck Job
    with open(os.path.join(ctx.values["store"], "shipped.log"), "r+") as f:
        shipped = f.read().splitlines()
        f.truncate(0)   # the other run starts with an empty store
    shipper = runner.results["log-shipper"]
    return {"completed": None if completed is None else round(completed, 1), "shipped": len(shipped),
            "last": (shipped[-1] if shipped else "-").replace(" ", "_"), "shipper_exit": shipper.exit_code}


def job_shipper_broken(run):
    return None if run.obs["completed"] is None else f"the pod completed at {run.obs['completed']}s"


def job_shipper_fixed(run):
    return first(lambda: None if run.obs["completed"] is not None else "the pod did not complete in 20 s",
                 lambda: None if run.obs["shipped"] == 41 and run.obs["last"] == "export_done" else
                 f"{run.obs['shipped']} of 41 lines shipped, the last {run.obs['last']}",
                 lambda: None if run.obs["shipper_exit"] == 0 else f"shipper exit {run.obs['shipper_exit']}")


DB_PORT = 5432
DB_PROXY_PORT = 6432


class Database(threading.Thread):
    """Stands for the database outside the pod, reached at 127.0.0.1:DB_PORT from inside it:
    answers "SLEEP N" with "OK" after N seconds, one connection per query."""

    def __init__(self, net):
        super().__init__(daemon=True)
        self.sock = net.listen(DB_PORT)
        self.start()

    def run(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    @staticmethod
    def serve(conn):
        with conn, contextlib.suppress(OSError, ValueError):
            words = conn.makefile().readline().split()
            if len(words) == 2 and words[0] == "SLEEP":
                time.sleep(float(words[1]))
                conn.sendall(b"OK\n")

    def close(self):
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


def db_proxy_build(ctx):
    """gunicorn whose queries go through a database proxy in the pod (pgbouncer's image; socat
    forwarding TCP stands for it), as a regular container beside it."""
    p = ctx.port("web")
    web = container(["gunicorn", "app:app", "-w", "2", "-b", f"0.0.0.0:{p}", "--chdir", "/app",
                     "--graceful-timeout", "15"], name="web", ports=[{"containerPort": p}],
                    env=[{"name": "DB_PORT", "value": str(DB_PROXY_PORT)}])
    proxy = container(["socat", f"TCP-LISTEN:{DB_PROXY_PORT},fork,reuseaddr,bind=127.0.0.1",
                       f"TCP:127.0.0.1:{DB_PORT}"], name="db-proxy", image="bitnami/pgbouncer:1.23.1")
    return pod("db-proxy", [web, proxy], grace=20), {}


def db_proxy_drive(runner, ctx):
    port = ctx.port("web")
    database = Database(runner.net)
    try:
        wait_http(runner.net, port, "/health")
        before = http_get(runner.net, port, "/db?s=0", 10)[0]
        inflight = Background(http_get, runner.net, port, "/db?s=8", 60)
        time.sleep(1)
        runner.stop()
        inflight.join(5)
    finally:
        database.close()
    return {"before_stop": before, "inflight": inflight.value[0] if inflight.value else "no answer",
            "proxy_exit": runner.results["db-proxy"].exit_code}


def db_proxy_broken(run):
    return first(lambda: None if run.obs["before_stop"] == 200 else f"query before the stop: {run.obs['before_stop']}",
                 lambda: None if run.obs["inflight"] != 200 else "the query in flight completed")


def db_proxy_fixed(run):
    return first(lambda: None if run.obs["before_stop"] == 200 else f"query before the stop: {run.obs['before_stop']}",
                 lambda: None if run.obs["inflight"] == 200 else f"query in flight: {run.obs['inflight']}",
                 lambda: stopped_gracefully(run))


# ---------------------------------------------------------------- leave alone

def opt_out_build(ctx):
    p = ctx.port("web")
    return pod("opt-out", [container(
        ["sh", "-c", f"cd /app && gunicorn app:app -w 2 -b 0.0.0.0:{p}"])],
        annotations={"pid1.io/inject": "false"}, grace=3), {}


SUPERVISORD_CONF = """[supervisord]
nodaemon=true
logfile=/dev/null
logfile_maxbytes=0
pidfile={tmp}/supervisord.pid
[program:web]
command=gunicorn app:app -w 2 -b 0.0.0.0:{port} --graceful-timeout 3
directory=/app
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
redirect_stderr=true
"""


def supervisord_build(ctx):
    p = ctx.port("web")
    conf = ctx.write("supervisord.conf", SUPERVISORD_CONF.format(tmp=ctx.tmp, port=p))
    return pod("supervisord", [container(["supervisord", "-n", "-c", conf],
                                         ports=[{"containerPort": p}])]), {}


SCENARIOS = [
    Scenario("gunicorn-shell", gunicorn_shell_build, stop_after_ready,
             killed_at_grace, gunicorn_shell_fixed),
    Scenario("image-shell-cmd", image_shell_cmd_build, stop_after_ready,
             killed_at_grace, gunicorn_shell_fixed),
    Scenario("orphans", orphans_build, orphans_drive, orphans_broken, orphans_fixed),
    Scenario("hung-workers", hung_build, hung_drive, hung_broken, hung_fixed),
    Scenario("inflight", inflight_build, inflight_drive, inflight_broken, inflight_fixed),
    Scenario("drain", drain_build, drain_drive, drain_broken, drain_fixed),
    Scenario("uwsgi", uwsgi_build, stop_after_ready, killed_at_grace,
             lambda run: stopped_gracefully(run)),
    Scenario("uwsgi-entrypoint", uwsgi_entrypoint_build, stop_after_ready, killed_at_grace,
             uwsgi_entrypoint_fixed),
    Scenario("nginx", nginx_build, download_drive, inflight_cut, inflight_done_and_graceful),
    Scenario("php-fpm", php_fpm_build, php_fpm_drive, inflight_cut, inflight_done_and_graceful),
    Scenario("httpd", httpd_build, download_drive, inflight_cut, inflight_done_and_graceful),
    Scenario("celery", celery_build, celery_drive,
             lambda run: first(lambda: killed_at_grace(run), lambda: inflight_cut(run)),
             lambda run: first(lambda: None if run.obs["complete"] else
                               f"task outcome {run.obs['task']}",
                               lambda: stopped_gracefully(run))),
    Scenario("shim-hung-workers", shim_hung_build, shim_hung_drive("hang"),
             hung_broken, shim_hung_fixed),
    Scenario("shim-stopped-workers", shim_hung_build, shim_hung_drive("stop"),
             shim_stopped_broken, shim_stopped_fixed),
    Scenario("shim-nginx-drain", shim_nginx_build, shim_download_drive, inflight_cut,
             shim_drained),
    Scenario("shim-zombies", shim_zombies_build, shim_zombies_drive, orphans_broken,
             shim_zombies_fixed),
    Scenario("shim-celery", shim_celery_build, shim_celery_drive,
             lambda run: first(lambda: killed_at_grace(run), lambda: inflight_cut(run)),
             shim_celery_fixed),
    Scenario("probe-hung-gthread",
             probe_gunicorn_build("probe-hung-gthread", "gthread", "app:app", liveness=True),
             probe_hung_drive, probe_hung_broken, probe_hung_fixed, waits=True),
    Scenario("probe-hung-uvicorn",
             probe_gunicorn_build("probe-hung-uvicorn", "uvicorn.workers.UvicornWorker", "asgi:app"),
             probe_hung_drive, probe_hung_broken, probe_hung_fixed, waits=True),
    Scenario("probe-404-healthy",
             probe_gunicorn_build("probe-404-healthy", "gthread", "notfound:app"),
             probe_healthy_drive, lambda run: None, probe_healthy_fixed, waits=True),
    Scenario("probe-slow-start", probe_slow_build, probe_slow_drive, lambda run: None,
             probe_slow_fixed, waits=True),
    Scenario("probe-celery-stopped", probe_celery_build, probe_celery_drive, probe_celery_broken,
             probe_celery_fixed, waits=True),
    Scenario("job-log-shipper", job_shipper_build, job_shipper_drive, job_shipper_broken, job_shipper_fixed),
    Scenario("db-proxy", db_proxy_build, db_proxy_drive, db_proxy_broken, db_proxy_fixed),
    Scenario("opt-out", opt_out_build, stop_after_ready, leave_alone=True),
    Scenario("supervisord", supervisord_build, stop_after_ready,
             fixed=lambda run: stopped_gracefully(run), leave_alone=True),
]


# ---------------------------------------------------------------- running

def images_for(pod_, images):
    """The scenario's images plus the project's init image under whatever name the pod uses."""
    images = dict(images)
    for c in pod_["spec"].get("initContainers", []):
        if c["name"] == INIT_CONTAINER:
            images[c["image"]] = INIT_IMAGE
        elif c["name"] == SHIM_CONTAINER:
            images[c["image"]] = shim_image()
    return images


def run_pod(label, scenario, pod_, images, ctx):
    with PodRunner(pod_, images_for(pod_, images)) as runner:
        obs = scenario.drive(runner, ctx)
        result = runner.results[pod_["spec"]["containers"][0]["name"]]
    return Run(label, pod_, obs, result)


def report(scenario, run, reason):
    verdict = "ok  " if reason is None else "FAIL"
    obs = " ".join(f"{k}={v}" for k, v in run.obs.items())
    print(f"{verdict} {scenario.name:<20} {run.label:<7} grace={run.grace}s "
          f"{run.result.summary()} {obs}" + ("" if reason is None else f"  -- {reason}"),
          flush=True)
    if reason is not None and os.environ.get("E2E_VERBOSE"):
        print(f"---- pod: {run.pod['spec']}\n---- logs:\n{run.result.logs[-3000:]}", flush=True)


def run_scenario(scenario, webhook, registry):
    """Both runs of one scenario; True when everything it must show was shown."""
    with contextlib.ExitStack() as stack:
        tmp = tempfile.mkdtemp(prefix=f"e2e-{scenario.name}-")
        stack.callback(shutil.rmtree, tmp, True)
        ctx = Ctx(tmp, stack, registry)
        written, images = scenario.build(ctx)
        admission = webhook.mutate(copy.deepcopy(written))
        for w in admission.warnings:
            print(f"     {scenario.name:<20} warning: {w}", flush=True)
        if scenario.leave_alone:
            run = run_pod("as-is", scenario, admission.pod, images, ctx)
            reason = scenario.fixed(run) if scenario.fixed else None
            if admission.patch is not None or admission.pod != written:
                reason = f"webhook patched a pod it must leave alone: {admission.patch}"
            report(scenario, run, reason)
            return reason is None
        broken = run_pod("broken", scenario, written, images, ctx)
        broken_reason = scenario.broken(broken)
        report(scenario, broken, None if broken_reason is None
               else f"broken run does not show the bug: {broken_reason}")
        if admission.patch is None:
            print(f"FAIL {scenario.name:<20} fixed   -- the webhook returned no patch", flush=True)
            return False
        again = webhook.mutate(copy.deepcopy(admission.pod))
        if again.patch is not None:
            print(f"FAIL {scenario.name:<20} fixed   -- admitting the fixed pod again patched it: "
                  f"{again.patch}", flush=True)
            return False
        fixed = run_pod("fixed", scenario, admission.pod, images, ctx)
        fixed_reason = scenario.fixed(fixed)
        report(scenario, fixed, fixed_reason)
        return broken_reason is None and fixed_reason is None


def build_probe():
    """pid1-probe, as build-init-image.sh puts it into the pid1-init image."""
    subprocess.run([os.path.join(REPO_ROOT, "probe", "build.sh"), PROBE_BINARY], check=True,
                   stdout=subprocess.DEVNULL)


def shim_image():
    """The webhook's image as the pid1-shim sidecar's root filesystem, built and unpacked once, only when a pod
    has the sidecar: a run of scenarios without one builds no image. Scenarios run in threads, hence the lock;
    main() builds it before any starts when a shim- scenario is selected, so that no build runs beside them."""
    with SHIM_LOCK:
        if SHIM_IMAGE.root is None:
            build_shim_image(SHIM_WORK)
    return SHIM_IMAGE


def build_shim_image(work):
    """The webhook's image, built when missing or older than the packaged app, unpacked into ``work``."""
    app_jar = os.path.join(REPO_ROOT, SERVER_JAR)
    index = os.path.join(SHIM_LAYOUT, "index.json")
    if not os.path.exists(index) or os.path.getmtime(index) < os.path.getmtime(app_jar):
        subprocess.run([os.path.join(REPO_ROOT, "deploy", "image", "build-webhook-image.sh"),
                        "--out", os.path.dirname(SHIM_LAYOUT)], check=True, stdout=subprocess.DEVNULL)
    SHIM_IMAGE.root = os.path.join(work, "rootfs")
    oci_bundle.unpack(SHIM_LAYOUT, oci_bundle.image_manifest(SHIM_LAYOUT, "0.1.0"), SHIM_IMAGE.root)


def main(names):
    build_probe()
    selected = [s for s in SCENARIOS if not names or s.name in names]
    unknown = set(names) - {s.name for s in SCENARIOS}
    if unknown:
        print(f"unknown scenarios: {sorted(unknown)}", file=sys.stderr)
        return 2
    global SHIM_WORK
    SHIM_WORK = tempfile.mkdtemp(prefix="pid1-shim-image-")
    try:
        if any(s.name.startswith("shim-") for s in selected):
            shim_image()
        return run_selected(selected)
    finally:
        shutil.rmtree(SHIM_WORK, ignore_errors=True)


def run_selected(selected):
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up pods and server
    try:
        with Registry() as registry, \
                WebhookServer(env={"PID1_REGISTRY_INSECURE": registry.host,
                                   "PID1_REGISTRY_ALLOW_INTERNAL": registry.host}) as webhook:
            passed, failed = run_all(selected, webhook, registry)
    except (AdmissionError, RuntimeError) as e:
        print(f"could not start the registry or the webhook server: {e}"[:2000], flush=True)
        passed, failed = 0, len(selected)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


def run_all(selected, webhook, registry):
    """Runs the scenarios, E2E_JOBS (default 3) at a time, the waiting ones first: each pod has
    its own namespaces, temp dir and ports, and those scenarios mostly sleep through probe
    periods. Returns (passed, failed)."""
    if webhook.refused_after_ready:
        print(f"     note: the webhook port refused connections for "
              f"{webhook.refused_after_ready:.3f}s after /q/health/ready said UP", flush=True)
    jobs = max(1, int(os.environ.get("E2E_JOBS", "3")))
    ordered = sorted(selected, key=lambda s: not s.waits)
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        results = list(pool.map(lambda s: run_timed(s, webhook, registry), ordered))
    passed = sum(results)
    failed = len(results) - passed
    if failed:
        for line in webhook.errors()[:20]:
            print(f"     server: {line}", flush=True)
    return passed, failed


def run_timed(scenario, webhook, registry):
    """One scenario, never raising (one broken scenario must not stop the rest), and how long it took."""
    started = time.monotonic()
    try:
        ok = run_scenario(scenario, webhook, registry)
    except Exception as e:  # noqa: BLE001 - one broken scenario must not stop the rest
        print(f"FAIL {scenario.name:<20} error: {type(e).__name__}: {e}", flush=True)
        if webhook.process.poll() is not None:
            print(f"     the webhook server has exited ({webhook.process.returncode})",
                  flush=True)
        ok = False
    print(f"     {scenario.name:<20} took {time.monotonic() - started:.0f}s", flush=True)
    return ok


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
