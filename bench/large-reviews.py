"""Small-review latency and peak memory while large reviews run (issue 20: High 1, Medium 7).

Usage: python3 bench/large-reviews.py [JAR] [SMALL_REVIEWS]
Starts JAR (default target/quarkus-app/quarkus-run.jar) on free loopback ports with the Deployment's
JAVA_TOOL_OPTIONS and MALLOC_ARENA_MAX, then, one phase after the other, sends SMALL_REVIEWS (default 2000)
small reviews one at a time from one client and reports their latency:
  alone     nothing else runs;
  1000x2    two clients loop reviews of 1,000 containers (240 KB each);
  hostile   six clients loop the reviews that once ended the JVM (10,000 containers, 5,000 four times,
            and a 3 MiB pod of 40 containers).
Every client is its own process with its own HTTP/1.1 keep-alive connection. Prints one line per phase and
the server's peak resident memory (VmHWM); stops the server at the end.
"""
import http.client
import json
import multiprocessing
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def review(containers, env_bytes=0):
    container = {"name": "web", "image": "registry.example/shop/web:1.4.2",
                 "command": ["sh", "-c", "gunicorn shop.wsgi:application -w 4 --bind 0.0.0.0:8000"],
                 "ports": [{"containerPort": 8000}]}
    if env_bytes:
        container["env"] = [{"name": "PADDING", "value": "x" * env_bytes}]
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "shop-web"},
           "spec": {"containers": [dict(container, name=f"web{i}") for i in range(containers)]}}
    return json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
        "uid": str(uuid.uuid4()), "kind": {"group": "", "version": "v1", "kind": "Pod"},
        "resource": {"group": "", "version": "v1", "resource": "pods"}, "namespace": "shop",
        "operation": "CREATE", "object": pod}}).encode()


def connect(port, ca):
    context = ssl.create_default_context(cafile=ca)
    return http.client.HTTPSConnection("localhost", port, context=context, timeout=60)


def post(connection, body):
    connection.request("POST", "/mutate?timeout=10s", body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    answer = response.read()
    if response.status != 200 or not json.loads(answer)["response"]["allowed"]:
        raise RuntimeError(f"HTTP {response.status}: {answer[:200]!r}")


def loop_large(port, ca, bodies, stop, answered):
    try:
        connection = connect(port, ca)
        while not stop.is_set():
            for body in bodies:
                post(connection, body)
                with answered.get_lock():
                    answered.value += 1
    except (OSError, RuntimeError) as e:
        print(f"large client failed: {e}", flush=True)
        sys.exit(1)


def small_latencies(port, ca, count):
    connection = connect(port, ca)
    body = review(1)
    for _ in range(200):
        post(connection, body)
    latencies = []
    for _ in range(count):
        start = time.perf_counter()
        post(connection, body)
        latencies.append((time.perf_counter() - start) * 1000)
    return sorted(latencies)


def phase(name, port, ca, count, large_clients):
    stop = multiprocessing.Event()
    answered = multiprocessing.Value("i", 0)
    workers = [multiprocessing.Process(target=loop_large, args=(port, ca, bodies, stop, answered))
               for bodies in large_clients]
    for worker in workers:
        worker.start()
    time.sleep(2 if workers else 0)
    try:
        latencies = small_latencies(port, ca, count)
    except (OSError, RuntimeError) as e:
        print(f"{name:8} small client failed: {e}", flush=True)
        latencies = [float("nan")]
    stop.set()
    for worker in workers:
        worker.join(120)
    failed = sum(1 for worker in workers if worker.exitcode != 0)
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    print(f"{name:8} small p50_ms={p(0.5):.2f} p99_ms={p(0.99):.2f} max_ms={latencies[-1]:.2f} "
          f"large_answered={answered.value} large_clients_failed={failed}", flush=True)


def deployment_environment():
    manifest = open(os.path.join(ROOT, "deploy/base/deployment.yaml")).read()
    return {name: re.search(r"- name: " + name + r"\s*\n\s*value: \"?([^\"\n]+)", manifest).group(1).strip()
            for name in ("JAVA_TOOL_OPTIONS", "MALLOC_ARENA_MAX")}


def main():
    jar = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/quarkus-app/quarkus-run.jar")
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    work = tempfile.mkdtemp(prefix="pid1-large-bench")
    port = free_port()
    env = dict(os.environ, PID1_WEBHOOK_PORT=str(port), PID1_MANAGEMENT_PORT=str(free_port()),
               PID1_LISTEN_HOST="127.0.0.1", PID1_TLS_DIR=os.path.join(work, "tls"), **deployment_environment())
    log = open(os.path.join(work, "server.log"), "w")
    server = subprocess.Popen(["java", "-jar", jar], env=env, stdout=log, stderr=subprocess.STDOUT)
    ca = os.path.join(work, "tls", "ca.crt")
    try:
        deadline = time.time() + 60
        while True:
            try:
                post(connect(port, ca), review(1))
                break
            except (OSError, RuntimeError):
                if time.time() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start; see " + log.name)
                time.sleep(0.2)
        thousand = [review(1000)]
        hostile = [[review(10_000)]] + [[review(5_000)] for _ in range(4)] + [[review(40, 75 * 1024)]]
        phase("alone", port, ca, count, [])
        phase("1000x2", port, ca, count, [thousand, thousand])
        phase("hostile", port, ca, count, hostile)
        time.sleep(1)
        status = open(f"/proc/{server.pid}/status").read() if server.poll() is None else ""
        peak = re.search(r"VmHWM:\s+(\d+)", status)
        alive = peak is not None  # a process that has exited but is not yet reaped has no VmHWM
        print(f"server alive={alive} peak_rss_mib={int(peak.group(1)) // 1024 if peak else 'n/a'}", flush=True)
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
