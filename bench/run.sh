#!/usr/bin/env bash
# Runs the end-to-end bench: bench/run.sh [scenario...]   (latency fanout many capped hot fleet saturate slow; default: all)
#      bench/run.sh chaos: faults between two instances (behind haproxy) and Redis under churn, on its own
#      (CHAOS_MINUTES=10 CHAOS_CONNECTS=50 CHAOS_PERIOD=30 CHAOS_WINDOW=10)
# Env: TARGETS=raw,peer,service[,image][,sse]  MEASURE=10 (seconds per window)  SERVICE_OPTS="-Xmx..." (service JVM options)
#      (sse: the service again, its clients reading GET /sse instead of /ws)
#      SERVICE_IMAGE=path/to/jlink-image (adds target "image": the service from the image's bin/start)
#      JAVA_HOME (JDK 21+, default Temurin 25)  PEER_DIR (where the Node peer gets npm-installed)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
[ -x "$JAVA_HOME/bin/java" ] || { echo "JAVA_HOME=$JAVA_HOME has no bin/java (need JDK 21+)" >&2; exit 1; }
export PATH="$JAVA_HOME/bin:$PATH"
# SERVICE_IMAGE alone adds the jlink image as a fourth target beside the jar
if [ -n "${SERVICE_IMAGE:-}" ]; then default_targets=raw,peer,service,image; else default_targets=raw,peer,service; fi
targets="${TARGETS:-$default_targets}"
scenarios="latency,fanout,many,capped,hot,fleet,saturate,slow"
[ $# -gt 0 ] && scenarios="$(IFS=,; echo "$*")"
# chaos (its own shape: two service instances behind haproxy, the fault proxy, churn) needs only the service
if [ "$scenarios" = chaos ]; then
  targets=service
  haproxy="$(command -v haproxy || echo /usr/sbin/haproxy)"
  [ -x "$haproxy" ] || { echo "chaos needs haproxy: apt-get install haproxy" >&2; exit 1; }
fi

# 10,000 clients plus 10,000 server sockets ('many', 'hot'), or 10,000 Redis connections of today's service in
# 'fleet': raise the soft fd limit to the hard one (20000 here); every process started from here inherits it.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 12000 ]; then
  echo "warning: open-file limit $(ulimit -n) is below what 'many' needs (10,000 sockets per process)" >&2
fi

# Redis: Debian's redis-server, installed when missing; else the binary inside embedded-redis.
redis="$(command -v redis-server || true)"
if [ -z "$redis" ] && command -v apt-get >/dev/null; then
  (apt-get install -y redis-server >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y redis-server >/dev/null 2>&1; }) || true
  redis="$(command -v redis-server || true)"
fi
if [ -z "$redis" ]; then
  jar="$(find "$HOME/.m2/repository/com/github/codemonstur/embedded-redis" -name '*.jar' 2>/dev/null | head -1)"
  if [ -n "$jar" ]; then
    mkdir -p "$here/target/redis"
    entry="$(unzip -Z1 "$jar" | grep -i 'linux' | grep -iv arm | grep -i 'redis-server' | head -1)"
    unzip -o -q -j "$jar" "$entry" -d "$here/target/redis" && redis="$here/target/redis/$(basename "$entry")" && chmod +x "$redis"
  fi
fi
[ -n "$redis" ] || { echo "no redis-server: apt-get install redis-server" >&2; exit 1; }

# Node peer: copied out of shared/ (read-only) and npm-installed once.
if [[ ",$targets," == *",peer,"* ]]; then
  peer="${PEER_DIR:-${TMPDIR:-/tmp}/wsms-bench-peer}"
  src="$root/../shared/peers/node-ws-redis"
  [ -d "$src" ] || src="/work/shared/peers/node-ws-redis"
  if [ ! -d "$peer/node_modules/ws" ]; then
    mkdir -p "$peer" && cp "$src"/package.json "$src"/server.js "$peer"/ && chmod -R u+w "$peer"
    (cd "$peer" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  fi
else
  peer=/nonexistent
fi

# The JVM flags of the README's run command: the service target runs with them unless SERVICE_OPTS says otherwise
# (SERVICE_OPTS= for none); the jlink image adds its own defaults (etc/jlink-start.sh).
README_OPTS="-XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=5"

# The service jar, built when missing; then the bench.
# (rebuilt when a source or the pom is newer than the jar; SKIP_SERVICE_BUILD=1 uses the jar as it is)
# SERVICE_JAR=path/to/jar (with its libs/ beside it) runs that jar instead, from SERVICE_DIR (default: its parent's parent).
jar="${SERVICE_JAR:-$root/target/websocket-server-ms.jar}"
service_dir="${SERVICE_DIR:-$(cd "$(dirname "$jar")/.." && pwd)}"
if [[ ",$targets," == *",service,"* || ",$targets," == *",sse,"* ]] && [ -z "${SKIP_SERVICE_BUILD:-}" ] && [ -z "${SERVICE_JAR:-}" ]; then
  if [ ! -f "$jar" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
    "$root/mvnw" -f "$root/pom.xml" -q package -DskipTests 2>&1 | grep -v '^WARNING' || true
  fi
  [ -f "$jar" ] || { echo "service build failed: no $jar" >&2; exit 1; }
fi
# The jlink image (target "image"): SERVICE_IMAGE as it is, else target/jlink-image, built when missing or older
# than the sources (./mvnw -Pjlink, with its AOT training run: a few minutes).
image="${SERVICE_IMAGE:-$root/target/jlink-image}"
if [[ ",$targets," == *",image,"* ]]; then
  if [ -z "${SERVICE_IMAGE:-}" ] && [ -z "${SKIP_SERVICE_BUILD:-}" ]; then
    if [ ! -x "$image/bin/start" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$image/app/websocket-server-ms.jar" -print -quit 2>/dev/null)" ]; then
      "$root/mvnw" -f "$root/pom.xml" -q -Pjlink package -DskipTests 2>&1 | grep -v '^WARNING' || true
    fi
  fi
  [ -x "$image/bin/start" ] || { echo "no jlink image at $image (./mvnw -Pjlink -DskipTests package)" >&2; exit 1; }
fi
"$root/mvnw" -f "$here/pom.xml" -q package -DskipTests 2>&1 | grep -v '^WARNING' || true
[ -f "$here/target/bench.jar" ] || { echo "bench build failed" >&2; exit 1; }

# Which build of the service was measured, for RESULTS.md.
if [ -z "${SERVICE_LABEL:-}" ]; then
  SERVICE_LABEL="$jar"
  if [ -z "${SERVICE_JAR:-}" ]; then
    SERVICE_LABEL="commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
    # an if, not "[ ... ] && echo": under set -e a false test ending the substitution would end the script
    if [ -n "$(git -C "$root" status --porcelain -- src pom.xml 2>/dev/null)" ]; then
      SERVICE_LABEL="$SERVICE_LABEL + uncommitted changes"
    fi
  fi
fi
# A partial run (some scenarios or targets) reports into target/partial/, leaving RESULTS.md to the last full run.
out="$here"
if [ "$scenarios" = chaos ]; then
  # the full chaos run (CHAOS_MINUTES unset or 10 and more) reports into bench/ (CHAOS.md and RESULTS.md's section)
  if [ -n "${CHAOS_MINUTES:-}" ] && awk "BEGIN { exit !(${CHAOS_MINUTES} < 10) }"; then
    out="$here/target/partial"; mkdir -p "$out"
    echo "short chaos run: report in $out/CHAOS.md" >&2
  fi
elif [ $# -gt 0 ] || { [ "$targets" != "raw,peer,service" ] && [ "$targets" != "raw,peer,service,image" ]; }; then
  out="$here/target/partial"; mkdir -p "$out"
  echo "partial run: report in $out/RESULTS.md" >&2
fi
cd "$here"
exec "$JAVA_HOME/bin/java" -Xms1g -Xmx2g -XX:+UseParallelGC -jar "$here/target/bench.jar" \
  --scenarios "$scenarios" --targets "$targets" --measure "${MEASURE:-10}" --out "$out" --logs "$here/target/logs" \
  --service-jar "$jar" --service-dir "$service_dir" --service-image "$image" --peer-dir "$peer" \
  --java-home "$JAVA_HOME" --redis-server "$redis" --service-opts "${SERVICE_OPTS-$README_OPTS}" --service-label "$SERVICE_LABEL" \
  --haproxy "${haproxy:-/usr/sbin/haproxy}" --haproxy-config "$root/deploy/haproxy.cfg"
