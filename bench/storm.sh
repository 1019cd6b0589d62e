#!/usr/bin/env bash
# Issue 14's command storm (bench/storm/Storm.java) against the service run as the README runs it (embedded Redis,
# simulator, the README's heap flags): prints the service's RSS before, at its peak and after, and what a client of
# battery 1 received meanwhile. Usage: bench/storm.sh [path/to/websocket-server-ms.jar]
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAR=${1:-target/websocket-server-ms.jar}
if [[ ! -f "$JAR" ]]; then
    JAVA_HOME=$JAVA_HOME ./mvnw -B -q -DskipTests package
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
WORK=$(mktemp -d)
(cd "$WORK" && WS_HOST=127.0.0.1 WS_PORT=$PORT exec "$JAVA_HOME/bin/java" -XX:MaxHeapFreeRatio=20 \
    -XX:MinHeapFreeRatio=5 -jar "$OLDPWD/$JAR" > service.log 2>&1) &
SERVICE=$!
trap 'kill $SERVICE 2>/dev/null; wait $SERVICE 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$PORT/observe/health/ready" >/dev/null && break
    sleep 0.2
done
"$JAVA_HOME/bin/java" bench/storm/Storm.java "$SERVICE" "$PORT"
