#!/usr/bin/env bash
# Benchmark for issue 14: `preflight check` on an unchanged folder, first with an empty verdict cache, then again.
#
# The folder: copies of testdata/{valid,mislabeled,corrupt,limits,real-world,unsupported} (hostile/ left out),
# cut to exactly --files files (default 1,640). For quick mode and --deep, each run N times:
#   no cache  : preflight check FOLDER --format json --no-cache
#   cold      : the same with an empty --cache folder (inspects, then writes the cache)
#   warm      : the same again (nothing changed: every file should come from the cache without being read)
# Prints wall time, CPU time (user + sys, children included), peak RSS, the number of "cached": true entries, and
# the ratio cold / warm. Target: warm >= 10x faster than cold. Output is Markdown for docs/benchmarks.md.
#
# usage: bench/cache-speed.sh [--files N] [--runs N] [--skip-deep]
set -euo pipefail

root="$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=../scripts/lib.sh
source "$root/scripts/lib.sh"
# shellcheck source=lib/common.sh
source "$root/bench/lib/common.sh"

files=1640 runs=2 deep=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --files) files="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --skip-deep) deep=0; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

ensure_ffmpeg
ensure_gnu_time
bench_build_cli

work="$(mktemp -d "${TMPDIR:-/tmp}/preflight-bench-cache.XXXXXX")"
trap 'rm -rf -- "$work"' EXIT

folder="$work/assets"
categories=(valid mislabeled corrupt limits real-world unsupported)
copy=0
while [[ "$(find "$folder" -type f 2>/dev/null | wc -l)" -lt "$files" ]]; do
  copy=$((copy + 1))
  mkdir -p "$folder/copy$copy"
  for category in "${categories[@]}"; do cp -r "$root/testdata/$category" "$folder/copy$copy/"; done
done
# Cut to exactly $files: drop the last files of the last copy.
find "$folder" -type f | sort | tail -n +"$((files + 1))" | xargs -r rm -f
count="$(find "$folder" -type f | wc -l)"
bytes="$(du -sb "$folder" | cut -f1)"
distinct="$(find "$folder" -type f -exec basename {} \; | sort -u | wc -l)"

echo "## Verdict cache: re-checking an unchanged folder (bench/cache-speed.sh)"
echo
machine_info
echo "- folder: $count files, $((bytes / 1000)) kB, $copy copies of testdata's categories (hostile/ left out), $distinct distinct file names"
echo

# row MODE LABEL CACHE_ARGS...: one timed run; prints a Markdown row, leaves the wall time in $last_wall.
row() {
  local mode="$1" label="$2"; shift 2
  local flag=(); [[ "$mode" == deep ]] && flag=(--deep)
  timed "$work/t" dotnet "$preflight_dll" check "$folder" --format json "${flag[@]}" "$@" >"$work/out.json" 2>"$work/err.txt"
  read -r wall rss user sys rc < <(tail -n 1 "$work/t")
  last_wall="$wall"
  local cached; cached="$(grep -c '"cached": true' "$work/out.json" || true)"
  local verdicts; verdicts="$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print(s["passed"], "/", s["failed"])' "$work/out.json")"
  local cpu; cpu="$(python3 -c 'import sys; print(f"{float(sys.argv[1]) + float(sys.argv[2]):.2f}")' "$user" "$sys")"
  printf '| %s | %s | %s s | %s s | %d MB | %s | %s | %s |\n' "$mode" "$label" "$wall" "$cpu" "$((rss / 1024))" "$cached" "$verdicts" "$(cut -d' ' -f1 /proc/loadavg)"
}

modes=(quick); [[ $deep -eq 1 ]] && modes+=(deep)
echo "| mode | run | wall | CPU (user+sys) | peak RSS | \"cached\": true | pass / fail | load (1 min) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
ratios=()
for mode in "${modes[@]}"; do
  for ((r = 1; r <= runs; r++)); do
    row "$mode" "no cache #$r" --no-cache
    rm -rf "$work/cache"
    row "$mode" "cold cache #$r" --cache "$work/cache"; cold="$last_wall"
    row "$mode" "warm cache #$r" --cache "$work/cache"; warm="$last_wall"
    ratios+=("$mode #$r: $(python3 -c "import sys; print(f'{float(sys.argv[1]) / max(float(sys.argv[2]), 0.001):.1f}x')" "$cold" "$warm")")
  done
done
echo
echo "Cold / warm wall-time ratio: ${ratios[*]}"
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
