#!/usr/bin/env python3
"""The same static-page render as Tidepool's RenderBench, done with Playwright for Python, for comparison.

Launches the very Chromium binary Tidepool runs (executable_path; Playwright downloads no browser), one
browser per pool browser Tidepool uses, and renders with a new context per render: new_context → new_page
→ goto(wait_until="load") → content() → context.close(). Prints one JSON object on stdout:
{"sequential": {"p50_ms":…, "p95_ms":…, "n":…}, "concurrency": {"1": {"rps":…, "p50_ms":…}, …}}.
The script is its descendants' subreaper and reaps them, so the CPU time of the driver and of every
Chromium process reaches its parent's accounting.
"""
import argparse
import asyncio
import json
import statistics
import time

from playwright.async_api import async_playwright
import pathlib
import sys

# No __pycache__ in BenchSupport, a Swift target's folder (SwiftPM would warn about the file).
sys.dont_write_bytecode = True
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "BenchSupport"))
from subreaper import become_subreaper, reap_orphans  # noqa: E402


def percentile(values, p):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[index]


async def render(browser, url):
    context = await browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        page = await context.new_page()
        await page.goto(url, wait_until="load", timeout=30000)
        html = await page.content()
        if "Static fixture page" not in html:
            raise RuntimeError("unexpected page content")
    finally:
        await context.close()


async def timed(browser, url):
    start = time.perf_counter()
    await render(browser, url)
    return (time.perf_counter() - start) * 1000


async def main():
    become_subreaper()
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--browsers", type=int, default=1)
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--concurrency", default="1,4,8")
    args = parser.parse_args()

    async with async_playwright() as p:
        browsers = [
            await p.chromium.launch(
                executable_path=args.binary, headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            )
            for _ in range(args.browsers)
        ]
        for i in range(args.warmup):
            await render(browsers[i % len(browsers)], args.url)

        sequential = [await timed(browsers[i % len(browsers)], args.url) for i in range(args.renders)]
        result = {
            "sequential": {
                "n": len(sequential),
                "p50_ms": statistics.median(sequential),
                "p95_ms": percentile(sequential, 95),
            },
            "concurrency": {},
        }
        for concurrency in [int(c) for c in args.concurrency.split(",")]:
            counter = {"next": 0}
            latencies = []

            async def worker():
                while counter["next"] < args.renders:
                    i = counter["next"]
                    counter["next"] += 1
                    latencies.append(await timed(browsers[i % len(browsers)], args.url))

            start = time.perf_counter()
            await asyncio.gather(*[worker() for _ in range(concurrency)])
            elapsed = time.perf_counter() - start
            result["concurrency"][str(concurrency)] = {
                "rps": len(latencies) / elapsed,
                "p50_ms": statistics.median(latencies),
                "p95_ms": percentile(latencies, 95),
            }
        for browser in browsers:
            await browser.close()
    reap_orphans()
    print(json.dumps(result))


asyncio.run(main())
