#!/usr/bin/env bash
# Runs shmtel's JMH micro-benchmarks with the GC profiler (which must show 0 B/op everywhere).
# Usage: bench/run-jmh.sh [quick|full] [more JMH options, e.g. a benchmark name regex]
#   quick: 1 fork, 2 x 1 s warm-up, 3 x 1 s measurement (about 1 minute)
#   full:  3 forks, 5 x 2 s warm-up, 10 x 2 s measurement (about 10 minutes)
# Results: printed, and as JSON in bench/target/jmh-results.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROFILE="${1:-quick}"
shift || true
JAR="$ROOT/bench/target/benchmarks.jar"
if [ ! -f "$JAR" ] || [ -n "$(find "$ROOT" \( -name target -o -name .git \) -prune -o \( -path '*/src/main/*' -o -name pom.xml \) -type f -newer "$JAR" -print -quit)" ]; then
    echo "run-jmh: building $JAR (mvn -B -DskipTests -pl bench -am package)..." >&2
    (cd "$ROOT" && mvn -q -B -Dstyle.color=never -DskipTests -pl bench -am package >&2)
fi
case "$PROFILE" in
    quick) OPTS=(-f 1 -wi 2 -w 1s -i 3 -r 1s) ;;
    full) OPTS=(-f 3 -wi 5 -w 2s -i 10 -r 2s) ;;
    *) echo "usage: bench/run-jmh.sh [quick|full] [JMH options]" >&2; exit 2 ;;
esac
JAVA="java"
if [ -n "${JAVA_HOME:-}" ]; then JAVA="$JAVA_HOME/bin/java"; fi
exec "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" "${OPTS[@]}" -prof gc \
    -rf json -rff "$ROOT/bench/target/jmh-results.json" "$@"
