#!/usr/bin/env bash
# Benchmark for issue 6: throughput of the queue-driven worker stage on Azurite.
#
# For each round and each worker count (default: 1, then 2 competing processes): uploads --files mixed small
# files from testdata (manifest entries without a plan, quick mode, hostile/ left out; cycled, so contents
# repeat and staging's "never twice" path is exercised), starts the workers (`preflight worker`, each its own
# process) and waits until they poll, then enqueues one request message per blob and times until every
# result has arrived on the result queue. Then checks: exactly one result per message, verdicts as in
# testdata/manifest.json, one staged blob per passing content, a rejected copy + report per failure, nothing
# left in the request queue or the poison queue. Workers get SIGTERM and must exit on their own.
#
# usage: bench/worker-throughput.sh [--files N] [--rounds N] [--workers "1 2"] [--concurrency N] [--timeout SECONDS]
# Needs the .NET SDK, Node/npm (Azurite, installed into .tools/ if missing), ffmpeg, python3.
# Azurite runs on free loopback ports with its data in a temp folder; all of it is removed at exit.
set -euo pipefail

root="$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=../scripts/lib.sh
source "$root/scripts/lib.sh"
# shellcheck source=lib/common.sh
source "$root/bench/lib/common.sh"

files=200 rounds=2 worker_counts="1 2" concurrency="" timeout=600
while [[ $# -gt 0 ]]; do
  case "$1" in
    --files) files="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --workers) worker_counts="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

ensure_ffmpeg
ensure_azurite
bench_build_cli
echo "bench: building bench/WorkerBench into $BENCH_ARTIFACTS/workerbench ..." >&2
bench_build bench/WorkerBench/WorkerBench.csproj "$BENCH_ARTIFACTS/workerbench"
driver=(dotnet "$BENCH_ARTIFACTS/workerbench/WorkerBench.dll")

work="$(mktemp -d "${TMPDIR:-/tmp}/preflight-bench-worker.XXXXXX")"
worker_pids=()
azurite_pid=""
cleanup() {
  local pid
  for pid in "${worker_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${worker_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n "$azurite_pid" ]]; then
    kill -TERM "$azurite_pid" 2>/dev/null || true
    wait "$azurite_pid" 2>/dev/null || true
  fi
  rm -rf -- "$work"
}
trap cleanup EXIT

start_azurite "$work/azurite"
connection="$PREFLIGHT_TEST_AZURITE"

# start_worker ID LOG: one `preflight worker` process on round ID's queues; appends its pid to worker_pids.
start_worker() {
  env Preflight__Worker__ConnectionString="$connection" \
    Preflight__Worker__RequestQueue="req-$1" \
    Preflight__Worker__ResultQueue="res-$1" \
    Preflight__Worker__RejectedContainer="rejected-$1" \
    Preflight__Worker__PollInterval=00:00:00.100 \
    ${concurrency:+Preflight__Worker__Concurrency="$concurrency"} \
    Preflight__Staging__Container="staged-$1" \
    "${preflight_cli[@]}" worker >"$2" 2>&1 &
  worker_pids+=($!)
}

wait_for_log() { # FILE TEXT SECONDS
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# cpu_seconds PID: user + sys of the process and the children it has waited for (ffprobe/ffmpeg).
cpu_seconds() {
  python3 - "$1" <<'PY'
import os, sys
try:
    fields = open(f"/proc/{sys.argv[1]}/stat").read().rsplit(")", 1)[1].split()
    print(f"{sum(int(f) for f in fields[11:15]) / os.sysconf('SC_CLK_TCK'):.2f}")
except (FileNotFoundError, ProcessLookupError):
    print("0")
PY
}
sub() { python3 -c "import sys; print(f'{float(sys.argv[1]) - float(sys.argv[2]):.1f}')" "$1" "$2"; }

peak_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

info="$(machine_info)"
rows=()
status=0
for ((round = 1; round <= rounds; round++)); do
  for n in $worker_counts; do
    id="w${n}r${round}$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    "${driver[@]}" prepare --connection "$connection" --id "$id" --testdata "$root/testdata" \
      --count "$files" --state "$work/$id.json" >&2
    worker_pids=()
    for ((k = 1; k <= n; k++)); do start_worker "$id" "$work/$id-worker$k.log"; done
    for ((k = 1; k <= n; k++)); do
      if ! wait_for_log "$work/$id-worker$k.log" "Preflight worker reading queue" 60; then
        echo "bench: worker $k of round $id did not start; its log:" >&2
        cat "$work/$id-worker$k.log" >&2
        exit 1
      fi
    done

    run_rc=0
    azurite_before="$(cpu_seconds "$azurite_pid")"
    workers_before=0
    for pid in "${worker_pids[@]}"; do workers_before="$(python3 -c "import sys; print(float(sys.argv[1]) + float(sys.argv[2]))" "$workers_before" "$(cpu_seconds "$pid")")"; done
    /usr/bin/time -f "%U %S" -o "$work/$id.drivertime" \
      "${driver[@]}" run --connection "$connection" --id "$id" --state "$work/$id.json" --timeout "$timeout" \
      >"$work/$id.out" || run_rc=$?
    # CPU spent during the round (including the checks after it): where the machine's 2 cores went.
    azurite_cpu="$(sub "$(cpu_seconds "$azurite_pid")" "$azurite_before")"
    workers_after=0
    for pid in "${worker_pids[@]}"; do workers_after="$(python3 -c "import sys; print(float(sys.argv[1]) + float(sys.argv[2]))" "$workers_after" "$(cpu_seconds "$pid")")"; done
    workers_cpu="$(sub "$workers_after" "$workers_before")"
    driver_cpu="$(tail -n 1 "$work/$id.drivertime" | awk '{printf "%.1f", $1 + $2}')"
    grep -v '^RESULT ' "$work/$id.out" >&2 || true
    [[ $run_rc -eq 0 ]] || status=1

    # Per worker: messages it completed, its peak RSS, and how long it takes to stop on SIGTERM.
    split=() peaks=() stops=()
    for ((k = 0; k < n; k++)); do
      pid="${worker_pids[$k]}"
      split+=("$(grep -cE 'Message [^ ]+: (Pass|Fail)' "$work/$id-worker$((k + 1)).log" || true)")
      peaks+=("$(( $(peak_kb "$pid") / 1024 ))")
    done
    for ((k = 0; k < n; k++)); do
      pid="${worker_pids[$k]}" started="$(date +%s.%N)"
      kill -TERM "$pid" 2>/dev/null || true
      rc=0; wait "$pid" || rc=$?
      stops+=("$(python3 -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.1f} s, exit {sys.argv[2]}')" "$started" "$rc")")
    done
    worker_pids=()

    rows+=("$(python3 - "$work/$id.out" "$round" "$n" "$(IFS=/; echo "${split[*]}")" "$(IFS=/; echo "${peaks[*]}")" "$(IFS=';'; echo "${stops[*]}")" "$workers_cpu / $azurite_cpu / $driver_cpu" <<'EOF'
import json, sys
line = next((l for l in open(sys.argv[1]) if l.startswith("RESULT ")), None)
run, n, split, peaks, stops, cpu = sys.argv[2:8]
if line is None:
    print(f"| {run} | {n} | driver gave no result | | | | | | | |")
    sys.exit()
r = json.loads(line[len("RESULT "):])
secs = f"{r['allResultsSeconds']:.2f} s" if r["allResultsSeconds"] is not None else "timed out"
rate = f"{r['filesPerSecond']:.1f}" if r["filesPerSecond"] is not None else "-"
checks = "all OK" if r["ok"] else "PROBLEMS: " + "; ".join(r["problems"])
print(f"| {run} | {n} | {secs} | **{rate}** | {r['passed']} / {r['failed']} | {split} | "
      f"{r['results']} results, {r['duplicateResults']} duplicate, {r['missingResults']} missing; "
      f"{r['stagedBlobs']} staged blobs for {r['distinctPassingContents']} passing contents "
      f"({r['stagedCreatedByResults']} created, the rest already existed); {r['rejectedBlobs']} rejected blobs; "
      f"{r['poisoned']} poisoned; verdicts match manifest: {r['verdictsMatchManifest']}; {checks} | {cpu} | {peaks} MB | {stops} |")
EOF
)")
  done
done

echo "## Worker throughput (bench/worker-throughput.sh)"
echo
echo "$info"
echo "- $files request messages per round; worker concurrency ${concurrency:-default (= cores, $(nproc))} per process; PollInterval 100 ms; Azurite $AZURITE_VERSION on loopback"
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| round | workers | time to all results | files/s | pass / fail | completed per worker | checks | CPU s: workers / Azurite / driver | worker peak RSS | stop on SIGTERM |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
exit "$status"
