#!/usr/bin/env bash
# pg_config for a PostgreSQL that scripts/fetch-postgres.sh unpacked (installed there as
# native/bin/pg_config; npm's binaries ship none). Answers what PGXS, our build and our test
# scripts ask: the server's own directories, Debian's headers of the same major version, npm's
# pgxs/ (its Makefile.global was configured for the same binaries: gcc, no LLVM bitcode).
set -euo pipefail
native=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
top=$(dirname "$native")
server_version=$(cat "$top/server-version")
major=${server_version%%.*}
include=$top/deb/usr/include/postgresql

[ $# -gt 0 ] || set -- --version
for option in "$@"; do
	case "$option" in
	--bindir) echo "$native/bin" ;;
	--libdir) echo "$native/lib" ;;
	--pkglibdir) echo "$native/lib/postgresql" ;;
	--sharedir) echo "$native/share/postgresql" ;;
	--sysconfdir) echo "$native/etc" ;;
	--includedir) echo "$include" ;;
	--pkgincludedir) echo "$include/$major" ;;
	--includedir-server) echo "$include/$major/server" ;;
	--pgxs) echo "$native/lib/postgresql/pgxs/src/makefiles/pgxs.mk" ;;
	--mandir) echo "$native/share/man" ;;
	--docdir) echo "$native/share/doc/postgresql" ;;
	--localedir) echo "$native/share/locale" ;;
	--version) echo "PostgreSQL ${server_version%%-*}" ;;
	*)
		echo "pg_config (stand-in): unsupported option $option" >&2
		exit 1
		;;
	esac
done
