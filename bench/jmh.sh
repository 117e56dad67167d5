#!/usr/bin/env bash
# JMH benchmarks of the engine (src/test/java/io/pid1/injector/bench): pods/s on one thread and
# bytes allocated per pod, for the small, typical and large pods, plus the large/small ratios.
# Usage: bench/jmh.sh [extra JMH options, e.g. -wi 1 -i 2 -r 1s for a quick run]
# BENCH=HugeScriptBenchmark: the sh -c reader on 200,000-fold hostile scripts (µs per read) instead.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${BENCH_OUT:-target/bench}
mkdir -p "$out"

mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt" >/dev/null
cp="target/test-classes:target/classes:$(cat "$out/classpath.txt")"

java -cp "$cp" org.openjdk.jmh.Main "io.pid1.injector.bench.${BENCH:-PodFixerBenchmark}" \
  -prof gc -rf json -rff "$out/jmh.json" "$@"

python3 - "$out/jmh.json" <<'PY'
import json, sys
rows = {}
for r in json.load(open(sys.argv[1])):
    name = r["benchmark"].rsplit(".", 1)[1]
    size = r["params"]["size"]
    ops = r["primaryMetric"]["score"]
    alloc = r["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score", float("nan"))
    rows[(name, size)] = (ops, alloc)
print()
print("| benchmark | pod | pods/s (1 core) | µs/pod | allocated/pod |")
print("|---|---|---:|---:|---:|")
for (name, size), (ops, alloc) in rows.items():
    print(f"| {name} | {size} | {ops:,.0f} | {1e6 / ops:,.1f} | {alloc / 1024:,.1f} KiB |")
print()
for name in sorted({n for n, _ in rows}):
    if (name, "small") in rows and (name, "large") in rows:
        s, l = rows[(name, "small")], rows[(name, "large")]
        print(f"{name}: large/small time x{s[0] / l[0]:.1f}, allocation x{l[1] / s[1]:.1f} "
              f"(the large pod has 30x the containers and 1000x the env vars)")
PY
