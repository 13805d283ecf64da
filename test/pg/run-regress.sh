#!/usr/bin/env bash
# Runs the pg_regress suite (sql/*.sql against expected/*.out) on a running PostgreSQL server
# in which the extension is already installed (`make install`).
#
#   PGHOST=/var/run/postgresql PGPORT=5432 PGUSER=postgres test/pg/run-regress.sh [test ...]
#
# 1. checks that the server named by the libpq environment answers (fails, never skips);
# 2. runs `make installcheck` from the repository root, which first rebuilds the template
#    databases (test/pg/make-templates.sh) (PG_CONFIG passed through if set; optional arguments
#    replace the test list, e.g. `run-regress.sh bad_input`).
# Output (results/, regression.diffs, regression.out) goes to REGRESS_OUTPUTDIR, by default a
# fresh directory under /tmp. Run as root, pg_regress runs as the OS user "postgres" (the
# cluster's owner, so peer authentication works), reading the repository in place when that
# user can, else from a copy.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

if [ -n "${PG_CONFIG:-}" ]; then
    PSQL="$("$PG_CONFIG" --bindir)/psql"
else
    PSQL=psql
fi

# 1. The server must be reachable: a missing server is a failure, not a skipped suite.
if ! "$PSQL" -X -q -d postgres -Atc 'SELECT 1' >/dev/null; then
    echo "run-regress: cannot connect to PostgreSQL (PGHOST=${PGHOST:-<default>} PGPORT=${PGPORT:-<default>} PGUSER=${PGUSER:-<default>})" >&2
    exit 2
fi
if ! "$PSQL" -X -q -d postgres -Atc "SELECT 1 FROM pg_available_extensions WHERE name = 'mlflow_purge'" | grep -q 1; then
    echo "run-regress: extension mlflow_purge is not installed on this server (run make install first)" >&2
    exit 2
fi

# 2. Templates and pg_regress through PGXS.
outdir=${REGRESS_OUTPUTDIR:-$(mktemp -d /tmp/mlflow_purge_regress.XXXXXX)}
mkdir -p "$outdir"

make_args=(installcheck "REGRESS_OUTPUTDIR=$outdir")
[ -n "${PG_CONFIG:-}" ] && make_args+=("PG_CONFIG=$PG_CONFIG")
[ $# -gt 0 ] && make_args+=("REGRESS=$*")

run=()
workdir="$root"
if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
    chown -R postgres: "$outdir"
    if ! runuser -u postgres -- test -r "$root/Makefile" -a -r "$root/sql" -a -x "$root/sql" -a -r "$root/expected" -a -x "$root/expected" -a -r "$root/test/fixtures/mlflow" -a -x "$root/test/fixtures/mlflow"; then
        # The postgres user cannot read the checkout (e.g. under /root): run from a copy.
        workdir=$(mktemp -d /tmp/mlflow_purge_src.XXXXXX)
        cp -r "$root/Makefile" "$root/mlflow_purge.control" "$root/sql" "$root/expected" "$workdir/"
        mkdir -p "$workdir/test/fixtures"
        cp -r "$root/test/pg" "$workdir/test/"
        cp -r "$root/test/fixtures/mlflow" "$workdir/test/fixtures/"
        cp "$root"/mlflow_purge--*.sql "$workdir/" 2>/dev/null || true
        chown -R postgres: "$workdir"
    fi
    run=(runuser -u postgres -- env
         "PATH=$PATH"
         ${PGHOST:+"PGHOST=$PGHOST"} ${PGPORT:+"PGPORT=$PGPORT"} ${PGUSER:+"PGUSER=$PGUSER"}
         ${PGDATABASE:+"PGDATABASE=$PGDATABASE"} ${PGPASSWORD:+"PGPASSWORD=$PGPASSWORD"})
fi

status=0
(cd "$workdir" && "${run[@]}" make --no-print-directory "${make_args[@]}") || status=$?

if [ "$status" -ne 0 ]; then
    if [ -s "$outdir/regression.diffs" ]; then
        echo "=================== $outdir/regression.diffs ===================" >&2
        cat "$outdir/regression.diffs" >&2
    fi
    echo "run-regress: FAILED (exit $status); results in $outdir" >&2
    exit "$status"
fi
echo "run-regress: all tests passed; results in $outdir"
