#!/usr/bin/env bash
# Runs the suites that must pass on every supported nats-server (infra/nats/versions.json) against one
# binary: the bus, the event store, nats-local, the 3-node cluster tests and the permission suite.
#   bash scripts/test-min-server.sh /path/to/nats-server [extra vitest args]
# The binary is used alone (HYPERFLOW_NATS_SERVER, and first on PATH for anything that looks there); the
# test kit refuses it when it is outside the supported range. Prints a count per suite, then one line:
#   nats-server 2.12.15 (/path/to/nats-server): N passed, N failed, N skipped
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 /path/to/nats-server [vitest args]" >&2; exit 2; }
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
[ -x "$bin" ] || { echo "test-min-server: $bin is not an executable" >&2; exit 2; }
cd "$root"
# the test kit's own check (infra/nats/versions.json) once, before any suite starts: a server outside
# the range is refused with the version found, the minimum and the install command
version=$(node --conditions=source --import tsx -e '
  import("@hyperflow/nats-local").then(
    (m) => console.log(m.locateNatsServer({ env: { HYPERFLOW_NATS_SERVER: process.argv[1] } }).version),
    (e) => { console.error(`test-min-server: ${e.message}`); process.exit(2); },
  );
' "$bin") || exit 2

# a dir where the binary is called nats-server, for whatever finds it on PATH
onpath=$(mktemp -d)
trap 'rm -rf "$onpath"' EXIT
ln -s "$bin" "$onpath/nats-server"

suites=(
  packages/bus/src
  packages/nats-local/src
  packages/testkit/src/cluster.int.test.ts
  packages/cli/src/stack/nats-cluster.int.test.ts
  infra/nats/permissions.int.test.ts
  infra/nats/nats.int.test.ts
)
echo "test-min-server: nats-server $version at $bin"
status=0
HYPERFLOW_NATS_SERVER="$bin" HYPERFLOW_TEST_NATS=binary PATH="$onpath:$PATH" \
  npx vitest run "${suites[@]}" --reporter=default --reporter=json --outputFile="$onpath/result.json" "$@" ||
  status=$?
[ -s "$onpath/result.json" ] || { echo "test-min-server: vitest wrote no result (exit $status)" >&2; exit 1; }

node -e '
  const [file, version, bin, root] = process.argv.slice(1);
  const r = JSON.parse(require("fs").readFileSync(file, "utf8"));
  const suite = (f) => {
    const p = require("path").relative(root, f);
    if (/event-store[^/]*\.test\.ts$/.test(p)) return "event store";
    if (/cluster\.int\.test\.ts$/.test(p)) return "cluster";
    if (p.startsWith("infra/nats/")) return "permissions";
    if (p.startsWith("packages/nats-local/")) return "nats-local";
    return "bus";
  };
  const by = new Map();
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const f of r.testResults) {
    const s = by.get(suite(f.name)) ?? { passed: 0, failed: 0, skipped: 0 };
    for (const t of f.assertionResults) {
      const k = t.status === "passed" ? "passed" : t.status === "failed" ? "failed" : "skipped";
      s[k] += 1;
      total[k] += 1;
    }
    // a file that failed to load has no assertions but must not pass as empty
    if (f.status === "failed" && f.assertionResults.length === 0) { s.failed += 1; total.failed += 1; }
    by.set(suite(f.name), s);
  }
  for (const [name, s] of [...by].sort()) console.log(`  ${name}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
  console.log(`nats-server ${version} (${bin}): ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
' "$onpath/result.json" "$version" "$bin" "$root"
exit "$status"
