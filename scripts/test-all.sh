#!/usr/bin/env bash
# Runs every test on this machine: the core's unit tests under AddressSanitizer and UBSan, the
# pg_regress suite on the four MLflow schemas against a real PostgreSQL 15 with the extension
# installed, and the clearml-purge suites. Installs what it needs (Debian 12, as root), starts a
# throwaway PostgreSQL cluster unless PGHOST is set, and ends with ctest's summary.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/install-deps.sh
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
bash scripts/build-install.sh

if [ -z "${PGHOST:-}" ]; then
	cluster=$(mktemp -d /tmp/mlflow_purge_test.XXXXXX)
	port=${MLFLOW_PURGE_TEST_PORT:-55432}
	trap 'bash "$root/scripts/pg-cluster.sh" stop "$cluster"' EXIT
	bash scripts/pg-cluster.sh start "$cluster" "$port"
	export PGHOST=$cluster PGPORT=$port PGUSER=postgres
fi

if [ -f test/clearml/setup.sh ]; then
	bash test/clearml/setup.sh
fi
if [ -f test/artifacts/setup.sh ]; then
	bash test/artifacts/setup.sh
fi

build=${MLFLOW_PURGE_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DMLFLOW_PURGE_SANITIZE=ON >/dev/null
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure --timeout 900
