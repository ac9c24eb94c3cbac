# Shared by bench/*.sh. Source after setting $root (the repo root); defines functions only.
# Builds go to $BENCH_ARTIFACTS (default /tmp/art-bench), never into the tree, so a benchmark does not
# collide with other builds running in the same checkout.

BENCH_ARTIFACTS="${BENCH_ARTIFACTS:-/tmp/art-bench}"
# publish_cli, dotnet_rid, ensure_*: scripts/lib.sh (a bench may have sourced it already).
if ! declare -F publish_cli >/dev/null; then
  # shellcheck source=../../scripts/lib.sh
  source "$root/scripts/lib.sh"
fi

bench_dotnet_env() {
  export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
}

# bench_build PROJECT OUTDIR: the same Release build ./preflight makes, into a private folder.
bench_build() {
  local project="$1" out="$2" log
  bench_dotnet_env
  log="$(mktemp)"
  if ! (cd "$root" && dotnet build "$project" -c Release -o "$out" --artifacts-path "$BENCH_ARTIFACTS" \
        --nologo -v q -clp:ErrorsOnly) >"$log" 2>&1; then
    echo "bench: building $project failed:" >&2
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}

# Sets the array $preflight_cli to the CLI that ./preflight runs (the same publish: Native AOT, else ReadyToRun),
# built privately. Run it as "${preflight_cli[@]}" ARGS.
bench_build_cli() {
  command -v dotnet >/dev/null 2>&1 || { echo "bench: the .NET SDK is needed (https://dot.net)" >&2; return 1; }
  echo "bench: publishing the CLI as ./preflight does (Release, Native AOT) into $BENCH_ARTIFACTS/cli ..." >&2
  bench_dotnet_env
  publish_cli "$BENCH_ARTIFACTS/cli" "$BENCH_ARTIFACTS" || { echo "bench: publishing the CLI failed" >&2; return 1; }
  cli_command "$BENCH_ARTIFACTS/cli"
}

ensure_gnu_time() {
  [[ -x /usr/bin/time ]] && /usr/bin/time -f %e true >/dev/null 2>&1 && return 0
  echo "bench: installing Debian's 'time' package (GNU time, for wall time and peak RSS) ..." >&2
  _sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
  _sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq time >/dev/null
}

# timed OUTFILE CMD...: runs CMD once; OUTFILE gets "wall_s peak_rss_kb user_s sys_s exit" (bench/lib/timed.py).
# The wall clock covers exactly the command's own spawn, run and exit, to the millisecond; CPU time and peak RSS are the
# process's and its waited-for children's, as GNU time reports them (peak RSS is the largest, not the sum).
timed() {
  local out="$1"; shift
  python3 "$root/bench/lib/timed.py" "$out" "$@" || true
}

# What the numbers were measured on, in Markdown.
machine_info() {
  echo "- date (UTC): $(date -u '+%Y-%m-%d %H:%M:%S')"
  echo "- commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$( [[ -n "$(git -C "$root" status --porcelain -- src 2>/dev/null)" ]] && echo ' (src/ has uncommitted changes)')"
  echo "- cores (nproc): $(nproc); memory: $(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}')"
  echo "- cpu: $(lscpu | awk -F: '/^Model name/ {gsub(/^ +/, "", $2); print $2; exit}')"
  echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- dotnet $(dotnet --version 2>/dev/null); $(ffprobe -version 2>/dev/null | head -1 | cut -d' ' -f1-3)"
}
