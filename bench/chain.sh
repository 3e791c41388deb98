#!/usr/bin/env bash
# The cost of a realistic middleware chain (stripPrefix + security/custom headers + rateLimit with a limit far above
# the load) per request, next to the bare proxy: the same Portico process serves /bench through a bare router and
# /chain/bench through the chain; wrk alternates between them for ROUNDS rounds. Portico is pinned to PROXY_CPU,
# wrk and the whoami backend to LOAD_CPU. Knobs: ROUNDS [3], DURATION [8] (seconds), WARMUP [10] (seconds),
# CONNECTIONS [32], LABEL, RESULTS [bench/RESULTS.md].
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8}
WARMUP=${WARMUP:-10}
CONNECTIONS=${CONNECTIONS:-32}
PROXY_CPU=${PROXY_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
RESULTS=${RESULTS:-bench/RESULTS.md}
bin=bench/out/portico/portico
run=bench/out/chain
mkdir -p "$run"
[ -x "$bin" ] || dotnet publish src/Portico -c Release -o bench/out/portico -nologo >/dev/null
cat > "$run/static.yml" <<YML
entryPoints:
  web:
    address: "127.0.0.1:18080"
providers:
  file:
    filename: bench/configs/portico-chain.yml
    watch: false
log:
  level: ERROR
YML

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
taskset -c "$LOAD_CPU" "$bin" whoami --port 18000 --address 127.0.0.1 >/dev/null 2>&1 & pids+=($!)
taskset -c "$PROXY_CPU" "$bin" --configFile "$run/static.yml" >"$run/portico.log" 2>&1 & portico=$!; pids+=($portico)
for _ in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:18080/chain/bench && break; sleep 0.1; done
curl -sf -o /dev/null http://127.0.0.1:18080/bench

ticks() { awk '{ print $14 + $15 }' "/proc/$portico/stat"; }
hz=$(getconf CLK_TCK)
taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" http://127.0.0.1:18080/chain/bench >/dev/null
taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" http://127.0.0.1:18080/bench >/dev/null

declare -A cpu rps
for round in $(seq "$ROUNDS"); do
  for path in /bench /chain/bench; do
    before=$(ticks)
    out=$(taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:18080$path")
    after=$(ticks)
    requests=$(grep -Eo '^ +[0-9]+ requests' <<<"$out" | grep -Eo '[0-9]+')
    non2xx=$(grep -Eo 'Non-2xx or 3xx responses: [0-9]+' <<<"$out" | grep -Eo '[0-9]+$' || echo 0)
    us=$(awk -v t=$((after - before)) -v hz="$hz" -v r="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / r }')
    cpu[$path]+="$us "
    rps[$path]+="$(grep -Eo 'Requests/sec: +[0-9.]+' <<<"$out" | grep -Eo '[0-9.]+$') "
    echo "round $round $path: $requests requests, $us µs CPU/request, non-2xx $non2xx" >&2
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
bare=$(median <<<"${cpu[/bench]}")
chain=$(median <<<"${cpu[/chain/bench]}")
{
  echo
  echo "## Middleware chain cost: $(date -u '+%Y-%m-%d %H:%M UTC')${LABEL:+ — $LABEL}"
  echo
  echo "- command: \`ROUNDS=$ROUNDS DURATION=$DURATION bench/chain.sh\`; machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "- chain: stripPrefix + headers (frameDeny, nosniff, XSS filter, referrer policy, a custom request and response header) + rateLimit (1,000,000/s); wrk -t1 -c$CONNECTIONS; median of $ROUNDS rounds"
  echo
  echo "| route | req/s | CPU µs/req |"
  echo "| --- | ---: | ---: |"
  echo "| bare | $(median <<<"${rps[/bench]}") | $bare |"
  echo "| chain | $(median <<<"${rps[/chain/bench]}") | $chain |"
  echo
  echo "The chain costs $(awk -v a="$bare" -v b="$chain" 'BEGIN { printf "%.1f", b - a }') µs of CPU per request over the bare proxy."
} | tee -a "$RESULTS"
