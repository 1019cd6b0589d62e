# syntax=docker/dockerfile:1
#
# WebsocketServerMS container image, in stages:
#   build   the Maven Wrapper (./mvnw, the pinned Maven 3.9) on a JDK 25 image: target/websocket-server-ms.jar
#           + target/libs/
#   jlink   the pom's `jlink` profile (JDK jlink, explicit module list): target/jlink-image
#           = trimmed Java runtime + app/ + bin/start, the same image scripts/jlink-smoke.sh tests
#   base    slim Debian + curl + libssl3 + the service user
#   aot     the AOT training run (etc/jlink-aot-train.sh) on base, at /opt/wsms: lib/app.aot
#   runtime base + /opt/wsms only, non-root
# Lint and tests are not run here: simulate_cicd.sh runs them before `docker build`.
#
#   docker build -t ws_server_ms_simulation_image .
#   docker run -d --network host -e REDIS_HOST=redis.internal ws_server_ms_simulation_image
#
# Redis: set REDIS_HOST (and REDIS_PORT, REDIS_DB, REDIS_PASS, REDIS_SSL) to the pipeline's Redis. Without
# REDIS_HOST the service starts its embedded Redis (a redis-server binary extracted to /tmp) and the battery
# simulator: fine for a demo, not for production, where the data must come from the upstream writer.

# A plain JDK image: ./mvnw downloads the Maven version pinned in .mvn/wrapper (into the cached ~/.m2/wrapper), so
# the image builds with the same Maven as every other build of the project.
FROM eclipse-temurin:25-jdk AS build
WORKDIR /build
COPY mvnw pom.xml ./
COPY .mvn/ ./.mvn/
COPY etc/ ./etc/
COPY src/main/ ./src/main/
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -Dmaven.test.skip=true package

FROM build AS jlink
# Only the profile's jlink execution: links the runtime from the build image's JDK 25 and copies the jar,
# libs and bin/start from the build stage's target/ into target/jlink-image. The AOT training run is done
# below instead, on the runtime's own OS and at the runtime's own path.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -Pjlink -Djlink.aot.skip antrun:run@jlink-image

# Debian 12, as on the machines where the jlink image is built and smoke-tested.
FROM debian:bookworm-slim AS base
# curl: the HEALTHCHECK. libssl3: the embedded redis-server links libssl/libcrypto 3 (used without REDIS_HOST).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl libssl3 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 wsms \
    && useradd --system --uid 10001 --gid wsms --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin wsms

FROM base AS aot
# AOT cache (lib/app.aot, JDK 25 JEP 483/514) from one training run on the embedded default: start-up about
# halves. The JDK is here only for the training's WebSocket probe (scripts/WsProbe.java); it does not reach
# the runtime stage.
COPY --from=jlink /build/target/jlink-image /opt/wsms
COPY --from=build /opt/java/openjdk /opt/jdk
COPY scripts/WsProbe.java /src/scripts/WsProbe.java
COPY etc/jlink-aot-train.sh /src/etc/jlink-aot-train.sh
RUN JAVA_HOME=/opt/jdk bash /src/etc/jlink-aot-train.sh /opt/wsms

FROM base AS runtime
# Owned by root, read-only for the service user; it writes only to /tmp (embedded Redis, if used).
COPY --from=aot /opt/wsms /opt/wsms
WORKDIR /opt/wsms

# Settings (README has the full table; unset ones take the defaults packaged in the jar):
#   WS_HOST, WS_PORT               listen address (host network: WS_PORT is the host's port)
#   WS_TOKEN, WS_ALLOWED_ORIGINS   client auth and browser origin allowlist
#   WS_MAX_CONNECTIONS             connection cap
#   WS_TLS_CERT, WS_TLS_KEY        PEM certificate and key for wss:// and https:// (mount them read-only, e.g.
#                                  -v /etc/wsms/tls:/tls:ro -e WS_TLS_CERT=/tls/cert.pem -e WS_TLS_KEY=/tls/key.pem)
#   REDIS_HOST, REDIS_PORT, REDIS_DB, REDIS_PASS, REDIS_SSL   external Redis (pass REDIS_PASS at run time,
#                                  never bake it into the image)
#   SIMULATOR, SIMULATOR_BATTERIES, SIMULATOR_RATE            battery simulator
#   LOG_FORMAT                     text (default; `docker logs` is read by people first) or json: one ECS
#                                  JSON object per line on stdout, for Filebeat/Logstash (README, "Logs")
# JVM: heap sized from the container's memory limit, exit at once on OOM so the orchestrator restarts a
# clean process instead of keeping a half-dead one.
ENV WS_HOST=0.0.0.0 \
    WS_PORT=8001 \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"

USER 10001:10001
EXPOSE 8001
# With WS_TLS_CERT the port speaks https only; -k since the certificate names the public host, not 127.0.0.1.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD scheme=http; [ -z "${WS_TLS_CERT:-}" ] || scheme=https; \
        curl -fsSk -o /dev/null "$scheme://127.0.0.1:${WS_PORT}/observe/health" || exit 1
# bin/start execs java: the JVM is PID 1 and gets SIGTERM directly (graceful stop, embedded Redis stopped).
ENTRYPOINT ["/opt/wsms/bin/start"]
