#!/usr/bin/env bash
# One-time set-up on a fresh machine: a nats-server in the supported range (infra/nats/versions.json,
# found or installed into .hyperflow/bin by scripts/install-nats.sh), npm deps, build.
set -euo pipefail
cd "$(dirname "$0")/.."

nats=$(bash scripts/install-nats.sh)
echo "setup: using $("$nats" --version) at $nats"

npm ci --no-audit --no-fund
npm run build
# secrets for docker compose: random passwords and their bcrypt hashes (SECURITY.md)
[ -f .env ] || node packages/cli/bin/hyperflow.js setup
echo "setup: done. Run the stack with 'npm start', the tests with 'npm test'."
