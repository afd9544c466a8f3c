# syntax=docker/dockerfile:1
# incident-bot: build stage compiles the TypeScript and better-sqlite3; the runtime stage holds the built
# files and production dependencies only, runs as a non-root user, keeps its database on the /data volume.
# NODE_IMAGE lets an offline build use a locally made base image (see docs/operations.md).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATABASE_PATH=/data/incident-bot.db
WORKDIR /app
RUN groupadd --system --gid 10001 incident-bot \
 && useradd --system --uid 10001 --gid incident-bot --home-dir /app --shell /usr/sbin/nologin incident-bot \
 && mkdir -p /data && chown incident-bot:incident-bot /data
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY playbooks ./playbooks
USER incident-bot
VOLUME ["/data"]
EXPOSE 3000
# /readyz: 200 only when every platform answered, the database is writable and the dispatcher runs.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node is PID 1 (no npm, no shell in between): it gets SIGTERM itself, stops taking requests, delivers the
# outbox for SHUTDOWN_DRAIN_SECONDS and exits 0. Give it a stop timeout above that (docker stop -t 30).
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=8", "dist/src/main.js"]
