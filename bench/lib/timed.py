#!/usr/bin/env python3
"""timed.py OUTFILE CMD...: runs CMD once and writes "wall_s peak_rss_kb user_s sys_s exit" to OUTFILE.

The clock runs from just before the process is spawned (posix_spawn) to the moment wait4 reaps it, so it holds the
command's own start, run and exit and nothing of a wrapper's: GNU time's extra fork and exec, which bash's clock around
/usr/bin/time used to include, cost 5-7 ms on the bench VM, as much as a third of a warm re-check. CPU time and peak RSS
come from the same wait4 (the process and the children it waited for, as GNU time reports them). Standard input, output
and error are the caller's, passed straight through.
"""
import os
import sys
import time


def main() -> int:
    if len(sys.argv) < 3:
        print("usage: timed.py OUTFILE CMD...", file=sys.stderr)
        return 2
    out, command = sys.argv[1], sys.argv[2:]
    start = time.perf_counter()
    try:
        pid = os.posix_spawnp(command[0], command, os.environ)
    except OSError as error:
        print(f"timed: cannot run {command[0]}: {error}", file=sys.stderr)
        with open(out, "w") as f:
            f.write("0.000 0 0.00 0.00 127\n")
        return 127
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    code = 128 - code if code < 0 else code
    with open(out, "w") as f:
        f.write(f"{wall:.3f} {usage.ru_maxrss} {usage.ru_utime:.2f} {usage.ru_stime:.2f} {code}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
