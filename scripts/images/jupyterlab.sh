#!/usr/bin/env bash
# Builds a JupyterLab notebook image locally, from Debian's packages and PyPI's, with nothing
# pulled from a container registry: a minimal Debian (debootstrap) with python3, and
# JupyterLab in a virtual environment at /opt/jupyter. Register it in the console as an image
# with "Notebook image" on: the console starts JupyterLab in it (port 8888, its base URL and
# token set by the console).
#
#   sudo scripts/images/jupyterlab.sh [tag]        (default local/jupyterlab:4)
#
# Environment: DEBIAN_MIRROR (default http://deb.debian.org/debian), DEBIAN_SUITE (bookworm),
# JUPYTERLAB_VERSION (default: the newest), DOCKER_HOST as for the docker CLI. pip uses the
# host's configuration (/etc/pip.conf, PIP_INDEX_URL ...) to download the wheels, so a
# mirror or a local wheel index works; the image then installs them without a network.
# Takes a few minutes; the image is about 450 MB. Rebuilt only when missing (FORCE=1 to redo).
set -euo pipefail

TAG=${1:-local/jupyterlab:4}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=${DEBIAN_SUITE:-bookworm}
SPEC="jupyterlab${JUPYTERLAB_VERSION:+==$JUPYTERLAB_VERSION}"

log() { printf '\033[1;34m[jupyterlab-image]\033[0m %s\n' "$*"; }

if [ "${FORCE:-0}" != 1 ] && docker image inspect "$TAG" >/dev/null 2>&1; then
  log "$TAG exists (FORCE=1 rebuilds it)"
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "run as root (debootstrap and chroot need it)" >&2; exit 1; }
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null

work=$(mktemp -d /var/tmp/aic-jupyterlab.XXXXXX)
rootfs="$work/rootfs"
cleanup() {
  for m in proc dev; do mountpoint -q "$rootfs/$m" && umount -l "$rootfs/$m"; done
  rm -rf "$work"
}
trap cleanup EXIT

log "debootstrap $SUITE (minbase + python3) from $MIRROR"
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates,tini "$SUITE" "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log" >&2; exit 1; }
py_version=$(chroot "$rootfs" python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')

# The wheels are downloaded on the host, with its pip and its configuration, for the
# image's Python and platform; pip in the image installs them offline.
log "downloading $SPEC wheels for Python $py_version"
pip_cmd=(python3 -m pip)
"${pip_cmd[@]}" --version >/dev/null 2>&1 || pip_cmd=(pip3)
mkdir -p "$rootfs/tmp/wheels"
"${pip_cmd[@]}" download --quiet --retries "${PIP_RETRIES:-1}" --timeout 15 --only-binary=:all: --python-version "$py_version" --implementation cp \
  $(for v in $(seq 36 -1 17); do printf -- '--platform manylinux_2_%s_x86_64 ' "$v"; done) --platform manylinux2014_x86_64 --platform linux_x86_64 \
  -d "$rootfs/tmp/wheels" "$SPEC" "pip"

log "installing JupyterLab in /opt/jupyter"
mount --bind /proc "$rootfs/proc"
mount --bind /dev "$rootfs/dev"
chroot "$rootfs" python3 -m venv --without-pip /opt/jupyter
chroot "$rootfs" sh -c 'python3 -m ensurepip --help >/dev/null 2>&1 || true'
pip_wheel=$(ls "$rootfs"/tmp/wheels/pip-*.whl | head -1)
chroot "$rootfs" /opt/jupyter/bin/python "/tmp/wheels/$(basename "$pip_wheel")/pip" install --quiet --no-index --find-links /tmp/wheels pip "$SPEC"
umount -l "$rootfs/proc" "$rootfs/dev"
rm -rf "$rootfs/tmp/wheels" "$rootfs/var/cache/apt/archives"/*.deb "$rootfs/var/lib/apt/lists"/*
find "$rootfs/opt/jupyter" -name '__pycache__' -prune -exec rm -rf {} +
chroot "$rootfs" /opt/jupyter/bin/jupyter lab --version >"$work/version"
mkdir -p "$rootfs/data"

log "importing as $TAG (JupyterLab $(cat "$work/version"))"
tar -C "$rootfs" -c . | docker import \
  --change 'ENV PATH=/opt/jupyter/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8 SHELL=/bin/bash' \
  --change 'WORKDIR /data' \
  --change 'ENTRYPOINT ["/usr/bin/tini", "--"]' \
  --change 'CMD ["jupyter", "lab", "--ip=127.0.0.1", "--port=8888", "--no-browser", "--allow-root"]' \
  - "$TAG" >/dev/null
log "done: $TAG, $(docker image inspect -f '{{.Size}}' "$TAG" | awk '{printf "%.0f MB", $1/1e6}')"
