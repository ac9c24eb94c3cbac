#!/usr/bin/env bash
# Benchmark for issue 11: how long does a URL check take, and how many bytes does it pull, when the server is
# 100 Mbit/s away? A loopback server (bench/lib/range_server.py) throttled to 12.5 MB/s serves a 95 MB faststart
# MP4, a 95 MB MP4 with its moov at the end (about 90 s of 1280x720 at ~8 Mbit/s: a 10 s noise clip encoded once
# and stream-copied in a loop) and a 45 MB WAV, generated with ffmpeg into a temp folder, once with byte ranges and once without. The
# service (Preflight.Api, quick mode) checks each URL through POST /v1/preflight/urls; the table gives the
# verdict, the latency seen by the client and the body bytes the file server sent, beside ?hash=true (the whole
# body, as before issue 11). Goal: both MP4s and the WAV under 0.5 s and 2 MB with ranges; no slower without.
#
# usage: bench/url-probe.sh [--runs N]     (needs dotnet, ffmpeg, python3, curl; output is Markdown)
set -euo pipefail

root="$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=lib/common.sh
source "$root/bench/lib/common.sh"

runs=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

WORK="$(mktemp -d)"
API_PORT="${API_PORT:-18311}" FILE_PORT="${FILE_PORT:-18312}"
SERVER_PID="" FILES_PID=""
cleanup() {
  # Only the processes this script started.
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true
  [[ -n "$FILES_PID" ]] && kill "$FILES_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "bench: generating the media ..." >&2
mkdir -p "$WORK/www" "$WORK/uploads"
clip="$WORK/clip.mp4"
ffmpeg -v error -f lavfi -i "nullsrc=s=1280x720:r=25:d=10,geq=lum='random(1)*255':cb=128:cr=128" \
  -f lavfi -i "sine=frequency=440:duration=10" -c:v libx264 -preset ultrafast -b:v 8M -maxrate 8M -bufsize 8M \
  -pix_fmt yuv420p -c:a aac -shortest "$clip"
loops=$(( 95000000 / $(stat -c %s "$clip") ))
ffmpeg -v error -stream_loop "$((loops - 1))" -i "$clip" -c copy -movflags +faststart "$WORK/www/faststart.mp4"
ffmpeg -v error -stream_loop "$((loops - 1))" -i "$clip" -c copy "$WORK/www/moov-at-end.mp4"
ffmpeg -v error -f lavfi -i "sine=frequency=440:sample_rate=48000" -ac 2 -t 245 -c:a pcm_s16le "$WORK/www/audio.wav"

bench_build src/Preflight.Api/Preflight.Api.csproj "$BENCH_ARTIFACTS/api"
Preflight__RateLimit__PermitLimit=0 \
Preflight__Fetch__AllowPrivateNetworks=true \
Preflight__Upload__TempFolder="$WORK/uploads" \
Logging__LogLevel__Default=Warning \
ASPNETCORE_ENVIRONMENT=Production \
  dotnet "$BENCH_ARTIFACTS/api/Preflight.Api.dll" --urls "http://127.0.0.1:$API_PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
python3 "$root/bench/lib/range_server.py" "$WORK/www" "$FILE_PORT" 12500000 >"$WORK/files.log" 2>&1 &
FILES_PID=$!
for _ in $(seq 1 150); do
  curl -fs "http://127.0.0.1:$API_PORT/healthz" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$FILE_PORT/stats" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$API_PORT/healthz" >/dev/null || { echo "service did not start:" >&2; cat "$WORK/server.log" >&2; exit 1; }

# check NAME MODE QUERY -> "verdict seconds bytes" (median latency of $runs runs)
check() {
  local name="$1" mode="$2" query="$3" times=() verdict="" bytes=0
  for _ in $(seq 1 "$runs"); do
    curl -fs -X POST "http://127.0.0.1:$FILE_PORT/stats" >/dev/null
    local out
    out="$(curl -s -o "$WORK/report.json" -w '%{time_total}' -H 'Content-Type: application/json' \
      -d "{\"assets\":[{\"url\":\"http://127.0.0.1:$FILE_PORT/$mode/$name\"}]}" \
      "http://127.0.0.1:$API_PORT/v1/preflight/urls$query")"
    times+=("$out")
    sleep 0.3 # let the file server count what it sent after the client hung up
    bytes="$(curl -fs "http://127.0.0.1:$FILE_PORT/stats")"
    verdict="$(python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["files"][0]; print(f["verdict"] + ("" if f["verdict"]=="pass" else ":" + ",".join(x["code"] for x in f["findings"])))' "$WORK/report.json")"
  done
  local median
  median="$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")"
  echo "$verdict $median $bytes"
}

echo "| file | size | server | read | verdict | latency (median of $runs) | bytes sent by the server |"
echo "|---|---|---|---|---|---|---|"
for name in faststart.mp4 moov-at-end.mp4 audio.wav; do
  size="$(stat -c %s "$WORK/www/$name")"
  for mode in ranges plain; do
    for query in "" "?hash=true"; do
      read -r verdict seconds bytes < <(check "$name" "$mode" "$query")
      read_kind="quick"; [[ -n "$query" ]] && read_kind="whole (?hash=true)"
      printf '| %s | %.1f MB | %s | %s | %s | %.3f s | %.2f MB |\n' "$name" "$(echo "$size/1000000" | bc -l)" \
        "$mode" "$read_kind" "$verdict" "$seconds" "$(echo "$bytes/1000000" | bc -l)"
    done
  done
done
