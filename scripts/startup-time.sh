#!/usr/bin/env bash
# Measures start-up time to the first accepted WebSocket (and to the first snapshot holding simulated
# batteries) of the jlink image and of plain `java -jar`, on the embedded default, RUNS times each
# (alternating), and prints the median of each. Needs target/jlink-image (./mvnw -Pjlink -DskipTests package).
#
#   scripts/startup-time.sh [RUNS]        default 5
#
# Each run: scripts/WsProbe.java starts the command, then polls ws://127.0.0.1:PORT/ws every 20 ms; times
# are from process start, so they include JVM start, embedded Redis start and the simulator's first write.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS=${1:-5}
if [[ -z "${JAVA_HOME:-}" || ! -x "${JAVA_HOME}/bin/java" ]]; then
    JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAVA=$JAVA_HOME/bin/java
TMP_ROOT=$ROOT/target/startup-time-tmp
trap 'rm -rf "$TMP_ROOT"' EXIT

[[ -x target/jlink-image/bin/start ]] || { echo "no target/jlink-image: ./mvnw -Pjlink -DskipTests package" >&2; exit 1; }
du -sh target/jlink-image target/jlink-image/lib target/jlink-image/app

declare -a jlink_ws jlink_snap jlink_cpu jar_ws jar_snap jar_cpu
run() {
    local port out
    port=$("$JAVA" scripts/WsProbe.java freeport)
    rm -rf "$TMP_ROOT" && mkdir -p "$TMP_ROOT"
    out=$(WS_PORT=$port JAVA_OPTS="-Djava.io.tmpdir=$TMP_ROOT" \
        "$JAVA" scripts/WsProbe.java startup "$port" 60 -- "$@" 2>/dev/null | grep '^startup:')
    echo "$out" >&2
    # "startup: first accepted WebSocket N ms, first snapshot with batteries M ms, JVM CPU time ... C ms: ..."
    sed -E 's/^startup: first accepted WebSocket (-?[0-9]+) ms, first snapshot with batteries (-?[0-9]+) ms, JVM CPU time at first accept (-?[0-9]+) ms.*/\1 \2 \3/' <<<"$out"
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

for ((i = 1; i <= RUNS; i++)); do
    read -r ws snap cpu < <(run target/jlink-image/bin/start)
    jlink_ws+=("$ws"); jlink_snap+=("$snap"); jlink_cpu+=("$cpu")
    read -r ws snap cpu < <(run "$JAVA" -Djava.io.tmpdir="$TMP_ROOT" -jar target/websocket-server-ms.jar)
    jar_ws+=("$ws"); jar_snap+=("$snap"); jar_cpu+=("$cpu")
done

echo "median of $RUNS runs, ms from process start (load average now: $(cut -d' ' -f1-3 /proc/loadavg)):"
printf '  %-40s first accepted WebSocket %5s  first snapshot with batteries %5s  JVM CPU at accept %5s\n' \
    "jlink image (target/jlink-image/bin/start)" \
    "$(median "${jlink_ws[@]}")" "$(median "${jlink_snap[@]}")" "$(median "${jlink_cpu[@]}")" \
    "java -jar (Temurin $("$JAVA" -version 2>&1 | sed -nE 's/.*version "([^"]+)".*/\1/p'))" \
    "$(median "${jar_ws[@]}")" "$(median "${jar_snap[@]}")" "$(median "${jar_cpu[@]}")"
