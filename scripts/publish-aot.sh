#!/usr/bin/env bash
# Publishes the proxy as one Native AOT binary and fails on any trim/AOT warning.
#   scripts/publish-aot.sh                 linux-x64 into .build/aot/linux-x64/
#   RID=linux-arm64 scripts/publish-aot.sh (osx-arm64 must be built on a Mac, win-x64 on Windows)
# Needs clang and zlib headers (installed with apt-get when missing and running as root).
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
rid="${RID:-linux-x64}"
out="${AOT_OUT:-$root/.build/aot/$rid}"

if [ "$(uname -s)" = "Linux" ] && ! command -v clang >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing clang and zlib1g-dev for the native link..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang zlib1g-dev >/dev/null
  else
    echo "Native AOT needs clang and zlib1g-dev: sudo apt-get install clang zlib1g-dev" >&2
    exit 1
  fi
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "Publishing Native AOT for $rid (the first build takes a few minutes)..." >&2
# Any compiler, analyzer, trim (IL2xxx) or AOT (IL3xxx) warning fails the script.
if ! dotnet publish src/CodexProxy -c Release -r "$rid" -p:PublishAot=true -o "$out" --nologo >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi

warnings="$(grep -E 'warning (IL|CS|CA|IDE)[0-9]+' "$log" | sort -u || true)"
if [ -n "$warnings" ]; then
  echo "$warnings" >&2
  echo "AOT publish produced $(wc -l <<<"$warnings") warning(s)." >&2
  exit 1
fi

binary="$out/chatgpt-codex-proxy"
[ -f "$binary.exe" ] && binary="$binary.exe"
echo "0 warnings. $(du -h "$binary" | cut -f1)  $binary"
