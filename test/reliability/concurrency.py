#!/usr/bin/python3
"""Concurrency with real connections (issue 5, part 2). Several backends at once, over libpq
(psycopg2), on the MLflow 3.11 fixture schema:

  restore_race   a restore racing a purge, in both orders (the restore holds the row first /
                 the purge holds it first), for a run and for an experiment, and against
                 mlflow_purge_deleted: a restore that committed is never lost; a purge that
                 won leaves nothing behind.
  purge_race     two and three concurrent purges (mlflow_purge_deleted from a schedule with
                 max_runs, and mlflow_purge_experiment by hand): no deadlock, no double count,
                 and together exactly what one mlflow_purge_deleted() purges on an identical copy
                 (same checksum over every MLflow table, same summed counts per table). One race
                 adds CALL mlflow_purge_deleted_in_batches (issue 16), whose counts are its
                 summary audit row's.
  writer         an MLflow-like writer (creating runs, logging metrics/params/tags to active
                 runs, soft-deleting and restoring) running during a loop of purges: no error
                 except on entities that were really purged, nothing of a live entity lost; once
                 with mlflow_purge_deleted(max_runs => 3), once with the batched procedure.
  isolation      a purge under REPEATABLE READ and SERIALIZABLE: fine on an unchanged target;
                 40001 when the target changed after the snapshot; nothing changed.

  concurrency.py [--rounds N] [--only NAME]
"""
import argparse
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import relcommon as rc  # noqa: E402
import psycopg2  # noqa: E402

VERSION = "3.11.2.dev0"
FAILURES = []
FIGURES = {}


def fail(msg):
    FAILURES.append(msg)
    print("FAIL: " + msg, flush=True)


def ok(msg):
    print("ok: " + msg, flush=True)


def populate(db, nexp=24, runs_per_exp=5, seed=1):
    """Experiments 1..nexp; every third deleted with its runs; of live experiments every fourth
    run deleted; each run with metrics, params, tags; traces on some experiments."""
    conn = rc.connect(db)
    cur = conn.cursor()
    now = int(time.time() * 1000)
    cur.execute("""
        INSERT INTO experiments (experiment_id, name, lifecycle_stage, artifact_location, creation_time, last_update_time)
        SELECT g, 'exp-' || g, CASE WHEN g %% 3 = 0 THEN 'deleted' ELSE 'active' END, 's3://b/' || g, %(now)s,
               %(now)s - g * 3600000 FROM generate_series(1, %(nexp)s) g;
        SELECT setval('experiments_experiment_id_seq', 10000);
        INSERT INTO experiment_tags (key, value, experiment_id) SELECT 'k', 'v', g FROM generate_series(1, %(nexp)s) g;
        INSERT INTO runs (run_uuid, name, experiment_id, lifecycle_stage, status, source_type, artifact_uri, start_time, deleted_time)
        SELECT md5('run' || e || '/' || r), 'r', e,
               CASE WHEN e %% 3 = 0 OR r %% 4 = 0 THEN 'deleted' ELSE 'active' END, 'FINISHED', 'LOCAL', 's3://b/r', 1,
               CASE WHEN e %% 3 = 0 OR r %% 4 = 0 THEN %(now)s - (e * 10 + r) * 60000 END
        FROM generate_series(1, %(nexp)s) e, generate_series(1, %(rpe)s) r;
        INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)
        SELECT 'm' || k, s, 1000 + s, run_uuid, s, false FROM runs, generate_series(1, 3) k, generate_series(0, 4) s;
        INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid)
        SELECT 'm' || k, 4, 1004, 4, false, run_uuid FROM runs, generate_series(1, 3) k;
        INSERT INTO params (key, value, run_uuid) SELECT 'p' || k, 'v', run_uuid FROM runs, generate_series(1, 3) k;
        INSERT INTO tags (key, value, run_uuid) SELECT 't' || k, 'v', run_uuid FROM runs, generate_series(1, 2) k;
        INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, status)
        SELECT 'tr-' || g, g, 1, 'OK' FROM generate_series(1, %(nexp)s, 2) g;
        INSERT INTO trace_tags (key, value, request_id) SELECT 'k', 'v', request_id FROM trace_info;
    """, dict(now=now, nexp=nexp, rpe=runs_per_exp))
    conn.close()


def purge(cur, sql, params=()):
    cur.execute("SET client_min_messages = warning")
    cur.execute(sql, params)
    return {t: n for t, n in cur.fetchall()}


def run_rows(cur, run):
    cur.execute("SELECT (SELECT count(*) FROM runs WHERE run_uuid = %s), (SELECT count(*) FROM metrics WHERE run_uuid = %s), "
                "(SELECT count(*) FROM params WHERE run_uuid = %s), (SELECT count(*) FROM tags WHERE run_uuid = %s), "
                "(SELECT lifecycle_stage FROM runs WHERE run_uuid = %s)", (run,) * 5)
    return cur.fetchone()


def wait_blocked(admin, pid, timeout=10):
    """Until backend `pid` waits on a lock."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        admin.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", (pid,))
        r = admin.fetchone()
        if r and r[0] == "Lock":
            return True
        time.sleep(0.01)
    return False


class Async:
    """Runs fn in a thread; join() returns (result, exception)."""

    def __init__(self, fn):
        self.res, self.exc = None, None
        self.t = threading.Thread(target=self._run, args=(fn,))
        self.t.start()

    def _run(self, fn):
        try:
            self.res = fn()
        except Exception as e:  # noqa: BLE001
            self.exc = e

    def join(self, timeout=30):
        self.t.join(timeout)
        if self.t.is_alive():
            raise RuntimeError("thread still running after %ss" % timeout)
        return self.res, self.exc


# ---- restore racing a purge --------------------------------------------------------------------
def restore_race(db):
    scenarios = 0
    admin = rc.connect(db).cursor()
    def deleted_runs():
        """A freshly soft-deleted run of a live experiment (and any older ones)."""
        admin.execute("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = 1 WHERE run_uuid = (SELECT min(r.run_uuid) "
                      "FROM runs r JOIN experiments e USING (experiment_id) WHERE r.lifecycle_stage = 'active' "
                      "AND e.lifecycle_stage = 'active' AND e.experiment_id <> 0)")
        admin.execute("SELECT r.run_uuid FROM runs r JOIN experiments e USING (experiment_id) "
                      "WHERE r.lifecycle_stage = 'deleted' AND e.lifecycle_stage = 'active' ORDER BY 1")
        return [r[0] for r in admin.fetchall()]

    def deleted_exps():
        admin.execute("WITH e AS (UPDATE experiments SET lifecycle_stage = 'deleted' WHERE experiment_id = (SELECT "
                      "min(experiment_id) FROM experiments WHERE lifecycle_stage = 'active' AND experiment_id <> 0) "
                      "RETURNING experiment_id) UPDATE runs SET lifecycle_stage = 'deleted' WHERE experiment_id IN "
                      "(SELECT experiment_id FROM e)")
        admin.execute("SELECT experiment_id FROM experiments WHERE lifecycle_stage = 'deleted' ORDER BY 1")
        return [r[0] for r in admin.fetchall()]

    purges = {
        "mlflow_purge_run": lambda r, e: ("SELECT * FROM mlflow_purge_run(%s)", (r,)),
        "mlflow_purge_deleted": lambda r, e: ("SELECT * FROM mlflow_purge_deleted()", ()),
    }
    for fn, make in purges.items():
        # order 1: the restore holds the run row first, commits while the purge waits (or skips)
        run = deleted_runs()[0]
        before = run_rows(admin, run)
        w = rc.connect(db, autocommit=False)
        wc = w.cursor()
        wc.execute("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_uuid = %s", (run,))
        p = rc.connect(db)
        pid = p.get_backend_pid()
        sql, params = make(run, None)
        job = Async(lambda: purge(p.cursor(), sql, params))
        if fn == "mlflow_purge_run" and not wait_blocked(admin, pid):
            fail("restore first, %s: the purge did not wait for the restoring transaction" % fn)
        w.commit()
        res, exc = job.join()
        after = run_rows(admin, run)
        if after[:4] != before[:4] or after[4] != "active":
            fail("restore first, %s: restored run %s lost rows: before %s after %s" % (fn, run, before, after))
        elif exc is not None and getattr(exc, "pgcode", None) != "55000":
            fail("restore first, %s: unexpected error %s" % (fn, exc))
        else:
            ok("restore first, then %s: restored run kept whole (%s)" % (
                fn, "55000 not deleted" if exc else "purge returned %d rows" % sum(res.values())))
        scenarios += 1
        w.close()
        p.close()
        # order 2: the purge holds the run first; the restore waits, then finds nothing to restore
        run = deleted_runs()[0]
        p = rc.connect(db, autocommit=False)
        pc = p.cursor()
        sql, params = make(run, None)
        purge(pc, sql, params)
        w = rc.connect(db)
        wpid = w.get_backend_pid()
        job = Async(lambda: (w.cursor().execute("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL "
                                                "WHERE run_uuid = %s RETURNING 1", (run,)), )[0])
        if not wait_blocked(admin, wpid):
            fail("purge first, %s: the restore did not wait for the purge" % fn)
        p.commit()
        job.join()
        restored = w.cursor()
        after = run_rows(admin, run)
        if after[0] != 0:
            fail("purge first, %s: run %s still there after the purge committed: %s" % (fn, run, after))
        elif any(after[1:4]):
            fail("purge first, %s: rows of purged run %s left: %s" % (fn, run, after))
        else:
            ok("purge first, then restore (%s): the restore updated 0 rows, the run is gone whole" % fn)
        scenarios += 1
        w.close()
        p.close()
        del restored
    # experiments: MLflow restores the experiment and its runs in one transaction
    for order in ("restore first", "purge first"):
        exp = deleted_exps()[0]
        admin.execute("SELECT count(*) FROM runs WHERE experiment_id = %s", (exp,))
        nruns = admin.fetchone()[0]
        admin.execute("SELECT count(*) FROM metrics m JOIN runs r USING (run_uuid) WHERE r.experiment_id = %s", (exp,))
        nmetrics = admin.fetchone()[0]
        w = rc.connect(db, autocommit=False)
        p = rc.connect(db, autocommit=False)
        restore_sql = ("UPDATE experiments SET lifecycle_stage = 'active' WHERE experiment_id = %s; "
                       "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE experiment_id = %s")
        if order == "restore first":
            w.cursor().execute(restore_sql, (exp, exp))
            pid = p.get_backend_pid()
            job = Async(lambda: purge(p.cursor(), "SELECT * FROM mlflow_purge_experiment(%s)", (exp,)))
            if not wait_blocked(admin, pid):
                fail("restore first, experiment: the purge did not wait")
            w.commit()
            res, exc = job.join()
            p.rollback() if exc else p.commit()
            admin.execute("SELECT lifecycle_stage, (SELECT count(*) FROM runs WHERE experiment_id = %s), "
                          "(SELECT count(*) FROM metrics m JOIN runs r USING (run_uuid) WHERE r.experiment_id = %s) "
                          "FROM experiments WHERE experiment_id = %s", (exp, exp, exp))
            got = admin.fetchone()
            if got != ("active", nruns, nmetrics) or getattr(exc, "pgcode", None) not in ("55000", None):
                fail("restore first, experiment %s: %s (error %s), expected active with %d runs, %d metrics"
                     % (exp, got, exc, nruns, nmetrics))
            else:
                ok("restore first, then mlflow_purge_experiment: experiment %s kept with its %d runs (%s)"
                   % (exp, nruns, "55000" if exc else "no error"))
        else:
            purge(p.cursor(), "SELECT * FROM mlflow_purge_experiment(%s)", (exp,))
            wpid = w.get_backend_pid()
            job = Async(lambda: w.cursor().execute(restore_sql, (exp, exp)))
            if not wait_blocked(admin, wpid):
                fail("purge first, experiment: the restore did not wait")
            p.commit()
            job.join()
            w.commit()
            admin.execute("SELECT (SELECT count(*) FROM experiments WHERE experiment_id = %s), "
                          "(SELECT count(*) FROM runs WHERE experiment_id = %s)", (exp, exp))
            got = admin.fetchone()
            if got != (0, 0):
                fail("purge first, experiment %s: left %s" % (exp, got))
            else:
                ok("purge first, then restore: experiment %s gone whole, the restore updated nothing" % exp)
        scenarios += 1
        w.close()
        p.close()
    # randomized timing: restore and purge started together, 20 times
    rng = random.Random(7)
    bad = 0
    for i in range(20):
        runs = deleted_runs()
        if not runs:
            break
        run = rng.choice(runs)
        before = run_rows(admin, run)
        w, p = rc.connect(db), rc.connect(db)
        start = threading.Barrier(2)
        out = {}

        def restorer():
            start.wait()
            time.sleep(rng.random() * 0.004)
            c = w.cursor()
            c.execute("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_uuid = %s", (run,))
            out["restored"] = c.rowcount

        def purger():
            start.wait()
            try:
                out["purged"] = purge(p.cursor(), "SELECT * FROM mlflow_purge_run(%s)", (run,))
            except psycopg2.Error as e:
                out["error"] = e.pgcode
        a, b = Async(restorer), Async(purger)
        a.join()
        b.join()
        after = run_rows(admin, run)
        if out.get("restored") == 1 and (after[:4] != before[:4]):
            bad += 1
            fail("random race %d: run %s restored (1 row) but now %s (before %s)" % (i, run, after, before))
        if out.get("restored") == 0 and after[0] != 0:
            bad += 1
            fail("random race %d: restore found nothing yet run %s exists" % (i, run))
        if out.get("error") not in (None, "55000"):
            bad += 1
            fail("random race %d: purge error %s" % (i, out.get("error")))
        w.close()
        p.close()
        scenarios += 1
    if not bad:
        ok("20 restore/purge races started together: every committed restore kept its run whole")
    FIGURES["restore races"] = scenarios


# ---- concurrent purges -------------------------------------------------------------------------
def purge_race(db_conc, db_single, workers, rounds_seed):
    """workers: list of ('deleted', max_runs) or ('by_hand', None). Returns nothing; records failures."""
    single = rc.connect(db_single).cursor()
    expected = purge(single, "SELECT * FROM mlflow_purge_deleted()")
    admin = rc.connect(db_conc).cursor()
    admin.execute("SELECT experiment_id FROM experiments WHERE lifecycle_stage = 'deleted' AND experiment_id <> 0")
    by_hand = [r[0] for r in admin.fetchall()]
    random.Random(rounds_seed).shuffle(by_hand)
    totals, errors, calls = {}, [], [0]
    lock = threading.Lock()
    barrier = threading.Barrier(len(workers))

    def add(counts):
        with lock:
            calls[0] += 1
            for t, n in counts.items():
                totals[t] = totals.get(t, 0) + n

    def scheduled(max_runs):
        c = rc.connect(db_conc).cursor()
        barrier.wait()
        for _ in range(200):
            try:
                counts = purge(c, "SELECT * FROM mlflow_purge_deleted(max_runs => %s)", (max_runs,))
            except psycopg2.Error as e:
                errors.append("mlflow_purge_deleted: %s %s" % (e.pgcode, e.pgerror))
                return
            add(counts)
            if not sum(counts.values()):
                return

    def batched(batch_runs):
        c = rc.connect(db_conc).cursor()
        barrier.wait()
        try:
            c.execute("SET client_min_messages = warning")
            c.execute("CALL public.mlflow_purge_deleted_in_batches(batch_runs => %s)", (batch_runs,))
            # the summary row: the sums of its batches (only one batched worker per race)
            c.execute("SELECT table_counts FROM mlflow_purge.audit_log "
                      "WHERE function_name = 'mlflow_purge_deleted_in_batches' ORDER BY id DESC LIMIT 1")
            add({t: int(n) for t, n in c.fetchone()[0].items()})
        except psycopg2.Error as e:
            errors.append("mlflow_purge_deleted_in_batches: %s %s" % (e.pgcode, e.pgerror))

    def manual():
        c = rc.connect(db_conc).cursor()
        barrier.wait()
        for e in by_hand:
            try:
                add(purge(c, "SELECT * FROM mlflow_purge_experiment(%s)", (e,)))
            except psycopg2.Error as ex:
                if ex.pgcode != "P0002":  # purged by the schedule before this call resolved it
                    errors.append("mlflow_purge_experiment(%s): %s %s" % (e, ex.pgcode, ex.pgerror))

    jobs = [Async(lambda m=m: scheduled(m)) if k == "deleted" else Async(lambda m=m: batched(m)) if k == "batches"
            else Async(manual) for k, m in workers]
    for j in jobs:
        _, exc = j.join(120)
        if exc:
            errors.append(repr(exc))
    # whatever SKIP LOCKED left to a later call: one more scheduled call, counted too
    add(purge(admin, "SELECT * FROM mlflow_purge_deleted()"))
    name = " + ".join("%s(max_runs=%s)" % ("mlflow_purge_deleted", m) if k == "deleted" else
                      "mlflow_purge_deleted_in_batches(batch_runs=%s)" % m if k == "batches" else
                      "mlflow_purge_experiment by hand" for k, m in workers)
    if errors:
        fail("%s: errors: %s" % (name, errors[:3]))
    diff = {t: (totals.get(t, 0), expected.get(t, 0)) for t in set(totals) | set(expected)
            if totals.get(t, 0) != expected.get(t, 0)}
    if diff:
        fail("%s: summed counts differ from one call's (together, alone): %s" % (name, diff))
    tables = rc.mlflow_tables(admin)
    if rc.checksum(admin, tables)[0] != rc.checksum(single, tables)[0]:
        fail("%s: final database differs from one mlflow_purge_deleted() on an identical copy" % name)
    if not errors and not diff:
        ok("%s: %d calls, no deadlock, %d rows in total = one call's, same checksum" % (
            name, calls[0], sum(totals.values())))


# ---- an MLflow-like writer during a loop of purges ---------------------------------------------
def writer_scenario(db, seconds=6.0, seed=3, batched=False):
    rng = random.Random(seed)
    admin = rc.connect(db).cursor()
    admin.execute("SELECT experiment_id FROM experiments WHERE lifecycle_stage = 'active' AND experiment_id <> 0")
    live_exps = {r[0] for r in admin.fetchall()}
    admin.execute("SELECT run_uuid, experiment_id FROM runs r WHERE lifecycle_stage = 'active' AND "
                  "experiment_id IN (SELECT experiment_id FROM experiments WHERE lifecycle_stage = 'active')")
    runs = {r: dict(exp=e, state="active", metrics=None) for r, e in admin.fetchall()}
    dead_exps = set()
    stop = threading.Event()
    stats = dict(ops=0, purge_calls=0, purged_rows=0, writer_errors_on_purged=0)
    errors = []
    w = rc.connect(db)
    wc = w.cursor()

    def exists(run):
        admin2 = rc.connect(db).cursor()
        admin2.execute("SELECT 1 FROM runs WHERE run_uuid = %s", (run,))
        return admin2.fetchone() is not None

    def writer():
        n = 0
        while not stop.is_set():
            n += 1
            op = rng.random()
            active = [r for r, x in runs.items() if x["state"] == "active"]
            deleted = [r for r, x in runs.items() if x["state"] == "deleted"]
            try:
                if op < 0.2 or not active:
                    e = rng.choice(sorted(live_exps))
                    run = "%032x" % rng.getrandbits(128)
                    wc.execute("INSERT INTO runs (run_uuid, name, experiment_id, lifecycle_stage, status, source_type, "
                               "artifact_uri, start_time) VALUES (%s, 'w', %s, 'active', 'RUNNING', 'LOCAL', 's3://w', 1)",
                               (run, e))
                    runs[run] = dict(exp=e, state="active")
                elif op < 0.75:
                    run = rng.choice(active)
                    # log_batch: metrics, params, tags and latest_metrics in one transaction
                    wc.execute("BEGIN; INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) "
                               "VALUES ('w', 1, %s, %s, 0, false); "
                               "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) "
                               "VALUES ('w', 1, %s, 0, false, %s) ON CONFLICT (key, run_uuid) DO UPDATE SET "
                               "timestamp = EXCLUDED.timestamp; "
                               "INSERT INTO params (key, value, run_uuid) VALUES ('w%s', 'v', %s); "
                               "INSERT INTO tags (key, value, run_uuid) VALUES ('w', 'v', %s) ON CONFLICT DO NOTHING; COMMIT",
                               (n, run, n, run, n, run, run))
                    runs[run]["logged"] = runs[run].get("logged", 0) + 1
                elif op < 0.9:
                    run = rng.choice(active)
                    wc.execute("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = %s WHERE run_uuid = %s",
                               (int(time.time() * 1000), run))
                    runs[run]["state"] = "deleted"
                elif op < 0.95 and deleted:
                    run = rng.choice(deleted)
                    if runs[run]["exp"] not in live_exps:
                        continue
                    if rng.random() < 0.5:  # a stale client logging to a deleted run: fails only once it is purged
                        wc.execute("INSERT INTO tags (key, value, run_uuid) VALUES ('late', 'v', %s) ON CONFLICT DO NOTHING",
                                   (run,))
                    else:
                        wc.execute("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_uuid = %s",
                                   (run,))
                        runs[run]["state"] = "active" if wc.rowcount == 1 else "purged"
                elif op < 0.975 and len(live_exps) > 3:
                    # delete_experiment: the experiment and its active runs, as MLflow >= 1.27 does
                    e = rng.choice(sorted(live_exps))
                    run = None
                    wc.execute("BEGIN; UPDATE experiments SET lifecycle_stage = 'deleted', last_update_time = 1 "
                               "WHERE experiment_id = %s; UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = 1 "
                               "WHERE experiment_id = %s AND lifecycle_stage = 'active'; COMMIT", (e, e))
                    live_exps.discard(e)
                    dead_exps.add(e)
                    for x in runs.values():
                        if x["exp"] == e and x["state"] == "active":
                            x["state"] = "deleted"
                elif dead_exps:
                    # restore_experiment: nothing to restore once it is purged
                    e = rng.choice(sorted(dead_exps))
                    run = None
                    wc.execute("BEGIN; UPDATE experiments SET lifecycle_stage = 'active' WHERE experiment_id = %s", (e,))
                    restored = wc.rowcount == 1
                    wc.execute("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE experiment_id = %s "
                               "AND lifecycle_stage = 'deleted'; COMMIT", (e,))
                    dead_exps.discard(e)
                    if restored:
                        live_exps.add(e)
                    for x in runs.values():
                        if x["exp"] == e and x["state"] != "purged":
                            x["state"] = "active" if restored else "purged"
                stats["ops"] += 1
            except psycopg2.Error as e:
                if not w.autocommit:
                    w.rollback()
                wc.execute("ROLLBACK") if w.get_transaction_status() else None
                if run is None or exists(run):
                    errors.append("writer error on a live run %s: %s %s" % (run, e.pgcode, (e.pgerror or "").strip()))
                    return
                stats["writer_errors_on_purged"] += 1
                runs[run]["state"] = "purged"

    def purger():
        c = rc.connect(db).cursor()
        while not stop.is_set():
            try:
                if batched:
                    c.execute("SET client_min_messages = warning")
                    c.execute("CALL public.mlflow_purge_deleted_in_batches(batch_runs => 3)")
                    c.execute("SELECT total_rows FROM mlflow_purge.audit_log "
                              "WHERE function_name = 'mlflow_purge_deleted_in_batches' ORDER BY id DESC LIMIT 1")
                    rows = c.fetchone()[0]
                else:
                    rows = sum(purge(c, "SELECT * FROM mlflow_purge_deleted(max_runs => 3)").values())
                stats["purge_calls"] += 1
                stats["purged_rows"] += rows
            except psycopg2.Error as e:
                errors.append("purge error: %s %s" % (e.pgcode, e.pgerror))
                return
            time.sleep(0.01)

    jobs = [Async(writer), Async(purger)]
    time.sleep(seconds)
    stop.set()
    for j in jobs:
        _, exc = j.join(60)
        if exc:
            errors.append(repr(exc))
    # nothing of a live run lost: every run the writer believes alive exists with all it logged
    lost = []
    for run, x in runs.items():
        if x["state"] == "purged":
            continue
        admin.execute("SELECT lifecycle_stage, (SELECT count(*) FROM params WHERE run_uuid = %s AND key LIKE 'w%%') "
                      "FROM runs WHERE run_uuid = %s", (run, run))
        got = admin.fetchone()
        if x["state"] == "active" and (got is None or got[1] != x.get("logged", 0)):
            lost.append((run, x, got))
        if x["state"] == "deleted" and got is not None and got[1] != x.get("logged", 0):
            lost.append((run, x, got))
    if errors:
        fail("writer during purges: %s" % errors[:3])
    if lost:
        fail("writer during purges: live runs lost rows: %s" % lost[:3])
    if not errors and not lost:
        ok("writer during a loop of %s: %d writer operations, %d purge calls (%d rows), %d writer errors, all on "
           "really purged runs; every live run has every row it logged" % (
               "batched procedures" if batched else "purges", stats["ops"], stats["purge_calls"], stats["purged_rows"], stats["writer_errors_on_purged"]))


# ---- isolation levels --------------------------------------------------------------------------
def isolation(db):
    admin = rc.connect(db).cursor()
    tables = rc.mlflow_tables(admin)
    for level in ("REPEATABLE READ", "SERIALIZABLE"):
        admin.execute("SELECT r.run_uuid FROM runs r JOIN experiments e USING (experiment_id) "
                      "WHERE r.lifecycle_stage = 'deleted' AND e.lifecycle_stage = 'active' ORDER BY 1 LIMIT 2")
        r1, r2 = [r[0] for r in admin.fetchall()]
        # unchanged target: works
        p = rc.connect(db, autocommit=False)
        pc = p.cursor()
        pc.execute("SET TRANSACTION ISOLATION LEVEL " + level)
        pc.execute("SELECT 1")
        try:
            counts = purge(pc, "SELECT * FROM mlflow_purge_run(%s)", (r1,))
            p.commit()
            ok("%s: purge of an unchanged run works (%d rows)" % (level, sum(counts.values())))
        except psycopg2.Error as e:
            fail("%s: purge of an unchanged run failed: %s %s" % (level, e.pgcode, e.pgerror))
            p.rollback()
        # target changed by a concurrent transaction after the snapshot: 40001, nothing changed
        pc.execute("SET TRANSACTION ISOLATION LEVEL " + level)
        pc.execute("SELECT count(*) FROM runs")  # the snapshot
        admin.execute("UPDATE runs SET deleted_time = deleted_time + 1 WHERE run_uuid = %s", (r2,))
        before = rc.checksum(admin, tables)[0]
        try:
            purge(pc, "SELECT * FROM mlflow_purge_run(%s)", (r2,))
            p.commit()
            fail("%s: purge of a run changed after the snapshot succeeded" % level)
        except psycopg2.Error as e:
            p.rollback()
            if e.pgcode == "40001" and rc.checksum(admin, tables)[0] == before:
                ok("%s: target changed after the snapshot: 40001 (%s), nothing changed" % (
                    level, e.pgerror.strip().splitlines()[0]))
            else:
                fail("%s: expected 40001, got %s %s" % (level, e.pgcode, e.pgerror))
        p.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=int(os.environ.get("RELIABILITY_ROUNDS", "3")))
    ap.add_argument("--only")
    args = ap.parse_args()
    rc.require_server()
    t0 = time.time()
    base = "rel_conc_base_%d" % os.getpid()
    rc.create_db(base, VERSION)
    populate(base)
    admin = rc.connect().cursor()

    def clone(name):
        admin.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
        admin.execute('CREATE DATABASE "%s" TEMPLATE "%s"' % (name, base))
        return name

    made = []
    try:
        if args.only in (None, "restore_race"):
            made.append(clone("rel_conc_restore_%d" % os.getpid()))
            restore_race(made[-1])
        if args.only in (None, "purge_race"):
            n = 0
            for rnd in range(args.rounds):
                for workers in ([("deleted", 4), ("by_hand", None)],
                                [("deleted", 3), ("deleted", 5), ("by_hand", None)],
                                [("deleted", 2), ("deleted", 7)],
                                [("batches", 2), ("deleted", 3), ("by_hand", None)]):
                    made.append(clone("rel_conc_a_%d" % os.getpid()))
                    made.append(clone("rel_conc_b_%d" % os.getpid()))
                    purge_race(made[-2], made[-1], workers, rnd)
                    n += 1
            FIGURES["purge races"] = n
        if args.only in (None, "writer"):
            made.append(clone("rel_conc_writer_%d" % os.getpid()))
            writer_scenario(made[-1])
            made.append(clone("rel_conc_writer_b_%d" % os.getpid()))
            writer_scenario(made[-1], batched=True)
        if args.only in (None, "isolation"):
            made.append(clone("rel_conc_iso_%d" % os.getpid()))
            isolation(made[-1])
    finally:
        for d in set(made) | {base}:
            rc.drop_db(d)
    print("concurrency: %s in %.1fs; figures: %s" % ("FAILED (%d)" % len(FAILURES) if FAILURES else "passed",
                                                     time.time() - t0, FIGURES))
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
