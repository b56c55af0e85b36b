#!/usr/bin/env bash
# `npm run test:compose`: the compose stack for real, as a user on one host runs it.
#   installs what is missing: Debian's docker.io (no engine), compose v2 from Debian trixie's
#   docker-compose package (no plugin), local base images (no registry: infra/docker/local-base-images.sh);
#   starts a private dockerd (--bridge=none --iptables=false) only when no engine answers, and stops
#   exactly that one at the end;
#   docker compose -f docker-compose.yml -f docker-compose.host.yml: build, up -d --wait, then proves
#   every service healthy, an order signed, sent and filled on the simulator (its ledger and the
#   EXECUTION stream), the Go consumer's schema validation (examples/go-consumer), `kill execution`
#   + recovery without a duplicate venue order, `down` + `up` keeping every stream's messages, the
#   test kit's container mode (the bus integration tests against this engine), `down -v` leaving
#   nothing behind. Prints one summary line.
# Everything listens on 127.0.0.1 only, on HYPERFLOW_COMPOSE_PORT_BASE+1..+87 (default 24200: 24201-24203,
# 24222, 24282, 24287). Run as root (it may install packages and start dockerd).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
t0=$(date +%s)
say() { echo "test-compose: $*" >&2; }
die() { say "FAIL: $*"; exit 1; }
now() { date +%s; }

state="$root/.hyperflow/compose-test"
mkdir -p "$state"
project="${HYPERFLOW_COMPOSE_PROJECT:-hyperflow-test}"
base="${HYPERFLOW_COMPOSE_PORT_BASE:-24200}"
export HYPERFLOW_INGESTOR_PORT=$((base + 1)) HYPERFLOW_STRATEGY_PORT=$((base + 2)) HYPERFLOW_EXECUTION_PORT=$((base + 3))
export HYPERFLOW_NATS_PORT=$((base + 22)) HYPERFLOW_NATS_MONITOR_PORT=$((base + 82)) HYPERFLOW_SIM_PORT=$((base + 87))
sim="http://127.0.0.1:$HYPERFLOW_SIM_PORT"
nats_image=$(sed -n 's/.*"image": *"\([^"]*\)".*/\1/p' infra/nats/versions.json)
default_node_image=$(sed -n 's/^ARG NODE_IMAGE=//p' Dockerfile)

for p in "$HYPERFLOW_INGESTOR_PORT" "$HYPERFLOW_STRATEGY_PORT" "$HYPERFLOW_EXECUTION_PORT" \
  "$HYPERFLOW_NATS_PORT" "$HYPERFLOW_NATS_MONITOR_PORT" "$HYPERFLOW_SIM_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    die "port $p on 127.0.0.1 is taken (another stack or test?); set HYPERFLOW_COMPOSE_PORT_BASE"
  fi
done

# ---- engine ---------------------------------------------------------------------------------
own_dockerd_pid=""
own_sock="$root/.hyperflow/docker/docker.sock"
stack_up=0
engine_ok() { timeout 20 docker info >/dev/null 2>&1; }
cleanup() {
  local rc=$?
  if [ "$stack_up" = 1 ]; then
    if [ "$rc" != 0 ]; then
      say "stack logs (last 30 lines per service):"
      compose logs --no-color --tail 30 >&2 2>&1 || true
    fi
    compose down -v --remove-orphans >/dev/null 2>&1 || true
  fi
  if [ -n "$own_dockerd_pid" ]; then
    say "stopping the dockerd this run started (pid $own_dockerd_pid)"
    kill -TERM "$own_dockerd_pid" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$own_dockerd_pid" 2>/dev/null || break; sleep 0.5; done
  fi
  exit "$rc"
}
trap cleanup EXIT

if ! command -v docker >/dev/null 2>&1 || ! command -v dockerd >/dev/null 2>&1; then
  if ! engine_ok; then
    say "installing Debian's docker.io"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  fi
fi
if ! engine_ok; then
  # a leftover private daemon of an earlier run answers on its socket: use it, leave it running
  if [ -S "$own_sock" ] && DOCKER_HOST="unix://$own_sock" engine_ok; then
    export DOCKER_HOST="unix://$own_sock"
  else
    # a private daemon: own socket, data root (its image cache makes a second run fast) and exec
    # root, so it never meets another engine on this host; no bridge, no iptables, nothing off loopback
    mkdir -p "$root/.hyperflow/docker/data"
    exec_root="/run/hyperflow-docker-$(printf %s "$root" | cksum | cut -d' ' -f1)"
    say "no Docker engine answers: starting dockerd --bridge=none --iptables=false on $own_sock"
    dockerd --bridge=none --iptables=false --ip6tables=false --ip-masq=false --userland-proxy=false \
      -H "unix://$own_sock" --data-root "$root/.hyperflow/docker/data" --exec-root "$exec_root" \
      --pidfile "$root/.hyperflow/docker/dockerd.pid" >"$root/.hyperflow/docker/dockerd.log" 2>&1 &
    own_dockerd_pid=$!
    export DOCKER_HOST="unix://$own_sock"
    for _ in $(seq 60); do engine_ok && break; kill -0 "$own_dockerd_pid" 2>/dev/null || break; sleep 1; done
    engine_ok || { tail -20 "$root/.hyperflow/docker/dockerd.log" >&2; die "dockerd did not come up"; }
  fi
fi

# ---- compose v2 -----------------------------------------------------------------------------
plugin="$root/.hyperflow/docker-config/cli-plugins/docker-compose"
if docker compose version >/dev/null 2>&1; then
  compose_bin=(docker compose)
elif [ -x "$plugin" ]; then
  compose_bin=("$plugin")
else
  say "no compose v2: fetching Debian trixie's docker-compose into $(dirname "$plugin")"
  work="$root/.hyperflow/apt-trixie"
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/deb" "$(dirname "$plugin")"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  echo "deb [signed-by=$keyring] ${HYPERFLOW_DEBIAN_MIRROR:-http://deb.debian.org/debian} trixie main" >"$work/sources.list"
  apt_opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "APT::Architecture=$(dpkg --print-architecture)")
  if id _apt >/dev/null 2>&1; then chown -R _apt "$work/lists" "$work/cache" "$work/deb" 2>/dev/null || true; fi
  apt-get "${apt_opts[@]}" update -qq >&2
  (cd "$work/deb" && rm -f docker-compose_*.deb && apt-get "${apt_opts[@]}" download docker-compose >&2)
  dpkg-deb --fsys-tarfile "$work"/deb/docker-compose_*.deb | tar -xO ./usr/libexec/docker/cli-plugins/docker-compose >"$plugin.tmp"
  chmod 0755 "$plugin.tmp" && mv "$plugin.tmp" "$plugin"
  compose_bin=("$plugin")
fi

# ---- environment: what `hyperflow setup` writes (random passwords and their bcrypt hashes) ----
envfile="$state/env"
umask 077
node --conditions=source --import tsx --input-type=module -e '
  import { readFileSync, writeFileSync } from "node:fs";
  const { renderEnv } = await import("./packages/cli/src/commands/setup.ts");
  writeFileSync(process.argv[1], renderEnv(readFileSync(".env.example", "utf8"), 10));
' "$envfile"
umask 022
operator_pass=$(sed -n 's/^NATS_OPERATOR_PASSWORD=//p' "$envfile")
# the NATS image is the one infra/nats/versions.json names (what CI tests), whatever the compose
# file's default; a generated third file says so, the repository's files stay as users have them
printf 'services:\n  nats:\n    image: %s\n' "$nats_image" >"$state/nats-image.yml"
compose() {
  "${compose_bin[@]}" -p "$project" --env-file "$envfile" -f docker-compose.yml -f docker-compose.host.yml \
    -f "$state/nats-image.yml" "$@"
}
probe() { NATS_URL="nats://127.0.0.1:$HYPERFLOW_NATS_PORT" NATS_USER=operator NATS_PASS="$operator_pass" node --import tsx infra/compose/probe.ts "$@"; }

# ---- base images ----------------------------------------------------------------------------
have_image() { docker image inspect "$1" >/dev/null 2>&1; }
try_pull() { have_image "$1" || timeout 60 docker pull -q "$1" >/dev/null 2>&1; }
node_image="${HYPERFLOW_NODE_IMAGE:-}"
if [ -z "$node_image" ]; then
  if try_pull "$default_node_image"; then node_image="$default_node_image"; else node_image=""; fi
fi
if [ -z "$node_image" ] || ! try_pull "$nats_image"; then
  say "no registry image for ${node_image:+$nats_image}${node_image:-$default_node_image}: local base images from Debian packages"
  local_node=$(bash infra/docker/local-base-images.sh)
  node_image="${node_image:-$local_node}"
fi

# ---- build ----------------------------------------------------------------------------------
say "building the four service images on $node_image"
tb=$(now)
compose build -q --build-arg NODE_IMAGE="$node_image" >&2 || die "compose build failed"
build_s=$(($(now) - tb))

say "building the Go consumer (examples/go-consumer, GOPATH mode, Debian's packages)"
consumer=$(bash examples/go-consumer/build.sh "$state/go")

# ---- up -------------------------------------------------------------------------------------
say "up -d --wait (ports $base+…, 127.0.0.1 only)"
tu=$(now)
stack_up=1
compose up -d --wait --wait-timeout 300 >&2 || die "the stack did not become healthy"
health=$(compose ps --format '{{.Service}}={{.Health}}' | sort | tr '\n' ' ')
for svc in nats simulator ingestor strategy execution; do
  [[ " $health" == *" $svc=healthy "* ]] || die "$svc is not healthy: $health"
done
say "healthy: $health"
# the operator CLI pointed at the stack's NATS the way the README says
status_out=$(NATS_URL="nats://127.0.0.1:$HYPERFLOW_NATS_PORT" NATS_USER=operator NATS_PASS="$operator_pass" \
  node --conditions=source --import tsx --input-type=module \
  -e 'const { main } = await import("./packages/cli/src/main.ts"); process.exitCode = await main(["status"]);' 2>&1) \
  || die "hyperflow status against the stack failed: $status_out"
for svc in ingestor strategy execution; do
  grep -q "$svc" <<<"$status_out" || die "hyperflow status does not list $svc: $status_out"
done

# the Go consumer listens from now on, through the first orders (it needs one of each family)
say "Go consumer: subscribed for 120 s"
"$consumer" -url "nats://127.0.0.1:$HYPERFLOW_NATS_PORT" -user operator -net sim \
  -schemas packages/contracts/schemas -duration 120s -min 1 <<<"$operator_pass" \
  >"$state/go-consumer.out" 2>"$state/go-consumer.err" &
go_pid=$!

ledger_fills() { curl -sf --max-time 10 "$sim/_sim/ledger" | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).filter((e) => e.kind === "fill").length));'; }
first_fill_s=""
for _ in $(seq 240); do
  n=$(ledger_fills || echo 0)
  if [ "$n" -gt 0 ]; then first_fill_s=$(($(now) - tu)); break; fi
  sleep 1
done
[ -n "$first_fill_s" ] || die "no fill on the simulator within 240 s of up"
say "first fill on the simulator ${first_fill_s}s after up"
sleep 5
orders=$(probe orders "$sim")
say "orders: $orders"
field() { node -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$1" "$2"; }
for f in signed submitted filled; do
  [ "$(field "$orders" "$f")" -gt 0 ] || die "no $f order event in the EXECUTION stream: $orders"
done

# ---- the Go consumer: every trade and order event against the JSON Schemas ------------------
say "Go consumer: waiting for its result (started with the stack)"
wait "$go_pid" || die "Go consumer: $(cat "$state/go-consumer.out" "$state/go-consumer.err" 2>/dev/null)"
go_out=$(cat "$state/go-consumer.out")
say "$go_out"

# ---- kill execution, recover, count duplicates ----------------------------------------------
fills_before_kill=$(ledger_fills)
say "kill execution (SIGKILL) at $fills_before_kill fills"
compose kill execution >&2
recovered_by="restart policy"
for _ in $(seq 20); do
  [ "$(docker inspect -f '{{.State.Running}}' "$(compose ps -aq execution)")" = true ] && break
  sleep 1
done
if [ "$(docker inspect -f '{{.State.Running}}' "$(compose ps -aq execution)")" != true ]; then
  recovered_by="up"
fi
compose up -d --wait --wait-timeout 180 execution >&2 || die "execution did not recover"
recovered=""
for _ in $(seq 180); do
  [ "$(ledger_fills)" -gt "$fills_before_kill" ] && { recovered=1; break; }
  sleep 1
done
[ -n "$recovered" ] || die "no new fill within 180 s after execution's recovery"
# no new signals: once the ledger's order count holds still for 10 s every order has been sent
# and recorded; then the ledger (in the simulator's memory) is read next to the stream
compose stop strategy >&2
ledger_orders() { curl -sf --max-time 10 "$sim/_sim/ledger" | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).filter((e) => e.kind === "order").length));'; }
last=-1; still=0
for _ in $(seq 60); do
  n=$(ledger_orders); if [ "$n" = "$last" ]; then still=$((still + 1)); else still=0; last=$n; fi
  [ "$still" -ge 10 ] && break
  sleep 1
done
orders=$(probe orders "$sim")
say "after recovery: $orders"
fills=$(field "$orders" ledgerFills)
duplicates=$(field "$orders" duplicates)
[ "$duplicates" = 0 ] || die "duplicate venue orders after kill + recovery: $orders"

# ---- down + up keeps every stream -----------------------------------------------------------
compose stop simulator ingestor execution >&2
before=$(probe streams)
compose down >&2
compose up -d --wait --wait-timeout 120 nats >&2 || die "nats did not come back after down"
after=$(probe streams)
streams_line=$(node -e '
  const [b, a] = process.argv.slice(1).map((x) => JSON.parse(x));
  const names = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  const lost = names.filter((n) => b[n]?.messages !== a[n]?.messages || b[n]?.lastSeq !== a[n]?.lastSeq);
  if (names.length === 0 || lost.length > 0) { console.error(`streams changed by down/up: ${lost.join(", ") || "none exist"}`); process.exit(1); }
  console.log(names.map((n) => `${n} ${b[n].messages}/${a[n].messages}`).join(", "));
' "$before" "$after") || die "down + up lost messages: before $before after $after"
say "streams before/after down+up: $streams_line"

# ---- the test kit's container mode: bus integration tests against this engine --------------
say "bus integration tests, HYPERFLOW_TEST_NATS=container (host network, $nats_image)"
t_kit=$(date -u +%Y-%m-%dT%H:%M:%SZ)
kit_json="$state/container-mode.json"
nats_bin=$(bash scripts/install-nats.sh)  # the kit's fallback test runs the binary
PATH="$(dirname "$nats_bin"):$PATH" HYPERFLOW_TEST_NATS=container HYPERFLOW_TEST_NATS_NETWORK=host \
  HYPERFLOW_TEST_NATS_IMAGE="$nats_image" TESTCONTAINERS_RYUK_DISABLED=true \
  npx vitest run --project bus --project testkit --reporter=dot --reporter=json --outputFile="$kit_json" >&2 \
  && kit_rc=0 || kit_rc=$?
# a failed test here fails the run, after the rest has been checked and summarised
kit=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`)' "$kit_json" 2>/dev/null || echo "no report")
started=$(docker events --since "$t_kit" --until "$(date -u +%Y-%m-%dT%H:%M:%SZ)"   --filter type=container --filter event=start --filter "image=$nats_image" --format '{{.ID}}' | wc -l)
[ "$started" -ge 1 ] || die "the container-mode run started no $nats_image container (did the kit fall back?)"

# ---- down -v leaves nothing -----------------------------------------------------------------
compose down -v --remove-orphans >&2
stack_up=0
left=$( { docker ps -aq --filter "label=com.docker.compose.project=$project"
  docker volume ls -q --filter "label=com.docker.compose.project=$project"
  docker network ls -q --filter "label=com.docker.compose.project=$project"
  docker ps -aq --filter "label=org.testcontainers=true"; } | wc -l)
[ "$left" = 0 ] || die "down -v left $left containers, volumes or networks behind"

total_s=$(($(now) - t0))
verdict=PASS
[ "$kit_rc" = 0 ] || verdict="FAIL (container-mode tests)"
echo "test-compose: $verdict build ${build_s}s | up→first fill ${first_fill_s}s | fills ${fills} | duplicates ${duplicates} (execution killed, recovered by ${recovered_by}) | streams before/after down+up: ${streams_line} | Go consumer: ${go_out} | container-mode kit: ${kit}, ${started} NATS containers | total ${total_s}s"
[ "$kit_rc" = 0 ]
