#!/usr/bin/env bash
# Fault: PostgreSQL restarts while the server is answering questions over HTTP and a register
# load is running.
# Checks: the load fails and leaves nothing; the server stays up, reports not ready while the
# database is gone and recovers by itself; questions asked during the restart get a JSON error
# (503, unavailable), never a dropped connection or an internal error, and answers again
# afterwards; nothing committed before
# the restart is lost (a conversation, the street register, the audit log whose hash chain still
# verifies); a rerun of the load commits cleanly.
#
# It runs on a throwaway PostgreSQL cluster of its own (created, restarted and dropped here, on
# a free port), so that restarting it disturbs no other database on the machine: CI and people
# sharing a machine can run it at any time. Needs root (pg_createcluster, pg_ctlcluster).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
ROWS=${ROWS:-300000}
PORT=${PORT:-18197}
PG=15
work=$(mktemp -d)
cluster="czfault$$"
db=conoscenza
pid=""
asker=""
cleanup() {
  [ -n "$asker" ] && kill "$asker" 2>/dev/null || true
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  pg_dropcluster --stop "$PG" "$cluster" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "fault-pg-restart: FAIL: $*" >&2; exit 1; }

# A free port for the cluster.
pgport=""
for p in $(seq 5440 5499); do
  ss -ltn "sport = :$p" | grep -q LISTEN || { pgport=$p; break; }
done
[ -n "$pgport" ] || fail "no free port for the throwaway cluster"
url="postgres://conoscenza:conoscenza@127.0.0.1:$pgport/$db?sslmode=disable"
q() { psql -qtAX "$url" -c "$1"; }

pg_createcluster "$PG" "$cluster" -p "$pgport" >/dev/null
pg_ctlcluster "$PG" "$cluster" start
psql_su() { su postgres -c "PGOPTIONS=--client-min-messages=warning psql -X -q -v ON_ERROR_STOP=1 -p $pgport -d $1"; }
# The roles, database, extension and audit seal of scripts/setup.sh, in this cluster.
psql_su postgres <<'SQL'
CREATE ROLE conoscenza LOGIN CREATEDB PASSWORD 'conoscenza';
CREATE ROLE conoscenza_ro LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD 'conoscenza_ro';
ALTER ROLE conoscenza_ro SET default_transaction_read_only = on;
ALTER ROLE conoscenza_ro SET statement_timeout = '10s';
CREATE ROLE conoscenza_audit NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
CREATE DATABASE conoscenza OWNER conoscenza;
SQL
echo "CREATE EXTENSION IF NOT EXISTS vector;" | psql_su "$db"
sed -e "s/__AUDIT_ROLE__/conoscenza_audit/g" -e "s/__OWNER_ROLE__/conoscenza/g" scripts/audit-seal.sql | psql_su "$db"

go build -o "$work/conoscenza" ./cmd/conoscenza
go run ./ingest/internal/benchgen/genimprese -n "$ROWS" -dir "$work" >/dev/null
export DATABASE_URL="$url"
unset CONOSCENZA_RO_DATABASE_URL
"$work/conoscenza" migrate >/dev/null
"$work/conoscenza" ingest stradario "$work/stradario.csv" >/dev/null
streets=$(q "SELECT count(*) FROM stradario")
"$work/conoscenza" users create fault.staff --role staff >/dev/null
token=$("$work/conoscenza" users token fault.staff 2>/dev/null)

env -u OLLAMA_HOST CONOSCENZA_LOG_LEVEL=warn CONOSCENZA_RATE_USER=off CONOSCENZA_RATE_ADDRESS=off \
  "$work/conoscenza" serve --addr "127.0.0.1:$PORT" >"$work/serve.log" 2>&1 &
pid=$!
ready() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz" || true; }
ask() { # prints the status; curl's own failure (connection refused or reset) prints 000
  curl -s -o "${1:-/dev/null}" -w '%{http_code}' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"question": "Quante domande di cassa integrazione per anno?", "mode": "planner"}' "http://127.0.0.1:$PORT/api/v1/ask" || true
}
for _ in $(seq 1 100); do [ "$(ready)" = 200 ] && break; sleep 0.2; done
[ "$(ready)" = 200 ] || fail "server not ready before the fault"

# Committed before the fault: one answered question (its conversation) and its audit entries.
[ "$(ask "$work/before.json")" = 200 ] || fail "question before the fault: $(cat "$work/before.json")"
conv=$(sed -n 's/.*"conversation_id":"\([^"]*\)".*/\1/p' "$work/before.json")
[ -n "$conv" ] || fail "no conversation id in $(head -c 300 "$work/before.json")"

"$work/conoscenza" ingest imprese "$work/imprese_2026-10.csv" >"$work/load1.log" 2>&1 &
load=$!
# Questions keep coming, one after the other, until the server has recovered.
( while [ ! -e "$work/stop" ]; do echo "$(ask)" >>"$work/statuses"; done ) &
asker=$!
# Wait until the load is writing (its transaction holds an id), then restart the cluster.
for _ in $(seq 1 100); do
  busy=$(q "SELECT count(*) FROM pg_stat_activity WHERE datname = '$db' AND backend_xid IS NOT NULL" 2>/dev/null || echo 0)
  [ "$busy" -gt 0 ] && break
  sleep 0.1
done
[ "$busy" -gt 0 ] || fail "the load never started writing"
pg_ctlcluster "$PG" "$cluster" restart -m fast &
restart=$!
saw503=0
for _ in $(seq 1 100); do
  code=$(ready)
  [ "$code" = 503 ] && saw503=1
  kill -0 "$restart" 2>/dev/null || break
  sleep 0.05
done
wait "$restart"
if wait "$load"; then fail "the load finished although the database restarted under it"; fi
echo "load interrupted: $(tail -n1 "$work/load1.log")"

# The server recovers by itself.
for _ in $(seq 1 150); do [ "$(ready)" = 200 ] && break; sleep 0.2; done
[ "$(ready)" = 200 ] || fail "server did not become ready again: $(curl -s "http://127.0.0.1:$PORT/readyz")"
# If the restart was too quick for a poll to see it, check the failure is reported at all:
[ "$saw503" = 1 ] || echo "note: the restart was too quick to observe a 503 on /readyz"
sleep 1 # a few questions after the recovery
touch "$work/stop"
wait "$asker" || true
asker=""
kill -0 "$pid" 2>/dev/null || fail "the server died: $(tail -n5 "$work/serve.log")"
summary=$(sort "$work/statuses" | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')
echo "questions during the restart: $summary"
if grep -q '^500$' "$work/statuses"; then # internal errors: say which, from the server's log
  echo "server errors during the restart:"
  grep -o '"err":"[^"]*"\|err="[^"]*"\|err=[^ ]*' "$work/serve.log" | sort | uniq -c | sort -rn | head -5
fi
# While the database is away: 503 (unavailable, with Retry-After), or 504 when the restart takes
# longer than the request's deadline; never a dropped connection (000) or an internal error.
grep -qv '^\(200\|503\|504\)$' "$work/statuses" && fail "a question got neither an answer nor 503/504 (000 = connection dropped): $summary"
[ "$(tail -n1 "$work/statuses")" = 200 ] || fail "the last question after the recovery was not answered: $summary"
[ "$(ask)" = 200 ] || fail "a question after the recovery was not answered"

# Nothing committed before the restart is lost; the audit chain still verifies.
code=$(curl -s -o "$work/conv.json" -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/conversations/$conv")
[ "$code" = 200 ] || fail "the conversation answered before the restart is gone ($code)"
[ "$(q "SELECT count(*) FROM stradario")" = "$streets" ] || fail "the street register changed"
"$work/conoscenza" audit verify >"$work/verify.txt" 2>&1 || fail "audit verify after the restart: $(cat "$work/verify.txt")"

# Nothing of the interrupted load is left.
for t in imprese imprese_storia register_snapshots; do
  n=$(q "SELECT count(*) FROM $t")
  [ "$n" = 0 ] || fail "$t has $n rows after the interrupted load"
done
n=$(q "SELECT count(*) FROM load_batches WHERE kind = 'imprese' AND status = 'committed'")
[ "$n" = 0 ] || fail "a committed register batch survived the interrupted load"

# A rerun loads cleanly.
out=$("$work/conoscenza" ingest imprese "$work/imprese_2026-10.csv" --json)
echo "$out" | grep -q '"unchanged_file":false' || fail "rerun reported unchanged: $out"
n=$(q "SELECT count(*) FROM imprese")
[ "$n" = "$ROWS" ] || fail "rerun loaded $n companies, want $ROWS"
echo "load interrupted and rolled back, server recovered (503 seen: $saw503), questions answered again, conversation, streets and audit chain intact, rerun loaded $n rows"
echo "fault-pg-restart: 1 passed, 0 failed"
