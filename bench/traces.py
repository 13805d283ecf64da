#!/usr/bin/python3
"""Trace retention: its cost per million traces (issue 18, docs/traces.md "Cost"). One command,
prints figures; never a timed test.

  python3 bench/traces.py [--traces 1000000] [--spans 10] [--batch-traces 1000] [--rebuild]
                          [--strategies single,batches-1000,floor] [--time-index]

It starts its own throwaway cluster (bench/cluster.sh, $BENCH_DIR, port $BENCH_PORT, default
55622), builds an MLflow 3.11 database with --traces traces of --spans spans each
(bench/gen-traces.sql: tags, request metadata and assessments as MLflow writes them; timestamps
spread over 60 days; a twenty-first experiment, soft-deleted, whose traces no strategy may touch),
and then, each on a fresh copy of it, deletes the traces older than one fixed instant (30 days
before the build: about half of them):

  single       SELECT count(*) FROM public.mlflow_purge_traces(older_than => ...)
  batches-N    CALL public.mlflow_purge_traces_in_batches(older_than => ..., batch_traces => N), each N
  floor        bench/sql/traces-floor-3.11.sql: the DBA's hand-written cascade in one transaction
               (DELETE every child, then trace_info; the planner's own choices, no enable_* settings)

--time-index adds an index on trace_info (timestamp_ms, request_id) to each copy before it is
measured (MLflow ships only (experiment_id, timestamp_ms), so finding the oldest traces of all
experiments reads the whole table once per call). older_than is passed as now() minus that instant, so every strategy cuts at the same one. Per
strategy: total time and its ratio to the floor, transactions, the longest one (sampled every
50 ms; for batches also each batch's own duration_ms from its audit row), WAL bytes in all and per
transaction, and the cost per million traces purged: seconds and WAL MB. Every strategy must leave
the same rows: the count of traces, spans and child rows left is printed and compared.
"""
import argparse
import os
import subprocess
import sys
import threading
import time

import psycopg2

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PG_CONFIG = os.environ.get("PG_CONFIG", "/usr/lib/postgresql/15/bin/pg_config")
BINDIR = subprocess.run([PG_CONFIG, "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
DIR = os.environ.get("BENCH_DIR", "/tmp/mlflow-purge-bench-traces")
PORT = int(os.environ.get("BENCH_PORT", "55622"))
TEMPLATE = "bench_traces_tpl"
COPY = "bench_traces_copy"
SAMPLE_S = 0.05
EXPERIMENTS = 20
DAYS = 60
KEEP_DAYS = 30
LEFT_SQL = ("SELECT (SELECT count(*) FROM trace_info) || ' traces, ' || (SELECT count(*) FROM spans) || ' spans, ' "
            "|| (SELECT count(*) FROM trace_tags) || ' tags, ' || (SELECT count(*) FROM trace_request_metadata) "
            "|| ' metadata, ' || (SELECT count(*) FROM assessments) || ' assessments'")


def connect(db="postgres", app="bench-traces"):
    conn = psycopg2.connect(host=DIR, port=PORT, user="postgres", dbname=db, application_name=app)
    conn.autocommit = True
    return conn


def scalar(cur, sql, params=()):
    cur.execute(sql, params)
    return cur.fetchone()[0]


def psql(db, *args, appname="bench-traces"):
    subprocess.run([os.path.join(BINDIR, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", DIR, "-p", str(PORT),
                    "-U", "postgres", "-d", db] + list(args), check=True, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, PGAPPNAME=appname))


def build_template(args, cur):
    sig = "traces gen-traces.sql=%s traces=%d spans=%d experiments=%d days=%d" % (
        subprocess.run(["md5sum", os.path.join(HERE, "gen-traces.sql")], capture_output=True, text=True,
                       check=True).stdout[:8], args.traces, args.spans, EXPERIMENTS, DAYS)
    cur.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", (TEMPLATE,))
    row = cur.fetchone()
    if row and row[0] == sig and not args.rebuild:
        print("template %s: %s (kept from an earlier run)" % (TEMPLATE, sig), flush=True)
        return
    print("building %s: %s" % (TEMPLATE, sig), flush=True)
    t0 = time.time()
    cur.execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % TEMPLATE)
    cur.execute("CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'" % TEMPLATE)
    psql(TEMPLATE, "-f", os.path.join(ROOT, "test", "fixtures", "mlflow", "schema-3.11.2.dev0.sql"))
    psql(TEMPLATE, "-v", "seed=mlflow-purge-bench-traces", "-v", "traces=%d" % args.traces,
         "-v", "spans=%d" % args.spans, "-v", "experiments=%d" % EXPERIMENTS, "-v", "days=%d" % DAYS,
         "-f", os.path.join(HERE, "gen-traces.sql"))
    psql(TEMPLATE, "-c", "VACUUM (FREEZE, ANALYZE)")
    cur.execute("COMMENT ON DATABASE %s IS %%s" % TEMPLATE, (sig,))
    cur.execute("CHECKPOINT")
    print("  built in %.0f s" % (time.time() - t0), flush=True)


class Monitor(threading.Thread):
    """Samples the purge backend's transaction age."""

    def __init__(self):
        super().__init__(daemon=True)
        self.conn = connect(app="bench-monitor")
        self.stop = threading.Event()
        self.longest_xact_s = 0.0

    def run(self):
        cur = self.conn.cursor()
        while not self.stop.is_set():
            cur.execute("SELECT coalesce(max(extract(epoch FROM clock_timestamp() - xact_start)), 0)::float8 "
                        "FROM pg_stat_activity WHERE application_name = 'bench-purge' AND xact_start IS NOT NULL")
            self.longest_xact_s = max(self.longest_xact_s, cur.fetchone()[0])
            time.sleep(SAMPLE_S)


def run_strategy(name, cut_ms, admin, time_index):
    admin.execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % COPY)
    admin.execute("CREATE DATABASE %s TEMPLATE %s STRATEGY FILE_COPY" % (COPY, TEMPLATE))
    admin.execute("CHECKPOINT")
    db = connect(COPY).cursor()
    # the extension as installed now, not as it was when the template was built
    db.execute("SET client_min_messages = warning")
    db.execute("CREATE EXTENSION mlflow_purge")
    if time_index:
        db.execute("CREATE INDEX trace_info_timestamp_ms_request_id ON trace_info (timestamp_ms, request_id)")
        db.execute("ANALYZE trace_info")
        admin.execute("CHECKPOINT")
    before = scalar(db, "SELECT count(*) FROM trace_info")
    older_than = "now() - to_timestamp(%d / 1000.0)" % cut_ms
    monitor = Monitor()
    monitor.start()
    wal0 = scalar(admin, "SELECT pg_current_wal_lsn()::text")
    t0 = time.monotonic()
    longest_batch_s = None
    if name == "floor":
        psql(COPY, "-v", "cut_ms=%d" % cut_ms, "-f", os.path.join(HERE, "sql", "traces-floor-3.11.sql"),
             appname="bench-purge")
        xacts = 1
    else:
        purge = connect(COPY, app="bench-purge").cursor()
        purge.execute("SET client_min_messages = warning")
        if name == "single":
            purge.execute("SELECT count(*) FROM public.mlflow_purge_traces(older_than => %s)" % older_than)
            xacts = 1
        else:
            purge.execute("CALL public.mlflow_purge_traces_in_batches(older_than => %s, batch_traces => %d)"
                          % (older_than, int(name.split("-")[1])))
            xacts, longest_batch_s = (purge.execute(
                "SELECT count(*), max(duration_ms) / 1000 FROM mlflow_purge.audit_log "
                "WHERE function_name = 'mlflow_purge_traces'"), purge.fetchone())[1]
        purge.connection.close()
    total_s = time.monotonic() - t0
    wal = scalar(admin, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)::bigint", (wal0,))
    monitor.stop.set()
    monitor.join()
    purged = before - scalar(db, "SELECT count(*) FROM trace_info")
    left = scalar(db, LEFT_SQL)
    deleted_exp_traces = scalar(db, "SELECT count(*) FROM trace_info t JOIN experiments e USING (experiment_id) "
                                    "WHERE e.lifecycle_stage = 'deleted'")
    young_gone = scalar(db, "SELECT %s - count(*) FROM trace_info t JOIN experiments e USING (experiment_id) "
                            "WHERE e.lifecycle_stage = 'active' AND t.timestamp_ms > %s",
                        (young_total(db.connection, cut_ms), cut_ms))
    old_left = scalar(db, "SELECT count(*) FROM trace_info t JOIN experiments e USING (experiment_id) "
                          "WHERE e.lifecycle_stage = 'active' AND t.timestamp_ms <= %s", (cut_ms,))
    db.connection.close()
    return dict(name=name, total_s=total_s, xacts=xacts, longest_s=monitor.longest_xact_s,
                longest_batch_s=longest_batch_s, wal=wal, purged=purged, left=left,
                deleted_exp_traces=deleted_exp_traces, young_gone=young_gone, old_left=old_left)


_young = {}


def young_total(conn, cut_ms):
    """Traces of live experiments newer than the cut in the template (every strategy must keep them)."""
    if cut_ms not in _young:
        with connect(TEMPLATE).cursor() as cur:
            _young[cut_ms] = scalar(cur, "SELECT count(*) FROM trace_info t JOIN experiments e USING (experiment_id) "
                                         "WHERE e.lifecycle_stage = 'active' AND t.timestamp_ms > %s", (cut_ms,))
            cur.connection.close()
    return _young[cut_ms]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--traces", type=int, default=1_000_000)
    ap.add_argument("--spans", type=int, default=10)
    ap.add_argument("--batch-traces", default="1000", help="comma-separated batch sizes, one strategy each")
    ap.add_argument("--strategies", default=None, help="default: single,batches-<each N>,floor")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--time-index", action="store_true", help="index trace_info (timestamp_ms, request_id) first")
    args = ap.parse_args()
    strategies = (args.strategies.split(",") if args.strategies else
                  ["single"] + ["batches-%s" % n for n in args.batch_traces.split(",")] + ["floor"])
    subprocess.run(["bash", os.path.join(HERE, "cluster.sh"), "start", DIR, str(PORT)], check=True,
                   env=dict(os.environ, PG_CONFIG=PG_CONFIG))
    admin = connect().cursor()
    build_template(args, admin)
    with connect(TEMPLATE).cursor() as tpl:
        generated_ms = int(scalar(tpl, "SELECT value FROM bench.meta WHERE key = 'generated_at_ms'"))
        meta = dict((tpl.execute("SELECT key, value FROM bench.meta"), tpl.fetchall())[1])
        size = scalar(tpl, "SELECT pg_size_pretty(pg_database_size(current_database()))")
        tpl.connection.close()
    cut_ms = generated_ms - KEEP_DAYS * 86_400_000
    results = []
    for s in strategies:
        print("  %s ..." % s, flush=True)
        results.append(run_strategy(s, cut_ms, admin, args.time_index))
    admin.execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % COPY)
    floor = next((r for r in results if r["name"] == "floor"), None)
    machine = "%d cores; PostgreSQL %s; load average %s" % (
        os.cpu_count(), scalar(admin, "SHOW server_version"), " ".join(open("/proc/loadavg").read().split()[:3]))
    print()
    print("Trace retention, cost per million traces (%s)" % machine)
    print("scale: %s traces x %d spans (%s spans, %s trace_tags, %s trace_request_metadata, %s assessments; "
          "database %s), MLflow 3.11; every strategy deletes the traces of live experiments older than %d days "
          "of %d%s" % (format(int(meta["traces"]), ","), args.spans, format(int(meta["spans"]), ","),
                     format(int(meta["trace_tags"]), ","), format(int(meta["trace_request_metadata"]), ","),
                     format(int(meta["assessments"]), ","), size, KEEP_DAYS, DAYS,
                          "; with an index on trace_info (timestamp_ms, request_id)" if args.time_index else ""))
    print()
    print("| strategy | traces purged | total s | x floor | txns | longest txn s | WAL MB | WAL MB/txn "
          "| s per 1M traces | WAL MB per 1M traces |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        per_m = 1e6 / max(1, r["purged"])
        longest = "%.2f" % r["longest_s"]
        if r["longest_batch_s"] is not None:
            longest += " (batch %.2f)" % r["longest_batch_s"]
        print("| %s | %s | %.2f | %s | %d | %s | %.1f | %.2f | %.1f | %.0f |" % (
            r["name"], format(r["purged"], ","), r["total_s"],
            "%.2f" % (r["total_s"] / floor["total_s"]) if floor else "-", r["xacts"], longest, r["wal"] / 2**20,
            r["wal"] / 2**20 / max(1, r["xacts"]), r["total_s"] * per_m, r["wal"] / 2**20 * per_m))
    print()
    ok = True
    for r in results:
        bad = r["deleted_exp_traces"] == 0 or r["young_gone"] != 0 or r["old_left"] != 0 or r["left"] != results[0]["left"]
        ok = ok and not bad
        print("  %-13s left: %s; deleted experiment's traces kept %d; newer traces lost %d; older traces left %d%s"
              % (r["name"], r["left"], r["deleted_exp_traces"], r["young_gone"], r["old_left"],
                 "  <-- WRONG" if bad else ""))
    print("(longest txn is sampled every %.0f ms; `batch` is the longest batch's own duration_ms from its audit row)"
          % (SAMPLE_S * 1000))
    if not ok:
        sys.exit("traces.py: the strategies did not leave the same rows")


if __name__ == "__main__":
    main()
