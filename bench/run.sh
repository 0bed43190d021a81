#!/usr/bin/env bash
# Side-by-side overhead benchmark, loopback only and bounded in count and time:
#   the load tool straight against the fake upstream (the floor), then through the proxy,
#   at c = 1, 16, 64, 256; then the streaming probe (20 deltas, 20 ms apart).
# Prints one table. Linux only (reads /proc/<pid>/stat and /proc/<pid>/status of the proxy).
#   PROXY_BIN=path/to/native/chatgpt-codex-proxy bench/run.sh   measure an AOT binary instead of the JIT build
#   LEVELS="1 16" REQUESTS_PER_WORKER=20 DURATION_S=10 bench/run.sh
#   NO_BUILD=1 bench/run.sh                                       reuse the last build (e.g. when comparing settings)
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

levels="${LEVELS:-1 16 64 256}"
per_worker="${REQUESTS_PER_WORKER:-40}"
min_requests="${MIN_REQUESTS:-1000}"
duration="${DURATION_S:-15}"
deltas="${DELTAS:-20}"
body_kb="${BODY_KB:-10}"
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"

start_fake --deltas "$deltas" --delay-ms 0
start_proxy
echo "Warming up the proxy..." >&2
"$load" --url "$proxy_url/v1/messages" --concurrency 16 --requests "${WARMUP:-2000}" --duration-s 20 --body-kb "$body_kb" >/dev/null

printf '\nStreams of %s deltas, %s KB request bodies, fake upstream with no delay. nproc=%s.\n' "$deltas" "$body_kb" "$(nproc)"
printf '%-5s | %-21s | %-21s | %-8s | %-9s | %-9s | %-19s | %-13s | %-17s | %-9s | %s\n' \
  "c" "req/s direct / proxy" "p50 ms direct / proxy" "ratio" "added p50" "added p99" "TTFE p50 dir / prox" "proxy CPU-s/1k" "fake+client CPU-s/1k" "peak RSS" "errors"
for c in $levels; do
  requests=$(( c * per_worker > min_requests ? c * per_worker : min_requests ))
  # The direct side's own CPU per request (the fake upstream, and the load tool over its measured run): a proxy is a
  # server and a client in one, built from the same parts, so this is roughly the floor of what it can cost.
  fake_before="$(cpu_seconds "$fake_pid")"
  direct="$("$load" --url "$fake_url/codex/responses" --concurrency "$c" --requests "$requests" --duration-s "$duration" --body-kb "$body_kb")"
  fake_after="$(cpu_seconds "$fake_pid")"
  reset_peak_rss "$proxy_pid"
  cpu_before="$(cpu_seconds "$proxy_pid")"
  proxied="$("$load" --url "$proxy_url/v1/messages" --concurrency "$c" --requests "$requests" --duration-s "$duration" --body-kb "$body_kb")"
  cpu_after="$(cpu_seconds "$proxy_pid")"
  rss="$(peak_rss_mb "$proxy_pid")"
  awk -v c="$c" -v d="$direct" -v p="$proxied" -v cb="$cpu_before" -v ca="$cpu_after" -v rss="$rss" \
    -v fb="$fake_before" -v fa="$fake_after" '
    function f(s, k,   n, i, kv) { n = split(s, a, " "); for (i = 1; i <= n; i++) { split(a[i], kv, "="); if (kv[1] == k) return kv[2] } return "" }
    BEGIN {
      cpu = (ca - cb) * 1000 / f(p, "completed")
      floor = ((fa - fb) * 1000 + f(d, "client_cpu_ms")) / f(d, "completed")
      printf "%-5s | %9.0f / %9.0f | %9.3f / %9.3f | %7.2fx | %7.3f ms | %7.3f ms | %8.3f / %8.3f | %13.3f | %17.3f | %6s MB | %s/%s\n",
        c, f(d, "rps"), f(p, "rps"), f(d, "p50_ms"), f(p, "p50_ms"), f(p, "rps") / f(d, "rps"),
        f(p, "p50_ms") - f(d, "p50_ms"), f(p, "p99_ms") - f(d, "p99_ms"), f(d, "ttfe_p50_ms"), f(p, "ttfe_p50_ms"), cpu, floor, rss,
        f(d, "errors"), f(p, "errors")
    }'
done

# The streaming probe: 20 deltas 20 ms apart; every gap through the proxy should match the upstream's spacing.
kill "$proxy_pid" "$fake_pid" 2>/dev/null || true
start_fake --deltas 20 --delay-ms 20
start_proxy
"$load" --url "$proxy_url/v1/messages" --concurrency 1 --requests 20 --body-kb "$body_kb" >/dev/null
direct="$("$load" --url "$fake_url/codex/responses" --concurrency 1 --requests 5 --body-kb "$body_kb" --probe)"
proxied="$("$load" --url "$proxy_url/v1/messages" --concurrency 1 --requests 5 --body-kb "$body_kb" --probe)"
printf '\nStreaming probe (20 deltas, 20 ms apart, 5 streams): gaps between consecutive deltas at the client, ms\n'
for label in direct proxied; do
  gaps="$(field gaps_ms "${!label}")"
  awk -v label="$label" -v g="$gaps" 'BEGIN {
    n = split(g, x, ","); min = 1e9; max = 0; sum = 0; worst = 0
    for (i = 1; i <= n; i++) { sum += x[i]; if (x[i] < min) min = x[i]; if (x[i] > max) max = x[i]; d = x[i] - 20; if (d < 0) d = -d; if (d > worst) worst = d }
    printf "%-8s gaps=%d mean=%.2f min=%.2f max=%.2f worst |gap-20|=%.2f\n", label, n, sum / n, min, max, worst
  }'
done
printf 'first stream, proxied: %s\n' "$(cut -d, -f1-19 <<<"$(field gaps_ms "$proxied")")"
