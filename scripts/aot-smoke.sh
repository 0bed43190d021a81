#!/usr/bin/env bash
# CI smoke test of the Native AOT binary: publish it (0 warnings), start it against the benchmark fake upstream,
# check /health (and the cold start time to its first 200), then one streamed /v1/messages request, which the usage
# history must record, and one status line.
# Prints "N passed, M failed". Loopback only.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
out="$root/.build/aot/linux-x64"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
check() { # check NAME COMMAND...
  if "${@:2}"; then echo "✓ $1"; passed=$((passed + 1)); else echo "✗ $1"; failed=$((failed + 1)); fi
}

scripts/publish-aot.sh
binary="$out/chatgpt-codex-proxy"

dotnet build bench/FakeUpstream -c Release -o "$root/.build/bench/FakeUpstream" --nologo -v quiet >/dev/null
"$root/.build/bench/FakeUpstream/FakeUpstream" --deltas 5 >"$work/fake.out" 2>&1 &
pids+=("$!")
for _ in $(seq 100); do grep -q '^listening ' "$work/fake.out" && break; sleep 0.05; done
fake_url="$(awk '/^listening /{print $2}' "$work/fake.out")"

home="$work/home"
mkdir -p "$home"
printf '{"access_token":"smoke-token","refresh_token":"smoke-refresh","expires_at":4102444800000,"chatgpt_account_id":"smoke"}' >"$home/tokens.json"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

started_ns="$(date +%s%N)"
PORT="$port" CODEX_BASE_URL="${fake_url%/}" CHATGPT_CODEX_PROXY_HOME="$home" LOG_FILE="$work/proxy.log" \
  "$binary" start >"$work/proxy.out" 2>&1 &
pids+=("$!")
healthy=false
for _ in $(seq 2000); do
  if curl -fsS "http://127.0.0.1:$port/health" >"$work/health.json" 2>/dev/null; then healthy=true; break; fi
  sleep 0.005
done
cold_ms=$(( ($(date +%s%N) - started_ns) / 1000000 ))
echo "cold start to first 200 from /health: ${cold_ms} ms"

check "/health answers 200 with status ok" grep -q '"status":"ok"' "$work/health.json"
if ! $healthy; then cat "$work/proxy.out" >&2; fi

curl -sS -N --max-time 20 "http://127.0.0.1:$port/v1/messages" \
  -H 'content-type: application/json' -H 'x-api-key: dummy' -H 'anthropic-version: 2023-06-01' \
  -d '{"model":"claude-sonnet-4-5","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"hi"}]}' \
  >"$work/stream.sse" 2>"$work/stream.err" || true
check "streamed request: message_start" grep -q '^event: message_start' "$work/stream.sse"
check "streamed request: 5 text deltas" test "$(grep -c '"type":"text_delta"' "$work/stream.sse")" = 5
check "streamed request: message_stop" grep -q '^event: message_stop' "$work/stream.sse"

# A Claude Code session goes over the default transport, the backend's WebSocket (ClientWebSocket in the AOT binary).
curl -sS -N --max-time 20 "http://127.0.0.1:$port/v1/messages" \
  -H 'content-type: application/json' -H 'x-api-key: dummy' -H 'anthropic-version: 2023-06-01' \
  -H 'x-claude-code-session-id: 5d0c2f7e-0000-4000-8000-00000000a07e' \
  -d '{"model":"claude-sonnet-4-5","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"hi"}]}' \
  >"$work/socket.sse" 2>"$work/socket.err" || true
check "WebSocket turn: 5 text deltas" test "$(grep -c '"type":"text_delta"' "$work/socket.sse")" = 5
check "WebSocket turn: went over the socket" grep -q 'websocket_turns=1' <(curl -fsS "${fake_url%/}/stats")

# The usage history (SQLite, native library beside the binary) recorded both requests.
history_rows() {
  "$binary" usage --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["requests"])' 2>/dev/null || echo 0
}
for _ in $(seq 100); do [ "$(CHATGPT_CODEX_PROXY_HOME="$home" history_rows)" = 2 ] && break; sleep 0.05; done
check "usage history: both requests are recorded" test "$(CHATGPT_CODEX_PROXY_HOME="$home" history_rows)" = 2
statusline="$(printf '{"session_id":"smoke","model":{"id":"claude-sonnet-5-5"}}' | CHATGPT_CODEX_PROXY_HOME="$home" "$binary" statusline)"
echo "statusline: $statusline"
check "statusline prints one line" test -n "$statusline"
if [ "$failed" != 0 ]; then
  echo "--- stream" >&2; cat "$work/stream.sse" "$work/stream.err" "$work/socket.sse" "$work/socket.err" >&2
  echo "--- proxy output" >&2; cat "$work/proxy.out" >&2
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
