#!/usr/bin/env bash
# `make fuzz`: builds each libFuzzer target with -sanitize=fuzzer,address (its own scratch path) and runs
# it for FUZZ_SECONDS (default 60) on a working copy of its seed corpus. Crashes land in
# .build-fuzz/crashes/<target>/; turn each into a file of Fuzz/Corpus/<target>/ (the plain build replays
# the corpus in `make test`) and a unit test. Figures for BENCHMARKS.md come from the last lines printed.
#
#   Fuzz/run.sh [target …]     (default: all; FUZZ_SECONDS=600 for the 10-minute runs)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
scratch=.build-fuzz
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzJSON FuzzCDPFrames FuzzParams FuzzEgressHead)
flags=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING)
for target in "${targets[@]}"; do
  swift build --scratch-path "$scratch" --product "$target" "${flags[@]}" >&2
done
bin="$(swift build --scratch-path "$scratch" --show-bin-path "${flags[@]}")"
for target in "${targets[@]}"; do
  corpus="$scratch/corpus/$target"
  crashes="$scratch/crashes/$target"
  mkdir -p "$corpus" "$crashes"
  cp -n Fuzz/Corpus/"$target"/* "$corpus"/ 2>/dev/null || true
  echo "## $target ($seconds s)"
  "$bin/$target" "$corpus" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$crashes/" -print_final_stats=1 2>&1 | grep -E "^(#[0-9]+.*(DONE|pulse)|stat::|==[0-9]+==ERROR|SUMMARY)" | tail -12
done
