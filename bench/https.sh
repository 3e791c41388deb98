#!/usr/bin/env bash
# HTTPS termination cost: Portico, HAProxy and nginx terminating TLS with the same generated certificate (ECDSA
# P-256) in front of the same backend, measured with wrk over keep-alive connections and with a new connection (a
# full TLS handshake) per request. Appends a section to bench/RESULTS.md. Environment knobs (defaults in brackets):
#   ROUNDS [3]  DURATION [10s]  WARMUP [3s]  CONNECTIONS [32]  PROXIES ["portico haproxy nginx"]  BUILD [1]
#   PROXY_CPU [1]  LOAD_CPU [0]  LABEL [""]  RESULTS [bench/RESULTS.md]  PORTICO_BIN
set -euo pipefail

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/parse.sh"

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
CONNECTIONS=${CONNECTIONS:-32}
PROXIES=${PROXIES:-portico haproxy nginx}
BUILD=${BUILD:-1}
LABEL=${LABEL:-}
RESULTS=${RESULTS:-bench/RESULTS.md}
COMMAND="$(env | grep -E '^(ROUNDS|DURATION|WARMUP|CONNECTIONS|PROXIES|BUILD|PROXY_CPU|LOAD_CPU|LABEL)=' | sed -E 's/=(.*[[:space:]].*)$/="\1"/' | tr '\n' ' ')bench/https.sh"

declare -A TLS_PORT=([portico]=18443 [haproxy]=18444 [nginx]=18445)
# Keep-alive, or "Connection: close" so every request pays a new TCP connection and a full TLS handshake.
SCENARIOS=(tls-keepalive tls-newconn)

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
ROWS="$OUT/https-$STAMP.tsv"
TLS_DIR="$BENCH_RUN/tls"
trap stop_all EXIT

# One ECDSA P-256 certificate for 127.0.0.1 and localhost, shared by every proxy.
make_certificate() {
    mkdir -p "$TLS_DIR"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$TLS_DIR/bench.key" -out "$TLS_DIR/bench.crt" >"$BENCH_RUN/openssl.log" 2>&1
    cat "$TLS_DIR/bench.crt" "$TLS_DIR/bench.key" >"$TLS_DIR/bench.pem"
}

wait_ready_tls() {
    local url=$1 pid=$2
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 1
        [[ $(curl -sk -o /dev/null -m 1 -w '%{http_code}' "$url" || true) == 200 ]] && return 0
        sleep 0.1
    done
    return 1
}

start_tls_proxy() {
    local name=$1
    case $name in
    portico)
        [[ -x $PORTICO_BIN ]] || { NOT_RUN[$name]="binary $PORTICO_BIN missing"; return 1; }
        start_pinned "$PROXY_CPU" portico-https "$PORTICO_BIN" --configFile "$CONFIGS/portico-https.yml" ;;
    haproxy)
        start_pinned "$PROXY_CPU" haproxy-https haproxy -db -f "$CONFIGS/haproxy-https.cfg" ;;
    nginx)
        # nginx resolves relative certificate paths against its configuration's folder: run a copy next to them.
        local prefix="$BENCH_RUN/nginx-https"
        mkdir -p "$prefix/tmp" "$prefix/tls"
        cp "$CONFIGS/nginx-https.conf" "$prefix/nginx.conf"
        cp "$TLS_DIR/bench.crt" "$TLS_DIR/bench.key" "$prefix/tls/"
        start_pinned "$PROXY_CPU" nginx-https nginx -p "$prefix/" -c "$prefix/nginx.conf" -g 'daemon off;' ;;
    *)
        NOT_RUN[$name]="unknown proxy"
        return 1 ;;
    esac
    PID[$name]=$STARTED_PID
    if ! wait_ready_tls "https://127.0.0.1:${TLS_PORT[$name]}/bench" "$STARTED_PID"; then
        NOT_RUN[$name]="did not answer 200 on https://127.0.0.1:${TLS_PORT[$name]}/bench (see $OUT/run/$name-https.log)"
        stop_pid "$STARTED_PID"
        unset "PID[$name]"
        return 1
    fi
    log "proxy: $name (TLS) on CPU $PROXY_CPU (pid $STARTED_PID)"
}

measure() {
    local round=$1 proxy=$2 scenario=$3 pid=${PID[$proxy]} raw before after numbers cpu_us
    local -a extra=()
    [[ $scenario == tls-newconn ]] && extra=(-H "Connection: close")
    raw="$BENCH_RUN/https-$proxy-$scenario-$round.txt"
    before=$(cpu_ticks "$pid")
    timeout 300 taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "${extra[@]}" \
        "https://127.0.0.1:${TLS_PORT[$proxy]}/bench" >"$raw" 2>&1 || true
    after=$(cpu_ticks "$pid")
    numbers=$(parse_wrk "$raw")
    read -r rps requests p50 p99 non2xx socket <<<"$numbers"
    cpu_us="-"
    if ((requests > 0)); then
        cpu_us=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.1f", t * 1000000 / hz / n }')
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$proxy" "$scenario" "$rps" "$p50" "$p99" \
        "$cpu_us" "$non2xx" "$socket" "$requests" >>"$ROWS"
    log "round $round $proxy $scenario: $rps req/s, p99 ${p99}us, ${cpu_us}us CPU/req, non-2xx $non2xx, socket errors $socket"
}

# The median of one column over the rounds of a proxy and scenario.
median() {
    awk -F'\t' -v p="$1" -v s="$2" -v c="$3" '$2 == p && $3 == s && $c != "-" { print $c + 0 }' "$ROWS" | sort -n |
        awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit } print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

write_https_report() {
    local proxy scenario
    {
        printf '\n## HTTPS termination: %s%s\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "${LABEL:+ — $LABEL}"
        printf -- '- command: `%s`\n- machine: %s\n- versions: %s\n' "$COMMAND" "$(machine_line)" "$(versions_line)"
        printf -- '- setup: backend %s on CPU %s; proxy on CPU %s; wrk -t1 -c%s -d%s on CPU %s; ECDSA P-256 certificate; median of %s round(s)\n' \
            "$BACKEND" "$LOAD_CPU" "$PROXY_CPU" "$CONNECTIONS" "$DURATION" "$LOAD_CPU" "$ROUNDS"
        printf -- '- tls-newconn sends `Connection: close`: every request is a new TCP connection and a full TLS handshake\n\n'
        printf '| scenario | proxy | req/s | p99 µs | CPU µs/req | non-2xx | socket errors |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n'
        for scenario in "${SCENARIOS[@]}"; do
            for proxy in $PROXIES; do
                if [[ -n ${NOT_RUN[$proxy]:-} ]]; then
                    printf '| %s | %s | not run: %s | | | | |\n' "$scenario" "$proxy" "${NOT_RUN[$proxy]}"
                    continue
                fi
                printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$scenario" "$proxy" "$(median "$proxy" "$scenario" 4)" \
                    "$(median "$proxy" "$scenario" 6)" "$(median "$proxy" "$scenario" 7)" "$(median "$proxy" "$scenario" 8)" \
                    "$(median "$proxy" "$scenario" 9)"
            done
        done
        printf '\nPer-round rows: `%s` (not committed).\n' "$ROWS"
    } >>"$RESULTS"
    log "results appended to $RESULTS"
}

build_portico

make_certificate
start_backend
for proxy in $PROXIES; do
    start_tls_proxy "$proxy" || log "proxy: $proxy not run: ${NOT_RUN[$proxy]}"
done

for proxy in $PROXIES; do
    [[ -n ${PID[$proxy]:-} ]] || continue
    taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" "https://127.0.0.1:${TLS_PORT[$proxy]}/bench" >/dev/null 2>&1 || true
done

run_rounds -https

write_https_report
