#!/usr/bin/env bash
# Prepares this Debian host for Berth, idempotently: a running Docker engine (Debian's docker.io) and the
# locally built demo image. With --test it also installs what the test suite needs (headless Chromium and its
# driver, docker-compose, and a Keycloak distribution from Maven Central for the single sign-on tests). A second
# run on a prepared host installs nothing and returns in about a second.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
want_test=false
[[ "${1:-}" == "--test" ]] && want_test=true

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
[[ -x /bin/busybox ]] && dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
if $want_test; then
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v unzip >/dev/null || missing+=(unzip)
  [[ -x /usr/lib/postgresql/15/bin/pg_ctl ]] || missing+=(postgresql-15) # PostgresTest runs a private server
  command -v docker-compose >/dev/null || missing+=(docker-compose) # ComposeFileTest validates deploy/compose.yaml
fi
if ((${#missing[@]})); then
  echo "berth: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

sock=/var/run/docker.sock
engine_answers() { docker -H "unix://$sock" version --format '{{.Server.Version}}' >/dev/null 2>&1; }
if ! engine_answers; then
  echo "berth: starting dockerd (log: /var/log/dockerd.log)"
  # Every stack has a bridge network of its own; Docker's default address pools hold only ~30 networks, so the
  # engine this script starts gets 256 (/24s of 10.200.0.0/16; deploy/README "Install" says the same for sites).
  pools=(--default-address-pool base=10.200.0.0/16,size=24)
  grep -qs default-address-pools /etc/docker/daemon.json && pools=() # the site's own setting wins
  setsid dockerd "${pools[@]}" >/var/log/dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do engine_answers && break; sleep 0.5; done
  engine_answers || { echo "berth: dockerd did not answer on $sock; see /var/log/dockerd.log" >&2; exit 1; }
fi

"$here/images/demo/build.sh"
if $want_test; then
  # the service images of the end-to-end tests (Jupyter, Omniboard, the MongoDB stand-in): ~5 min once, then a no-op
  "$here/images/build.sh"
fi

if $want_test; then
  # Keycloak for the single sign-on tests: Maven Central's distribution zip (177 MB, once into ~/.m2), unpacked once.
  kc_version=26.7.3
  kc_home=/var/cache/berth-test/keycloak-$kc_version
  if [[ ! -x "$kc_home/bin/kc.sh" ]]; then
    kc_zip="$HOME/.m2/repository/org/keycloak/keycloak-quarkus-dist/$kc_version/keycloak-quarkus-dist-$kc_version.zip"
    if [[ ! -f "$kc_zip" ]]; then
      echo "berth: downloading Keycloak $kc_version from Maven Central"
      mvn -B -q dependency:get -Dartifact="org.keycloak:keycloak-quarkus-dist:$kc_version:zip" -Dtransitive=false
    fi
    echo "berth: unpacking Keycloak into $kc_home"
    mkdir -p "$(dirname "$kc_home")"
    tmp="$(mktemp -d "$(dirname "$kc_home")/.unzip.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT # an interrupted unzip leaves nothing behind
    unzip -q "$kc_zip" -d "$tmp"
    rm -rf "$kc_home"
    mv "$tmp/keycloak-$kc_version" "$kc_home"
    rmdir "$tmp"
  fi
fi
