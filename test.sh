#!/usr/bin/env bash
# Runs every test (unit, end-to-end with the Anthropic SDK, and the real Claude Code CLI) and prints
# a closing line "N passed, M failed". Exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The pinned Claude Code versions that the end-to-end tests drive (npm ci when one is missing or does not run).
tests/claude-code/install.sh
# The pinned official Codex CLI whose requests the capture tests compare with the golden files.
if [ ! -x tests/codex-cli/node_modules/.bin/codex ]; then
  (cd tests/codex-cli && npm ci --no-audit --no-fund --loglevel=error)
fi

results="$root/.build/test-results"
rm -rf "$results"
set +e
dotnet test tests/CodexProxy.Tests -c Release --logger "trx;LogFileName=tests.trx" --results-directory "$results" "$@"
status=$?
set -e

trx="$results/tests.trx"
if [ -f "$trx" ]; then
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  passed="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  failed="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  echo "${passed:-0} passed, ${failed:-0} failed"
  if [ "${failed:-0}" != "0" ]; then status=1; fi
else
  echo "0 passed, 1 failed"
  status=1
fi
exit "$status"
