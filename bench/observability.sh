#!/usr/bin/env bash
# The cost of observability per request: three Portico processes from the same binary serve the same route to the same
# whoami backend — bare (metrics, access log and tracing off), metrics (Prometheus with entry point, router and service
# labels), and all (Prometheus + a JSON access log to a file + tracing of every request exported over OTLP/HTTP to a
# local sink that answers 200). wrk loads them in turn for ROUNDS rounds; CPU time per request is read from /proc.
# Each Portico is pinned to PROXY_CPU, wrk, the backend and the sink to LOAD_CPU. Knobs: ROUNDS [3], DURATION [8]
# (seconds), WARMUP [8] (seconds), CONNECTIONS [32], LABEL, RESULTS [bench/RESULTS.md].
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8}
WARMUP=${WARMUP:-8}
CONNECTIONS=${CONNECTIONS:-32}
PROXY_CPU=${PROXY_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
RESULTS=${RESULTS:-bench/RESULTS.md}
bin=bench/out/portico/portico
run=bench/out/observability
mkdir -p "$run"
[ -x "$bin" ] || dotnet publish src/Portico -c Release -o bench/out/portico -nologo >/dev/null

declare -A port=([bare]=18080 [metrics]=18084 [all]=18085)
variants=(bare metrics all)
for v in "${variants[@]}"; do
  {
    echo "entryPoints:"
    echo "  web:"
    echo "    address: \"127.0.0.1:${port[$v]}\""
    echo "providers:"
    echo "  file:"
    echo "    filename: bench/configs/portico-dynamic.yml"
    echo "    watch: false"
    echo "log:"
    echo "  level: ERROR"
    if [[ $v != bare ]]; then
      echo "metrics:"
      echo "  prometheus:"
      echo "    entryPoint: web"
      echo "    addRoutersLabels: true"
    fi
    if [[ $v == all ]]; then
      echo "accessLog:"
      echo "  filePath: $run/access.log"
      echo "  format: json"
      echo "tracing:"
      echo "  sampleRate: 1.0"
      echo "  otlp:"
      echo "    http:"
      echo "      endpoint: http://127.0.0.1:18086/v1/traces"
    fi
  } >"$run/$v.yml"
done

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
# The OTLP sink: accepts any POST and answers an empty (valid) protobuf response.
taskset -c "$LOAD_CPU" python3 -c '
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", 18086), H).serve_forever()' & pids+=($!)
taskset -c "$LOAD_CPU" "$bin" whoami --port 18000 --address 127.0.0.1 >/dev/null 2>&1 & pids+=($!)
declare -A pid
for v in "${variants[@]}"; do
  taskset -c "$PROXY_CPU" "$bin" --configFile "$run/$v.yml" >"$run/$v.log" 2>&1 & pid[$v]=$!; pids+=($!)
done
for v in "${variants[@]}"; do
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:${port[$v]}/bench" && break; sleep 0.1; done
  curl -sf -o /dev/null "http://127.0.0.1:${port[$v]}/bench" || { echo "portico ($v) did not start: $run/$v.log" >&2; exit 1; }
done
curl -sf -o /dev/null "http://127.0.0.1:${port[metrics]}/metrics" || { echo "no /metrics on the metrics variant" >&2; exit 1; }

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
for v in "${variants[@]}"; do
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:${port[$v]}/bench" >/dev/null
done

declare -A cpu rps
for round in $(seq "$ROUNDS"); do
  for v in "${variants[@]}"; do
    before=$(ticks "${pid[$v]}")
    out=$(taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:${port[$v]}/bench")
    after=$(ticks "${pid[$v]}")
    requests=$(grep -Eo '^ +[0-9]+ requests' <<<"$out" | grep -Eo '[0-9]+')
    non2xx=$(grep -Eo 'Non-2xx or 3xx responses: [0-9]+' <<<"$out" | grep -Eo '[0-9]+$' || echo 0)
    us=$(awk -v t=$((after - before)) -v hz="$hz" -v r="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / r }')
    cpu[$v]+="$us "
    rps[$v]+="$(grep -Eo 'Requests/sec: +[0-9.]+' <<<"$out" | grep -Eo '[0-9.]+$') "
    echo "round $round $v: $requests requests, $us µs CPU/request, non-2xx $non2xx" >&2
  done
done

# The exported data is checked, so the figures are for work that really happened.
scraped=$(curl -s "http://127.0.0.1:${port[all]}/metrics" | grep -c '^traefik_router_requests_total' || true)
logged=$(wc -l <"$run/access.log")

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
bare=$(median <<<"${cpu[bare]}")
{
  echo
  echo "## Observability cost: $(date -u '+%Y-%m-%d %H:%M UTC')${LABEL:+ — $LABEL}"
  echo
  echo "- command: \`ROUNDS=$ROUNDS DURATION=$DURATION bench/observability.sh\`; machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "- wrk -t1 -c$CONNECTIONS, median of $ROUNDS rounds; the \"all\" process wrote $logged access-log lines and exposed $scraped router series"
  echo
  echo "| Portico with | req/s | CPU µs/req | over bare |"
  echo "| --- | ---: | ---: | ---: |"
  for v in "${variants[@]}"; do
    c=$(median <<<"${cpu[$v]}")
    echo "| $v | $(median <<<"${rps[$v]}") | $c | $(awk -v a="$bare" -v b="$c" 'BEGIN { printf "%+.1f µs (%.2f×)", b - a, b / a }') |"
  done
} | tee -a "$RESULTS"
