#!/usr/bin/env bash
# Cold start of a proxy binary: time from exec to the first 200 from /health, polling every 2 ms, and the proxy's
# CPU time (user + system) up to that moment.
#   bench/cold-start.sh .build/aot/linux-x64/chatgpt-codex-proxy [runs]
# Loopback only; each run uses a fresh home directory and a free port, and the proxy is stopped after it answers.
set -euo pipefail

binary="${1:?usage: bench/cold-start.sh path/to/chatgpt-codex-proxy [runs]}"
runs="${2:-5}"
work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

for run in $(seq "$runs"); do
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  mkdir -p "$work/home.$run"
  started="$(date +%s%N)"
  PORT="$port" CODEX_BASE_URL="http://127.0.0.1:9" CHATGPT_CODEX_PROXY_HOME="$work/home.$run" LOG_FILE="$work/proxy.$run.log" \
    "$binary" start >"$work/out.$run" 2>&1 &
  pid=$!
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "the proxy exited:" >&2; cat "$work/out.$run" >&2; exit 1; fi
    sleep 0.002
  done
  ended="$(date +%s%N)"
  # CPU time too: under load from other processes it is steadier than the wall clock.
  cpu_ms="$(awk -v t="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / t }' "/proc/$pid/stat")"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  printf '%s/%s ' "$(( (ended - started) / 1000000 ))" "$cpu_ms"
done
echo "ms (wall/CPU)"
