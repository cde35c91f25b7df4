#!/usr/bin/env bash
# Document search benchmark: 100,000 passages, HNSW build time, search latency p50/p95 per
# method. Takes several minutes on 2 cores; not part of `make test`. Figures: docs/retrieval.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
go test -run '^$' -bench 'Search100k' -benchtime 1x -timeout 90m -v ./retrieval/ 2>&1 | tee "${BENCH_OUT:-/dev/null}"
