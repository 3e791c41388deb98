#!/usr/bin/env bash
# Measures how long Portico takes to build a large configuration and how much memory it adds:
# N routers (Host + PathPrefix, 100 hosts x N/100 prefixes) over 100 services, loaded by the file provider.
# Usage: bench/build.sh [N]   (default 10000). Prints build time (from Portico's own log line) and RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
out=bench/out/build
mkdir -p "$out/dynamic"
bin=${PORTICO_BIN:-bench/out/portico/portico}
if [ ! -x "$bin" ]; then
  dotnet publish src/Portico -c Release -o bench/out/portico -nologo >/dev/null
fi

python3 - "$n" "$out/big.yml" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("http:\n  routers:\n")
    for i in range(n):
        f.write(f"    r{i}:\n      rule: \"Host(`h{i % 100}.example.com`) && PathPrefix(`/p{i // 100}`)\"\n      service: s{i % 100}\n")
    f.write("  services:\n")
    for s in range(100):
        f.write(f"    s{s}:\n      loadBalancer:\n        servers:\n          - url: \"http://127.0.0.1:{20000 + s}\"\n")
PY
cat > "$out/static.yml" <<YML
entryPoints:
  web:
    address: "127.0.0.1:18180"
providers:
  file:
    directory: $out/dynamic
log:
  level: INFO
YML
rm -f "$out/dynamic/"*.yml
"$bin" --configFile "$out/static.yml" > "$out/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q 'entry point web' "$out/log" && break; sleep 0.1; done
sleep 1
before=$(awk '/VmRSS/ { print $2 }' /proc/$pid/status)
cp "$out/big.yml" "$out/dynamic/big.yml"
for _ in $(seq 300); do grep -q "applied: $n routers" "$out/log" && break; sleep 0.1; done
sleep 1
after=$(awk '/VmRSS/ { print $2 }' /proc/$pid/status)
built=$(grep "applied: $n routers" "$out/log" | tail -1 | grep -Eo 'built in [0-9.]+ ms')
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: h7.example.com" "http://127.0.0.1:18180/p57/x")
echo "routers: $n; $built; RSS before: $((before / 1024)) MB, after: $((after / 1024)) MB, added: $(((after - before) / 1024)) MB; probe request status: $code (502 expected: no backend runs)"
