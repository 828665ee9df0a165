#!/usr/bin/env bash
# End-to-end SMPP benchmark on one machine: SMSC simulator (own JVM) <- node (own JVM, embedded Kafka + H2,
# heap capped with -Xmx1g) <- SmppLoad (own JVM). Prints the load tool's report, the node's peak heap use, and
# leaves a JFR recording of the node in bench/target/e2e-node.jfr (open with `jfr print --events
# jdk.ExecutionSample` or JDK Mission Control) to see what limits the rate.
#
#   bench/run-e2e-bench.sh [SmppLoad flags...]     default: --rate 10000 --duration 60s --warmup 15s
#   BENCH_CONFIG=other.yaml runs the node on another config (default config/bench.yaml); NODE_JAVA_OPTS adds JVM flags,
#   NODE_GC replaces the collector flag (default -XX:+UseParallelGC); STORE=postgresql runs the node on a PostgreSQL
#   server started here (own process, port 5433, data in bench/target/e2e-pg) instead of H2 in its JVM; TLS=1 has the
#   load tool bind over TLS to the node's SMPP TLS port (3550; a key pair made by keytool in bench/target/e2e-tls);
#   JFR=0 runs the node without the flight recording
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. .mvn/select-jdk.sh
out=bench/target
mkdir -p "$out"

./mvnw -q -B -ntp -DskipTests -pl gateway-server,bench -am package dependency:build-classpath \
    -Dmdep.outputFile=target/smpp-load.classpath -DincludeScope=runtime >&2
jar=gateway-server/target/gateway-server.jar
rm -rf "$out/e2e-data"

pids=()
# stopped last first: the node before the PostgreSQL server it writes to
cleanup() { for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

config=${BENCH_CONFIG:-config/bench.yaml}
pg_pid=
if [ "${STORE:-h2}" = postgresql ]; then
  java -Xmx128m -cp "$(ls bench/target/bench-*.jar | head -1):$(cat bench/target/smpp-load.classpath)" \
      io.mgw.bench.pg.PostgresServer 5433 "$out/e2e-pg" > "$out/e2e-pg.log" 2>&1 &
  pg_pid=$!
  pids+=($pg_pid)
  for i in $(seq 1 60); do grep -q '^ready' "$out/e2e-pg.log" && break; sleep 1; done
  grep -q '^ready' "$out/e2e-pg.log" || { echo "PostgreSQL not ready; see $out/e2e-pg.log" >&2; exit 1; }
  sed 's|^store: .*|store: {type: postgresql, url: "jdbc:postgresql://127.0.0.1:5433/postgres", user: postgres, password: ""}|' \
      "$config" > "$out/e2e-pg.yaml"
  config=$out/e2e-pg.yaml
fi
tls_flags=()
if [ "${TLS:-0}" = 1 ]; then
  rm -rf "$out/e2e-tls"; mkdir -p "$out/e2e-tls"
  kt="${JAVA_HOME:+$JAVA_HOME/bin/}keytool"
  "$kt" -genkeypair -alias node -keyalg EC -groupname secp256r1 -dname CN=127.0.0.1 -ext SAN=ip:127.0.0.1 -validity 2 \
      -storetype PKCS12 -keystore "$out/e2e-tls/node.p12" -storepass changeit >&2
  "$kt" -exportcert -alias node -keystore "$out/e2e-tls/node.p12" -storepass changeit -rfc -file "$out/e2e-tls/node.crt" >&2
  "$kt" -importcert -noprompt -alias node -file "$out/e2e-tls/node.crt" -storetype PKCS12 \
      -keystore "$out/e2e-tls/trust.p12" -storepass changeit >&2
  sed "s|^  smpp: {host: 127.0.0.1, port: 2775}|  smpp: {host: 127.0.0.1, port: 2775, tls: {port: 3550, keyStore: \"$root/$out/e2e-tls/node.p12\", keyStorePassword: changeit}}|" \
      "$config" > "$out/e2e-tls.yaml"
  grep -q 'port: 3550' "$out/e2e-tls.yaml" || { echo "TLS=1: no 'smpp: {host: 127.0.0.1, port: 2775}' line in $config" >&2; exit 1; }
  config=$out/e2e-tls.yaml
  tls_flags=(--transport jsmpp --port 3550 --tls-trust-store "$out/e2e-tls/trust.p12" --tls-trust-store-password changeit)
fi
# CPU seconds of all PostgreSQL server processes (0 without STORE=postgresql)
pg_cpu() {
  local hz; hz=$(getconf CLK_TCK)
  for f in /proc/[0-9]*/stat; do
    sed -n 's/^[0-9]* (postgres) //p' "$f" 2>/dev/null
  done | awk -v hz="$hz" '{s += $12 + $13} END {printf "%.1f", s / hz}'
}

java -Xmx512m -XX:+UseParallelGC -jar "$jar" sim smsc --port 2776 --system-id gateway --password gwpass \
    --receipt-delay-ms 100 > "$out/e2e-sim.log" 2>&1 &
sim_pid=$!
pids+=($sim_pid)
# as ./gateway runs it: compact object headers on JDK 25+ (NODE_JAVA_OPTS=-XX:-UseCompactObjectHeaders turns them off)
coh=(); [ "$(mgw_java_major java)" -ge 25 ] 2>/dev/null && coh=(-XX:+UseCompactObjectHeaders)
jfr_flags=(-XX:StartFlightRecording=filename=$out/e2e-node.jfr,settings=profile,dumponexit=true)
[ "${JFR:-1}" = 0 ] && jfr_flags=()
java -Xms1g -Xmx1g ${NODE_GC:--XX:+UseParallelGC} -XX:+ExitOnOutOfMemoryError ${coh[@]+"${coh[@]}"} ${NODE_JAVA_OPTS:-} ${jfr_flags[@]+"${jfr_flags[@]}"} \
    -jar "$jar" run --config "$config" > "$out/e2e-node.log" 2>&1 &
node=$!
pids+=($node)
for i in $(seq 1 120); do
  if curl -sf -o /dev/null http://127.0.0.1:8080/health/ready; then break; fi
  sleep 1
done
curl -sf -o /dev/null http://127.0.0.1:8080/health/ready || { echo "node not ready; see $out/e2e-node.log" >&2; exit 1; }

# sample the node's heap once a second while the load runs
( peak=0; tick=0; rm -f "$out/e2e-pipeline.log"; while kill -0 "$node" 2>/dev/null; do
    used=$(curl -s http://127.0.0.1:8080/metrics | awk '/^jvm_memory_used_bytes\{area="heap"/ {s+=$NF} END {printf "%.0f", s}')
    [ -n "$used" ] && [ "$used" -gt "$peak" ] && peak=$used && echo "$peak" > "$out/e2e-heap-peak"
    sleep 1
    # every 5 s, a line of pipeline counters to see which stage falls behind
    if [ $(( ++tick % 5 )) -eq 0 ]; then
      curl -s http://127.0.0.1:8080/metrics | awk -v t="$tick" '
        /^gateway_(ingress_message_accepted|routing_message_routed|egress_submitted|smpp_client_receipts_received|receipt_correlated|receipt_parked|receipt_unparked|smpp_deliver_acked|smpp_deliver_unsuccessful|delivery_client_retried)_total|^gateway_store_write_(queue|batch_writes_count|batch_writes_sum|flush_seconds_sum)|^gateway_egress_lag/ {
          n=$1; sub(/\{.*/, "", n); sub(/^gateway_/, "", n); sub(/_total$/, "", n); v[n]+=$NF }
        END { printf "t=%ds", t; for (k in v) printf " %s=%.0f", k, v[k]; printf "\n" }' >> "$out/e2e-pipeline.log"
    fi
  done ) &
pids+=($!)

# CPU seconds (user + system) a process has used so far, from /proc
cpu_secs() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# CPU ticks of each of the node's threads and the nanoseconds they waited for a CPU while runnable (schedstat's
# run delay; 0 where the kernel does not keep it): "tid name ticks waited" (names with digits folded, so pools add up)
thread_ticks() {
  for t in /proc/"$1"/task/*; do
    n=$(tr ' ' '_' < "$t/comm" 2>/dev/null | sed 's/[0-9][0-9]*/N/g') || continue
    w=$(awk '{print $2}' "$t/schedstat" 2>/dev/null || echo 0)
    # the fields after the command name (which is in parentheses and may hold spaces): utime is the 12th
    sed 's/^.*) //' "$t/stat" 2>/dev/null | awk -v tid="${t##*/}" -v n="$n" -v w="${w:-0}" '{print tid, n, $12 + $13, w}'
  done
}
pg_cpu0=$(pg_cpu); sim_cpu0=$(cpu_secs "$sim_pid"); node_cpu0=$(cpu_secs "$node"); t0=$(date +%s)
thread_ticks "$node" > "$out/e2e-threads-start.txt"

args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--rate 10000 --duration 60s --warmup 15s)
# seconds in a duration flag ("15s", "2m", "500ms"; 0 if absent or in another form)
secs_of() { local v="" i; for ((i = 0; i < ${#args[@]}; i++)); do [ "${args[i]}" = "$1" ] && v="${args[i + 1]:-}"; done
  case "$v" in *ms) echo $(( ${v%ms} / 1000 ));; *s) echo "${v%s}";; *m) echo $(( ${v%m} * 60 ));; *) echo 0;; esac; }
accepted_now() { curl -s http://127.0.0.1:8080/metrics | awk '/^gateway_ingress_message_accepted_total/ {s+=$NF} END {printf "%.0f", s}'; }
# the node's CPU and accepted count at the start and end of the measured window: its CPU use without the warm-up
# (and most of the JIT's work) in it; the load tool starts sending about a second after launch
warm=$(secs_of --warmup); dur=$(secs_of --duration); window_pid=; rm -f "$out/e2e-window" "$out"/e2e-threads-window-*.txt
if [ "$dur" -gt 0 ]; then
  ( sleep $(( warm + 1 )); echo "$(cpu_secs "$node") $(accepted_now)" > "$out/e2e-window"
    thread_ticks "$node" > "$out/e2e-threads-window-start.txt"
    sleep "$dur"; echo "$(cpu_secs "$node") $(accepted_now)" >> "$out/e2e-window"
    thread_ticks "$node" > "$out/e2e-threads-window-end.txt" ) &
  window_pid=$!
  pids+=($window_pid)
fi
set +e
rm -f "$out/e2e-load.cpu"; timer=(); [ -x /usr/bin/time ] && timer=(/usr/bin/time -o "$out/e2e-load.cpu" -f "%U %S")
"${timer[@]}" java -Xms512m -Xmx2g -cp "$(ls bench/target/bench-*.jar | head -1):$(cat bench/target/smpp-load.classpath)" \
    io.mgw.bench.smpp.SmppLoad --host 127.0.0.1 --port 2775 --system-id bench --password benchpw \
    --binds 4 --window 100 --wait-receipts 60s --json "$out/e2e-load.json" ${tls_flags[@]+"${tls_flags[@]}"} "${args[@]}"
rc=$?
# a load tool that found every receipt at once ends about when the window does: let the window's end be taken
[ "$rc" -eq 0 ] && [ -n "${window_pid:-}" ] && wait "$window_pid" 2>/dev/null
set -e
wall=$(( $(date +%s) - t0 ))
pg_used=$(awk -v a="$(pg_cpu)" -v b="$pg_cpu0" 'BEGIN {printf "%.1f", a - b}')
sim_cpu=$(awk -v a="$(cpu_secs "$sim_pid")" -v b="$sim_cpu0" 'BEGIN {printf "%.1f", a - b}')
node_cpu=$(awk -v a="$(cpu_secs "$node")" -v b="$node_cpu0" 'BEGIN {printf "%.1f", a - b}')
load_cpu=$(awk 'END {printf "%.1f", $1 + $2}' "$out/e2e-load.cpu" 2>/dev/null || echo "?")
echo "CPU seconds over the ${wall} s load: node $node_cpu, simulator $sim_cpu, load tool $load_cpu$([ -n "$pg_pid" ] && echo ", PostgreSQL $pg_used")"
# where the node's CPU went during the load, by thread (pool), from /proc: the JIT and GC threads too
thread_ticks "$node" | awk -v hz="$(getconf CLK_TCK)" -v start="$out/e2e-threads-start.txt" '
  BEGIN { while ((getline l < start) > 0) { split(l, f, " "); base[f[1]] = f[3]; wbase[f[1]] = f[4] } }
  { d = $3 - base[$1]; s[$2] += d; total += d; w[$2] += ($4 - wbase[$1]) / 1e9 }
  END { for (k in s) if (s[k] > 0) printf "%7.1f s %5.1f%%  %7.1f s  %s\n", s[k] / hz, 100 * s[k] / total, w[k], k }' \
  | sort -rn > "$out/e2e-node-threads.txt"
echo "node CPU by thread during the load, and how long its threads waited for a CPU while runnable"
echo "(top 12; all in $out/e2e-node-threads.txt):"
head -12 "$out/e2e-node-threads.txt"
accepted=$(curl -s http://127.0.0.1:8080/metrics | awk '/^gateway_ingress_message_accepted_total/ {s+=$NF} END {printf "%.0f", s}')
if [ "${accepted:-0}" -gt 0 ]; then
  awk -v c="$node_cpu" -v n="$accepted" 'BEGIN {printf "node CPU per accepted message: %.0f us (%d accepted)\n", c * 1e6 / n, n}'
  [ -n "$pg_pid" ] && awk -v c="$node_cpu" -v p="$pg_used" -v n="$accepted" \
      'BEGIN {printf "node + PostgreSQL CPU per accepted message: %.0f us\n", (c + p) * 1e6 / n}'
fi
if [ "$(wc -l < "$out/e2e-window" 2>/dev/null || echo 0)" -eq 2 ]; then
  awk 'NR == 1 {c0 = $1; n0 = $2} NR == 2 {c1 = $1; n1 = $2}
       END {if (n1 > n0) printf "node CPU in the measured window: %.2f cores, %.0f us per message accepted in it (%d)%s\n",
            (c1 - c0) / '"$dur"', (c1 - c0) * 1e6 / (n1 - n0), n1 - n0,
            " (a lagging delivery half does part of their work after the window)"}' "$out/e2e-window"
fi
if [ -s "$out/e2e-threads-window-end.txt" ]; then
  # the same per thread for the measured window alone (the JIT's and the warm-up's work mostly outside it)
  awk -v hz="$(getconf CLK_TCK)" -v start="$out/e2e-threads-window-start.txt" '
    BEGIN { while ((getline l < start) > 0) { split(l, f, " "); base[f[1]] = f[3]; wbase[f[1]] = f[4] } }
    ($1 in base) { d = $3 - base[$1]; s[$2] += d; total += d; w[$2] += ($4 - wbase[$1]) / 1e9 }
    END { for (k in s) if (s[k] > 0) printf "%7.1f s %5.1f%%  %7.1f s  %s\n", s[k] / hz, 100 * s[k] / total, w[k], k }' \
    "$out/e2e-threads-window-end.txt" | sort -rn > "$out/e2e-node-threads-window.txt"
  echo "node CPU by thread in the measured window, and its waits for a CPU (top 8; all in $out/e2e-node-threads-window.txt):"
  head -8 "$out/e2e-node-threads-window.txt"
fi
curl -s http://127.0.0.1:8080/metrics > "$out/e2e-node-metrics.txt" || true
echo "node heap peak: $(( $(cat "$out/e2e-heap-peak" 2>/dev/null || echo 0) / 1048576 )) MiB (limit -Xmx1g)"
kill -TERM "$node"; wait "$node" 2>/dev/null || true
echo "JFR recording: $out/e2e-node.jfr; pipeline counters every 5 s: $out/e2e-pipeline.log;" \
    "the node's metrics at the end: $out/e2e-node-metrics.txt"
exit $rc
