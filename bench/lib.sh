# Shared by bench/run.sh and bench/reload.sh (sourced, not run): starting and stopping the backend and
# the proxies, readiness checks, and reading CPU time and memory of a process tree from /proc.
# Every process is started by PID and stopped by that PID; nothing is killed by name.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

CONFIGS=bench/configs
OUT=bench/out
export BENCH_RUN="$ROOT/$OUT/run"
PORTICO_BIN=${PORTICO_BIN:-$OUT/portico/portico}
PROXY_CPU=${PROXY_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
BACKEND=${BACKEND:-whoami}
BACKEND_PORT=18000
CLK_TCK=$(getconf CLK_TCK)

declare -A PORT=([portico]=18080 [haproxy]=18081 [nginx]=18082 [caddy]=18083)
# nginx 1.22 serves h2c only on a listener of its own; the others detect the HTTP/2 preface.
declare -A H2C_PORT=([portico]=18080 [haproxy]=18081 [nginx]=18092 [caddy]=18083)
declare -A PID=()
declare -A NOT_RUN=()
BACKEND_PID=

mkdir -p "$BENCH_RUN"

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# Starts a command in the background, pinned to a CPU, with its output in $BENCH_RUN/<name>.log.
# Sets STARTED_PID. taskset execs the command, so the PID is the program's own.
# With BUILD=1 (the scripts' default), publishes Portico (Release) into $OUT/portico; a failed build leaves no binary,
# so Portico's rows say "not run".
build_portico() {
    [[ ${BUILD:-1} == 1 ]] || return 0
    log "building Portico (Release) into $OUT/portico"
    if ! dotnet publish src/Portico -c Release -o "$OUT/portico" >"$BENCH_RUN/build.log" 2>&1; then
        log "Portico build failed (see $OUT/run/build.log); its rows will say 'not run'"
        rm -f "$PORTICO_BIN"
    fi
}

start_pinned() {
    local cpu=$1 name=$2
    shift 2
    taskset -c "$cpu" "$@" >"$BENCH_RUN/$name.log" 2>&1 &
    STARTED_PID=$!
}

# Polls until URL answers 200 (the process must stay alive meanwhile), for at most ~10 s.
wait_ready() {
    local url=$1 pid=$2 i
    for i in $(seq 1 100); do
        if ! kill -0 "$pid" 2>/dev/null; then
            return 1
        fi
        if [[ $(curl -s -o /dev/null -m 1 -w '%{http_code}' "$url" || true) == 200 ]]; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

stop_pid() {
    local pid=$1
    [[ -n $pid ]] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

stop_all() {
    local name
    for name in "${!PID[@]}"; do
        stop_pid "${PID[$name]}"
    done
    stop_pid "$BACKEND_PID"
}

start_backend() {
    if [[ $BACKEND == whoami ]]; then
        if [[ -x $PORTICO_BIN ]]; then
            start_pinned "$LOAD_CPU" backend-whoami "$PORTICO_BIN" whoami --port "$BACKEND_PORT"
            BACKEND_PID=$STARTED_PID
            if wait_ready "http://127.0.0.1:$BACKEND_PORT/bench" "$BACKEND_PID"; then
                log "backend: Portico whoami on CPU $LOAD_CPU (pid $BACKEND_PID)"
                return 0
            fi
            stop_pid "$BACKEND_PID"
        fi
        log "backend: Portico whoami did not start (see $OUT/run/backend-whoami.log); using nginx instead"
        BACKEND=nginx
    fi

    local prefix="$BENCH_RUN/nginx-backend"
    mkdir -p "$prefix/tmp" "$prefix/www"
    printf 1 >"$prefix/www/bench"
    head -c 16384 /dev/zero | tr '\0' 'x' >"$prefix/www/data16k.bin"
    start_pinned "$LOAD_CPU" backend-nginx nginx -p "$prefix/" -c "$ROOT/$CONFIGS/nginx-backend.conf" -g 'daemon off;'
    BACKEND_PID=$STARTED_PID
    wait_ready "http://127.0.0.1:$BACKEND_PORT/bench" "$BACKEND_PID" || { log "backend: nginx did not start"; exit 1; }
    log "backend: nginx (static) on CPU $LOAD_CPU (pid $BACKEND_PID)"
}

# Starts one proxy pinned to $PROXY_CPU; on failure records the reason in NOT_RUN and returns 1.
start_proxy() {
    local name=$1 portico_config=${2:-$CONFIGS/portico.yml}
    case $name in
    haproxy)
        start_pinned "$PROXY_CPU" haproxy haproxy -W -db -f "$CONFIGS/haproxy.cfg" ;;
    nginx)
        mkdir -p "$BENCH_RUN/nginx-proxy/tmp"
        start_pinned "$PROXY_CPU" nginx nginx -p "$BENCH_RUN/nginx-proxy/" -c "$ROOT/$CONFIGS/nginx-proxy.conf" -g 'daemon off;' ;;
    caddy)
        XDG_DATA_HOME="$BENCH_RUN/caddy" XDG_CONFIG_HOME="$BENCH_RUN/caddy" \
            start_pinned "$PROXY_CPU" caddy caddy run --config "$CONFIGS/Caddyfile" --adapter caddyfile ;;
    portico)
        if [[ ! -x $PORTICO_BIN ]]; then
            NOT_RUN[$name]="binary $PORTICO_BIN missing"
            return 1
        fi
        # shellcheck disable=SC2086 # PORTICO_ARGS is a list of words on purpose.
        start_pinned "$PROXY_CPU" portico "$PORTICO_BIN" ${PORTICO_ARGS:---configFile $portico_config} ;;
    *)
        NOT_RUN[$name]="unknown proxy"
        return 1 ;;
    esac

    PID[$name]=$STARTED_PID
    if ! wait_ready "http://127.0.0.1:${PORT[$name]}/bench" "$STARTED_PID"; then
        NOT_RUN[$name]="did not start or answer 200 on :${PORT[$name]}/bench (see $OUT/run/$name.log)"
        stop_pid "$STARTED_PID"
        unset "PID[$name]"
        return 1
    fi
    log "proxy: $name on CPU $PROXY_CPU (pid $STARTED_PID)"
}

# The PID and all its descendants, one per line.
tree_pids() {
    ps -e -o pid=,ppid= | awk -v root="$1" '
        { parent[$1] = $2; pids[NR] = $1 }
        END {
            keep[root] = 1; print root
            do {
                added = 0
                for (i in pids) { p = pids[i]; if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; print p; added = 1 } }
            } while (added)
        }'
}

# CPU time (user + system) of a process tree, in clock ticks. The root's cutime/cstime add the children
# it already reaped (an nginx or HAProxy worker that a reload replaced).
cpu_ticks() {
    local root=$1 pid total=0 fields
    local -a f
    for pid in $(tree_pids "$root"); do
        [[ -r /proc/$pid/stat ]] || continue
        # Field 2 (comm) may hold spaces: cut everything up to its closing parenthesis first.
        fields=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
        read -r -a f <<<"$fields"
        total=$((total + f[11] + f[12]))
        if [[ $pid == "$root" ]]; then
            total=$((total + f[13] + f[14]))
        fi
    done
    echo "$total"
}

# Resident memory of a process tree, in KiB.
rss_kb() {
    local pid total=0 kb
    for pid in $(tree_pids "$1"); do
        kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
        total=$((total + ${kb:-0}))
    done
    echo "$total"
}

machine_line() {
    local model
    model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    echo "nproc $(nproc), CPU ${model:-unknown}, $(awk '/MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)"
}

versions_line() {
    local portico="not built"
    [[ -x $PORTICO_BIN ]] && portico="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "HAProxy $(haproxy -v | awk 'NR == 1 { print $3 }'), nginx $(nginx -v 2>&1 | sed 's|.*/||'), Caddy $(caddy version | awk '{ print $1 }'), wrk $(wrk -v 2>&1 | awk 'NR == 1 { print $2 }'), h2load $(h2load --version | awk '{ print $NF }'), Portico $portico"
}

# Runs ROUNDS interleaved rounds of every scenario in SCENARIOS over the proxies in PROXIES that are running (PID set),
# rotating their order each round so drift on the machine spreads evenly. Each scenario is measured by the caller's
# `measure ROUND PROXY SCENARIO`; a proxy that exits is marked not run (its log is $OUT/run/<proxy>$1.log). When the
# caller keeps RSS_AFTER, the proxy's resident memory is recorded after each round.
run_rounds() {
    local log_suffix=${1:-} round i proxy scenario
    local -a order
    printf 'round\tproxy\tscenario\trps\tp50_us\tp99_us\tcpu_us_per_req\tnon2xx\tsocket_errors\trequests\n' >"$ROWS"
    read -r -a order <<<"$PROXIES"
    for round in $(seq 1 "$ROUNDS"); do
        for i in "${!order[@]}"; do
            proxy=${order[$(((i + round - 1) % ${#order[@]}))]}
            [[ -n ${PID[$proxy]:-} ]] || continue
            for scenario in "${SCENARIOS[@]}"; do
                if ! kill -0 "${PID[$proxy]}" 2>/dev/null; then
                    NOT_RUN[$proxy]="exited during the run (see $OUT/run/$proxy$log_suffix.log)"
                    unset "PID[$proxy]"
                    break
                fi
                measure "$round" "$proxy" "$scenario"
            done
            if [[ -n ${PID[$proxy]:-} ]] && declare -p RSS_AFTER &>/dev/null; then
                RSS_AFTER[$proxy]=$(rss_kb "${PID[$proxy]}")
            fi
        done
    done
}
