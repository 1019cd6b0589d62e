#!/usr/bin/env bash
# Training run for the jlink image's AOT cache (JDK 25, JEP 483/514): starts IMAGE/bin/start on the embedded
# default with -XX:AOTCacheOutput, waits for a WebSocket snapshot holding simulated batteries, stops it with
# SIGTERM (the JVM writes the cache on exit) and checks IMAGE/lib/app.aot exists. bin/start then passes
# -XX:AOTCache=lib/app.aot: classes come pre-parsed and pre-linked, start-up is about 2.5 times faster.
# Run by the pom's jlink profile (skip with -Djlink.aot.skip); JAVA_HOME must be the JDK the image came from.
#
#   etc/jlink-aot-train.sh IMAGE_DIR
set -euo pipefail

IMAGE=$(cd "$1" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JDK_JAVA=${JAVA_HOME:?JAVA_HOME must point to a JDK 25}/bin/java
CACHE=$IMAGE/lib/app.aot
WORK=$(mktemp -d "$(dirname "$IMAGE")/jlink-aot-train.XXXXXX")
LOG=$WORK/training.log
trap 'rm -rf "$WORK"' EXIT

rm -f "$CACHE"
# The AOT cache holds the JDK's classes too: a default CDS archive (jlink --generate-cds-archive) is dead weight.
rm -f "$IMAGE"/lib/server/classes*.jsa
port=$("$JDK_JAVA" "$ROOT/scripts/WsProbe.java" freeport)
echo "AOT training run of $IMAGE on port $port"
if ! WS_PORT=$port JAVA_OPTS="-XX:AOTCacheOutput=$CACHE -Xlog:aot=error -Djava.io.tmpdir=$WORK" \
    "$JDK_JAVA" "$ROOT/scripts/WsProbe.java" startup "$port" 120 -- "$IMAGE/bin/start" >"$LOG" 2>&1; then
    tail -n 40 "$LOG"
    echo "AOT training run failed" >&2
    exit 1
fi
grep '^startup:' "$LOG" || true
if [[ ! -s "$CACHE" ]]; then
    tail -n 40 "$LOG"
    echo "AOT training run ended without writing $CACHE" >&2
    exit 1
fi
echo "AOT cache: $CACHE ($(du -h "$CACHE" | cut -f1))"
