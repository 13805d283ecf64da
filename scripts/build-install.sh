#!/usr/bin/env bash
# Builds mlflow_purge.so with warnings as errors and installs it into Debian's PostgreSQL 15.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
make -C "$root" --no-print-directory -s PG_CONFIG="$PG_CONFIG" ERROR_ON_WARNING=1 -j"$(nproc)"
if [ -w "$("$PG_CONFIG" --pkglibdir)" ]; then
	make -C "$root" --no-print-directory -s PG_CONFIG="$PG_CONFIG" install
else
	sudo make -C "$root" --no-print-directory -s PG_CONFIG="$PG_CONFIG" install
fi
