"""The trace mode of the differential test (issue 18): differential.py --traces.

Each trial builds the random MLflow database of differential.py, then more traces in live and
deleted experiments (Default too) with timestamps around the cuts the trial's calls use (exactly
at a cut, one millisecond either side, ties, future and ancient ones), every foreign-key child of
trace_info at any depth filled from the catalog (spans, span metrics, assessments, tags, request
metadata, trace metrics, and whatever a newer revision adds), entity_associations naming traces on
either side, rows of other kinds whose id text equals a trace id (a missing discriminator would
take them), and review_queue_traces naming traces where the revision has review queues. Two
tables of a future MLflow are added to every schema with trace_info: notes of a trace (ON DELETE
CASCADE, with a nullable reference to a run) and votes on a note (NO ACTION: the purge must delete
them itself), plus events of a span (a two-column NO ACTION key) where spans exist.

Then a random sequence of soft deletes and restores of experiments, mlflow_purge_traces calls
with random older_than, experiment_id or NULL, max_traces or NULL, dry_run, and now and then
mlflow_purge_deleted, ending with mlflow_purge_traces('0 seconds'). The oracle knows only what
was inserted and the documented rules (docs/traces.md): the traces older than now() - older_than
(timestamp_ms at or before the cut), only in live experiments, oldest first (timestamp_ms,
request_id), at most max_traces, go with every row they own; nothing else. After every call:
every row of every table by key, and every surviving row byte for byte (md5 of the row); no
orphan; result rows = rows removed; one audit row with the same counts; a NOTICE naming the kept
review_queue_traces rows; a dry run reports the real counts and changes nothing; a refusal has
its SQLSTATE and changes nothing.

Batched mode (--batched-trials): the trial's data is committed in a fresh database and one CALL
mlflow_purge_traces_in_batches must leave exactly what one unlimited mlflow_purge_traces leaves.
"""
import decimal
import json
import re

import psycopg2
import psycopg2.extensions

import differential as diff
import relcommon as rc

# The tables a future MLflow might add under trace_info (created in each scratch database).
FUTURE_TABLES = """
CREATE TABLE future_trace_notes (
    note_id varchar(40) PRIMARY KEY,
    request_id varchar(50) NOT NULL REFERENCES trace_info (request_id) ON DELETE CASCADE,
    run_uuid varchar(32) REFERENCES runs (run_uuid) ON DELETE CASCADE,
    body text);
CREATE INDEX ON future_trace_notes (request_id);
CREATE INDEX ON future_trace_notes (run_uuid);
CREATE TABLE future_trace_note_votes (
    note_id varchar(40) NOT NULL REFERENCES future_trace_notes (note_id),
    voter varchar(40) NOT NULL,
    PRIMARY KEY (note_id, voter));
"""
FUTURE_SPAN_TABLE = """
CREATE TABLE future_span_events (
    event_id varchar(40) PRIMARY KEY,
    trace_id varchar(50) NOT NULL,
    span_id varchar(50) NOT NULL,
    FOREIGN KEY (trace_id, span_id) REFERENCES spans (trace_id, span_id));
CREATE INDEX ON future_span_events (trace_id, span_id);
"""

# Entity kinds whose id may equal a trace id without naming the trace (the discriminator).
DECOY_TYPES = ["prompt_version", "evaluation_dataset", "TRACE", "trace ", "Trace"]


def has_traces(version):
    with open(rc.schema_file(version)) as f:
        return "CREATE TABLE public.trace_info " in f.read()


def add_future_tables(db):
    conn = rc.connect(db)
    cur = conn.cursor()
    cur.execute(FUTURE_TABLES)
    cur.execute("SELECT to_regclass('public.spans') IS NOT NULL")
    if cur.fetchone()[0]:
        cur.execute(FUTURE_SPAN_TABLE)
    conn.close()


def interval_text(rng):
    unit = rng.choice(["days", "hours", "minutes", "seconds"])
    top = {"days": 60, "hours": 72, "minutes": 600, "seconds": 7200}[unit]
    return "%d %s" % (rng.randint(1, top), unit)


class TraceGenerator(diff.Generator):
    """differential.Generator, with traces at random times and their children from the catalog."""

    def build(self, now_ms):
        rng, w = self.rng, self.w
        w.trace_ts = {}  # request_id -> timestamp_ms
        w.queued = []    # (request_id, owners of the review_queue_traces row naming it)
        # The cuts: the trial's calls mostly use these intervals; traces cluster around them.
        self.cut_texts = [interval_text(rng) for _ in range(rng.randint(1, 3))] + ["0 seconds"]
        self.cuts = {t: cutoff_ms(self.cur, t) for t in self.cut_texts}
        super().build(now_ms)  # calls make_trace for 0-2 traces of every experiment but Default
        for e in sorted(w.exps):
            for _ in range(rng.randint(1, 3) if e else rng.randint(0, 2)):
                self.make_trace(e, lambda: rng.choice(sorted(w.runs)) if w.runs else None)
        self.trace_links()
        self.cur.execute(";\n".join(self.sql))
        self.sql = []
        self.trace_children()

    def ins(self, table, owners, **values):
        """entity_associations is unique by its two ends: a pair made twice is made once."""
        if table == "entity_associations":
            ends = tuple(values[c] for c in ("source_type", "source_id", "destination_type", "destination_id"))
            seen = self.__dict__.setdefault("pairs", set())
            if ends in seen:
                return None
            seen.add(ends)
        return super().ins(table, owners, **values)

    def timestamp(self):
        rng, w = self.rng, self.w
        r = rng.random()
        if r < 0.1 and w.trace_ts:
            return rng.choice(sorted(w.trace_ts.values()))  # a tie: request_id decides the order
        if r < 0.15:
            return rng.choice([1, self.now_ms + rng.randint(1, 5) * diff.DAY_MS])  # ancient, or a skewed clock
        cut = self.cuts[rng.choice(self.cut_texts)]
        if r < 0.45:
            return cut + rng.choice([-1, 0, 1])
        return cut + rng.randint(-3 * diff.DAY_MS, 3 * diff.DAY_MS)

    def make_trace(self, e, pick_run):
        """The trace row and the children that point elsewhere (a run in request metadata and in an
        assessment: references the trace purge must never follow); the rest comes from the catalog."""
        rng, w = self.rng, self.w
        t = self.uid("tr-")
        ts = self.timestamp()
        if not self.ins("trace_info", [("trace", t)], request_id=t, experiment_id=e, timestamp_ms=ts, status="OK"):
            return
        w.traces[t] = e
        w.trace_ts[t] = ts
        r = pick_run()
        if r and rng.random() < 0.5:
            self.ins("trace_request_metadata", [("trace", t)], request_id=t, key="mlflow.sourceRun", value=r)
        if self.has("assessments") and rng.random() < 0.5:
            self.ins("assessments", [("trace", t)], assessment_id=self.uid("as"), trace_id=t, name="n",
                     assessment_type="f", value="1", created_timestamp=1, last_updated_timestamp=1,
                     source_type="HUMAN", valid=True, run_id=r, experiment_id=e)

    def trace_links(self):
        """entity_associations naming traces (owned by both sides), look-alikes of other kinds
        (owned by nobody), and review_queue_traces naming traces (the queue's, kept)."""
        rng, w = self.rng, self.w
        traces = sorted(w.traces)
        if not traces:
            return
        if self.has("entity_associations"):
            others = [("run", ("run", r)) for r in sorted(w.runs)] + [("experiment", ("exp", e)) for e in w.exps if e] + \
                     [("trace", ("trace", t)) for t in traces] + [("prompt_version", None)]
            for _ in range(rng.randint(2, 8)):
                t = rng.choice(traces)
                kind, owner = rng.choice(others)
                oid = owner[1] if owner else "pv-%d" % rng.randint(1, 3)
                ends = [("trace", t), (kind, str(oid))]
                rng.shuffle(ends)
                owners = [("trace", t)] + ([owner] if owner else [])
                self.ins("entity_associations", owners, association_id=self.uid("a"), source_type=ends[0][0],
                         source_id=ends[0][1], destination_type=ends[1][0], destination_id=ends[1][1])
            for _ in range(rng.randint(1, 4)):
                ends = [(rng.choice(DECOY_TYPES), rng.choice(traces)), ("prompt_version", "pv-9")]
                rng.shuffle(ends)
                self.ins("entity_associations", [], association_id=self.uid("a"), source_type=ends[0][0],
                         source_id=ends[0][1], destination_type=ends[1][0], destination_id=ends[1][1])
        queues = self.generic.get("review_queues", [])
        if self.has("review_queue_traces") and queues:
            for t in rng.sample(traces, min(len(traces), rng.randint(1, 4))):
                row, owners = rng.choice(queues)
                w.queued.append((t, owners))
                self.ins("review_queue_traces", list(owners), queue_id=row["queue_id"], target_type="trace",
                         target_id=t, status="PENDING", creation_time_ms=1, last_update_time_ms=1)

    def trace_children(self):
        """Rows in every table under trace_info, following the catalog's foreign keys at any depth:
        each row copies its parent's key, takes the trace's experiment for an experiment_id, and is
        owned by the trace (and by a run it references through a nullable foreign key)."""
        rng, w = self.rng, self.w
        for t in sorted(w.traces):
            level = [("trace_info", {"request_id": t}, frozenset([("trace", t)]))]
            while level:
                nxt = []
                for parent, prow, owners in level:
                    for child, ccols, ptable, pcols, _ in self.fks:
                        if ptable != parent or child == parent:
                            continue
                        for _ in range(rng.randint(0, 2)):
                            row, own = self.child_row(child, dict(zip(ccols, (prow[c] for c in pcols))), t, owners)
                            if row is not None:
                                nxt.append((child, row, own))
                level = nxt

    def child_row(self, table, given, trace, owners):
        rng, w = self.rng, self.w
        row = dict(given)
        own = set(owners)
        for fk_child, ccols, ptable, pcols, _ in self.fks:
            if fk_child != table or set(ccols) <= set(row) or ccols == ["experiment_id"] or ccols == ["workspace"]:
                continue
            if ptable == "runs" and len(ccols) == 1 and not self.notnull(table, ccols[0]) and w.runs and rng.random() < 0.5:
                r = rng.choice(sorted(w.runs))
                row[ccols[0]] = r
                own.add(("run", r))
            elif any(self.notnull(table, c) for c in ccols):
                diff.stat("trace children: tables with another required parent, not filled")
                return None, None
        for c, ty, notnull, hasdef in self.cols[table]:
            if c in row:
                continue
            if c == "experiment_id":
                row[c] = w.traces[trace]
            elif c == "workspace" and self.has("workspaces"):
                row[c] = "default"
            elif (notnull and not hasdef) or c in self.pk.get(table, []):
                row[c] = self.value(table, c, ty)
        names = list(row)
        sql = self.cur.mogrify('SAVEPOINT fill; INSERT INTO "%s" (%s) VALUES (%s); RELEASE SAVEPOINT fill' % (
            table, ", ".join('"%s"' % c for c in names), ", ".join(["%s"] * len(names))),
            [row[c] for c in names]).decode()
        try:
            self.cur.execute(sql)
        except psycopg2.Error:
            self.cur.execute("ROLLBACK TO SAVEPOINT fill")
            diff.stat("trace children refused by the schema")
            return None, None
        ident = diff.ident_of(table, self.pk)
        self.w.rows[(table, tuple(str(row[c]) for c in ident))] = frozenset(own)
        diff.stat("trace children rows")
        return row, frozenset(own)

    # ---- the operations of a trial ------------------------------------------------------------
    def ops(self):
        rng, w = self.rng, self.w
        exps, runs = sorted(w.exps), sorted(w.runs)
        ops = [self.mutation(exps, runs, deletes_only=True) for _ in range(rng.randint(1, 3))]
        for _ in range(rng.randint(6, 10)):
            r = rng.random()
            if r < 0.2:
                ops.append(self.exp_mutation(exps))
            elif r < 0.27:
                ops.append(("call", "mlflow_purge_deleted", dict(older_than=None, max_runs=rng.choice([None, 2]),
                                                                  dry_run=False, model_versions="keep")))
            else:
                ops.append(self.traces_call(exps))
        ops.append(("traces", dict(older_than="0 seconds", experiment_id=None, max_traces=None, dry_run=False)))
        return ops

    def exp_mutation(self, exps):
        rng = self.rng
        kind = rng.choice(["delete_exp", "delete_exp_keep_runs", "restore_exp", "restore_exp_with_runs"])
        return ("mut", kind, rng.choice([e for e in exps if e]), self.age())

    def traces_call(self, exps):
        rng, w = self.rng, self.w
        r = rng.random()
        older = rng.choice(self.cut_texts) if r < 0.7 else interval_text(rng) if r < 0.9 else \
            rng.choice([None, "-1 days", "-5 seconds", "100 years"])
        r = rng.random()
        exp = None if r < 0.5 else rng.choice(exps) if r < 0.9 else rng.choice([999999, -1, max(exps) + 1])
        r = rng.random()
        mx = None if r < 0.45 else rng.randint(1, 6) if r < 0.95 else rng.choice([0, -1])
        dry = rng.random() < 0.25 if rng.random() > 0.03 else None
        return ("traces", dict(older_than=older, experiment_id=exp, max_traces=mx, dry_run=dry))

    def batches_call(self):
        rng, exps = self.rng, sorted(self.w.exps)
        older = rng.choice(self.cut_texts) if rng.random() < 0.8 else interval_text(rng)
        exp = None if rng.random() < 0.7 else rng.choice(exps)
        return ("traces_batches", dict(older_than=older, experiment_id=exp, batch_traces=rng.randint(1, 4)))


def cutoff_ms(cur, interval):
    """now() - older_than in ms since the epoch, from the database's clock and time zone (the
    transaction's now()); exact unless now() is half a millisecond off (TraceTrial avoids that)."""
    cur.execute("SELECT EXTRACT(EPOCH FROM now() - %s::interval) * 1000", (interval,))
    return int(cur.fetchone()[0].quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP))


def interval_negative(text):
    return text.strip().startswith("-")


def predict_traces(w, a, cut):
    """('error', {sqlstates}) or ('ok', [request ids, oldest first]): the documented rules only."""
    states = set()
    if a["older_than"] is None or a["dry_run"] is None:
        states.add("22004")
    if a["older_than"] is not None and interval_negative(a["older_than"]):
        states.add("22023")
    if a["max_traces"] is not None and a["max_traces"] <= 0:
        states.add("22023")
    e = a["experiment_id"]
    live = {x: v for x, v in w.exps.items() if ("exp", x) not in w.gone}
    if e is not None:
        if e < 0:
            states |= {"22023", "P0002"}
        elif e not in live:
            states.add("P0002")
        elif live[e]["stage"] != "active":
            states.add("55000")
    if states:
        return ("error", states)
    cands = sorted((ts, t) for t, ts in w.trace_ts.items()
                   if ("trace", t) not in w.gone and w.traces[t] in live and live[w.traces[t]]["stage"] == "active"
                   and (e is None or w.traces[t] == e) and ts <= cut)
    if a["max_traces"] is not None:
        cands = cands[:a["max_traces"]]
    return ("ok", [t for ts, t in cands])


class TraceTrial(diff.Trial):
    generator = TraceGenerator

    def start(self):
        """BEGIN, again while now() is within 0.1 ms of half a millisecond: the cut in ms is then the
        same whichever way the purge rounds it."""
        cur = self.cur
        while True:
            cur.execute("BEGIN")
            cur.execute("SELECT CAST(EXTRACT(MICROSECONDS FROM now()) AS int) % 1000, "
                        "CAST(EXTRACT(EPOCH FROM now()) * 1000 AS bigint)")
            frac, now_ms = cur.fetchone()
            if not 400 <= frac <= 600:
                return now_ms
            cur.execute("ROLLBACK")

    def prepare(self, g):
        self.cut_cache = dict(g.cuts)

    def cut(self, text):
        if text not in self.cut_cache:
            self.cut_cache[text] = cutoff_ms(self.cur, text)
        return self.cut_cache[text]

    def call_text(self, a):
        m = lambda v: self.cur.mogrify("%s", (v,)).decode()  # noqa: E731
        return ("SELECT table_name, rows_deleted FROM public.mlflow_purge_traces(older_than => %s::interval, "
                "experiment_id => %s::integer, max_traces => %s::integer, dry_run => %s::boolean)"
                % (m(a["older_than"]), m(a["experiment_id"]), m(a["max_traces"]), m(a["dry_run"])))

    def extra_op(self, w, op, log, has_ws, has_times):
        if op[0] == "traces_batches":
            call = self.batches_text(op[1])
            log.append(call)
            self.cur.execute("COMMIT")
            self.check_trace_batches(w, op[1], call)
            return
        a = op[1]
        call = self.call_text(a)
        log.append(call)
        self.check_traces(w, a, call)

    def row_hashes(self):
        """{table: {key: md5 of the row}}: every surviving row must keep its bytes."""
        parts = ["SELECT %s, concat_ws('|', %s), md5(t::text) FROM \"%s\" t" % (
            psycopg2.extensions.QuotedString(tb).getquoted().decode(), ", ".join('"%s"::text' % c for c in cols), tb)
            for tb, cols in self.idents.items()]
        self.cur.execute(" UNION ALL ".join(parts))
        out = {}
        for tb, key, h in self.cur.fetchall():
            out.setdefault(tb, {})[key] = h
        return out

    def audit_id(self):
        self.cur.execute("SELECT coalesce(max(id), 0) FROM mlflow_purge.audit_log")
        return self.cur.fetchone()[0]

    def check_traces(self, w, a, call):
        cur = self.cur
        p = predict_traces(w, a, self.cut(a["older_than"]) if a["older_than"] and not interval_negative(a["older_than"])
                           else None)
        before_sum = rc.checksum(cur, self.tables)[0]
        before = self.row_hashes()
        audits = self.audit_id()
        del self.conn.notices[:]
        cur.execute("SAVEPOINT call")
        try:
            cur.execute("SET LOCAL client_min_messages = notice")
            cur.execute(call)
            result = cur.fetchall()
            err = None
            cur.execute("RELEASE SAVEPOINT call")
        except psycopg2.Error as e:
            err = (e.pgcode, (e.pgerror or str(e)).strip().splitlines()[0])
            cur.execute("ROLLBACK TO SAVEPOINT call")
        if p[0] == "error":
            if err is None:
                raise diff.Failure("%s: expected an error %s, got rows %s" % (call, sorted(p[1]), result))
            if err[0] not in p[1]:
                raise diff.Failure("%s: expected SQLSTATE %s, got %s %s" % (call, sorted(p[1]), err[0], err[1]))
            if rc.checksum(cur, self.tables)[0] != before_sum or self.audit_id() != audits:
                raise diff.Failure("%s: refused with %s but the database changed" % (call, err[0]))
            diff.stat("traces: refused " + err[0])
            return
        if err is not None:
            raise diff.Failure("%s: expected success, got %s %s" % (call, err[0], err[1]))
        counts = {}
        for t, n in result:
            if t in counts:
                raise diff.Failure("%s: table %s reported twice" % (call, t))
            counts[t] = n
        gone = {("trace", t) for t in p[1]}
        want = {}
        for (t, ident), owners in w.rows.items():
            if w.alive(owners) and owners & gone:
                want[t] = want.get(t, 0) + 1
        for t in set(want) | set(counts):
            if counts.get(t, 0) != want.get(t, 0):
                raise diff.Failure("%s: reports %s rows of %s, the oracle says %s (%d traces: %s)" % (
                    call, counts.get(t, 0), t, want.get(t, 0), len(p[1]), p[1][:4]))
        self.check_audit(call, a, counts, audits)
        if a["dry_run"]:
            if rc.checksum(cur, self.tables)[0] != before_sum:
                raise diff.Failure("%s: a dry run changed the database" % call)
            diff.stat("traces: dry runs")
            return
        w.gone |= gone
        snap = self.verify(w, call)
        after = self.row_hashes()
        for t, rows in after.items():
            for key, h in rows.items():
                if before.get(t, {}).get(key) != h:
                    raise diff.Failure("%s: row %s of %s changed" % (call, key, t))
        for t in self.idents:
            removed = len(before.get(t, {})) - len(snap.get(t, ()))
            if counts.get(t, 0) != removed:
                raise diff.Failure("%s: result says %s rows of %s, %s were removed" % (call, counts.get(t, 0), t, removed))
        self.check_queue_notice(w, call, p[1])
        diff.stat("traces: purges")
        diff.stat("traces: traces purged", len(p[1]))
        diff.stat("traces: rows purged", sum(counts.values()))

    def check_audit(self, call, a, counts, last_id):
        """One audit row, in the call's transaction, with the counts the call returned."""
        self.cur.execute("SELECT function_name, dry_run, table_counts::text, total_rows FROM mlflow_purge.audit_log "
                         "WHERE id > %s ORDER BY id", (last_id,))
        rows = self.cur.fetchall()
        returned = {t: v for t, v in counts.items() if v}
        if len(rows) == 1:
            fn, dry, table_counts, total = rows[0]
            got = {t: int(v) for t, v in json.loads(table_counts).items() if int(v)}
            if fn == "mlflow_purge_traces" and dry == a["dry_run"] and got == returned and total == sum(counts.values()):
                return
        raise diff.Failure("%s: audit rows %s for a call that returned %s" % (call, rows, counts))

    def check_queue_notice(self, w, call, purged):
        """review_queue_traces rows naming a purged trace stay (verify checked), and a NOTICE
        names them."""
        purged = set(purged)
        n = sum(1 for t, owners in w.queued if t in purged and w.alive(owners))
        text = [m for m in self.conn.notices if "review_queue_traces" in m]
        if n and not any(re.search(r"\b%d row(s|\(s\))? of review_queue_traces" % n, m) for m in text):
            raise diff.Failure("%s: %d kept review_queue_traces rows name purged traces, notices: %s" % (
                call, n, text or self.conn.notices[-3:]))
        if n:
            diff.stat("traces: kept review queue entries reported", n)

    # ---- the batched procedure ----------------------------------------------------------------
    def batches_text(self, a):
        m = lambda v: self.cur.mogrify("%s", (v,)).decode()  # noqa: E731
        return ("CALL public.mlflow_purge_traces_in_batches(older_than => %s::interval, experiment_id => %s::integer, "
                "batch_traces => %s::integer)" % (m(a["older_than"]), m(a["experiment_id"]), m(a["batch_traces"])))

    def check_trace_batches(self, w, a, call):
        """Outside a transaction block. Each batch takes its own now(), so a trace the cut passes
        while the procedure runs may go or stay: every trace older than the cut before the CALL
        must be gone, none newer than the cut after it; the rest is what one unlimited call
        leaves (every table by key, no orphan), with one audit row per batch."""
        cur = self.cur
        one = dict(older_than=a["older_than"], experiment_id=a["experiment_id"], max_traces=None, dry_run=False)
        p = predict_traces(w, one, self.fresh_cut(a["older_than"]))
        before = {t: len(v) for t, v in self.snapshot().items()}
        last_id = self.audit_id()
        cur.execute("SET client_min_messages = warning")
        err = rc.sqlstate_of(lambda: cur.execute(call))[0]
        cur.execute("RESET client_min_messages")
        if p[0] == "error":
            if err not in p[1]:
                raise diff.Failure("%s: expected SQLSTATE %s, got %s" % (call, sorted(p[1]), err))
            diff.stat("traces batched: refused " + err)
            return
        if err is not None:
            raise diff.Failure("%s: expected success, got %s" % (call, err))
        latest = predict_traces(w, one, self.fresh_cut(a["older_than"]))[1]
        cur.execute("SELECT request_id FROM trace_info")
        left = {r[0] for r in cur.fetchall()}
        gone = {t for t in latest if t not in left}
        if not set(p[1]) <= gone:
            raise diff.Failure("%s: traces older than the cut before the call left: %s" % (call, sorted(set(p[1]) - gone)[:5]))
        w.gone |= {("trace", t) for t in gone}
        snap = self.verify(w, call)
        removed = sum(before.get(t, 0) - len(snap.get(t, ())) for t in self.idents)
        cur.execute("SELECT count(*) FILTER (WHERE function_name = 'mlflow_purge_traces'), "
                    "count(*) FILTER (WHERE function_name = 'mlflow_purge_traces' AND arguments->>'max_traces' = %s), "
                    "coalesce(sum(total_rows) FILTER (WHERE function_name = 'mlflow_purge_traces'), 0), "
                    "sum(total_rows) FILTER (WHERE function_name = 'mlflow_purge_traces_in_batches'), "
                    "string_agg(arguments->>'stopped_by', ',') FILTER (WHERE function_name = 'mlflow_purge_traces_in_batches') "
                    "FROM mlflow_purge.audit_log WHERE id > %s", (str(a["batch_traces"]), last_id))
        calls, sized, total, summary, stopped = cur.fetchone()
        if calls < 1 or sized != calls or calls < -(-len(gone) // a["batch_traces"]) or total != removed or \
                summary != removed or stopped != "nothing left":
            raise diff.Failure("%s: %s batch audit rows (%s with max_traces %s) summing %s rows, summary %s stopped by %s; "
                               "%d traces, %s rows were removed" % (call, calls, sized, a["batch_traces"], total, summary,
                                                                    stopped, len(gone), removed))
        diff.stat("traces batched: purges")
        diff.stat("traces batched: batches", calls)
        diff.stat("traces batched: traces purged", len(gone))

    def fresh_cut(self, interval):
        self.cur.execute("BEGIN")
        cut = cutoff_ms(self.cur, interval)
        self.cur.execute("ROLLBACK")
        return cut
