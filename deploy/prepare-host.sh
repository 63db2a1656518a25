#!/usr/bin/env bash
# Prepares this Debian host for Berth, idempotently: a running Docker engine (Debian's docker.io) and the
# locally built demo image. With --test it also installs what the test suite needs (headless Chromium and its
# driver). A second run on a prepared host installs nothing and returns in about a second.
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
  setsid dockerd >/var/log/dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do engine_answers && break; sleep 0.5; done
  engine_answers || { echo "berth: dockerd did not answer on $sock; see /var/log/dockerd.log" >&2; exit 1; }
fi

"$here/images/demo/build.sh"
