#!/usr/bin/env bash
# Fails when the installed mlflow_purge.so needs a server symbol the server of PG_CONFIG does not
# export. Headers of a newer minor release than the server can do that (an inline helper that
# calls a function added in that minor: 17.12's heap_getattr() calls heap_datum_check()), and the
# server would refuse to load the library with "undefined symbol" on first use.
#   PG_CONFIG=... test/pg/check-symbols.sh [library]
set -euo pipefail
pg_config=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
library=${1:-$("$pg_config" --pkglibdir)/mlflow_purge.so}
server=$("$pg_config" --bindir)/postgres

# Unversioned undefined symbols are the server's; versioned ones (@GLIBC_..., @GLIBCXX_...) come
# from the system libraries the library names itself.
missing=$(comm -23 \
	<(nm -D --undefined-only "$library" | awk '$1 == "U" && $2 !~ /@/ { print $2 }' | sort -u) \
	<(nm -D --defined-only "$server" | awk '{ print $3 }' | sort -u))
if [ -n "$missing" ]; then
	echo "check-symbols: $library needs symbols $server does not export:" >&2
	echo "$missing" >&2
	exit 1
fi
echo "check-symbols: every server symbol $library needs is exported by $server"
