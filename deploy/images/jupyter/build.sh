#!/usr/bin/env bash
# Builds berth/jupyter:notebook6-bookworm from Debian's packages only, without any registry: mmdebstrap assembles a
# minimal bookworm root file system with Jupyter Notebook 6.4 and the Python 3 kernel, adds the user jovyan (uid 1000,
# home /home/jovyan with work/, as in the upstream Jupyter images), and `docker import` makes it an image.
# Idempotent: does nothing when the image of this recipe's version exists. Usage: build.sh [image-name]
set -euo pipefail
VERSION=1
image="${1:-berth/jupyter:notebook6-bookworm}"
have="$(docker image inspect -f '{{index .Config.Labels "berth.recipe.version"}}' "$image" 2>/dev/null || true)"
[[ "$have" == "$VERSION" ]] && exit 0
command -v mmdebstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null
began=$(date +%s)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mmdebstrap --quiet --variant=minbase --include=jupyter-notebook,python3-ipykernel,ca-certificates \
  --customize-hook='echo "jovyan:x:1000:100:Jupyter:/home/jovyan:/bin/bash" >> "$1/etc/passwd"' \
  --customize-hook='echo "jovyan:*:19000:0:99999:7:::" >> "$1/etc/shadow"' \
  --customize-hook='mkdir -p "$1/home/jovyan/work" && chown -R 1000:100 "$1/home/jovyan"' \
  --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
  bookworm "$tmp/root.tar"
docker import --change 'USER 1000' --change 'WORKDIR /home/jovyan' --change 'ENV HOME=/home/jovyan' \
  --change 'ENV SHELL=/bin/bash' --change 'CMD ["jupyter", "notebook", "--no-browser", "--ip=0.0.0.0"]' \
  --change "LABEL berth.recipe.version=$VERSION" "$tmp/root.tar" "$image" >/dev/null
echo "berth: built $image in $(( $(date +%s) - began )) s ($(docker image inspect -f '{{.Size}}' "$image" | numfmt --to=iec))"
