#!/usr/bin/env bash
# Issue #15's real sizes on the transport users run by default: a streamed 50-turn Claude Code tool loop whose history
# grows by ~70 KB tool results to ~3.5 MB, through the real proxy as a child process (CODEX_TRANSPORT=auto, so one
# WebSocket per conversation and only each turn's new items) in front of the test suite's fake backend, for a
# Responses-lite (gpt-6.1-sol) and a classic (gpt-5.5) model. Per turn: proxy CPU (/proc, 10 ms ticks, read as means
# over a size band), time to the first SSE event and to the end, frame bytes, and "direct": the same full request posted
# straight to the fake's HTTP /codex/responses. Peak RSS is VmHWM. The fake reconstructs every turn's model input and
# the run fails unless it equals what the same requests carry over HTTP. Runs BigWebSocketBenchTests (skipped without
# BIG_WEBSOCKET_BENCH_REPORT). Loopback only; Linux only (/proc).
#   bench/big-websocket.sh                                                     the JIT build (dotnet chatgpt-codex-proxy.dll)
#   PROXY_BIN=.build/aot/linux-x64/chatgpt-codex-proxy bench/big-websocket.sh  the AOT binary (scripts/publish-aot.sh)
#   BIG_WEBSOCKET_BENCH_LOG_LEVEL=debug bench/big-websocket.sh                 the proxy logs why a turn went out in full
#   BIG_WEBSOCKET_BENCH_TRANSPORT=http bench/big-websocket.sh                  the same session over HTTPS + SSE, to compare
#   BIG_WEBSOCKET_BENCH_DEFLATE=1 bench/big-websocket.sh                       the fake negotiates permessage-deflate
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
if [ -z "${NO_BUILD:-}" ]; then
  dotnet build tests/CodexProxy.Tests -c Release -v quiet -nologo >/dev/null
fi
if [ -n "${PROXY_BIN:-}" ]; then
  PROXY_BIN="$(readlink -f "$PROXY_BIN")"
  export PROXY_BIN
fi
BIG_WEBSOCKET_BENCH_REPORT="$report" dotnet test tests/CodexProxy.Tests -c Release --no-build \
  --filter "FullyQualifiedName~BigWebSocketBenchTests" >"$report.log" 2>&1 || { cat "$report.log" >&2; rm -f "$report.log"; exit 1; }
rm -f "$report.log"
cat "$report"
