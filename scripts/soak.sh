#!/usr/bin/env bash
# Soak: SOAK_DURATION (10m) of mixed traffic from SOAK_CLIENTS (16) clients against the real
# server on the demo data, with cmd/soak as the load tool. Not part of `make test` or CI:
# `make soak`, or e.g. `SOAK_DURATION=30s bash scripts/soak.sh` for a short try.
#
# It builds the binary and the tool, migrates, loads the demo (`conoscenza demo load`, which
# changes nothing when it is already loaded; SOAK_DEMO=0 skips it), gives four soak users (one
# per role: soak.decisore, soak.staff, soak.formatore, soak.admin) a fresh random password,
# starts `conoscenza serve` on a loopback port with the API rate limits off (16 clients on one
# address would otherwise be limited on purpose; the login throttle counts failures only and
# the soak never fails a login), and runs the tool: questions, streamed questions, metrics
# queries, document searches, company dossiers (and refused ones for decisore and formatore),
# login cycles and Prometheus scrapes. It prints requests, errors, p50/p95/p99 per kind and
# overall, the server's RSS, Go heap and goroutines over the run, and the load average; then
# deletes the soak users' conversations, disables them and stops the server. Exit 1 on any
# error (an unexpected status or body), or when the server logged an error.
#
# Environment: SOAK_DURATION (10m), SOAK_WARMUP (10s), SOAK_CLIENTS (16), SOAK_ADDR
# (127.0.0.1:18291), SOAK_SAMPLE (30s, memory sampling), SOAK_JSON (also write the report
# there), SOAK_DEMO (1), DEMO_DIR (var/demo), BIN (build one), DATABASE_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

DURATION=${SOAK_DURATION:-10m}
WARMUP=${SOAK_WARMUP:-10s}
CLIENTS=${SOAK_CLIENTS:-16}
ADDR=${SOAK_ADDR:-127.0.0.1:18291}
SAMPLE=${SOAK_SAMPLE:-30s}
DEMO_DIR=${DEMO_DIR:-var/demo}
DATABASE_URL=${DATABASE_URL:-postgres://conoscenza:conoscenza@127.0.0.1:5432/conoscenza?sslmode=disable}
export DATABASE_URL
case "$ADDR" in 127.*|localhost:*) ;; *) echo "SOAK_ADDR must be a loopback address, not $ADDR" >&2; exit 2 ;; esac

work=$(mktemp -d)
pid=""
users=(soak.decisore:decisore soak.staff:staff soak.formatore:formatore soak.admin:admin)
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	for u in "${users[@]}"; do "$BIN" users disable "${u%%:*}" >/dev/null 2>&1 || true; done
	rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${BIN:-}" ]; then
	BIN=$work/conoscenza
	go build -o "$BIN" ./cmd/conoscenza
fi
go build -o "$work/soak" ./cmd/soak

"$BIN" migrate >/dev/null # idempotent; serve refuses a schema behind the binary
if [ "${SOAK_DEMO:-1}" = 1 ]; then
	echo "loading the demo data (nothing changes when it is already loaded)..."
	"$BIN" demo load --dir "$DEMO_DIR" >"$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; exit 1; }
	tail -n1 "$work/demo.log"
fi

# A fresh password per run: the soak users are not demo accounts with public passwords.
password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
SOAK_USERS=""
for u in "${users[@]}"; do
	name=${u%%:*} role=${u#*:}
	printf '%s\n' "$password" | "$BIN" users create "$name" --role "$role" --password-stdin >/dev/null 2>&1 || true
	"$BIN" users enable "$name" >/dev/null 2>&1 || true
	printf '%s\n' "$password" | "$BIN" users set-password "$name" --password-stdin >/dev/null
	SOAK_USERS="${SOAK_USERS:+$SOAK_USERS,}$name:$password"
done
export SOAK_USERS

env -u OLLAMA_HOST CONOSCENZA_LOG_LEVEL=warn CONOSCENZA_RATE_USER=off CONOSCENZA_RATE_ADDRESS=off \
	"$BIN" serve --addr "$ADDR" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
	curl -fsS "http://$ADDR/readyz" >/dev/null 2>&1 && break
	kill -0 "$pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
	sleep 0.5
done
curl -fsS "http://$ADDR/readyz" >/dev/null || { echo "server not ready" >&2; cat "$work/server.log" >&2; exit 1; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {print int($2/1048576)}' /proc/meminfo) GiB, $(go env GOVERSION); other work on it skews every figure: see the load average"
status=0
"$work/soak" -base "http://$ADDR" -clients "$CLIENTS" -duration "$DURATION" -warmup "$WARMUP" \
	-sample "$SAMPLE" -pid "$pid" ${SOAK_JSON:+-json "$SOAK_JSON"} || status=$?

# Requests cut off when the tool stops are logged as cancelled: not errors of the server.
if grep '"level":"ERROR"\|level=ERROR' "$work/server.log" | grep -qv 'context canceled'; then
	echo "FAIL: the server logged errors:" >&2
	grep '"level":"ERROR"\|level=ERROR' "$work/server.log" | grep -v 'context canceled' | head -5 >&2
	status=1
fi
exit $status
