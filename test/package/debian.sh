#!/usr/bin/env bash
# extension.package.debian: the Debian packages, built, installed and removed on this machine.
#
# 1. builds postgresql-15-mlflow-purge and mlflow-purge-tools with `dpkg-buildpackage -us -uc -b`
#    from a copy of the checkout (its tracked and new files; no build output);
# 2. installs both with `apt-get install ./x.deb`, checks `dpkg -L` lists only what each should
#    ship, creates the extension in a fresh cluster and runs installcheck (the whole pg_regress
#    suite) against the installed files, and runs the programs and their man pages;
# 3. removes the packages and checks that none of their files is left.
#
# The packages install into the same /usr/lib/postgresql/15 and /usr/share/postgresql/15 paths
# that `make install` (scripts/build-install.sh) uses for the rest of the suite. Whatever of ours
# was there before is saved first and put back on exit, also on failure, so the machine is left
# as the suite found it. As root (apt-get install); refuses to run when either package is
# already installed (removing it at the end would change the machine).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
pg_config=/usr/lib/postgresql/15/bin/pg_config
packages=(postgresql-15-mlflow-purge mlflow-purge-tools)
port=$((${MLFLOW_PURGE_TEST_PORT:-55432} + 5))

fail() { echo "package.debian: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "needs root (apt-get install, dpkg)"
for p in "${packages[@]}"; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		fail "$p is already installed; remove it first (this test removes what it installs)"
	fi
done

work=$(mktemp -d /tmp/mlflow_purge_deb.XXXXXX)
chmod 0755 "$work"
cluster=$work/cluster
pkglibdir=$("$pg_config" --pkglibdir)
sharedir=$("$pg_config" --sharedir)
# Our files in the system's paths before the test: saved, and restored exactly on exit.
ours=("$pkglibdir"/mlflow_purge*.so "$pkglibdir"/bitcode/mlflow_purge* "$pkglibdir"/bitcode/mlflow_purge*.index.bc
	"$sharedir"/extension/mlflow_purge.control "$sharedir"/extension/mlflow_purge--*.sql
	/usr/bin/mlflow-purge /usr/bin/mlflow-purge-artifacts /usr/bin/clearml-purge)
saved=()
for f in "${ours[@]}"; do [ -e "$f" ] && saved+=("$f"); done
[ ${#saved[@]} -eq 0 ] || tar -C / -cpf "$work/saved.tar" "${saved[@]#/}"

restore() {
	local status=$?
	set +e
	PG_CONFIG=$pg_config bash "$root/scripts/pg-cluster.sh" stop "$cluster"
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok' &&
			DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$p" >/dev/null
	done
	if [ -f "$work/saved.tar" ]; then
		tar -C / -xpf "$work/saved.tar" || status=1
	fi
	rm -rf "$work"
	[ "$status" -eq 0 ] && echo "package.debian: all checks passed; the machine is as before"
	exit "$status"
}
trap restore EXIT

# 1. Build from a copy: dpkg-buildpackage writes into the source tree and its parent.
src=$work/mlflow-purge-1.3.0
mkdir -p "$src"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$src" 2>/dev/null) ||
	(cd "$root" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
		[ -e "$f" ] && cp --parents -- "$f" "$src"; done)
echo "package.debian: building the packages (dpkg-buildpackage -us -uc -b)"
if ! (cd "$src" && DEB_BUILD_OPTIONS="parallel=$(nproc)" nice dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1); then
	tail -60 "$work/build.log" >&2
	fail "dpkg-buildpackage failed"
fi
debs=()
for p in "${packages[@]}"; do
	deb=$(ls "$work"/"$p"_*.deb 2>/dev/null | head -1)
	[ -n "$deb" ] || fail "dpkg-buildpackage made no $p package"
	debs+=("$deb")
done

# 2. Install, as a DBA would.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${debs[@]}" >"$work/install.log" 2>&1 ||
	{ cat "$work/install.log" >&2; fail "apt-get install ./x.deb failed"; }

# Each package ships only its own files (directories aside).
check_list() {
	local package=$1 allowed=$2 unexpected
	unexpected=$(dpkg -L "$package" | while read -r f; do [ -d "$f" ] || echo "$f"; done | grep -Ev "$allowed" || true)
	[ -z "$unexpected" ] || fail "$package ships files it should not: $unexpected"
}
check_list postgresql-15-mlflow-purge \
	"^($pkglibdir/mlflow_purge\.so|$pkglibdir/bitcode/mlflow_purge(\.index\.bc|/src/(core|pg)/[a-z_]+\.bc)|$sharedir/extension/mlflow_purge(\.control|--[0-9.]+(--[0-9.]+)?\.sql)|/usr/share/doc/postgresql-15-mlflow-purge/(copyright|changelog\.gz|changelog\.Debian\.gz))$"
check_list mlflow-purge-tools \
	'^(/usr/bin/(mlflow-purge|mlflow-purge-artifacts|clearml-purge)|/usr/share/man/man1/(mlflow-purge|mlflow-purge-artifacts|clearml-purge)\.1\.gz|/usr/share/doc/mlflow-purge-tools/(copyright|changelog\.gz|changelog\.Debian\.gz))$'
# ... and all of them: the library, the control file and every install and update script.
for f in "$pkglibdir/mlflow_purge.so" "$sharedir/extension/mlflow_purge.control" "${root}"/mlflow_purge--*.sql; do
	installed=$f
	case "$f" in "$root"/*) installed=$sharedir/extension/$(basename "$f") ;; esac
	[ "$(dpkg -S "$installed" 2>/dev/null | cut -d: -f1)" = postgresql-15-mlflow-purge ] ||
		fail "$installed is not installed by postgresql-15-mlflow-purge"
done
for program in mlflow-purge mlflow-purge-artifacts clearml-purge; do
	[ "$(dpkg -S "/usr/bin/$program" | cut -d: -f1)" = mlflow-purge-tools ] || fail "/usr/bin/$program is not packaged"
	"/usr/bin/$program" --help >/dev/null 2>&1 || fail "$program --help fails"
	zcat "/usr/share/man/man1/$program.1.gz" | grep -q '^\.SH DESCRIPTION' || fail "$program.1 has no DESCRIPTION"
done
installed_files=$(dpkg -L "${packages[@]}" | while read -r f; do [ -d "$f" ] || echo "$f"; done)

# A fresh cluster; the extension from the installed files; installcheck against them.
PG_CONFIG=$pg_config bash "$root/scripts/pg-cluster.sh" start "$cluster" "$port"
export PGHOST=$cluster PGPORT=$port PGUSER=postgres
unset PGDATABASE PGPASSWORD
psql=$("$pg_config" --bindir)/psql
"$psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE package_check'
version=$("$psql" -X -q -At -v ON_ERROR_STOP=1 -d package_check \
	-c 'CREATE EXTENSION mlflow_purge' -c "SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'mlflow_purge'")
[ "$version" = "$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$root/mlflow_purge.control")" ] ||
	fail "CREATE EXTENSION made version '$version'"
echo "package.debian: CREATE EXTENSION mlflow_purge ($version) from the package; installcheck:"
# installcheck runs in the built copy (the package build cleaned it: no objects, nothing to
# install): PGXS's installcheck uses only the installed extension and the server.
PG_CONFIG=$pg_config REGRESS_OUTPUTDIR=$work/regress bash "$src/test/pg/run-regress.sh" ||
	fail "installcheck against the installed package failed"

# 3. Remove: nothing of the packages stays behind.
PG_CONFIG=$pg_config bash "$root/scripts/pg-cluster.sh" stop "$cluster"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${packages[@]}" >/dev/null
left=$(echo "$installed_files" | while read -r f; do [ -e "$f" ] && echo "$f"; done || true)
[ -z "$left" ] || fail "files left after removing the packages: $left"
echo "package.debian: removed; none of the $(echo "$installed_files" | wc -l) packaged files is left"
