#!/usr/bin/env bash
# Local stand-ins for the two registry images the stack needs, for a machine that reaches no image
# registry (an air-gapped site, a mirror-only CI). Built from Debian packages only:
#   NODE_BASE (default hyperflow-base/node:trixie): a debootstrapped Debian trixie root with
#     Debian's nodejs (>= 20.19) and the npm of package.json's packageManager, a `node` user 1000;
#     pass it to the Dockerfile as --build-arg NODE_IMAGE=….
#   the image infra/nats/versions.json names (e.g. nats:2.15.1-alpine): the same root plus the
#     nats-server that scripts/install-nats.sh finds, with nats-server as its entry point like the
#     official image, and wget for compose's healthcheck.
# The debootstrapped root is cached under .hyperflow/docker-roots, so a second run only imports.
# An image that already exists is kept unless HYPERFLOW_REBUILD_BASE=1.
# Usage: infra/docker/local-base-images.sh   (root; needs debootstrap and a running Docker engine)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
say() { echo "local-base-images: $*" >&2; }
node_base="${NODE_BASE:-hyperflow-base/node:trixie}"
nats_image=$(sed -n 's/.*"image": *"\([^"]*\)".*/\1/p' "$root/infra/nats/versions.json")
npm_version=$(sed -n 's/.*"packageManager": *"npm@\([^"]*\)".*/\1/p' "$root/package.json")
cache="$root/.hyperflow/docker-roots"
rootfs="$cache/trixie-node"
mirror="${HYPERFLOW_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
mkdir -p "$cache"

have_image() { [ "${HYPERFLOW_REBUILD_BASE:-0}" != 1 ] && docker image inspect "$1" >/dev/null 2>&1; }

# debootstrap once; each finished stage is marked, so an interrupted one is redone rather than used
if [ ! -f "$rootfs/.hyperflow-complete" ]; then
  if [ ! -f "$rootfs/.hyperflow-debootstrap" ]; then
    command -v debootstrap >/dev/null 2>&1 || { say "installing debootstrap"; apt-get install -y -qq debootstrap >&2; }
    say "debootstrapping Debian trixie with nodejs into $rootfs (about 3 min; cached for later runs)"
    # an interrupted debootstrap can leave /proc or /sys mounted inside: unmount before deleting
    if [ -d "$rootfs" ]; then
      grep -o " $rootfs/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
      rm -rf --one-file-system "$rootfs"
    fi
    debootstrap --variant=minbase --include=nodejs,ca-certificates,wget \
      --keyring=/usr/share/keyrings/debian-archive-keyring.gpg trixie "$rootfs" "$mirror" >&2
    touch "$rootfs/.hyperflow-debootstrap"
  fi
  chroot "$rootfs" sh -c 'getent passwd 1000 >/dev/null || { groupadd -g 1000 node && useradd -u 1000 -g node -m -s /bin/sh node; }'
  # npm as the official node image ships it: /usr/local/lib/node_modules/npm, the version of packageManager
  tgz_dir="$cache/npm-$npm_version"
  mkdir -p "$tgz_dir"
  [ -f "$tgz_dir/npm-$npm_version.tgz" ] || (cd "$tgz_dir" && npm pack --silent "npm@$npm_version" >/dev/null)
  mkdir -p "$rootfs/usr/local/lib/node_modules/npm" "$rootfs/usr/local/bin"
  tar -xzf "$tgz_dir/npm-$npm_version.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  chroot "$rootfs" sh -c 'apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /usr/share/doc/* /usr/share/man/*'
  node_v=$(chroot "$rootfs" node --version)
  node -e 'const [maj, min] = process.argv[1].slice(1).split(".").map(Number); process.exit(maj > 20 || (maj === 20 && min >= 19) ? 0 : 1)' "$node_v" \
    || { say "Debian trixie's nodejs is $node_v, older than the engines minimum 20.19"; exit 1; }
  touch "$rootfs/.hyperflow-complete"
fi

if have_image "$node_base"; then
  say "$node_base present"
else
  say "importing $node_base"
  # the CAs this host trusts locally (a TLS-intercepting egress proxy, a company CA) so npm inside
  # the build reaches the registry the way it does on the host
  rm -rf "$rootfs/usr/local/share/ca-certificates" && mkdir -p "$rootfs/usr/local/share/ca-certificates"
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
  fi
  chroot "$rootfs" update-ca-certificates --fresh >/dev/null 2>&1
  tar -C "$rootfs" --exclude=./.hyperflow-complete --exclude=./.hyperflow-debootstrap -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'CMD ["node"]' - "$node_base" >/dev/null
fi

if have_image "$nats_image"; then
  say "$nats_image present"
else
  nats_bin=$(bash "$root/scripts/install-nats.sh")
  say "building $nats_image from $node_base with $("$nats_bin" --version)"
  # no builder needed: a stopped container of the base, the binary copied in, committed with
  # the official image's entry point (compose passes only flags as its command)
  cid=$(docker create "$node_base" true)
  docker cp "$nats_bin" "$cid:/usr/local/bin/nats-server"
  docker commit --change 'ENTRYPOINT ["/usr/local/bin/nats-server"]' \
    --change 'CMD ["--config", "/etc/nats/nats-server.conf"]' --change 'EXPOSE 4222 6222 8222' \
    "$cid" "$nats_image" >/dev/null
  docker rm "$cid" >/dev/null
fi
echo "$node_base"
