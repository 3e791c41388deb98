#!/usr/bin/env bash
# Does a configuration reload under load lose requests? wrk runs against each proxy while its configuration
# changes RELOADS times: Portico's dynamic file is rewritten (the file provider watches it), HAProxy is
# reloaded in master-worker mode (SIGUSR2 to the master: the new worker inherits the listeners).
# Each change sets a response header X-Bench-Generation, so the script can check that the last one is live.
# Environment knobs (defaults in brackets):
#   DURATION [12] (seconds)  RELOADS [10]  CONNECTIONS [32]  PROXIES ["portico haproxy"]  BACKEND [whoami|nginx]
#   RELOAD_WRITE [rename|inplace] (how Portico's file is rewritten)  BUILD [0]  PROXY_CPU [1]  LOAD_CPU [0]
#   LABEL [""]  RESULTS [bench/RESULTS.md] (the table is appended there; RESULTS=/dev/null to skip)
set -euo pipefail

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/parse.sh"

DURATION=${DURATION:-12}
DURATION=${DURATION%s}
RELOADS=${RELOADS:-10}
CONNECTIONS=${CONNECTIONS:-32}
PROXIES=${PROXIES:-portico haproxy}
RELOAD_WRITE=${RELOAD_WRITE:-rename}
BUILD=${BUILD:-0}
LABEL=${LABEL:-}
RESULTS=${RESULTS:-bench/RESULTS.md}
PORTICO_DYNAMIC="$OUT/run/portico-reload-dynamic.yml"
HAPROXY_CFG="$BENCH_RUN/haproxy-reload.cfg"
trap stop_all EXIT

if [[ $BUILD == 1 ]]; then
    dotnet publish src/Portico -c Release -o "$OUT/portico" >"$BENCH_RUN/build.log" 2>&1 || rm -f "$PORTICO_BIN"
fi

write_portico_dynamic() {
    local generation=$1 target=$PORTICO_DYNAMIC
    [[ $RELOAD_WRITE == rename ]] && target="$PORTICO_DYNAMIC.tmp"
    cat >"$target" <<EOF
http:
  routers:
    bench:
      entryPoints:
        - web
      rule: "PathPrefix(\`/\`)"
      service: backend
      middlewares:
        - generation
  middlewares:
    generation:
      headers:
        customResponseHeaders:
          X-Bench-Generation: "$generation"
  services:
    backend:
      loadBalancer:
        servers:
          - url: "http://127.0.0.1:$BACKEND_PORT"
EOF
    [[ $RELOAD_WRITE == rename ]] && mv -f "$target" "$PORTICO_DYNAMIC"
    return 0
}

write_haproxy_cfg() {
    sed "s|^    bind 127.0.0.1:18081$|&\n    http-response set-header X-Bench-Generation $1|" "$CONFIGS/haproxy.cfg" >"$HAPROXY_CFG"
}

reload() {
    local proxy=$1 generation=$2
    case $proxy in
    portico) write_portico_dynamic "$generation" ;;
    haproxy) write_haproxy_cfg "$generation" && kill -USR2 "${PID[haproxy]}" ;;
    esac
}

# Start a proxy on its reload configuration; HAProxy is started from the copy this script rewrites.
start_reloadable() {
    local proxy=$1
    case $proxy in
    portico)
        write_portico_dynamic 0
        start_proxy portico "$CONFIGS/portico-reload.yml" ;;
    haproxy)
        write_haproxy_cfg 0
        start_pinned "$PROXY_CPU" haproxy haproxy -W -db -f "$HAPROXY_CFG"
        PID[haproxy]=$STARTED_PID
        wait_ready "http://127.0.0.1:${PORT[haproxy]}/bench" "$STARTED_PID" ||
            { NOT_RUN[haproxy]="did not start (see $OUT/run/haproxy.log)"; unset "PID[haproxy]"; return 1; } ;;
    *)
        NOT_RUN[$proxy]="reload not scripted for $proxy"
        return 1 ;;
    esac
}

# The generation the proxy serves now, read from the response header (retried: a reload takes a moment).
live_generation() {
    local url=$1 expected=$2 seen=""
    for _ in $(seq 1 50); do
        seen=$(curl -s -D - -o /dev/null -m 1 "$url" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-bench-generation" { print $2 }')
        [[ $seen == "$expected" ]] && break
        sleep 0.1
    done
    echo "${seen:-none}"
}

start_backend
TABLE="| proxy | reloads | requests | req/s | p99 µs | non-2xx | socket errors | last generation live |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
interval=$(awk -v d="$DURATION" -v n="$RELOADS" 'BEGIN { printf "%.2f", d / (n + 1) }')
for proxy in $PROXIES; do
    if ! start_reloadable "$proxy"; then
        TABLE+=$'\n'"| $proxy | not run: ${NOT_RUN[$proxy]} | - | - | - | - | - | - |"
        continue
    fi
    log "$proxy: wrk for ${DURATION}s with $RELOADS reloads every ${interval}s"
    raw="$BENCH_RUN/reload-$proxy.txt"
    taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:${PORT[$proxy]}/bench" >"$raw" 2>&1 &
    wrk_pid=$!
    for generation in $(seq 1 "$RELOADS"); do
        sleep "$interval"
        reload "$proxy" "$generation"
    done
    wait "$wrk_pid" || true
    live=$(live_generation "http://127.0.0.1:${PORT[$proxy]}/bench" "$RELOADS")
    read -r rps requests _ p99 non2xx socket <<<"$(parse_wrk "$raw")"
    TABLE+=$'\n'"| $proxy | $RELOADS | $requests | $rps | $p99 | $non2xx | $socket | $live (expected $RELOADS) |"
    stop_pid "${PID[$proxy]}"
    unset "PID[$proxy]"
done

report=$(
    echo
    echo "## Reload under load: $(date -u '+%Y-%m-%d %H:%M UTC')${LABEL:+ — $LABEL}"
    echo
    echo "- command: \`DURATION=$DURATION RELOADS=$RELOADS RELOAD_WRITE=$RELOAD_WRITE bench/reload.sh\`"
    echo "- machine: $(machine_line)"
    echo "- versions: $(versions_line)"
    echo "- setup: backend $BACKEND; wrk -t1 -c$CONNECTIONS -d${DURATION}s on CPU $LOAD_CPU; proxy on CPU $PROXY_CPU;" \
        "one configuration change every ${interval}s"
    echo
    echo "$TABLE"
)
echo "$report"
echo "$report" >>"$RESULTS"
