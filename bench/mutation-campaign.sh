#!/usr/bin/env bash
# Benchmark for issue 10: the mutation campaign on thousands of files.
#
#  1. Writes --files seeded mutations (--seed) of small valid files of every accepted format (the generator of
#     tests/Preflight.TestSupport/Mutations, the one the CI test MutationCampaignTests runs on 300 files):
#     truncations, byte flips (also with PNG CRCs recomputed), zeroed blocks, duplicated/removed/resized
#     boxes/chunks/markers/frames, appended and inserted bytes.
#  2. Decodes each one with the reference: ffmpeg -threads 1 -xerror (rejected = exit code != 0 or any error line).
#  3. Runs `preflight check FOLDER --format json` --runs times in quick mode and in --deep, timed (wall, CPU, RSS).
#  4. Prints Markdown: false passes (pass, reference rejects) and false fails (fail, reference decodes cleanly) per
#     mode and per mutation kind, what the false fails say, verdicts that changed between runs, deep throughput.
#
# usage: bench/mutation-campaign.sh [--files N] [--seed S] [--runs N] [--keep DIR]
# Needs the .NET SDK, ffmpeg (installed from Debian if missing), GNU time (idem), python3.
# Everything lives in one temp folder removed at exit (--keep DIR: work in DIR and keep it).
set -euo pipefail

root="$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=../scripts/lib.sh
source "$root/scripts/lib.sh"
# shellcheck source=lib/common.sh
source "$root/bench/lib/common.sh"

count=3000 seed=20261202 runs=2 keep=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --files) count="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
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

echo "bench: generating $count files ..." >&2
rm -rf "$work/files"
dotnet "$BENCH_ARTIFACTS/mutation-bench/MutationBench.dll" generate "$work" "$count" "$seed"
echo "bench: reference decode (ffmpeg -threads 1 -xerror, $jobs at a time) ..." >&2
timed "$work/time-reference" dotnet "$BENCH_ARTIFACTS/mutation-bench/MutationBench.dll" reference "$work" "$jobs"

for mode in quick deep; do
  flag=(); [[ "$mode" == deep ]] && flag=(--deep)
  for ((r = 1; r <= runs; r++)); do
    echo "bench: preflight check ($mode, run $r) ..." >&2
    load_before="$(cut -d' ' -f1 /proc/loadavg)"
    timed "$work/time-$mode-$r" dotnet "$preflight_dll" check "$work/files" --format json --output "$work/$mode-$r.json" "${flag[@]}"
    echo "$load_before" >"$work/load-$mode-$r"
  done
done

echo "## Mutation campaign (bench/mutation-campaign.sh)"
echo
machine_info
echo "- files: $count seeded mutations (seed $seed) of $(cut -f2 "$work/mutations.tsv" | sort -u | wc -l) valid files; preflight --jobs default = $jobs"
echo
python3 - "$work" "$runs" <<'EOF'
import collections, json, os, sys

work, runs = sys.argv[1], int(sys.argv[2])
kinds, seeds, what = {}, {}, {}
for line in open(os.path.join(work, "mutations.tsv")):
    name, seed, kind, desc = line.rstrip("\n").split("\t")
    kinds[name], seeds[name], what[name] = kind, seed, desc
ref = {}
for line in open(os.path.join(work, "reference.tsv")):
    name, rejected, detail = line.rstrip("\n").split("\t")
    ref[name] = (rejected == "1", detail)

def load(mode, r):
    report = json.load(open(os.path.join(work, f"{mode}-{r}.json")))
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

rejected = sum(1 for v in ref.values() if v[0])
ref_wall, ref_cpu, _, _ = timing("time-reference")
print(f"Reference (ffmpeg -threads 1 -xerror): **{rejected}** of {len(ref)} files rejected, {len(ref) - rejected} decode cleanly "
      f"({ref_wall:.1f} s wall, {ref_cpu:.1f} s CPU for all files).")
print()
print("| mode | run | wall s | CPU s | peak RSS MB | load (1 min) | files reported | pass | fail | false passes | false fails | files/s (wall) | files per CPU s |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
results = {}
for mode in ("quick", "deep"):
    for r in range(1, runs + 1):
        files = load(mode, r)
        results[(mode, r)] = files
        wall, cpu, rss, code = timing(f"time-{mode}-{r}")
        load_avg = open(os.path.join(work, f"load-{mode}-{r}")).read().strip()
        passes = [n for n, f in files.items() if f["verdict"] == "pass"]
        fp = [n for n in passes if ref[n][0]]
        ff = [n for n, f in files.items() if f["verdict"] == "fail" and not ref[n][0]]
        print(f"| {mode} | {r} | {wall:.1f} | {cpu:.1f} | {rss} | {load_avg} | {len(files)} of {len(ref)} | {len(passes)} | {len(files) - len(passes)} "
              f"| {len(fp)} | {len(ff)} | {len(files) / wall:.1f} | {len(files) / cpu:.1f} |")
print()

for mode in ("quick", "deep"):
    changed = [n for n in ref if len({results[(mode, r)][n]["verdict"] for r in range(1, runs + 1)}) > 1]
    print(f"- {mode}: verdicts that changed between the {runs} runs: **{len(changed)}**" + (f" ({', '.join(changed[:5])}{' …' if len(changed) > 5 else ''})" if changed else ""))
print()

print("Per mutation kind (run 1): files, reference rejects, false passes quick / deep, false fails quick / deep")
print()
print("| kind | files | reference rejects | false passes quick | false passes deep | false fails quick | false fails deep |")
print("| --- | --- | --- | --- | --- | --- | --- |")
quick, deep = results[("quick", 1)], results[("deep", 1)]
for kind in sorted(set(kinds.values())):
    names = [n for n in ref if kinds[n] == kind]
    row = [len(names), sum(ref[n][0] for n in names)]
    for files in (quick, deep):
        row.append(sum(1 for n in names if files[n]["verdict"] == "pass" and ref[n][0]))
    for files in (quick, deep):
        row.append(sum(1 for n in names if files[n]["verdict"] == "fail" and not ref[n][0]))
    print(f"| {kind} | " + " | ".join(map(str, row)) + " |")
print()

for mode, files in (("quick", quick), ("deep", deep)):
    fp = [n for n, f in files.items() if f["verdict"] == "pass" and ref[n][0]]
    by_seed = collections.Counter(seeds[n] for n in fp)
    print(f"False passes, {mode} (by seed file): " + (", ".join(f"{s} {c}" for s, c in by_seed.most_common()) or "none"))
    for n in fp[:4]:
        print(f"  - `{n}` ({what[n]}): ffmpeg says `{ref[n][1][:120]}`")
    print()
    ff = [n for n, f in files.items() if f["verdict"] == "fail" and not ref[n][0]]
    reasons = collections.Counter(reason(files[n]) for n in ff)
    print(f"False fails, {mode} (fail while ffmpeg decodes cleanly), grouped by the first error's words:")
    print()
    for text, c in reasons.most_common(25):
        print(f"- {c} × {text}")
    print()
EOF
