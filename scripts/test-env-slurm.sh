#!/usr/bin/env bash
# A real single-host Slurm 22.05 cluster for the tests (called by scripts/test-env.sh, as root):
# munged, slurmctld, slurmd (this host is the one compute node, with 2 fake GPUs as GRES) and
# slurmrestd serving the REST API v0.0.38/v0.0.37 with JWT auth on 127.0.0.1:6820 and on
# unix:/run/slurmrestd/slurmrestd.sock. Cluster "aictest", partitions debug (default) and batch.
# Unix users aicslurm1 and aicslurm2 stand for mapped console users.
# Idempotent: running daemons with an unchanged configuration are left alone.
# Writes $FIX/slurm/jwt_hs256.key (the HS256 key, to mint tokens) and $FIX/slurm/env
# (SLURM_URL, SLURM_SOCKET, SLURM_CLUSTER, SLURM_ROOT_TOKEN: a root token valid for a year).
set -euo pipefail
FIX=$(realpath -m "${1:-/var/lib/aic-test}")
PACKAGES=(slurmctld slurmd slurmrestd slurm-client munge slurm-wlm-jwt-plugin)
SD=$FIX/slurm
CONF=/etc/slurm
STATE=/var/spool/slurmctld
KEY=$STATE/jwt_hs256.key
REST_ADDR=127.0.0.1:6820
REST_SOCK=/run/slurmrestd/slurmrestd.sock
log() { printf '\033[1;34m[test-env]\033[0m %s\n' "$*"; }
wait_for() { # condition [log file to show on failure]
  for _ in $(seq 1 120); do eval "$1" >/dev/null 2>&1 && return 0; sleep 0.25; done
  echo "timed out: $1" >&2; [ -z "${2:-}" ] || tail -n 15 "$2" >&2; return 1
}
running() { # pid: a live process (a zombie nobody reaped is not)
  local st; st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) && [ -n "$st" ] && [ "$st" != Z ]
}
alive() { [ -f "$1" ] && running "$(cat "$1")"; } # pidfile
stop() { # pidfile: ends the daemon it names, and waits until it is gone
  alive "$1" || { rm -f "$1"; return 0; }
  local pid; pid=$(cat "$1")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 80); do running "$pid" || { rm -f "$1"; return 0; }; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true; rm -f "$1"
}

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "$(id -u)" -ne 0 ]; then
  [ ${#missing[@]} -eq 0 ] || echo "Slurm fixtures: missing packages ${missing[*]}" >&2
  echo "Slurm fixtures need root (munged, slurmctld, slurmd, slurmrestd); skipping" >&2
  exit 0
fi
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Users: slurmrestd's own (never root nor SlurmUser), and two for mapped console users,
# whose homes (where jobs write their output) the SSH fixture user aicnode can read ---------
id slurmrestd >/dev/null 2>&1 || useradd -r -M -d /nonexistent -s /usr/sbin/nologin slurmrestd
for u in aicslurm1 aicslurm2; do
  id "$u" >/dev/null 2>&1 || useradd -m -d "/home/$u" -s /bin/bash "$u"
  chmod 0755 "/home/$u"
done

# --- munged ----------------------------------------------------------------------------
[ -f /etc/munge/munge.key ] || { mungekey --create --keyfile /etc/munge/munge.key; chown munge: /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key; }
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  log "starting munged"
  install -d -o munge -g munge -m 0755 /run/munge
  runuser -u munge -- /usr/sbin/munged </dev/null >/dev/null 2>&1
  wait_for "munge -n | unmunge"
fi

# --- Configuration ---------------------------------------------------------------------
mkdir -p "$SD" "$STATE" /var/spool/slurmd /var/log/slurm
chown slurm:slurm "$STATE" /var/log/slurm
chmod 0755 "$SD"
if [ ! -s "$KEY" ]; then
  dd if=/dev/urandom of="$KEY.tmp" bs=32 count=1 status=none
  mv -f "$KEY.tmp" "$KEY"
fi
chown slurm:slurm "$KEY"; chmod 0600 "$KEY"
cmp -s "$KEY" "$SD/jwt_hs256.key" || install -m 0600 "$KEY" "$SD/jwt_hs256.key"

HOST=$(hostname -s)
# This host as slurmd sees it: "CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=…"
HW=$(slurmd -C | sed -n 's/^NodeName=[^ ]* //p' | head -1)
new=$(mktemp)
cat > "$new" <<CONF
# Written by scripts/test-env-slurm.sh: a single-host test cluster.
ClusterName=aictest
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=slurm
AuthType=auth/munge
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$KEY
StateSaveLocation=$STATE
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
# Memory limits are enforced by polling /proc every second: a job above its memory is killed
# (FAILED, signal 9). No cgroups here, so no OUT_OF_MEMORY state.
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherParams=OverMemoryKill
JobAcctGatherFrequency=task=1
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=512
ReturnToService=2
# Finished jobs stay listed for 10 minutes; a cancel or time-out kills after 2 s, not 30.
MinJobAge=600
KillWait=2
# A submitted job starts within a second (batch_sched_delay is 3 s by default).
SchedulerParameters=batch_sched_delay=0
GresTypes=gpu
NodeName=$HOST NodeAddr=127.0.0.1 $HW Gres=gpu:2 State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
PartitionName=batch Nodes=$HOST MaxTime=INFINITE State=UP
CONF
newgres=$(mktemp)
cat > "$newgres" <<CONF
# Written by scripts/test-env-slurm.sh: two fake GPUs. Slurm drops a GPU without a device
# file, and any character device will do here (no cgroup confines the devices).
AutoDetect=off
NodeName=$HOST Name=gpu File=/dev/null,/dev/zero
CONF
changed=0
cmp -s "$new" "$CONF/slurm.conf" || { install -m 0644 "$new" "$CONF/slurm.conf"; changed=1; }
cmp -s "$newgres" "$CONF/gres.conf" || { install -m 0644 "$newgres" "$CONF/gres.conf"; changed=1; }
rm -f "$new" "$newgres"
if [ "$changed" = 1 ]; then
  log "Slurm configuration written; restarting what runs"
  stop "$SD/slurmrestd.pid"
  stop /run/slurmd.pid
  stop /run/slurmctld.pid
fi

# --- slurmctld and slurmd ----------------------------------------------------------------
if ! alive /run/slurmctld.pid || ! scontrol ping 2>/dev/null | grep -q 'is UP'; then
  log "starting slurmctld (cluster aictest)"
  stop /run/slurmctld.pid
  setsid /usr/sbin/slurmctld </dev/null >/dev/null 2>&1
  wait_for "scontrol ping | grep -q 'is UP'" /var/log/slurm/slurmctld.log
fi
if ! alive /run/slurmd.pid; then
  log "starting slurmd ($HOST)"
  setsid /usr/sbin/slurmd </dev/null >/dev/null 2>&1
fi
# The node is up once it is idle (or running jobs). One that a former configuration left
# drained or invalid (its slurmd answers: no "*") is resumed.
node_up() {
  local st; st=$(sinfo -h -n "$HOST" -o %t 2>/dev/null)
  case "$st" in
    idle|mix|alloc|comp) return 0 ;;
    drain|drng|inval|down) scontrol update nodename="$HOST" state=resume 2>/dev/null; return 1 ;;
    *) return 1 ;;
  esac
}
wait_for node_up /var/log/slurm/slurmd.log

# --- slurmrestd: JWT auth, on TCP and on a unix socket, as its own user --------------------
rest_up() { curl -s -o /dev/null --max-time 2 "http://$REST_ADDR/openapi/v3" && curl -s -o /dev/null --max-time 2 --unix-socket "$REST_SOCK" http://localhost/openapi/v3; }
if ! rest_up; then
  log "starting slurmrestd (http://$REST_ADDR, unix:$REST_SOCK)"
  stop "$SD/slurmrestd.pid"
  install -d -o slurmrestd -g slurmrestd -m 0755 /run/slurmrestd
  rm -f "$REST_SOCK"
  # From /: a job submitted without current_working_directory gets slurmrestd's (as a directory).
  (cd / && SLURM_JWT=daemon exec setsid setpriv --reuid=slurmrestd --regid=slurmrestd --init-groups \
    /usr/sbin/slurmrestd -a rest_auth/jwt -s openapi/v0.0.38,openapi/v0.0.37 "$REST_ADDR" "unix:$REST_SOCK" \
    </dev/null >>"$SD/slurmrestd.log" 2>&1) &
  echo $! > "$SD/slurmrestd.pid"
  wait_for rest_up "$SD/slurmrestd.log"
fi

# --- A root token valid for a year, kept while slurmrestd accepts it and it has a month left --
token_ok() {
  local tok=$1 payload exp
  [ -n "$tok" ] || return 1
  payload=$(printf '%s' "$tok" | cut -d. -f2 | tr '_-' '/+')
  while [ $((${#payload} % 4)) -ne 0 ]; do payload="$payload="; done
  exp=$(printf '%s' "$payload" | base64 -d 2>/dev/null | grep -o '"exp":[0-9]*' | cut -d: -f2)
  [ -n "$exp" ] && [ "$exp" -gt $(($(date +%s) + 30 * 86400)) ] || return 1
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-SLURM-USER-NAME: root' -H "X-SLURM-USER-TOKEN: $tok" \
    "http://$REST_ADDR/slurm/v0.0.38/ping")" = 200 ]
}
token=$(sed -n 's/^SLURM_ROOT_TOKEN=//p' "$SD/env" 2>/dev/null || true)
if ! token_ok "$token"; then
  log "minting a root token for slurmrestd"
  token=$(scontrol token username=root lifespan=31536000 | sed -n 's/^SLURM_JWT=//p')
  token_ok "$token"
fi
cat > "$SD/env.tmp" <<ENV
SLURM_URL=http://$REST_ADDR
SLURM_SOCKET=$REST_SOCK
SLURM_CLUSTER=aictest
SLURM_ROOT_TOKEN=$token
ENV
chmod 0600 "$SD/env.tmp"
cmp -s "$SD/env.tmp" "$SD/env" && rm -f "$SD/env.tmp" || mv -f "$SD/env.tmp" "$SD/env"
