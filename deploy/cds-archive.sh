#!/usr/bin/env bash
# Writes a class-data sharing archive of Berth (JDK AppCDS, -XX:SharedArchiveFile): the classes one start loads,
# already parsed and verified, mapped from a file by every later start. It makes a start about 40 % shorter and
# the process ~50 MiB smaller (deploy/bench/cold-start.sh measures both).
#
# How: one training start of Berth with -XX:ArchiveClassesAtExit, on a throw-away home (its own H2 file, port and
# container name prefix, so it touches no real stack), until it serves /healthz and its login page; then a clean stop,
# at which the JVM writes the archive. About 5 s. The archive is tied to the JVM and to the exact class path (the jars'
# paths and times): after an upgrade of either, the JVM ignores it (a warning, no error) until it is written again.
#
# Usage: deploy/cds-archive.sh OUT CLASSPATH [JAVA_OPTION…]
#   deploy/run.sh, the systemd unit (ExecStartPre) and the image build call it. It does nothing when OUT is newer than
#   every jar of CLASSPATH and than the JVM (FORCE=1 writes it anyway), and exits 0 without an archive when the JVM
#   cannot write one, so Berth starts either way (without an archive the JVM shares none of its classes, not even its
#   own: a start about 2.5x as long).
set -uo pipefail
out=$1 cp=$2
shift 2
if [ "${FORCE:-0}" != 1 ] && [ -s "$out" ]; then
  java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  stale=false
  for f in $(tr ':' '\n' <<<"$cp") "$java_home/lib/modules"; do
    for g in $f; do # a class path entry may be dir/* (the JVM expands it)
      if [ -e "$g" ] && [ "$g" -nt "$out" ]; then stale=true; fi
    done
  done
  $stale || exit 0
fi
home=$(mktemp -d "${TMPDIR:-/tmp}/berth-cds.XXXXXX")
trap 'rm -rf "$home"' EXIT
mkdir -p "$home/templates"
cat >"$home/berth.yaml" <<EOF
server: {host: 127.0.0.1, port: 0}
store: {url: "jdbc:h2:file:$home/data/berth"}
catalog: {dir: "$home/templates"}
local_builds: false
docker: {name_prefix: cdstrain$RANDOM}
usage: {interval_seconds: 0}
EOF
# env wins over the file: drop the caller's BERTH_ settings so the training Berth is the throw-away one above
env -u BERTH_CONFIG $(env | awk -F= '/^BERTH_/{print "-u " $1}') BERTH_ADMIN_PASSWORD="cds-$RANDOM-$RANDOM" \
  java "$@" -XX:ArchiveClassesAtExit="$out.tmp" -cp "$cp" io.berth.Main --config "$home/berth.yaml" \
  >"$home/berth.log" 2>&1 &
pid=$!
# port 0: the kernel picks a free one, which Berth names in its log (a port picked here could be another server's)
served=false port=""
for _ in $(seq 600); do
  [ -n "$port" ] || port=$(sed -n 's|.*Berth is serving http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$home/berth.log" | head -1)
  if [ -n "$port" ] && curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; then served=true; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if $served; then
  for page in /login /readyz /static/berth.css /api/v1/catalog /metrics; do
    curl -s -o /dev/null "http://127.0.0.1:$port$page" || true
  done
fi
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if $served && [ -s "$out.tmp" ]; then
  mv -f "$out.tmp" "$out"
  echo "berth: class-data archive $out written ($(du -h "$out" | cut -f1))" >&2
else
  rm -f "$out.tmp"
  echo "berth: no class-data archive written (Berth starts without one); the training start said:" >&2
  tail -5 "$home/berth.log" >&2
fi
exit 0
