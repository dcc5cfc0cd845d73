#!/usr/bin/env bash
# Compute-node fixtures for the tests (called by scripts/test-env.sh, as root): real Docker
# engines, a registry and sshd on loopback. Idempotent: running services are left alone.
set -euo pipefail
FIX=${1:-/var/lib/aic-test}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
log() { printf '\033[1;34m[test-env]\033[0m %s\n' "$*"; }
make_bridge() { # name cidr: a bridge of its own for an extra dockerd
  ip link show "$1" >/dev/null 2>&1 && return 0
  ip link add "$1" type bridge
  ip addr add "$2" dev "$1"
  ip link set "$1" up
}
wait_for() { for _ in $(seq 1 60); do eval "$1" >/dev/null 2>&1 && return 0; sleep 0.5; done; echo "timed out: $1" >&2; return 1; }

if [ "$(id -u)" -ne 0 ]; then
  echo "node fixtures need root (dockerd, sshd); skipping" >&2
  exit 0
fi
mkdir -p "$FIX"/{tls,tls-wrong,ssh,bin,hami,registry}

# --- Local dockerd on the default unix socket -------------------------------------------
if ! docker -H unix:///var/run/docker.sock version >/dev/null 2>&1; then
  log "starting dockerd (unix:///var/run/docker.sock)"
  setsid dockerd >/var/log/dockerd.log 2>&1 < /dev/null &
  wait_for "docker -H unix:///var/run/docker.sock version"
fi

# --- TLS material: a CA, a server certificate for 127.0.0.1, a client certificate; and a
# second, unrelated CA with its own client certificate (the "wrong CA" case) --------------
make_ca() { # dir
  [ -f "$1/ca.pem" ] && return 0
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=aic-test-ca-$(basename "$1")" \
    -keyout "$1/ca-key.pem" -out "$1/ca.pem" >/dev/null 2>&1
}
make_cert() { # dir name ext
  [ -f "$1/$2-cert.pem" ] && return 0
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout "$1/$2-key.pem" -out "$1/$2.csr" >/dev/null 2>&1
  printf '%s\n' "$3" > "$1/$2.ext"
  openssl x509 -req -in "$1/$2.csr" -CA "$1/ca.pem" -CAkey "$1/ca-key.pem" -CAcreateserial -days 3650 \
    -extfile "$1/$2.ext" -out "$1/$2-cert.pem" >/dev/null 2>&1
}
make_ca "$FIX/tls"
make_cert "$FIX/tls" server "subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth"
make_cert "$FIX/tls" client "extendedKeyUsage=clientAuth"
make_ca "$FIX/tls-wrong"
make_cert "$FIX/tls-wrong" client "extendedKeyUsage=clientAuth"
chmod 0600 "$FIX"/tls/*-key.pem "$FIX"/tls-wrong/*-key.pem

# --- Second dockerd: tcp://127.0.0.1:2376, TLS with client-certificate verification ------
make_bridge docker1 172.31.0.1/24
if ! docker -H unix:///var/run/docker-tls.sock version >/dev/null 2>&1; then
  log "starting dockerd (tcp://127.0.0.1:2376, TLS)"
  setsid dockerd --data-root /var/lib/docker-tls --exec-root /var/run/docker-tls --pidfile /var/run/docker-tls.pid \
    -H unix:///var/run/docker-tls.sock -H tcp://127.0.0.1:2376 \
    --tlsverify --tlscacert "$FIX/tls/ca.pem" --tlscert "$FIX/tls/server-cert.pem" --tlskey "$FIX/tls/server-key.pem" \
    -b docker1 --iptables=false >/var/log/dockerd-tls.log 2>&1 < /dev/null &
  wait_for "docker -H unix:///var/run/docker-tls.sock version"
fi

# --- A local image (no registry is reachable from here): busybox in an empty root --------
if ! docker image inspect local/busybox:latest >/dev/null 2>&1; then
  log "building local/busybox:latest"
  rootfs=$(mktemp -d)
  mkdir -p "$rootfs"/{bin,tmp,root,etc,proc,sys,dev}
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $("$rootfs/bin/busybox" --list); do [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"; done
  echo "root:x:0:0:root:/root:/bin/sh" > "$rootfs/etc/passwd"
  echo "root:x:0:" > "$rootfs/etc/group"
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/bin' \
    --change 'CMD ["/bin/sh", "-c", "trap \"exit 0\" TERM INT; while :; do sleep 3600 & wait $!; done"]' \
    - local/busybox:latest >/dev/null
  rm -rf "$rootfs"
fi

# An application image for instance tests: says hello on stdout and stderr, then idles and
# exits cleanly on SIGTERM (made from local/busybox, no registry).
if ! docker image inspect local/aic-app:latest >/dev/null 2>&1; then
  log "building local/aic-app:latest"
  printf 'FROM local/busybox:latest\nCMD ["/bin/sh", "-c", "echo \\"aic-app started on $(hostname)\\"; echo \\"aic-app stderr line\\" >&2; trap \\"echo aic-app stopping; exit 0\\" TERM INT; while :; do sleep 3600 & wait $!; done"]\n' \
    | docker build -q -t local/aic-app:latest - >/dev/null
fi

# A Python image for python jobs: Debian's python3 (its binary, libraries and standard
# library) on local/busybox, so no image is pulled from the internet.
if ! docker image inspect local/python:3 >/dev/null 2>&1; then
  log "building local/python:3"
  ctx=$(mktemp -d)
  py=$(readlink -f /usr/bin/python3)
  mkdir -p "$ctx/root/usr/bin"
  cp "$py" "$ctx/root/usr/bin/python3"
  for lib in $(ldd "$py" | grep -o '/[^ ]*'); do cp --parents -L "$lib" "$ctx/root"; done
  stdlib=$("$py" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
  tar -C / --exclude='__pycache__' --exclude='*/test' --exclude='*/dist-packages' -cf - "${stdlib#/}" | tar -C "$ctx/root" -xf -
  printf 'FROM local/busybox:latest\nCOPY root/ /\nENV PATH=/usr/bin:/bin\nCMD ["python3"]\n' > "$ctx/Dockerfile"
  docker build -q -t local/python:3 "$ctx" >/dev/null
  rm -rf "$ctx"
fi

# A web app image for the app proxy's tests (scripts/fixtures/aic-web.py on local/python:3),
# with a `jupyter` that stands in for JupyterLab; rebuilt when the script changes.
web_sum=$(sha256sum "$ROOT/scripts/fixtures/aic-web.py" | cut -c1-16)
if [ "$(docker image inspect -f '{{index .Config.Labels "aic.web.sum"}}' local/aic-web:latest 2>/dev/null)" != "$web_sum" ]; then
  log "building local/aic-web:latest"
  ctx=$(mktemp -d)
  cp "$ROOT/scripts/fixtures/aic-web.py" "$ctx/aic-web.py"
  printf '#!/bin/sh\nexec python3 /opt/aic-web/aic-web.py "$@"\n' > "$ctx/jupyter"
  chmod 0755 "$ctx/aic-web.py" "$ctx/jupyter"
  printf 'FROM local/python:3\nCOPY aic-web.py /opt/aic-web/aic-web.py\nCOPY jupyter /usr/local/bin/jupyter\nENV PATH=/usr/local/bin:/usr/bin:/bin\nLABEL aic.web.sum=%s\nCMD ["python3", "/opt/aic-web/aic-web.py"]\n' "$web_sum" > "$ctx/Dockerfile"
  docker build -q -t local/aic-web:latest "$ctx" >/dev/null
  rm -rf "$ctx"
fi

# The JupyterLab notebook image (Debian + PyPI, about two minutes): the app proxy's JupyterLab
# test runs a kernel through it. Without a Debian mirror or a PyPI index that test is skipped
# and says why; the stand-in above still runs.
if ! bash "$ROOT/scripts/images/jupyterlab.sh" local/jupyterlab:4 >/var/log/aic-jupyterlab-image.log 2>&1; then
  log "WARNING: local/jupyterlab:4 could not be built (see /var/log/aic-jupyterlab-image.log): the JupyterLab test will be skipped"
fi

# --- Third dockerd: a "GPU host" on unix:///var/run/docker-gpu.sock. The fixture NVIDIA hook
# on its PATH makes it offer the nvidia device driver, so GPU instances really start here
# (sshd below serves the matching fixture nvidia-smi) --------------------------------------
install -D -m 0755 "$ROOT/scripts/fixtures/nvidia-container-runtime-hook" "$FIX/nvidia/nvidia-container-runtime-hook"
make_bridge docker2 172.31.1.1/24
if ! docker -H unix:///var/run/docker-gpu.sock version >/dev/null 2>&1; then
  log "starting dockerd (unix:///var/run/docker-gpu.sock, fixture NVIDIA hook)"
  PATH="$FIX/nvidia:$PATH" setsid dockerd --data-root /var/lib/docker-gpu --exec-root /var/run/docker-gpu --pidfile /var/run/docker-gpu.pid \
    -H unix:///var/run/docker-gpu.sock -b docker2 --iptables=false >/var/log/dockerd-gpu.log 2>&1 < /dev/null &
  wait_for "docker -H unix:///var/run/docker-gpu.sock version"
fi
if ! docker -H unix:///var/run/docker-gpu.sock image inspect local/python:3 >/dev/null 2>&1; then
  log "loading local/aic-app:latest and local/python:3 into the GPU host"
  docker save local/busybox:latest local/aic-app:latest local/python:3 | docker -H unix:///var/run/docker-gpu.sock load -q >/dev/null
fi

# --- What earlier test runs left on the engines -------------------------------------------
# A run that was killed (or a console whose database a test dropped) leaves its workloads and
# tenant networks behind; the tenant pool (10.200.0.0/16 in /26 networks) holds 1,024, and a
# full pool fails every launch. Each run starts from engines without them.
for sock in /var/run/docker.sock /var/run/docker-tls.sock /var/run/docker-gpu.sock; do
  stale=$(docker -H "unix://$sock" ps -aq --filter label=io.ai-infra-console.managed=true)
  if [ -n "$stale" ]; then
    log "removing $(echo "$stale" | wc -l) workloads of earlier test runs ($sock)"
    echo "$stale" | xargs docker -H "unix://$sock" rm -f >/dev/null 2>&1 || true
  fi
  docker -H "unix://$sock" network prune -f --filter label=io.ai-infra-console.managed=true >/dev/null
done

# --- Local registry on 127.0.0.1:5000 (loopback registries need no TLS for dockerd) -------
if ! curl -sf http://127.0.0.1:5000/v2/ >/dev/null 2>&1; then
  log "starting registry (127.0.0.1:5000)"
  cat > "$FIX/registry/config.yml" <<YAML
version: 0.1
storage:
  filesystem:
    rootdirectory: $FIX/registry/data
http:
  addr: 127.0.0.1:5000
YAML
  setsid docker-registry serve "$FIX/registry/config.yml" >/var/log/aic-registry.log 2>&1 < /dev/null &
  wait_for "curl -sf http://127.0.0.1:5000/v2/"
fi
if ! curl -sf http://127.0.0.1:5000/v2/aic/busybox/manifests/1.35 -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' >/dev/null; then
  log "pushing 127.0.0.1:5000/aic/busybox:1.35"
  docker tag local/busybox:latest 127.0.0.1:5000/aic/busybox:1.35
  docker push 127.0.0.1:5000/aic/busybox:1.35 >/dev/null
fi

# --- sshd fixtures: user aicnode (password and key), fixture nvidia-smi, HAMi library, and
# the fixture NVIDIA hook on PATH (what the node test looks for) ------------------------------
id aicnode >/dev/null 2>&1 || useradd -m -s /bin/bash aicnode
echo 'aicnode:aic-node-password' | chpasswd
[ -f "$FIX/ssh/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C aic-test -f "$FIX/ssh/id_ed25519"
cp "$FIX/ssh/id_ed25519.pub" "$FIX/ssh/authorized_keys"
chmod 0644 "$FIX/ssh/authorized_keys"
install -m 0755 "$ROOT/scripts/fixtures/nvidia-smi" "$FIX/bin/nvidia-smi"
# HAMi-core stand-ins: a real (empty) shared library, and what the connection test must
# refuse although the name ends in .so: a text file, a directory and a symlink to it.
if ! head -c 4 "$FIX/hami/libvgpu.so" 2>/dev/null | grep -q ELF; then
  if command -v gcc >/dev/null; then
    gcc -shared -fPIC -x c /dev/null -o "$FIX/hami/libvgpu.so.tmp"
  else # any shared library of the system will do
    cp "$(ldconfig -p | awk '/libc\.so\.6 /{print $NF; exit}')" "$FIX/hami/libvgpu.so.tmp"
  fi
  mv -f "$FIX/hami/libvgpu.so.tmp" "$FIX/hami/libvgpu.so"
fi
echo "not a library" > "$FIX/hami/text.so"
mkdir -p "$FIX/hami/dir.so"
ln -sfn dir.so "$FIX/hami/link-to-dir.so"
chmod 0644 "$FIX/hami/libvgpu.so" "$FIX/hami/text.so"
chmod 0755 "$FIX" "$FIX/ssh" "$FIX/bin" "$FIX/hami" "$FIX/hami/dir.so"
mkdir -p /run/sshd
for port in 2222 2223; do
  key="$FIX/ssh/host_${port}_ed25519"
  [ -f "$key" ] || ssh-keygen -q -t ed25519 -N '' -f "$key"
  conf="$FIX/ssh/sshd_$port.conf"
  cat > "$conf.new" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $key
PidFile $FIX/ssh/sshd_$port.pid
AuthorizedKeysFile $FIX/ssh/authorized_keys
PasswordAuthentication yes
PubkeyAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
AllowUsers aicnode
# Every GPU node of the tests is polled here at once: allow many unauthenticated connections.
MaxStartups 200:30:400
SetEnv PATH=$FIX/bin:$FIX/nvidia:/usr/local/bin:/usr/bin:/bin
# The Slurm fixture's login node: job output is read over SFTP.
Subsystem sftp /usr/lib/openssh/sftp-server
CONF
  if ! cmp -s "$conf.new" "$conf"; then
    mv "$conf.new" "$conf"
    # A changed configuration: a running sshd is started again with it.
    if [ -f "$FIX/ssh/sshd_$port.pid" ] && kill "$(cat "$FIX/ssh/sshd_$port.pid")" 2>/dev/null; then
      wait_for "! (exec 3<>/dev/tcp/127.0.0.1/$port)"
    fi
  else
    rm -f "$conf.new"
  fi
  if ! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    log "starting sshd (127.0.0.1:$port)"
    /usr/sbin/sshd -f "$FIX/ssh/sshd_$port.conf"
    wait_for "(exec 3<>/dev/tcp/127.0.0.1/$port)"
  fi
done
