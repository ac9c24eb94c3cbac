#!/usr/bin/env bash
# The test command (README and .ci/run call this). On a fresh Debian machine it installs what the
# suite needs (Debian ffmpeg and chromium, Azurite from npm into .tools/), publishes the CLI users run (PREFLIGHT_TEST_CLI),
# starts Azurite on free loopback ports, runs every test project, stops Azurite, and prints one closing line: "N passed, N failed".
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

ensure_ffmpeg
ensure_chromium
ensure_azurite
# Playwright drives /usr/bin/chromium; never let it try to download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

work="$(mktemp -d -t preflight-test.XXXXXX)"
azurite_pid=""
cleanup() {
  if [[ -n "$azurite_pid" ]]; then
    kill "$azurite_pid" 2>/dev/null || true
    wait "$azurite_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The CLI users run (./preflight: Native AOT, ReadyToRun without a C toolchain), published once:
# PublishedCliTests compare it with the JIT build the other tests run. A failed publish shows as their failures (counted below).
if publish_cli "$work/cli" "$work/cli-art" 2>"$work/publish.log"; then
  cli_command "$work/cli"
  export PREFLIGHT_TEST_CLI="${preflight_cli[-1]}"
  if [[ "${preflight_cli[0]}" == dotnet ]]; then build="ReadyToRun fallback (Native AOT not possible here)"; else build="Native AOT"; fi
  echo "preflight: published CLI under test: $build, $PREFLIGHT_TEST_CLI"
else
  export PREFLIGHT_TEST_CLI="$work/cli/publish-failed"
  echo "preflight: publishing the CLI failed; PublishedCliTests will fail. The log:"
fi
cat "$work/publish.log"

start_azurite "$work/azurite"   # sets azurite_pid and exports PREFLIGHT_TEST_AZURITE
echo "preflight: Azurite listening on 127.0.0.1:$AZURITE_BLOB_PORT (blob), :$AZURITE_QUEUE_PORT (queue)"

log="$work/test.log"
set +e
dotnet test Preflight.sln -c Release --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# dotnet test prints one summary per test assembly ("Passed!  - Failed: 0, Passed: 41, ..."); add them up.
read -r passed failed < <(grep -E '^(Passed|Failed)!' "$log" |
  sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+).*/\2 \1/' |
  awk '{p+=$1; f+=$2} END {print p+0, f+0}')
assemblies=$(grep -cE '^(Passed|Failed)!' "$log" || true)
echo "test assemblies: $assemblies"
echo "$passed passed, $failed failed"
if [[ $status -ne 0 || $failed -ne 0 || $passed -eq 0 ]]; then
  exit 1
fi
