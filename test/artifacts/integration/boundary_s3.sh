#!/usr/bin/env bash
# artifacts.boundary_s3: with the root s3://mlflow/1 (and s3://mlflow/team/a), an MLflow user's
# locations in another bucket, in the sibling prefix s3://mlflow/10, equal to a root (with a
# trailing slash), containing a root, or climbing out with '..' or '%2e%2e', are refused: no
# object is deleted there, the rows end 'refused' with the reason. A location inside the root goes.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
start_s3 other
new_db mlflow_3_11
export MLFLOW_S3_ENDPOINT_URL=$S3_ENDPOINT AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1
export MLFLOW_PURGE_ARTIFACT_ROOTS="s3://mlflow/1 s3://mlflow/team/a/"
s3() { python3 "$HERE/servers/s3tool.py" "$S3_ENDPOINT" "$@"; }
# the seed's locations are outside every root too; give them a schema of their own: only ours count
relocate /mlflow/artifacts s3://mlflow/1/seed
s3 put other secret/payroll.csv
s3 put mlflow 10/r-sibling/artifacts/model.pkl 10/r-dots/x.bin 10/r-enc/x.bin team/a/keep.txt team/b/keep.txt 1/keep-root.txt 1/r-in/artifacts/m.pkl

e_bucket=$(deleted_experiment other-bucket s3://other/secret)
deleted_run r-sibling s3://mlflow/10/r-sibling/artifacts
e_lm=$(deleted_experiment holds-model s3://mlflow/1/holds-model)
logged_model m-sibling "$e_lm" s3://mlflow/10/r-sibling
e_root=$(deleted_experiment is-root s3://mlflow/1/)
e_root2=$(deleted_experiment is-root-2 s3://mlflow/team/a)
e_contains=$(deleted_experiment contains-root s3://mlflow/team)
deleted_run r-dots s3://mlflow/1/../10/r-dots
deleted_run r-enc s3://mlflow/1/%2e%2e/10/r-enc
deleted_run r-in s3://mlflow/1/r-in/artifacts
qa "SET client_min_messages = warning; SELECT count(*) FROM mlflow_purge_deleted()" >/dev/null

set +e
"$BIN" --once --json >"$WORK/drain.json" 2>"$WORK/drain.err"
status=$?
set -e
expect_eq "exit status 1 (refusals)" "$status" 1
expect_eq "the other bucket is untouched" "$(s3 list other)" "secret/payroll.csv"
expect_eq "the sibling prefix 10/ is untouched" "$(s3 list mlflow 10/ | sort | tr '\n' ' ')" \
	"10/r-dots/x.bin 10/r-enc/x.bin 10/r-sibling/artifacts/model.pkl "
expect_eq "the roots and their neighbours are untouched" "$(s3 list mlflow team/ | sort | tr '\n' ' ')$(s3 list mlflow 1/keep-root.txt)" \
	"team/a/keep.txt team/b/keep.txt 1/keep-root.txt"
expect_eq "inside the root: deleted" "$(s3 list mlflow 1/r-in/)$(status_of r-in)" "done|"
expect_refused "experiment in another bucket" "$e_bucket" "outside every artifact root"
expect_refused "run in the sibling prefix s3://mlflow/10" r-sibling "outside every artifact root"
expect_refused "logged model in the sibling prefix" m-sibling "outside every artifact root"
expect_refused "experiment equal to a root (trailing slash)" "$e_root" "is the artifact root s3://mlflow/1 itself"
expect_refused "experiment equal to a root given with a trailing slash" "$e_root2" "is the artifact root s3://mlflow/team/a/ itself"
expect_refused "experiment containing a root" "$e_contains" "contains the artifact root s3://mlflow/team/a/"
expect_refused "'..' in a key" r-dots "'..'"
expect_refused "'%2e%2e' in a key" r-enc "encoded '.' or '..'"
if grep -q "S3RVER" "$WORK/drain.json" "$WORK/drain.err"; then fail "the secret key was printed"; else pass "credentials never printed"; fi
finish
