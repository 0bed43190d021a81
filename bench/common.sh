# Shared by the side-by-side benchmarks (run.sh, big.sh); sourced after `root` is set and `cd "$root"`.
# Sets out, work, pids (killed on exit), load and proxy_cmd; builds the fake upstream, the load tool and the proxy
# unless NO_BUILD is set; defines start_fake, start_proxy and the /proc readers.
out="$root/.build/bench"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${NO_BUILD:-}" ]; then
  echo "Building (Release)..." >&2
  for project in bench/FakeUpstream bench/LoadTool src/CodexProxy; do
    dotnet build "$project" -c Release -o "$out/$(basename "$project")" --nologo -v quiet >/dev/null
  done
fi
load="$out/LoadTool/LoadTool"
proxy_cmd=("${PROXY_BIN:-$out/CodexProxy/chatgpt-codex-proxy}")

# Starts a process that prints "listening <url>" once ready (the fake upstream, the null relay); sets listener_pid
# and listener_url.
start_listener() {
  local log="$work/listener.$RANDOM"
  "$@" >"$log" 2>&1 &
  listener_pid=$!
  pids+=("$listener_pid")
  for _ in $(seq 100); do
    if grep -q '^listening ' "$log"; then break; fi
    sleep 0.05
  done
  listener_url="$(awk '/^listening /{print $2}' "$log")"
  listener_url="${listener_url%/}"
}

# Starts the fake upstream with the given arguments; sets fake_pid and fake_url.
start_fake() {
  start_listener "$out/FakeUpstream/FakeUpstream" "$@"
  fake_pid="$listener_pid"
  fake_url="$listener_url"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Starts the proxy ("${proxy_cmd[@]}") against $fake_url, with its own home and log named after $1 (default
# "proxy"); sets proxy_pid and proxy_url.
start_proxy() {
  local name="${1:-proxy}" home port
  home="$work/$name.home"
  mkdir -p "$home"
  printf '{"access_token":"bench-token","refresh_token":"bench-refresh","expires_at":4102444800000,"chatgpt_account_id":"bench"}' >"$home/tokens.json"
  port="$(free_port)"
  PORT="$port" CODEX_BASE_URL="$fake_url" CHATGPT_CODEX_PROXY_HOME="$home" LOG_FILE="$work/$name.log" \
    "${proxy_cmd[@]}" start >>"$work/$name.out" 2>&1 &
  proxy_pid=$!
  pids+=("$proxy_pid")
  proxy_url="http://127.0.0.1:$port"
  for _ in $(seq 200); do
    if curl -fsS "$proxy_url/health" >/dev/null 2>&1; then return 0; fi
    sleep 0.05
  done
  echo "proxy did not start:" >&2; cat "$work/$name.out" >&2; exit 1
}

clk_tck="$(getconf CLK_TCK)"
cpu_seconds() { awk -v t="$clk_tck" '{ printf "%.3f", ($14 + $15) / t }' "/proc/$1/stat"; }
peak_rss_mb() { awk '/^VmHWM:/{ printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
reset_peak_rss() { echo 5 >"/proc/$1/clear_refs" 2>/dev/null || true; }
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }
