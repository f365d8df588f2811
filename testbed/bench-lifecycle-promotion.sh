#!/usr/bin/env bash
# Benchmark (not part of the test suite): promotion-to-ready time of the sample Kamailio registrar
# through the lifecycle's foreground driver, cold and warm standby, on loopback ports 15070-15071.
#   testbed/bench-lifecycle-promotion.sh [ROUNDS]        (default 20)
# Uses the Maven local repository in $MAVEN_REPO_LOCAL (default ~/.m2/repository).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPO=${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}
ROUNDS=${1:-20}
command -v kamailio >/dev/null || { echo "kamailio is missing" >&2; exit 1; }
cd "$ROOT"
mvn -B -q -Dmaven.repo.local="$REPO" -pl bundles/lifecycle -am install -DskipTests
CP_FILE=$(mktemp)
trap 'rm -f "$CP_FILE"' EXIT
mvn -B -q -Dmaven.repo.local="$REPO" -pl bundles/lifecycle dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
MODULE=$ROOT/bundles/lifecycle
cd "$MODULE"
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$MODULE/target/classes:$MODULE/target/test-classes:$(cat "$CP_FILE")" \
    org.gkguardian.lifecycle.internal.PromotionBenchmark "$ROUNDS" 15070
