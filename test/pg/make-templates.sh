#!/usr/bin/env bash
# Builds the template databases the pg_regress suite clones, one per MLflow schema version:
#
#   mlflow_1_30_1  mlflow_2_9_2  mlflow_2_22_1  mlflow_3_11
#
# each = test/fixtures/mlflow/schema-<version>.sql (pg_dump of MLflow's own migrations)
#      + test/fixtures/mlflow/seed-<version>.sql  (the seed story, see the top of each file)
#      + test/pg/regress-helpers.sql              (schema "regress": oracle functions only)
#
# Connection: the standard libpq environment (PGHOST, PGPORT, PGUSER, ...); needs a role that
# may create databases. Templates use encoding UTF8 and collation "C" so that ORDER BY on names
# is the same on every machine.
#
# Up-to-date templates are kept, so running one pg_regress topic does not rebuild all four: each
# template carries, as its database comment, the SHA-256 of the files it was built from (and of
# this script); a template whose comment matches is left alone, any other is dropped and rebuilt.
# MLFLOW_PURGE_REBUILD_TEMPLATES=1 rebuilds them all (the ctest fixture extension.regress.templates
# does, once per ctest run). Arguments, if any, name the templates to build (e.g. mlflow_3_11).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
fixtures="$root/test/fixtures/mlflow"

if [ -n "${PG_CONFIG:-}" ]; then
    PSQL="$("$PG_CONFIG" --bindir)/psql"
else
    PSQL=psql
fi
psql_cmd=("$PSQL" -X -v ON_ERROR_STOP=1 -q)

versions=(
    "1.30.1:mlflow_1_30_1"
    "2.9.2:mlflow_2_9_2"
    "2.22.1:mlflow_2_22_1"
    "3.11.2.dev0:mlflow_3_11"
)

if [ $# -gt 0 ]; then
    wanted=()
    for db in "$@"; do
        match=
        for pair in "${versions[@]}"; do
            [ "${pair#*:}" = "$db" ] && match=$pair
        done
        [ -n "$match" ] || { echo "make-templates: unknown template $db" >&2; exit 2; }
        wanted+=("$match")
    done
    versions=("${wanted[@]}")
fi

for pair in "${versions[@]}"; do
    version=${pair%%:*}
    db=${pair#*:}
    for f in "$fixtures/schema-$version.sql" "$fixtures/seed-$version.sql"; do
        [ -r "$f" ] || { echo "make-templates: missing $f" >&2; exit 1; }
    done

    stamp="mlflow_purge regress template $(cat "$fixtures/schema-$version.sql" "$fixtures/seed-$version.sql" \
        "$here/regress-helpers.sql" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)"
    if [ "${MLFLOW_PURGE_REBUILD_TEMPLATES:-0}" != 1 ] &&
       [ "$("${psql_cmd[@]}" -d postgres -Atc "SELECT shobj_description(oid, 'pg_database') FROM pg_database
                                               WHERE datname = '$db' AND datistemplate")" = "$stamp" ]; then
        echo "make-templates: $db up to date (MLflow $version)"
        continue
    fi

    # A template cannot be dropped while it is marked as one.
    "${psql_cmd[@]}" -d postgres <<SQL
SET client_min_messages = warning;
SELECT format('ALTER DATABASE %I IS_TEMPLATE false', datname) FROM pg_database WHERE datname = '$db' \gexec
DROP DATABASE IF EXISTS "$db" WITH (FORCE);
CREATE DATABASE "$db" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
SQL

    # stdout of the dump's own SELECTs (set_config, setval) is noise; errors go to stderr.
    "${psql_cmd[@]}" -d "$db" \
        -f "$fixtures/schema-$version.sql" \
        -f "$fixtures/seed-$version.sql" \
        -f "$here/regress-helpers.sql" >/dev/null

    # The stamp last: a build that failed half-way has none and is rebuilt next time.
    "${psql_cmd[@]}" -d postgres -c "COMMENT ON DATABASE \"$db\" IS '$stamp'" \
                                 -c "ALTER DATABASE \"$db\" IS_TEMPLATE true"
    echo "make-templates: $db ready (MLflow $version)"
done
