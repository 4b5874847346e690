# Tidepool — the two commands that matter: `make serve` and `make test`.
SWIFT ?= swift
DATA_DIR ?= ./.tidepool

.PHONY: build serve test bench fixtures release clean

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

serve:
	$(SWIFT) run -c release tidepool serve --data-dir $(DATA_DIR)

# Every test, integration tests against real Chromium included. One debug build, then the run.
test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: release
	./Benchmarks/run.sh

clean:
	$(SWIFT) package clean
