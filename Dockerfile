# syntax=docker/dockerfile:1
# The Atelier API image: `docker build -t atelier .` (docker-compose.yml builds it for the stack).
# Node's version follows the `node` devDependency in package.json (test/dockerfile.test.ts checks it).

ARG NODE_IMAGE=node:24.9.0-bookworm-slim

# Production dependencies only. better-sqlite3 is native: its install fetches a prebuilt binary,
# and falls back to compiling, which needs the build tools that stay behind in this stage.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1 forwards SIGTERM to node and reaps zombies; `-s` (subreaper) keeps it correct when
# Docker's own init (`docker run --init`, compose `init: true`) is PID 1 in front of it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
# Memory settings as `npm start` has them (README: Memory): two malloc arenas, large blocks
# returned to the system, a 4 MiB young generation and an old generation that grows by half its live
# size between full collections (the V8 flags in CMD).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATA_DIR=/data \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=32768
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY jobs ./jobs
COPY scripts ./scripts
# Every module's type-stripped text, so that no start loads Node's TypeScript stripper (README:
# Memory; the first --import of CMD, the HEALTHCHECK and compose's other commands serves them).
RUN node src/typescript-cache.js src jobs scripts
# The SQLite file, media and backups live in /data, owned by the unprivileged `node` user (uid 1000).
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4000
# `{ health { ok } }` over loopback; unhealthy while the database is unreachable.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "--import", "./src/typescript-cache.js", "scripts/healthcheck.ts"]
ENTRYPOINT ["/usr/bin/tini", "-s", "--"]
# node itself, not npm or a shell, so SIGTERM reaches the process that drains (README: Graceful shutdown).
# Memory flags and the TypeScript cache as in `npm start` (README: Memory).
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=20", "--initial-old-space-size=32", "--import", "./src/typescript-cache.js", "--import", "./src/telemetry/instrument.ts", "src/main.ts"]
