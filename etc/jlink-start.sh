#!/bin/sh
# Starts WebsocketServerMS on the Java runtime of the jlink image this script lives in.
# JAVA_OPTS adds JVM flags after the defaults below (container defaults are set in the Dockerfile); arguments go to
# the service. Defaults, measured at 10,000 connections (bench/RESULTS.md): compact object headers (JDK 25: smaller
# objects, about 1 KB less RSS per connection) and a heap that gives memory back after a GC instead of keeping it
# committed (G1 had committed three times the heap it used).
# Settings come from the environment (WS_PORT, REDIS_HOST, ...), as with `java -jar`.
# lib/app.aot, when the build made one (training run, etc/jlink-aot-train.sh), is the AOT cache that about
# halves start-up; the JVM ignores it with a warning if the jar no longer matches it.
set -eu
DEFAULT_OPTS="-XX:+UseCompactObjectHeaders -XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=5"
IMAGE_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
JAR=$IMAGE_DIR/app/websocket-server-ms.jar
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags, split on purpose
if [ -f "$IMAGE_DIR/lib/app.aot" ]; then
    exec "$IMAGE_DIR/bin/java" "-XX:AOTCache=$IMAGE_DIR/lib/app.aot" $DEFAULT_OPTS ${JAVA_OPTS:-} -jar "$JAR" "$@"
fi
# shellcheck disable=SC2086
exec "$IMAGE_DIR/bin/java" $DEFAULT_OPTS ${JAVA_OPTS:-} -jar "$JAR" "$@"
