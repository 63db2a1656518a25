#!/usr/bin/env bash
# Backup and restore of one volume through Berth, side by side with the same work on the host, in ONE run:
# io.berth.bench.BackupThroughput (tests/java/io/berth/bench/) starts a Berth on the local Docker engine, fills a
# stack's volume with SIZE_MB MiB (half random bytes, half text), then times
#   Berth backup     POST /api/v1/stacks/…/backups until DONE (service stopped for the copy, tar through the
#                    engine's archive API, gzip, sha256, fsync, rename)
#   host tar | gzip  docker run -v vol:/d:ro … tar c -C /d . | gzip > file
#   Berth restore    POST …/backups/{id}/restore until done (a backup of the current data first, the stack stopped,
#                    the whole file checked, the volume replaced, the stack started)
#   host gunzip|tar  gunzip -c file | docker run -i -v fresh:/d … tar x -C /d
# Usage: deploy/bench/backup-bench.sh          (SIZE_MB=1024 by default; needs berth/demo:latest)
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=$(mktemp -d /tmp/berth-backup-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mvn -q -o test-compile >"$WORK/build.log" 2>&1 || mvn -q test-compile >>"$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log" >&2; exit 1; }
mvn -q -o dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >>"$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log" >&2; exit 1; }
echo "backup bench $(date -u +%FT%TZ), $(nproc) cores, $(df -T /tmp | awk 'NR==2{print $2}') under /tmp"
exec java -Xmx512m -DsizeMb="${SIZE_MB:-1024}" -Dlogback.configurationFile=src/main/resources/logback.xml \
  -cp "target/classes:target/test-classes:$(cat "$WORK/cp.txt")" io.berth.bench.BackupThroughput
