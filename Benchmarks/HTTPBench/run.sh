#!/usr/bin/env bash
# HTTP benchmark: the JSON-RPC `health` method through the real server, 16 keep-alive
# connections (wrk). Builds `tidepool` in release, starts it on a free port with a throwaway data
# directory, runs wrk, stops the server with SIGTERM. Figures go into BENCHMARKS.md, "## HTTP".
#
#   Benchmarks/HTTPBench/run.sh [duration, default 30s] [wrk threads, default 2]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-30s}"
threads="${2:-2}"
scratch="${TIDEPOOL_RELEASE_SCRATCH:-.build}"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
swift build -c release --product tidepool --scratch-path "$scratch" >&2
binary="$(swift build -c release --product tidepool --scratch-path "$scratch" --show-bin-path)/tidepool"

data="$(mktemp -d)"
out="$data/stdout"
"$binary" serve --port 0 --data-dir "$data/store" --log-level warning >"$out" 2>"$data/stderr" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT

for _ in $(seq 1 300); do
  grep -q "listening on" "$out" 2>/dev/null && break
  kill -0 $server 2>/dev/null || { cat "$data/stderr" >&2; exit 1; }
  sleep 0.1
done
url="$(sed -n 's/^tidepool listening on //p' "$out")/rpc"
echo "server $url (pid $server), wrk -t$threads -c16 -d$duration" >&2

# CPU time (user + system, in clock ticks) the server has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }

# Warm-up, then the measured run.
wrk -t"$threads" -c16 -d3s -s Benchmarks/HTTPBench/health.lua "$url" >/dev/null
before=$(cpu_ticks)
wrk -t"$threads" -c16 -d"$duration" --latency -s Benchmarks/HTTPBench/health.lua "$url" | tee "$data/wrk"
after=$(cpu_ticks)
requests=$(sed -n 's/^requests: \([0-9]*\),.*/\1/p' "$data/wrk")
awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" \
  'BEGIN { printf "server CPU: %.1f s, %.1f us per request\n", t / hz, t / hz / n * 1e6 }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
