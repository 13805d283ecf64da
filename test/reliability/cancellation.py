#!/usr/bin/python3
"""Cancellation and faults (issue 5, part 3), on each of the four MLflow fixture schemas.

A random MLflow database (the differential generator, fixed seed) with every entity kind the
schema has; every experiment but Default and one other soft-deleted, some runs deleted. Then,
for every statement of the purge's plan, the purge is stopped *at that statement*: another
connection holds a lock the statement needs (SHARE on the table the k-th DELETE writes, a row
lock on the experiment or run the lock steps take, SHARE on the audit log and the artifact
outbox the bookkeeping statements write), the test waits until the purge backend is blocked on
exactly that lock, then stops it with each of

  statement_timeout   (set in the purging session; fires while it waits)
  pg_cancel_backend   (from a third connection)
  PQcancel            (libpq's cancel request on the purging connection)
  pg_terminate_backend

and asserts that every MLflow table and both bookkeeping tables are exactly what they were
before (md5 over every row of every table). The cancelled connection must still answer
`SELECT 1` (except after terminate). Finally the purge runs to completion and its counts equal
the dry run's. Also: `lock_timeout` while an MLflow writer holds a run: 55P03, a clear message,
nothing changed.
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import relcommon as rc  # noqa: E402
import differential as diff  # noqa: E402
import psycopg2  # noqa: E402

FAILURES = []
POINTS = {}


def fail(msg):
    FAILURES.append(msg)
    print("FAIL: " + msg, flush=True)


def build(db, version, seed=4242):
    rc.create_db(db, version)
    conn = rc.connect(db, autocommit=False)
    cur = conn.cursor()
    cur.execute("SELECT CAST(EXTRACT(EPOCH FROM now()) * 1000 AS bigint)")
    now_ms = cur.fetchone()[0]
    g = diff.Generator(cur, version, seed)
    g.build(now_ms)
    if g.has("guardrails"):
        cur.execute("DELETE FROM guardrails")  # a guardrail would refuse the purge (2BP01): not this test
    cur.execute("UPDATE experiments SET lifecycle_stage = 'deleted' WHERE experiment_id > 1")
    cur.execute("UPDATE runs SET lifecycle_stage = 'deleted' WHERE experiment_id > 1 OR right(run_uuid, 1) < '8'")
    conn.commit()
    conn.close()


def all_tables_checksum(cur):
    tables = rc.mlflow_tables(cur)
    total, _ = rc.checksum(cur, tables)
    book, _ = rc.checksum(cur, ["audit_log", "artifact_outbox"], schema="mlflow_purge")
    return total + "/" + book


def blocked_on(admin, pid):
    """What `pid` waits for: ('relation', name) or (locktype, None), or None."""
    admin.execute("SELECT locktype, relation::regclass::text FROM pg_locks WHERE pid = %s AND NOT granted", (pid,))
    r = admin.fetchone()
    return r


def one_point(db, call, block_sql, expect_wait, method, label, before):
    """statement_timeout may fire before a slow (busy machine) purge reaches the blocked
    statement: then the point is tried again with a longer timeout, up to 3 s."""
    if method != "statement_timeout":
        return one_try(db, call, block_sql, expect_wait, method, label, before, None)
    for timeout in ("200ms", "1s", "3s"):
        res = one_try(db, call, block_sql, expect_wait, method, label, before, timeout)
        if res != "early":
            return res
    fail("%s, %s: statement_timeout fired before the purge reached the blocked statement, even at 3s" % (label, method))
    return False


def one_try(db, call, block_sql, expect_wait, method, label, before, timeout):
    """Runs `call` while `block_sql` holds a lock; stops it with `method` once it waits on
    `expect_wait` (a relation name, or 'row'). Returns True when everything held."""
    admin_conn = rc.connect(db)
    admin = admin_conn.cursor()
    blocker = rc.connect(db, autocommit=False)
    blocker.cursor().execute(block_sql)
    p = rc.connect(db)
    pid = p.get_backend_pid()
    pc = p.cursor()
    pc.execute("SET client_min_messages = warning")
    if method == "statement_timeout":
        pc.execute("SET statement_timeout = '%s'" % timeout)
    out = {}

    def runner():
        try:
            pc.execute(call)
            out["rows"] = pc.fetchall()
        except psycopg2.Error as e:
            out["error"] = (e.pgcode, (e.pgerror or str(e)).strip().splitlines()[0] if (e.pgerror or str(e)) else "")
    t = threading.Thread(target=runner)
    t.start()
    waited = None
    t0 = time.time()
    while time.time() - t0 < 10 and t.is_alive():
        waited = blocked_on(admin, pid)
        if waited:
            break
        time.sleep(0.005)
    good = True
    if not waited and method == "statement_timeout":
        t.join(15)
        blocker.rollback()
        blocker.close()
        if all_tables_checksum(admin) != before:
            fail("%s, %s: the database changed after an early statement_timeout" % (label, method))
        p.close()
        admin_conn.close()
        return "early"
    if not waited:
        fail("%s, %s: the purge never waited on %s (%s)" % (label, method, expect_wait, out))
        good = False
    elif expect_wait == "row" and waited[0] not in ("transactionid", "tuple"):
        fail("%s, %s: waited on %s, expected a row lock" % (label, method, waited))
        good = False
    elif expect_wait != "row" and waited[1] != expect_wait:
        fail("%s, %s: waited on %s, expected table %s" % (label, method, waited, expect_wait))
        good = False
    if method == "pg_cancel_backend":
        admin.execute("SELECT pg_cancel_backend(%s)", (pid,))
    elif method == "PQcancel":
        p.cancel()
    elif method == "pg_terminate_backend":
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    t.join(15)
    blocker.rollback()
    blocker.close()
    if t.is_alive():
        fail("%s, %s: the purge did not stop" % (label, method))
        return False
    want = {"statement_timeout": "57014", "pg_cancel_backend": "57014", "PQcancel": "57014",
            "pg_terminate_backend": {"57P01", None}}[method]
    got = out.get("error", (None,))[0]
    if "rows" in out or (got not in want if isinstance(want, set) else got != want):
        fail("%s, %s: expected %s, got %s" % (label, method, want, out))
        good = False
    after = all_tables_checksum(admin)
    if after != before:
        fail("%s, %s: the database changed (checksum %s -> %s)" % (label, method, before, after))
        good = False
    if method != "pg_terminate_backend":
        try:
            pc.execute("SELECT 1")
            if pc.fetchone() != (1,):
                raise RuntimeError("bad answer")
        except Exception as e:  # noqa: BLE001
            fail("%s, %s: the connection no longer works: %s" % (label, method, e))
            good = False
    p.close()
    admin_conn.close()
    return good


METHODS = ["statement_timeout", "pg_cancel_backend", "PQcancel", "pg_terminate_backend"]


def schema_points(version):
    db = "rel_cancel_%s_%d" % (rc.short(version), os.getpid())
    build(db, version)
    conn = rc.connect(db)
    cur = conn.cursor()
    cur.execute("SET client_min_messages = warning")
    cur.execute("SELECT table_name, rows_deleted FROM mlflow_purge_deleted(dry_run => true)")
    plan = cur.fetchall()
    cur.execute("SELECT min(experiment_id) FROM experiments WHERE lifecycle_stage = 'deleted'")
    exp = cur.fetchone()[0]
    cur.execute("SELECT min(run_uuid) FROM runs WHERE experiment_id = %s", (exp,))
    run = cur.fetchone()[0]
    points = []
    call = "SELECT table_name, rows_deleted FROM mlflow_purge_deleted()"
    # the lock steps: the experiment row, then a run row (explicit purge waits for both)
    one = "SELECT table_name, rows_deleted FROM mlflow_purge_experiment(%d)" % exp
    points.append(("lock experiments", one, "BEGIN; SELECT 1 FROM experiments WHERE experiment_id = %d FOR UPDATE" % exp, "row"))
    if run:
        points.append(("lock runs", one, "BEGIN; SELECT 1 FROM runs WHERE run_uuid = '%s' FOR UPDATE" % run, "row"))
    # the bookkeeping: artifact outbox (before the deletes), then the audit log
    points.append(("artifact outbox", call, "BEGIN; LOCK TABLE mlflow_purge.artifact_outbox IN SHARE MODE",
                   "mlflow_purge.artifact_outbox"))
    for table, n in plan:
        points.append(("DELETE %s (%d rows)" % (table, n), call, "BEGIN; LOCK TABLE \"%s\" IN SHARE MODE" % table, table))
    points.append(("audit log", call, "BEGIN; LOCK TABLE mlflow_purge.audit_log IN SHARE MODE", "mlflow_purge.audit_log"))
    ok_points = 0
    before = all_tables_checksum(cur)  # every cancelled purge must leave exactly this
    for label, c, block, expect in points:
        good = all(one_point(db, c, block, expect, m, "%s %s" % (version, label), before) for m in METHODS)
        ok_points += good
    # finally the purge runs to completion and removes what the dry run said
    cur.execute(call)
    done = cur.fetchall()
    if done != plan:
        fail("%s: after the cancellations the purge returned %s, the dry run said %s" % (version, done, plan))
    # lock_timeout while a writer holds a run of the experiment
    cur.execute("SELECT experiment_id FROM experiments WHERE experiment_id > 0 AND lifecycle_stage = 'active' LIMIT 1")
    live = cur.fetchone()[0]
    cur.execute("UPDATE experiments SET lifecycle_stage = 'deleted' WHERE experiment_id = %s", (live,))
    cur.execute("INSERT INTO runs (run_uuid, experiment_id, lifecycle_stage, status, source_type) VALUES "
                "('deadbeefdeadbeefdeadbeefdeadbeef', %s, 'active', 'RUNNING', 'LOCAL')", (live,))
    writer = rc.connect(db, autocommit=False)
    writer.cursor().execute("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES "
                            "('loss', 1, 1, 'deadbeefdeadbeefdeadbeefdeadbeef', 0, false); "
                            "UPDATE runs SET status = 'RUNNING' WHERE run_uuid = 'deadbeefdeadbeefdeadbeefdeadbeef'")
    before = all_tables_checksum(cur)
    cur.execute("SET lock_timeout = '200ms'")
    try:
        cur.execute("SELECT * FROM mlflow_purge_experiment(%s)", (live,))
        fail("%s: lock_timeout: the purge did not wait for the writer's run" % version)
    except psycopg2.Error as e:
        msg = (e.pgerror or "").strip().splitlines()[0]
        if e.pgcode != "55P03" or "lock" not in msg:
            fail("%s: lock_timeout: expected 55P03 with a message about the lock, got %s %s" % (version, e.pgcode, msg))
        elif all_tables_checksum(cur) != before:
            fail("%s: lock_timeout: the database changed" % version)
        else:
            print("ok: %s: lock_timeout while a writer holds a run: 55P03 (%s), nothing changed" % (version, msg))
    cur.execute("RESET lock_timeout")
    writer.rollback()
    writer.close()
    conn.close()
    rc.drop_db(db)
    POINTS[version] = len(points)
    print("ok: %s: %d/%d cancellation points x %d methods held (plan: %d tables)" % (
        version, ok_points, len(points), len(METHODS), len(plan)), flush=True)


def build_traces(db, version, seed=4343):
    """The trace mode's generated database (differential_traces.py), committed: traces of live
    experiments at random ages with every row they own."""
    import differential_traces as traces
    rc.create_db(db, version)
    traces.add_future_tables(db)
    conn = rc.connect(db, autocommit=False)
    cur = conn.cursor()
    cur.execute("SELECT CAST(EXTRACT(EPOCH FROM now()) * 1000 AS bigint)")
    now_ms = cur.fetchone()[0]
    traces.TraceGenerator(cur, version, seed).build(now_ms)
    conn.commit()
    conn.close()


def trace_points(version):
    """mlflow_purge_traces stopped at every DELETE of its plan and at the audit row (issue 18)."""
    db = "rel_cancel_tr_%s_%d" % (rc.short(version), os.getpid())
    build_traces(db, version)
    conn = rc.connect(db)
    cur = conn.cursor()
    cur.execute("SET client_min_messages = warning")
    call = "SELECT table_name, rows_deleted FROM public.mlflow_purge_traces(older_than => '1 hour'::interval%s)"
    cur.execute(call % ", dry_run => true")
    plan = cur.fetchall()
    call = call % ""
    points = [("DELETE %s (%d rows)" % (t, n), call, "BEGIN; LOCK TABLE \"%s\" IN SHARE MODE" % t, t) for t, n in plan]
    points.append(("audit log", call, "BEGIN; LOCK TABLE mlflow_purge.audit_log IN SHARE MODE", "mlflow_purge.audit_log"))
    before = all_tables_checksum(cur)
    ok_points = sum(all(one_point(db, c, block, expect, m, "%s traces %s" % (version, label), before) for m in METHODS)
                    for label, c, block, expect in points)
    cur.execute(call)
    done = cur.fetchall()
    if done != plan or not plan:
        fail("%s traces: after the cancellations the purge returned %s, the dry run said %s" % (version, done, plan))
    conn.close()
    rc.drop_db(db)
    POINTS[version + " traces"] = len(points)
    print("ok: %s: %d/%d trace purge cancellation points x %d methods held (plan: %d tables, %d rows)" % (
        version, ok_points, len(points), len(METHODS), len(plan), sum(n for _, n in plan)), flush=True)


def main():
    rc.require_server()
    t0 = time.time()
    args = sys.argv[1:]
    if args[:1] == ["--traces"]:  # the trace purge (issue 18), on the schemas with traces
        for v in (args[1].split(",") if len(args) > 1 else ["2.22.1", "3.11.2.dev0"]):
            trace_points(v)
        schemas = []
    else:
        schemas = args[0].split(",") if args else rc.SCHEMAS
    for v in schemas:
        schema_points(v)
    total = sum(POINTS.values())
    print("cancellation: %s: %d cancellation points on %d schemas x %d methods = %d cancelled purges in %.1fs" % (
        "FAILED (%d)" % len(FAILURES) if FAILURES else "passed", total, len(POINTS), len(METHODS),
        total * len(METHODS), time.time() - t0))
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
