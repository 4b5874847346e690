#!/usr/bin/env bash
# `make bench`: builds every benchmark in release once and runs them in turn on this machine.
# Raw output goes to the terminal and to Benchmarks/results/<date>-<host>.txt; the figures and
# their commentary are copied into BENCHMARKS.md by hand (each section names the command it ran).
#
#   Benchmarks/run.sh            # all: store, pool, render (with Playwright if installed), stateful, tenants, http, client, live
#   Benchmarks/run.sh store http # a subset
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${TIDEPOOL_RELEASE_SCRATCH:-.build}"
export TIDEPOOL_RELEASE_SCRATCH="$scratch"
which=("$@")
[ ${#which[@]} -gt 0 ] || which=(store pool render stateful tenants http client live)

mkdir -p Benchmarks/results
log="Benchmarks/results/$(date -u +%Y-%m-%dT%H%M)-$(hostname).txt"
{
  echo "# $(date -u) on $(hostname): $(nproc) cores, $(awk '/MemTotal/ {print int($2/1024/1024)" GiB"}' /proc/meminfo)"
  echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# $(swift --version 2>&1 | head -1)"
} | tee "$log"

products=()
for b in "${which[@]}"; do
  case "$b" in
    store) products+=(StoreBench) ;;
    pool) products+=(PoolBench) ;;
    render) products+=(RenderBench) ;;
    stateful|tenants) products+=(StatefulBench) ;;
    http) products+=(tidepool) ;;
    client) products+=(ClientBench) ;;
    live) products+=(tidepool) ;;
    *) echo "unknown benchmark '$b' (store, pool, render, stateful, tenants, http, client, live)" >&2; exit 2 ;;
  esac
done
for p in "${products[@]}"; do swift build -c release --scratch-path "$scratch" --product "$p" >&2; done
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)"

for b in "${which[@]}"; do
  echo "## $b" | tee -a "$log"
  case "$b" in
    store) "$bin/StoreBench" 2>&1 | tee -a "$log" ;;
    pool) "$bin/PoolBench" 2>&1 | tee -a "$log" ;;
    render)
      if python3 -c 'import playwright' 2>/dev/null; then "$bin/RenderBench" 2>&1 | tee -a "$log"
      else echo "(playwright not installed: pip install playwright; running without the comparison)" | tee -a "$log"
           "$bin/RenderBench" --no-playwright 2>&1 | tee -a "$log"; fi ;;
    stateful) "$bin/StatefulBench" --renders 300 2>&1 | tee -a "$log" ;;
    tenants) "$bin/StatefulBench" --tenants --renders 300 2>&1 | tee -a "$log" ;;
    http) Benchmarks/HTTPBench/run.sh 20s 2 2>&1 | tee -a "$log" ;;
    client) "$bin/ClientBench" 2>&1 | tee -a "$log" ;;
    live)
      # A live view's hand-off and frame rate (Playwright for Python as the viewer) against a server
      # of its own on a free port, stopped by its PID afterwards.
      if python3 -c 'import playwright' 2>/dev/null; then
        port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
        data="$(mktemp -d)"
        "$bin/tidepool" serve --port "$port" --allow-network 127.0.0.1/32 --session-backend memory --data-dir "$data" >"$data/serve.log" 2>&1 &
        server=$!
        for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
        python3 Benchmarks/live_handoff.py "http://127.0.0.1:$port" 2>&1 | tee -a "$log" || true
        kill -TERM "$server"; wait "$server" || true
        rm -rf "$data"
      else echo "(playwright not installed: pip install playwright; live view benchmark skipped)" | tee -a "$log"; fi ;;
  esac
done
echo "raw results: $log"
