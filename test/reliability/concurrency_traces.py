#!/usr/bin/python3
"""Concurrency of the trace purge (issue 18), with real connections, on the MLflow 3.11 schema:
concurrency.py's database (24 experiments, every third soft-deleted) plus, in every experiment,
old traces (40 days) and recent ones (minutes), each with spans, a span metric, tags and an
assessment.

  writer_holds   an MLflow client logging a span to an old trace holds it (its foreign-key check
                 locks the trace row) while mlflow_purge_traces('30 days') runs: the purge does not
                 wait, names the trace as skipped (NOTICE, audit targets_skipped), purges every
                 other old trace of the live experiments; the client commits; the next call purges
                 the skipped trace with the span logged meanwhile.
  purge_holds    the purge holds its traces (not yet committed): a client logging to a recent
                 trace of the same experiment does not wait; a client logging a tag to a trace
                 being purged waits, then gets 23503 once the purge commits (what MLflow itself
                 sees for a deleted trace); nothing is left of the purged trace.
  writer_loop    an MLflow-like writer (new traces, spans, span metrics, tags, assessments to
                 recent traces, and to old ones, in transactions) during a loop of
                 mlflow_purge_traces('30 days', max_traces => 5): no writer error but 23503 on a
                 trace that is gone; every recent trace keeps everything logged to it; the traces
                 of deleted experiments are untouched; skipped traces are reported and purged by
                 the next calls: at the end no old trace of a live experiment is left.

  concurrency_traces.py [--only NAME] [--seconds S]
"""
import argparse
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import concurrency as conc  # noqa: E402
import relcommon as rc  # noqa: E402
import psycopg2  # noqa: E402

DAY_MS = 86400 * 1000
PURGE = "SELECT table_name, rows_deleted FROM public.mlflow_purge_traces(older_than => %s::interval%s)"


def populate_traces(db, per_exp_old=30, per_exp_new=4):
    conn = rc.connect(db)
    cur = conn.cursor()
    cur.execute("""
        INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, status)
        SELECT kind || '-' || e || '-' || k, e,
               CASE kind WHEN 'old' THEN %(now)s - 40 * CAST(%(day)s AS bigint) - k * 60000 ELSE %(now)s - k * 60000 END, 'OK'
        FROM generate_series(0, 24) e, (VALUES ('old'), ('new')) v(kind), generate_series(0, 29) k
        WHERE (kind = 'old' AND k < %(old)s) OR (kind = 'new' AND k < %(new)s);
        INSERT INTO trace_tags (key, value, request_id) SELECT 'mlflow.traceName', 'n', request_id FROM trace_info
        WHERE request_id LIKE 'old-%%' OR request_id LIKE 'new-%%';
        INSERT INTO spans (trace_id, experiment_id, span_id, status, start_time_unix_nano, content)
        SELECT request_id, experiment_id, 's' || s, 'OK', 1, '{}' FROM trace_info, generate_series(1, 2) s
        WHERE request_id LIKE 'old-%%' OR request_id LIKE 'new-%%';
        INSERT INTO span_metrics (trace_id, span_id, key, value) SELECT trace_id, span_id, 'tokens', 1 FROM spans;
        INSERT INTO assessments (assessment_id, trace_id, name, assessment_type, value, created_timestamp,
                                 last_updated_timestamp, source_type, valid)
        SELECT 'as-' || request_id, request_id, 'n', 'feedback', '1', 1, 1, 'HUMAN', true FROM trace_info
        WHERE request_id LIKE 'old-%%' OR request_id LIKE 'new-%%';
    """, dict(now=int(time.time() * 1000), day=DAY_MS, old=per_exp_old, new=per_exp_new))
    conn.close()


def purge(cur, older="30 days", extra=""):
    cur.execute("SET client_min_messages = notice")
    cur.execute(PURGE % (cur.mogrify("%s", (older,)).decode(), extra))
    return {t: n for t, n in cur.fetchall()}


def old_live(cur):
    """Old traces (older than 30 days) of live experiments: what the purge must remove."""
    cur.execute("SELECT t.request_id FROM trace_info t JOIN experiments e USING (experiment_id) "
                "WHERE e.lifecycle_stage = 'active' AND t.timestamp_ms <= (extract(epoch FROM now() - interval '30 days') "
                "* 1000)::bigint ORDER BY 1")
    return [r[0] for r in cur.fetchall()]


def dead_rows(cur):
    """Everything under the traces of soft-deleted experiments: never the trace purge's."""
    cur.execute("SELECT (SELECT count(*) FROM trace_info t JOIN experiments e USING (experiment_id) "
                "WHERE e.lifecycle_stage = 'deleted'), (SELECT count(*) FROM spans s JOIN trace_info t ON "
                "t.request_id = s.trace_id JOIN experiments e ON e.experiment_id = t.experiment_id WHERE e.lifecycle_stage = 'deleted')")
    return cur.fetchone()


def trace_rows(cur, t):
    cur.execute("SELECT (SELECT count(*) FROM trace_info WHERE request_id = %s), (SELECT count(*) FROM spans WHERE "
                "trace_id = %s), (SELECT count(*) FROM span_metrics WHERE trace_id = %s), (SELECT count(*) FROM "
                "trace_tags WHERE request_id = %s), (SELECT count(*) FROM assessments WHERE trace_id = %s)", (t,) * 5)
    return cur.fetchone()


def last_audit(cur):
    cur.execute("SELECT targets_skipped, total_rows FROM mlflow_purge.audit_log WHERE function_name = "
                "'mlflow_purge_traces' ORDER BY id DESC LIMIT 1")
    return cur.fetchone()


def writer_holds(db):
    admin = rc.connect(db).cursor()
    held = "old-1-0"
    w = rc.connect(db, autocommit=False)
    w.cursor().execute("INSERT INTO spans (trace_id, experiment_id, span_id, status, start_time_unix_nano, content) "
                       "VALUES (%s, 1, 'late', 'OK', 1, '{}')", (held,))
    dead = dead_rows(admin)
    p = rc.connect(db)
    pc = p.cursor()
    pc.execute("SET statement_timeout = '20s'")  # SKIP LOCKED: it must never wait for the client
    try:
        counts = purge(pc)
    except psycopg2.Error as e:
        conc.fail("writer holds an old trace: the purge failed: %s %s" % (e.pgcode, e.pgerror))
        return
    notices = [n for n in p.notices if "skipped" in n]
    skipped, total = last_audit(admin)
    left = old_live(admin)
    if left != [held] or skipped != 1 or not any(held in n for n in notices):
        conc.fail("writer holds %s: old traces left %s, audit targets_skipped %s, notices %s" % (held, left[:5], skipped, notices))
    elif dead_rows(admin) != dead:
        conc.fail("writer holds %s: the traces of deleted experiments changed" % held)
    else:
        conc.ok("writer holds old trace %s: the purge did not wait, skipped it (NOTICE, audit targets_skipped = 1) and "
                "purged the other old traces (%d rows)" % (held, total))
    try:
        w.commit()
    except psycopg2.Error as e:
        conc.fail("writer holds %s: the client's commit failed: %s" % (held, e.pgcode))
    before = trace_rows(admin, held)
    counts = purge(pc)
    after = trace_rows(admin, held)
    if before[:2] != (1, 3) or after != (0, 0, 0, 0, 0) or counts.get("trace_info") != 1 or counts.get("spans") != 3:
        conc.fail("writer holds %s: next call returned %s; the trace before %s, after %s" % (held, counts, before, after))
    else:
        conc.ok("the next call purged the skipped trace %s with the span logged meanwhile (%s)" % (held, counts))
    w.close()
    p.close()


def purge_holds(db):
    admin = rc.connect(db).cursor()
    p = rc.connect(db, autocommit=False)
    purge(p.cursor(), "30 days", ", experiment_id => 2")
    target = "old-2-1"
    # a recent trace of the same experiment: MLflow keeps writing to it without waiting
    w1 = rc.connect(db)
    w1pid = w1.get_backend_pid()
    job1 = conc.Async(lambda: w1.cursor().execute("INSERT INTO spans (trace_id, experiment_id, span_id, status, "
                                                  "start_time_unix_nano, content) VALUES ('new-2-0', 2, 'w', 'OK', 1, '{}')"))
    if conc.wait_blocked(admin, w1pid, timeout=1.0):
        conc.fail("purge holds: a client logging to a recent trace of the experiment waits for the purge")
    _, exc1 = job1.join()
    w2 = rc.connect(db)
    w2pid = w2.get_backend_pid()
    job2 = conc.Async(lambda: w2.cursor().execute("INSERT INTO trace_tags (key, value, request_id) VALUES ('late', 'v', %s)",
                                                  (target,)))
    waited = conc.wait_blocked(admin, w2pid)
    p.commit()
    _, exc2 = job2.join()
    if exc1 is not None:
        conc.fail("purge holds: logging to a recent trace failed: %s" % exc1)
    elif not waited or getattr(exc2, "pgcode", None) != "23503":
        conc.fail("purge holds: a tag on the purged trace: waited %s, error %s (expected 23503)" % (waited, exc2))
    elif trace_rows(admin, target) != (0, 0, 0, 0, 0):
        conc.fail("purge holds: rows of %s left: %s" % (target, trace_rows(admin, target)))
    else:
        conc.ok("purge holds experiment 2's old traces: a span on its recent trace went in without waiting; a tag on "
                "%s waited, then 23503 (the trace is gone), nothing of it left" % target)
    p.close()
    w1.close()
    w2.close()


def writer_loop(db, seconds, seed=11):
    rng = random.Random(seed)
    admin = rc.connect(db).cursor()
    admin.execute("SELECT experiment_id FROM experiments WHERE lifecycle_stage = 'active'")
    live = sorted(r[0] for r in admin.fetchall())
    admin.execute("SELECT request_id, experiment_id FROM trace_info WHERE request_id LIKE 'new-%%' AND experiment_id = ANY(%s)",
                  (live,))
    recent = {t: dict(exp=e, spans=2, tags=1) for t, e in admin.fetchall()}
    admin.execute("SELECT request_id, experiment_id FROM trace_info WHERE request_id = ANY(%s) "
                  "ORDER BY timestamp_ms, request_id", (old_live(admin),))
    old = dict(admin.fetchall())
    next_old = list(old)  # oldest first, as the purge takes them: the writer races it for the next ones
    dead = dead_rows(admin)
    stop = threading.Event()
    errors, stats = [], dict(ops=0, on_purged=0, calls=0, rows=0, skipped=0)
    w = rc.connect(db, autocommit=False)
    wc = w.cursor()
    chk = rc.connect(db).cursor()

    def log_to(t, e, n):
        """MLflow's span export: spans with a metric, a tag upsert, an assessment, one transaction."""
        for k in range(rng.randint(1, 3)):
            wc.execute("INSERT INTO spans (trace_id, experiment_id, span_id, status, start_time_unix_nano, content) "
                       "VALUES (%s, %s, %s, 'OK', 1, '{}')", (t, e, "w%d-%d" % (n, k)))
            wc.execute("INSERT INTO span_metrics (trace_id, span_id, key, value) VALUES (%s, %s, 'tokens', 1)",
                       (t, "w%d-%d" % (n, k)))
        wc.execute("INSERT INTO trace_tags (key, value, request_id) VALUES ('mlflow.traceName', %s, %s) "
                   "ON CONFLICT (key, request_id) DO UPDATE SET value = EXCLUDED.value", ("n%d" % n, t))
        if rng.random() < 0.3:
            wc.execute("INSERT INTO assessments (assessment_id, trace_id, name, assessment_type, value, created_timestamp, "
                       "last_updated_timestamp, source_type, valid) VALUES (%s, %s, 'n', 'feedback', '1', 1, 1, 'HUMAN', "
                       "true)", ("as-w%d" % n, t))
        time.sleep(rng.random() * (0.03 if t in old else 0.01))  # a client between statements holds the trace row
        return k + 1

    def writer():
        n = 0
        while not stop.is_set():
            n += 1
            r = rng.random() if next_old else rng.random() * 0.75
            t = None
            try:
                if r < 0.25:
                    e = rng.choice(live)
                    t = "w-%d" % n
                    wc.execute("INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, status) VALUES "
                               "(%s, %s, %s, 'IN_PROGRESS')", (t, e, int(time.time() * 1000)))
                    recent[t] = dict(exp=e, spans=log_to(t, e, n), tags=1)
                    w.commit()
                elif r < 0.75:
                    t = rng.choice(sorted(recent))
                    k = log_to(t, recent[t]["exp"], n)
                    w.commit()
                    recent[t]["spans"] += k
                else:
                    # the oldest traces still there: the ones the purge takes next
                    chk.execute("SELECT request_id FROM trace_info WHERE request_id = ANY(%s) "
                                "ORDER BY timestamp_ms, request_id LIMIT 8", (next_old,))
                    t = rng.choice([r[0] for r in chk.fetchall()] or next_old)
                    log_to(t, old[t], n)
                    w.commit()
                stats["ops"] += 1
            except psycopg2.Error as e:
                w.rollback()
                chk.execute("SELECT 1 FROM trace_info WHERE request_id = %s", (t,))
                if e.pgcode != "23503" or chk.fetchone() is not None:
                    errors.append("writer error on %s: %s %s" % (t, e.pgcode, (e.pgerror or "").strip()))
                    return
                stats["on_purged"] += 1
                if t in next_old:
                    next_old.remove(t)

    def purger():
        c = rc.connect(db).cursor()
        while not stop.is_set():
            try:
                stats["rows"] += sum(purge(c, "30 days", ", max_traces => 5").values())
                stats["calls"] += 1
                stats["skipped"] += last_audit(c)[0]
            except psycopg2.Error as e:
                errors.append("purge error: %s %s" % (e.pgcode, e.pgerror))
                return
            time.sleep(0.02)

    jobs = [conc.Async(writer), conc.Async(purger)]
    time.sleep(seconds)
    stop.set()
    for j in jobs:
        _, exc = j.join(60)
        if exc:
            errors.append(repr(exc))
    final = rc.connect(db).cursor()
    for _ in range(50):  # the next calls purge whatever was skipped
        if not purge(final, "30 days").get("trace_info"):
            break
    lost = []
    for t, x in recent.items():
        admin.execute("SELECT (SELECT count(*) FROM trace_info WHERE request_id = %s), (SELECT count(*) FROM spans WHERE "
                      "trace_id = %s)", (t, t))
        got = admin.fetchone()
        if got != (1, x["spans"]):
            lost.append((t, x, got))
    left = old_live(admin)
    if errors:
        conc.fail("writer during trace purges: %s" % errors[:3])
    if lost:
        conc.fail("writer during trace purges: recent traces lost rows: %s" % lost[:3])
    if left:
        conc.fail("writer during trace purges: old traces of live experiments left after the last calls: %s" % left[:5])
    if dead_rows(admin) != dead:
        conc.fail("writer during trace purges: the traces of deleted experiments changed")
    if not (errors or lost or left):
        conc.ok("writer during a loop of mlflow_purge_traces(max_traces => 5): %d writer transactions, %d purge calls "
                "(%d rows), %d traces skipped and purged by a later call, %d writer errors (23503, all on purged "
                "traces); %d recent traces whole, %d old ones gone" % (
                    stats["ops"], stats["calls"], stats["rows"], stats["skipped"], stats["on_purged"], len(recent), len(old)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only")
    ap.add_argument("--seconds", type=float, default=6.0)
    args = ap.parse_args()
    rc.require_server()
    t0 = time.time()
    base = "rel_conc_tr_base_%d" % os.getpid()
    rc.create_db(base, conc.VERSION)
    conc.populate(base)
    populate_traces(base)
    admin = rc.connect().cursor()
    made = []
    try:
        for name, fn in (("writer_holds", writer_holds), ("purge_holds", purge_holds),
                         ("writer_loop", lambda db: writer_loop(db, args.seconds))):
            if args.only not in (None, name):
                continue
            db = "rel_conc_tr_%s_%d" % (name, os.getpid())
            admin.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % db)
            admin.execute('CREATE DATABASE "%s" TEMPLATE "%s"' % (db, base))
            made.append(db)
            fn(db)
    finally:
        for d in made + [base]:
            rc.drop_db(d)
    print("concurrency_traces: %s in %.1fs" % ("FAILED (%d)" % len(conc.FAILURES) if conc.FAILURES else "passed",
                                              time.time() - t0))
    sys.exit(1 if conc.FAILURES else 0)


if __name__ == "__main__":
    main()
