#!/usr/bin/env bash
# Berth's reverse proxy against its peers, on loopback, in ONE interleaved run.
#
# What it measures
#   HTTP: wrk GETs of a 100 B and a 64 KiB file from a static nginx backend, at 16 and 128 connections, for
#     direct   - wrk straight to the backend nginx (the ceiling),
#     berth    - through Berth's proxy (/user/admin/bench/web/…, session cookie checked on every request),
#     chp      - through configurable-http-proxy (JupyterHub's proxy; route added through its REST API),
#     nginx    - through nginx as a reverse proxy (upstream keep-alive pool),
#     jetty    - not a proxy: a bare Jetty server (the one Berth runs on, same JVM options) answering the same bytes
#                from memory. Its CPU per request is the floor of ANY proxy built into Jetty — the server half alone,
#                before a byte is forwarded — to set beside nginx's whole proxy (server + upstream halves).
#   Every target gets the same request (same Cookie header) and returns the same bytes with 200: checked with curl
#   before and after measuring. Each repetition runs every case once per target, targets rotated, so slow drift
#   (thermal, page cache, JIT) spreads over all targets. A short warm-up (not counted) runs first, and a long one
#   for Berth: a cold JVM on 2 shared cores needs about a minute of load before C2 has compiled the proxy path
#   (first 5 s: ~15 % of the warm rate; C1 only, -XX:TieredStopAtLevel=1, plateaus at ~half). The warm-up's
#   req/s per slice is printed, so one sees whether Berth had reached its plateau.
#   WebSocket: ws-client.js keeps 16 sockets doing ping-pong of a 32-byte text message to an echo server
#   (io.berth.testing.EchoServer), direct and through each proxy.
#
# How to read the table
#   req/s or msgs/s  median over the repetitions; min–max shows the spread (noise) of those repetitions
#   ratio            median rate ÷ direct's median rate for the same case (Berth's target: ≥ nginx's, see DESIGN.md)
#   p99 ms           median of the repetitions' 99th-percentile latency
#   errors           summed over the repetitions: answers ≥ 400 + socket errors (connect/read/write/timeout ≥ 2 s)
#   cpu µs/req       CPU time the proxy (for direct: the backend) used per request, from proxy% and req/s
#   proxy%/backend%  median CPU of the proxy / backend processes in % of one core (200 = both cores); the rest of
#                    the 200 % went to wrk or the ws client, the kernel's loopback work, or idled
#   All processes share the machine's cores (2 here): a proxy's ratio is also what it leaves to wrk and backend.
#   Nothing is pinned (taskset): with 2 cores and three busy parties, pinning gives someone a single core, and that
#   would favour the single-threaded (CHP) over the multi-threaded (Berth; nginx with 2 workers),
#   and make "direct" (two parties) incomparable with the proxied cases (three). The scheduler shares fairly.
#
# Usage: deploy/bench/proxy-bench.sh          (full: 3 × 7 s per case, ~10 min)
#        QUICK=1 deploy/bench/proxy-bench.sh  (1 × 5 s per case, for development)
# Knobs (env): REPS, DURATION (s), CONNS ("16 128"), TARGETS ("direct berth chp nginx"), WS=0 (skip WebSocket),
#   BERTH_JAVA_OPTS (default below), BERTH_WARMUP (s), KEEP=1 (keep the temp dir with logs and configs).
# Installs what it lacks (apt: wrk nginx nodejs npm curl; npm: package.json here into deploy/bench/node_modules),
# picks free ports, runs its own nginx (-p/-c in a temp dir, never the system's service), stops all it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BENCH=$ROOT/deploy/bench

REPS=${REPS:-3}
DURATION=${DURATION:-7}
WARMUP=3                               # s per target and file (and WebSocket), not recorded
BERTH_WARMUP=${BERTH_WARMUP:-60}       # s of extra load on Berth first: its JIT (C2) needs it, see above
if [ "${QUICK:-0}" = 1 ]; then REPS=1; DURATION=5; WARMUP=2; BERTH_WARMUP=20; fi
CONNS=${CONNS:-"16 128"}
TARGETS=${TARGETS:-"direct jetty berth chp nginx"}
WS=${WS:-1}
WS_CONNS=16
# ParallelGC vs the default G1: the same when warm (±5 %, ~20 young GCs / 30 s, 0.4 % of the time, max 13 ms);
# ParallelGC 15–30 % ahead while warming up (no concurrent GC threads competing with C2 on 2 cores).
BERTH_JAVA_OPTS=${BERTH_JAVA_OPTS:-"-Xms512m -Xmx512m -XX:+UseParallelGC"}
ECHO_JAVA_OPTS="-Xms256m -Xmx256m"
WORKERS=auto # nginx worker processes, backend and proxy alike

. "$BENCH/lib.sh"

# --- tools --------------------------------------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx) # bookworm's nginx-light is just nginx
command -v curl >/dev/null || missing+=(curl)
command -v pgrep >/dev/null || missing+=(procps)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (apt-get)"
  [ "$(id -u)" = 0 ] || die "need root to apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; }
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
CHP_BIN=$BENCH/node_modules/configurable-http-proxy/bin/configurable-http-proxy
if [ ! -e "$CHP_BIN" ] || [ ! -d "$BENCH/node_modules/ws" ]; then
  say "installing npm packages of $BENCH/package.json into $BENCH/node_modules"
  npm install --prefix "$BENCH" --no-audit --no-fund --no-package-lock --loglevel=error >/dev/null
fi

# --- work dir, processes, clean-up ----------------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/berth-bench.XXXXXX)
chmod 755 "$WORK" # nginx workers (user nobody when run as root) must read the files below it
PIDS=()
trap cleanup EXIT
trap 'exit 130' INT TERM


# --- build Berth's bench launcher --------------------------------------------------------------------------------
say "building (mvn -o test-compile)"
mvn -q -o dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >"$WORK/build.log" 2>&1 \
  || mvn -q dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >>"$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log" >&2; die "could not resolve the test classpath"; }
JCP=target/classes:target/test-classes:$(cat "$WORK/cp.txt")
if ! mvn -q -o test-compile >>"$WORK/build.log" 2>&1; then
  # a test elsewhere in the tree may be mid-edit: compile the main code and just the bench's own classes
  say "test-compile failed (unrelated tests?); compiling only the bench's classes with javac"
  mvn -q -o compile >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "main code does not compile"; }
  mkdir -p "$WORK/classes"
  javac -nowarn -d "$WORK/classes" -cp "target/classes:$(cat "$WORK/cp.txt")" tests/java/io/berth/bench/BenchBerth.java \
    tests/java/io/berth/testing/EchoServer.java tests/java/io/berth/testing/LoopbackBackend.java \
    tests/java/io/berth/testing/PortalClient.java tests/java/io/berth/testing/Stacks.java
  JCP=$WORK/classes:$JCP
fi

# --- backend: static nginx with the two files --------------------------------------------------------------------
mkdir -p "$WORK/www" "$WORK/nginx/backend-tmp" "$WORK/nginx/proxy-tmp"
head -c 50 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/www/100b.bin" # 100 bytes of text
head -c 65536 /dev/urandom >"$WORK/www/64k.bin"
FILES="100b 64k"
fill() { # fill TEMPLATE OUT: replace the @NAME@ placeholders
  sed -e "s|@PREFIX@|$WORK/nginx|g" -e "s|@ROOT@|$WORK/www|g" -e "s|@WORKERS@|$WORKERS|g" \
    -e "s|@PORT@|$PORT|g" -e "s|@BACKEND_PORT@|$BACKEND_PORT|g" -e "s|@ECHO_PORT@|${ECHO_PORT:-9}|g" "$1" >"$2"
}
free_port BACKEND_PORT
PORT=$BACKEND_PORT fill "$BENCH/nginx-backend.conf.in" "$WORK/nginx/backend.conf"
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/backend.conf" -e "$WORK/nginx/backend-error.log" &
BACKEND_PID=$!; PIDS+=("$BACKEND_PID")
wait_for "$BACKEND_PID" 10 curl -sf -o /dev/null "http://127.0.0.1:$BACKEND_PORT/100b.bin" \
  || die "backend nginx did not start: $(cat "$WORK/nginx/backend-error.log")"

# --- WebSocket backend: the echo server in its own JVM -----------------------------------------------------------
java $ECHO_JAVA_OPTS -cp "$JCP" io.berth.bench.BenchBerth echo >"$WORK/echo.log" 2>&1 &
ECHO_PID=$!; PIDS+=("$ECHO_PID")
wait_for "$ECHO_PID" 30 grep -q '^ECHO_PORT=' "$WORK/echo.log" || die "echo server did not start: $(cat "$WORK/echo.log")"
ECHO_PORT=$(sed -n 's/^ECHO_PORT=//p' "$WORK/echo.log")

# --- Berth ----------------------------------------------------------------------------------------------------
BERTH_PID=
if [[ " $TARGETS " == *" berth "* ]]; then
  java $BERTH_JAVA_OPTS -cp "$JCP" io.berth.bench.BenchBerth berth --port 0 --http-backend "$BACKEND_PORT" \
    --ws-backend "$ECHO_PORT" --password "bench-$(random_hex)" --home "$WORK/berth" >"$WORK/berth.log" 2>&1 &
  BERTH_PID=$!; PIDS+=("$BERTH_PID")
  wait_for "$BERTH_PID" 90 grep -q '^BERTH_COOKIE=' "$WORK/berth.log" \
    || die "Berth did not come up: $(tail -20 "$WORK/berth.log")"
  BERTH_URL=$(sed -n 's/^BERTH_URL=//p' "$WORK/berth.log")
  BERTH_WS_URL=$(sed -n 's/^BERTH_WS_URL=//p' "$WORK/berth.log")
  COOKIE=$(sed -n 's/^BERTH_COOKIE=//p' "$WORK/berth.log")
else
  COOKIE="$(random_hex)$(random_hex)"
  COOKIE="berth_session=${COOKIE:0:43}" # same request size as with Berth
fi

# --- bare Jetty: the floor of a proxy inside Jetty -------------------------------------------------------------------
JETTY_PID=
if [[ " $TARGETS " == *" jetty "* ]]; then
  java $BERTH_JAVA_OPTS -cp "$JCP" io.berth.bench.BenchBerth jetty --root "$WORK/www" >"$WORK/jetty.log" 2>&1 &
  JETTY_PID=$!; PIDS+=("$JETTY_PID")
  wait_for "$JETTY_PID" 30 grep -q '^JETTY_PORT=' "$WORK/jetty.log" || die "bare Jetty did not start: $(cat "$WORK/jetty.log")"
  JETTY_PORT=$(sed -n 's/^JETTY_PORT=//p' "$WORK/jetty.log")
fi
WS_TARGETS=${TARGETS/jetty/} # the bare Jetty has no WebSocket echo

# --- configurable-http-proxy ---------------------------------------------------------------------------------------
CHP_PID=
if [[ " $TARGETS " == *" chp "* ]]; then
  free_port CHP_PORT; free_port CHP_API_PORT
  CHP_TOKEN=$(random_hex)
  CONFIGPROXY_AUTH_TOKEN=$CHP_TOKEN node "$CHP_BIN" --ip 127.0.0.1 --port "$CHP_PORT" --api-ip 127.0.0.1 \
    --api-port "$CHP_API_PORT" --log-level warn >"$WORK/chp.log" 2>&1 &
  CHP_PID=$!; PIDS+=("$CHP_PID")
  chp_api() { curl -sf -H "Authorization: token $CHP_TOKEN" "$@"; }
  wait_for "$CHP_PID" 20 chp_api "http://127.0.0.1:$CHP_API_PORT/api/routes" || die "CHP did not start: $(cat "$WORK/chp.log")"
  chp_api -X POST -d "{\"target\": \"http://127.0.0.1:$BACKEND_PORT\"}" \
    "http://127.0.0.1:$CHP_API_PORT/api/routes/user/admin/bench/web" >/dev/null || die "CHP refused the route"
  chp_api -X POST -d "{\"target\": \"http://127.0.0.1:$ECHO_PORT\"}" \
    "http://127.0.0.1:$CHP_API_PORT/api/routes/user/admin/benchws/web" >/dev/null || die "CHP refused the ws route"
fi

# --- nginx as reverse proxy ------------------------------------------------------------------------------------
NGX_PID=
if [[ " $TARGETS " == *" nginx "* ]]; then
  free_port NGX_PORT
  PORT=$NGX_PORT fill "$BENCH/nginx-proxy.conf.in" "$WORK/nginx/proxy.conf"
  "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/proxy.conf" -e "$WORK/nginx/proxy-error.log" &
  NGX_PID=$!; PIDS+=("$NGX_PID")
  wait_for "$NGX_PID" 10 curl -sf -o /dev/null "http://127.0.0.1:$NGX_PORT/user/admin/bench/web/100b.bin" \
    || die "nginx proxy did not start: $(cat "$WORK/nginx/proxy-error.log")"
fi

# --- targets -------------------------------------------------------------------------------------------------------
url_of() { # url_of TARGET FILE
  case $1 in
    direct) echo "http://127.0.0.1:$BACKEND_PORT/$2.bin" ;;
    berth) echo "${BERTH_URL}$2.bin" ;;
    chp) echo "http://127.0.0.1:$CHP_PORT/user/admin/bench/web/$2.bin" ;;
    nginx) echo "http://127.0.0.1:$NGX_PORT/user/admin/bench/web/$2.bin" ;;
    jetty) echo "http://127.0.0.1:$JETTY_PORT/user/admin/bench/web/$2.bin" ;;
  esac
}
ws_url_of() {
  case $1 in
    direct) echo "ws://127.0.0.1:$ECHO_PORT/ws" ;;
    berth) echo "$BERTH_WS_URL" ;;
    chp) echo "ws://127.0.0.1:$CHP_PORT/user/admin/benchws/web/ws" ;;
    nginx) echo "ws://127.0.0.1:$NGX_PORT/user/admin/benchws/web/ws" ;;
  esac
}
pid_of() { case $1 in berth) echo "$BERTH_PID" ;; chp) echo "$CHP_PID" ;; nginx) echo "$NGX_PID" ;; jetty) echo "$JETTY_PID" ;; esac; }

check_all() { # every target answers every file with 200 and the very bytes of the file
  local t f code
  for t in $TARGETS; do
    for f in $FILES; do
      code=$(curl -s -o "$WORK/got" -w '%{http_code}' -H "Cookie: $COOKIE" "$(url_of "$t" "$f")" || true)
      [ "$code" = 200 ] || die "$1: $t answered $code for $f.bin ($(url_of "$t" "$f")): $(head -c 300 "$WORK/got")"
      cmp -s "$WORK/got" "$WORK/www/$f.bin" || die "$1: $t sent other bytes than $f.bin"
    done
  done
}
check_all "before measuring"

RESULTS=$WORK/results.tsv
: >"$RESULTS"
measure() { # measure KIND TARGET CASE CONNS REP BACKEND_PID TOOL…: runs the load tool, appends its RESULT to RESULTS
  local kind=$1 t=$2 case=$3 c=$4 rep=$5 bpid=$6 pid out line p0 p1 b0 b1
  shift 6
  pid=$(pid_of "$t")
  p0=$(ticks $pid); b0=$(ticks "$bpid")
  out=$("$@" 2>&1) || true
  p1=$(ticks $pid); b1=$(ticks "$bpid")
  [ "$rep" = - ] && return 0 # warm-up
  line=$(grep '^RESULT ' <<<"$out" || true)
  if [ -z "$line" ] || { [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; }; then
    printf '%s\t%s\t%s\t%s\t%s\tFAIL\t%s\n' "$kind" "$t" "$case" "$c" "$rep" "$(tail -1 <<<"$out" | tr '\t' ' ')" >>"$RESULTS"
    return 0
  fi
  awk -v pre="$kind\t$t\t$case\t$c\t$rep" -v hz="$HZ" -v pt=$((p1 - p0)) -v bt=$((b1 - b0)) '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      printf "%s\t%s\t%d\t%d\t%.0f\t%.0f\n", pre, v["rate"], v["p99_us"], v["errors"],
        100 * pt / hz / v["seconds"], 100 * bt / hz / v["seconds"]
    }' <<<"$line" >>"$RESULTS"
}
run_http() { # run_http TARGET FILE CONNS SECONDS REP (REP "-": warm-up, not recorded)
  measure http "$1" "$2" "$3" "$5" "$BACKEND_PID" wrk -t2 -c"$3" -d"$4s" --timeout 2s -s "$BENCH/wrk-report.lua" \
    -H "Cookie: $COOKIE" "$(url_of "$1" "$2")"
}
run_ws() { # run_ws TARGET SECONDS REP
  measure ws "$1" echo "$WS_CONNS" "$3" "$ECHO_PID" node "$BENCH/ws-client.js" "$(ws_url_of "$1")" "$WS_CONNS" "$2" "$COOKIE"
}

read -ra TARGET_LIST <<<"$TARGETS"
ncases=$(( $(wc -w <<<"$FILES") * $(wc -w <<<"$CONNS") ))
BERTH_WARM_RATES=
if [ -n "$BERTH_PID" ] && [ "$BERTH_WARMUP" -gt 0 ]; then
  slice=$((BERTH_WARMUP >= 40 ? 10 : 5))
  say "warming Berth up: $BERTH_WARMUP s at 128 connections, files alternating, in $slice s slices"
  for i in $(seq $((BERTH_WARMUP / slice))); do
    if ((i % 2)); then f=100b; else f=64k; fi
    rate=$(wrk -t2 -c128 -d"${slice}s" -s "$BENCH/wrk-report.lua" -H "Cookie: $COOKIE" "$(url_of berth "$f")" 2>&1 \
      | sed -n 's/^RESULT rate=\([0-9]*\).*/\1/p')
    BERTH_WARM_RATES+="$f:${rate:-?} "
  done
fi
if [ -n "$JETTY_PID" ]; then # same JIT story as Berth's, shorter: less code to compile
  say "warming the bare Jetty up: 20 s at 128 connections"
  for f in 100b 64k 100b 64k; do wrk -t2 -c128 -d5s "$(url_of jetty "$f")" >/dev/null 2>&1; done
fi
say "warm-up (${WARMUP} s per target and file), then $REPS × ${DURATION} s × $ncases cases × ${#TARGET_LIST[@]} targets"
for t in $TARGETS; do for f in $FILES; do run_http "$t" "$f" 128 "$WARMUP" -; done; done
[ "$WS" = 1 ] && for t in $WS_TARGETS; do run_ws "$t" "$WARMUP" -; done
for rep in $(seq "$REPS"); do
  for f in $FILES; do
    for c in $CONNS; do
      for t in $(rotated "$rep" "${TARGET_LIST[@]}"); do
        say "  rep $rep: $f.bin, $c connections, $t"
        run_http "$t" "$f" "$c" "$DURATION" "$rep"
        sleep 0.5
      done
    done
  done
  if [ "$WS" = 1 ]; then
    for t in $(rotated "$rep" $WS_TARGETS); do
      say "  rep $rep: WebSocket echo, $WS_CONNS sockets, $t"
      run_ws "$t" "$DURATION" "$rep"
      sleep 0.5
    done
  fi
done
check_all "after measuring"

# --- report ----------------------------------------------------------------------------------------------------------
echo "Berth proxy benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1))"
echo "All on loopback, unpinned: wrk (2 threads) or the ws client, the proxy and the backend share these cores."
echo "$REPS × ${DURATION} s per case and target, interleaved (targets rotated per repetition), after ${WARMUP} s warm-ups."
echo "wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'); $("$NGINX" -v 2>&1 | sed 's/.*: //') ($WORKERS workers, backend and proxy);" \
  "CHP $(node -p "require('$BENCH/node_modules/configurable-http-proxy/package.json').version") on node $(node -v);" \
  "Java $(java -version 2>&1 | head -1 | awk -F'"' '{print $2}')"
echo "Berth JVM: $BERTH_JAVA_OPTS; echo server JVM: $ECHO_JAVA_OPTS"
[ -n "$BERTH_WARM_RATES" ] && echo "Berth warm-up, req/s per ${slice} s slice (128 conns): $BERTH_WARM_RATES"
node "$BENCH/report.js" "$RESULTS" "$TARGETS"
if [ -n "$BERTH_PID" ] && grep -qE ' (WARN|ERROR) ' "$WORK/berth.log"; then
  echo; echo "Berth logged warnings/errors (first 10):"; grep -E ' (WARN|ERROR) ' "$WORK/berth.log" | head -10
fi
