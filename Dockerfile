# One image recipe for every hyperflow service:
#   docker build --build-arg SERVICE=ingestor -t hyperflow/ingestor:dev .
# SERVICE is a workspace under services/ (simulator, ingestor, strategy, execution).
#
# Base: Node.js 26, the Active LTS line since 2026-10-28 (supported until 2029-04-30); Node 24 is
# in maintenance and Node 22 close to end of life. trixie-slim because the Node 26 images are built
# on Debian 13 (bookworm stays for older lines only). Pin a digest as well in your registry mirror
# (`node:26-trixie-slim@sha256:…`) if builds must be bit-for-bit reproducible.
# NODE_IMAGE replaces it where no registry is reachable: any Debian-based image with node >= 20.19,
# npm, bash and a user 1000 (infra/docker/local-base-images.sh builds one from Debian packages).
# No `# syntax=` line: the engine's built-in frontend covers everything used here (RUN --mount
# included), and naming a frontend image would make every build pull it from a registry first.
#
# Stages: prune (turbo keeps only SERVICE and the workspaces it depends on, with a pruned
# lockfile) → build (npm ci with dev deps, tsc through turbo) → runtime (npm ci --omit=dev, the
# compiled dist/ folders, non-root, no npm cache, no sources needed).

ARG NODE_IMAGE=node:26-trixie-slim
FROM ${NODE_IMAGE} AS base
ENV TURBO_TELEMETRY_DISABLED=1 \
    DO_NOT_TRACK=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /app

# ---- prune: the service's workspace graph only ----------------------------------------------
FROM base AS prune
ARG SERVICE
# the turbo version of the root package-lock.json; bump both together
ARG TURBO_VERSION=2.11.11
RUN test -n "${SERVICE}" || { echo "build with --build-arg SERVICE=<simulator|ingestor|strategy|execution>" >&2; exit 1; }
COPY . .
RUN test -f "services/${SERVICE}/package.json" || { echo "no workspace services/${SERVICE}" >&2; exit 1; } \
 && npx --yes "turbo@${TURBO_VERSION}" prune "@hyperflow/${SERVICE}" --docker --out-dir /prune

# ---- build: compile SERVICE and its workspace dependencies ----------------------------------
FROM base AS build
ARG SERVICE
# manifests and lockfile first: the dependency layer is cached until they change
COPY --from=prune /prune/json/ ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY --from=prune /prune/full/ ./
# every workspace tsconfig extends the root one, which turbo prune does not copy
COPY tsconfig.base.json ./
RUN npx turbo run build --filter="@hyperflow/${SERVICE}" \
 && mkdir -p /out \
 && for d in packages/* services/*; do \
      if [ -d "$d/dist" ]; then mkdir -p "/out/$d" && cp -R "$d/dist" "/out/$d/"; fi; \
    done \
 && test -f "/out/services/${SERVICE}/dist/main.js"

# ---- runtime -------------------------------------------------------------------------------
FROM base AS runtime
ARG SERVICE
ENV NODE_ENV=production \
    HTTP_PORT=8080
COPY --from=prune /prune/json/ ./
COPY infra/docker/prod-manifest.mjs /tmp/prod-manifest.mjs
# production dependencies of SERVICE only (prod-manifest.mjs drops dev-only workspaces such as
# the test kit); workspace packages are linked into node_modules/@hyperflow/* and resolve
# through their `exports` default condition to dist/
RUN --mount=type=cache,target=/root/.npm node /tmp/prod-manifest.mjs "${SERVICE}" \
 && npm ci --omit=dev \
 && rm -f /tmp/prod-manifest.mjs
COPY --from=build /out/ ./
# one fixed entry point, whatever the service: `node main.mjs`; files stay root-owned and
# read-only for the runtime user
RUN for d in packages/* services/*; do [ -f "$d/package.json" ] || rm -rf "$d"; done \
 && printf "import './services/%s/dist/main.js';\n" "${SERVICE}" > main.mjs
LABEL org.opencontainers.image.title="hyperflow-${SERVICE}" \
      org.opencontainers.image.licenses="Apache-2.0"
# the image's `node` user, numeric so Kubernetes can verify runAsNonRoot
USER 1000:1000
EXPOSE 8080
# Health: compose and Kubernetes probe /healthz and /readyz on HTTP_PORT (the simulator: its
# GET /_sim/ledger on SIM_PORT); no HEALTHCHECK here because the right probe differs per service.
# node is PID 1 and handles SIGTERM itself (runService drains NATS, then exits).
CMD ["node", "main.mjs"]
