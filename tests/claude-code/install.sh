#!/usr/bin/env bash
# Installs the Claude Code versions a package.json pins (entries named "claude-code-<version>", aliases of
# @anthropic-ai/claude-code) and makes sure each one's native binary runs. Does nothing when they already do.
#
#   tests/claude-code/install.sh [DIR]     DIR defaults to tests/claude-code; without a lock file it runs `npm install`
#
# The package's postinstall copies the platform binary over the bin/claude.exe placeholder. npm skips it in some
# set-ups (--ignore-scripts, or a version whose "engines" asks for a newer Node than the one installed), so this runs
# it by hand when a placeholder is left behind. The binaries are native and do not need Node to run.
set -euo pipefail
dir="${1:-$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)}"
cd "$dir"

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "install.sh: node and npm are not on PATH; install Node.js (18 or newer) and npm to run the Claude Code tests." >&2
  exit 1
fi

mapfile -t packages < <(node -e '
  const deps = require(process.argv[1]).dependencies ?? {};
  for (const name of Object.keys(deps)) if (name.startsWith("claude-code-")) console.log(name);
' "$dir/package.json")
if [ "${#packages[@]}" -eq 0 ]; then
  echo "install.sh: $dir/package.json pins no claude-code-<version> package." >&2
  exit 1
fi

runs() { # package: its binary answers --version with the pinned version
  local version="${1#claude-code-}"
  "node_modules/$1/bin/claude.exe" --version 2>/dev/null | grep -qF "$version (Claude Code)"
}

missing=0
for package in "${packages[@]}"; do runs "$package" || missing=1; done
if [ "$missing" -eq 0 ]; then exit 0; fi

if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi

for package in "${packages[@]}"; do
  if ! runs "$package"; then
    (cd "node_modules/$package" && node install.cjs)
  fi
  if ! runs "$package"; then
    echo "install.sh: node_modules/$package/bin/claude.exe does not run after npm and its postinstall:" >&2
    "node_modules/$package/bin/claude.exe" --version >&2 || true
    exit 1
  fi
done
