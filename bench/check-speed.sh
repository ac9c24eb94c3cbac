#!/usr/bin/env bash
# Benchmark for issue 2: how fast and how lean is `preflight check`?
#
#  1. Speed: a folder of mixed files (testdata's valid, mislabeled, corrupt, limits, real-world and unsupported
#     files, copied --copies times; hostile/ is left out because ffprobe never finishes on one of them) is
#     checked by `preflight check FOLDER --format json` (quick mode) and, on the same folder in the same run,
#     by one `ffprobe -v error -show_format -show_streams FILE` per file (one after another, and
#     `xargs -P $(nproc)` at a time). Prints wall time, CPU time, peak RSS and the ratios. Target: quick >= 10x faster.
#  2. Memory: one ~98 MB MP4 (1280x720, 120 s, generated into the temp folder, never committed) is checked
#     quick and --deep. Target: peak memory < 200 MB.
#
#  3. --large (issue 9): the folder is 10 copies of testdata-like content, ~1,600 files and ~275 MB: each copy holds
#     the six categories above, every valid/ and real-world/ file 5 more times in subfolders (so the mix keeps its
#     proportions) and three generated files (a ~13 MB H.264/AAC MP4, a ~6 MB 16-bit WAV and a ~2 MB MP3, made
#     once by ffmpeg in the temp folder and copied into each copy). Only `preflight check` is timed (no ffprobe
#     loop), beside the machine's floor: `openssl dgst -sha256` over every file (one read + SHA-256 of every byte,
#     $(nproc) at a time, with the CPU's SHA instructions as .NET uses them) plus `preflight --version` (start-up). Target: quick check within 3x of that floor.
#     PREFLIGHT_BENCH_BASELINE_DLL=/path/preflight.dll also times that build on the same folder (before/after);
#     PREFLIGHT_BENCH_BUILDS="label=/path/preflight.dll label=/path/preflight ..." adds more builds (a .dll runs
#     under dotnet, anything else is run as an executable).
#
# usage: bench/check-speed.sh [--copies N] [--runs N] [--skip-memory] [--large]
# Needs the .NET SDK, ffmpeg/ffprobe (installed from Debian if missing), GNU time (idem), python3.
# Everything it makes lives in one temp folder that is removed at exit. Output is Markdown for docs/benchmarks.md.
set -euo pipefail

root="$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=../scripts/lib.sh
source "$root/scripts/lib.sh"
# shellcheck source=lib/common.sh
source "$root/bench/lib/common.sh"
# shellcheck source=lib/corpus.sh
source "$root/bench/lib/corpus.sh"

copies=9 runs=2 memory=1 large=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --large) large=1; copies=10; memory=0; shift ;;
    --copies) copies="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --skip-memory) memory=0; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

ensure_ffmpeg
ensure_gnu_time
bench_build_cli

work="$(mktemp -d "${TMPDIR:-/tmp}/preflight-bench-check.XXXXXX")"
trap 'rm -rf -- "$work"' EXIT
jobs="$(nproc)"

# ---- corpus (bench/lib/corpus.sh: the same folders bench/cache-speed.sh checks) ----------------------------
folder="$work/mixed"
categories=("${bench_corpus_categories[@]}")
if [[ "$large" == 1 ]]; then bench_corpus_large "$folder" "$copies" "$work"; else bench_corpus_mixed "$folder" "$copies"; fi
files="$(find "$folder" -type f | wc -l)"
bytes="$(du -sb "$folder" | cut -f1)"

# One ffprobe per file, as a script without Preflight would do it; `timeout` keeps the run bounded.
probe='timeout 30 ffprobe -v error -show_format -show_streams "$1" >/dev/null 2>&1; exit 0'

ffprobe_sequential() { # FOLDER
  find "$1" -type f -print0 | while IFS= read -r -d '' f; do sh -c "$probe" _ "$f"; done
}

ffprobe_parallel() { # FOLDER JOBS
  find "$1" -type f -print0 | xargs -0 -n1 -P "$2" sh -c "$probe" _
}
export probe
export -f ffprobe_sequential ffprobe_parallel

# GNU time puts "Command exited with non-zero status N" above its line when the command fails.
field() { tail -n 1 "$1" | cut -d' ' -f"$2"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.1f}')" "$1" "$2"; }
cpu() { tail -n 1 "$1" | awk '{printf "%.2f", $3 + $4}'; }
mb() { python3 -c "import sys; print(f'{int(sys.argv[1]) / 1024:.0f}')" "$1"; }

echo "## preflight check speed (bench/check-speed.sh)"
echo
machine_info
echo "- folder: $files files, $((bytes / 1000)) kB$( [[ "$large" == 1 ]] && echo ' (--large: plus 5 more copies of valid/ and real-world/ and 3 generated MP4/WAV/MP3 per copy)') ($copies copies of testdata/{$(IFS=,; echo "${categories[*]}")}); --jobs default = $jobs"
echo

if [[ "$large" == 1 ]]; then
  # Untimed first pass: warms the page cache (the floor below reads from it too).
  "${preflight_cli[@]}" check "$folder" --format json >"$work/check.json" || true
  python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))["summary"]; f, p, x = s["files"], s["passed"], s["failed"]; print(f"- preflight verdicts: {f} files, {p} pass, {x} fail")' "$work/check.json"
  echo
  echo "| run | load (1 min) | build | preflight check (quick): wall, CPU, peak RSS | floor = openssl sha256 of every file + --version: wall, CPU | wall / floor |"
  echo "| --- | --- | --- | --- | --- | --- |"
  # The floor hashes with OpenSSL, as .NET does (SHA-NI where the CPU has it); coreutils' sha256sum is several
  # times slower on such CPUs and would flatter the ratio.
  floor_hash() { find "$1" -type f -print0 | xargs -0 -P "$2" -n 64 openssl dgst -sha256 >/dev/null; }
  export -f floor_hash
  sum() { python3 -c "import sys; print(f'{float(sys.argv[1]) + float(sys.argv[2]):.2f}')" "$1" "$2"; }
  # Each build is "label=path" (path/preflight.dll, run by dotnet, or a native executable); PREFLIGHT_BENCH_BUILDS
  # adds more (space-separated), e.g. a ReadyToRun publish beside the Native AOT one. A build that has a verdict cache runs with --no-cache: the goal is
  # the cost of inspecting, and a warm cache would answer every run after the first.
  builds=()
  if [[ -n "${PREFLIGHT_BENCH_BASELINE_DLL:-}" ]]; then builds+=("baseline=$PREFLIGHT_BENCH_BASELINE_DLL"); fi
  builds+=("this build=${preflight_cli[-1]}")
  for extra in ${PREFLIGHT_BENCH_BUILDS:-}; do builds+=("$extra"); done
  for ((r = 1; r <= runs; r++)); do
    for build in "${builds[@]}"; do
      label="${build%%=*}" path="${build#*=}"
      if [[ "$path" == *.dll ]]; then cmd=(dotnet "$path"); else cmd=("$path"); fi
      no_cache=()
      if "${cmd[@]}" check --help 2>&1 | grep -q -- '--no-cache'; then no_cache=(--no-cache); fi
      load="$(cut -d' ' -f1 /proc/loadavg)"
      timed "$work/pf" "${cmd[@]}" check "$folder" --format json "${no_cache[@]}" >/dev/null
      timed "$work/hash" bash -c 'floor_hash "$1" "$2"' _ "$folder" "$jobs"
      timed "$work/ver" "${cmd[@]}" --version >/dev/null
      floor="$(sum "$(field "$work/hash" 1)" "$(field "$work/ver" 1)")"
      floor_cpu="$(sum "$(cpu "$work/hash")" "$(cpu "$work/ver")")"
      echo "| $r | $load | $label | $(field "$work/pf" 1) s, $(cpu "$work/pf") s, $(mb "$(field "$work/pf" 2)") MB | $floor s, $floor_cpu s | **$(ratio "$(field "$work/pf" 1)" "$floor")x** |"
    done
  done
  echo
  echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

# Untimed first pass: warms the page cache for everyone and gives the verdict split.
"${preflight_cli[@]}" check "$folder" --format json >"$work/check.json" || true
python3 - "$work/check.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(f"- preflight verdicts: {s['files']} files, {s['passed']} pass, {s['failed']} fail")
EOF
ffprobe_parallel "$folder" "$jobs"
echo

# CPU seconds (user + sys, children included) are reported beside wall time: on a shared machine wall time
# swings with other load, CPU time much less.
echo "| run | load (1 min) | preflight check (quick): wall, CPU, peak RSS | ffprobe per file, sequential: wall, CPU | ffprobe per file, xargs -P $jobs: wall, CPU | wall ratio vs sequential | wall ratio vs parallel | CPU ratio |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for ((r = 1; r <= runs; r++)); do
  load="$(cut -d' ' -f1 /proc/loadavg)"
  timed "$work/pf" "${preflight_cli[@]}" check "$folder" --format json >/dev/null
  timed "$work/seq" bash -c 'ffprobe_sequential "$1"' _ "$folder"
  timed "$work/par" bash -c 'ffprobe_parallel "$1" "$2"' _ "$folder" "$jobs"
  pf="$(field "$work/pf" 1)" seq="$(field "$work/seq" 1)" par="$(field "$work/par" 1)"
  pf_cpu="$(cpu "$work/pf")" seq_cpu="$(cpu "$work/seq")" par_cpu="$(cpu "$work/par")"
  echo "| $r | $load | $pf s, $pf_cpu s, $(mb "$(field "$work/pf" 2)") MB | $seq s, $seq_cpu s | $par s, $par_cpu s | **$(ratio "$seq" "$pf")x** | $(ratio "$par" "$pf")x | $(ratio "$seq_cpu" "$pf_cpu")x |"
done
echo
# Where the time goes: the fixed cost of starting .NET, loading the engine and printing nothing.
timed "$work/one" "${preflight_cli[@]}" check "$root/testdata/valid/image-160x90.png" --format json >/dev/null
echo "- fixed cost: \`preflight check\` on one 2 kB PNG takes $(field "$work/one" 1) s wall, $(cpu "$work/one") s CPU, peak $(mb "$(field "$work/one" 2)") MB (.NET start-up and engine load)"
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

if [[ "$memory" == 1 ]]; then
  big="$work/big/video-1280x720-120s.mp4"
  mkdir -p "$work/big"
  # ~6.4 Mbit/s video + 128 kbit/s audio for 120 s: about 98 MB, just under the 100,000,000-byte video limit.
  ffmpeg -v error -nostdin -f lavfi -i testsrc2=s=1280x720:r=25 -f lavfi -i sine=frequency=440:sample_rate=48000 \
    -t 120 -c:v libx264 -preset ultrafast -b:v 6400k -maxrate 6400k -bufsize 12800k -pix_fmt yuv420p \
    -c:a aac -b:a 128k -movflags +faststart "$big"
  echo "### memory on one $(( $(stat -c %s "$big") / 1000000 )) MB MP4 (1280x720, 25 fps, 120 s, H.264 + AAC, faststart)"
  echo
  echo "| run | mode | wall | peak RSS, preflight process | peak RSS, largest process (GNU time) | peak RSS, sum of process tree | verdict |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  for ((r = 1; r <= runs; r++)); do
    for mode in quick deep; do
      flag=(); [[ "$mode" == deep ]] && flag=(--deep)
      timed "$work/mem" "${preflight_cli[@]}" check "$big" "${flag[@]}" --format json >/dev/null
      python3 "$root/bench/lib/peak_rss.py" --stdout "$work/mem.json" -- \
        "${preflight_cli[@]}" check "$big" "${flag[@]}" --format json >"$work/tree.json"
      python3 - "$work/tree.json" "$work/mem.json" "$r" "$mode" "$(field "$work/mem" 1)" "$(field "$work/mem" 2)" <<'EOF'
import json, sys
tree = json.load(open(sys.argv[1])); report = json.load(open(sys.argv[2]))
run, mode, wall, gnu_kb = sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
verdict = report["files"][0]["verdict"]
codes = ", ".join(f["code"] for f in report["files"][0]["findings"]) or "no findings"
print(f"| {run} | {mode} | {wall} s | {tree['rootPeakKb'] / 1024:.0f} MB | {gnu_kb / 1024:.0f} MB | "
      f"{tree['treePeakKb'] / 1024:.0f} MB | {verdict} ({codes}) |")
EOF
    done
  done
  echo
fi
