#!/usr/bin/env bash
# Compares Portico with HAProxy, nginx and Caddy as reverse proxies in front of one backend.
# See bench/README.md. Environment knobs (defaults in brackets):
#   ROUNDS [3]  DURATION [10s]  WARMUP [3s]  CONNECTIONS [32]  H2_REQUESTS [100000]  H2_CLIENTS [16]
#   H2_STREAMS [10]  PROXIES ["portico haproxy nginx caddy"]  BACKEND [whoami|nginx]  BUILD [1]
#   PROXY_CPU [1]  LOAD_CPU [0]  LABEL [""]  RESULTS [bench/RESULTS.md]  PORTICO_BIN  PORTICO_ARGS
set -euo pipefail

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/parse.sh"

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
CONNECTIONS=${CONNECTIONS:-32}
H2_REQUESTS=${H2_REQUESTS:-100000}
H2_CLIENTS=${H2_CLIENTS:-16}
H2_STREAMS=${H2_STREAMS:-10}
PROXIES=${PROXIES:-portico haproxy nginx caddy}
BUILD=${BUILD:-1}
LABEL=${LABEL:-}
RESULTS=${RESULTS:-bench/RESULTS.md}
COMMAND="$(env | grep -E '^(ROUNDS|DURATION|WARMUP|CONNECTIONS|H2_[A-Z]+|PROXIES|BACKEND|BUILD|PROXY_CPU|LOAD_CPU|LABEL)=' | sed -E 's/=(.*[[:space:]].*)$/="\1"/' | tr '\n' ' ')bench/run.sh"

# Scenario name -> path; h2c runs use h2load, the others wrk.
SCENARIOS=(h1-small h1-16k h2c-small)
declare -A SCENARIO_PATH=([h1-small]=/bench [h1-16k]='/data?size=16&unit=KB' [h2c-small]=/bench)

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
ROWS="$OUT/results-$STAMP.tsv"
declare -A RSS_IDLE=() RSS_AFTER=()
trap stop_all EXIT

build_portico

start_backend
for proxy in $PROXIES; do
    if start_proxy "$proxy"; then
        sleep 1
        RSS_IDLE[$proxy]=$(rss_kb "${PID[$proxy]}")
    else
        log "proxy: $proxy not run: ${NOT_RUN[$proxy]}"
    fi
done

# One measured run: CPU ticks of the proxy tree around the load generator, then one TSV row.
measure() {
    local round=$1 proxy=$2 scenario=$3 pid=${PID[$proxy]} raw before after numbers cpu_us
    raw="$BENCH_RUN/$proxy-$scenario-$round.txt"
    before=$(cpu_ticks "$pid")
    if [[ $scenario == h2c-* ]]; then
        timeout 300 taskset -c "$LOAD_CPU" h2load -n "$H2_REQUESTS" -c "$H2_CLIENTS" -m "$H2_STREAMS" \
            "http://127.0.0.1:${H2C_PORT[$proxy]}${SCENARIO_PATH[$scenario]}" >"$raw" 2>&1 || true
        numbers=$(parse_h2load "$raw")
    else
        timeout 300 taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency \
            "http://127.0.0.1:${PORT[$proxy]}${SCENARIO_PATH[$scenario]}" >"$raw" 2>&1 || true
        numbers=$(parse_wrk "$raw")
    fi
    after=$(cpu_ticks "$pid")
    read -r rps requests p50 p99 non2xx socket <<<"$numbers"
    cpu_us="-"
    if ((requests > 0)); then
        cpu_us=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.1f", t * 1000000 / hz / n }')
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$proxy" "$scenario" "$rps" "$p50" "$p99" \
        "$cpu_us" "$non2xx" "$socket" "$requests" >>"$ROWS"
    log "round $round $proxy $scenario: $rps req/s, p50 ${p50}us, p99 ${p99}us, ${cpu_us}us CPU/req, non-2xx $non2xx, socket errors $socket"
}

# Warm-up (JIT, connection pools), not measured.
for proxy in $PROXIES; do
    [[ -n ${PID[$proxy]:-} ]] || continue
    taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" "http://127.0.0.1:${PORT[$proxy]}/bench" >/dev/null 2>&1 || true
    taskset -c "$LOAD_CPU" h2load -n 5000 -c 4 -m 10 "http://127.0.0.1:${H2C_PORT[$proxy]}/bench" >/dev/null 2>&1 || true
done

run_rounds

source "$(dirname "$0")/report.sh"
write_report
