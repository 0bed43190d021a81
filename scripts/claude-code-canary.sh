#!/usr/bin/env bash
# Runs the real-Claude-Code end-to-end scenarios (the tests in the "ClaudeCode" category: the Bash tool loop through
# the proxy, and `chatgpt-codex-proxy claude`) against any published Claude Code version, in a few minutes, and
# prints one line per scenario. The version is installed in a temporary directory; the pinned ones are not touched.
#
#   scripts/claude-code-canary.sh 2.1.331      # or a dist-tag: latest, stable, next
#
# Exits 1 when a scenario fails. To adopt a version that passes, add it to tests/claude-code/package.json as
# "claude-code-<version>": "npm:@anthropic-ai/claude-code@<version>" and run `npm install` there.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ $# -ne 1 ]; then
  echo "usage: $0 VERSION   (e.g. 2.1.331 or latest)" >&2
  exit 2
fi
version="$1"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-.][0-9A-Za-z.-]+)?$ ]]; then
  version="$(npm view "@anthropic-ai/claude-code@$version" version 2>/dev/null | tail -n 1 | tr -d "'\"")"
  if [ -z "$version" ]; then
    echo "$0: npm does not know @anthropic-ai/claude-code@$1" >&2
    exit 2
  fi
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/claude-code-canary-XXXXXX")"
trap 'rm -rf "$work"' EXIT
cat >"$work/package.json" <<JSON
{"private": true, "dependencies": {"claude-code-$version": "npm:@anthropic-ai/claude-code@$version"}}
JSON
echo "Installing Claude Code $version in $work ..."
tests/claude-code/install.sh "$work"
binary="$work/node_modules/claude-code-$version/bin/claude.exe"

echo "Building the tests ..."
dotnet build tests/CodexProxy.Tests -c Release -v quiet -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }

echo "Running the Claude Code scenarios against $("$binary" --version) ..."
results="$work/results"
set +e
CLAUDE_CODE_BINARY="$binary" dotnet test tests/CodexProxy.Tests -c Release --no-build --filter "Category=ClaudeCode" \
  --logger "trx;LogFileName=canary.trx" --results-directory "$results" >"$work/test.log" 2>&1
status=$?
set -e

trx="$results/canary.trx"
if [ ! -f "$trx" ]; then
  cat "$work/test.log"
  exit 1
fi

# One row per <UnitTestResult>: the test name without its (version: …) argument (with the model, for a theory over
# models), the outcome and the duration.
attr() { sed -n "s/.* $1=\"\([^\"]*\)\".*/\1/p" <<<"$2"; }
printf '\n%-75s | %-7s | %s\n' "scenario (Claude Code $version)" result time
printf '%s\n' "$(printf -- '-%.0s' {1..75}) | ------- | -------"
failed=0
while IFS= read -r row; do
  name="$(attr testName "$row")"
  model="$(sed -n 's/.*model: &quot;\([^&]*\)&quot;.*/\1/p' <<<"$name")"
  name="${name%%(*}"; name="${name#CodexProxy.Tests.}"
  if [ -n "$model" ]; then name="$name [$model]"; fi
  outcome="$(attr outcome "$row")"
  duration="$(attr duration "$row")"
  seconds="$(awk -F: '{ printf "%.1f s", $1 * 3600 + $2 * 60 + $3 }' <<<"$duration")"
  printf '%-75s | %-7s | %s\n' "$name" "$outcome" "$seconds"
  if [ "$outcome" != "Passed" ]; then failed=$((failed + 1)); fi
done < <(grep -o '<UnitTestResult [^>]*>' "$trx")

if [ "$failed" -ne 0 ] || [ "$status" -ne 0 ]; then
  echo
  echo "$failed scenario(s) failed; the details:"
  grep -E '^\s+(Failed|Error Message|  )' "$work/test.log" | head -n 200 || cat "$work/test.log"
  exit 1
fi
