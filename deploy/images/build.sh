#!/usr/bin/env bash
# Builds Berth's service images without any image registry — from Debian's packages, npm and Maven Central only —
# for air-gapped sites and for machines (like CI here) that cannot reach Docker Hub:
#   berth/debian:bookworm              mmdebstrap --variant=minbase bookworm, then `docker import` (the base of all
#                                      but keycloak)
#   berth/debian:trixie                the same with Debian trixie (base-trixie; for Java 21), built when needed
#   berth/jupyter:notebook6-bookworm   jupyter/Dockerfile: Debian's Jupyter Notebook 6.4 + Python 3 kernel
#   berth/omniboard:2.16.1             omniboard/Dockerfile: npm's omniboard on Debian's Node.js
#   berth/mongo-standin:1.47.0         mongo-standin/Dockerfile: a DEVELOPMENT STAND-IN for MongoDB (mongo-java-server
#                                      + SCRAM-SHA-256); production uses mongo:8.0
#   berth/berth:dev                    berth/Dockerfile: Berth itself, from this checkout (compiled if target/classes
#                                      is missing); only when asked for by name
#   berth/postgres:15                  postgres/Dockerfile: Debian's PostgreSQL 15 for deploy/compose.yaml's optional
#                                      database (profile postgres); only when asked for by name
#   berth/keycloak:26.7.3              keycloak/Dockerfile: Keycloak from Maven Central's distribution zip on trixie's
#                                      Java 21 (deploy/compose.yaml's provider); only when asked for by name
# Map the templates' upstream images to these with `images:` in berth.yaml (see README, "Images without a registry").
# An image is skipped when it exists with this recipe's fingerprint (label berth.recipe: a hash of its folder, and
# of its base's recipe and suite), so reruns cost a second. Prints what it built and how long each took.
# Usage: deploy/images/build.sh [base|base-trixie|jupyter|omniboard|mongo-standin|berth|keycloak|postgres …]
#        (default: base jupyter omniboard mongo-standin; an image's base is built first when missing or stale)
# Env: BERTH_BUILD_CACHE (default /var/cache/berth-build): npm and Maven downloads kept between builds.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${BERTH_BUILD_CACHE:-/var/cache/berth-build}"
OMNIBOARD_VERSION=2.16.1
KEYCLOAK_VERSION=26.7.3
declare -A IMAGE=([base]=berth/debian:bookworm [base-trixie]=berth/debian:trixie
  [jupyter]=berth/jupyter:notebook6-bookworm [omniboard]=berth/omniboard:$OMNIBOARD_VERSION
  [mongo-standin]=berth/mongo-standin:1.47.0 [berth]=berth/berth:dev [keycloak]=berth/keycloak:$KEYCLOAK_VERSION
  [postgres]=berth/postgres:15)
declare -A SUITE=([base]=bookworm [base-trixie]=trixie) # the bases, and their Debian suites
declare -A FROM=([keycloak]=base-trixie)                # an image's base when not bookworm's (its Dockerfile's FROM)
ORDER=(base base-trixie jupyter omniboard mongo-standin berth keycloak postgres)
repo="$(cd "$here/../.." && pwd)"

say() { printf 'berth images: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

is_base() { [ -n "${SUITE[$1]:-}" ]; }
base_of() { if is_base "$1"; then echo "$1"; else echo "${FROM[$1]:-base}"; fi; }

# The recipe's fingerprint: the base's recipe (this script's base_rootfs and the suite), and for an image every file
# of its folder.
fingerprint() {
  local name=$1
  {
    sed -n '/^base_rootfs()/,/^}/p' "$here/build.sh"
    echo "${SUITE[$(base_of "$name")]}"
    if ! is_base "$name"; then (cd "$here/$name" && find . -type f | sort | xargs sha256sum); fi
    if [ "$name" = omniboard ]; then echo "$OMNIBOARD_VERSION"; fi
    if [ "$name" = keycloak ]; then echo "$KEYCLOAK_VERSION"; fi
    if [ "$name" = berth ]; then berth_classes >/dev/null && sha256sum "$repo/pom.xml" "$repo/deploy/jvm-options" \
      "$repo/deploy/cds-archive.sh" && (cd "$repo/target/classes" \
      && find . -type f | sort | xargs sha256sum) && (cd "$repo" && find templates -type f | sort | xargs sha256sum); fi
  } | sha256sum | cut -c1-16
}
current() { [ "$(docker image inspect -f '{{index .Config.Labels "berth.recipe"}}' "$1" 2>/dev/null)" = "$2" ]; }

base_rootfs() { # base_rootfs TAR SUITE: Debian SUITE, minbase (Essential packages and apt), no apt lists or caches
  mmdebstrap --quiet --variant=minbase --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
    "$2" "$1"
}

build_base() { # build_base NAME FINGERPRINT
  command -v mmdebstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null
  local tmp; tmp="$(mktemp -d)"
  base_rootfs "$tmp/root.tar" "${SUITE[$1]}"
  docker import --change 'CMD ["/bin/bash"]' --change "LABEL berth.recipe=$2" "$tmp/root.tar" "${IMAGE[$1]}" >/dev/null
  rm -rf "$tmp"
}

# Prepares the build context of an image in $2 (a temp dir holding a copy of its folder).
context_omniboard() {
  local npmdir="$cache/omniboard-$OMNIBOARD_VERSION"
  if [ ! -e "$npmdir/node_modules/omniboard/dist/start.js" ]; then
    command -v npm >/dev/null || die "npm is needed to fetch omniboard (apt-get install npm, or Node.js)"
    mkdir -p "$npmdir"
    npm install --prefix "$npmdir" --no-audit --no-fund --omit=dev --loglevel=error "omniboard@$OMNIBOARD_VERSION" >&2
    # the package carries its front end's sources and build tools; only web/build is served
    rm -rf "$npmdir/node_modules/omniboard/web/node_modules" "$npmdir/node_modules/omniboard/web/src" \
      "$npmdir/node_modules/omniboard/docs"
  fi
  cp -a "$npmdir/node_modules" "$1/node_modules"
}
context_mongo-standin() {
  mkdir -p "$1/app"
  local mvn=(mvn -B -q -f "$here/mongo-standin/pom.xml" dependency:copy-dependencies -DoutputDirectory="$1/app")
  "${mvn[@]}" -o >/dev/null 2>&1 || "${mvn[@]}" >&2 || die "could not fetch the stand-in's jars (Maven Central)"
  javac -nowarn --release 17 -d "$1/app/classes" -cp "$1/app/*" "$here"/mongo-standin/src/*.java
  (cd "$1/app/classes" && jar --create --file "$1/app/mongo-standin.jar" .) && rm -rf "$1/app/classes"
}
context_jupyter() { :; }
context_postgres() { :; }
context_keycloak() { # Maven Central's distribution zip (into ~/.m2 once), unpacked once into the cache, as ./keycloak
  local kcdir="$cache/keycloak-$KEYCLOAK_VERSION"
  if [ ! -x "$kcdir/bin/kc.sh" ]; then
    local zip="$HOME/.m2/repository/org/keycloak/keycloak-quarkus-dist/$KEYCLOAK_VERSION"
    zip+="/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip"
    [ -f "$zip" ] || mvn -B -q dependency:get -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" \
      -Dtransitive=false >&2 || die "could not fetch Keycloak $KEYCLOAK_VERSION (Maven Central)"
    command -v unzip >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unzip >/dev/null
    local tmp; tmp="$(mktemp -d)"
    unzip -q "$zip" -d "$tmp"
    mkdir -p "$cache" && rm -rf "$kcdir" && mv "$tmp/keycloak-$KEYCLOAK_VERSION" "$kcdir" && rm -rf "$tmp"
  fi
  cp -a "$kcdir" "$1/keycloak"
}
berth_classes() { # Berth compiled in this checkout (compiles it when target/classes is missing)
  [ -d "$repo/target/classes/io/berth" ] && return 0
  say "compiling Berth (mvn compile)"
  (cd "$repo" && { mvn -q -B -o compile >&2 || mvn -q -B compile >&2; }) || die "Berth does not compile"
}
context_berth() {
  mkdir -p "$1/app/lib"
  local mvn=(mvn -B -q -f "$repo/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$1/app/lib")
  "${mvn[@]}" -o >/dev/null 2>&1 || "${mvn[@]}" >&2 || die "could not fetch Berth's jars (Maven Central)"
  jar --create --file "$1/app/berth.jar" -C "$repo/target/classes" .
  cp -a "$repo/templates" "$1/templates"
  cp "$repo/deploy/jvm-options" "$repo/deploy/cds-archive.sh" "$1/app/"
}

build_image() { # build_image NAME FINGERPRINT
  local name=$1 tmp; tmp="$(mktemp -d)"
  cp -a "$here/$name/." "$tmp/"
  "context_$name" "$tmp"
  docker build -q --label "berth.recipe=$2" -t "${IMAGE[$name]}" "$tmp" >/dev/null 2>"$tmp.log" \
    || { cat "$tmp.log" >&2; rm -rf "$tmp" "$tmp.log"; die "docker build of ${IMAGE[$name]} failed"; }
  rm -rf "$tmp" "$tmp.log"
}

wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=(base jupyter omniboard mongo-standin)
for name in "${wanted[@]}"; do [ -n "${IMAGE[$name]:-}" ] || die "unknown image '$name' (known: ${ORDER[*]})"; done
# a base first whenever an image on it is wanted and it is missing or stale
needed=" "
for name in "${wanted[@]}"; do needed+="$name $(base_of "$name") "; done
for name in "${ORDER[@]}"; do
  [[ "$needed" == *" $name "* ]] || continue
  print=$(fingerprint "$name")
  if current "${IMAGE[$name]}" "$print"; then continue; fi
  say "building ${IMAGE[$name]} …"
  began=$(date +%s)
  if is_base "$name"; then build_base "$name" "$print"; else build_image "$name" "$print"; fi
  say "built ${IMAGE[$name]} in $(( $(date +%s) - began )) s ($(docker image inspect -f '{{.Size}}' "${IMAGE[$name]}" | numfmt --to=iec))"
done
