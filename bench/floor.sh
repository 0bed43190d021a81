#!/usr/bin/env bash
# The floor under the load targets: the same load (run.sh's ~10 KB Claude Code-shaped streams) straight at the fake
# upstream, through the null relay (bench/NullRelay: Kestrel in, HttpClient out, no translation) and through the
# proxy, at each concurrency level, relay and proxy measured one after the other. Loopback only, bounded in time.
# "proxy over relay" is what translating costs on top of being a server and a client: CPU-ms per request and MB of
# peak RSS above the relay's in the same round.
#   bench/floor.sh                                            JIT builds of both
#   PROXY_BIN=.build/aot/linux-x64/chatgpt-codex-proxy RELAY_BIN=.build/bench/NullRelay-aot/NullRelay bench/floor.sh
#   (the relay's AOT binary: dotnet publish bench/NullRelay -c Release -r linux-x64 -p:PublishAot=true -o .build/bench/NullRelay-aot)
#   LEVELS="16 256" ROUNDS=2 DURATION_S=8 bench/floor.sh
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

levels="${LEVELS:-16 256}"
rounds="${ROUNDS:-2}"
duration="${DURATION_S:-8}"
body_kb="${BODY_KB:-10}"
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"
if [ -z "${NO_BUILD:-}" ]; then
  dotnet build bench/NullRelay -c Release -o "$out/NullRelay" --nologo -v quiet >/dev/null
fi
relay_bin="${RELAY_BIN:-$out/NullRelay/NullRelay}"

start_fake --deltas 20 --delay-ms 0
start_proxy
start_listener "$relay_bin" --upstream "$fake_url"
relay_pid="$listener_pid"
relay_url="$listener_url"

echo "Warming up the relay and the proxy..." >&2
for url in "$relay_url" "$proxy_url"; do
  "$load" --url "$url/v1/messages" --concurrency 16 --requests "${WARMUP:-2000}" --duration-s 20 --body-kb "$body_kb" >/dev/null
done

# One measured run through $2 (pid $3): "rps CPU-ms-per-request peak-RSS-MB errors".
measure() {
  local c="$1" url="$2" pid="$3" before after result
  reset_peak_rss "$pid"
  before="$(cpu_seconds "$pid")"
  result="$("$load" --url "$url/v1/messages" --concurrency "$c" --requests 1000000 --duration-s "$duration" --body-kb "$body_kb")"
  after="$(cpu_seconds "$pid")"
  awk -v r="$result" -v b="$before" -v a="$after" -v rss="$(peak_rss_mb "$pid")" '
    BEGIN { n = split(r, x, " "); for (i = 1; i <= n; i++) { split(x[i], kv, "="); v[kv[1]] = kv[2] }
            printf "%.0f %.3f %s %s", v["rps"], (a - b) * 1000 / v["completed"], rss, v["errors"] }'
}

printf '\n%s KB streams of 20 deltas, fake upstream with no delay, nproc=%s, %s s per run.\n' "$body_kb" "$(nproc)" "$duration"
printf '%-4s | %-5s | %-12s | %-26s | %-26s | %-19s | %s\n' "c" "round" "direct req/s" "relay: ×direct, CPU-ms, RSS" "proxy: ×direct, CPU-ms, RSS" "proxy over relay" "errors relay/proxy"
for c in $levels; do
  for round in $(seq "$rounds"); do
    direct="$("$load" --url "$fake_url/codex/responses" --concurrency "$c" --requests 1000000 --duration-s "$duration" --body-kb "$body_kb")"
    read -r relay_rps relay_cpu relay_rss relay_errors <<<"$(measure "$c" "$relay_url" "$relay_pid")"
    read -r proxy_rps proxy_cpu proxy_rss proxy_errors <<<"$(measure "$c" "$proxy_url" "$proxy_pid")"
    awk -v c="$c" -v round="$round" -v d="$(field rps "$direct")" -v rr="$relay_rps" -v rc="$relay_cpu" -v rm="$relay_rss" \
      -v pr="$proxy_rps" -v pc="$proxy_cpu" -v pm="$proxy_rss" -v re="$relay_errors" -v pe="$proxy_errors" 'BEGIN {
      printf "%-4s | %-5s | %12.0f | %5.2fx %6.3f %7.1f MB     | %5.2fx %6.3f %7.1f MB     | %+6.3f %+6.1f MB    | %s/%s\n", c, round, d, rr / d, rc, rm, pr / d, pc, pm, pc - rc, pm - rm, re, pe }'
  done
done
