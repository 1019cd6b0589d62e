#!/usr/bin/env bash
# Smoke test of the jlink runtime image (issue 5): start target/jlink-image on the embedded default
# (embedded Redis + battery simulator) on a free port, wait for /observe/health to answer 200 and for a
# WebSocket client to receive a snapshot holding simulated batteries, then stop it and check that
# nothing it started is left running.
#
#   scripts/jlink-smoke.sh            builds the image first if target/jlink-image/bin/start is missing
#   JLINK_IMAGE=dir scripts/jlink-smoke.sh
#
# Needs a JDK 21+ for the probe (scripts/WsProbe.java, java.net.http): JAVA_HOME, else Temurin 25.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
IMAGE=${JLINK_IMAGE:-$ROOT/target/jlink-image}
LOG=$ROOT/target/jlink-smoke.log
HEALTH_TIMEOUT=${SMOKE_TIMEOUT:-90}

if [[ -z "${JAVA_HOME:-}" || ! -x "${JAVA_HOME}/bin/java" ]]; then
    JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
export JAVA_HOME
PROBE=("$JAVA_HOME/bin/java" "$ROOT/scripts/WsProbe.java")

log() { printf '%s jlink-smoke: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
fail() { log "FAILED: $*"; [[ -f "$LOG" ]] && { log "last lines of $LOG:"; tail -n 40 "$LOG"; }; exit 1; }

if [[ ! -x "$IMAGE/bin/start" ]]; then
    log "no image at $IMAGE: building it (./mvnw -Pjlink -DskipTests package)"
    ./mvnw -B -q -Pjlink -DskipTests package
fi
[[ -x "$IMAGE/bin/java" && -x "$IMAGE/bin/start" ]] || fail "$IMAGE is not a jlink image with bin/start"

PORT=$("${PROBE[@]}" freeport)
# embedded-redis extracts redis-server under java.io.tmpdir: keep that inside target/ and check it is
# cleaned up (a Redis that saves dump.rdb on shutdown leaves its directory behind).
SMOKE_TMP=$ROOT/target/jlink-smoke-tmp
rm -rf "$SMOKE_TMP"
mkdir -p "$SMOKE_TMP"
: > "$LOG"

PID=""
CHILDREN=""
stop_service() {
    [[ -n "$PID" ]] || return 0
    CHILDREN=$(pgrep -P "$PID" || true)
    kill -TERM "$PID" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$PID" 2>/dev/null; then
        log "service did not stop on SIGTERM within 20 s: killing it"
        kill -KILL "$PID" 2>/dev/null || true
    fi
    wait "$PID" 2>/dev/null || true
    PID=""
}
cleanup() {
    stop_service
    for child in $CHILDREN; do
        kill -KILL "$child" 2>/dev/null || true
    done
}
trap cleanup EXIT

log "starting $IMAGE/bin/start on port $PORT (embedded default), log $LOG"
WS_PORT=$PORT JAVA_OPTS="${JAVA_OPTS:-} -Djava.io.tmpdir=$SMOKE_TMP" "$IMAGE/bin/start" >"$LOG" 2>&1 &
PID=$!

deadline=$((SECONDS + HEALTH_TIMEOUT))
code=000
while ((SECONDS < deadline)); do
    kill -0 "$PID" 2>/dev/null || fail "service exited before it was healthy"
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PORT/observe/health" || true)
    [[ "$code" == 200 ]] && break
    sleep 0.2
done
[[ "$code" == 200 ]] || fail "/observe/health answered $code, not 200, within ${HEALTH_TIMEOUT} s"
log "/observe/health answered 200"

"${PROBE[@]}" snapshot "ws://127.0.0.1:$PORT/ws" 30 || fail "no WebSocket snapshot with simulated batteries"

# A module missing from the jlink list shows up as a class that cannot be loaded, often only in the log.
if grep -nE 'NoClassDefFoundError|ClassNotFoundException|ServiceConfigurationError|Module .* not found' "$LOG"; then
    fail "the log shows a class that could not be loaded: a module may be missing from jlink.modules in pom.xml"
fi

stop_service
for child in $CHILDREN; do
    if kill -0 "$child" 2>/dev/null; then
        fail "child process $child ($(tr '\0' ' ' < "/proc/$child/cmdline" 2>/dev/null)) outlived the service"
    fi
done
leftovers=$(find "$SMOKE_TMP" -mindepth 1 -print)
rm -rf "$SMOKE_TMP"
if [[ -n "$leftovers" ]]; then
    log "WARNING: the service left files in java.io.tmpdir after a clean stop (outside target/ in production):"
    printf '%s\n' "$leftovers" | sed 's/^/    /'
fi
log "stopped cleanly; jlink image smoke test OK"
