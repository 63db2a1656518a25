#!/usr/bin/env bash
# What durable commits cost, side by side in ONE run: io.berth.bench.LaunchThroughput (tests/java/io/berth/bench/)
# opens the H2 file as Berth does now ("durable": WRITE_DELAY=0 + one fsync per changing store call, grouped) and
# with H2's default write delay ("delayed": ;WRITE_DELAY=500 in the URL, what Berth did before), alternating on fresh
# databases, and prints per round and as medians:
#   ms per commit        one audit row per store call, one thread
#   commits/s, 8 thr     the same from 8 threads (shows the grouping of fsyncs)
#   launches/s           launches acknowledged (201) through POST /api/v1/stacks from 8 clients, Berth in-process on
#                        the loopback backend (no engine: the store is what is measured)
# Usage: deploy/bench/launch-bench.sh            (ROUNDS=3 LAUNCHES=150 WRITES=400 by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=$(mktemp -d /tmp/berth-launch-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mvn -q -o test-compile >"$WORK/build.log" 2>&1 || mvn -q test-compile >>"$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log" >&2; exit 1; }
mvn -q -o dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >>"$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log" >&2; exit 1; }
echo "launch bench $(date -u +%FT%TZ), $(nproc) cores, $(df -T /tmp | awk 'NR==2{print $2}') under /tmp"
exec java -Xmx512m -Drounds="${ROUNDS:-3}" -Dlaunches="${LAUNCHES:-150}" -Dwrites="${WRITES:-400}" \
  -Dlogback.configurationFile=src/main/resources/logback.xml \
  -cp "target/classes:target/test-classes:$(cat "$WORK/cp.txt")" io.berth.bench.LaunchThroughput
