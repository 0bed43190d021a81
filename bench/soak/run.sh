#!/usr/bin/env bash
# Builds the proxy (Release), then runs soak.cs against it with an in-process fake Codex upstream.
#   ./run.sh                      both: the abort phase (5 x 200), then the soak (20,000 at 64), each on a fresh proxy
#   ./run.sh aborts [rounds] [n]  warm-up, baseline, rounds of n streams aborted after the first delta, leak checks
#   ./run.sh soak [requests] [c]  mixed requests at concurrency c, every answer checked, RSS sampled
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dotnet build "$root/src/CodexProxy" -c Release -o "$root/.build/soak-proxy" -v quiet -nologo
cd "$here"
exe="$root/.build/soak-proxy/chatgpt-codex-proxy"
case "${1:-all}" in
  aborts) dotnet run soak.cs -- "$exe" aborts "${2:-5}" "${3:-200}" ;;
  soak) dotnet run soak.cs -- "$exe" soak "${2:-20000}" "${3:-64}" ;;
  all)
    status=0
    dotnet run soak.cs -- "$exe" aborts 5 200 || status=1
    dotnet run soak.cs -- "$exe" soak 20000 64 || status=1
    exit $status
    ;;
  *) echo "usage: $0 [all | aborts [rounds] [n] | soak [requests] [concurrency]]" >&2; exit 2 ;;
esac
