#!/usr/bin/env bash
# Paired A/B of two proxy binaries under the same load: one fake upstream, both proxies started and warmed up, then
# short load runs alternating between them (ABBA order), so both see the same machine from minute to minute. On a
# shared VM whose speed drifts by a third, only paired runs tell a few percent apart. Loopback only, bounded in time.
#   bench/ab.sh BIN_A BIN_B                      ten rounds of 4 s at c = 16, ~10 KB Claude Code-shaped streams
#   ROUNDS=20 DURATION_S=4 C=16 BODY_KB=10 SHAPE=claude-code bench/ab.sh BIN_A BIN_B
# Prints proxy CPU-ms per request for each run, B/A per round, the medians and both peak RSS.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
if [ $# -ne 2 ]; then
  echo "usage: bench/ab.sh BIN_A BIN_B" >&2
  exit 2
fi

rounds="${ROUNDS:-10}"
duration="${DURATION_S:-4}"
concurrency="${C:-16}"
body_kb="${BODY_KB:-10}"
shape="${SHAPE:-small}"
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"

start_fake --deltas 20 --delay-ms 0
proxy_cmd=("$1"); start_proxy a; pid_a="$proxy_pid"; url_a="$proxy_url"
proxy_cmd=("$2"); start_proxy b; pid_b="$proxy_pid"; url_b="$proxy_url"
echo "Warming up both proxies..." >&2
for url in "$url_a" "$url_b"; do
  "$load" --url "$url/v1/messages" --concurrency 16 --requests "${WARMUP:-3000}" --duration-s 20 --body-kb "$body_kb" --shape "$shape" >/dev/null
done

# One run through $2 (pid $1): prints the proxy's CPU-ms per request.
cpu_per_request() {
  local before after result
  before="$(cpu_seconds "$1")"
  result="$("$load" --url "$2/v1/messages" --concurrency "$concurrency" --requests 1000000 --duration-s "$duration" --body-kb "$body_kb" --shape "$shape")"
  after="$(cpu_seconds "$1")"
  awk -v b="$before" -v a="$after" -v n="$(field completed "$result")" 'BEGIN { printf "%.4f", (a - b) * 1000 / n }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.4f (%.4f–%.4f)", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, v[1], v[NR] }'; }

runs_a=(); runs_b=(); ratios=()
for round in $(seq "$rounds"); do
  if (( round % 2 )); then
    a="$(cpu_per_request "$pid_a" "$url_a")"; b="$(cpu_per_request "$pid_b" "$url_b")"
  else
    b="$(cpu_per_request "$pid_b" "$url_b")"; a="$(cpu_per_request "$pid_a" "$url_a")"
  fi
  ratio="$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')"
  runs_a+=("$a"); runs_b+=("$b"); ratios+=("$ratio")
  echo "round $round: A $a, B $b CPU-ms per request, B/A $ratio"
done

echo "A: median $(printf '%s\n' "${runs_a[@]}" | median) CPU-ms per request, peak RSS $(peak_rss_mb "$pid_a") MB"
echo "B: median $(printf '%s\n' "${runs_b[@]}" | median) CPU-ms per request, peak RSS $(peak_rss_mb "$pid_b") MB"
echo "B/A: median $(printf '%s\n' "${ratios[@]}" | median)"
