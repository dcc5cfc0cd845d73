#!/usr/bin/env bash
# Every test, the way CI runs them: provision services, type-check, unit and integration
# tests (SQLite and PostgreSQL), production build, end-to-end tests (API and Chromium, both
# databases).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/test-env.sh
echo "== typecheck and lint"
npm run typecheck
npm run lint
npm run sdk:generate -- --check
echo "== unit + integration (vitest)"
npx vitest run
echo "== build"
npm run build
echo "== end-to-end (playwright)"
npx playwright test
