#!/usr/bin/env bash
# Soak: builds the proxy (Release), then runs soak.cs: 20,000 mixed requests at concurrency 64 through the real
# proxy process to an in-process fake Codex upstream. Arguments: [requests] [concurrency].
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dotnet build "$root/src/CodexProxy" -c Release -o "$root/.build/soak-proxy" -v quiet -nologo
cd "$here"
dotnet run soak.cs -- "$root/.build/soak-proxy/chatgpt-codex-proxy" "${1:-20000}" "${2:-64}"
