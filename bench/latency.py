"""Latency percentiles of an h2load --log-file (start µs since the epoch, status, µs to the end of the answer).

Usage: latency.py LOG RATE SECONDS. Prints key=value pairs for load.sh. The achieved rate shows whether
h2load kept the schedule: when the server falls behind, requests start late and their wait is not in the
latencies, so a rate below the one asked for means the percentiles flatter the server.
"""
import sys

rows = [line.split("\t") for line in open(sys.argv[1]) if line.strip()]
latencies = sorted(int(row[2]) / 1000 for row in rows)
failed = sum(1 for row in rows if row[1] != "200")
seconds = float(sys.argv[3])


def percentile(q):
    return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")


print(f"achieved={len(rows) / seconds:.0f} p50_ms={percentile(0.5):.2f} p99_ms={percentile(0.99):.2f} "
      f"p999_ms={percentile(0.999):.2f} max_ms={latencies[-1] if latencies else float('nan'):.2f} failed={failed}")
