#!/usr/bin/env bash
# What sampling usage costs (issue 23): Berth with usage sampling on against Berth with it off, side by side in ONE
# run, on the real engine, with COUNT (200) small idle service containers.
#
# Setup (least setup that still runs the real sampling path: store -> backend.usageTargets -> one stats call per
# container -> UsageHistory): COUNT containers of berth/demo:latest (`sleep`, 16 MiB limit, --network none so the host
# gets no new interfaces while others work on it) carry Berth's labels (berth.instance=<prefix>, berth.user=admin,
# berth.stack=s<i>, berth.service=web). Two Berths share that prefix, each with its own H2 file and port: at start each
# adopts the containers as stacks of admin (FAILED "Adopted back", containers left running as found), so each has
# COUNT stacks in its store, and the sampler reads every running container of a stack in the store whatever its
# state. Both run the reconciler (a list every 3 s); volume sizes are off on both (usage.volume_interval_minutes: 0).
#
# Phases
#   A  (BASE s)     off + on0: both with usage.interval_seconds: 0. The engine's baseline, and a noise check: the two
#                   Berths do the same work, so their CPU ratio shows how even the machine is.
#   B  (DURATION s) off + on: both restarted on their own stores (so their RSS compares: JVMs of the same age), on
#                   with usage.interval_seconds: 15 (INTERVAL).
#   Each phase starts after WARMUP s (JIT, adoption) and is measured with /proc/<pid>/stat.
# What it prints
#   berth CPU-s      user+system CPU of each Berth during the phase, and on/off
#   RSS MiB          resident memory at the end of the phase (G1 lets the heap grow with the rate of garbage)
#   live heap MiB    heap in use after a full GC at the end of the phase (jcmd GC.run): what is really kept
#   readings         berth_usage_readings_total{result="ok"} during the phase (on only)
#   ms/reading       (CPU-s on - CPU-s off) / readings: Berth's own cost per container per reading
#   engine CPU-s     dockerd + containerd, and the COUNT containers' shims (containerd-shim-runc-v2, which read the
#                    cgroups for each stats call), per phase; the difference B - A per reading
#   load             the 1-minute load average at the start and end of each phase (other work on the machine)
# Usage: deploy/bench/usage-bench.sh     (~8 min: COUNT=200 BASE=60 DURATION=240 WARMUP=40 INTERVAL=15)
# Knobs (env): COUNT, BASE, DURATION, WARMUP, INTERVAL, BERTH_JAVA_OPTS, KEEP=1 (keep the temp dir with logs).
# Every container it made is removed at exit (by its own prefix label), also after an error or ^C.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BENCH=$ROOT/deploy/bench

COUNT=${COUNT:-200}
BASE=${BASE:-60}
DURATION=${DURATION:-240}
WARMUP=${WARMUP:-40}
INTERVAL=${INTERVAL:-15}
BERTH_JAVA_OPTS=${BERTH_JAVA_OPTS:-"-Xmx512m"}
PASSWORD="bench-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"

. "$BENCH/lib.sh"
die() { say "usage-bench: $*"; exit 1; }
command -v docker >/dev/null || die "needs docker"
docker image inspect berth/demo:latest >/dev/null 2>&1 || die "needs berth/demo:latest (deploy/images/build.sh demo)"

WORK=$(mktemp -d /tmp/berth-usage-bench.XXXXXX)
PIDS=()
PREFIX="ub$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')"
remove_objects() {
  docker ps -aq --filter "label=berth.instance=$PREFIX" | xargs -r docker rm -f >/dev/null 2>&1 || true
}
finish() {
  cleanup
  remove_objects
}
trap finish EXIT
trap 'exit 130' INT TERM

say "building this tree (mvn -o package -DskipTests)"
mvn -q -o -DskipTests package >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "build failed"; }
JAR=$(ls "$ROOT"/target/berth-*.jar | head -1)

# --- the containers -------------------------------------------------------------------------------------------------
say "starting $COUNT containers labelled as Berth's ($PREFIX)"
began=$(date +%s)
seq "$COUNT" | xargs -P 4 -I{} docker run -d --name "$PREFIX-admin--s{}--web" --network none -m 16m \
  --label "berth.instance=$PREFIX" --label berth.user=admin --label "berth.stack=s{}" --label berth.service=web \
  berth/demo:latest sleep 100000 >/dev/null
running=$(docker ps -q --filter "label=berth.instance=$PREFIX" | wc -l)
[ "$running" = "$COUNT" ] || die "only $running of $COUNT containers run"
say "  $COUNT running after $(( $(date +%s) - began )) s"
IDS=$(docker ps -q --no-trunc --filter "label=berth.instance=$PREFIX")
shims() { # the containerd shims of this run's containers
  ps -eo pid=,args= | grep containerd-shim | grep -F -f <(echo "$IDS") | awk '{print $1}' || true
}
engine_pids() { pgrep -x dockerd || true; } # ticks() adds its children: containerd, docker-proxy

# --- the Berths ---------------------------------------------------------------------------------------------------
mkdir -p "$WORK/templates"
start_berth() { # start_berth NAME INTERVAL: a Berth on its own store in $WORK/NAME; sets BERTH_PID and BERTH_PORT
  local name=$1 interval=$2 dir=$WORK/$1 port pid
  mkdir -p "$dir"
  free_port port
  cat >"$dir/berth.yaml" <<EOF
server: {port: $port}
store: {url: "jdbc:h2:file:$WORK/${name%0}-data/berth"}
catalog: {dir: "$WORK/templates"}
local_builds: false
docker: {name_prefix: $PREFIX}
usage: {interval_seconds: $interval, volume_interval_minutes: 0}
EOF
  BERTH_ADMIN_PASSWORD=$PASSWORD java $BERTH_JAVA_OPTS -cp "$JAR:$ROOT/target/lib/*" io.berth.Main \
    --config "$dir/berth.yaml" >"$dir/berth.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  wait_for "$pid" 90 curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" \
    || die "Berth $name did not come up: $(tail -20 "$dir/berth.log")"
  BERTH_PID=$pid; BERTH_PORT=$port
}
readings() { # readings PORT: berth_usage_readings_total{result="ok"} so far
  curl -sf "http://127.0.0.1:$1/metrics" | awk '/^berth_usage_readings_total\{result="ok"\}/ {printf "%d", $2; f=1}
    END {if (!f) print 0}'
}
rss() { awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$1/status"; }
live_heap() { # heap in use after a full GC, MiB (G1's heap_info: "garbage-first heap   total 123K, used 45K")
  jcmd "$1" GC.run >/dev/null 2>&1 || { echo 0; return; }
  jcmd "$1" GC.heap_info 2>/dev/null | awk '/garbage-first heap/ {for (i = 1; i <= NF; i++) if ($i == "used") {
    v = $(i + 1); sub(/K.*/, "", v); printf "%.0f", v / 1024; exit } }'
}
load() { cut -d' ' -f1 /proc/loadavg; }

declare -A R
phase() { # phase NAME SECONDS ON_PID ON_PORT OFF_PID: measures one phase into R[NAME.*]
  local n=$1 secs=$2 on=$3 port=$4 off=$5 s0 s1 e0 e1 o0 o1 f0 f1 r0 r1 l0
  s0=$(ticks $(shims)); e0=$(ticks $(engine_pids)); o0=$(ticks "$on"); f0=$(ticks "$off"); r0=$(readings "$port"); l0=$(load)
  sleep "$secs"
  s1=$(ticks $(shims)); e1=$(ticks $(engine_pids)); o1=$(ticks "$on"); f1=$(ticks "$off"); r1=$(readings "$port")
  R[$n.on]=$((o1 - o0)); R[$n.off]=$((f1 - f0)); R[$n.engine]=$((e1 - e0)); R[$n.shims]=$((s1 - s0))
  R[$n.readings]=$((r1 - r0)); R[$n.load]="$l0 -> $(load)"; R[$n.rss_on]=$(rss "$on"); R[$n.rss_off]=$(rss "$off")
  R[$n.live_on]=$(live_heap "$on"); R[$n.live_off]=$(live_heap "$off")
  R[$n.secs]=$secs
}

say "phase A: two Berths, sampling off in both (warm-up $WARMUP s, then $BASE s)"
start_berth off 0; OFF_PID=$BERTH_PID
start_berth on0 0; ON0_PID=$BERTH_PID; ON0_PORT=$BERTH_PORT
sleep "$WARMUP"
adopted=$(grep -c "adopted back as FAILED" "$WORK/on0/berth.log" || true)
[ "$adopted" -ge "$COUNT" ] || die "the Berth adopted $adopted of $COUNT stacks: $(tail -5 "$WORK/on0/berth.log")"
phase A "$BASE" "$ON0_PID" "$ON0_PORT" "$OFF_PID"

say "phase B: both Berths again on their stores, one with usage.interval_seconds: $INTERVAL (warm-up $WARMUP s, then $DURATION s)"
kill "$ON0_PID" "$OFF_PID"; wait "$ON0_PID" "$OFF_PID" 2>/dev/null || true
start_berth off 0; OFF_PID=$BERTH_PID
start_berth on "$INTERVAL"; ON_PID=$BERTH_PID; ON_PORT=$BERTH_PORT
sleep "$WARMUP"
phase B "$DURATION" "$ON_PID" "$ON_PORT" "$OFF_PID"
rounds=$(curl -sf "http://127.0.0.1:$ON_PORT/metrics" | awk '/^berth_usage_round_seconds_sum/ {s=$2} /^berth_usage_round_seconds_count/ {c=$2}
  END {if (c) printf "%d rounds, %.1f s each on average", c, s / c}')

echo "usage bench $(date -u +%FT%TZ), $(nproc) cores, $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+changes'), $COUNT idle containers, usage.interval_seconds $INTERVAL, Docker $(docker version --format '{{.Server.Version}}')"
awk -v hz="$HZ" -v count="$COUNT" -v interval="$INTERVAL" \
  -v aon="${R[A.on]}" -v aoff="${R[A.off]}" -v aeng="${R[A.engine]}" -v ashim="${R[A.shims]}" -v asec="${R[A.secs]}" \
  -v arson="${R[A.rss_on]}" -v arsoff="${R[A.rss_off]}" -v aload="${R[A.load]}" \
  -v bon="${R[B.on]}" -v boff="${R[B.off]}" -v beng="${R[B.engine]}" -v bshim="${R[B.shims]}" -v bsec="${R[B.secs]}" \
  -v brson="${R[B.rss_on]}" -v brsoff="${R[B.rss_off]}" -v blon="${R[B.live_on]}" -v bloff="${R[B.live_off]}" -v bload="${R[B.load]}" -v reads="${R[B.readings]}" 'BEGIN {
  printf "%-34s %12s %12s %8s\n", "", "sampling on", "off", "on/off"
  printf "%-34s %12.2f %12.2f %8.2f\n", "A (both off): Berth CPU-s in " asec " s", aon / hz, aoff / hz, (aoff ? aon / aoff : 0)
  printf "%-34s %12.2f %12.2f %8.2f\n", "B: Berth CPU-s in " bsec " s", bon / hz, boff / hz, (boff ? bon / boff : 0)
  printf "%-34s %12d %12d %8.2f\n", "B: RSS MiB at the end", brson, brsoff, (brsoff ? brson / brsoff : 0)
  printf "%-34s %12d %12d %8.2f\n", "B: live heap MiB after a full GC", blon, bloff, (bloff ? blon / bloff : 0)
  printf "%-34s %12d\n", "B: readings (ok)", reads
  if (reads > 0) {
    printf "%-34s %12.2f   (%.1f %% of a core at %d containers every %d s)\n", "B: Berth CPU ms per reading",
      (bon - boff) / hz * 1000 / reads, (bon - boff) / hz / bsec * 100, count, interval
  }
  printf "\n%-34s %12s %12s\n", "engine CPU-s per 100 s", "A (off)", "B (on)"
  printf "%-34s %12.2f %12.2f\n", "dockerd + containerd", aeng / hz / asec * 100, beng / hz / bsec * 100
  printf "%-34s %12.2f %12.2f\n", "shims of the " count " containers", ashim / hz / asec * 100, bshim / hz / bsec * 100
  if (reads > 0) {
    printf "%-34s %12.2f   (dockerd + containerd + shims, B - A)\n", "engine CPU ms per reading",
      ((beng + bshim) / bsec - (aeng + ashim) / asec) / hz * bsec * 1000 / reads
  }
  printf "\nload (1 min): A %s, B %s\n", aload, bload
}'
echo "sampler: $rounds"
say "removing the $COUNT containers"
