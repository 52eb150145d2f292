# syntax=docker/dockerfile:1
# One image per app, picked with a build argument:
#   docker build --build-arg APP=order-service -t order-saga/order-service .
# APP is one of: gateway, order-service, inventory-service, payment-service, notification-service,
# webhook-receiver. The gateway image also carries the operator console's static files (apps/console, built by
# Vite), which it serves at /console/. Checked offline by tools/deploy, there being no Docker engine in CI: dockerfile.spec.ts
# lints it, docker-build-context.spec.ts runs the build stage's COPY and compile steps on the context
# .dockerignore leaves. tsconfig.build.json names what is compiled: these apps and the runtime CLIs.

# Node 22, the active LTS line (20 reached its end of life on 2026-04-30); package.json's engines agrees.
ARG NODE_IMAGE=node:22.23-bookworm-slim

# ── build: every dependency, TypeScript compiled to dist/ with the path aliases rewritten to relative paths
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Install scripts are not needed to compile with tsc.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.base.json tsconfig.build.json ./
COPY libs ./libs
COPY apps ./apps
COPY tools/deploy/src/runtime ./tools/deploy/src/runtime
RUN npx tsc -p tsconfig.build.json && npx tsc-alias -p tsconfig.build.json
ARG APP
RUN test -f "dist/apps/${APP}/src/main.js" || { echo "build argument APP must name an app under apps/ (got '${APP}')" >&2; exit 1; }
# The operator console: HTML, one script, one stylesheet for the browser, served by the gateway (CONSOLE_DIR).
# The other images get the folder empty, so the runtime stage's COPY is the same for every app.
RUN if [ "${APP}" = gateway ]; then npx vite build apps/console --logLevel warn; else mkdir -p dist/apps/console; fi

# ── prod-deps: production dependencies only, no compilers, no test tools
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

# ── runtime
FROM ${NODE_IMAGE} AS runtime
ARG APP
# NODE_OPTIONS: a 128 MB old generation. Unbounded, V8 sizes it from the host's memory and collects lazily,
# so RSS climbs far past what the services keep alive (bench: 200-270 MB at 50-100 orders/s without a cap,
# 170-190 MB with this one and CMD's --heap-growing-percent; docs/performance.md). Well inside the
# Kubernetes memory limits (384-512 Mi).
# --experimental-async-context-frame: AsyncLocalStorage (the request and trace ids in the logs, the message
# batch) kept in a context frame instead of promise hooks on every promise; Node 24's default.
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-old-space-size=128 --experimental-async-context-frame" \
    APP=${APP} \
    PORT=8080
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=prod-deps /app/package.json ./package.json
COPY --from=build /src/dist/libs ./dist/libs
COPY --from=build /src/dist/tools ./dist/tools
# The app lands under a fixed name, so CMD needs no shell and the migrations job its default directory.
# Relative imports still resolve: dist/apps/<any>/src sits at the same depth below dist/.
COPY --from=build /src/dist/apps/${APP} ./dist/apps/service
# Where the gateway's CONSOLE_DIR (default dist/apps/console, relative to WORKDIR) finds it.
COPY --from=build /src/dist/apps/console ./dist/apps/console
# The node image's unprivileged user, by number: Kubernetes' runAsNonRoot can only verify a numeric user.
# Files stay owned by root, so the process cannot rewrite its own code.
USER 1000:1000
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "dist/tools/deploy/src/runtime/healthcheck.cli.js", "/health/live"]
# --heap-growing-percent (NODE_OPTIONS refuses it): the old generation grows 60 % past what a full collection
# kept before the next one, so the ~50 MB of program each service holds is marked about half as often
# (tools/infra's HEAP_GROWING_FLAG; docs/performance.md, "Fewer full collections").
CMD ["node", "--heap-growing-percent=60", "dist/apps/service/src/main.js"]
