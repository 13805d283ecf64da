#!/usr/bin/env bash
# The main job on a throwaway PostgreSQL: an MLflow 2.9.2 database with sample data, a data
# scientist soft-deletes experiment 'churn-model' in MLflow, the name is blocked, a DBA looks at
# the dry run, purges it in one transaction, and the name can be used again.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/install-deps.sh
bash scripts/build-install.sh

cluster=${MLFLOW_PURGE_DEMO_DIR:-/tmp/mlflow_purge_demo}
port=${MLFLOW_PURGE_DEMO_PORT:-55439}
bash scripts/pg-cluster.sh stop "$cluster" 2>/dev/null || true
rm -rf "$cluster"
if [ -z "${KEEP:-}" ]; then
	trap 'bash "$root/scripts/pg-cluster.sh" stop "$cluster"' EXIT
fi
bash scripts/pg-cluster.sh start "$cluster" "$port"
export PGHOST=$cluster PGPORT=$port PGUSER=postgres

psql -X -q -c "CREATE DATABASE mlflow" postgres
psql -X -q -v ON_ERROR_STOP=1 -f test/fixtures/mlflow/schema-2.9.2.sql mlflow >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -f test/fixtures/mlflow/seed-2.9.2.sql mlflow >/dev/null

psql -X -v ON_ERROR_STOP=0 --echo-queries mlflow <<'SQL'
\pset footer off
-- An MLflow 2.9.2 tracking database with sample experiments:
SELECT experiment_id, name, lifecycle_stage,
       (SELECT count(*) FROM runs r WHERE r.experiment_id = e.experiment_id) AS runs
FROM experiments e ORDER BY experiment_id;

-- A data scientist deletes 'churn-model' in the MLflow UI. MLflow only soft-deletes:
UPDATE experiments SET lifecycle_stage = 'deleted', last_update_time = 1700000000000 WHERE name = 'churn-model';
UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = 1700000000000
WHERE experiment_id = (SELECT experiment_id FROM experiments WHERE name = 'churn-model');

-- ... and now cannot create a new experiment with the same name:
INSERT INTO experiments (name, artifact_location, lifecycle_stage) VALUES ('churn-model', '/mlflow/artifacts/new', 'active');

-- The DBA installs the extension and looks at what a purge would remove:
CREATE EXTENSION mlflow_purge;
SELECT * FROM mlflow_purge_experiment_by_name('churn-model', dry_run => true);

-- Purge it, in one transaction:
SELECT * FROM mlflow_purge_experiment_by_name('churn-model');

-- The name is free again:
INSERT INTO experiments (name, artifact_location, lifecycle_stage) VALUES ('churn-model', '/mlflow/artifacts/new', 'active')
RETURNING experiment_id, name;

-- The nightly job would purge everything else that is soft-deleted (automation calls the
-- functions schema-qualified with typed arguments: README "Using it"):
SELECT public.mlflow_purge_deleted(dry_run => true);
SQL

echo
if [ -n "${KEEP:-}" ]; then
	echo "The demo cluster keeps running: psql -h $cluster -p $port -U postgres mlflow"
	echo "Stop it with: bash scripts/pg-cluster.sh stop $cluster"
fi
