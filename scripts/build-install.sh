#!/usr/bin/env bash
# Builds mlflow_purge.so with warnings as errors and installs it into the PostgreSQL PG_CONFIG
# names (Debian's PostgreSQL 15 by default).
# MLFLOW_PURGE_EXT_BUILD_DIR=DIR builds in DIR instead of the checkout (PGXS puts objects next to
# their sources): one directory per major version, so objects built against different headers
# never mix. The sources are copied there with their times, so unchanged objects are kept.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
src=$root
if [ -n "${MLFLOW_PURGE_EXT_BUILD_DIR:-}" ]; then
	src=$MLFLOW_PURGE_EXT_BUILD_DIR
	mkdir -p "$src"
	# Sources removed from the checkout must not linger in the copy; its objects stay. The
	# checkout's own objects (built for another version) are never copied.
	find "$src" -type f ! -name '*.o' ! -name '*.d' ! -name '*.bc' ! -name '*.so' -delete
	(cd "$root" && tar --exclude='*.o' --exclude='*.d' --exclude='*.bc' --exclude='*.so' -cf - \
		Makefile mlflow_purge.control mlflow_purge--*.sql src) | tar -C "$src" -xf -
fi
make -C "$src" --no-print-directory -s PG_CONFIG="$PG_CONFIG" ERROR_ON_WARNING=1 -j"$(nproc)"
if [ -w "$("$PG_CONFIG" --pkglibdir)" ]; then
	make -C "$src" --no-print-directory -s PG_CONFIG="$PG_CONFIG" install
else
	sudo make -C "$src" --no-print-directory -s PG_CONFIG="$PG_CONFIG" install
fi
