#!/usr/bin/env bash
# Memory of Berth per 100 users, each logged in with one running stack (io.berth.bench.Sizing): Berth runs in one
# JVM on a loopback backend, so only Berth's own memory is measured, not the containers'. Prints heap after a full
# GC and resident memory after each batch, and the growth per 100 users. The JVM options are what deploy/ uses.
# Usage: deploy/bench/sizing.sh [BATCH=100] [BATCHES=3]     (about a minute per 100 users on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d /tmp/berth-sizing.XXXXXX)
trap 'rm -rf "$work"' EXIT
mvn -q -o dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null \
  || mvn -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
mvn -q -o test-compile >/dev/null
echo "Berth sizing — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, Java $(java -version 2>&1 | head -1 | awk -F'"' '{print $2}'), -Xmx1g, G1"
java -Xmx1g -cp "target/classes:target/test-classes:$(cat "$work/cp.txt")" io.berth.bench.Sizing "${1:-100}" "${2:-3}" "$work/home" \
  2> >(grep -vE '^\s*$' | grep -E 'WARN|ERROR' | head -5 >&2)
