#!/usr/bin/env bash
# Regenerates the official Codex CLI golden captures (tests/CodexProxy.Tests/Codex/CodexCliGolden/*.json) and the
# bundled model catalogue fixture (tests/CodexProxy.Tests/Codex/Catalogue/codex-models-<version>.json) by running the
# pinned CLI from tests/codex-cli against the fake backend. Review the diff (git diff) before committing it.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

(cd tests/codex-cli && npm ci --no-audit --no-fund --loglevel=error)
CODEX_CLI_GOLDEN=write dotnet test tests/CodexProxy.Tests -c Release --filter "FullyQualifiedName~CodexCli" "$@"
git status --short -- tests/CodexProxy.Tests/Codex/CodexCliGolden tests/CodexProxy.Tests/Codex/Catalogue
