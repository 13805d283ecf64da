#!/usr/bin/python3
"""A backlog purged on a live primary (issue 16, docs/batches.md). One command, prints figures;
never a timed test.

  python3 bench/live-primary.py [--metrics 20000000] [--batch-runs 100,1000] [--rate 100]
                                [--max-replica-lag 64MB] [--version 2.9.2] [--rebuild]

It starts its own primary (bench/cluster.sh, $BENCH_DIR, port $BENCH_PORT) and a REAL streaming
replica made with pg_basebackup (port $BENCH_REPLICA_PORT), builds an MLflow database with
--metrics metric rows with bench/gen.sql (scenario B's shape: a tenth of the runs belong to deleted
experiments; 20,000,000 is run.sh's full scale), and then, on a fresh copy each, with an
MLflow-like writer logging metrics to active runs at --rate transactions per second throughout:

  single        SELECT count(*) FROM public.mlflow_purge_deleted()
  batches-N     CALL public.mlflow_purge_deleted_in_batches(batch_runs => N,
                     max_replica_lag_bytes => pg_size_bytes(<--max-replica-lag>))  for each N
  per-run       bench/sql/perrun-<version>.sql: mlflow gc's strategy, one transaction per run

Per strategy: total time, purge transactions, the longest one, WAL bytes per transaction, peak
replica replay lag (bytes behind, and replay_lag), the writer's p50/p99 latency against its idle
baseline measured just before on the same copy, and the oldest transaction (xmin) age the purge
held. Then the fixed cost of one call in a fresh connection (library load, catalog read, audit
row, outbox included), on its own line: mlflow_purge_run against the hand-written cascade of a
comparable run (bench/sql/floor-<version>.sql's run path), alternating, each in a fresh
connection, as wall time and as the backends' CPU time. Sampling is every 50 ms, so transaction
lengths and lags are as fine as that.

  python3 bench/live-primary.py --fixed-cost-only [--fixed-cost-pairs 20] [--version 2.9.2]

measures only the fixed cost, on a small template of its own (200,000 metric rows unless
--metrics says otherwise), without the replica: about a minute.
"""
import argparse
import os
import statistics
import subprocess
import sys
import threading
import time

import psycopg2

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PG_CONFIG = os.environ.get("PG_CONFIG", "/usr/lib/postgresql/15/bin/pg_config")
BINDIR = subprocess.run([PG_CONFIG, "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
DIR = os.environ.get("BENCH_DIR", "/tmp/mlflow-purge-bench-live")
PORT = int(os.environ.get("BENCH_PORT", "55436"))
REPLICA_PORT = int(os.environ.get("BENCH_REPLICA_PORT", "55437"))
REPLICA_DIR = DIR + "-replica"
TEMPLATE = "bench_live_tpl"
FIXED_COST_TEMPLATE = "bench_live_fc_tpl"
COPY = "bench_live_copy"
SAMPLE_S = 0.05


def as_owner(cmd, **kw):
    """Commands that touch the clusters' files run as their owner (postgres) when we are root."""
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    return subprocess.run(cmd, cwd="/", check=True, **kw)


def connect(db="postgres", port=PORT, app="bench-live"):
    conn = psycopg2.connect(host=DIR, port=port, user="postgres", dbname=db, application_name=app)
    conn.autocommit = True
    return conn


def scalar(cur, sql, params=()):
    cur.execute(sql, params)
    return cur.fetchone()[0]


def psql(db, *args):
    subprocess.run([os.path.join(BINDIR, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", DIR, "-p", str(PORT),
                    "-U", "postgres", "-d", db] + list(args), check=True, stdout=subprocess.DEVNULL)


# ---- the clusters -----------------------------------------------------------------------------
def start_primary():
    env = dict(os.environ, PG_CONFIG=PG_CONFIG)
    subprocess.run(["bash", os.path.join(HERE, "cluster.sh"), "start", DIR, str(PORT)], check=True, env=env)


def build_template(args):
    f = 20_000_000 / args.metrics
    sizes = dict(live_exps=max(2, int(1000 / f)), del_exps=max(1, int(1000 / f)), live_runs=max(20, int(90000 / f)),
                 del_runs=max(10, int(10000 / f)), single_del=max(5, int(1000 / f)), metrics=args.metrics,
                 max_rpe=5000, feat_exp_runs=0, feat_exp_metrics=0, feat_run_metrics=0)
    sig = "live-primary version=%s %s" % (args.version, " ".join("%s=%s" % kv for kv in sorted(sizes.items())))
    admin = connect()
    cur = admin.cursor()
    cur.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", (TEMPLATE,))
    row = cur.fetchone()
    if row and row[0] == sig and not args.rebuild:
        print("template %s: %s (kept from an earlier run)" % (TEMPLATE, sig), flush=True)
        return sizes
    print("building %s: %s" % (TEMPLATE, sig), flush=True)
    t0 = time.time()
    cur.execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % TEMPLATE)
    cur.execute("CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'" % TEMPLATE)
    schema = {"3.11": "3.11.2.dev0"}.get(args.version, args.version)  # the fixture's file name
    psql(TEMPLATE, "-f", os.path.join(ROOT, "test", "fixtures", "mlflow", "schema-%s.sql" % schema))
    psql(TEMPLATE, "-v", "seed=mlflow-purge-bench-live", *sum((["-v", "%s=%s" % kv] for kv in sizes.items()), []),
         "-f", os.path.join(HERE, "gen.sql"))
    psql(TEMPLATE, "-c", "SET client_min_messages = warning", "-c", "CREATE EXTENSION mlflow_purge",
         "-c", "VACUUM (FREEZE, ANALYZE)")
    cur.execute("COMMENT ON DATABASE %s IS %%s" % TEMPLATE, (sig,))
    cur.execute("CHECKPOINT")
    print("  built in %.0f s" % (time.time() - t0), flush=True)
    return sizes


def start_replica():
    """A real streaming replica of the primary, from pg_basebackup, started by the bench."""
    if os.path.exists(os.path.join(REPLICA_DIR, "data", "postmaster.pid")):
        as_owner([os.path.join(BINDIR, "pg_ctl"), "-D", REPLICA_DIR + "/data", "-m", "fast", "-w", "stop"])
    subprocess.run(["rm", "-rf", REPLICA_DIR], check=True)
    os.makedirs(REPLICA_DIR)
    if os.geteuid() == 0:
        subprocess.run(["chown", "postgres:", REPLICA_DIR], check=True)
    t0 = time.time()
    as_owner([os.path.join(BINDIR, "pg_basebackup"), "-h", DIR, "-p", str(PORT), "-U", "postgres",
              "-D", REPLICA_DIR + "/data", "-R", "-X", "stream", "-c", "fast"])
    with open(REPLICA_DIR + "/data/postgresql.auto.conf", "a") as conf:
        conf.write("port = %d\nunix_socket_directories = '%s'\nhot_standby = on\nshared_preload_libraries = ''\n"
                   % (REPLICA_PORT, REPLICA_DIR))
    as_owner([os.path.join(BINDIR, "pg_ctl"), "-D", REPLICA_DIR + "/data", "-l", REPLICA_DIR + "/server.log",
              "-w", "-t", "120", "start"], stdout=subprocess.DEVNULL)
    print("replica: pg_basebackup + start in %.0f s (port %d)" % (time.time() - t0, REPLICA_PORT), flush=True)


def stop_replica():
    if os.path.exists(os.path.join(REPLICA_DIR, "data", "postmaster.pid")):
        as_owner([os.path.join(BINDIR, "pg_ctl"), "-D", REPLICA_DIR + "/data", "-m", "fast", "-w", "stop"],
                 stdout=subprocess.DEVNULL)


LAG_SQL = ("SELECT coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0)::bigint, "
           "coalesce(max(extract(epoch FROM replay_lag)), 0)::float8, count(*) "
           "FROM pg_stat_replication WHERE state = 'streaming'")


def wait_caught_up(cur):
    for _ in range(6000):
        lag, _, n = (cur.execute(LAG_SQL), cur.fetchone())[1]
        if n == 0:
            sys.exit("live-primary: the replica is not streaming")
        if lag == 0:
            return
        time.sleep(0.1)


# ---- the writer and the monitor ---------------------------------------------------------------
class Writer(threading.Thread):
    """MLflow's log_metric: one transaction inserting a metric and upserting latest_metrics, on
    active runs, at a fixed rate. Latency is measured from the scheduled start (a stall delays
    every later call too, as an MLflow client sees it)."""

    def __init__(self, db, rate):
        super().__init__(daemon=True)
        self.conn = connect(db, app="bench-writer")
        cur = self.conn.cursor()
        cur.execute("SELECT r.run_uuid FROM runs r JOIN experiments e USING (experiment_id) "
                    "WHERE r.lifecycle_stage = 'active' AND e.lifecycle_stage = 'active' ORDER BY r.run_uuid LIMIT 50")
        self.runs = [r[0] for r in cur.fetchall()]
        self.rate, self.stop, self.phase = rate, threading.Event(), "idle"
        self.lat = {}
        self.errors = 0

    def run(self):
        cur = self.conn.cursor()
        start, i = time.monotonic(), 0
        while not self.stop.is_set():
            due = start + i / self.rate
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            run = self.runs[i % len(self.runs)]
            ts = int(time.time() * 1000)
            try:
                cur.execute("BEGIN")
                cur.execute("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) "
                            "VALUES ('bench_writer', %s, %s, %s, %s, false)", (i * 0.5, ts, run, i))
                cur.execute("INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) "
                            "VALUES ('bench_writer', %s, %s, %s, false, %s) ON CONFLICT (key, run_uuid) "
                            "DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, step = excluded.step",
                            (i * 0.5, ts, i, run))
                cur.execute("COMMIT")
            except psycopg2.Error:
                self.errors += 1
                cur.execute("ROLLBACK")
            self.lat.setdefault(self.phase, []).append((time.monotonic() - due) * 1000)
            i += 1


class Monitor(threading.Thread):
    """Samples the replica's lag and the purge backend's transaction and xmin age."""

    def __init__(self):
        super().__init__(daemon=True)
        self.conn = connect(app="bench-monitor")
        self.stop = threading.Event()
        self.peak_bytes = self.peak_lag_s = self.longest_xact_s = 0.0
        self.oldest_xmin_age = 0

    def run(self):
        cur = self.conn.cursor()
        while not self.stop.is_set():
            cur.execute(LAG_SQL)
            b, s, _ = cur.fetchone()
            self.peak_bytes, self.peak_lag_s = max(self.peak_bytes, b), max(self.peak_lag_s, s)
            cur.execute("SELECT coalesce(max(extract(epoch FROM clock_timestamp() - xact_start)), 0)::float8, "
                        "coalesce(max(age(backend_xmin)), 0) FROM pg_stat_activity "
                        "WHERE application_name = 'bench-purge' AND xact_start IS NOT NULL")
            x, a = cur.fetchone()
            self.longest_xact_s, self.oldest_xmin_age = max(self.longest_xact_s, x), max(self.oldest_xmin_age, a)
            time.sleep(SAMPLE_S)


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


# ---- one strategy on a fresh copy -------------------------------------------------------------
def run_strategy(name, args, admin):
    admin.execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % COPY)
    admin.execute("CREATE DATABASE %s TEMPLATE %s STRATEGY FILE_COPY" % (COPY, TEMPLATE))
    wait_caught_up(admin)
    db = connect(COPY).cursor()
    targets = scalar(db, "SELECT (SELECT count(*) FROM experiments WHERE lifecycle_stage = 'deleted' AND experiment_id <> 0) "
                         "+ (SELECT count(*) FROM runs r WHERE r.lifecycle_stage = 'deleted' OR r.experiment_id IN "
                         "(SELECT experiment_id FROM experiments WHERE lifecycle_stage = 'deleted' AND experiment_id <> 0))")
    backlog = scalar(db, "SELECT count(*) FROM metrics m JOIN runs r USING (run_uuid) JOIN experiments e USING (experiment_id) "
                         "WHERE r.lifecycle_stage = 'deleted' OR e.lifecycle_stage = 'deleted'")
    os.sync()  # the copy's files, on both clusters, are written back before the idle baseline
    writer = Writer(COPY, args.rate)
    writer.start()
    time.sleep(args.idle_seconds)  # the idle baseline, on this copy
    monitor = Monitor()
    monitor.start()
    writer.phase = "purge"
    wal0 = scalar(admin, "SELECT pg_current_wal_lsn()::text")
    t0 = time.monotonic()
    purge = connect(COPY, app="bench-purge").cursor()
    purge.execute("SET client_min_messages = warning")
    if name == "single":
        purge.execute("SELECT count(*) FROM public.mlflow_purge_deleted()")
        xacts = 1
    elif name.startswith("batches-"):
        purge.execute("CALL public.mlflow_purge_deleted_in_batches(batch_runs => %s, "
                      "max_replica_lag_bytes => pg_catalog.pg_size_bytes(%s), pause => %s::interval)",
                      (int(name.split("-")[1]), args.max_replica_lag, args.pause))
        xacts = scalar(purge, "SELECT count(*) FROM mlflow_purge.audit_log WHERE function_name = 'mlflow_purge_deleted'")
    else:
        subprocess.run([os.path.join(BINDIR, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", "kind=deleted",
                        "-v", "target=-", "-h", DIR, "-p", str(PORT), "-U", "postgres", "-d", COPY,
                        "-f", os.path.join(HERE, "sql", "perrun-%s.sql" % args.version)],
                       check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, PGAPPNAME="bench-purge"))
        xacts = targets
    total_s = time.monotonic() - t0
    wal = scalar(admin, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)::bigint", (wal0,))
    purge.connection.close()
    time.sleep(1.0)  # the writer and the replica after the purge
    monitor.stop.set()
    monitor.join()
    writer.stop.set()
    writer.join()
    left = scalar(db, "SELECT count(*) FROM runs WHERE lifecycle_stage = 'deleted'")
    db.connection.close()
    idle, busy = writer.lat.get("idle", []), writer.lat.get("purge", [])
    return dict(name=name, total_s=total_s, xacts=xacts, longest_s=monitor.longest_xact_s, wal=wal,
                wal_per_xact=wal / max(1, xacts), peak_lag=monitor.peak_bytes, peak_lag_s=monitor.peak_lag_s,
                p50=pct(busy, 50), p99=pct(busy, 99), idle_p50=pct(idle, 50), idle_p99=pct(idle, 99),
                xmin_age=monitor.oldest_xmin_age, writes=len(busy), idle_writes=len(idle), writer_errors=writer.errors, left=left,
                backlog=backlog, targets=targets)


# The hand-written cascade of one deleted run, as bench/sql/floor-<version>.sql does it for kind=run
# (floor-targets.sql's lock, the inputs' key set, one DELETE per table by an indexed = ANY), in one
# transaction: what a DBA's script does for the same rows, without audit row, outbox or checks.
RUN_CASCADE = {
    "2.9.2": [
        "SELECT r.run_uuid FROM public.runs r WHERE r.run_uuid = %(run)s AND r.lifecycle_stage = 'deleted' FOR UPDATE",
        "SELECT coalesce(array_agg(i.input_uuid), '{}') FROM public.inputs i "
        "WHERE i.destination_type = 'RUN' AND i.destination_id = %(run)s",
        "DELETE FROM public.input_tags t WHERE t.input_uuid = ANY (%(inputs)s::text[])",
        "DELETE FROM public.inputs i WHERE i.input_uuid = ANY (%(inputs)s::text[])",
        "DELETE FROM public.latest_metrics x WHERE x.run_uuid = ANY (%(runs)s::text[])",
        "DELETE FROM public.metrics x WHERE x.run_uuid = ANY (%(runs)s::text[])",
        "DELETE FROM public.params x WHERE x.run_uuid = ANY (%(runs)s::text[])",
        "DELETE FROM public.tags x WHERE x.run_uuid = ANY (%(runs)s::text[])",
        "DELETE FROM public.runs x WHERE x.run_uuid = ANY (%(runs)s::text[])",
    ],
    "3.11": [
        "SELECT r.run_uuid FROM public.runs r WHERE r.run_uuid = %(run)s AND r.lifecycle_stage = 'deleted' FOR UPDATE",
        "SELECT coalesce(array_agg(i.input_uuid), '{}') FROM public.inputs i "
        "WHERE (i.destination_type = 'RUN' AND i.destination_id = %(run)s) "
        "OR (i.source_type IN ('RUN_INPUT', 'RUN_OUTPUT') AND i.source_id = %(run)s)",
        "DELETE FROM public.entity_associations a WHERE (a.source_type = 'run' AND a.source_id = ANY (%(runs)s::text[])) "
        "OR (a.destination_type = 'run' AND a.destination_id = ANY (%(runs)s::text[]))",
        "DELETE FROM public.input_tags t WHERE t.input_uuid = ANY (%(inputs)s::text[])",
        "DELETE FROM public.inputs i WHERE i.input_uuid = ANY (%(inputs)s::text[])",
        "DELETE FROM public.logged_model_metrics m WHERE m.run_id = ANY (%(runs)s::text[])",
        "DELETE FROM public.latest_metrics x WHERE x.run_uuid = ANY (%(runs)s::text[])",
        "DELETE FROM public.metrics x WHERE x.run_uuid = ANY (%(runs)s::text[])",
        "DELETE FROM public.params x WHERE x.run_uuid = ANY (%(runs)s::text[])",
        "DELETE FROM public.tags x WHERE x.run_uuid = ANY (%(runs)s::text[])",
        "DELETE FROM public.runs x WHERE x.run_uuid = ANY (%(runs)s::text[])",
    ],
}


def backend_cpu_ms(pid):
    """CPU time the backend has run, in ms (/proc/PID/schedstat: ns on the CPU). Unlike wall time it
    does not count waiting for a CPU, so it stays comparable on a loaded machine."""
    with open("/proc/%d/schedstat" % pid) as f:
        return int(f.read().split()[0]) / 1e6


def timed_extension_call(run):
    """mlflow_purge_run in a fresh connection (its own transaction), timed around the call alone:
    (wall ms, backend CPU ms)."""
    c = connect(COPY, app="bench-fixed-cost").cursor()
    pid = scalar(c, "SELECT pg_catalog.pg_backend_pid()")
    cpu, t = backend_cpu_ms(pid), time.monotonic()
    c.execute("SELECT count(*) FROM public.mlflow_purge_run(%s)", (run,))
    elapsed = ((time.monotonic() - t) * 1000, backend_cpu_ms(pid) - cpu)
    c.connection.close()
    return elapsed


def timed_cascade(run, version):
    """The same run's hand-written cascade in a fresh connection, BEGIN to COMMIT: (wall ms, backend
    CPU ms)."""
    c = connect(COPY, app="bench-fixed-cost").cursor()
    pid = scalar(c, "SELECT pg_catalog.pg_backend_pid()")
    values = {"run": run, "runs": [run], "inputs": []}
    cpu, t = backend_cpu_ms(pid), time.monotonic()
    c.execute("BEGIN")
    for i, statement in enumerate(RUN_CASCADE[version]):
        c.execute(statement, values)
        if i == 0 and c.rowcount != 1:
            sys.exit("live-primary: run %s is not a deleted run" % run)
        if i == 1:
            values["inputs"] = c.fetchone()[0]
    c.execute("COMMIT")
    elapsed = ((time.monotonic() - t) * 1000, backend_cpu_ms(pid) - cpu)
    c.connection.close()
    return elapsed


def fixed_cost(admin, version, n=20):
    """What one call in a fresh connection pays over the hand-written cascade of the same deletes
    (issue 16: library load, catalog read, program, checks, audit row, outbox). n pairs of
    comparable runs (the active runs with fewest metrics, deleted here), each strategy in a fresh
    connection after SELECT 1, alternating which goes first; the fixed cost is the difference."""
    admin.execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % COPY)
    admin.execute("CREATE DATABASE %s TEMPLATE %s STRATEGY FILE_COPY" % (COPY, TEMPLATE))
    db = connect(COPY).cursor()
    db.execute("SELECT count(*) FROM public.mlflow_purge_deleted()")  # an empty backlog first
    db.execute("SELECT r.run_uuid FROM runs r JOIN experiments e USING (experiment_id) WHERE r.lifecycle_stage = 'active' "
               "AND e.lifecycle_stage = 'active' ORDER BY (SELECT count(*) FROM metrics m WHERE m.run_uuid = r.run_uuid), 1 "
               "LIMIT %s", (2 * n,))
    runs = [r[0] for r in db.fetchall()]
    if len(runs) < 2 * n:
        sys.exit("live-primary: the template has %d active runs, %d needed" % (len(runs), 2 * n))
    db.execute("UPDATE runs SET lifecycle_stage = 'deleted' WHERE run_uuid = ANY(%s)", (runs,))
    db.execute("CHECKPOINT")
    ext, cascade = [], []
    for i in range(n):
        # Pair i: the extension purges one run, the cascade the next; who goes first alternates.
        if i % 2 == 0:
            ext.append(timed_extension_call(runs[2 * i]))
            cascade.append(timed_cascade(runs[2 * i + 1], version))
        else:
            cascade.append(timed_cascade(runs[2 * i + 1], version))
            ext.append(timed_extension_call(runs[2 * i]))
    left = scalar(db, "SELECT count(*) FROM runs WHERE run_uuid = ANY(%s)", (runs,))
    db.connection.close()
    admin.execute("DROP DATABASE %s WITH (FORCE)" % COPY)
    if left:
        sys.exit("live-primary: %d of the fixed cost's runs were not purged" % left)
    return ext, cascade


def fixed_cost_line(ext, cascade):
    """The fixed cost on its own line: wall time (the goal's measure), then the backends' CPU time
    (the same difference without the wait for a CPU, which dominates on a loaded machine)."""
    parts = []
    for what, k in (("wall", 0), ("backend CPU", 1)):
        e, c = [x[k] for x in ext], [x[k] for x in cascade]
        diff = [a - b for a, b in zip(e, c)]
        parts.append("%s %.2f ms (extension %.2f - cascade %.2f; per pair median %.2f, p90 %.2f)"
                     % (what, statistics.median(e) - statistics.median(c), statistics.median(e), statistics.median(c),
                        statistics.median(diff), pct(diff, 90)))
    fixed = statistics.median([x[0] for x in ext]) - statistics.median([x[0] for x in cascade])
    return ("fixed cost of one call in a fresh connection (mlflow_purge_run of a run with a few rows against the "
            "hand-written cascade of a comparable run, medians, n=%d pairs alternating, each in a fresh connection; "
            "library load, catalog read, program, checks, audit row, outbox): %s; goal <= 5 ms: %s"
            % (len(ext), "; ".join(parts), "met" if fixed <= 5 else "MISSED"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--metrics", type=int, default=None, help="default 20,000,000; 200,000 with --fixed-cost-only")
    ap.add_argument("--batch-runs", default="100,1000")
    ap.add_argument("--rate", type=float, default=100.0)
    ap.add_argument("--idle-seconds", type=float, default=None,
                    help="the writer's idle baseline per strategy; default: long enough for 500 writes (a p99 "
                         "of fewer is its largest sample or two)")
    ap.add_argument("--max-replica-lag", default="64MB")
    ap.add_argument("--pause", default="0", help="the procedure's pause between batches (an interval), default 0")
    ap.add_argument("--version", default="2.9.2", choices=["2.9.2", "3.11"])
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--strategies", default=None, help="default: single,batches-<each N>,per-run")
    ap.add_argument("--fixed-cost-only", action="store_true",
                    help="only the fixed cost of one call, on a small template of its own, without the replica")
    ap.add_argument("--fixed-cost-pairs", type=int, default=20)
    args = ap.parse_args()
    if args.metrics is None:
        args.metrics = 200_000 if args.fixed_cost_only else 20_000_000
    if args.idle_seconds is None:
        args.idle_seconds = max(5.0, 500 / args.rate)
    if args.version == "3.11":
        args.version = "3.11.2.dev0" if not os.path.exists(os.path.join(HERE, "sql", "perrun-3.11.sql")) else "3.11"
    strategies = (args.strategies.split(",") if args.strategies else
                  ["single"] + ["batches-%s" % n for n in args.batch_runs.split(",")] + ["per-run"])
    start_primary()
    if args.fixed_cost_only:
        global TEMPLATE
        TEMPLATE = FIXED_COST_TEMPLATE  # the full-scale template is kept for the next full run
        build_template(args)
        ext, cascade = fixed_cost(connect().cursor(), args.version, args.fixed_cost_pairs)
        print()
        print("MLflow %s, %s metric rows in the database; %d cores; load average %.1f"
              % (args.version, format(args.metrics, ","), os.cpu_count(), os.getloadavg()[0]))
        print(fixed_cost_line(ext, cascade))
        return
    build_template(args)
    start_replica()
    admin = connect().cursor()
    try:
        results = []
        for s in strategies:
            print("  %s ..." % s, flush=True)
            results.append(run_strategy(s, args, admin))
        ext, cascade = fixed_cost(admin, args.version, args.fixed_cost_pairs)
    finally:
        stop_replica()
    r0 = results[0]
    machine = "%d cores; PostgreSQL %s" % (os.cpu_count(), scalar(admin, "SHOW server_version"))
    print()
    print("Backlog purged on a live primary with a streaming replica (%s)" % machine)
    print("scale: %s metric rows in the database, %s of them in the backlog (%s experiments + runs to purge); "
          "writer %.0f tx/s (idle baseline %.0f s per strategy); max_replica_lag %s; pause %s; MLflow %s"
          % (format(args.metrics, ","), format(r0["backlog"], ","), format(r0["targets"], ","), args.rate,
             args.idle_seconds, args.max_replica_lag, args.pause, args.version))
    print()
    print("| strategy | total s | x single | purge txns | longest txn s | WAL MB | WAL KB/txn | peak lag MB | peak replay_lag s "
          "| writer p50/p99 ms | idle p50/p99 ms | p99 x idle | writes idle/purge | oldest xmin age held (xids) "
          "| deleted runs left |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print("| %s | %.2f | %.2f | %d | %.2f | %.1f | %.1f | %.1f | %.2f | %.1f / %.1f | %.1f / %.1f | %.2f | %d / %d "
              "| %d | %d |" % (
            r["name"], r["total_s"], r["total_s"] / r0["total_s"], r["xacts"], r["longest_s"], r["wal"] / 2**20,
            r["wal_per_xact"] / 1024, r["peak_lag"] / 2**20, r["peak_lag_s"], r["p50"], r["p99"], r["idle_p50"],
            r["idle_p99"], r["p99"] / r["idle_p99"] if r["idle_p99"] else float("nan"), r["idle_writes"], r["writes"],
            r["xmin_age"], r["left"]))
    print()
    print(fixed_cost_line(ext, cascade))
    print()
    print("goals for the batched procedure (issue 16): longest transaction <= 5 s, peak lag within %s, writer p99 "
          "<= 1.5 x idle, total <= 1.2 x single:" % args.max_replica_lag)
    limit = scalar(admin, "SELECT pg_size_bytes(%s)", (args.max_replica_lag,))
    for r in results:
        if not r["name"].startswith("batches-"):
            continue
        checks = [("longest txn %.2f s" % r["longest_s"], r["longest_s"] <= 5),
                  ("peak lag %.1f MB" % (r["peak_lag"] / 2**20), r["peak_lag"] <= limit),
                  ("p99 %.2f x idle" % (r["p99"] / r["idle_p99"]), r["p99"] <= 1.5 * r["idle_p99"]),
                  ("total %.2f x single" % (r["total_s"] / r0["total_s"]), r["total_s"] <= 1.2 * r0["total_s"])]
        print("  %-13s " % r["name"] + "; ".join("%s %s" % (t, "met" if ok else "MISSED") for t, ok in checks))
    print("(peak lag is sampled every %.0f ms and includes the writer's WAL; the procedure checks the bound between "
          "batches, so one batch's WAL can pass it)" % (SAMPLE_S * 1000))


if __name__ == "__main__":
    main()
