#!/usr/bin/env bash
# Times `statusline` as Claude Code runs it: a fresh process per redraw, its JSON on stdin, against a home with a
# usage history of ROWS rows (one session among many) and a usage.json. Prints min/median/p95/max wall time.
#   bench/statusline.sh .build/aot/linux-x64/chatgpt-codex-proxy [RUNS]
#   bench/statusline.sh "dotnet .build/bin/chatgpt-codex-proxy.dll" 20
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
binary="${1:-$root/.build/aot/linux-x64/chatgpt-codex-proxy}"
runs="${2:-50}"
rows="${ROWS:-100000}"
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT

python3 - "$home" "$rows" <<'PY'
import json, sqlite3, sys, time
home, rows = sys.argv[1], int(sys.argv[2])
now = int(time.time() * 1000)
db = sqlite3.connect(f"{home}/usage.db")
db.executescript("""
PRAGMA journal_mode=WAL;
CREATE TABLE requests (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, account TEXT NOT NULL, session TEXT, api TEXT NOT NULL,
  requested_model TEXT, codex_model TEXT, input_tokens INTEGER NOT NULL, cached_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL, duration_ms INTEGER NOT NULL, outcome TEXT NOT NULL);
CREATE INDEX requests_at ON requests (at_ms);
CREATE INDEX requests_session ON requests (session, at_ms);
PRAGMA user_version=1;
""")
db.executemany("INSERT INTO requests (at_ms, account, session, api, requested_model, codex_model, input_tokens, cached_tokens, output_tokens, reasoning_tokens, duration_ms, outcome) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
  ((now - (rows - i) * 60000, "default", f"session-{i % 500}", "anthropic", "claude-sonnet-5-5", "gpt-6.1-sol", 50000, 45000, 300, 100, 4000, "ok") for i in range(rows)))
db.commit()
db.close()
reset = lambda minutes: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + minutes * 60))
json.dump({"observed_at": reset(0), "primary": {"used_percent": 42, "window_minutes": 300, "resets_at": reset(125)},
           "secondary": {"used_percent": 13, "window_minutes": 10080, "resets_at": reset(4500)}}, open(f"{home}/usage.json", "w"))
PY

input='{"hook_event_name":"Status","session_id":"session-7","model":{"id":"claude-sonnet-5-5","display_name":"Sonnet 5.5"},"workspace":{"current_dir":"/tmp","project_dir":"/tmp"},"version":"2.1.328"}'
times=()
for _ in $(seq "$runs"); do
  started=$(date +%s%N)
  line="$(printf '%s' "$input" | CHATGPT_CODEX_PROXY_HOME="$home" $binary statusline)"
  times+=($(( ($(date +%s%N) - started) / 1000 )))
done
echo "line: $line"
printf '%s\n' "${times[@]}" | sort -n | awk -v rows="$rows" '{ t[NR] = $1 } END {
  printf "statusline, %d runs, %d history rows: min %.1f ms, median %.1f ms, p95 %.1f ms, max %.1f ms\n",
    NR, rows, t[1] / 1000, t[int((NR + 1) / 2)] / 1000, t[int(NR * 0.95 + 0.5)] / 1000, t[NR] / 1000 }'
