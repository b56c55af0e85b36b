#!/usr/bin/env bash
# One-time set-up on a fresh machine: nats-server (when it can be installed safely), npm deps, build.
set -euo pipefail
cd "$(dirname "$0")/.."

have_nats() { command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ]; }

if ! have_nats; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing nats-server from Debian/Ubuntu packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >/dev/null
  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
    echo "setup: installing nats-server with sudo apt-get"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >/dev/null
  elif command -v brew >/dev/null 2>&1; then
    brew install nats-server
  else
    echo "setup: nats-server not found. Install it (https://docs.nats.io/running-a-nats-service/introduction/installation)" >&2
    echo "       e.g. 'apt-get install nats-server' or 'brew install nats-server', then re-run 'npm run setup'." >&2
    exit 1
  fi
fi

npm ci --no-audit --no-fund
npm run build
# secrets for docker compose: random passwords and their bcrypt hashes (SECURITY.md)
[ -f .env ] || node packages/cli/bin/hyperflow.js setup
echo "setup: done. Run the stack with 'npm start', the tests with 'npm test'."
