#!/usr/bin/env bash
# Cold start of Berth, old against new, side by side in ONE run (issue 26, part 4).
#
# What it measures, per start: from launching the JVM until /readyz answers 200 (the database open and migrated, the
# engine answering, the first reconcile pass done, the port open), asked every 10 ms; and the process's resident
# memory then. Each variant has its own home (H2 file, catalog of the shipped templates, port, container name
# prefix), made by one start that is not counted (migrations, the admin account); then ROUNDS restarts each,
# variants alternating, and the median per variant.
#   old  - Berth built from OLD_REF (default: before this work) started as the issue measured it: java -cp, no flags
#   new  - this tree started as deploy/run.sh starts it: the class-data archive (deploy/cds-archive.sh, written
#          once before the rounds, its time printed) and the JVM options of deploy/jvm-options
#   VARIANTS="old plain new" adds "plain": this tree without any option (the code's share of the gain)
# Usage: deploy/bench/cold-start.sh            (ROUNDS=5)
# Knobs (env): ROUNDS, OLD_REF, VARIANTS, KEEP=1 (keep the temp dir with logs).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BENCH=$ROOT/deploy/bench
ROUNDS=${ROUNDS:-5}
OLD_REF=${OLD_REF:-74dcbe9}
VARIANTS=${VARIANTS:-"old new"}
. "$BENCH/lib.sh"
die() { say "cold-start: $*"; exit 1; }

WORK=$(mktemp -d /tmp/berth-cold-start.XXXXXX)
PIDS=()
trap cleanup EXIT
trap 'exit 130' INT TERM

say "building this tree (mvn -o package -DskipTests)"
mvn -q -o -DskipTests package >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "build failed"; }
NEW_CP="$(ls "$ROOT"/target/berth-*.jar | head -1):$ROOT/target/lib/*"
OLD_SHA=$(git rev-parse --short "$OLD_REF")
OLD_DIR=$ROOT/target/bench-old-$OLD_SHA
if ! ls "$OLD_DIR"/target/berth-*.jar >/dev/null 2>&1; then
  say "building $OLD_REF ($OLD_SHA) into $OLD_DIR"
  rm -rf "$OLD_DIR" && mkdir -p "$OLD_DIR"
  git archive "$OLD_REF" | tar -x -C "$OLD_DIR"
  (cd "$OLD_DIR" && mvn -q -o -DskipTests package) >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "old build failed"; }
fi
OLD_CP="$(ls "$OLD_DIR"/target/berth-*.jar | head -1):$OLD_DIR/target/lib/*"
JVM_OPTIONS=$(grep -v '^#' deploy/jvm-options | xargs)

t0=$(date +%s%N)
deploy/cds-archive.sh "$WORK/berth.jsa" "$NEW_CP" $JVM_OPTIONS 2>>"$WORK/build.log"
CDS_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
[ -s "$WORK/berth.jsa" ] || die "no class-data archive: $(tail -5 "$WORK/build.log")"

start() { # start VARIANT: prints "ms rss_mib" for one start of that variant's home until /readyz
  local v=$1 home=$WORK/$1 cp opts port pid t0 t1 rss
  case $v in
    old) cp=$OLD_CP opts="" ;;
    plain) cp=$NEW_CP opts="" ;;
    new) cp=$NEW_CP opts="$JVM_OPTIONS -XX:SharedArchiveFile=$WORK/berth.jsa" ;;
    *) die "unknown variant $v" ;;
  esac
  port=$(cat "$home/port")
  t0=$(date +%s%N)
  BERTH_ADMIN_PASSWORD=cold-start-admin java $opts -cp "$cp" io.berth.Main --config "$home/berth.yaml" >>"$home/berth.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do
    kill -0 "$pid" 2>/dev/null || die "$v Berth exited: $(tail -20 "$home/berth.log")"
    sleep 0.01
  done
  t1=$(date +%s%N)
  rss=$(awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(( (t1 - t0) / 1000000 )) $rss"
}

for v in $VARIANTS; do
  mkdir -p "$WORK/$v/templates"
  cp templates/*.yaml "$WORK/$v/templates/"
  free_port port
  echo "$port" >"$WORK/$v/port"
  cat >"$WORK/$v/berth.yaml" <<EOF
server: {port: $port}
store: {url: "jdbc:h2:file:$WORK/$v/data/berth"}
catalog: {dir: "$WORK/$v/templates"}
local_builds: false
docker: {name_prefix: cold$RANDOM}
EOF
  start "$v" >/dev/null # the first start makes the database and the admin: not what a restart costs
done

echo "cold start bench $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
echo "old = $OLD_REF ($OLD_SHA), new = $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src deploy || echo '+changes') with: $JVM_OPTIONS + class-data archive (written in $CDS_MS ms, $(du -h "$WORK/berth.jsa" | cut -f1))"
printf '%-6s %5s %14s %8s\n' run round "to /readyz ms" "RSS MiB"
for r in $(seq "$ROUNDS"); do
  for v in $(rotated $((r - 1)) $VARIANTS); do
    printf '%-6s %5d %14s %8s\n' "$v" "$r" $(start "$v") | tee -a "$WORK/rows.txt"
  done
done
echo
echo "medians over $ROUNDS round(s):"
awk -v variants="$VARIANTS" '
  { n[$1]++; ms[$1, n[$1]] = $3; rss[$1, n[$1]] = $4 }
  function med(arr, v,   k, m, a, j, t) { m = n[v]; for (k = 1; k <= m; k++) a[k] = arr[v, k];
    for (k = 1; k <= m; k++) for (j = k + 1; j <= m; j++) if (a[j] < a[k]) { t = a[k]; a[k] = a[j]; a[j] = t }
    return a[int((m + 1) / 2)] }
  END {
    split(variants, vs, " "); base = vs[1]
    printf "%-6s %14s %8s %10s\n", "", "to /readyz ms", "RSS MiB", "ms / " base
    for (i = 1; i in vs; i++) { v = vs[i]
      printf "%-6s %14d %8d %10.2f\n", v, med(ms, v), med(rss, v), med(ms, v) / med(ms, base) }
  }' "$WORK/rows.txt"
