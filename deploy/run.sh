#!/usr/bin/env bash
# Prepares the host (Docker engine, demo image), builds Berth and starts it on http://127.0.0.1:8000 with its
# embedded defaults: H2 database under ./data, catalog from ./templates, Docker at unix:///var/run/docker.sock.
# The images Jupyter and Sacred (MongoDB + Omniboard) need are built here in the background when missing
# (deploy/images/build.sh; the catalog cards turn launchable as each lands, and say what to do if a build fails):
# Berth runs them in place of the upstream images it cannot pull (local_builds, see README). Extra arguments go to
# Berth (e.g. --config berth.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/prepare-host.sh
jar=target/berth-0.1.0-SNAPSHOT.jar
# a second run starts in seconds: Maven runs only when the jar is missing or older than what goes into it
if [[ ! -f "$jar" ]] || [[ -n "$(find pom.xml src static -newer "$jar" -print -quit)" ]]; then
  mvn -q -B -DskipTests package
fi

local_builds=true
if [[ "${BERTH_LOCAL_BUILDS:-}" == false ]] || grep -qsE '^local_builds: *false' "${BERTH_CONFIG:-berth.yaml}"; then
  local_builds=false
fi
if $local_builds; then
  mkdir -p data
  log=data/image-builds.log
  echo "berth: checking the service images in the background (first time: Jupyter ~1.5 min, Omniboard ~3.5 min," \
    "MongoDB stand-in ~1 min; later runs about a second); log: $log"
  (
    if deploy/images/build.sh jupyter omniboard mongo-standin 2>&1 | tee "$log" >&2; then
      echo "berth images: Jupyter and Sacred can be launched" >&2
    else
      echo "berth images: a build failed (above and in $log); the catalog cards say which image is missing" >&2
    fi
  ) &
fi
# JVM options (deploy/jvm-options) and a class-data archive of this build, written the first time (~10 s): a start
# about 40 % shorter and ~50 MiB less resident (deploy/cds-archive.sh)
cp="$jar:target/lib/*"
deploy/cds-archive.sh target/berth.jsa "$cp" @deploy/jvm-options
cds=()
[[ -s target/berth.jsa ]] && cds=(-XX:SharedArchiveFile=target/berth.jsa)
exec java @deploy/jvm-options "${cds[@]}" -cp "$cp" io.berth.Main "$@"
