#!/usr/bin/env bash
# Smoke test of the jlink runtime image (issue 5): start target/jlink-image on the embedded default
# (embedded Redis + battery simulator) on a free port, wait for /observe/health to answer 200 and for a
# WebSocket client to receive a snapshot holding simulated batteries, then stop it and check that
# nothing it started is left running. Then the same with TLS for clients (WS_TLS_CERT/WS_TLS_KEY, a
# self-signed certificate made with openssl): https:// health, a wss:// snapshot, and no answer to ws://.
# Both passes run the service with LOG_FORMAT=json (the mode with more to load: the ECS formatter, stdout/stderr
# routed through the log) and check that every line it wrote is an ECS JSON object.
#
#   scripts/jlink-smoke.sh            builds the image first if target/jlink-image/bin/start is missing
#   JLINK_IMAGE=dir scripts/jlink-smoke.sh
#   SMOKE_LOG_FORMAT=text scripts/jlink-smoke.sh    the text log instead (no line check)
#
# Needs a JDK 21+ for the probe (scripts/WsProbe.java, java.net.http): JAVA_HOME, else Temurin 25. The JSON line
# check needs jq (skipped with a warning without it).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
IMAGE=${JLINK_IMAGE:-$ROOT/target/jlink-image}
LOG=$ROOT/target/jlink-smoke.log
HEALTH_TIMEOUT=${SMOKE_TIMEOUT:-90}
LOG_FORMAT=${SMOKE_LOG_FORMAT:-json}

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
CHECK_JSON=false
if [[ "$LOG_FORMAT" == json ]]; then
    if command -v jq >/dev/null 2>&1; then
        CHECK_JSON=true
    else
        log "WARNING: no jq (apt-get install jq): the JSON log lines are not checked"
    fi
fi

PORT=$("${PROBE[@]}" freeport)
# embedded-redis extracts redis-server under java.io.tmpdir: keep that inside target/ and check it is
# cleaned up (a Redis that saves dump.rdb on shutdown leaves its directory behind).
SMOKE_TMP=$ROOT/target/jlink-smoke-tmp
rm -rf "$SMOKE_TMP"
mkdir -p "$SMOKE_TMP"

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

# One pass: start the image on the embedded default (plus the given environment), wait for /observe/health over
# SCHEME, a snapshot with simulated batteries over the matching WebSocket scheme, check the log, stop it, and check
# that nothing it started outlived it.
smoke_pass() {
    local label=$1 scheme=$2
    shift 2
    local ws=ws curl_tls=() probe_tls=()
    if [[ "$scheme" == https ]]; then
        ws=wss
        curl_tls=(--cacert "$TLS_DIR/cert.pem")
        probe_tls=("-Djavax.net.ssl.trustStore=$TLS_DIR/trust.p12" -Djavax.net.ssl.trustStorePassword=changeit)
    fi
    : > "$LOG"
    log "$label: starting $IMAGE/bin/start on port $PORT (embedded default, LOG_FORMAT=$LOG_FORMAT), log $LOG"
    env -u WS_TLS_CERT -u WS_TLS_KEY "$@" LOG_FORMAT="$LOG_FORMAT" WS_PORT="$PORT" JAVA_OPTS="${JAVA_OPTS:-} -Djava.io.tmpdir=$SMOKE_TMP" "$IMAGE/bin/start" >"$LOG" 2>&1 &
    PID=$!

    local deadline=$((SECONDS + HEALTH_TIMEOUT)) code=000
    while ((SECONDS < deadline)); do
        kill -0 "$PID" 2>/dev/null || fail "$label: service exited before it was healthy"
        code=$(curl -s "${curl_tls[@]}" -o /dev/null -w '%{http_code}' --max-time 2 \
            "$scheme://127.0.0.1:$PORT/observe/health" || true)
        [[ "$code" == 200 ]] && break
        sleep 0.2
    done
    [[ "$code" == 200 ]] || fail "$label: /observe/health answered $code, not 200, within ${HEALTH_TIMEOUT} s"
    log "$label: $scheme://127.0.0.1:$PORT/observe/health answered 200"

    "$JAVA_HOME/bin/java" "${probe_tls[@]}" "$ROOT/scripts/WsProbe.java" snapshot "$ws://127.0.0.1:$PORT/ws" 30 \
        || fail "$label: no WebSocket snapshot with simulated batteries over $ws://"
    if [[ "$scheme" == https ]] && "${PROBE[@]}" snapshot "ws://127.0.0.1:$PORT/ws" 3 >/dev/null 2>&1; then
        fail "$label: plain ws:// got a snapshot from the TLS port"
    fi

    # A module missing from the jlink list shows up as a class that cannot be loaded, often only in the log.
    if grep -nE 'NoClassDefFoundError|ClassNotFoundException|ServiceConfigurationError|Module .* not found' "$LOG"; then
        fail "$label: the log shows a class that could not be loaded: a module may be missing from jlink.modules in pom.xml"
    fi

    stop_service
    if [[ "$CHECK_JSON" == true ]]; then
        # each line on its own must parse as one JSON object with the ECS fields Filebeat and Logstash rely on
        local not_ecs
        not_ecs=$(jq -R -r '. as $line | try (fromjson | if type == "object" and has("@timestamp") and has("log.level")
            and has("log.logger") and has("message") then empty else $line end) catch $line' "$LOG")
        [[ -z "$not_ecs" ]] || fail "$label: log lines that are not ECS JSON objects: $not_ecs"
        [[ -s "$LOG" ]] || fail "$label: the service wrote no log line"
        log "$label: every log line ($(wc -l < "$LOG")) is an ECS JSON object"
    fi
    for child in $CHILDREN; do
        if kill -0 "$child" 2>/dev/null; then
            fail "$label: child process $child ($(tr '\0' ' ' < "/proc/$child/cmdline" 2>/dev/null)) outlived the service"
        fi
    done
    local leftovers
    leftovers=$(find "$SMOKE_TMP" -mindepth 1 -print)
    if [[ -n "$leftovers" ]]; then
        log "WARNING: the service left files in java.io.tmpdir after a clean stop (outside target/ in production):"
        printf '%s\n' "$leftovers" | sed 's/^/    /'
        rm -rf "${SMOKE_TMP:?}"/*
    fi
    log "$label: stopped cleanly"
}

smoke_pass plain http

# TLS for clients (WS_TLS_CERT/WS_TLS_KEY): the image must hold the modules TLS needs. A self-signed certificate for
# 127.0.0.1 made with openssl (as the README shows), trusted by the probe through a PKCS12 trust store.
if command -v openssl >/dev/null 2>&1; then
    TLS_DIR=$ROOT/target/jlink-smoke-tls
    rm -rf "$TLS_DIR"
    mkdir -p "$TLS_DIR"
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1" \
        -keyout "$TLS_DIR/key.pem" -out "$TLS_DIR/cert.pem" 2>/dev/null || fail "openssl could not make a test certificate"
    "$JAVA_HOME/bin/keytool" -importcert -noprompt -alias wsms -file "$TLS_DIR/cert.pem" -keystore "$TLS_DIR/trust.p12" \
        -storetype PKCS12 -storepass changeit >/dev/null 2>&1 || fail "keytool could not make a trust store"
    smoke_pass tls https WS_TLS_CERT="$TLS_DIR/cert.pem" WS_TLS_KEY="$TLS_DIR/key.pem"
    rm -rf "$TLS_DIR"
else
    log "openssl not installed: the TLS pass (wss://, https://) is skipped"
fi
rm -rf "$SMOKE_TMP"
log "jlink image smoke test OK"
