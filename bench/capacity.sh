#!/usr/bin/env bash
# Benchmark for issue 14: CPU cost of one inspection, per kind and size class, quick and --deep.
#
# For each class a file is generated with ffmpeg (never committed), copied N times into its own folder, and checked
# with `preflight check FOLDER --format json --no-cache --jobs 1` and, for the fixed cost, the same with one copy.
# CPU seconds (user + sys, ffprobe/ffmpeg children included, GNU time) are what the numbers rest on: unlike wall time
# they hardly depend on the other work on a shared machine.
#   CPU per file = (CPU of N files - CPU of 1 file) / (N - 1);  files per second per core = 1 / CPU per file.
# Output is Markdown for docs/capacity.md.
#
# usage: bench/capacity.sh [--scale K] [--skip-deep]     (--scale multiplies the copies per class; default 1)
set -euo pipefail

root="$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=../scripts/lib.sh
source "$root/scripts/lib.sh"
# shellcheck source=lib/common.sh
source "$root/bench/lib/common.sh"

scale=1 deep=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) scale="$2"; shift 2 ;;
    --skip-deep) deep=0; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

ensure_ffmpeg
ensure_gnu_time
bench_build_cli

work="$(mktemp -d "${TMPDIR:-/tmp}/preflight-bench-capacity.XXXXXX")"
trap 'rm -rf -- "$work"' EXIT
ff() { ffmpeg -v error -nostdin -y "$@"; }

# name | copies | ffmpeg arguments (output appended)
classes=(
  "video-small.mp4|40|-f lavfi -i testsrc2=s=640x360:r=25 -f lavfi -i sine=frequency=440 -t 2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -movflags +faststart"
  "video-medium.mp4|8|-f lavfi -i testsrc2=s=1280x720:r=25 -f lavfi -i sine=frequency=440 -t 20 -c:v libx264 -preset ultrafast -b:v 4M -pix_fmt yuv420p -c:a aac -movflags +faststart"
  "video-large.mp4|3|-f lavfi -i testsrc2=s=1280x720:r=25 -f lavfi -i sine=frequency=440 -t 30 -c:v libx264 -preset ultrafast -b:v 25M -maxrate 25M -bufsize 50M -pix_fmt yuv420p -c:a aac -movflags +faststart"
  "image-small.jpg|40|-f lavfi -i testsrc2=s=320x180 -frames:v 1"
  "image-medium.jpg|20|-f lavfi -i testsrc2=s=1920x1080 -frames:v 1 -q:v 2"
  "image-large.png|8|-f lavfi -i nullsrc=s=2000x2000,geq=random(1)*255:128:128 -frames:v 1"
  "audio-small.wav|40|-f lavfi -i sine=frequency=440:sample_rate=22050 -t 3"
  "audio-small.mp3|40|-f lavfi -i sine=frequency=440 -t 3 -c:a libmp3lame -b:a 64k"
  "audio-medium.mp3|10|-f lavfi -i sine=frequency=440 -t 300 -c:a libmp3lame -b:a 128k"
  "audio-large.wav|4|-f lavfi -i sine=frequency=440:sample_rate=44100 -ac 2 -t 280"
)

# cpu FOLDER MODE -> "cpu_seconds wall_seconds peak_kb" of one check run
cpu() {
  local flag=(); [[ "$2" == deep ]] && flag=(--deep)
  timed "$work/t" dotnet "$preflight_dll" check "$1" --format json --no-cache --jobs 1 "${flag[@]}" >"$work/out.json" 2>/dev/null
  read -r wall rss user sys _ < <(tail -n 1 "$work/t")
  python3 -c 'import sys; print(f"{float(sys.argv[1]) + float(sys.argv[2]):.3f} {sys.argv[3]} {sys.argv[4]}")' "$user" "$sys" "$wall" "$rss"
}

echo "## Inspection cost per kind and size class (bench/capacity.sh)"
echo
machine_info
echo "- \`preflight check FOLDER --format json --no-cache --jobs 1\`; CPU = user + sys of the process tree (GNU time)"
echo
echo "| class | file size | mode | files | CPU, N files | CPU, 1 file | **CPU per file** | **files/s per core** | verdict | peak RSS |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for entry in "${classes[@]}"; do
  IFS='|' read -r name copies args <<<"$entry"
  copies=$((copies * scale))
  mkdir -p "$work/$name/one" "$work/$name/many"
  # shellcheck disable=SC2086
  ff $args "$work/$name/one/$name"
  for ((i = 1; i <= copies; i++)); do cp "$work/$name/one/$name" "$work/$name/many/$i-$name"; done
  size="$(stat -c %s "$work/$name/one/$name")"
  modes=(quick); [[ $deep -eq 1 ]] && modes+=(deep)
  for mode in "${modes[@]}"; do
    cpu "$work/$name/one" "$mode" >/dev/null # page cache and first-run effects out of the way
    read -r one _ _ < <(cpu "$work/$name/one" "$mode")
    read -r many _ peak < <(cpu "$work/$name/many" "$mode")
    verdict="$(python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["files"][0]; print(f["verdict"], "(" + (", ".join(x["code"] for x in f["findings"]) or "no findings") + ")")' "$work/out.json")"
    python3 - "$name" "$size" "$mode" "$copies" "$many" "$one" "$verdict" "$peak" <<'PY'
import sys
name, size, mode, n, many, one, verdict, peak = sys.argv[1:9]
n, many, one = int(n), float(many), float(one)
per = max((many - one) / (n - 1), 0.0001)
print(f"| {name} | {int(size) / 1e6:.2f} MB | {mode} | {n} | {many:.2f} s | {one:.2f} s | {per * 1000:.1f} ms | {1 / per:,.0f} | {verdict} | {int(peak) // 1024} MB |")
PY
  done
  rm -rf "${work:?}/$name"
done
echo
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
