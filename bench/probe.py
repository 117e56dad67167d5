#!/usr/bin/python3
"""What pid1-probe costs: its size, and the CPU time, wall time and peak memory of one run
(median of N runs, 100 by default) in each mode:

  http, healthy  against gunicorn (gthread, 2 workers) on loopback, answering at once
  http, hung     against a listener whose backlog accepts the connection but nobody answers
                 (what a master with every worker hung looks like): the run lasts its deadline
                 (1 s here; 10 runs, each a second)
  workers        in a PID namespace of its own with a master and 4 workers (unshare -pf)

usage: bench/probe.py [RUNS]   (as root for the workers mode; builds the probe first)
Everything listens on 127.0.0.1 and stops by itself.
"""
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
APPS = os.path.join(ROOT, "tests-e2e", "apps")
HUNG_DEADLINE_MS = 1000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(argv, runs, rss_after=None):
    """Median wall ms and CPU ms (user + system) of ``runs`` runs, their exit codes, and the
    probe's peak resident KiB read from /proc while it waits (``rss_after`` seconds in), since
    a child's ru_maxrss still counts the forking Python's pages from before exec."""
    wall, cpu, rss, codes = [], [], [], set()
    quiet = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
    for _ in range(runs):
        start = time.monotonic()
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=quiet)
        if rss_after is not None:
            time.sleep(rss_after)
            with open(f"/proc/{pid}/status") as f:
                rss += [int(line.split()[1]) for line in f if line.startswith("VmHWM:")]
        _, status, usage = os.wait4(pid, 0)
        wall.append((time.monotonic() - start) * 1000)
        cpu.append((usage.ru_utime + usage.ru_stime) * 1000)
        codes.add(os.waitstatus_to_exitcode(status))
    return statistics.median(wall), statistics.median(cpu), max(rss) if rss else "-", sorted(codes)


def wait_port(port):
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def main(runs):
    probe = os.path.join(tempfile.mkdtemp(prefix="pid1-probe-"), "pid1-probe")
    subprocess.run([os.path.join(ROOT, "probe", "build.sh"), probe], check=True, stdout=subprocess.DEVNULL)
    print(f"pid1-probe: {os.path.getsize(probe)} bytes (static, stripped)")
    print(f"{'mode':<16} {'wall ms':>8} {'CPU ms':>7} {'max RSS KiB':>12}  exit codes  ({runs} runs, medians)")

    port = free_port()
    server = subprocess.Popen(["gunicorn", "app:app", "-k", "gthread", "-w", "2", "-b", f"127.0.0.1:{port}",
                               "--chdir", APPS], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        report("http, healthy", measure([probe, "http", str(port)], runs))
    finally:
        server.terminate()
        server.wait(10)

    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(runs + 10)   # the kernel accepts every connection; nothing ever answers
        hung_port = hung.getsockname()[1]
        report("http, hung", measure([probe, "http", str(hung_port), "--timeout-ms", str(HUNG_DEADLINE_MS)],
                                     max(10, runs // 10), rss_after=0.5))

    if os.geteuid() == 0:
        tree = "for i in 1 2 3 4; do sleep 600 & done; sleep 0.2; " \
               f"for i in $(seq {runs}); do {probe} workers --min 4 >/dev/null; done"
        start = time.monotonic()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(["unshare", "-pf", "--mount-proc", "sh", "-c", tree], check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        total_ms = (time.monotonic() - start - 0.2) * 1000
        cpu_ms = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000
        print(f"{'workers (mean)':<16} {total_ms / runs:>8.2f} {cpu_ms / runs:>7.2f} {'-':>12}  "
              "(a shell loop in the namespace; CPU includes the loop's fork)")


def report(mode, result):
    wall, cpu, rss, codes = result
    print(f"{mode:<16} {wall:>8.2f} {cpu:>7.2f} {rss:>12}  {codes}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
