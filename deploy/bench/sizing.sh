#!/usr/bin/env bash
# Memory of Berth per 100 users, each logged in with one running stack, while it samples the usage of SAMPLED
# services every 15 s (io.berth.bench.Sizing): each Berth runs in a JVM of its own on a loopback backend, so only
# Berth's own memory is measured, not the containers'. Side by side in ONE run, driven in lockstep:
#   defaults - java with no options (the JVM's defaults: a quarter of the machine's memory as heap limit, G1)
#   deploy   - java @deploy/jvm-options with the class-data archive (deploy/cds-archive.sh): how deploy/run.sh,
#              berth.service and the image run Berth
# Prints the live heap after a full GC, resident memory and threads of each after every batch, and the growth per
# 100 users.
# Usage: deploy/bench/sizing.sh [BATCH=250] [BATCHES=4] [SAMPLED=200]   (about 4 minutes per 100 users for the pair
#        on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BATCH=${1:-250} BATCHES=${2:-4} SAMPLED=${3:-200}
. deploy/bench/lib.sh
die() { say "sizing: $*"; exit 1; }
WORK=$(mktemp -d /tmp/berth-sizing.XXXXXX)
PIDS=()
trap cleanup EXIT
trap 'exit 130' INT TERM

mvn -q -o -DskipTests package >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "build failed"; }
mvn -q -o test-compile >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "test-compile failed"; }
mvn -q -o dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >>"$WORK/build.log" 2>&1 \
  || die "could not resolve the test classpath"
# the jar first, as deployed (the class-data archive is tied to the class path), then what the bench itself needs
CP="$(ls "$ROOT"/target/berth-*.jar | head -1):$ROOT/target/lib/*:$ROOT/target/test-classes:$(cat "$WORK/cp.txt")"
deploy/cds-archive.sh "$WORK/berth.jsa" "$CP" @deploy/jvm-options 2>>"$WORK/build.log"
[ -s "$WORK/berth.jsa" ] || die "no class-data archive: $(tail -5 "$WORK/build.log")"
free_port backend_port

targets=()
for variant in defaults deploy; do
  opts=""
  [ "$variant" = deploy ] && opts="@deploy/jvm-options -XX:SharedArchiveFile=$WORK/berth.jsa"
  java $opts -cp "$CP" io.berth.bench.Sizing serve "$WORK/$variant" "$backend_port" "$SAMPLED" >"$WORK/$variant.out" 2>"$WORK/$variant.err" &
  pid=$!; PIDS+=("$pid")
  wait_for "$pid" 120 grep -q '^PORT=' "$WORK/$variant.out" || die "$variant did not start: $(tail -5 "$WORK/$variant.err")"
  targets+=("$variant=http://127.0.0.1:$(sed -n 's/^PORT=//p' "$WORK/$variant.out")=$pid")
done

echo "Berth sizing — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1024/1024}' /proc/meminfo), Java $(java -version 2>&1 | head -1 | awk -F'"' '{print $2}'), $SAMPLED services sampled every 15 s"
echo "deploy = $(grep -v '^#' deploy/jvm-options | xargs) + class-data archive"
java -cp "$CP" io.berth.bench.Sizing drive "$backend_port" "$BATCH" "$BATCHES" "${targets[@]}" \
  2> >(grep -vE '^\s*$' | grep -E 'WARN|ERROR|Exception' | head -5 >&2)
