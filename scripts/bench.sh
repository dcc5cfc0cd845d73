#!/usr/bin/env bash
# Benchmarks (npm run bench): builds, starts the services, and prints figures with the
# machine's facts. Numbers are measured here, never asserted in tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/test-env.sh >/dev/null
npm run build >/dev/null
node scripts/bench/api.mjs "$@"
node scripts/bench/instances.mjs
node scripts/bench/realtime.mjs
node scripts/bench/billing.mjs
node scripts/bench/jobs.mjs
node scripts/bench/slurm.mjs
node scripts/bench/ssh.mjs
node scripts/bench/apps.mjs
node scripts/bench/ops.mjs
node scripts/bench/cli.mjs
