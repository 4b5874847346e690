"""Plots a soak's samples.csv: memory (server PSS/RSS, browsers PSS) and CPU over time, into a PNG."""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

samples, png = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(samples)))
minutes = [float(r["seconds"]) / 60 for r in rows]
fig, (memory, cpu) = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
series = [("server_pss_kb", "server PSS"), ("server_rss_kb", "server RSS"), ("browsers_pss_kb", "browsers PSS (whole tree)")]
if rows and "server_anon_kb" in rows[0]:
    series.append(("server_anon_kb", "server anonymous (RssAnon)"))
if rows and "server_heap_kb" in rows[0]:
    series.append(("server_heap_kb", "server heap in use"))
if rows and "browser_processes_pss_kb" in rows[0]:
    series.append(("browser_processes_pss_kb", "browser processes PSS (no renderers)"))
for key, label in series:
    memory.plot(minutes, [int(r[key]) / 1024 for r in rows], label=label)
if rows and "median_renderer_pss_kb" in rows[0]:
    series_extra = [("median_renderer_pss_kb", "median renderer PSS"), ("largest_renderer_pss_kb", "largest renderer PSS")]
    for key, label in series_extra:
        memory.plot(minutes, [int(r[key]) / 1024 for r in rows], label=label)
# Log scale: a renderer running out of memory reaches gigabytes for a few seconds.
memory.set_yscale("log")
memory.set_ylabel("MB (log)")
memory.legend()
memory.grid(alpha=0.3)
hz = 100.0
for key, label in [("server_cpu_ticks", "server"), ("browsers_cpu_ticks", "browsers")]:
    ticks = [int(r[key]) for r in rows]
    rate = [0.0] + [
        (b - a) / hz / max(1e-9, (float(rows[i + 1]["seconds"]) - float(rows[i]["seconds"])))
        for i, (a, b) in enumerate(zip(ticks, ticks[1:]))
    ]
    cpu.plot(minutes, rate, label=f"{label} (cores busy)")
cpu.set_xlabel("minutes")
cpu.set_ylabel("cores")
cpu.legend()
cpu.grid(alpha=0.3)
fig.suptitle("Tidepool soak: memory and CPU")
fig.tight_layout()
fig.savefig(png, dpi=100)
