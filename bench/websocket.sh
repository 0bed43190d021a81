#!/usr/bin/env bash
# The replayed 50-turn Claude Code session over the WebSocket transport (issue #15): per turn, the bytes of the
# WebSocket frame against the full HTTP body (JSON and zstd), for a Responses-lite and a classic model. The session
# runs through the real proxy against the test suite's fake backend, which reconstructs every frame's full model input
# and compares it with what the same client requests carry over HTTP (the run fails if any turn differs).
# Bytes are counted, not timed, so the figures do not depend on the machine's load.
set -euo pipefail
cd "$(dirname "$0")/.."
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
dotnet build tests/CodexProxy.Tests -c Release -v quiet -nologo >/dev/null
WEBSOCKET_BENCH_REPORT="$report" dotnet test tests/CodexProxy.Tests -c Release --no-build \
  --filter "FullyQualifiedName~WebSocketReplayBenchTests" >/dev/null
cat "$report"
