# Tidepool — the two commands that matter: `make serve` and `make test`.
SWIFT ?= swift
DATA_DIR ?= ./.tidepool

.PHONY: build serve test bench fuzz fixtures release clean

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

serve:
	./scripts/setup serve
	$(SWIFT) run -c release tidepool serve --data-dir $(DATA_DIR)

# Every test, integration tests against real Chromium included. One debug build (every import
# declared: scripts/check-imports, and SwiftPM's own check while compiling), then the run.
test:
	./scripts/setup test
	./scripts/check-imports
	$(SWIFT) build --build-tests --explicit-target-dependency-import-check error
	for target in FuzzJSON FuzzCDPFrames FuzzParams FuzzEgressHead; do .build/debug/$$target Fuzz/Corpus/$$target; done
	$(SWIFT) test --skip-build

# The fixture site on 127.0.0.1 until Ctrl-C; prints its URL for the examples' --site (docs/client.md).
fixtures:
	$(SWIFT) run ServeFixtures

# libFuzzer over the hand-written parsers, FUZZ_SECONDS each (default 60); see Fuzz/run.sh.
fuzz:
	./Fuzz/run.sh

# Release build of every benchmark, then all of them (numbers go to BENCHMARKS.md by hand).
bench:
	./Benchmarks/run.sh

clean:
	$(SWIFT) package clean
