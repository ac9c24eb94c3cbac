#!/usr/bin/env bash
# Benchmark for issue 14: `preflight check` on an unchanged folder, first with an empty verdict cache, then again.
#
# Two corpora (bench/lib/corpus.sh, the same code bench/check-speed.sh uses):
#   large: the issue-9 folder of bench/check-speed.sh --large: 10 copies of testdata-like content with generated
#          MP4/WAV/MP3, ~1,600 files, ~275 MB;
#   small: copies of testdata/{valid,mislabeled,corrupt,limits,real-world,unsupported} cut to exactly --files files
#          (default 1,640, ~55 MB: small files only).
# For each, quick mode over the whole folder and --deep over its first --deep-copies copies (an ffmpeg decode per
# file: the whole folder would take most of an hour on a shared 2-core machine), each run --runs times:
#   no cache : preflight check FOLDER --format json --no-cache
#   cold     : the same with an empty --cache folder (inspects, then writes the cache)
#   warm     : the same again (nothing changed: every file comes from the cache without being read)
# Prints wall time, CPU time (user + sys, children included), peak RSS, the number of "cached": true entries, the
# load average, and the cold / warm ratios of wall and CPU time. Target: warm >= 10x faster than cold (wall).
# Output is Markdown for docs/benchmarks.md.
#
# usage: bench/cache-speed.sh [--large | --small] [--files N] [--runs N] [--skip-deep] [--deep-copies N]
set -euo pipefail

root="$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=../scripts/lib.sh
source "$root/scripts/lib.sh"
# shellcheck source=lib/common.sh
source "$root/bench/lib/common.sh"
# shellcheck source=lib/corpus.sh
source "$root/bench/lib/corpus.sh"

files=1640 runs=2 deep=1 deep_copies=1 corpora=(large small)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --large) corpora=(large); shift ;;
    --small) corpora=(small); shift ;;
    --files) files="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --skip-deep) deep=0; shift ;;
    --deep-copies) deep_copies="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

ensure_ffmpeg
ensure_gnu_time
bench_build_cli

work="$(mktemp -d "${TMPDIR:-/tmp}/preflight-bench-cache.XXXXXX")"
trap 'rm -rf -- "$work"' EXIT

# build_small FOLDER: whole copies of the categories, then cut to exactly $files (the last files of the last copy go).
build_small() {
  local folder="$1" copies
  copies=$(((files + 71) / 72))
  bench_corpus_mixed "$folder" "$copies"
  find "$folder" -type f | sort | tail -n +"$((files + 1))" | xargs -r rm -f
}

# run_check CORPUS MODE LABEL CACHE_ARGS...: one timed check of "${paths[@]}"; prints a Markdown row and leaves the
# times in $last_wall and $last_cpu.
run_check() {
  local corpus="$1" mode="$2" label="$3"; shift 3
  local flag=(); [[ "$mode" == deep ]] && flag=(--deep)
  local load; load="$(cut -d' ' -f1 /proc/loadavg)"
  timed "$work/t" "${preflight_cli[@]}" check "${paths[@]}" --format json "${flag[@]}" "$@" >"$work/out.json" 2>"$work/err.txt"
  read -r wall rss user sys _ < <(tail -n 1 "$work/t")
  last_wall="$wall"
  last_cpu="$(python3 -c 'import sys; print(f"{float(sys.argv[1]) + float(sys.argv[2]):.2f}")' "$user" "$sys")"
  local cached; cached="$(grep -c '"cached": true' "$work/out.json" || true)"
  local verdicts; verdicts="$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print(s["files"], "files,", s["passed"], "/", s["failed"])' "$work/out.json" 2>/dev/null || echo "no report ($(head -c 200 "$work/err.txt"))")"
  printf '| %s | %s | %s | %s s | %s s | %d MB | %s | %s | %s |\n' "$corpus" "$mode" "$label" "$wall" "$last_cpu" "$((rss / 1024))" "$cached" "$verdicts" "$load"
}

ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / max(float(sys.argv[2]), 0.001):.1f}x')" "$1" "$2"; }

echo "## Verdict cache: re-checking an unchanged folder (bench/cache-speed.sh)"
echo
machine_info
for corpus in "${corpora[@]}"; do
  folder="$work/$corpus"
  if [[ "$corpus" == large ]]; then
    bench_corpus_large "$folder" 10 "$work"
    echo "- large: $(bench_corpus_describe "$folder") (bench/lib/corpus.sh: 10 copies of testdata-like content with generated MP4/WAV/MP3, as bench/check-speed.sh --large)"
  else
    build_small "$folder"
    echo "- small: $(bench_corpus_describe "$folder") (copies of testdata's categories, hostile/ left out, cut to $files files; $(find "$folder" -type f -exec basename {} \; | sort -u | wc -l) distinct names)"
  fi
  subset=()
  for ((c = 1; c <= deep_copies; c++)); do subset+=("$folder/copy$c"); done
  echo "- $corpus --deep subset: copy1..copy$deep_copies, $(find "${subset[@]}" -type f | wc -l) files"
done
echo
echo "| corpus | mode | run | wall | CPU (user+sys) | peak RSS | \"cached\": true | files, pass / fail | load (1 min) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
ratios=()
for corpus in "${corpora[@]}"; do
  folder="$work/$corpus"
  # Untimed first pass: the page cache holds the corpus for every timed run, the first included.
  "${preflight_cli[@]}" check "$folder" --format json --no-cache >/dev/null 2>&1 || true
  modes=(quick); [[ $deep -eq 1 ]] && modes+=(deep)
  for mode in "${modes[@]}"; do
    paths=("$folder")
    if [[ "$mode" == deep ]]; then paths=(); for ((c = 1; c <= deep_copies; c++)); do paths+=("$folder/copy$c"); done; fi
    for ((r = 1; r <= runs; r++)); do
      run_check "$corpus" "$mode" "no cache #$r" --no-cache
      rm -rf "$work/cache"
      run_check "$corpus" "$mode" "cold cache #$r" --cache "$work/cache"; cold="$last_wall" cold_cpu="$last_cpu"
      run_check "$corpus" "$mode" "warm cache #$r" --cache "$work/cache"; warm="$last_wall" warm_cpu="$last_cpu"
      ratios+=("$corpus $mode #$r: wall $(ratio "$cold" "$warm"), CPU $(ratio "$cold_cpu" "$warm_cpu")")
    done
  done
done
echo
echo "Cold / warm ratio (target: wall >= 10x):"
for line in "${ratios[@]}"; do echo "- $line"; done
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
