#!/usr/bin/env bash
# Benchmark for issue 10: the mutation campaign on thousands of files.
#
#  1. Writes --files seeded mutations (--seed) of small valid files of every accepted format (the generator of
#     tests/Preflight.TestSupport/Mutations, the one the CI test MutationCampaignTests runs on 300 files):
#     truncations, byte flips (also with PNG CRCs recomputed), zeroed blocks, duplicated/removed/resized
#     boxes/chunks/markers/frames, appended and inserted bytes.
#  2. Decodes each one with the reference: ffmpeg -threads 1 -xerror (rejected = exit code != 0 or any error line).
#  3. Runs `preflight check FOLDER --format json --no-cache` --runs times in quick mode and in --deep, timed (wall,
#     CPU, RSS, 1-minute load average before each run).
#  4. Prints Markdown: false passes (pass, reference rejects) and false fails (fail, reference decodes cleanly) per
#     mode and per mutation kind, what the false fails say, verdicts that changed between runs, deep throughput.
#
#  PREFLIGHT_BENCH_BASELINE_DLL=/path/preflight.dll also checks the same files with that build (an older commit's CLI,
#  e.g. `git worktree add /tmp/old COMMIT && dotnet build /tmp/old/src/Preflight.Cli/Preflight.Cli.csproj -c Release
#  -o /tmp/old-cli`), once per mode, interleaved with run 1, and prints before/after: verdicts, throughput.
#
# usage: bench/mutation-campaign.sh [--files N] [--seed S] [--runs N] [--keep DIR [--reuse]] [--only EXT]
#   --reuse   with --keep: use the files and reference verdicts already in DIR (from an earlier run with the same
#             --files/--seed/--only), skipping generation and the reference decode
#   --only    mutate only the seed files of one type (e.g. .mp3)
# Needs the .NET SDK, ffmpeg (installed from Debian if missing), GNU time (idem), python3.
# Everything lives in one temp folder removed at exit (--keep DIR: work in DIR and keep it).
set -euo pipefail

root="$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=../scripts/lib.sh
source "$root/scripts/lib.sh"
# shellcheck source=lib/common.sh
source "$root/bench/lib/common.sh"

count=3000 seed=20261202 runs=2 keep="" reuse=0 only=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --files) count="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    --reuse) reuse=1; shift ;;
    --only) only="$2"; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

ensure_ffmpeg
ensure_gnu_time
bench_build_cli
echo "bench: building bench/MutationBench ..." >&2
bench_build bench/MutationBench/MutationBench.csproj "$BENCH_ARTIFACTS/mutation-bench"

if [[ -n "$keep" ]]; then
  work="$keep"; mkdir -p "$work"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/preflight-bench-mutation.XXXXXX")"
  trap 'rm -rf -- "$work"' EXIT
fi
jobs="$(nproc)"

baseline="${PREFLIGHT_BENCH_BASELINE_DLL:-}"

if [[ "$reuse" == 1 && -n "$keep" && -s "$work/reference.tsv" && -s "$work/mutations.tsv" \
      && "$(wc -l <"$work/mutations.tsv")" == "$count" ]]; then
  echo "bench: reusing the $count files and reference verdicts in $work" >&2
else
  echo "bench: generating $count files ..." >&2
  rm -rf "$work/files"
  dotnet "$BENCH_ARTIFACTS/mutation-bench/MutationBench.dll" generate "$work" "$count" "$seed" ${only:+"$only"}
  echo "bench: reference decode (ffmpeg -threads 1 -xerror, $jobs at a time) ..." >&2
  timed "$work/time-reference" dotnet "$BENCH_ARTIFACTS/mutation-bench/MutationBench.dll" reference "$work" "$jobs"
fi

# check_run BUILD DLL MODE RUN: one timed `preflight check` of every file into $work/BUILD-MODE-RUN.json.
check_run() {
  local build="$1" dll="$2" mode="$3" r="$4" flag=() load_before cmd
  if [[ "$dll" == *.dll ]]; then cmd=(dotnet "$dll"); else cmd=("$dll"); fi
  [[ "$mode" == deep ]] && flag+=(--deep)
  # A verdict cache would answer the second run from the first; builds from before the cache have no such flag.
  "${cmd[@]}" check --help 2>&1 | grep -q -- '--no-cache' && flag+=(--no-cache)
  echo "bench: preflight check ($build build, $mode, run $r) ..." >&2
  load_before="$(cut -d' ' -f1 /proc/loadavg)"
  timed "$work/time-$build-$mode-$r" "${cmd[@]}" check "$work/files" --format json --output "$work/$build-$mode-$r.json" "${flag[@]}"
  echo "$load_before" >"$work/load-$build-$mode-$r"
}

# Checked only now, after the long reference decode, so the baseline may still be building when the script starts.
[[ -z "$baseline" || -f "$baseline" ]] || { echo "bench: PREFLIGHT_BENCH_BASELINE_DLL=$baseline does not exist" >&2; exit 2; }
for mode in quick deep; do
  for ((r = 1; r <= runs; r++)); do
    check_run new "${preflight_cli[-1]}" "$mode" "$r"
    [[ -n "$baseline" && "$r" == 1 ]] && check_run base "$baseline" "$mode" 1
  done
done

echo "## Mutation campaign (bench/mutation-campaign.sh)"
echo
machine_info
echo "- files: $count seeded mutations (seed $seed) of $(cut -f2 "$work/mutations.tsv" | sort -u | wc -l) valid files; preflight --jobs default = $jobs"
[[ -n "$baseline" ]] && echo "- baseline build: $baseline"
echo
python3 - "$work" "$runs" "${baseline:+1}" <<'EOF'
import collections, json, os, sys

work, runs = sys.argv[1], int(sys.argv[2])
has_baseline = len(sys.argv) > 3 and sys.argv[3] == "1"
kinds, seeds, what = {}, {}, {}
for line in open(os.path.join(work, "mutations.tsv")):
    name, seed, kind, desc = line.rstrip("\n").split("\t")
    kinds[name], seeds[name], what[name] = kind, seed, desc
ref = {}
for line in open(os.path.join(work, "reference.tsv")):
    name, rejected, detail = line.rstrip("\n").split("\t")
    ref[name] = (rejected == "1", detail)

def load(build, mode, r):
    path = os.path.join(work, f"{build}-{mode}-{r}.json")
    if not os.path.exists(path):
        return {}
    report = json.load(open(path))
    return {f["path"]: f for f in report["files"]}

def timing(name):
    # GNU time writes "Command exited with non-zero status N" above its line when the command fails.
    lines = [l for l in open(os.path.join(work, name)).read().split("\n") if l.strip()]
    wall, rss, user, sys_, code = lines[-1].split()
    return float(wall), float(user) + float(sys_), int(rss) // 1024, int(code)

def first_error(f):
    for x in f["findings"]:
        if x["severity"] == "error":
            return x["code"], x["message"]
    return None, None

def reason(f):
    code, message = first_error(f)
    message = message or ""
    # Group messages by their first words (offsets and sizes differ per file).
    head = " ".join(message.replace(":", " :").split()[:7])
    return f"{code}: {head}"

def row(build, mode, r, files):
    wall, cpu, rss, code = timing(f"time-{build}-{mode}-{r}")
    load_avg = open(os.path.join(work, f"load-{build}-{mode}-{r}")).read().strip()
    passes = [n for n, f in files.items() if f["verdict"] == "pass"]
    fp = [n for n in passes if ref.get(n, (False,))[0]]
    ff = [n for n, f in files.items() if f["verdict"] == "fail" and not ref.get(n, (True,))[0]]
    return (f"| {mode} | {r} | {wall:.1f} | {cpu:.1f} | {rss} | {load_avg} | {len(files)} of {len(ref)} | {len(passes)} | {len(files) - len(passes)} "
            f"| {len(fp)} | {len(ff)} | {len(files) / wall:.2f} | {len(files) / cpu:.2f} |")

header = ("| mode | run | wall s | CPU s | peak RSS MB | load (1 min) | files reported | pass | fail | false passes | false fails | files/s (wall) | files per CPU s |\n"
          "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")

rejected = sum(1 for v in ref.values() if v[0])
ref_wall, ref_cpu, _, _ = timing("time-reference")
print(f"Reference (ffmpeg -threads 1 -xerror): **{rejected}** of {len(ref)} files rejected, {len(ref) - rejected} decode cleanly "
      f"({ref_wall:.1f} s wall, {ref_cpu:.1f} s CPU for all files).")
print()
print(header)
results = {}
for mode in ("quick", "deep"):
    for r in range(1, runs + 1):
        files = load("new", mode, r)
        results[(mode, r)] = files
        print(row("new", mode, r, files))
print()

for mode in ("quick", "deep"):
    changed = [n for n in ref if len({results[(mode, r)].get(n, {}).get("verdict") for r in range(1, runs + 1)}) > 1]
    print(f"- {mode}: verdicts that changed between the {runs} runs: **{len(changed)}**" + (f" ({', '.join(changed[:5])}{' …' if len(changed) > 5 else ''})" if changed else ""))
    missing = [n for n in ref if any(n not in results[(mode, r)] for r in range(1, runs + 1))]
    print(f"- {mode}: files missing from a report: **{len(missing)}**")
print()

print("Per mutation kind (run 1): files, reference rejects, false passes quick / deep, false fails quick / deep")
print()
print("| kind | files | reference rejects | false passes quick | false passes deep | false fails quick | false fails deep |")
print("| --- | --- | --- | --- | --- | --- | --- |")
quick, deep = results[("quick", 1)], results[("deep", 1)]
for kind in sorted(set(kinds.values())):
    names = [n for n in ref if kinds[n] == kind]
    cells = [len(names), sum(ref[n][0] for n in names)]
    for files in (quick, deep):
        cells.append(sum(1 for n in names if n in files and files[n]["verdict"] == "pass" and ref[n][0]))
    for files in (quick, deep):
        cells.append(sum(1 for n in names if n in files and files[n]["verdict"] == "fail" and not ref[n][0]))
    print(f"| {kind} | " + " | ".join(map(str, cells)) + " |")
print()

for mode, files in (("quick", quick), ("deep", deep)):
    fp = [n for n, f in files.items() if f["verdict"] == "pass" and ref[n][0]]
    by_seed = collections.Counter(seeds[n] for n in fp)
    print(f"False passes, {mode} (by seed file): " + (", ".join(f"{s} {c}" for s, c in by_seed.most_common()) or "none"))
    for n in fp[:6]:
        print(f"  - `{n}` ({what[n]}): ffmpeg says `{ref[n][1][:120]}`")
    print()
    ff = [n for n, f in files.items() if f["verdict"] == "fail" and not ref[n][0]]
    reasons = collections.Counter(reason(files[n]) for n in ff)
    print(f"False fails, {mode} (fail while ffmpeg decodes cleanly), grouped by the first error's words:")
    print()
    for text, c in reasons.most_common(25):
        print(f"- {c} × {text}")
    print()

if has_baseline:
    print("### Same files, baseline build (run once per mode, interleaved with run 1 of this build)")
    print()
    print(header.replace("| mode |", "| build | mode |", 1).replace("| --- |", "| --- | --- |", 1))
    for mode in ("quick", "deep"):
        for build in ("base", "new"):
            files = load(build, mode, 1)
            print(f"| {'baseline' if build == 'base' else 'this'} " + row(build, mode, 1, files))
    print()
    for mode in ("quick", "deep"):
        before, after = load("base", mode, 1), load("new", mode, 1)
        flipped = collections.Counter((before[n]["verdict"], after[n]["verdict"]) for n in ref if n in before and n in after and before[n]["verdict"] != after[n]["verdict"])
        print(f"- {mode}: verdicts baseline → this build: " + (", ".join(f"{a} → {b}: {c}" for (a, b), c in sorted(flipped.items())) or "all the same"))
    print()
EOF
