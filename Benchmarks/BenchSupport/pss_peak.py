"""Peak PSS of the browsers a benchmark runs, sampled every 0.5 s until the benchmark exits.

    python3 Benchmarks/BenchSupport/pss_peak.py BENCH_PID OUT.json

Each Chromium whose parent is not a Chromium is a browser; its process tree's PSS (smaps_rollup) is
summed. Browsers that are children of BENCH_PID are Tidepool's; the others (under the Playwright
driver) Playwright's. Writes {"tidepool": MB, "playwright": MB}: the highest total seen for each.
"""
import os, sys, time, json
bench = int(sys.argv[1]); out = sys.argv[2]
def pss(pid):
    try:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            if line.startswith("Pss:"): return int(line.split()[1])
    except Exception: return 0
    return 0
peak = {"tidepool": 0, "playwright": 0}
while os.path.exists(f"/proc/{bench}"):
    parents, cmds = {}, {}
    for d in os.listdir("/proc"):
        if not d.isdigit(): continue
        try:
            stat = open(f"/proc/{d}/stat").read(); ppid = int(stat.rsplit(")", 1)[1].split()[1])
            cmds[int(d)] = open(f"/proc/{d}/cmdline", "rb").read().split(b"\0")[0].decode(errors="ignore")
            parents[int(d)] = ppid
        except Exception: pass
    children = {}
    for p, pp in parents.items(): children.setdefault(pp, []).append(p)
    totals = {"tidepool": 0, "playwright": 0}
    for p, c in cmds.items():
        if "chromium" in c and "chromium" not in cmds.get(parents.get(p, 0), ""):
            kind = "tidepool" if parents.get(p) == bench else "playwright"
            stack, s = [p], 0
            while stack:
                q = stack.pop(); s += pss(q); stack += children.get(q, [])
            totals[kind] += s
    for k in peak: peak[k] = max(peak[k], totals[k])
    time.sleep(0.5)
json.dump({k: round(v / 1024) for k, v in peak.items()}, open(out, "w"))
