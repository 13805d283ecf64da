#!/usr/bin/python3
"""Hostile inputs (issue 5, part 4): a table-driven catalogue. Each case is one call (with the
settings it needs), its expected SQLSTATE and a fragment its message must contain; after each
case the md5 over every row of every MLflow table, of the broken copies and of the extension's
bookkeeping tables must be what it was before. Runs on the MLflow 3.11 fixture schema (and the
2.9.2 one for the cases that differ there), populated by the differential generator.

  hostile.py [--list]   (--list prints the catalogue as a Markdown table)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import relcommon as rc  # noqa: E402
import differential as diff  # noqa: E402
import psycopg2  # noqa: E402

E, R, D, N = "mlflow_purge_experiment", "mlflow_purge_run", "mlflow_purge_deleted", "mlflow_purge_experiment_by_name"
LIVE_EXP, DEAD_EXP = 101, 102      # set up below
DEAD_RUN = "d" * 32                # a soft-deleted run of the live experiment
LIVE_RUN = "a" * 32

# (label, settings, call, SQLSTATE, message fragment); SQLSTATE None = accepted (a dry run)
CASES = [
    # NULLs
    ("NULL experiment id", [], "SELECT * FROM %s(NULL)" % E, "22004", "experiment_id must not be NULL"),
    ("NULL run id", [], "SELECT * FROM %s(NULL)" % R, "22004", "run_id must not be NULL"),
    ("NULL name", [], "SELECT * FROM %s(NULL)" % N, "22004", "name must not be NULL"),
    ("NULL dry_run", [], "SELECT * FROM %s(%d, dry_run => NULL)" % (E, DEAD_EXP), "22004", "dry_run must not be NULL"),
    ("NULL model_versions", [], "SELECT * FROM %s('%s', model_versions => NULL)" % (R, DEAD_RUN), "22004",
     "model_versions must not be NULL"),
    ("older_than NULL with dry_run NULL", [], "SELECT * FROM %s(older_than => NULL, dry_run => NULL)" % D, "22004",
     "dry_run must not be NULL"),
    ("older_than NULL with max_runs 0", [], "SELECT * FROM %s(older_than => NULL, max_runs => 0)" % D, "22023",
     "max_runs must be positive"),
    # run ids
    ("empty run id", [], "SELECT * FROM %s('')" % R, "22023", "run id"),
    ("whitespace run id", [], "SELECT * FROM %s('   ')" % R, "22023", "run id"),
    ("tab/newline run id", [], "SELECT * FROM %s(E'\\t\\n')" % R, "22023", "run id"),
    ("run id of 33 characters", [], "SELECT * FROM %s('%s')" % (R, "a" * 33), "22023", "run id"),
    ("run id of 10000 characters", [], "SELECT * FROM %s(repeat('a', 10000))" % R, "22023", "run id"),
    ("run id of 31 characters (unknown)", [], "SELECT * FROM %s('%s')" % (R, "a" * 31), "P0002", "does not exist"),
    ("run id with SQL", [], "SELECT * FROM %s($$x'; DELETE FROM runs; --$$)" % R, "22023", "run id"),
    ("run id with OR 1=1", [], "SELECT * FROM %s($$' OR '1'='1$$)" % R, "22023", "run id"),
    ("run id with a NUL-like escape", [], "SELECT * FROM %s(E'\\\\x00')" % R, "22023", "run id"),
    ("run id with unicode", [], "SELECT * FROM %s('dddddddddddddddddddddddddddddddé')" % R, "22023", "run id"),
    ("active run", [], "SELECT * FROM %s('%s')" % (R, LIVE_RUN), "55000", "is not deleted"),
    # experiment ids
    ("negative experiment id", [], "SELECT * FROM %s(-1)" % E, "22023", "invalid experiment id -1"),
    ("most negative experiment id", [], "SELECT * FROM %s(-2147483648)" % E, "22023", "invalid experiment id"),
    ("Default experiment 0", [], "SELECT * FROM %s(0)" % E, "22023", "Default experiment"),
    ("largest experiment id (unknown)", [], "SELECT * FROM %s(2147483647)" % E, "P0002", "does not exist"),
    ("experiment id 2^31 (not an integer)", [], "SELECT * FROM %s(2147483648)" % E, "42883", "does not exist"),
    ("experiment id 2^31 cast", [], "SELECT * FROM %s(2147483648::integer)" % E, "22003", "out of range"),
    ("active experiment", [], "SELECT * FROM %s(%d)" % (E, LIVE_EXP), "55000", "is not deleted"),
    # names
    ("empty name", [], "SELECT * FROM %s('')" % N, "22023", "name"),
    ("unknown name", [], "SELECT * FROM %s('no such experiment')" % N, "P0002", "does not exist"),
    ("name with SQL", [], "SELECT * FROM %s($$x' OR 1=1; --$$)" % N, "P0002", "does not exist"),
    ("name in another workspace", [], "SELECT * FROM %s('exp-2', workspace => 'nowhere')" % N, "P0002", "does not exist"),
    ("Default by name, deleted", ["UPDATE experiments SET lifecycle_stage = 'deleted' WHERE experiment_id = 0"],
     "SELECT * FROM %s('Default')" % N, "22023", "Default experiment"),
    # older_than / max_runs
    ("older_than -1 day", [], "SELECT * FROM %s(older_than => '-1 day')" % D, "22023", "older_than must not be negative"),
    ("older_than -1 second", [], "SELECT * FROM %s(older_than => '-1 second', max_runs => 5)" % D, "22023",
     "older_than must not be negative"),
    ("older_than infinity", [], "SELECT * FROM %s(older_than => 'infinity')" % D, "22007", "invalid input syntax"),
    ("older_than 1000000 years, dry run", [], "SELECT * FROM %s(older_than => '1000000 years', dry_run => true)" % D,
     None, None),
    ("max_runs 0", [], "SELECT * FROM %s(max_runs => 0)" % D, "22023", "max_runs must be positive"),
    ("max_runs -1", [], "SELECT * FROM %s(max_runs => -1)" % D, "22023", "max_runs must be positive, not -1"),
    ("max_runs 2^31", [], "SELECT * FROM %s(max_runs => 2147483648)" % D, "42883", "does not exist"),
    ("max_runs 2^31 cast", [], "SELECT * FROM %s(max_runs => 2147483648::integer)" % D, "22003", "out of range"),
    ("max_runs 2^31-1, dry run", [], "SELECT * FROM %s(max_runs => 2147483647, dry_run => true)" % D, None, None),
    # model_versions
    ("model_versions 'bogus'", [], "SELECT * FROM %s(%d, model_versions => 'bogus')" % (E, DEAD_EXP), "22023",
     "model_versions"),
    ("model_versions ''", [], "SELECT * FROM %s(model_versions => '')" % D, "22023", "model_versions"),
    ("model_versions 'KEEP'", [], "SELECT * FROM %s(model_versions => 'KEEP')" % D, "22023", "model_versions"),
    ("model_versions ' keep'", [], "SELECT * FROM %s(model_versions => ' keep')" % D, "22023", "model_versions"),
    ("model_versions with SQL", [], "SELECT * FROM %s(model_versions => $$delete'; DROP TABLE runs; --$$)" % D,
     "22023", "model_versions"),
    ("model_versions 'error' with versions", [], "SELECT * FROM %s(%d, model_versions => 'error')" % (E, DEAD_EXP),
     "55000", "model version"),
    # mlflow_purge.schema
    ("schema missing", ["SET mlflow_purge.schema = 'no_such_schema'"], "SELECT * FROM %s()" % D, "3F000",
     "no_such_schema"),
    ("schema not MLflow's (pg_catalog)", ["SET mlflow_purge.schema = 'pg_catalog'"], "SELECT * FROM %s()" % D,
     "42P01", "experiments"),
    ("schema not MLflow's (unrelated tables)", ["SET mlflow_purge.schema = 'not_mlflow'"], "SELECT * FROM %s(%d)" % (E, DEAD_EXP),
     "42P01", "experiments"),
    ("schema with quotes", ["SET mlflow_purge.schema = $$public\"; DROP TABLE runs; --$$"], "SELECT * FROM %s()" % D,
     "3F000", "does not exist"),
    ("schema with a semicolon", ["SET mlflow_purge.schema = 'public; DROP TABLE runs'"], "SELECT * FROM %s()" % D,
     "3F000", "does not exist"),
    ("schema empty", ["SET mlflow_purge.schema = ''"], "SELECT * FROM %s()" % D, "22023", "schema"),
    ("schema of 64 bytes", ["SET mlflow_purge.schema = '%s'" % ("s" * 64)], "SELECT * FROM %s()" % D, "22023", "schema"),
    ("schema with a control character", ["SET mlflow_purge.schema = E'pub\\nlic'"], "SELECT * FROM %s()" % D, "22023",
     "schema"),
    # MLflow tables changed
    ("runs without lifecycle_stage", ["SET mlflow_purge.schema = 'broken_column'"], "SELECT * FROM %s()" % D, "42703",
     "lifecycle_stage"),
    ("runs.run_uuid of type integer", ["SET mlflow_purge.schema = 'broken_type'"], "SELECT * FROM %s()" % D, "42804",
     "run_uuid"),
    ("experiments.experiment_id of type text", ["SET mlflow_purge.schema = 'broken_exp_type'"],
     "SELECT * FROM %s(%d)" % (E, DEAD_EXP), "42804", "experiment_id"),
    ("runs missing", ["SET mlflow_purge.schema = 'no_runs'"], "SELECT * FROM %s('%s')" % (R, DEAD_RUN), "42P01", "runs"),
    ("older_than without runs.deleted_time", ["SET mlflow_purge.schema = 'no_deleted_time'"],
     "SELECT * FROM %s(older_than => '1 day')" % D, "42703", "deleted_time"),
]

# cases that differ on a schema without workspaces
CASES_292 = [
    ("workspace on a schema without workspaces", [], "SELECT * FROM %s('exp-2', workspace => 'default')" % N, "22023",
     "workspace"),
]


def prepare(db, version):
    rc.create_db(db, version)
    conn = rc.connect(db, autocommit=False)
    cur = conn.cursor()
    cur.execute("SELECT CAST(EXTRACT(EPOCH FROM now()) * 1000 AS bigint)")
    now_ms = cur.fetchone()[0]
    g = diff.Generator(cur, version, 99)
    g.build(now_ms)
    ws = ", workspace" if g.col("experiments", "workspace") else ""
    cur.execute("""
        DELETE FROM entity_associations WHERE false;
        INSERT INTO experiments (experiment_id, name, lifecycle_stage, last_update_time%(ws)s)
            VALUES (101, 'live-one', 'active', 1%(wsv)s), (102, 'dead-one', 'deleted', 1%(wsv)s);
        INSERT INTO runs (run_uuid, experiment_id, lifecycle_stage, status, source_type, deleted_time) VALUES
            ('%(dead)s', 101, 'deleted', 'FINISHED', 'LOCAL', 1), ('%(live)s', 101, 'active', 'FINISHED', 'LOCAL', NULL),
            ('%(inexp)s', 102, 'deleted', 'FINISHED', 'LOCAL', 1);
        INSERT INTO registered_models (name) VALUES ('hostile-model');
        INSERT INTO model_versions (name, version, run_id) VALUES ('hostile-model', 1, '%(inexp)s');
    """.replace("DELETE FROM entity_associations WHERE false;", "") % dict(
        ws=ws, wsv=", 'default'" if ws else "", dead=DEAD_RUN, live=LIVE_RUN, inexp="e" * 32))
    # copies of MLflow's tables in schemas of their own, each broken one way
    cur.execute("""
        CREATE SCHEMA not_mlflow; CREATE TABLE not_mlflow.customers (id int PRIMARY KEY, name text);
        INSERT INTO not_mlflow.customers VALUES (1, 'a');
        CREATE SCHEMA broken_column; CREATE SCHEMA broken_type; CREATE SCHEMA broken_exp_type; CREATE SCHEMA no_runs;
        CREATE SCHEMA no_deleted_time;
    """)
    for s in ("broken_column", "broken_type", "broken_exp_type", "no_runs", "no_deleted_time"):
        cur.execute("CREATE TABLE %s.experiments AS SELECT * FROM public.experiments; "
                    "ALTER TABLE %s.experiments ADD PRIMARY KEY (experiment_id)" % (s, s))
        if s != "no_runs":
            cur.execute("CREATE TABLE %s.runs AS SELECT * FROM public.runs; ALTER TABLE %s.runs ADD PRIMARY KEY (run_uuid)"
                        % (s, s))
    cur.execute("ALTER TABLE broken_column.runs DROP COLUMN lifecycle_stage; "
                "DELETE FROM broken_type.runs; ALTER TABLE broken_type.runs ALTER COLUMN run_uuid TYPE integer USING 0; "
                "INSERT INTO broken_type.runs (run_uuid, experiment_id, lifecycle_stage) VALUES (7, 102, 'deleted'); "
                "ALTER TABLE broken_exp_type.experiments ALTER COLUMN experiment_id TYPE text; "
                "ALTER TABLE no_deleted_time.runs DROP COLUMN deleted_time")
    conn.commit()
    conn.close()


def checksum_all(cur):
    cur.execute("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1, 2")
    out = []
    for schema, table in cur.fetchall():
        cur.execute('SELECT md5(coalesce(string_agg(t::text, E\'\\n\' ORDER BY t::text), \'\')) FROM "%s"."%s" t'
                    % (schema, table))
        out.append("%s.%s=%s" % (schema, table, cur.fetchone()[0]))
    return "\n".join(out)


def run_cases(db, cases, version):
    conn = rc.connect(db)
    cur = conn.cursor()
    failures = 0
    for label, settings, call, state, fragment in cases:
        before = checksum_all(cur)
        cur.execute("BEGIN")
        got_state, msg = None, ""
        try:
            cur.execute("SET LOCAL client_min_messages = warning")
            for s in settings:
                cur.execute(s.replace("SET ", "SET LOCAL ", 1) if s.startswith("SET ") else s)
            cur.execute(call)
            cur.fetchall()
        except psycopg2.Error as e:
            got_state = e.pgcode
            msg = " ".join(l.strip() for l in (e.pgerror or str(e)).strip().splitlines())
        cur.execute("ROLLBACK")
        after = checksum_all(cur)
        problems = []
        if got_state != state:
            problems.append("SQLSTATE %s, expected %s" % (got_state, state))
        if fragment and fragment not in msg:
            problems.append("message lacks %r" % fragment)
        if after != before:
            problems.append("the database changed")
        if problems:
            failures += 1
            print("FAIL: %s %s: %s -> %s: %s" % (version, label, call, "; ".join(problems), msg), flush=True)
        else:
            print("ok: %s %-42s %-6s %s" % (version, label, state or "ok", msg.split("DETAIL")[0][:110]), flush=True)
    # on an autocommit connection too, the refusals leave nothing behind (no audit row either)
    cur.execute("SELECT count(*) FROM mlflow_purge.audit_log")
    if cur.fetchone()[0] != 0:
        failures += 1
        print("FAIL: %s: audit rows written by refused calls" % version)
    conn.close()
    return failures


def main():
    if "--list" in sys.argv:
        print("| # | input | settings | SQLSTATE | message contains |\n|---|---|---|---|---|")
        for i, (label, settings, call, state, frag) in enumerate(CASES + CASES_292, 1):
            print("| %d | %s | %s | %s | %s |" % (i, label, "; ".join(settings).replace("|", "\\|"), state or "accepted",
                                                  (frag or "").replace("|", "\\|")))
        return
    rc.require_server()
    failures = 0
    for version, cases in (("3.11.2.dev0", CASES), ("2.9.2", CASES_292)):
        db = "rel_hostile_%s_%d" % (rc.short(version), os.getpid())
        prepare(db, version)
        try:
            failures += run_cases(db, cases, version)
        finally:
            rc.drop_db(db)
    n = len(CASES) + len(CASES_292)
    print("hostile: %s: %d inputs, each with its SQLSTATE, message and an unchanged checksum" % (
        "FAILED (%d)" % failures if failures else "passed", n))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
