#!/usr/bin/env bash
# webhook-ingest benchmark: builds the service, then starts its own Kafka broker and PostgreSQL and drives the packaged
# service on loopback. Usage (from the repository root):  webhook-ingest/bench/run.sh [-Dbench.warmup=90 -Dbench.measure=30]
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ -z "${JAVA_HOME:-}" ]]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64; do [[ -x "$j/bin/java" ]] && export JAVA_HOME="$j" && break; done
fi
[[ -x "${JAVA_HOME:-}/bin/java" ]] || { echo "need a JDK >= 21 in JAVA_HOME" >&2; exit 1; }
if [[ "${BENCH_SKIP_BUILD:-}" != "1" ]]; then
  ./mvnw -B -q -pl webhook-ingest -am install -DskipTests
  ./mvnw -B -q -pl webhook-ingest test-compile
fi
./mvnw -B -q -pl webhook-ingest dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
CP="webhook-ingest/target/test-classes:webhook-ingest/target/classes:$(cat webhook-ingest/target/bench.classpath)"
exec "$JAVA_HOME/bin/java" -Xmx1g --enable-native-access=ALL-UNNAMED -Dtartan.repo.root="$PWD" \
  -Dingest.jar=webhook-ingest/target/quarkus-app/quarkus-run.jar "$@" -cp "$CP" dev.tartan.ingest.bench.IngestBench
