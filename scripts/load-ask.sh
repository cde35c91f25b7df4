#!/usr/bin/env bash
# Load test of POST /api/v1/ask in no-model mode (the deterministic planner), with wrk.
#
# It builds the binary, starts `conoscenza serve` on a loopback port against DATABASE_URL (the
# demo data: `conoscenza demo load` first), warms up, then runs CONNECTIONS clients for
# DURATION and reports requests, errors (must be 0), p50/p95/p99 latency and the server's RSS
# before, after the warm-up and at the end. It exits 1 on any error or when p95 exceeds
# P95_TARGET_MS. Traffic goes only to 127.0.0.1, and the run is bounded in time.
#
#   QUESTIONS=repeated  8 questions in rotation (the result cache answers after the first pass)
#   QUESTIONS=varied    ~700 distinct questions (metric x year x breakdown, and documents):
#                       most statements reach PostgreSQL
#
# Environment: DURATION (30s), WARMUP (5s), CONNECTIONS (16), THREADS (2), ADDR
# (127.0.0.1:18089), QUESTIONS (repeated), P95_TARGET_MS (150), BIN (build one), KEEP (1: do
# not delete the conversations the run created).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
ADDR=${ADDR:-127.0.0.1:18089}
QUESTIONS=${QUESTIONS:-repeated}
P95_TARGET_MS=${P95_TARGET_MS:-150}
DATABASE_URL=${DATABASE_URL:-postgres://conoscenza:conoscenza@127.0.0.1:5432/conoscenza?sslmode=disable}
export DATABASE_URL
case "$ADDR" in 127.*|localhost:*) ;; *) echo "ADDR must be a loopback address, not $ADDR" >&2; exit 2 ;; esac

if ! command -v wrk >/dev/null; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "wrk is missing: run as root (it installs the Debian package) or apt-get install wrk" >&2
		exit 2
	fi
	apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
fi

work=$(mktemp -d)
if [ -z "${BIN:-}" ]; then
	BIN=$work/conoscenza
	go build -o "$BIN" ./cmd/conoscenza
fi

# The Lua script: one POST per request, the question chosen in rotation (each thread starts
# elsewhere), and a summary in done() that this script parses.
cat >"$work/ask.lua" <<'LUA'
local mode = os.getenv("QUESTIONS") or "repeated"
local questions = {}
if mode == "varied" then
	local metrics = {"aperture", "chiusure", "pratiche SUAP", "domande di cassa integrazione",
		"ore di cassa integrazione autorizzate", "beneficiari di contributi", "imprese giovanili aperte"}
	local by = {"", " per quartiere", " per settore", " per forma giuridica"}
	for y = 2010, 2026 do
		for _, m in ipairs(metrics) do
			for _, b in ipairs(by) do
				questions[#questions + 1] = "Quante " .. m .. " nel " .. y .. b .. "?"
			end
		end
	end
	for _, d in ipairs({"dehors", "botteghe di quartiere", "ristori covid", "fondo affitti", "voucher digitale",
		"imprenditoria femminile", "commercio su aree pubbliche", "suap digitale"}) do
		questions[#questions + 1] = "Cosa dicono i documenti su " .. d .. "?"
	end
else
	questions = {"Quante imprese attive ci sono per quartiere?", "Quante aperture nel 2025?",
		"Quante chiusure di imprese femminili dal 2020 per quartiere?", "Quante domande di cassa integrazione per anno?",
		"Cosa prevede il regolamento dei dehors?", "Quanti contributi concessi nel 2021?",
		"Quante pratiche SUAP per quartiere?", "Qual è il tasso di crescita delle imprese nel 2025?"}
end
local threads = {}
local counter = 1
function setup(thread)
	thread:set("offset", counter * 97)
	counter = counter + 1
	table.insert(threads, thread)
end
local i = 0
function init(args)
	i = tonumber(offset) or 0
	token = os.getenv("LOAD_TOKEN")
end
function request()
	i = i + 1
	local q = questions[(i % #questions) + 1]
	return wrk.format("POST", "/api/v1/ask", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token},
		'{"question":"' .. q .. '","mode":"planner"}')
end
function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("questions %d\n", #questions))
	io.write(string.format("requests %d\n", summary.requests))
	io.write(string.format("seconds %.1f\n", summary.duration / 1e6))
	io.write(string.format("errors %d (connect %d, read %d, write %d, status %d, timeout %d)\n",
		e.connect + e.read + e.write + e.status + e.timeout, e.connect, e.read, e.write, e.status, e.timeout))
	for _, p in ipairs({50, 95, 99}) do
		io.write(string.format("p%d_ms %.1f\n", p, latency:percentile(p) / 1000))
	end
	io.write(string.format("max_ms %.1f\n", latency.max / 1000))
end
LUA

"$BIN" migrate >/dev/null # idempotent; serve refuses a schema behind the binary
# The API needs a user: a decisore of its own with an API token, revoked at the end.
"$BIN" users create loadtest --role decisore >/dev/null 2>&1 || true
"$BIN" users enable loadtest >/dev/null 2>&1 || true
LOAD_TOKEN=$("$BIN" users token loadtest --name "load-ask $(date +%s)" 2>"$work/token-id.txt")
export LOAD_TOKEN
# The run measures the answer path: the per-user and per-address rate limits (5/s and 20/s by
# default, tested in web/) would turn most of 16 clients' requests into 429s, so they are off.
env -u OLLAMA_HOST CONOSCENZA_LOG_LEVEL=warn CONOSCENZA_RATE_USER=off CONOSCENZA_RATE_ADDRESS=off \
	"$BIN" serve --addr "$ADDR" >"$work/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 60); do
	curl -fsS "http://$ADDR/readyz" >/dev/null 2>&1 && break
	kill -0 "$pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
	sleep 0.5
done
curl -fsS "http://$ADDR/readyz" >/dev/null || { echo "server not ready" >&2; cat "$work/server.log" >&2; exit 1; }
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status"; }
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
rss_start=$(rss)
load_start=$(cut -d' ' -f1-3 /proc/loadavg) # other work on the machine skews every figure: say so

export QUESTIONS
wrk -t "$THREADS" -c "$CONNECTIONS" -d "$WARMUP" -s "$work/ask.lua" "http://$ADDR" >"$work/warmup.txt"
rss_warm=$(rss)
wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" --timeout 10s -s "$work/ask.lua" "http://$ADDR" >"$work/run.txt"
rss_end=$(rss)

get() { awk -v k="$1" '$1 == k {print $2}' "$work/run.txt"; }
errors=$(get errors)
p95=$(get p95_ms)
rps=$(awk '/^Requests\/sec/ {print $2}' "$work/run.txt")
cat <<REPORT
load-ask: POST /api/v1/ask, mode planner, $(get questions) questions ($QUESTIONS), $CONNECTIONS clients, $THREADS threads, $DURATION after a $WARMUP warm-up
requests:   $(get requests) in $(get seconds) s ($rps/s)
errors:     $(grep '^errors' "$work/run.txt" | cut -d' ' -f2-)
latency:    p50 $(get p50_ms) ms, p95 $p95 ms, p99 $(get p99_ms) ms, max $(get max_ms) ms
server RSS: start $rss_start MiB, after warm-up $rss_warm MiB, end $rss_end MiB
machine:    $(nproc) cores, $(awk '/MemTotal/ {print int($2/1048576)}' /proc/meminfo) GiB, $(go env GOVERSION 2>/dev/null || echo 'go ?'); load average at start $load_start, at end $(cut -d' ' -f1-3 /proc/loadavg)
REPORT
# Requests cut off when wrk stops (end of the warm-up and of the run) are logged as cancelled:
# they are not errors of the server.
if grep ERROR "$work/server.log" | grep -qv 'context canceled'; then
	echo "server logged errors:" >&2
	grep ERROR "$work/server.log" | grep -v 'context canceled' | head -5 >&2
fi

# The run's conversations are test traffic: remove them unless KEEP=1 (needs psql).
if [ "${KEEP:-0}" != 1 ] && command -v psql >/dev/null; then
	psql -q "$DATABASE_URL" -c "DELETE FROM conversations WHERE created_at >= '$started'
		AND user_id = (SELECT id FROM users WHERE username = 'loadtest')" >/dev/null ||
		echo "could not delete the run's conversations" >&2
fi

token_id=$(grep -o '[0-9][0-9]*' "$work/token-id.txt" | head -n1)
[ -n "$token_id" ] && "$BIN" users revoke-token "$token_id" >/dev/null 2>&1

status=0
[ "$errors" = 0 ] || { echo "FAIL: $errors errors" >&2; status=1; }
awk -v p="$p95" -v t="$P95_TARGET_MS" 'BEGIN {exit !(p <= t)}' || { echo "FAIL: p95 $p95 ms > target $P95_TARGET_MS ms" >&2; status=1; }
exit $status
