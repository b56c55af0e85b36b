#!/usr/bin/env bash
# Finds or installs a nats-server in the supported range (infra/nats/versions.json) and prints its path.
#  1. HYPERFLOW_NATS_SERVER, then .hyperflow/bin/nats-server, then nats-server on PATH: used when new enough;
#  2. macOS: brew install nats-server;
#  3. Debian/Ubuntu (own packages too old): Debian unstable's nats-server .deb, fetched through a private
#     apt configuration (own sources list, lists and cache dirs) and unpacked with dpkg-deb -x into
#     .hyperflow/bin/. The system's apt sources are never changed and nothing is dpkg -i'd.
# Progress goes to stderr; the only line on stdout is the server's path.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin_dir="$root/.hyperflow/bin"
versions="$root/infra/nats/versions.json"
min=$(sed -n 's/.*"minimum": *"\([^"]*\)".*/\1/p' "$versions")
say() { echo "install-nats: $*" >&2; }

# version_ok <binary>: the server's version is >= the minimum for its minor line (see versions.json)
version_ok() {
  local v
  v=$("$1" --version 2>/dev/null | sed -n 's/.*v\([0-9][0-9.]*\).*/\1/p' | head -1) || return 1
  [ -n "$v" ] || return 1
  node -e '
    const [v, file] = process.argv.slice(1);
    const spec = JSON.parse(require("fs").readFileSync(file, "utf8"));
    const p = (s) => s.split(".").map(Number);
    const cmp = (a, b) => { for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0); return 0; };
    const x = p(v);
    const floor = spec.minimumPerMinor.map(p).filter((f) => f[0] === x[0] && f[1] <= x[1]).sort(cmp).pop();
    process.exit(floor && cmp(x, floor) >= 0 && (floor[1] === x[1] || cmp(x, p(spec.minimumPerMinor.at(-1))) >= 0) ? 0 : 1);
  ' "$v" "$versions"
}

for cand in "${HYPERFLOW_NATS_SERVER:-}" "$bin_dir/nats-server" "$(command -v nats-server 2>/dev/null || true)" /usr/sbin/nats-server; do
  if [ -n "$cand" ] && [ -x "$cand" ] && version_ok "$cand"; then echo "$cand"; exit 0; fi
done

if [ "$(uname -s)" = Darwin ] && command -v brew >/dev/null 2>&1; then
  say "installing nats-server with brew"
  brew install nats-server >&2 || brew upgrade nats-server >&2 || true
  cand="$(brew --prefix)/bin/nats-server"
  if version_ok "$cand"; then echo "$cand"; exit 0; fi
fi

if command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1; then
  say "the system's nats-server is missing or older than $min; fetching Debian unstable's package into $bin_dir"
  work="$root/.hyperflow/apt"
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/deb" "$bin_dir"
  mirror=$(grep -rhoE '(URIs:|deb) +https?://[^ ]*/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
    | sed -E 's/^(URIs:|deb) +//; s/ *$//' | head -1 || true)
  mirror="${HYPERFLOW_DEBIAN_MIRROR:-${mirror:-http://deb.debian.org/debian}}"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -r "$keyring" ] || { say "no Debian archive keyring at $keyring (apt-get install debian-archive-keyring)"; exit 1; }
  echo "deb [signed-by=$keyring] ${mirror%/} sid main" > "$work/sources.list"
  apt_opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "APT::Architecture=$(dpkg --print-architecture)")
  # apt drops privileges to _apt for downloads; that user must be able to write the private dirs
  if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then chown -R _apt "$work/lists" "$work/cache" "$work/deb" 2>/dev/null || true; fi
  apt-get "${apt_opts[@]}" update -qq >&2
  (cd "$work/deb" && rm -f nats-server_*.deb && apt-get "${apt_opts[@]}" download nats-server >&2)
  deb=$(ls "$work/deb"/nats-server_*.deb | head -1)
  rm -rf "$work/x" && dpkg-deb -x "$deb" "$work/x"
  found=$(find "$work/x" -type f -name nats-server | head -1)
  install -m 0755 "$found" "$bin_dir/nats-server"
  rm -rf "$work/x"
  if version_ok "$bin_dir/nats-server"; then say "installed $("$bin_dir/nats-server" --version)"; echo "$bin_dir/nats-server"; exit 0; fi
  say "Debian unstable's nats-server ($("$bin_dir/nats-server" --version)) is older than $min"
fi

say "no nats-server >= $min found. Install one from https://github.com/nats-io/nats-server/releases"
say "  (or 'brew install nats-server'), put it on PATH or set HYPERFLOW_NATS_SERVER, then re-run 'npm run setup'."
exit 1
