#!/usr/bin/env bash
# Load test of the HTTP preflight service, loopback only and bounded in time (~2 minutes).
#
#   bench/load.sh [DURATION_SECONDS]      (default 15 s per phase)
#
# Phases: small-JPEG uploads at normal load (C connections), the same at 2x overload (2C), and URL checks of a
# small JPEG served by a local static server. Prints requests/s, p50/p99 latency, non-2xx/5xx counts and the
# server's resident memory after each phase plus its peak (VmHWM). Needs: dotnet, wrk (Debian), python3, ffmpeg
# only if testdata/valid/image-320x180.jpg is missing.
set -euo pipefail

DURATION="${1:-15}"
CONNECTIONS="${CONNECTIONS:-16}"
THREADS="${THREADS:-2}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARTIFACTS="${ARTIFACTS:-/tmp/preflight-bench-artifacts}"
WORK="$(mktemp -d /tmp/preflight-load.XXXXXX)"
API_PORT="${API_PORT:-18480}"
FILE_PORT="${FILE_PORT:-18481}"
SERVER_PID=""
FILES_PID=""

cleanup() {
    # Only the processes this script started.
    [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true
    [[ -n "$FILES_PID" ]] && kill "$FILES_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 2; }

echo "== building the API (Release) into $ARTIFACTS"
dotnet build "$ROOT/src/Preflight.Api" -c Release --artifacts-path "$ARTIFACTS" -v quiet -nologo >/dev/null
API_DLL="$(find "$ARTIFACTS/bin/Preflight.Api" -name Preflight.Api.dll -path '*release*' | head -1)"

JPEG="$ROOT/testdata/valid/image-320x180.jpg"
if [[ ! -f "$JPEG" ]]; then
    JPEG="$WORK/small.jpg"
    ffmpeg -v error -f lavfi -i testsrc=size=320x180 -frames:v 1 "$JPEG"
fi
mkdir -p "$WORK/www" "$WORK/uploads"
cp "$JPEG" "$WORK/www/small.jpg"

# Rate limiting off (one client IP would be throttled); loopback fetches allowed for the URL phase only here.
echo "== starting the service on 127.0.0.1:$API_PORT"
Preflight__RateLimit__PermitLimit=0 \
Preflight__Fetch__AllowPrivateNetworks=true \
Preflight__Upload__TempFolder="$WORK/uploads" \
Logging__LogLevel__Default=Warning \
ASPNETCORE_ENVIRONMENT=Production \
    dotnet "$API_DLL" --urls "http://127.0.0.1:$API_PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
python3 -m http.server "$FILE_PORT" --bind 127.0.0.1 --directory "$WORK/www" >"$WORK/files.log" 2>&1 &
FILES_PID=$!

for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$API_PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -fs "http://127.0.0.1:$API_PORT/healthz" >/dev/null || { echo "service did not start:"; cat "$WORK/server.log"; exit 1; }

rss() { awk '/^VmRSS/ {printf "%.0f MB", $2/1024}' "/proc/$SERVER_PID/status"; }
peak() { awk '/^VmHWM/ {printf "%.0f MB", $2/1024}' "/proc/$SERVER_PID/status"; }

# wrk runs one Lua state per thread; done() prints the merged summary in one line.
cat >"$WORK/report.lua" <<'LUA'
done = function(summary, latency, requests)
    local seconds = summary.duration / 1e6
    io.write(string.format("RESULT requests=%d rps=%.1f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f non2xx=%d socket_errors=%d\n",
        summary.requests, summary.requests / seconds,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
        summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

cat >"$WORK/upload.lua" <<LUA
local f = assert(io.open("$WORK/www/small.jpg", "rb"))
local jpeg = f:read("*a")
f:close()
local boundary = "preflightloadboundary"
wrk.method = "POST"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
wrk.body = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"small.jpg\"\r\n" ..
    "Content-Type: image/jpeg\r\n\r\n" .. jpeg .. "\r\n--" .. boundary .. "--\r\n"
dofile("$WORK/report.lua")
LUA

cat >"$WORK/urls.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"assets":[{"url":"http://127.0.0.1:$FILE_PORT/small.jpg"}]}'
dofile("$WORK/report.lua")
LUA

# A 5xx (not merely non-2xx) in any phase is a failure of the target; count them from a sample request too.
check_5xx() {
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' "$@")
    [[ "$code" == 2* ]] || echo "WARNING: sample request answered $code"
}

# CPU seconds (user + sys) the server has used so far: with the request count, the CPU cost of one request.
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$SERVER_PID/stat"; }

run() {
    local name="$1" script="$2" path="$3" connections="$4"
    local line before after
    before=$(server_cpu)
    line=$(wrk -t"$THREADS" -c"$connections" -d"${DURATION}s" --timeout 10s -s "$script" "http://127.0.0.1:$API_PORT$path" | grep '^RESULT')
    after=$(server_cpu)
    printf '%-28s c=%-4s %s rss_after=%s server_cpu_s=%s load=%s\n' "$name" "$connections" "${line#RESULT }" "$(rss)" \
        "$(awk -v a="$after" -v b="$before" 'BEGIN {printf "%.2f", a - b}')" "$(cut -d' ' -f1 /proc/loadavg)"
}

echo "== warm-up (5 s, not reported)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s "$WORK/upload.lua" "http://127.0.0.1:$API_PORT/v1/preflight/files" >/dev/null
echo "rss_after_warmup=$(rss)"

echo "== $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM, $(uname -r)"
echo "   $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), dotnet $(dotnet --version), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
run "upload small JPEG"           "$WORK/upload.lua" /v1/preflight/files "$CONNECTIONS"
run "upload small JPEG 2x load"   "$WORK/upload.lua" /v1/preflight/files "$((CONNECTIONS * 2))"
run "URL check small JPEG"        "$WORK/urls.lua"   /v1/preflight/urls  "$CONNECTIONS"
check_5xx -F "file=@$WORK/www/small.jpg" "http://127.0.0.1:$API_PORT/v1/preflight/files"
echo "server_peak_rss=$(peak)"
if grep -q ' 5[0-9][0-9] \|fail: ' "$WORK/server.log"; then
    echo "server log has errors:"; grep -m5 'fail: ' "$WORK/server.log" || true
fi
echo "temp_files_left=$(find "$WORK/uploads" -type f | wc -l)"
