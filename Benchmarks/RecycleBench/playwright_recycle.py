#!/usr/bin/env python3
"""Playwright for Python on RecycleBench's workload, for comparison: one browser (the very binary
Tidepool runs, through executable_path), `callers` workers rendering the given URLs in turn.

--mode context: a new context and page per render (isolated, as Tidepool's fresh contexts are);
--mode page: each worker keeps one page and navigates it to the next URL (no isolation at all).
Prints {"rps": …, "p50_ms": …, "n": …}. The script is its descendants' subreaper and reaps them, so
the CPU time of the driver and of every Chromium process reaches its parent's accounting.
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


async def main():
    become_subreaper()
    parser = argparse.ArgumentParser()
    parser.add_argument("--urls", required=True, help="comma-separated, taken in turn")
    parser.add_argument("--binary", required=True)
    parser.add_argument("--mode", choices=["context", "page"], required=True)
    parser.add_argument("--callers", type=int, default=8)
    parser.add_argument("--renders", type=int, default=160)
    parser.add_argument("--warmup", type=int, default=16)
    args = parser.parse_args()
    urls = args.urls.split(",")

    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=args.binary, headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        counter = {"next": 0}
        latencies = []

        async def worker(total, record):
            page = None
            context = None
            if args.mode == "page":
                context = await browser.new_context(viewport={"width": 1920, "height": 1080})
                page = await context.new_page()
            while counter["next"] < total:
                i = counter["next"]
                counter["next"] += 1
                start = time.perf_counter()
                if args.mode == "context":
                    ctx = await browser.new_context(viewport={"width": 1920, "height": 1080})
                    try:
                        pg = await ctx.new_page()
                        await pg.goto(urls[i % len(urls)], wait_until="load", timeout=30000)
                        html = await pg.content()
                    finally:
                        await ctx.close()
                else:
                    await page.goto(urls[i % len(urls)], wait_until="load", timeout=30000)
                    html = await page.content()
                if "Static fixture page" not in html:
                    raise RuntimeError("unexpected page content")
                if record:
                    latencies.append((time.perf_counter() - start) * 1000)
            if context is not None:
                await context.close()

        await asyncio.gather(*[worker(args.warmup, False) for _ in range(min(args.callers, args.warmup))])
        counter["next"] = 0
        start = time.perf_counter()
        await asyncio.gather(*[worker(args.renders, True) for _ in range(args.callers)])
        elapsed = time.perf_counter() - start
        await browser.close()
    reap_orphans()
    print(json.dumps({"rps": len(latencies) / elapsed, "p50_ms": statistics.median(latencies), "n": len(latencies)}))


asyncio.run(main())
