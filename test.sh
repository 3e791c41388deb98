#!/usr/bin/env bash
# Runs Portico's whole test suite on a fresh Debian machine that has the .NET SDK:
# installs the Debian packages the tests need, checks the build (zero warnings) and formatting,
# runs every test project, and prints one closing line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"

# 1. Debian packages used by the tests (real peers, not mocks). Installed only when missing.
packages=(curl apache2-utils redis-server zstd libzstd1 pebble haproxy openssl)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# 2. Build with warnings as errors, and check formatting.
dotnet build Portico.slnx -c Release -nologo -clp:ErrorsOnly
dotnet format Portico.slnx --verify-no-changes --no-restore

# 3. Tests. Each project's summary line is collected for the closing line.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
for project in tests/*/*.csproj; do
  dotnet test "$project" -c Release --no-build --nologo --blame-hang-timeout 5m 2>&1 | tee -a "$log" || status=1
done

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{ s += $2 } END { print s + 0 }')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{ s += $2 } END { print s + 0 }')
echo "${passed:-0} passed, ${failed:-0} failed"
if [ "${passed:-0}" = 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
