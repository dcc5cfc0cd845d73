#!/usr/bin/env bash
# Every test, the way CI runs them: provision services, type-check, unit and integration
# tests (SQLite and PostgreSQL), production build, end-to-end tests (API and Chromium, both
# databases). At the end, pass or fail, a summary: each phase's time and how busy the machine
# was, and the end-to-end projects' times (scripts/test-summary.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."

mkdir -p reports
PHASES=reports/phases.tsv
: > "$PHASES"
# A run that stops before the end-to-end phase must not be summed up with an earlier run's times.
rm -f reports/e2e.json
phase() {
  echo "== $1"
  printf '%s\t%s\t%s\n' "$1" "$(date +%s%3N)" "$(head -1 /proc/stat)" >> "$PHASES"
}
trap 'rc=$?; phase end; node scripts/test-summary.mjs "$PHASES" reports/e2e.json || true; exit $rc' EXIT

phase "provision (scripts/test-env.sh)"
bash scripts/test-env.sh
phase "typecheck and lint"
npm run typecheck
npm run lint
npm run sdk:generate -- --check
phase "unit + integration (vitest)"
npx vitest run
phase "build"
npm run build
phase "end-to-end (playwright)"
npx playwright test
