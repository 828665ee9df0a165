#!/bin/sh
# Runs the SMPP load tool (io.mgw.bench.smpp.SmppLoad) against an SMPP server, building it first.
#
#   bench/run-smpp-bench.sh --host 127.0.0.1 --port 2775 --system-id demo --password '...' \
#       --binds 4 --window 50 --rate 10000 --duration 60s --warmup 10s --json smpp-bench.json
#
# Every argument goes to SmppLoad (--help lists the flags and defaults). Exit code: 0 when every accepted
# submit got its receipt, 1 when not, 2 on bad flags or a failed bind.
# Environment: SKIP_BUILD=1 reuses the last build; SMPP_LOAD_JAVA_OPTS replaces the JVM options.
# What it measures and what the tool itself can drive: bench/SMPP-LOAD.md.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. "$root/.mvn/select-jdk.sh"

cpfile="$root/bench/target/smpp-load.classpath"
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$cpfile" ]; then
  # package also resolves the other modules' jars inside the reactor; build-classpath writes each module's
  # classpath to its own target/ (a relative file parameter resolves against the module directory)
  ./mvnw -q -pl bench -am package dependency:build-classpath -DskipTests \
      -Dmdep.outputFile=target/smpp-load.classpath -DincludeScope=runtime >&2
fi
jar=$(ls "$root"/bench/target/bench-*.jar | grep -v -e sources -e tests | head -n 1)
exec java ${SMPP_LOAD_JAVA_OPTS:--Xms512m -Xmx2g -XX:+UseG1GC} \
    -cp "$jar:$(cat "$cpfile")" io.mgw.bench.smpp.SmppLoad "$@"
