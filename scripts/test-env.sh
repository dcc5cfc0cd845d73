#!/usr/bin/env bash
# Installs and starts what the tests need, idempotently: PostgreSQL, Redis, Chromium (Debian's
# chromium-headless-shell, never a downloaded browser: Playwright's default kind of headless
# browser, at about half the CPU of the full browser's headless mode), a CJK font for
# screenshots, and the compute-node fixtures:
# the local dockerd, a second dockerd on 127.0.0.1:2376 with TLS client-certificate
# verification, a local registry on 127.0.0.1:5000 holding a busybox image, and sshd on
# 127.0.0.1:2222 (and :2223 with another host key) with a fixture nvidia-smi on its PATH.
# As root on Debian it installs missing packages; otherwise it checks and says what is missing.
# Fixture files (certificates, keys) live in $AIC_FIXTURES (default /var/lib/aic-test).
set -euo pipefail

PG_USER=console
PG_PASSWORD=console
PACKAGES=(postgresql redis-server chromium-headless-shell fonts-wqy-microhei docker.io docker-registry openssh-server openssh-client openssh-sftp-server rsync curl busybox-static openssl iproute2 python3-minimal prometheus)
FIX=${AIC_FIXTURES:-/var/lib/aic-test}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

log() { printf '\033[1;34m[test-env]\033[0m %s\n' "$*"; }

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "Missing packages: ${missing[*]} (run this script as root on Debian, or install them)" >&2
    exit 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# PostgreSQL: the distribution's cluster, started without systemd.
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
  if [ -z "$cluster" ]; then
    log "creating a PostgreSQL cluster"
    pg_createcluster "$(ls /usr/lib/postgresql | sort -V | tail -1)" main >/dev/null
    cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
  fi
  log "starting PostgreSQL $cluster"
  # shellcheck disable=SC2086
  pg_ctlcluster --skip-systemctl-redirect $cluster start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
fi
if [ "$(id -u)" -eq 0 ]; then
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'\"" | grep -q 1 ||
    su postgres -c "psql -qc \"CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD'\""
  # Tests drop their databases WITH (FORCE); an autovacuum worker there can only be ended by
  # a member of pg_signal_backend.
  su postgres -c "psql -qc \"GRANT pg_signal_backend TO $PG_USER\"" >/dev/null
fi
PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -U "$PG_USER" -d postgres -qtAc "SELECT 1" >/dev/null

# Redis on loopback, for the Redis-backed rate limiter.
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  log "starting Redis"
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" --appendonly no >/dev/null
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.25; done
fi

bash "$ROOT/scripts/test-env-nodes.sh" "$FIX"
bash "$ROOT/scripts/test-env-slurm.sh" "$FIX"

log "ready: PostgreSQL 127.0.0.1:5432 (role $PG_USER), Redis 127.0.0.1:6379, $(chromium-headless-shell --version 2>/dev/null | head -1)"
log "ready: dockerd unix:///var/run/docker.sock, dockerd tcp://127.0.0.1:2376 (TLS), GPU-host dockerd unix:///var/run/docker-gpu.sock, registry 127.0.0.1:5000, sshd 127.0.0.1:2222/2223, Slurm aictest slurmrestd http://127.0.0.1:6820 + unix:/run/slurmrestd/slurmrestd.sock (fixtures in $FIX)"
