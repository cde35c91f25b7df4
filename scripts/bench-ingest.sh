#!/usr/bin/env bash
# Benchmark of the register load: generates N companies (default 1,000,000) with valid check
# digits, loads them with `conoscenza ingest imprese` into a scratch database, then loads the
# next month's snapshot (about 4% changed), and compares each with a plain `psql \copy` of the
# same file into an unindexed table, run just before it (the machine is shared: the ratio is
# the stable figure). Prints rows/s, peak memory, the ratio and the load average. Not part of
# `make test`. BENCH_SKIP_GEN=1 reuses the files already in BENCH_DIR.
#
#   scripts/bench-ingest.sh [ROWS]        (env: BENCH_DIR, BENCH_DB, DATABASE_URL for the server)
set -euo pipefail
ROWS=${1:-1000000}
DIR=${BENCH_DIR:-/tmp/conoscenza-bench}
BASE=${DATABASE_URL:-postgres://conoscenza:conoscenza@127.0.0.1:5432/conoscenza}
BASE=${BASE%%\?*}
DB=${BENCH_DB:-cz_bench_ingest}
URL="${BASE%/*}/$DB"
cd "$(dirname "$0")/.."
mkdir -p "$DIR"

echo "== generating $ROWS companies in $DIR"
go build -o "$DIR/conoscenza" ./cmd/conoscenza
if [ -z "${BENCH_SKIP_GEN:-}" ]; then
  go run ./ingest/internal/benchgen/genimprese -n "$ROWS" -dir "$DIR" >/dev/null
  go run ./ingest/internal/benchgen/genimprese -n "$ROWS" -month 1 -dir "$DIR" >/dev/null
fi
F1="$DIR/imprese_2026-10.csv"; F2="$DIR/imprese_2026-11.csv"
ls -la "$F1" "$F2"

psql "$BASE" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB TEMPLATE template1" 2>/dev/null
export DATABASE_URL="$URL"
"$DIR/conoscenza" migrate >/dev/null
"$DIR/conoscenza" ingest stradario "$DIR/stradario.csv" --json >/dev/null 2>&1

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
cols=$(head -1 "$F1" | tr -d '\r' | tr ';' '\n' | tr -- '-' '_' | sed 's/.*/"&" text/' | paste -sd, -)
plain() { # label file: a plain psql \copy of the same file into an unindexed all-text table,
  # measured right before each load so that the ratio compares the same minute of a shared machine
  psql "$URL" -qc "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS plain_copy" -c "CREATE TABLE plain_copy ($cols)"
  start=$(date +%s.%N)
  psql "$URL" -qc "\\copy plain_copy FROM '$2' WITH (FORMAT csv, DELIMITER ';', HEADER true)"
  end=$(date +%s.%N)
  psql "$URL" -qc "DROP TABLE plain_copy"
  python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$end" >"$DIR/$1.plain"
}
run() { # label file
  plain "$1" "$2"
  la0=$(loadavg)
  wal0=$(psql "$URL" -qAtc "SELECT pg_current_wal_lsn()")
  /usr/bin/time -f "%e %M %U %S" -o "$DIR/time.txt" "$DIR/conoscenza" --log-format json ingest imprese "$2" --json >"$DIR/out.json" 2>"$DIR/err.txt" || { cat "$DIR/err.txt"; exit 1; }
  la1=$(loadavg)
  # WAL written during the load (the whole cluster's: other sessions' writes count too)
  psql "$URL" -qAtc "SELECT '   WAL written during the load: ' || pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), '$wal0'))"
  read -r secs kb usr sys <"$DIR/time.txt"
  python3 - "$1" "$secs" "$kb" "$DIR/out.json" "$DIR/$1.plain" "$la0" "$la1" "$usr" "$sys" <<'PY'
import json, sys
label, secs, kb, out = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
plain = float(open(sys.argv[5]).read())
s = json.load(open(out))
print(f"{label}: {s['read']} rows in {secs:.1f}s = {s['read']/secs:,.0f} rows/s end to end; peak RSS {kb/1024:.0f} MiB; "
      f"loaded {s['loaded']} rejected {s['rejected']} match_rate {s['match_rate']:.3f}")
print(f"   plain psql \\copy of the same file just before: {plain:.1f}s = {s['read']/plain:,.0f} rows/s; "
      f"ratio (ingest / plain copy rate) = {plain/secs:.2f}; load average before [{sys.argv[6]}] after [{sys.argv[7]}]")
print(f"   CPU of the loader process: user {sys.argv[8]} s, system {sys.argv[9]} s")
PY
}
run first-snapshot "$F1"
psql "$URL" -qAtc "SELECT '   steps ms: ' || (stats->'ms')::text FROM load_batches WHERE kind='imprese' ORDER BY id DESC LIMIT 1"
run next-snapshot "$F2"
psql "$URL" -qAtc "SELECT '   steps ms: ' || (stats->'ms')::text || ' stats: ' || (stats - 'ms')::text FROM load_batches WHERE kind='imprese' ORDER BY id DESC LIMIT 1"
[ -n "${BENCH_KEEP:-}" ] || psql "$BASE" -qc "DROP DATABASE IF EXISTS $DB" 2>/dev/null || true
