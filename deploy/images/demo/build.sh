#!/usr/bin/env bash
# Builds berth/demo:latest, a ~2 MB image holding only busybox-static (every applet: sh, httpd, nc, …), a demo
# page (/index.html), a header-echo responder for tests (/echo-headers) and a page greeting the caller Berth names
# (/greet, for identity: headers), without any registry: a root file
# system is assembled here and handed to `docker import`. Idempotent: does nothing when the image of this
# recipe's version exists. Usage: build.sh [image-name]
set -euo pipefail
VERSION=3
image="${1:-berth/demo:latest}"
here="$(cd "$(dirname "$0")" && pwd)"
have="$(docker image inspect -f '{{index .Config.Labels "berth.demo.version"}}' "$image" 2>/dev/null || true)"
[[ "$have" == "$VERSION" ]] && exit 0
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/www" "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
  [[ "$applet" == busybox ]] || ln -s busybox "$root/bin/$applet"
done
cp "$here/index.html" "$root/index.html"
install -m 0755 "$here/echo-headers" "$root/echo-headers"
install -m 0755 "$here/greet" "$root/greet"
tar -C "$root" -c . | docker import --change 'CMD ["/bin/sh"]' --change 'WORKDIR /' \
  --change "LABEL berth.demo.version=$VERSION" --change 'ENV PATH=/bin' - "$image" >/dev/null
echo "berth: built $image (recipe version $VERSION)"
