#!/usr/bin/env bash
# Sets up everything Conoscenza needs on a Debian 12 machine, idempotently, as root:
# PostgreSQL 15 (installed and started), pgvector built from Debian's own source package,
# the database, its owner role and the read-only role the assistant queries with.
# Re-running it when everything is in place takes a couple of seconds.
set -euo pipefail

PG_MAJOR=15
DB_NAME=${CONOSCENZA_DB_NAME:-conoscenza}
DB_OWNER=${CONOSCENZA_DB_OWNER:-conoscenza}
DB_OWNER_PASSWORD=${CONOSCENZA_DB_PASSWORD:-conoscenza}
DB_RO=${CONOSCENZA_DB_RO:-conoscenza_ro}
DB_RO_PASSWORD=${CONOSCENZA_DB_RO_PASSWORD:-conoscenza_ro}
DB_AUDIT=${CONOSCENZA_DB_AUDIT:-conoscenza_audit}
PG_CONFIG=/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config
APT_UPDATED=0
INSTALLED=0

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (it installs packages and manages the PostgreSQL cluster)"

apt_update() {
  if [ "$APT_UPDATED" -eq 0 ]; then
    say "apt-get update"
    apt-get update -qq
    APT_UPDATED=1
  fi
}

apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    apt_update
    say "installing ${missing[*]}"
    INSTALLED=1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# 1. PostgreSQL 15.
apt_install postgresql-${PG_MAJOR} postgresql-client-${PG_MAJOR}
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^${PG_MAJOR} main$"; then
  say "creating cluster ${PG_MAJOR}/main"
  pg_createcluster ${PG_MAJOR} main >/dev/null
fi
# 2. pgvector, from Debian's own source package (it is packaged only from the next release on).
ext_dir=$("$PG_CONFIG" --sharedir 2>/dev/null || echo /usr/share/postgresql/${PG_MAJOR})/extension
if [ ! -f "$ext_dir/vector.control" ]; then
  src_list=/etc/apt/sources.list.d/conoscenza-trixie-src.sources
  if [ ! -f "$src_list" ]; then
    # Take the URIs of the main Debian archive from this machine's own sources: no host is
    # written into the project.
    base=/etc/apt/sources.list.d/debian.sources
    [ -f "$base" ] || die "no $base to derive a deb-src entry from"
    uris=$(awk '
      /^URIs:/ { u=$0; sub(/^URIs:[ \t]*/, "", u) }
      /^Suites:/ { s=$0 }
      /^$/ { if (u != "" && s !~ /security/) { print u; exit } u=""; s="" }
      END { if (u != "" && s !~ /security/) print u }' "$base" | head -n1)
    [ -n "$uris" ] || die "could not find the Debian archive URIs in $base"
    keyring=$(awk '/^Signed-By:/ {print $2; exit}' "$base")
    say "adding a deb-src entry for trixie (URIs from $base)"
    {
      echo "Types: deb-src"
      echo "URIs: $uris"
      echo "Suites: trixie"
      echo "Components: main"
      [ -n "$keyring" ] && echo "Signed-By: $keyring"
    } >"$src_list"
    APT_UPDATED=0
  fi
  apt_install postgresql-server-dev-${PG_MAJOR} dpkg-dev make gcc
  apt_update
  build=$(mktemp -d)
  say "building pgvector from source in $build"
  (
    cd "$build"
    apt-get source -qq pgvector >/dev/null 2>&1 || apt-get source pgvector
    cd "$(find . -maxdepth 1 -type d -name 'pgvector-*' | head -n1)"
    make -s PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null
    make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
  )
  rm -rf "$build"
  [ -f "$ext_dir/vector.control" ] || die "pgvector did not install into $ext_dir"
  say "pgvector installed"
fi

# 3. Server settings for an analytical workload on a small machine: a quarter of the memory
# (at most 4 GB) as shared buffers, parallel scans, no JIT (its compile time costs more than it
# saves on our sub-second aggregates), and room for the WAL of a bulk load between checkpoints
# (a million-company register snapshot writes about 0.5 GB of WAL; with the default 1 GB the
# shared development cluster had a checkpoint forced every 50 s on average, and every page
# touched after a checkpoint is logged in full again). min_wal_size keeps 2 GB of used WAL
# segments for reuse at each checkpoint: with the default 80 MB a load wrote most of its WAL into
# new segments, which the server first fills with zeros and syncs (WALInitWrite/WALInitSync were
# about 13% of the loading backend's samples: docs/ingest.md, "Eleventh round"). Written once; a change restarts the cluster below (these settings
# alone only need a reload).
conf_dir=/etc/postgresql/${PG_MAJOR}/main/conf.d
mem_mb=$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo)
sb_mb=$(( mem_mb / 4 )); [ "$sb_mb" -gt 4096 ] && sb_mb=4096; [ "$sb_mb" -lt 128 ] && sb_mb=128
# Huge pages for the shared buffers, when the kernel lets us reserve them: with 4 kB pages every
# server process faults in, page by page, the shared buffers it touches (a new connection's first
# query, a parallel worker, the first scan of a freshly loaded table: docs/metrics.md,
# docs/ingest.md). huge_pages = try falls back to normal pages when the reservation failed.
hp_kb=$(awk '/Hugepagesize/ {print $2}' /proc/meminfo)
if [ -n "$hp_kb" ] && [ -w /proc/sys/vm/nr_hugepages ]; then
  hp_want=$(( sb_mb * 1024 / hp_kb * 11 / 10 + 64 )) # the buffers, ~10% of other shared memory, slack
  if [ "$(cat /proc/sys/vm/nr_hugepages)" -lt "$hp_want" ]; then
    echo "$hp_want" >/proc/sys/vm/nr_hugepages 2>/dev/null || true
    say "huge pages reserved: $(cat /proc/sys/vm/nr_hugepages) of ${hp_kb} kB (wanted ${hp_want})"
  fi
fi
want_conf="# Written by conoscenza scripts/setup.sh
shared_buffers = ${sb_mb}MB
huge_pages = try
effective_cache_size = $(( mem_mb / 2 ))MB
work_mem = 32MB
maintenance_work_mem = 256MB
jit = off
random_page_cost = 1.1
max_parallel_workers_per_gather = 2
log_min_duration_statement = 2000
max_wal_size = 8GB
min_wal_size = 2GB
checkpoint_timeout = 15min"
if [ -d "$conf_dir" ] && [ "$(cat "$conf_dir/conoscenza.conf" 2>/dev/null)" != "$want_conf" ]; then
  say "writing $conf_dir/conoscenza.conf (shared_buffers ${sb_mb}MB, jit off)"
  printf '%s\n' "$want_conf" >"$conf_dir/conoscenza.conf"
  INSTALLED=1 # restart to apply
fi

# 4. Start the cluster; restart it if packages changed under a running server (an upgrade of
# postgresql-15 pulled in by the dev headers leaves the old binary running with new libraries).
if pg_lsclusters -h | awk -v v=${PG_MAJOR} '$1==v && $2=="main" {print $4}' | grep -q online; then
  if [ "$INSTALLED" -eq 1 ]; then
    say "restarting cluster ${PG_MAJOR}/main to apply package or setting changes"
    pg_ctlcluster ${PG_MAJOR} main restart
  fi
else
  say "starting cluster ${PG_MAJOR}/main"
  pg_ctlcluster ${PG_MAJOR} main start
fi
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q -p 5432" && break
  sleep 0.5
done
su postgres -c "pg_isready -q -p 5432" || die "PostgreSQL ${PG_MAJOR} did not become ready; see /var/log/postgresql/"

# 5. Roles, database, extension.
psql_su() { su postgres -c "PGOPTIONS=--client-min-messages=warning psql -X -q -v ON_ERROR_STOP=1 -d ${1}" ; }
psql_su postgres <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${DB_OWNER}') THEN
    CREATE ROLE ${DB_OWNER} LOGIN CREATEDB PASSWORD '${DB_OWNER_PASSWORD}';
    RAISE NOTICE 'created role ${DB_OWNER}';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${DB_RO}') THEN
    CREATE ROLE ${DB_RO} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD '${DB_RO_PASSWORD}';
    RAISE NOTICE 'created read-only role ${DB_RO}';
  END IF;
END
\$\$;
ALTER ROLE ${DB_RO} SET default_transaction_read_only = on;
ALTER ROLE ${DB_RO} SET statement_timeout = '10s';
SQL
# New databases collate in byte order ("C", character classes still C.UTF-8): codes and names
# sort exactly as under C.UTF-8 (code-point order), but PostgreSQL 15 compares and sorts "C" text
# with memcmp and abbreviated keys, which it does for no libc locale: the register's primary key
# builds in 1.5 s instead of 3.5 s for a million companies (docs/ingest.md). template1 is
# rebuilt once, while it collates otherwise; databases that exist keep their collation.
if [ "$(su postgres -c "psql -X -tAc \"SELECT datcollate FROM pg_database WHERE datname = 'template1'\"")" != "C" ]; then
  say "rebuilding template1 with collation C (ctype C.UTF-8)"
  psql_su postgres <<SQL
ALTER DATABASE template1 IS_TEMPLATE false;
DROP DATABASE template1;
CREATE DATABASE template1 TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C.UTF-8' IS_TEMPLATE true;
SQL
fi
if ! su postgres -c "psql -X -tAc \"SELECT 1 FROM pg_database WHERE datname = '${DB_NAME}'\"" | grep -q 1; then
  say "creating database ${DB_NAME}"
  su postgres -c "createdb -O ${DB_OWNER} ${DB_NAME}"
fi
# The extension lives in template1 too, so that databases created by the tests have it.
for db in template1 "${DB_NAME}"; do
  echo "CREATE EXTENSION IF NOT EXISTS vector;" | psql_su "$db"
done

# 6. The audit log's own owner. ${DB_AUDIT} cannot log in and nobody is a member of it: it owns
# schema `audit` (the audit log and its chain head), so that the application's role, which owns
# everything else and runs the migrations, can only read and append there: no UPDATE, DELETE,
# TRUNCATE, DROP or DISABLE TRIGGER. The migrations run as ${DB_OWNER}, which is not a superuser
# and cannot give objects away to a role it is not a member of, so the hand-over is done by
# conoscenza_seal_audit(): a SECURITY DEFINER function owned by the superuser, present in
# template1 (so in every test database) and in ${DB_NAME}, callable only by ${DB_OWNER}.
# Migration 00040 calls it; it only ever takes privileges away from the caller. See docs/security.md.
psql_su postgres <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${DB_AUDIT}') THEN
    CREATE ROLE ${DB_AUDIT} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
    RAISE NOTICE 'created audit owner role ${DB_AUDIT}';
  END IF;
END
\$\$;
SQL
seal_sql=$(sed -e "s/__AUDIT_ROLE__/${DB_AUDIT}/g" -e "s/__OWNER_ROLE__/${DB_OWNER}/g" "$(dirname "$0")/audit-seal.sql")
for db in template1 "${DB_NAME}"; do
  printf '%s\n' "$seal_sql" | psql_su "$db"
done
# A database migrated before the function existed is sealed now.
echo "SELECT public.conoscenza_seal_audit();" | psql_su "${DB_NAME}" >/dev/null
say "PostgreSQL ${PG_MAJOR} with pgvector is ready: database ${DB_NAME}, owner ${DB_OWNER}, read-only ${DB_RO}, audit owner ${DB_AUDIT}"

# 7. The browser app (web/ui): front-end packages pinned by package-lock.json, installed with
# `npm ci` when the lockfile changes, and bundled by esbuild into web/ui/dist when any input
# changes; the Go binary embeds dist (go:embed). Run as the owner of the checkout so that a
# later `go build` by that user can read and rebuild it.
ui_dir="$(cd "$(dirname "$0")/.." && pwd)/web/ui/frontend"
if ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi
as_owner() { local owner; owner=$(stat -c %U "$ui_dir"); if [ "$owner" = root ]; then (cd "$ui_dir" && "$@"); else su "$owner" -s /bin/bash -c "cd '$ui_dir' && $*"; fi; }
lock_sum=$(sha256sum "$ui_dir/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$ui_dir/node_modules/.conoscenza-lock" 2>/dev/null)" != "$lock_sum" ]; then
  say "installing front-end packages (npm ci)"
  as_owner npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > "$ui_dir/node_modules/.conoscenza-lock"
fi
build_sum=$(cd "$ui_dir" && cat package-lock.json build.mjs $(find src ../templates -type f | sort) | sha256sum | cut -d' ' -f1)
if [ "$(cat "$ui_dir/../dist/.conoscenza-build" 2>/dev/null)" != "$build_sum" ] || [ ! -f "$ui_dir/../dist/manifest.json" ]; then
  say "building the browser app (esbuild)"
  as_owner node build.mjs
  echo "$build_sum" > "$ui_dir/../dist/.conoscenza-build"
fi

# 8. Chromium for the browser tests (Debian's package; the tests start it headless).
apt_install chromium
say "browser app built; chromium $(chromium --version 2>/dev/null | awk '{print $2}') for the browser tests"
