#!/usr/bin/env bash
# JMH micro-benchmarks of the service's hot path: bench/jmh.sh [JMH args...]
#   e.g. bench/jmh.sh FrameEncodeBench -prof gc      (default: all benchmarks, with -prof gc)
# Builds the service jar when missing (or SERVICE_JAR=... to use another), then the bench with -Pjmh.
# Writes target/jmh-result.txt and target/jmh-result.json.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
jar="${SERVICE_JAR:-$root/target/websocket-server-ms.jar}"
if [ -z "${SERVICE_JAR:-}" ] && { [ ! -f "$jar" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit)" ]; }; then
  "$root/mvnw" -f "$root/pom.xml" -q package -DskipTests 2>&1 | grep -v '^WARNING' || true
fi
"$root/mvnw" -f "$here/pom.xml" -q package -Pjmh -Dservice.jar="$jar" 2>&1 | grep -v '^WARNING' || true
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(-prof gc)
cd "$here"
"$JAVA_HOME/bin/java" -cp "$here/target/bench.jar:$jar" org.openjdk.jmh.Main "${args[@]}" \
  -rf json -rff target/jmh-result.json 2>&1 | tee target/jmh-result.txt
