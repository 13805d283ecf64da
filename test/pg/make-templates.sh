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
# may create databases. Idempotent: existing templates are dropped and rebuilt. Templates use
# encoding UTF8 and collation "C" so that ORDER BY on names is the same on every machine.
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

for pair in "${versions[@]}"; do
    version=${pair%%:*}
    db=${pair#*:}
    for f in "$fixtures/schema-$version.sql" "$fixtures/seed-$version.sql"; do
        [ -r "$f" ] || { echo "make-templates: missing $f" >&2; exit 1; }
    done

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

    "${psql_cmd[@]}" -d postgres -c "ALTER DATABASE \"$db\" IS_TEMPLATE true"
    echo "make-templates: $db ready (MLflow $version)"
done
