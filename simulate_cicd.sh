#!/usr/bin/env bash
# Simulates the CI/CD pipeline that deploys WebsocketServerMS on premise:
#   0. remove what an earlier run left (./teardown.sh)
#   1. lint   (Checkstyle + SpotBugs, the same checks `./mvnw verify` runs; hadolint/shellcheck if installed)
#   2. tests  (./mvnw test: JUnit 5 against a real Redis and real WebSocket clients)
#   3. image  (docker build -> ws_server_ms_simulation_image; without a Docker engine: the jlink runtime image)
#   4. run    (container ws_server_ms_simulation_container_1 on the host network; without a Docker engine:
#              the jlink image in the background, pid in target/simulation.pid), then wait until healthy
# Each step is logged with a UTC timestamp; the first failure stops the script (set -euo pipefail).
# Undo with ./teardown.sh.
#
# Environment: WS_PORT (default 8001) and every setting the service reads (REDIS_HOST, ...) are passed on
# to the container or process; without REDIS_HOST the service runs its embedded Redis and simulator.
set -euo pipefail

cd "$(dirname "$0")"
ROOT=$(pwd)

# shellcheck source=etc/simulation-names.sh
. "$ROOT/etc/simulation-names.sh"
JLINK_IMAGE=$ROOT/target/jlink-image
WS_PORT=${WS_PORT:-8001}
HEALTH_TIMEOUT=${HEALTH_TIMEOUT:-120}

if [[ -z "${JAVA_HOME:-}" || ! -x "${JAVA_HOME}/bin/javac" ]]; then
    JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
export JAVA_HOME
# The Maven Wrapper: the Maven version the pom needs, downloaded once into ~/.m2/wrapper.
MVN=("$ROOT/mvnw" -B -ntp)

log() { printf '%s simulate_cicd: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
trap 'log "FAILED (exit $?) at line $LINENO: $BASH_COMMAND"' ERR
STEP_START=0
step() {
    STEP_START=$SECONDS
    log "STEP $*"
}
step_done() { log "     done in $((SECONDS - STEP_START)) s"; }

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    DOCKER=1
else
    DOCKER=0
    log "no Docker engine answers (docker info failed): steps 3-4 build and run the jlink runtime image directly instead"
fi

# With WS_TLS_CERT set the port speaks https only (-k: the certificate names the public host, not 127.0.0.1).
HEALTH_SCHEME=http
[[ -z "${WS_TLS_CERT:-}" ]] || HEALTH_SCHEME=https
health_code() {
    curl -sk -o /dev/null -w '%{http_code}' --max-time 2 "$HEALTH_SCHEME://127.0.0.1:$WS_PORT/observe/health" || true
}

step "0/4 remove an earlier simulation (./teardown.sh)"
"$ROOT/teardown.sh"
if [[ "$(health_code)" != 000 ]]; then
    log "port $WS_PORT is already served by something this script did not start: stop it or set WS_PORT"
    exit 1
fi
step_done

step "1/4 lint: Checkstyle + SpotBugs (etc/checkstyle.xml, etc/spotbugs-exclude.xml)"
"${MVN[@]}" compile checkstyle:check spotbugs:check
if command -v hadolint >/dev/null 2>&1; then
    hadolint Dockerfile
else
    log "     hadolint not installed: Dockerfile not linted"
fi
if command -v shellcheck >/dev/null 2>&1; then
    shellcheck -x simulate_cicd.sh teardown.sh scripts/*.sh etc/*.sh
else
    log "     shellcheck not installed: shell scripts not linted"
fi
step_done

step "2/4 tests: ./mvnw test"
"${MVN[@]}" test
step_done

if ((DOCKER)); then
    step "3/4 image: docker build -t $IMAGE_NAME ."
    docker build -t "$IMAGE_NAME" .
    step_done

    step "4/4 run: container $CONTAINER_NAME (host network, port $WS_PORT)"
    env_args=(-e "WS_PORT=$WS_PORT")
    while IFS='=' read -r name _; do
        env_args+=(-e "$name")
    done < <(env | grep -E '^(REDIS_[A-Z]+|WS_[A-Z_]+|SIMULATOR[A-Z_]*)=' | grep -v '^WS_PORT=' || true)
    docker run -d --name "$CONTAINER_NAME" --network host "${env_args[@]}" "$IMAGE_NAME" >/dev/null
else
    step "3/4 image: jlink runtime image (./mvnw -Pjlink -DskipTests package -> target/jlink-image)"
    "${MVN[@]}" -Pjlink -DskipTests package
    du -sh "$JLINK_IMAGE"
    step_done

    step "4/4 run: target/jlink-image/bin/start in the background (port $WS_PORT, pid in target/simulation.pid)"
    # java.io.tmpdir inside target/: embedded-redis extracts its redis-server binary there.
    mkdir -p "$RUN_TMP"
    WS_PORT=$WS_PORT JAVA_OPTS="${JAVA_OPTS:-} -Djava.io.tmpdir=$RUN_TMP" \
        nohup setsid "$JLINK_IMAGE/bin/start" >"$RUN_LOG" 2>&1 </dev/null &
    echo $! >"$PID_FILE"
    log "     pid $(cat "$PID_FILE"), log target/simulation.log"
fi

deadline=$((SECONDS + HEALTH_TIMEOUT))
code=000
while ((SECONDS < deadline)); do
    if ((DOCKER)); then
        [[ "$(docker inspect -f '{{.State.Running}}' "$CONTAINER_NAME" 2>/dev/null)" == true ]] || {
            docker logs --tail 40 "$CONTAINER_NAME" || true
            log "container exited before it was healthy"
            exit 1
        }
    elif ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
        tail -n 40 "$RUN_LOG" || true
        log "service exited before it was healthy"
        exit 1
    fi
    code=$(health_code)
    [[ "$code" == 200 ]] && break
    sleep 0.5
done
if [[ "$code" != 200 ]]; then
    log "/observe/health answered $code, not 200, within $HEALTH_TIMEOUT s"
    exit 1
fi
step_done
ws_scheme=ws
[[ "$HEALTH_SCHEME" == http ]] || ws_scheme=wss
log "service is up: $HEALTH_SCHEME://127.0.0.1:$WS_PORT/ (dashboard), $ws_scheme://127.0.0.1:$WS_PORT/ws, /observe/health 200"
log "stop and remove it with ./teardown.sh"
