#!/usr/bin/env bash
# Raw TCP proxying: Portico (a HostSNI(`*`) TCP router) and HAProxy (`mode tcp`) in front of the same bulk sink/source
# backend (bench/tcpload.py), many connections moving bulk data for DURATION seconds, upload (client to backend) and
# download. Measures MB/s and the proxy's CPU time per MB. Appends a section to bench/RESULTS.md. Knobs [defaults]:
#   ROUNDS [3]  DURATION [5]  CONNECTIONS [64]  PROXIES ["portico haproxy"]  BUILD [1]  PROXY_CPU [1]  LOAD_CPU [0]
#   LABEL [""]  RESULTS [bench/RESULTS.md]  PORTICO_BIN
set -euo pipefail

source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-64}
PROXIES=${PROXIES:-portico haproxy}
BUILD=${BUILD:-1}
LABEL=${LABEL:-}
RESULTS=${RESULTS:-bench/RESULTS.md}
COMMAND="$(env | grep -E '^(ROUNDS|DURATION|CONNECTIONS|PROXIES|BUILD|PROXY_CPU|LOAD_CPU|LABEL)=' | sed -E 's/=(.*[[:space:]].*)$/="\1"/' | tr '\n' ' ')bench/tcp.sh"

declare -A TCP_PORT=([portico]=18500 [haproxy]=18501)
TCP_BACKEND_PORT=18600
SCENARIOS=(upload download)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
ROWS="$OUT/tcp-$STAMP.tsv"
TCP_BACKEND_PID=
trap 'stop_all; stop_pid "$TCP_BACKEND_PID"' EXIT

wait_port() {
    local port=$1 pid=$2
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 1
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

start_tcp_proxy() {
    local name=$1
    case $name in
    portico)
        [[ -x $PORTICO_BIN ]] || { NOT_RUN[$name]="binary $PORTICO_BIN missing"; return 1; }
        start_pinned "$PROXY_CPU" portico-tcp "$PORTICO_BIN" --configFile "$CONFIGS/portico-tcp.yml" ;;
    haproxy)
        start_pinned "$PROXY_CPU" haproxy-tcp haproxy -db -f "$CONFIGS/haproxy-tcp.cfg" ;;
    *)
        NOT_RUN[$name]="unknown proxy"
        return 1 ;;
    esac
    PID[$name]=$STARTED_PID
    if ! wait_port "${TCP_PORT[$name]}" "$STARTED_PID"; then
        NOT_RUN[$name]="did not listen on 127.0.0.1:${TCP_PORT[$name]} (see $OUT/run/$name-tcp.log)"
        stop_pid "$STARTED_PID"
        unset "PID[$name]"
        return 1
    fi
    log "proxy: $name (TCP) on CPU $PROXY_CPU (pid $STARTED_PID)"
}

# Columns of $ROWS: round proxy scenario MB/s CPU-ms-per-MB errors bytes.
measure() {
    local round=$1 proxy=$2 scenario=$3 pid=${PID[$proxy]} before after bytes seconds errors mbs cpu
    before=$(cpu_ticks "$pid")
    read -r bytes seconds errors < <(timeout 120 taskset -c "$LOAD_CPU" python3 bench/tcpload.py load "${TCP_PORT[$proxy]}" \
        "$CONNECTIONS" "$DURATION" "$(tr a-z A-Z <<<"${scenario:0:1}")" || echo "0 1 $CONNECTIONS")
    after=$(cpu_ticks "$pid")
    mbs=$(awk -v b="$bytes" -v s="$seconds" 'BEGIN { printf "%.0f", b / 1048576 / s }')
    cpu="-"
    if ((bytes > 0)); then
        cpu=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v b="$bytes" 'BEGIN { printf "%.2f", t * 1000 / hz / (b / 1048576) }')
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$proxy" "$scenario" "$mbs" "$cpu" "$errors" "$bytes" >>"$ROWS"
    log "round $round $proxy $scenario: $mbs MB/s, $cpu ms CPU/MB, $errors failed connections"
}

median() {
    awk -F'\t' -v p="$1" -v s="$2" -v c="$3" '$2 == p && $3 == s && $c != "-" { print $c + 0 }' "$ROWS" | sort -n |
        awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit } print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

write_tcp_report() {
    local proxy scenario
    {
        printf '\n## TCP proxying (bulk transfer): %s%s\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "${LABEL:+ — $LABEL}"
        printf -- '- command: `%s`\n- machine: %s\n- versions: HAProxy %s, Python %s, Portico %s\n' "$COMMAND" "$(machine_line)" \
            "$(haproxy -v | awk 'NR == 1 { print $3 }')" "$(python3 -V | awk '{ print $2 }')" \
            "$( [[ -x $PORTICO_BIN ]] && git -C "$ROOT" rev-parse --short HEAD || echo 'not built')"
        printf -- '- setup: bench/tcpload.py backend (sink/source) and load (%s connections, %ss per scenario, 256 KiB writes) on CPU %s; proxy on CPU %s; median of %s round(s)\n' \
            "$CONNECTIONS" "$DURATION" "$LOAD_CPU" "$PROXY_CPU" "$ROUNDS"
        printf -- '- upload: clients send, the backend discards; download: the backend sends, clients read. CPU = the proxy'"'"'s user+system time per MiB moved\n\n'
        printf '| scenario | proxy | MiB/s | CPU ms/MiB | failed connections |\n| --- | --- | ---: | ---: | ---: |\n'
        for scenario in "${SCENARIOS[@]}"; do
            for proxy in $PROXIES; do
                if [[ -n ${NOT_RUN[$proxy]:-} ]]; then
                    printf '| %s | %s | not run: %s | | |\n' "$scenario" "$proxy" "${NOT_RUN[$proxy]}"
                    continue
                fi
                printf '| %s | %s | %s | %s | %s |\n' "$scenario" "$proxy" "$(median "$proxy" "$scenario" 4)" \
                    "$(median "$proxy" "$scenario" 5)" "$(median "$proxy" "$scenario" 6)"
            done
        done
        printf '\nPer-round rows: `%s` (not committed).\n' "$ROWS"
    } >>"$RESULTS"
    log "results appended to $RESULTS"
}

build_portico

start_pinned "$LOAD_CPU" tcp-backend python3 bench/tcpload.py backend "$TCP_BACKEND_PORT"
TCP_BACKEND_PID=$STARTED_PID
wait_port "$TCP_BACKEND_PORT" "$TCP_BACKEND_PID" || { log "the TCP backend did not start (see $OUT/run/tcp-backend.log)"; exit 1; }
for proxy in $PROXIES; do
    start_tcp_proxy "$proxy" || log "proxy: $proxy not run: ${NOT_RUN[$proxy]}"
done

printf 'round\tproxy\tscenario\tmib_s\tcpu_ms_per_mib\tfailed\tbytes\n' >"$ROWS"
read -r -a ORDER <<<"$PROXIES"
for round in $(seq 1 "$ROUNDS"); do
    for i in "${!ORDER[@]}"; do
        proxy=${ORDER[$(((i + round - 1) % ${#ORDER[@]}))]}
        [[ -n ${PID[$proxy]:-} ]] || continue
        for scenario in "${SCENARIOS[@]}"; do
            if ! kill -0 "${PID[$proxy]}" 2>/dev/null; then
                NOT_RUN[$proxy]="exited during the run (see $OUT/run/$proxy-tcp.log)"
                unset "PID[$proxy]"
                break
            fi
            measure "$round" "$proxy" "$scenario"
        done
    done
done

write_tcp_report
