#!/usr/bin/python3
"""ctest extension.integration.revision_links: the links MLflow added without a foreign key, on a
real server with the schema of revision 69 (issue 17, item 2):

  * the four rollup tables' rows of a purged experiment go with it (dry run counts them), a kept
    experiment's rows stay;
  * review-queue entries of a kept experiment that name the purged experiment's trace or label
    schema are kept and named in a NOTICE; the purged experiment's own queue goes with it;
  * mlflow_purge_check() reports none of these columns, nor assessments.experiment_id, as unknown.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import relcommon as rc  # noqa: E402

REVISION = "69-75868b020152.sql"
ROLLUPS = ["sql_trace_metric_daily_rollups", "sql_span_cost_daily_rollups", "sql_assessment_daily_rollups",
           "sql_trace_rollup_rebuild_queue"]
SEED = """
INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
VALUES (1, 'gone', 's3://b/1', 'deleted', 1, 1), (2, 'kept', 's3://b/2', 'active', 1, 1);
INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, status) VALUES ('tr-1', 1, 1, 'OK'), ('tr-2', 2, 1, 'OK');
INSERT INTO assessments (assessment_id, trace_id, name, assessment_type, value, created_timestamp, last_updated_timestamp,
                         source_type, valid, experiment_id)
VALUES ('as-1', 'tr-1', 'n', 'feedback', '1', 1, 1, 'HUMAN', true, 1);
INSERT INTO label_schemas (schema_id, experiment_id, name, type, input_type, input_config, created_time, last_update_time)
VALUES ('ls-1', 1, 'l1', 'FEEDBACK', 'TEXT', '{}', 1, 1), ('ls-2', 2, 'l2', 'FEEDBACK', 'TEXT', '{}', 1, 1);
INSERT INTO review_queues (queue_id, experiment_id, name, queue_type, creation_time_ms, last_update_time_ms)
VALUES ('q-1', 1, 'q1', 'TRACE', 1, 1), ('q-2', 2, 'q2', 'TRACE', 1, 1);
INSERT INTO review_queue_traces (queue_id, target_type, target_id, status, creation_time_ms, last_update_time_ms)
VALUES ('q-1', 'TRACE', 'tr-1', 'PENDING', 1, 1), ('q-2', 'TRACE', 'tr-1', 'PENDING', 1, 1),
       ('q-2', 'TRACE', 'tr-2', 'PENDING', 1, 1);
INSERT INTO review_queue_label_schemas (queue_id, schema_id) VALUES ('q-1', 'ls-1'), ('q-2', 'ls-1'), ('q-2', 'ls-2');
INSERT INTO sql_trace_metric_daily_rollups (id, experiment_id, rollup_day, metric_name, grouping_set, sample_count)
VALUES (1, 1, '2026-01-01', 'latency', 'all', 1), (2, 2, '2026-01-01', 'latency', 'all', 1);
INSERT INTO sql_span_cost_daily_rollups (id, experiment_id, rollup_day, metric_name, grouping_set, sample_count)
VALUES (1, 1, '2026-01-01', 'cost', 'all', 1), (2, 2, '2026-01-01', 'cost', 'all', 1);
INSERT INTO sql_assessment_daily_rollups (id, experiment_id, rollup_day, metric_name, grouping_set, sample_count)
VALUES (1, 1, '2026-01-01', 'score', 'all', 1), (2, 2, '2026-01-01', 'score', 'all', 1);
INSERT INTO sql_trace_rollup_rebuild_queue (experiment_id, rollup_day, rollup_family)
VALUES (1, '2026-01-01', 'trace'), (2, '2026-01-01', 'trace');
"""


def main():
    rc.require_server()
    db = "rel_revision_links_%d" % os.getpid()
    rc.create_db(db, REVISION)
    failures = []

    def check(ok, what):
        print(("ok - " if ok else "not ok - ") + what, flush=True)
        if not ok:
            failures.append(what)

    try:
        conn = rc.connect(db)
        cur = conn.cursor()
        cur.execute(SEED)
        cur.execute("SELECT object FROM public.mlflow_purge_check() WHERE finding = 'unknown_link'")
        unknown = {r[0] for r in cur.fetchall()}
        check(not unknown & {t + ".experiment_id" for t in ROLLUPS + ["assessments"]},
              "mlflow_purge_check() reports no rollup column nor assessments.experiment_id as unknown: %s"
              % sorted(unknown))

        cur.execute("SELECT table_name, rows_deleted FROM public.mlflow_purge_experiment(1, dry_run => true)")
        dry = dict(cur.fetchall())
        check(all(dry.get(t) == 1 for t in ROLLUPS), "the dry run counts one rollup row per table: %s"
              % {t: dry.get(t) for t in ROLLUPS})

        del conn.notices[:]
        cur.execute("SELECT table_name, rows_deleted FROM public.mlflow_purge_experiment(1)")
        real = dict(cur.fetchall())
        check({t: real.get(t) for t in ROLLUPS} == {t: dry.get(t) for t in ROLLUPS}, "the purge removes what the dry run counted")
        cur.execute(" UNION ALL ".join("SELECT '%s', experiment_id FROM %s" % (t, t) for t in ROLLUPS))
        left = sorted(cur.fetchall())
        check(left == sorted((t, 2) for t in ROLLUPS), "only the kept experiment's rollups are left: %s" % left)

        notices = "".join(conn.notices)
        check("review_queue_traces name purged rows of trace_info in column target_id" in notices and "q-2/tr-1" in notices,
              "a NOTICE names the kept queue's entry for the purged trace")
        check("review_queue_label_schemas name purged rows of label_schemas in column schema_id" in notices
              and "q-2/ls-1" in notices, "a NOTICE names the kept queue's entry for the purged label schema")
        cur.execute("SELECT queue_id, target_id FROM review_queue_traces ORDER BY 1, 2")
        traces = cur.fetchall()
        cur.execute("SELECT queue_id, schema_id FROM review_queue_label_schemas ORDER BY 1, 2")
        schemas = cur.fetchall()
        check(traces == [("q-2", "tr-1"), ("q-2", "tr-2")] and schemas == [("q-2", "ls-1"), ("q-2", "ls-2")],
              "the kept queue's entries stay, the purged queue's go: %s %s" % (traces, schemas))
        cur.execute("SELECT count(*) FROM assessments")
        check(cur.fetchone()[0] == 0, "the assessment went with its trace")
        conn.close()
    finally:
        rc.drop_db(db)
    print("revision_links: %s" % ("passed" if not failures else "%d failed" % len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
