#!/usr/bin/env bash
# Measures Portico's memory on its built-in default (no configuration: :8000 routes to the in-process whoami, :8080
# serves the API and ping): /proc/<pid>/smaps_rollup once it answers, and again after `ab -k -n 10000 -c 8`.
# Optionally also the CPU time per request under `ab -k -c 32 -n CPU_REQUESTS` (user + system from /proc/<pid>/stat).
#
# Usage: bench/memory.sh ["label|VAR=value VAR2=value" ...]
#   Each argument is a variant: a label and the environment variables to start Portico with (none: the defaults).
#   Variants are measured ROUNDS times, interleaved, and each row of the table is the median over the rounds.
#   ROUNDS=3 CPU_REQUESTS=200000 bench/memory.sh "default|" "no W^X|DOTNET_EnableWriteXorExecute=0"
# Environment: PORTICO_BIN (default bench/out/portico/portico, published if missing), ROUNDS (default 1),
#   CPU_REQUESTS (default 0: no CPU measurement), PROXY_CPU (CPU Portico is pinned to, default 1), LOAD_CPU (ab, default 0).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS=${ROUNDS:-1}
CPU_REQUESTS=${CPU_REQUESTS:-0}
[[ $# -gt 0 ]] || set -- "default|"
if [[ ! -x $PORTICO_BIN ]]; then
    dotnet publish src/Portico -c Release -o "$(dirname "$PORTICO_BIN")" -nologo >/dev/null
fi
BIN=$(realpath "$PORTICO_BIN")
# The built-in default applies only when no configuration file is found: run from an empty directory.
EMPTY=$(mktemp -d)
ROWS="$OUT/memory-$(date -u +%Y%m%dT%H%M%SZ).tsv"
mkdir -p "$OUT"
printf 'round\tvariant\tphase\trss_kb\tpss_kb\tprivate_dirty_kb\tprivate_clean_kb\tpss_shmem_kb\tcpu_us_per_req\n' >"$ROWS"
trap 'stop_pid "${CURRENT:-}"; rm -rf "$EMPTY"' EXIT

# Prints "rss pss private_dirty private_clean pss_shmem" in KiB for one process.
rollup() {
    awk '/^Rss:/ { r = $2 } /^Pss:/ { p = $2 } /^Private_Dirty:/ { d = $2 } /^Private_Clean:/ { c = $2 }
         /^Pss_Shmem:/ { s = $2 } END { print r, p, d, c, s }' "/proc/$1/smaps_rollup"
}

proc_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

measure_variant() {
    local round=$1 label=$2 vars=$3 pid ticks0 ticks1 cpu=-
    local -a envs=() unset=() name
    # Portico reads PORTICO_* and TRAEFIK_* variables as static configuration (PORTICO_BIN included): drop them all.
    for name in $(compgen -e | grep -E '^(PORTICO|TRAEFIK)_' || true); do unset+=(-u "$name"); done
    # shellcheck disable=SC2206 # The variables are whitespace-separated words on purpose.
    [[ -n $vars ]] && envs=($vars)
    if curl -s -o /dev/null -m 1 http://127.0.0.1:8000/ || curl -s -o /dev/null -m 1 http://127.0.0.1:8080/ping; then
        log "something already listens on :8000 or :8080; stop it first"
        exit 1
    fi
    (cd "$EMPTY" && exec env "${unset[@]}" "${envs[@]}" taskset -c "$PROXY_CPU" "$BIN" >"$BENCH_RUN/memory.log" 2>&1) &
    CURRENT=$!
    pid=$CURRENT
    wait_ready "http://127.0.0.1:8000/" "$pid" && wait_ready "http://127.0.0.1:8080/ping" "$pid" ||
        { log "$label: Portico did not answer (see $BENCH_RUN/memory.log)"; exit 1; }
    sleep 2
    printf '%s\t%s\tidle\t%s\t%s\t%s\t%s\t%s\t-\n' "$round" "$label" $(rollup "$pid") >>"$ROWS"
    taskset -c "$LOAD_CPU" ab -q -k -n 10000 -c 8 http://127.0.0.1:8000/ >/dev/null
    sleep 2
    printf '%s\t%s\tafter 10k\t%s\t%s\t%s\t%s\t%s\t-\n' "$round" "$label" $(rollup "$pid") >>"$ROWS"
    if ((CPU_REQUESTS > 0)); then
        ticks0=$(proc_ticks "$pid")
        taskset -c "$LOAD_CPU" ab -q -k -n "$CPU_REQUESTS" -c 32 http://127.0.0.1:8000/ >/dev/null
        ticks1=$(proc_ticks "$pid")
        cpu=$(awk -v t=$((ticks1 - ticks0)) -v hz="$CLK_TCK" -v n="$CPU_REQUESTS" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
        printf '%s\t%s\tafter cpu run\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$label" $(rollup "$pid") "$cpu" >>"$ROWS"
    fi
    stop_pid "$pid"
    CURRENT=
}

for round in $(seq 1 "$ROUNDS"); do
    for variant in "$@"; do
        log "round $round: ${variant%%|*}"
        measure_variant "$round" "${variant%%|*}" "${variant#*|}"
    done
done

echo "machine: $(machine_line); Portico $(git rev-parse --short HEAD); rounds: $ROUNDS; rows: $ROWS"
echo
echo "| variant | phase | RSS MiB | PSS MiB | private dirty MiB | private clean MiB | PSS shmem MiB | CPU µs/req |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
# Median per variant and phase over the rounds, in the order the variants were given.
awk -F'\t' 'NR > 1 {
        key = $2 SUBSEP $3
        if (!(key in n)) { order[++keys] = key }
        n[key]++
        for (c = 4; c <= 9; c++) v[key, c, n[key]] = $c
    }
    function median(key, c,    i, j, t, m, a) {
        m = n[key]
        for (i = 1; i <= m; i++) a[i] = v[key, c, i]
        if (a[1] == "-") return "-"
        for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
        return a[int((m + 1) / 2)]
    }
    END {
        for (k = 1; k <= keys; k++) {
            split(order[k], p, SUBSEP)
            printf "| %s | %s", p[1], p[2]
            for (c = 4; c <= 8; c++) printf " | %.1f", median(order[k], c) / 1024
            printf " | %s |\n", median(order[k], 9)
        }
    }' "$ROWS"
