#!/usr/bin/env bash
# Real-size requests, one at a time: Claude Code-shaped bodies of 8 KB, 560 KB (a peer's median) and 3.5 MB (its
# 99th percentile), straight at the fake upstream and then through the proxy, in one run. Reports the added latency
# (p50, p99), the proxy's CPU per request, its peak RSS while those requests ran, and the bytes it sent upstream per
# request. Loopback only, bounded in count and time. Linux only (/proc).
#   PROXY_BIN=.build/aot/linux-x64/chatgpt-codex-proxy bench/big.sh    the AOT binary instead of the JIT build
#   SIZES="560 3500" SHAPE=claude-code-images REQUESTS=40 bench/big.sh
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

sizes="${SIZES:-8 560 3500}"
shape="${SHAPE:-claude-code}"
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"
start_fake --deltas 20 --delay-ms 0
start_proxy

upstream_bytes() { curl -fsS "$fake_url/stats" | sed -n 's/.*body_bytes=\([0-9]*\).*/\1/p'; }

# Warm-up at the small size only: what a user's proxy has seen before its history grows.
"$load" --url "$proxy_url/v1/messages" --concurrency 1 --requests "${WARMUP:-300}" --duration-s 20 --body-kb 8 --shape "$shape" >/dev/null
printf '\n%s bodies, one request at a time, fake upstream 20 deltas no delay. load average at start: %s\n' "$shape" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-7s | %-9s | %-21s | %-21s | %-10s | %-10s | %-12s | %-9s | %s\n' \
  "body KB" "requests" "p50 ms direct / proxy" "p99 ms direct / proxy" "added p50" "added p99" "proxy CPU-ms" "peak RSS" "upstream bytes/request"
for kb in $sizes; do
  requests="${REQUESTS:-$(( kb >= 2000 ? 40 : kb >= 200 ? 100 : 400 ))}"
  direct="$("$load" --url "$fake_url/codex/responses" --concurrency 1 --requests "$requests" --duration-s 60 --body-kb "$kb" --shape "$shape")"
  echo 5 >"/proc/$proxy_pid/clear_refs" 2>/dev/null || true
  cpu_before="$(cpu_seconds "$proxy_pid")"
  bytes_before="$(upstream_bytes)"
  proxied="$("$load" --url "$proxy_url/v1/messages" --concurrency 1 --requests "$requests" --duration-s 60 --body-kb "$kb" --shape "$shape")"
  cpu_after="$(cpu_seconds "$proxy_pid")"
  bytes_after="$(upstream_bytes)"
  rss="$(peak_rss_mb "$proxy_pid")"
  n="$(field completed "$proxied")"
  awk -v kb="$(( $(field body_bytes "$proxied") / 1024 ))" -v n="$n" -v d50="$(field p50_ms "$direct")" -v p50="$(field p50_ms "$proxied")" \
      -v d99="$(field p99_ms "$direct")" -v p99="$(field p99_ms "$proxied")" -v cb="$cpu_before" -v ca="$cpu_after" -v rss="$rss" \
      -v bb="$bytes_before" -v ba="$bytes_after" -v errs="$(field errors "$proxied")" 'BEGIN {
    printf "%-7s | %4d (%s err) | %9.2f / %9.2f | %9.2f / %9.2f | %7.2f ms | %7.2f ms | %12.1f | %6s MB | %d\n",
      kb, n, errs, d50, p50, d99, p99, p50 - d50, p99 - d99, (ca - cb) * 1000 / n, rss, (ba - bb) / n }'
done
printf 'load average at end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
