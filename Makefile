# Conoscenza: the two commands are `make demo` (set up, build, load demo data, serve) and
# `make test` (set up, vet, test). Everything else is a step of those.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin
BIN := bin/conoscenza
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
DEMO_DIR ?= var/demo
TEST_TIMEOUT ?= 25m
# An execution count (Nx), not a duration: with a duration, Go 1.26's fuzzing coordinator can
# report its own deadline as a failure on a busy machine (golang/go#75804, fixed in Go 1.27).
FUZZ_TIME ?= 20000x

.PHONY: setup build migrate demo demo-data serve test vet fmt bench clean fuzz faults soak screenshots bench-browser

setup:
	$(SUDO) bash scripts/setup.sh

build:
	go build -ldflags "-X main.Version=$(VERSION)" -o $(BIN) ./cmd/conoscenza

migrate: setup build
	$(BIN) migrate

demo: demo-data
	$(BIN) serve

# The fictional data set and documents (demo load also loads the documents and demo users).
demo-data: migrate
	$(BIN) demo load --dir $(DEMO_DIR)

serve: migrate
	$(BIN) serve

vet:
	@bad=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$bad" ]; then echo "gofmt would change: $$bad"; exit 1; fi
	go vet ./...

# The browser tests (web/browsertest) run too: CONOSCENZA_REQUIRE_BROWSER=1 makes a missing
# chromium a failure instead of a skip.
test: setup vet
	CONOSCENZA_REQUIRE_BROWSER=1 go test -count=1 -timeout $(TEST_TIMEOUT) ./...

# PostgreSQL restarted under a running load and a running server (restarts the cluster).
faults: setup
	bash scripts/fault-pg-restart.sh

# fuzz: a short bounded run of each fuzz target over its committed seeds (testdata/fuzz);
# CI runs it after `make test`. A crasher is written to testdata/fuzz/<Target>/: commit it.
fuzz:
	go test -run '^$$' -fuzz '^FuzzQueryValidator$$' -fuzztime $(FUZZ_TIME) ./agent/semantic
	go test -run '^$$' -fuzz '^FuzzCheck$$' -fuzztime $(FUZZ_TIME) ./agent/sqlguard
	go test -run '^$$' -fuzz '^FuzzPlan$$' -fuzztime $(FUZZ_TIME) ./agent/planner
	go test -run '^$$' -fuzz '^FuzzSkipLines$$' -fuzztime $(FUZZ_TIME) ./ingest/csvx

# Benchmarks take minutes each and are not part of the tests; figures go to docs/.
bench: setup build
	bash scripts/bench-ingest.sh
	bash scripts/bench-retrieval.sh
	bash scripts/load-ask.sh

# Screenshots of every page, taken by the browser tests, into docs/screenshots/ (shown in the README).
screenshots: setup
	CONOSCENZA_SCREENSHOTS=1 CONOSCENZA_REQUIRE_BROWSER=1 go test -count=1 -run . ./web/browsertest

# The browser benchmark: time to first streamed text and to the whole answer (no-model mode),
# page loads, and the JS/CSS bytes of every page (docs/web.md).
bench-browser: setup
	CONOSCENZA_REQUIRE_BROWSER=1 go test -count=1 -run '^$$' -bench . -benchtime 20x ./web/browsertest

# soak: SOAK_DURATION (10m) of mixed traffic from 16 clients against the demo (serve on the demo
# data, rate limits off): questions, streams, metrics queries, searches, dossiers, login cycles.
# Not part of `make test` or CI. `make soak SOAK_DURATION=30s` for a short try; figures in docs/load.md.
soak: setup
	bash scripts/soak.sh

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin var
