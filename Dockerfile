# syntax=docker/dockerfile:1
# The llm-gateway image: compiled JavaScript on plain node, production dependencies only,
# a non-root user, and a root filesystem that may be mounted read-only (the only writable
# path it needs is /app/data, a volume, for the SQLite file of a single-host set-up).
#
#   docker build -t llm-gateway .
#   docker run -p 8080:8080 -e GATEWAY_ADMIN_KEY=… -e GATEWAY_API_KEY=… llm-gateway
#
# test/deploy/dockerfile.test.ts lints this file and runs its build, prune and start
# commands outside Docker (no engine runs in CI): keep the two in step.

# ---- build: every dependency, compile to dist/, then drop the dev dependencies ----
FROM node:20.19-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY schemas ./schemas
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: dist/ and production node_modules only ----
FROM node:20.19-bookworm-slim AS runtime
ENV NODE_ENV=production \
    GATEWAY_CONFIG=config/gateway.yaml \
    PORT=8080
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY deploy/docker/gateway.yaml ./config/gateway.yaml
# The node image's unprivileged user, by number so Kubernetes' runAsNonRoot can verify it.
RUN mkdir -p /app/data && chown 1000:1000 /app/data
USER 1000:1000
VOLUME ["/app/data"]
EXPOSE 8080
# No curl in the image: node itself asks /healthz. (It answers within 1.5 s of start, so no
# --start-period is needed.)
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains (readiness 503 for server.drain_delay, then in-flight requests finish);
# exec form, so node is PID 1's only process and gets the signal itself.
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=16", "dist/bin/llm-gateway.js", "start"]
