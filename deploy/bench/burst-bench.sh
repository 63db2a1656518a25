#!/usr/bin/env bash
# A burst of launches on the real engine, old Berth against new, side by side in ONE run (issue 26, parts 1-2).
#
# What it measures
#   COUNT (10) stacks launched at once through POST /api/v1/stacks (io.berth.bench.BurstClient, one client thread
#   each, released together) from a template whose one service answers about a second after it starts
#   (berth/demo:latest: sh -c 'sleep 1; … exec httpd'), on this host's Docker engine, for
#     old  - Berth built from OLD_REF (default: the commit before fair bursts and cheap probes): every start at once
#            on the 16 lifecycle threads, each starting service probed every 50 ms with a docker inspect + a request;
#     new  - this tree: starts first come first served, docker.start_parallelism at a time (default: the cores, at
#            least 2; PARALLELISM=n sets it), probes backing off from 50 ms to 1 s, inspecting only when needed.
#   Each Berth is a fresh process (own H2 file, own name prefix) that first launches one stack (warm-up, not counted).
# How to read the table
#   all / first / median   s from the release of the launches until the last / first / median service answered 200
#                          through Berth's proxy (each client follows its progress stream, then asks every 20 ms)
#   berth CPU-s            Berth's user+system CPU during the burst (/proc/<pid>/stat, all its threads)
#   dockerd CPU-s          dockerd + containerd (+ their child processes) during the burst; not the containers
#   RSS MiB                Berth's resident memory once all were served
#   stop all s             then all COUNT stopped at once (POST …/stop each): s until the last is STOPPED; the new
#                          Berth stops gracefully (SIGTERM, up to the template's stop_grace), the old one killed
#   probes                 (new only, from its DEBUG log) probes and docker inspects per starting service per second
#                          of waiting; the old loop made one inspect + one attempt every 50 ms plus their time
#   Variants alternate each round (rotated), medians over ROUNDS with the ratio new/old.
# Usage: deploy/bench/burst-bench.sh          (ROUNDS=3, COUNT=10)
#        QUICK=1 deploy/bench/burst-bench.sh  (ROUNDS=1)
#        SERVICE=jupyter deploy/bench/burst-bench.sh   (Jupyter Notebook 6.4, berth/jupyter:notebook6-bookworm,
#                                                      probed at its /api, instead of the one-second httpd)
# Knobs (env): ROUNDS, COUNT, OLD_REF, PARALLELISM, VARIANTS ("old new"), SERVICE, BERTH_JAVA_OPTS (old; default
# -Xmx512m), NEW_JAVA_OPTS (new; default @deploy/jvm-options, as deployed), KEEP=1 (keep the temp dir with logs).
# The old tree is built once into target/bench-old-<sha> (mvn -o package, ~1 min) and reused by later runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BENCH=$ROOT/deploy/bench

ROUNDS=${ROUNDS:-3}
if [ "${QUICK:-0}" = 1 ]; then ROUNDS=1; fi
COUNT=${COUNT:-10}
SERVICE=${SERVICE:-demo}
PROBE=""
[ "$SERVICE" = jupyter ] && PROBE=api
VARIANTS=${VARIANTS:-"old new"}
OLD_REF=${OLD_REF:-7487ea2}
BERTH_JAVA_OPTS=${BERTH_JAVA_OPTS:-"-Xmx512m"}
NEW_JAVA_OPTS=${NEW_JAVA_OPTS:-"@deploy/jvm-options"}
PASSWORD="bench-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"

. "$BENCH/lib.sh"
die() { say "burst-bench: $*"; exit 1; }
command -v docker >/dev/null || die "needs docker"
docker image inspect berth/demo:latest >/dev/null 2>&1 || die "needs berth/demo:latest (deploy/images/build.sh demo)"

WORK=$(mktemp -d /tmp/berth-burst-bench.XXXXXX)
PIDS=()
PREFIXES=()
remove_objects() { # remove_objects PREFIX: every container, network and volume of that Berth
  local p=$1
  docker ps -aq --filter "label=berth.instance=$p" | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker network ls -q --filter "label=berth.instance=$p" | xargs -r docker network rm >/dev/null 2>&1 || true
  docker volume ls -q --filter "label=berth.instance=$p" | xargs -r docker volume rm -f >/dev/null 2>&1 || true
}
finish() {
  cleanup
  local p
  for p in "${PREFIXES[@]}"; do remove_objects "$p"; done
}
trap finish EXIT
trap 'exit 130' INT TERM

# --- builds -------------------------------------------------------------------------------------------------------
say "building this tree (mvn -o package -DskipTests, test-compile)"
mvn -q -o -DskipTests package >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "build failed"; }
mvn -q -o test-compile >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "test-compile failed"; }
mvn -q -o dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >>"$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log" >&2; die "could not resolve the test classpath"; }
CLIENT_CP=target/classes:target/test-classes:$(cat "$WORK/cp.txt")
NEW_JAR=$(ls "$ROOT"/target/berth-*.jar | head -1)
OLD_SHA=$(git rev-parse --short "$OLD_REF")
OLD_DIR=$ROOT/target/bench-old-$OLD_SHA
if ! ls "$OLD_DIR"/target/berth-*.jar >/dev/null 2>&1; then
  say "building $OLD_REF ($OLD_SHA) into $OLD_DIR"
  rm -rf "$OLD_DIR" && mkdir -p "$OLD_DIR"
  git archive "$OLD_REF" | tar -x -C "$OLD_DIR"
  (cd "$OLD_DIR" && mvn -q -o -DskipTests package) >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "old build failed"; }
fi
OLD_JAR=$(ls "$OLD_DIR"/target/berth-*.jar | head -1)

engine_pids() { pgrep -x dockerd || true; pgrep -x containerd || true; }

# --- one measurement ------------------------------------------------------------------------------------------------
measure() { # measure VARIANT ROUND: prints "variant round all first median berth_cpu dockerd_cpu rss_mib"
  local variant=$1 round=$2 jar lib dir prefix port pid extra=""
  if [ "$variant" = old ]; then jar=$OLD_JAR; lib=$OLD_DIR/target/lib; else jar=$NEW_JAR; lib=$ROOT/target/lib; fi
  if [ "$variant" = new ] && [ -n "${PARALLELISM:-}" ]; then extra="  start_parallelism: $PARALLELISM"; fi
  dir=$WORK/$variant-$round
  prefix="bb$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  PREFIXES+=("$prefix")
  mkdir -p "$dir/templates"
  if [ "$SERVICE" = jupyter ]; then
    cat >"$dir/templates/burst.yaml" <<'EOF'
name: burst
services:
  web:
    image: berth/jupyter:notebook6-bookworm
    command: [jupyter, notebook, --no-browser, --NotebookApp.ip=0.0.0.0, --NotebookApp.port=8888, "--NotebookApp.base_url=${stack.prefix}/", "--NotebookApp.token=${secret.token}"]
    health: {http: "${stack.prefix}/api", timeout: 120s}
    expose: [{http: 8888}]
secrets: [token]
EOF
  else
    cat >"$dir/templates/burst.yaml" <<'EOF'
name: burst
services:
  web:
    image: berth/demo:latest
    command: [sh, -c, 'sleep 1; mkdir -p "/www${stack.prefix}" && echo ok > "/www${stack.prefix}/index.html" && exec httpd -f -p 8080 -h /www']
    health: {http: "${stack.prefix}/", timeout: 120s}
    expose: [{http: 8080}]
EOF
  fi
  free_port port
  cat >"$dir/berth.yaml" <<EOF
server: {port: $port}
store: {url: "jdbc:h2:file:$dir/data/berth"}
catalog: {dir: "$dir/templates"}
proxy: {path_routing: all}
local_builds: false
quotas: {user: {stacks: 0, containers: 0}}
docker:
  name_prefix: $prefix
  start_timeout_seconds: 180
$extra
logging:
  levels: {io.berth.backend.docker.ServiceProbe: debug}
EOF
  local opts=$BERTH_JAVA_OPTS
  [ "$variant" = new ] && opts=$NEW_JAVA_OPTS
  BERTH_ADMIN_PASSWORD=$PASSWORD java $opts -cp "$jar:$lib/*" io.berth.Main --config "$dir/berth.yaml" \
    >"$dir/berth.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  wait_for "$pid" 60 curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" || die "$variant Berth did not come up: $(tail -20 "$dir/berth.log")"
  java -cp "$CLIENT_CP" io.berth.bench.BurstClient "http://127.0.0.1:$port" "$PASSWORD" burst 1 warm "$PROBE" >"$dir/warm.txt" 2>&1 \
    || die "warm-up failed: $(cat "$dir/warm.txt")"
  sleep 2
  local b0 d0 b1 d1 line rss
  b0=$(ticks "$pid"); d0=$(ticks $(engine_pids))
  line=$(java -cp "$CLIENT_CP" io.berth.bench.BurstClient "http://127.0.0.1:$port" "$PASSWORD" burst "$COUNT" s "$PROBE" 2>"$dir/client.err") \
    || die "burst failed: $(cat "$dir/client.err")"
  b1=$(ticks "$pid"); d1=$(ticks $(engine_pids))
  rss=$(awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$pid/status")
  local stop
  stop=$(java -cp "$CLIENT_CP" io.berth.bench.BurstClient "http://127.0.0.1:$port" "$PASSWORD" stop "$COUNT" s 2>>"$dir/client.err" \
    | sed -n 's/^stop_all=//p')
  echo "$line" >"$dir/result.txt"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  remove_objects "$prefix"
  local all first median
  all=$(sed 's/.* all=\([0-9-]*\).*/\1/' <<<"$line"); first=$(sed 's/.* first=\([0-9-]*\).*/\1/' <<<"$line")
  median=$(sed 's/.* median=\([0-9-]*\).*/\1/' <<<"$line")
  awk -v v="$variant" -v r="$round" -v a="$all" -v f="$first" -v m="$median" -v bc=$((b1 - b0)) -v dc=$((d1 - d0)) \
    -v hz="$HZ" -v rss="$rss" -v failed="$(sed 's/.* failed=\([0-9]*\).*/\1/' <<<"$line")" -v stop="${stop:--1}" \
    'BEGIN { printf "%-4s %5d %8.2f %8.2f %8.2f %10.2f %12.2f %8d %9.2f %7d\n", v, r, a/1000, f/1000, m/1000, bc/hz, dc/hz, rss, stop/1000, failed }'
}

echo "burst bench $(date -u +%FT%TZ), $(nproc) cores, $COUNT launches at once, old = $OLD_REF ($OLD_SHA), new = $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+changes'), parallelism ${PARALLELISM:-default}"
printf '%-4s %5s %8s %8s %8s %10s %12s %8s %9s %7s\n' run round "all s" "first s" "median s" "berth CPU-s" "dockerd CPU-s" "RSS MiB" "stop all s" failed
for r in $(seq "$ROUNDS"); do
  for v in $(rotated $((r - 1)) $VARIANTS); do
    measure "$v" "$r" | tee -a "$WORK/rows.txt"
  done
done

echo
echo "medians over $ROUNDS round(s), ratio new/old:"
awk '
  { v=$1; n[v]++; for (i = 3; i <= 9; i++) val[v, i, n[v]] = $i }
  function med(v, i,   k, m, a, j, t) { m = n[v]; for (k = 1; k <= m; k++) a[k] = val[v, i, k];
    for (k = 1; k <= m; k++) for (j = k + 1; j <= m; j++) if (a[j] < a[k]) { t = a[k]; a[k] = a[j]; a[j] = t }
    return a[int((m + 1) / 2)] }
  END {
    split("all s|first s|median s|berth CPU-s|dockerd CPU-s|RSS MiB|stop all s", names, "|")
    printf "%-14s %9s %9s %7s\n", "", "old", "new", "ratio"
    for (i = 3; i <= 9; i++) { o = med("old", i); w = med("new", i)
      printf "%-14s %9.2f %9.2f %7.2f\n", names[i - 2], o, w, (o > 0 ? w / o : 0) }
  }' "$WORK/rows.txt"

echo
# the probe log lines of the new runs: "service "web" passed … after 1234 ms: 6 probes, 2 inspects"
cat "$WORK"/new-*/berth.log | grep -o 'passed .* after [0-9]* ms: [0-9]* probes, [0-9]* inspects' | awk '
  { ms += $(NF - 5); probes += $(NF - 3); inspects += $(NF - 1); n++ }
  END { if (n) printf "new probes per starting service: %.1f probes/s and %.1f docker inspects/s (%d services, %.2f s waiting each); old, by construction: 1 inspect + 1 attempt every 50 ms plus their time (~18 of each per second)\n",
    probes / (ms / 1000), inspects / (ms / 1000), n, ms / n / 1000 }'
