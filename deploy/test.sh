#!/usr/bin/env bash
# Prepares the host for the tests (Docker engine, headless Chromium and its driver, the demo image), then runs
# the whole suite with Maven. On a prepared host the preparation takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/prepare-host.sh --test
exec mvn -B test "$@"
