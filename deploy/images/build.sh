#!/usr/bin/env bash
# Builds Berth's service images without any image registry — from Debian's packages, npm and Maven Central only —
# for air-gapped sites and for machines (like CI here) that cannot reach Docker Hub:
#   berth/debian:bookworm              mmdebstrap --variant=minbase bookworm, then `docker import` (the base of all)
#   berth/jupyter:notebook6-bookworm   jupyter/Dockerfile: Debian's Jupyter Notebook 6.4 + Python 3 kernel
#   berth/omniboard:2.16.1             omniboard/Dockerfile: npm's omniboard on Debian's Node.js
#   berth/mongo-standin:1.47.0         mongo-standin/Dockerfile: a DEVELOPMENT STAND-IN for MongoDB (mongo-java-server
#                                      + SCRAM-SHA-256); production uses mongo:8.0
#   berth/berth:dev                    berth/Dockerfile: Berth itself, from this checkout (compiled if target/classes
#                                      is missing); only when asked for by name
# Map the templates' upstream images to these with `images:` in berth.yaml (see README, "Images without a registry").
# An image is skipped when it exists with this recipe's fingerprint (label berth.recipe: a hash of its folder, and
# of the base's recipe), so reruns cost a second. Prints what it built and how long each took.
# Usage: deploy/images/build.sh [base|jupyter|omniboard|mongo-standin|berth …]   (default: all but berth)
# Env: BERTH_BUILD_CACHE (default /var/cache/berth-build): npm and Maven downloads kept between builds.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${BERTH_BUILD_CACHE:-/var/cache/berth-build}"
BASE=berth/debian:bookworm
OMNIBOARD_VERSION=2.16.1
declare -A IMAGE=([base]=$BASE [jupyter]=berth/jupyter:notebook6-bookworm
  [omniboard]=berth/omniboard:$OMNIBOARD_VERSION [mongo-standin]=berth/mongo-standin:1.47.0 [berth]=berth/berth:dev)
ORDER=(base jupyter omniboard mongo-standin berth)
repo="$(cd "$here/../.." && pwd)"

say() { printf 'berth images: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# The recipe's fingerprint: every file of the image's folder (and this script's base recipe for the others).
fingerprint() {
  local name=$1
  {
    sed -n '/^base_rootfs()/,/^}/p' "$here/build.sh"
    if [ "$name" != base ]; then (cd "$here/$name" && find . -type f | sort | xargs sha256sum); fi
    if [ "$name" = omniboard ]; then echo "$OMNIBOARD_VERSION"; fi
    if [ "$name" = berth ]; then berth_classes >/dev/null && sha256sum "$repo/pom.xml" && (cd "$repo/target/classes" \
      && find . -type f | sort | xargs sha256sum) && (cd "$repo" && find templates -type f | sort | xargs sha256sum); fi
  } | sha256sum | cut -c1-16
}
current() { [ "$(docker image inspect -f '{{index .Config.Labels "berth.recipe"}}' "$1" 2>/dev/null)" = "$2" ]; }

base_rootfs() { # base_rootfs TAR: Debian bookworm, minbase (Essential packages and apt), no apt lists or caches
  mmdebstrap --quiet --variant=minbase --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
    bookworm "$1"
}

build_base() { # $1 fingerprint
  command -v mmdebstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null
  local tmp; tmp="$(mktemp -d)"
  base_rootfs "$tmp/root.tar"
  docker import --change 'CMD ["/bin/bash"]' --change "LABEL berth.recipe=$1" "$tmp/root.tar" "$BASE" >/dev/null
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
# the base first whenever something else is wanted and it is missing or stale
for name in "${ORDER[@]}"; do
  [[ " ${wanted[*]} " == *" $name "* || ( $name == base && ${#wanted[@]} -gt 0 ) ]] || continue
  print=$(fingerprint "$name")
  if current "${IMAGE[$name]}" "$print"; then continue; fi
  say "building ${IMAGE[$name]} …"
  began=$(date +%s)
  if [ "$name" = base ]; then build_base "$print"; else build_image "$name" "$print"; fi
  say "built ${IMAGE[$name]} in $(( $(date +%s) - began )) s ($(docker image inspect -f '{{.Size}}' "${IMAGE[$name]}" | numfmt --to=iec))"
done
