#!/usr/bin/env python3
"""Run a command and report its wall time and memory, including the processes it starts.

GNU time reports the largest single process; --deep runs ffmpeg beside the .NET process, so this also
samples (every 20 ms) the summed RSS of the whole process tree. Prints one JSON line:
{"wallSeconds", "exit", "rootPeakKb", "treePeakKb"}. The command's own stdout goes to --stdout FILE (default: discarded).

usage: peak_rss.py [--stdout FILE] -- CMD...
"""
import json
import os
import subprocess
import sys
import time


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            hwm = rss = 0
            for line in f:
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
                elif line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
            return rss, hwm
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return 0, 0


def children_of():
    tree = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                # comm may hold spaces and parentheses: ppid is the 2nd field after the last ')'.
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
        tree.setdefault(ppid, []).append(int(name))
    return tree


def tree_rss(root):
    tree = children_of()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss_kb(pid)[0]
        stack.extend(tree.get(pid, []))
    return total


def main():
    args = sys.argv[1:]
    out = subprocess.DEVNULL
    if args[:1] == ["--stdout"]:
        out = open(args[1], "wb")
        args = args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    start = time.monotonic()
    proc = subprocess.Popen(args, stdout=out)
    root_peak = tree_peak = 0
    while proc.poll() is None:
        _, hwm = rss_kb(proc.pid)
        root_peak = max(root_peak, hwm)
        tree_peak = max(tree_peak, tree_rss(proc.pid))
        time.sleep(0.02)
    wall = time.monotonic() - start
    print(json.dumps({"wallSeconds": round(wall, 3), "exit": proc.returncode,
                      "rootPeakKb": root_peak, "treePeakKb": tree_peak}))


if __name__ == "__main__":
    main()
