#!/usr/bin/env bash
# Prepares the host (Docker engine, demo image), builds Berth and starts it on http://127.0.0.1:8000 with its
# embedded defaults: H2 database under ./data, catalog from ./templates, Docker at unix:///var/run/docker.sock.
# Extra arguments go to Berth (e.g. --config berth.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/prepare-host.sh
mvn -q -B -DskipTests package
exec java -cp "target/berth-0.1.0-SNAPSHOT.jar:target/lib/*" io.berth.Main "$@"
