#!/usr/bin/env bash
# Removes exactly what ./simulate_cicd.sh created, and nothing else:
#   with a Docker engine: the container ws_server_ms_simulation_container_1 and the image
#   ws_server_ms_simulation_image;
#   without one: the background jlink-image process named in target/simulation.pid (SIGTERM, so the service
#   stops its embedded Redis; SIGKILL after 30 s), the pid file, target/simulation.log and
#   target/simulation-tmp. Build output (target/jlink-image, jars) is left to `./mvnw clean`.
# Safe to run when nothing is there.
set -euo pipefail

cd "$(dirname "$0")"
ROOT=$(pwd)

# shellcheck source=etc/simulation-names.sh
. "$ROOT/etc/simulation-names.sh"

log() { printf '%s teardown: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    if docker container inspect "$CONTAINER_NAME" >/dev/null 2>&1; then
        log "removing container $CONTAINER_NAME"
        docker rm -f "$CONTAINER_NAME" >/dev/null
    fi
    if docker image inspect "$IMAGE_NAME" >/dev/null 2>&1; then
        log "removing image $IMAGE_NAME"
        docker rmi "$IMAGE_NAME" >/dev/null
    fi
fi

if [[ -f "$PID_FILE" ]]; then
    pid=$(cat "$PID_FILE")
    # Only a process running this checkout's jlink image is ours: a recycled pid is left alone.
    if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
        && [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == "$(readlink -f "$ROOT")/target/jlink-image/bin/java"* ]]; then
        children=$(pgrep -P "$pid" || true)
        log "stopping the background service, pid $pid"
        kill -TERM "$pid"
        for _ in $(seq 1 150); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            log "pid $pid did not stop within 30 s: killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        for child in $children; do
            if kill -0 "$child" 2>/dev/null; then
                log "killing child process $child left by pid $pid"
                kill -KILL "$child" 2>/dev/null || true
            fi
        done
    else
        log "pid file names $pid, which is not running this checkout's jlink image: nothing to stop"
    fi
    rm -f "$PID_FILE"
fi

for path in "$RUN_LOG" "$RUN_TMP"; do
    if [[ -e "$path" ]]; then
        log "removing ${path#"$ROOT"/}"
        rm -rf "$path"
    fi
done
log "done"
