# syntax=docker/dockerfile:1
#
# Charla as one self-contained binary on a small glibc base.
#   docker build -t charla .
#   docker run -d -p 3000:3000 -v charla-data:/data charla
# Extra channel plugins: -v ./my-plugins:/app/plugins:ro
# Other commands: docker run --rm -v charla-data:/data charla admin reset-password --username admin
# Backups, restore, replication and upgrades: see README.md ("Backups, restore and replication").

# Must be Bun >= 1.4: bun.lock is "lockfileVersion": 2, which Bun 1.3 rejects
# ("Unknown lockfile version"), so --frozen-lockfile would fail on oven/bun:1.3.
# Pin a full version (e.g. --build-arg BUN_VERSION=1.4.5) for reproducible builds.
ARG BUN_VERSION=1.4

########## Stage 1: build the executable ##########
FROM oven/bun:${BUN_VERSION} AS build
WORKDIR /src

# Manifests first, so the dependency layer stays cached while only sources change.
COPY package.json bun.lock ./
# --frozen-lockfile: fail instead of silently re-resolving if bun.lock is out of date.
RUN bun install --frozen-lockfile

# The rest of the tree (node_modules, data, dist, tests, .git are kept out by
# .dockerignore, so the node_modules installed above survive). tsconfig.json must
# come along: the bundler takes the JSX and decorator settings from it.
COPY . .

# bun build --compile embeds the Bun runtime, the SQL migrations, config/default.toml
# and the static assets, so dist/charla needs nothing else from this stage.
RUN bun run build \
 && ./dist/charla --help >/dev/null

# Litestream (continuous replication, REPLICA_URL) comes from its npm package, which
# bun installs on linux-x64 only; on other platforms the image has none and
# replication needs LITESTREAM_PATH pointing at one mounted in.
RUN mkdir -p /src/extra \
 && if [ -x node_modules/@flydotio/litestream-linux-x64/litestream ]; then \
      cp node_modules/@flydotio/litestream-linux-x64/litestream /src/extra/ && /src/extra/litestream version; \
    fi

########## Stage 2: runtime ##########
# glibc, because the compiled binary is the glibc build of Bun (needs glibc >= 2.17;
# bookworm has 2.36). Alpine/musl would not run it.
FROM debian:bookworm-slim

# ca-certificates: outgoing HTTPS (Meta Graph API, OpenAI).
# curl: HTTP health check below (slim has none; the binary has no health subcommand).
# tini: PID 1 that forwards SIGTERM/SIGINT and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl tini \
 && rm -rf /var/lib/apt/lists/*

# Fixed, high uid/gid so ownership of bind-mounted data dirs is predictable and
# does not collide with host users. Home is /data (the only writable place).
RUN groupadd --system --gid 10001 charla \
 && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin charla

COPY --from=build /src/dist/charla /app/charla
# Next to the binary, where Charla looks for it (about 30 MB; run only when REPLICA_URL is set).
COPY --from=build /src/extra/ /app/

# /app/plugins: external plugins are loaded from "plugins" next to the binary.
# It stays root-owned (read-only for charla) so the app cannot write code it will load.
# /data must be created and chowned BEFORE the VOLUME line: build steps that touch a
# path after it is declared a volume are discarded.
# Backups go to /data/backups (BACKUP_DIR), inside the volume. /replica is where a
# second volume for a file replica mounts (REPLICA_URL=file:///replica): created here
# owned by charla, so a named volume mounted on it starts writable.
RUN mkdir -p /app/plugins /data /replica \
 && chown charla:charla /data /replica \
 && chmod 0750 /data /replica

# HOST=0.0.0.0: listen on the container interface, not only loopback.
ENV DATA_DIR=/data \
    PORT=3000 \
    HOST=0.0.0.0

# Relative paths given to CLI commands (backup --out, restore FILE) resolve inside
# the volume, the only place charla may write.
WORKDIR /data
VOLUME /data
EXPOSE 3000
# Numeric (= charla) so Kubernetes runAsNonRoot can verify it is not root.
USER 10001:10001

# Shell form so $PORT follows a runtime override of PORT. 127.0.0.1 works while HOST
# is 0.0.0.0 (or 127.0.0.1). start-period covers first-run setup on an empty volume.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD curl -fsS --max-time 4 "http://127.0.0.1:${PORT}/healthz" >/dev/null || exit 1

# tini as PID 1 in front of the binary; arguments after the image name replace CMD,
# e.g. `docker run ... charla migrate`.
ENTRYPOINT ["/usr/bin/tini", "--", "/app/charla"]
CMD ["serve"]
