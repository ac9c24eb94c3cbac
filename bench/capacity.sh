#!/usr/bin/env bash
# Benchmark for issue 14: CPU cost of one inspection, per kind and size class, quick and --deep, in two faces.
#
# For each class a file is generated with ffmpeg (never committed) and copied N times into its own folder.
#  - check (the engine as `check` and the worker run it): `preflight check FOLDER --format json --no-cache --jobs 1`
#    and, for the fixed cost, the same with one copy. CPU per file = (CPU of N files - CPU of 1 file) / (N - 1).
#  - HTTP upload: one `preflight serve` on loopback (rate limit off, no verdict cache); the file is POSTed N times to
#    /v1/preflight/files (one request each, one after another, `?deep=true` for --deep) after one untimed warm-up
#    request; CPU per upload = the server process tree's CPU (/proc/PID/stat, user + sys, waited-for ffmpeg children
#    included) over the N requests / N. It includes receiving the multipart body, hashing it into a temp file,
#    the inspection and the JSON answer.
# CPU seconds (user + sys, ffprobe/ffmpeg children included) are what the numbers rest on: unlike wall time they hardly
# depend on the other work on a shared machine. files per second per core = 1 / CPU per file.
# Every measurement that fails prints a row that says so (never a number); the script goes on with the next one.
# Output is Markdown for docs/capacity.md.
#
# usage: bench/capacity.sh [--scale K] [--skip-quick | --skip-deep] [--skip-http] [--only REGEX]
#   --scale K    multiplies the copies per class (default 1); --only REGEX keeps the classes whose name matches.
set -euo pipefail

root="$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=../scripts/lib.sh
source "$root/scripts/lib.sh"
# shellcheck source=lib/common.sh
source "$root/bench/lib/common.sh"

scale=1 quick=1 deep=1 http=1 only=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) scale="$2"; shift 2 ;;
    --skip-deep) deep=0; shift ;;
    --skip-quick) quick=0; shift ;;
    --skip-http) http=0; shift ;;
    --only) only="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

ensure_ffmpeg
ensure_gnu_time
command -v curl >/dev/null || { echo "bench: curl is needed" >&2; exit 2; }
bench_build_cli

work="$(mktemp -d "${TMPDIR:-/tmp}/preflight-bench-capacity.XXXXXX")"
server_pid=""
cleanup() {
  # Only the server this script started.
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf -- "$work"
}
trap cleanup EXIT
ff() { ffmpeg -v error -nostdin -y "$@"; }

# name | copies quick | copies deep | ffmpeg arguments (output appended). Quick copies are many so that N files cost
# well above GNU time's 10 ms resolution and the noise of a shared machine; deep copies are few (each is a decode).
classes=(
  "video-small.mp4|400|8|-f lavfi -i testsrc2=s=640x360:r=25 -f lavfi -i sine=frequency=440 -t 2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -movflags +faststart"
  "video-medium.mp4|40|3|-f lavfi -i testsrc2=s=1280x720:r=25 -f lavfi -i sine=frequency=440 -t 20 -c:v libx264 -preset ultrafast -b:v 4M -pix_fmt yuv420p -c:a aac -movflags +faststart"
  "video-large.mp4|8|2|-f lavfi -i testsrc2=s=1280x720:r=25 -f lavfi -i sine=frequency=440 -t 30 -c:v libx264 -preset ultrafast -b:v 25M -maxrate 25M -bufsize 50M -pix_fmt yuv420p -c:a aac -movflags +faststart"
  "image-small.jpg|400|10|-f lavfi -i testsrc2=s=320x180 -frames:v 1"
  "image-medium.jpg|100|6|-f lavfi -i testsrc2=s=1920x1080 -frames:v 1 -q:v 2"
  "image-large.png|20|4|-f lavfi -i nullsrc=s=2000x2000,geq=random(1)*255:128:128 -frames:v 1"
  "audio-small.wav|400|10|-f lavfi -i sine=frequency=440:sample_rate=22050 -t 3"
  "audio-small.mp3|400|10|-f lavfi -i sine=frequency=440 -t 3 -c:a libmp3lame -b:a 64k"
  "audio-medium.mp3|40|4|-f lavfi -i sine=frequency=440 -t 300 -c:a libmp3lame -b:a 128k"
  "audio-large.wav|10|3|-f lavfi -i sine=frequency=440:sample_rate=44100 -ac 2 -t 280"
)

# check_cpu FOLDER MODE -> "cpu_seconds wall_seconds peak_kb exit" of one check run (its report in $work/out.json)
check_cpu() {
  local flag=(); [[ "$2" == deep ]] && flag=(--deep)
  rm -f "$work/t"
  timed "$work/t" "${preflight_cli[@]}" check "$1" --format json --no-cache --jobs 1 "${flag[@]}" >"$work/out.json" 2>"$work/err.txt"
  read -r wall rss user sys code < <(tail -n 1 "$work/t")
  python3 -c 'import sys; print(f"{float(sys.argv[1]) + float(sys.argv[2]):.3f} {sys.argv[3]} {sys.argv[4]} {sys.argv[5]}")' "$user" "$sys" "$wall" "$rss" "$code"
}

# verdict REPORT_JSON -> "pass (no findings)" / "fail (codes)" of its first file, or "no report"
verdict() {
  python3 -c '
import json, sys
try:
    f = json.load(open(sys.argv[1]))["files"][0]
except Exception:
    print("no report"); sys.exit(0)
print(f["verdict"], "(" + (", ".join(x["code"] for x in f["findings"]) or "no findings") + ")")' "$1"
}

# A check exits 0 (pass) or 1 (fail); anything else, or no report, is a failed measurement.
measured() { [[ "$1" == 0 || "$1" == 1 ]] && [[ "$(verdict "$work/out.json")" != "no report" ]]; }

# ---- HTTP: one server for every class ----------------------------------------------------------------------
port="${CAPACITY_PORT:-18490}"
server_cpu() { # server process tree CPU seconds (self + waited-for children), from /proc/PID/stat
  python3 -c '
import os, sys
f = open(f"/proc/{sys.argv[1]}/stat").read().rsplit(")", 1)[1].split()
ticks = sum(int(x) for x in f[11:15])
clk = os.sysconf("SC_CLK_TCK")
print(f"{ticks / clk:.3f}")' "$server_pid"
}
if [[ $http -eq 1 ]]; then
  mkdir -p "$work/uploads"
  Preflight__RateLimit__PermitLimit=0 Preflight__Cache__Enabled=false Preflight__Upload__TempFolder="$work/uploads" \
    Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production \
    "${preflight_cli[@]}" serve --urls "http://127.0.0.1:$port" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  if ! curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
    echo "bench: the server did not start; HTTP rows skipped:" >&2; tail -5 "$work/server.log" >&2; http=0
  fi
fi

# upload FILE MODE -> exit status of one POST; the answer in $work/http.json
upload() {
  local query=""; [[ "$2" == deep ]] && query="?deep=true"
  curl -s -o "$work/http.json" -w '%{http_code}' -F "file=@$1" "http://127.0.0.1:$port/v1/preflight/files$query" >"$work/http.code" 2>/dev/null || true
  [[ "$(cat "$work/http.code")" == 200 ]]
}

# http_cpu FILE MODE N -> "cpu_per_upload_seconds wall_seconds" or "failed HTTP_CODE"
http_cpu() {
  upload "$1" "$2" || { echo "failed $(cat "$work/http.code")"; return; }
  local before after start end i
  before="$(server_cpu)"; start="$(date +%s.%N)"
  for ((i = 0; i < $3; i++)); do upload "$1" "$2" || { echo "failed $(cat "$work/http.code")"; return; }; done
  end="$(date +%s.%N)"; after="$(server_cpu)"
  python3 -c 'import sys; print(f"{(float(sys.argv[2]) - float(sys.argv[1])) / int(sys.argv[3]):.4f} {float(sys.argv[5]) - float(sys.argv[4]):.1f}")' \
    "$before" "$after" "$3" "$start" "$end"
}

echo "## Inspection cost per kind and size class (bench/capacity.sh)"
echo
machine_info
echo "- check: \`preflight check FOLDER --format json --no-cache --jobs 1\`; CPU = user + sys of the process tree (GNU time)"
echo "- HTTP: \`preflight serve\` on loopback, one \`curl -F file=@FILE\` to /v1/preflight/files at a time; CPU = server process tree (/proc/PID/stat, 10 ms ticks)"
echo
echo "| class | file size | mode | face | files | CPU, N files | CPU, 1 file | **CPU per file** | **files/s per core** | verdict | peak RSS | load (1 min) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for entry in "${classes[@]}"; do
  IFS='|' read -r name copies_quick copies_deep args <<<"$entry"
  if [[ -n "$only" && ! "$name" =~ $only ]]; then continue; fi
  mkdir -p "$work/$name/one"
  # shellcheck disable=SC2086
  if ! ff $args "$work/$name/one/$name"; then echo "| $name | – | – | – | – | ffmpeg could not make the file | | | | | | |"; continue; fi
  size="$(stat -c %s "$work/$name/one/$name")"
  mb="$(python3 -c 'import sys; print(f"{int(sys.argv[1]) / 1e6:.2f}")' "$size")"
  modes=(); [[ $quick -eq 1 ]] && modes+=(quick); [[ $deep -eq 1 ]] && modes+=(deep)
  for mode in "${modes[@]}"; do
    copies=$copies_quick; [[ "$mode" == deep ]] && copies=$copies_deep
    copies=$((copies * scale))
    rm -rf "$work/$name/many"; mkdir -p "$work/$name/many"
    for ((i = 1; i <= copies; i++)); do cp "$work/$name/one/$name" "$work/$name/many/$i-$name"; done
    load="$(cut -d' ' -f1 /proc/loadavg)"
    check_cpu "$work/$name/one" "$mode" >/dev/null # page cache and first-run effects out of the way
    one=0 code_one=- many=0 peak=0 code_many=-
    read -r one _ _ code_one < <(check_cpu "$work/$name/one" "$mode") || true
    ok_one=0; measured "$code_one" && ok_one=1
    read -r many _ peak code_many < <(check_cpu "$work/$name/many" "$mode") || true
    if [[ $ok_one -eq 1 ]] && measured "$code_many"; then
      python3 - "$name" "$mb" "$mode" "$copies" "$many" "$one" "$(verdict "$work/out.json")" "$peak" "$load" <<'PY'
import sys
name, mb, mode, n, many, one, verdict, peak, load = sys.argv[1:10]
n, many, one = int(n), float(many), float(one)
per = max((many - one) / (n - 1), 0.0001)
print(f"| {name} | {mb} MB | {mode} | check | {n} | {many:.2f} s | {one:.2f} s | {per * 1000:.1f} ms | {1 / per:,.1f} | {verdict} | {int(peak) // 1024} MB | {load} |")
PY
    else
      echo "| $name | $mb MB | $mode | check | $copies | not measured: exit $code_one / $code_many, $(head -c 160 "$work/err.txt" | tr '\n|' '  ') | | | | | | $load |"
    fi
    if [[ $http -eq 1 ]]; then
      load="$(cut -d' ' -f1 /proc/loadavg)"
      per_upload=failed wall_http="(no answer)"
      read -r per_upload wall_http < <(http_cpu "$work/$name/one/$name" "$mode" "$copies" || echo failed) || true
      if [[ "$per_upload" == failed ]]; then
        echo "| $name | $mb MB | $mode | HTTP | $copies | not measured: HTTP $wall_http | | | | | | $load |"
      else
        python3 - "$name" "$mb" "$mode" "$copies" "$per_upload" "$(verdict "$work/http.json")" "$load" <<'PY'
import sys
name, mb, mode, n, per, verdict, load = sys.argv[1:8]
n, per = int(n), max(float(per), 0.0001)
print(f"| {name} | {mb} MB | {mode} | HTTP | {n} | {per * n:.2f} s | – | {per * 1000:.1f} ms | {1 / per:,.1f} | {verdict} | – | {load} |")
PY
      fi
    fi
  done
  rm -rf "${work:?}/$name"
done
echo
if [[ $http -eq 1 ]]; then
  echo "- server peak RSS (VmHWM): $(awk '/VmHWM/ {printf "%d MB", $2 / 1024}' "/proc/$server_pid/status")"
fi
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
