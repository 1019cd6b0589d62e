#!/bin/sh
# Starts WebsocketServerMS on the Java runtime of the jlink image this script lives in.
# JAVA_OPTS adds JVM flags (container defaults are set in the Dockerfile); arguments go to the service.
# Settings come from the environment (WS_PORT, REDIS_HOST, ...), as with `java -jar`.
set -eu
IMAGE_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags, split on purpose
exec "$IMAGE_DIR/bin/java" ${JAVA_OPTS:-} -jar "$IMAGE_DIR/app/websocket-server-ms.jar" "$@"
