#!/usr/bin/env bash
# ctest cli.equivalence: test/cli/equivalence.sh on the four MLflow fixture schemas, in parallel
# (each works on its own clones), reported in order. Builds the templates first unless
# CLI_TEMPLATES_READY=1 (the ctest test pg_regress builds them too).
#   test/cli/equivalence-all.sh <mlflow-purge binary>
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=${1:?mlflow-purge binary}
source "$here/lib.sh"
require_server cli.equivalence
if ! "$PSQL" -X -Atqc "SELECT 1 FROM pg_available_extensions WHERE name = 'mlflow_purge'" -d postgres | grep -q 1; then
	echo "cli.equivalence: the mlflow_purge extension is not installed on this server (make install)" >&2
	exit 2
fi
if [ "${CLI_TEMPLATES_READY:-0}" != 1 ]; then
	"$here/../pg/make-templates.sh" || exit 2
fi
out=$(mktemp -d /tmp/mlflow_purge_cli_eq.XXXXXX)
pids=()
templates=(mlflow_1_30_1 mlflow_2_9_2 mlflow_2_22_1 mlflow_3_11)
for t in "${templates[@]}"; do
	"$here/equivalence.sh" "$bin" "$t" >"$out/$t.log" 2>&1 &
	pids+=($!)
done
status=0
for i in "${!templates[@]}"; do
	wait "${pids[$i]}" || status=1
	cat "$out/${templates[$i]}.log"
done
rm -rf "$out"
[ "$status" -eq 0 ] && echo "cli.equivalence: mlflow-purge equals the extension on all four schemas"
exit "$status"
