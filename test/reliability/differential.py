#!/usr/bin/python3
"""Randomized differential test of mlflow_purge (issue 5, part 1).

For each MLflow fixture schema, each trial (seeded, reproducible) builds a random MLflow
database with every entity kind the schema has, then runs a random sequence of soft deletes,
restores (runs restored inside deleted experiments, experiments restored with their runs still
deleted) and purge calls with random options. An oracle that knows only what the generator
inserted and the ownership rules of docs/design.md / README.md (never pg_constraint, never the
extension's planner) predicts the outcome of every call: the SQLSTATE of a refused call, or
exactly which rows must be gone. After every call it checks:

  * no row of a surviving entity lost, no row of a purged entity left (every table, by key);
  * ON DELETE SET NULL references nulled exactly when their target was purged;
  * no orphan anywhere (independent queries over the soft links and foreign keys);
  * the result rows equal the rows actually removed from each table (and for a dry run, the
    rows the oracle says a real purge would remove, with nothing changed: checksum);
  * a refused call changed nothing (checksum over every row of every table).

Each trial runs in one transaction (each call under a savepoint) and is rolled back, so the
trials of a schema share one scratch database. A failing trial prints its seed, the replay
command, and the smallest reproducing sequence of statements (greedy shrinking).

Batched mode (issue 16): --batched-trials more trials per schema end with
CALL mlflow_purge_deleted_in_batches(older_than, batch_runs, model_versions) instead of the calls:
the generated database and its soft deletes and restores are committed (in a fresh scratch
database per trial), the procedure commits batch after batch, and the oracle's prediction for one
unlimited mlflow_purge_deleted(older_than) must hold exactly at the end (every table, by key; SET
NULL; no orphan), with one audit row per batch (max_runs = batch_runs) and a summary row whose
total is the rows removed. Where one call would be refused (a guarded scorer: 2BP01), the batches
before the refused one stay committed: then nothing outside the predicted set may be gone.

Trace mode (issue 18, differential_traces.py): --traces runs mlflow_purge_traces and
mlflow_purge_traces_in_batches trials on 2.22.1 and 3.11 (25 + 4 batched each), or with
--revisions on the revisions that have trace_info (2 each).

  differential.py [--traces] [--trials N] [--batched-trials N] [--seed S] [--schemas 1.30.1,...] [--trial-seed X [--batched]]
  RELIABILITY_LONG=1 ... : 500 trials per schema (default 50), 50 batched (default 5)
"""
import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import relcommon as rc  # noqa: E402
import psycopg2  # noqa: E402

DAY_MS = 86400 * 1000

# Columns that identify a row of each table (the primary keys of docs/mlflow-schema.md,
# minus float/bool columns: the generator keeps these unique).
IDENT = {
    "experiments": ["experiment_id"], "experiment_tags": ["experiment_id", "key"],
    "runs": ["run_uuid"], "metrics": ["run_uuid", "key", "timestamp", "step"],
    "latest_metrics": ["run_uuid", "key"], "params": ["run_uuid", "key"], "tags": ["run_uuid", "key"],
    "datasets": ["dataset_uuid"], "inputs": ["input_uuid"], "input_tags": ["input_uuid", "name"],
    "trace_info": ["request_id"], "trace_tags": ["request_id", "key"],
    "trace_request_metadata": ["request_id", "key"], "trace_metrics": ["request_id", "key"],
    "assessments": ["assessment_id"], "spans": ["trace_id", "span_id"],
    "span_metrics": ["trace_id", "span_id", "key"], "logged_models": ["model_id"],
    "logged_model_params": ["model_id", "param_key"], "logged_model_tags": ["model_id", "tag_key"],
    "logged_model_metrics": ["model_id", "metric_name", "run_id"],
    "scorers": ["scorer_id"], "scorer_versions": ["scorer_id", "scorer_version"],
    "online_scoring_configs": ["online_scoring_config_id"], "issues": ["issue_id"],
    "endpoints": ["endpoint_id"], "entity_associations": ["association_id"],
    "registered_models": ["name"], "registered_model_tags": ["name", "key"],
    "model_versions": ["name", "version"], "model_version_tags": ["name", "version", "key"],
    "registered_model_aliases": ["name", "alias"],
    "workspaces": ["name"], "jobs": ["id"], "secrets": ["secret_id"],
    "model_definitions": ["model_definition_id"], "endpoint_tags": ["endpoint_id", "key"],
    "endpoint_bindings": ["endpoint_id", "resource_type", "resource_id"],
    "endpoint_model_mappings": ["mapping_id"], "webhooks": ["webhook_id"],
    "webhook_events": ["webhook_id", "entity", "action"], "budget_policies": ["budget_policy_id"],
    "evaluation_datasets": ["dataset_id"], "evaluation_dataset_records": ["dataset_record_id"],
    "evaluation_dataset_tags": ["dataset_id", "key"], "guardrails": ["guardrail_id"],
    "guardrail_configs": ["endpoint_id", "guardrail_id"],
}

FILL = {"character varying": "x", "text": "x", "integer": 1, "bigint": 1, "double precision": 0.5,
        "boolean": False, "json": "{}", "bytea": psycopg2.Binary(b"\x00")}
# Types only the newer revisions use, for the generic filler (any type of the catalog is filled).
FILL_MORE = {"smallint": 1, "real": 0.5, "numeric": 1, "jsonb": "{}", "date": "2026-01-01",
             "timestamp without time zone": "2026-01-01", "timestamp with time zone": "2026-01-01", "uuid": None}


def primary_keys(cur):
    cur.execute("SELECT c.relname, array_agg(a.attname::text ORDER BY k.i) FROM pg_constraint con "
                "JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                "CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY k(attnum, i) "
                "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum "
                "WHERE con.contype = 'p' AND n.nspname = 'public' GROUP BY c.relname")
    return {t: list(cols) for t, cols in cur.fetchall()}


def ident_of(table, pk):
    """IDENT, or for a table it does not list the primary key the catalog gives."""
    return IDENT.get(table) or pk.get(table)


class Failure(Exception):
    pass


class World:
    """What the generator inserted: entities, and every row with the entities that own it."""

    def __init__(self):
        self.rows = {}        # (table, ident) -> frozenset of owner entities, e.g. ("run", id)
        self.exps = {}        # id -> dict(name, ws, stage, time)
        self.runs = {}        # uuid -> dict(exp, stage, time)
        self.datasets = {}    # uuid -> exp
        self.traces = {}      # request_id -> exp
        self.models = {}      # model_id -> exp
        self.scorers = {}     # scorer_id -> exp
        self.guarded = set()  # scorer ids a guardrail uses
        self.mvs = {}         # (name, version) -> run id or None
        self.nulls = []       # (table, ident, column, owner entity): SET NULL references
        self.gone = set()     # purged entities

    def alive(self, owners):
        return not (owners & self.gone)


class Generator:
    def __init__(self, cur, version, seed):
        self.cur, self.version, self.rng = cur, version, random.Random(seed)
        cur.execute("SELECT table_name, column_name, data_type, is_nullable = 'NO', column_default IS NOT NULL "
                    "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY ordinal_position")
        self.cols = {}
        for t, c, ty, notnull, hasdef in cur.fetchall():
            self.cols.setdefault(t, []).append((c, ty, notnull, hasdef))
        cur.execute("SELECT table_name, column_name, character_maximum_length FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND character_maximum_length IS NOT NULL")
        self.width = {(t, c): n for t, c, n in cur.fetchall()}
        self.pk = primary_keys(cur)
        # single- and multi-column foreign keys inside the schema: (child, [cols], parent, [cols], action)
        cur.execute("SELECT cc.relname, pc.relname, con.confdeltype, "
                    "  ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, i) "
                    "        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i), "
                    "  ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, i) "
                    "        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i) "
                    "FROM pg_constraint con JOIN pg_class cc ON cc.oid = con.conrelid "
                    "JOIN pg_class pc ON pc.oid = con.confrelid JOIN pg_namespace n ON n.oid = cc.relnamespace "
                    "WHERE con.contype = 'f' AND n.nspname = 'public' ORDER BY 1, 2, 4")
        self.fks = [(c, list(cc), p, list(pcs), a) for c, p, a, cc, pcs in cur.fetchall()]
        self.generic = {}  # table -> [(row, owners)] the catalog filler inserted
        self.w = World()
        self.sql = []
        self.n = 0
        self.workspaces = ["default", "team-a"] if self.col("experiments", "workspace") else [None]

    def has(self, table):
        return table in self.cols

    def notnull(self, table, column):
        return any(c == column and nn for c, ty, nn, hasdef in self.cols.get(table, []))

    def col(self, table, column):
        return any(c == column for c, *_ in self.cols.get(table, []))

    def uid(self, prefix=""):
        self.n += 1
        return (prefix + "%032x" % self.rng.getrandbits(128))[:32]

    def ins(self, table, owners, **values):
        if not self.has(table):
            return None
        row = {}
        for c, ty, notnull, hasdef in self.cols[table]:
            if c in values:
                row[c] = values[c]
            elif notnull and not hasdef:
                row[c] = FILL[ty]
        names = list(row)
        self.sql.append(self.cur.mogrify('INSERT INTO "%s" (%s) VALUES (%s)' % (
            table, ", ".join('"%s"' % c for c in names), ", ".join(["%s"] * len(names))),
            [row[c] for c in names]).decode())
        ident = tuple(str(row[c]) for c in ident_of(table, self.pk))
        key = (table, ident)
        assert key not in self.w.rows, key
        self.w.rows[key] = frozenset(owners)
        return key

    def build(self, now_ms):
        rng, w = self.rng, self.w
        self.now_ms = now_ms
        w.rows[("experiments", ("0",))] = frozenset([("exp", 0)])
        w.exps[0] = dict(name="Default", ws=self.workspaces[0], stage="active", time=None)
        if self.has("workspaces"):
            w.rows[("workspaces", ("default",))] = frozenset()
            self.ins("workspaces", [], name="team-a")
        self.preexisting()
        nexp = rng.randint(3, 6)
        names = ["exp-%d" % i for i in range(1, nexp + 1)]
        if len(self.workspaces) > 1:
            names[-1] = names[0]  # the same name in two workspaces (3.10+)
        for i in range(1, nexp + 1):
            ws = self.workspaces[0] if len(self.workspaces) == 1 or i == 1 else rng.choice(self.workspaces)
            if len(self.workspaces) > 1 and i == nexp:
                ws = "team-a" if w.exps[1]["ws"] == "default" else "default"
            self.ins("experiments", [("exp", i)], experiment_id=i, name=names[i - 1], lifecycle_stage="active",
                     artifact_location="s3://b/%d" % i, creation_time=now_ms - 400 * DAY_MS,
                     last_update_time=now_ms - 300 * DAY_MS, workspace=ws)
            w.exps[i] = dict(name=names[i - 1], ws=ws, stage="active", time=now_ms - 300 * DAY_MS)
            for k in range(rng.randint(0, 2)):
                self.ins("experiment_tags", [("exp", i)], experiment_id=i, key="et%d" % k, value="v")
        for e in list(w.exps):
            for _ in range(rng.randint(0, 1) if e == 0 else rng.randint(0, 4)):
                self.make_run(e)
        runs = list(w.runs)
        pick_run = lambda: rng.choice(runs) if runs else None  # noqa: E731
        for e in list(w.exps):
            if e == 0:
                continue
            for _ in range(rng.randint(0, 2)):
                d = self.uid("d")
                if self.ins("datasets", [("dataset", d)], dataset_uuid=d, experiment_id=e, name="ds-" + d[:6],
                            digest=d[:8], dataset_source_type="local", dataset_source="{}"):
                    w.datasets[d] = e
            for _ in range(rng.randint(0, 2)):
                self.make_trace(e, pick_run)
            for _ in range(rng.randint(0, 2)):
                self.make_model(e, pick_run)
            if self.has("scorers") and rng.random() < 0.6:
                s = self.uid("s")
                self.ins("scorers", [("scorer", s)], scorer_id=s, experiment_id=e, scorer_name="sc" + s[:4])
                w.scorers[s] = e
                for v in range(1, rng.randint(1, 2) + 1):
                    self.ins("scorer_versions", [("scorer", s)], scorer_id=s, scorer_version=v, serialized_scorer="{}")
                if rng.random() < 0.5:
                    self.ins("online_scoring_configs", [("scorer", s), ("exp", e)], online_scoring_config_id=self.uid("o"),
                             scorer_id=s, experiment_id=e, sample_rate=0.5)
                if self.has("guardrails") and rng.random() < 0.15:
                    self.ins("guardrails", [], guardrail_id=self.uid("g"), name="g", scorer_id=s, scorer_version=1,
                             stage="PRE", action="BLOCK", created_at=1, last_updated_at=1)
                    w.guarded.add(s)
            if self.has("issues") and rng.random() < 0.5:
                r = pick_run()
                key = self.ins("issues", [("exp", e)], issue_id=self.uid("i"), experiment_id=e, name="n", description="d",
                               status="open", source_run_id=r, created_timestamp=1, last_updated_timestamp=1)
                if r and key and self.col("issues", "source_run_id"):
                    w.nulls.append((key, "source_run_id", ("run", r)))
        # inputs: dataset -> run (datasets are shared across experiments before 3.10)
        for r in runs:
            for d in rng.sample(sorted(w.datasets), min(len(w.datasets), rng.randint(0, 2))):
                self.make_input([("dataset", d), ("run", r)], "DATASET", d, "RUN", r)
        for m in sorted(w.models):
            if runs and rng.random() < 0.4:
                r = pick_run()
                self.make_input([("run", r), ("model", m)], rng.choice(["RUN_INPUT", "RUN_OUTPUT"]), r,
                                rng.choice(["MODEL_INPUT", "MODEL_OUTPUT"]), m)
        # entity_associations: runs, experiments, traces, models on either side; other kinds stay
        if self.has("entity_associations"):
            ents = [("run", "run", r) for r in runs] + [("experiment", "exp", e) for e in w.exps if e] + \
                   [("trace", "trace", t) for t in w.traces] + [("model", "model", m) for m in w.models]
            seen = set()
            for _ in range(rng.randint(1, 5)):
                a = rng.choice(ents + [("evaluation_dataset", None, "eds-1"), ("prompt_version", None, "pv-1")])
                b = rng.choice(ents + [("prompt_version", None, "pv-2")])
                if (a, b) in seen:
                    continue
                seen.add((a, b))
                owners = [(x[1], x[2]) for x in (a, b) if x[1]]
                self.ins("entity_associations", owners, association_id=self.uid("a"), source_type=a[0],
                         source_id=str(a[2]), destination_type=b[0], destination_id=str(b[2]))
        # the model registry: versions point at runs (a reference, or owned under 'delete')
        ws = self.workspaces[0]
        for k in range(rng.randint(1, 2)):
            name = "model-%d" % k
            self.ins("registered_models", [], name=name, workspace=ws)
            self.ins("registered_model_tags", [], name=name, key="t", value="v", workspace=ws)
            for v in range(1, rng.randint(0, 3) + 1):
                # run_id is NOT NULL before revision 13 (a8c4a736bde6 "allow nulls for run_id")
                r = pick_run() if rng.random() < 0.8 or self.notnull("model_versions", "run_id") else None
                if r is None and self.notnull("model_versions", "run_id"):
                    continue
                mv = ("mv", (name, v))
                if self.ins("model_versions", [mv], name=name, version=v, run_id=r, source="runs:/%s/m" % r,
                            workspace=ws):  # the registry exists from revision 07 on
                    w.mvs[(name, v)] = r
                if rng.random() < 0.5:
                    self.ins("model_version_tags", [mv], name=name, version=v, key="k", value="v", workspace=ws)
                if rng.random() < 0.4:
                    self.ins("registered_model_aliases", [mv], name=name, alias="a%d" % v, version=v, workspace=ws)
        self.unrelated()
        self.cur.execute(";\n".join(self.sql))
        self.sql = []
        self.catalog_fill()

    def make_run(self, e):
        rng, w = self.rng, self.w
        r = self.uid()
        o = [("run", r)]
        self.ins("runs", o, run_uuid=r, experiment_id=e, lifecycle_stage="active", status="FINISHED",
                 source_type="LOCAL", artifact_uri="s3://b/%d/%s" % (e, r), start_time=1)
        w.runs[r] = dict(exp=e, stage="active", time=None)
        keys = ["m%d" % i for i in range(rng.randint(0, 3))]
        for i, k in enumerate(keys):
            for s in range(rng.randint(1, 2)):
                self.ins("metrics", o, run_uuid=r, key=k, timestamp=1000 + s, step=s, value=s + 0.5, is_nan=False)
            self.ins("latest_metrics", o, run_uuid=r, key=k, timestamp=1000, step=0, value=0.5, is_nan=False)
        for i in range(rng.randint(0, 2)):
            self.ins("params", o, run_uuid=r, key="p%d" % i, value="v")
        for i in range(rng.randint(0, 2)):
            self.ins("tags", o, run_uuid=r, key="t%d" % i, value="v")

    def make_input(self, owners, st, sid, dt, did):
        u = self.uid("u")
        if self.ins("inputs", owners, input_uuid=u, source_type=st, source_id=sid, destination_type=dt,
                    destination_id=did):
            for k in range(self.rng.randint(0, 2)):
                self.ins("input_tags", owners, input_uuid=u, name="n%d" % k, value="v")

    def make_trace(self, e, pick_run):
        rng, w = self.rng, self.w
        t = self.uid("tr-")
        o = [("trace", t)]
        if not self.ins("trace_info", o, request_id=t, experiment_id=e, timestamp_ms=1, status="OK"):
            return
        w.traces[t] = e
        self.ins("trace_tags", o, request_id=t, key="k", value="v")
        r = pick_run()
        if r and rng.random() < 0.5:  # a reference to the run that produced it: the trace survives the run
            self.ins("trace_request_metadata", o, request_id=t, key="mlflow.sourceRun", value=r)
        self.ins("trace_metrics", o, request_id=t, key="latency", value=0.5)
        if self.has("assessments") and rng.random() < 0.6:
            self.ins("assessments", o, assessment_id=self.uid("as"), trace_id=t, name="n", assessment_type="f",
                     value="1", created_timestamp=1, last_updated_timestamp=1, source_type="HUMAN", valid=True,
                     run_id=r)
        if self.has("spans"):
            for s in range(rng.randint(0, 2)):
                sp = "span%d" % s
                so = o + [("exp", e)]
                self.ins("spans", so, trace_id=t, span_id=sp, experiment_id=e, status="OK", start_time_unix_nano=1,
                         content="{}")
                if rng.random() < 0.5:
                    self.ins("span_metrics", so, trace_id=t, span_id=sp, key="k", value=0.5)

    def make_model(self, e, pick_run):
        rng, w = self.rng, self.w
        m = self.uid("m-")
        o = [("model", m)]
        r = pick_run() if rng.random() < 0.6 else None
        if not self.ins("logged_models", o, model_id=m, experiment_id=e, name="lm", artifact_location="s3://m/" + m,
                        creation_timestamp_ms=1, last_updated_timestamp_ms=1, status=1, lifecycle_stage="active",
                        source_run_id=r):
            return
        w.models[m] = e
        self.ins("logged_model_params", o + [("exp", e)], model_id=m, experiment_id=e, param_key="p", param_value="v")
        self.ins("logged_model_tags", o + [("exp", e)], model_id=m, experiment_id=e, tag_key="t", tag_value="v")
        for k in range(rng.randint(0, 2)):
            mr = pick_run()
            if mr:
                self.ins("logged_model_metrics", o + [("exp", e), ("run", mr)], model_id=m, metric_name="acc%d" % k,
                         metric_timestamp_ms=1, metric_step=0, metric_value=0.5, experiment_id=e, run_id=mr)

    def unrelated(self):
        """Rows no purge may touch: the tables of 3.x that do not hang off experiments or runs."""
        rng, w = self.rng, self.w
        if not self.has("jobs"):
            return
        self.ins("jobs", [], id=self.uid("j"), job_name="j", params='{"experiment_id": 1}', status=0, creation_time=1,
                 retry_count=0, last_update_time=1)
        sec = self.uid("sec")
        self.ins("secrets", [], secret_id=sec, secret_name="s", kek_version=1, masked_value="*", created_at=1,
                 last_updated_at=1)
        md = self.uid("md")
        self.ins("model_definitions", [], model_definition_id=md, name="md", secret_id=sec, provider="p",
                 model_name="m", created_at=1, last_updated_at=1)
        exps = [e for e in w.exps if e]
        for _ in range(rng.randint(1, 2)):
            ep = self.uid("ep")
            e = rng.choice(exps)
            key = self.ins("endpoints", [], endpoint_id=ep, name=ep[:8], experiment_id=e, created_at=1,
                           last_updated_at=1)
            if key and self.col("endpoints", "experiment_id"):  # endpoints: revision 41, the column 47
                w.nulls.append((key, "experiment_id", ("exp", e)))
            self.ins("endpoint_tags", [], endpoint_id=ep, key="k", value="v")
            self.ins("endpoint_bindings", [], endpoint_id=ep, resource_type="experiment", resource_id=str(e),
                     created_at=1, last_updated_at=1)
            self.ins("endpoint_model_mappings", [], mapping_id=self.uid("mm"), endpoint_id=ep, model_definition_id=md,
                     weight=1.0, created_at=1)
        wh = self.uid("wh")
        self.ins("webhooks", [], webhook_id=wh, name="w", url="http://x")
        self.ins("webhook_events", [], webhook_id=wh, entity="run", action="deleted")
        self.ins("budget_policies", [], budget_policy_id=self.uid("b"), created_at=1, last_updated_at=1)
        ed = self.uid("ed")
        self.ins("evaluation_datasets", [], dataset_id=ed, name="ed")
        self.ins("evaluation_dataset_records", [], dataset_record_id=self.uid("er"), dataset_id=ed, inputs="{}",
                 input_hash="h")
        self.ins("evaluation_dataset_tags", [], dataset_id=ed, key="k", value="v")

    def preexisting(self):
        """Rows the revision's own migrations inserted (alembic_version, ...): nobody owns them."""
        parts = []
        for t in sorted(self.cols):
            ident = ident_of(t, self.pk)
            if ident and t != "experiments":
                parts.append("SELECT %s::text, ARRAY[%s] FROM \"%s\"" % (
                    psycopg2.extensions.QuotedString(t).getquoted().decode(),
                    ", ".join('"%s"::text' % c for c in ident), t))
        if parts:
            self.cur.execute(" UNION ALL ".join(parts))
            for t, ident in self.cur.fetchall():
                self.w.rows.setdefault((t, tuple(ident)), frozenset())

    # ---- the catalog filler: tables the generator above does not know --------------------------
    def value(self, table, column, ty):
        """A value of the column's type, unique for text (keys, unique names), within its width."""
        if ty in ("character varying", "text", "character"):
            return self.uid("g")[:self.width.get((table, column), 32)]
        if ty in ("integer", "bigint", "smallint"):
            self.n += 1
            return self.n
        if ty == "uuid":
            return "%08x-0000-4000-8000-%012x" % (self.rng.getrandbits(32), self.rng.getrandbits(48))
        return FILL.get(ty, FILL_MORE.get(ty))

    def catalog_fill(self):
        """Fills, from the catalog alone, every table IDENT does not list (what newer MLflow
        revisions add): a table keyed by experiment_id gets rows of random experiments, owned by
        the experiment unless its foreign key sets NULL (a column named experiment_id without a
        foreign key is the experiment's, as DESIGN.md says of every soft link we know, except a
        copy of its trace's experiment in assessments, which the hand-written generator fills);
        a table whose required foreign keys all point at such rows gets children owned like
        their parent; a table with no required foreign key gets one row nobody owns (it must
        survive every purge). Each insert runs under a savepoint: a value a CHECK constraint
        refuses only skips that row."""
        rng, w = self.rng, self.w
        exps = [e for e in sorted(w.exps) if e]
        unknown = sorted(t for t in self.cols if t not in IDENT and t != "alembic_version")
        for depth in range(3):
            for table in unknown:
                if table in self.generic:
                    continue
                plan = self.fill_plan(table)
                if plan is None or (plan[1] == "children") != (depth > 0):
                    continue
                _, kind, links = plan
                self.generic[table] = []
                if kind == "experiment":
                    for e in rng.sample(exps, min(len(exps), rng.randint(1, 3))):
                        self.generic_insert(table, {"experiment_id": e}, links, e)
                elif kind == "children":
                    parent, pcols, ccols = links[0]
                    for prow, powners in list(self.generic[parent]):
                        for _ in range(rng.randint(0, 2)):
                            self.generic_insert(table, {c: prow[pc] for c, pc in zip(ccols, pcols)}, [],
                                                None, powners)
                else:
                    self.generic_insert(table, {}, links, None)

    def fill_plan(self, table):
        """(depth, kind, links) or None when the filler cannot make a valid row for the table."""
        required = {c for c, ty, notnull, hasdef in self.cols[table] if notnull and not hasdef}
        fks = [fk for fk in self.fks if fk[0] == table]
        fk_cols = {c for fk in fks for c in fk[1]}
        has_exp = self.col(table, "experiment_id")
        exp_fk = [fk for fk in fks if fk[1] == ["experiment_id"] and fk[2] == "experiments"]
        other = [fk for fk in fks if fk not in exp_fk and not (fk[2] == "workspaces" and fk[1] == ["workspace"])]
        if has_exp and not other:
            return (0, "experiment", exp_fk)
        if has_exp:
            return None
        needed = [fk for fk in other if set(fk[1]) & required]
        if len(needed) == 1 and needed[0][2] in self.generic and needed[0][4] in ("c", "a", "r") and \
                not (required & fk_cols) - set(needed[0][1]) and len(other) == 1:
            fk = needed[0]
            return (None, "children", [(fk[2], fk[3], fk[1])])
        if not needed and not (required & fk_cols - {"workspace"}):
            return (0, "unowned", [])
        return None

    def generic_insert(self, table, given, links, exp, parent_owners=frozenset()):
        row = dict(given)
        for c, ty, notnull, hasdef in self.cols[table]:
            if c in row or (hasdef and c not in self.pk.get(table, [])):
                continue
            if c == "workspace" and self.has("workspaces"):
                row[c] = "default"
            elif notnull or c in self.pk.get(table, []):
                row[c] = self.value(table, c, ty)
        set_null = any(fk[4] in ("n", "d") for fk in links)
        owners = set(parent_owners)
        if exp is not None and not set_null:
            owners.add(("exp", exp))
        names = list(row)
        sql = self.cur.mogrify('INSERT INTO "%s" (%s) VALUES (%s)' % (
            table, ", ".join('"%s"' % c for c in names), ", ".join(["%s"] * len(names))),
            [row[c] for c in names]).decode()
        self.cur.execute("SAVEPOINT fill")
        try:
            self.cur.execute(sql)
        except psycopg2.Error:
            self.cur.execute("ROLLBACK TO SAVEPOINT fill")
            stat("catalog filler rows refused by the schema")
            return
        self.cur.execute("RELEASE SAVEPOINT fill")
        key = (table, tuple(str(row[c]) for c in ident_of(table, self.pk)))
        self.w.rows[key] = frozenset(owners)
        if exp is not None and set_null:
            self.w.nulls.append((key, "experiment_id", ("exp", exp)))
        self.generic[table].append((row, frozenset(owners)))
        stat("catalog filler rows")

    # ---- the operations of a trial ------------------------------------------------------------
    def ops(self):
        rng, w = self.rng, self.w
        ops = []
        exps = sorted(w.exps)
        runs = sorted(w.runs)
        for _ in range(rng.randint(4, 7)):  # initial soft deletes, as users make them
            ops.append(self.mutation(exps, runs, deletes_only=True))
        for _ in range(rng.randint(5, 10)):
            if rng.random() < 0.4:
                ops.append(self.mutation(exps, runs))
            else:
                ops.append(self.purge_call(exps, runs))
        ops.append(("call", "mlflow_purge_deleted", dict(older_than=None, max_runs=None, dry_run=False,
                                                          model_versions=rng.choice(["keep", "delete"]))))
        return ops

    def batches_call(self):
        rng = self.rng
        older = rng.choice([None, None, "%d days" % rng.randint(0, 60), "%d hours" % (24 * rng.randint(1, 40) + 12)])
        return ("batches", dict(older_than=older, batch_runs=rng.randint(1, 4), model_versions=rng.choice(["keep", "delete"])))

    def age(self):
        r = self.rng.random()
        return None if r < 0.12 else self.now_ms - int((self.rng.randint(0, 60) + 0.5) * DAY_MS)

    def mutation(self, exps, runs, deletes_only=False):
        rng = self.rng
        kinds = ["delete_run", "delete_exp", "delete_exp_keep_runs"]
        if not deletes_only:
            kinds += ["restore_run", "restore_exp", "restore_exp_with_runs", "delete_run"]
        k = rng.choice(kinds)
        if k.endswith("_run") and runs:
            return ("mut", k, rng.choice(runs), self.age())
        if k.endswith("_run"):
            k = "delete_exp"
        target = 0 if rng.random() < 0.03 else rng.choice([e for e in exps if e])  # rarely even Default
        return ("mut", k, target, self.age())

    def purge_call(self, exps, runs):
        rng = self.rng
        mv = rng.choice(["keep", "keep", "delete", "error"])
        dry = rng.random() < 0.25
        kind = rng.choice(["exp", "exp", "name", "run", "run", "deleted", "deleted", "deleted"])
        if kind == "exp":
            e = rng.choice(exps + [999] if rng.random() < 0.1 else exps)
            return ("call", "mlflow_purge_experiment", dict(experiment_id=e, dry_run=dry, model_versions=mv))
        if kind == "name":
            e = rng.choice(exps)
            ws = None
            if len(self.workspaces) > 1 and rng.random() < 0.6:
                ws = self.w.exps[e]["ws"] if rng.random() < 0.8 else "nowhere"
            name = self.w.exps[e]["name"] if rng.random() < 0.95 else "no-such-name"
            return ("call", "mlflow_purge_experiment_by_name", dict(name=name, workspace=ws, dry_run=dry,
                                                                     model_versions=mv))
        if kind == "run" and runs:
            r = rng.choice(runs) if rng.random() < 0.95 else "f" * 32
            return ("call", "mlflow_purge_run", dict(run_id=r, dry_run=dry, model_versions=mv))
        older = rng.choice([None, None, "%d days" % rng.randint(0, 60), "%d hours" % (24 * rng.randint(1, 40) + 12)])
        max_runs = rng.choice([None, None, rng.randint(1, 6)])
        return ("call", "mlflow_purge_deleted", dict(older_than=older, max_runs=max_runs, dry_run=dry,
                                                      model_versions=mv))


# ---- the oracle -------------------------------------------------------------------------------
def apply_mutation(w, op):
    """The soft delete or restore as MLflow makes it at this revision: runs.deleted_time (1.28+)
    and experiments.last_update_time (1.29+) only where the columns exist; without them the
    deletion time is unknown (None), as for deletions made before MLflow recorded it."""
    _, kind, target, when = op
    run_time, exp_time = getattr(w, "run_time", True), getattr(w, "exp_time", True)
    run_set = (", deleted_time = %s", ", deleted_time = NULL") if run_time else ("", "")
    if kind in ("delete_run", "restore_run"):
        run = w.runs.get(target)
        if run is None or ("run", target) in w.gone:
            return None
        if kind == "delete_run":
            run.update(stage="deleted", time=when if run_time else None)
            return [("UPDATE runs SET lifecycle_stage = 'deleted'" + run_set[0] + " WHERE run_uuid = %s",
                     ((when,) if run_time else ()) + (target,))]
        run.update(stage="active", time=None)
        return [("UPDATE runs SET lifecycle_stage = 'active'" + run_set[1] + " WHERE run_uuid = %s", (target,))]
    exp = w.exps.get(target)
    if exp is None or ("exp", target) in w.gone:
        return None
    exp_set = ", last_update_time = %s" if exp_time else ""
    stmts = []
    if kind.startswith("delete_exp"):
        exp.update(stage="deleted", time=when if exp_time else None)
        stmts.append(("UPDATE experiments SET lifecycle_stage = 'deleted'" + exp_set + " WHERE experiment_id = %s",
                      ((when,) if exp_time else ()) + (target,)))
        if kind == "delete_exp":  # MLflow >= 1.27 deletes the runs with their experiment
            for r in w.runs.values():
                if r["exp"] == target and r["stage"] == "active":
                    r.update(stage="deleted", time=when if run_time else None)
            stmts.append(("UPDATE runs SET lifecycle_stage = 'deleted'" + run_set[0] +
                          " WHERE experiment_id = %s AND lifecycle_stage = 'active'",
                          ((when,) if run_time else ()) + (target,)))
    else:
        exp.update(stage="active", time=w.now_ms if exp_time else None)
        stmts.append(("UPDATE experiments SET lifecycle_stage = 'active'" + exp_set + " WHERE experiment_id = %s",
                      ((w.now_ms,) if exp_time else ()) + (target,)))
        if kind == "restore_exp_with_runs":
            for r in w.runs.values():
                if r["exp"] == target and r["stage"] == "deleted":
                    r.update(stage="active", time=None)
            stmts.append(("UPDATE runs SET lifecycle_stage = 'active'" + run_set[1] +
                          " WHERE experiment_id = %s AND lifecycle_stage = 'deleted'", (target,)))
    return stmts


def interval_ms(text):
    n, unit = text.split()
    return int(n) * (DAY_MS if unit.startswith("day") else 3600 * 1000)


def predict(w, fn, a, has_ws, has_times):
    """('error', {sqlstates}) or ('ok', experiments to purge, runs to purge directly)."""
    mv = a["model_versions"]
    if mv not in ("keep", "delete", "error"):
        return ("error", {"22023"})
    live_exps = {e: x for e, x in w.exps.items() if ("exp", e) not in w.gone}
    live_runs = {r: x for r, x in w.runs.items() if ("run", r) not in w.gone}
    exps, runs = set(), set()
    if fn == "mlflow_purge_experiment":
        e = a["experiment_id"]
        if e <= 0:
            return ("error", {"22023"})
        if e not in live_exps:
            return ("error", {"P0002"})
        if live_exps[e]["stage"] != "deleted":
            return ("error", {"55000"})
        exps.add(e)
    elif fn == "mlflow_purge_experiment_by_name":
        if a["workspace"] is not None and not has_ws:
            return ("error", {"22023"})
        hits = [e for e, x in live_exps.items() if x["name"] == a["name"] and
                (a["workspace"] is None or x["ws"] == a["workspace"])]
        if not hits:
            return ("error", {"P0002"})
        if len(hits) > 1:
            return ("error", {"22023"})
        e = hits[0]
        if live_exps[e]["stage"] != "deleted":
            return ("error", {"55000"})
        if e == 0:  # Default, even deleted, is never purged
            return ("error", {"22023"})
        exps.add(e)
    elif fn == "mlflow_purge_run":
        r = a["run_id"]
        if r not in live_runs:
            return ("error", {"P0002"})
        if live_runs[r]["stage"] != "deleted":
            return ("error", {"55000"})
        runs.add(r)
    else:
        if a["max_runs"] is not None and a["max_runs"] <= 0:
            return ("error", {"22023"})
        if a["older_than"] is not None and not has_times:
            return ("error", {"42703"})
        cutoff = None if a["older_than"] is None else w.now_ms - interval_ms(a["older_than"])
        old = lambda t: cutoff is None or t is None or t <= cutoff  # noqa: E731
        cands = []
        for e, x in live_exps.items():
            if e != 0 and x["stage"] == "deleted" and old(x["time"]):
                n = sum(1 for r in live_runs.values() if r["exp"] == e)
                cands.append((x["time"], 0, e, "", n))
        for r, x in live_runs.items():
            if x["stage"] == "deleted" and live_exps[x["exp"]]["stage"] != "deleted" and old(x["time"]):
                cands.append((x["time"], 1, 0, r, 1))
        # oldest deletion first, NULL (unknown) times first; experiments before runs on a tie
        cands.sort(key=lambda c: (c[0] is not None, c[0] or 0, c[1], c[2], c[3]))
        total = 0
        for pos, c in enumerate(cands):
            total += c[4]
            if a["max_runs"] is None or pos == 0 or total <= a["max_runs"]:
                (exps.add(c[2]) if c[1] == 0 else runs.add(c[3]))
    return ("ok", exps, runs)


def closure(w, exps, runs, mv):
    """Every entity a purge of these experiments and runs removes."""
    gone = {("exp", e) for e in exps}
    runs = (set(runs) | {r for r, x in w.runs.items() if x["exp"] in exps}) - {r for k, r in w.gone if k == "run"}
    gone |= {("run", r) for r in runs}
    for kind, table in (("dataset", w.datasets), ("trace", w.traces), ("model", w.models), ("scorer", w.scorers)):
        gone |= {(kind, k) for k, e in table.items() if e in exps}
    versions = {k for k, r in w.mvs.items() if r in runs}
    if mv == "delete":
        gone |= {("mv", k) for k in versions}
    return gone - w.gone, versions


STATS = {}


def stat(key, n=1):
    STATS[key] = STATS.get(key, 0) + n


class Trial:
    generator = Generator  # differential_traces.TraceTrial makes traces its way

    def __init__(self, conn, version, seed, tables, batched=False):
        self.conn, self.version, self.seed, self.tables = conn, version, seed, tables
        self.cur = conn.cursor()
        self.checks = 0
        self.batched = batched

    def run(self, ops=None, stop=None):
        """Runs the trial; returns None or (index of the failing op, message, statements)."""
        cur = self.cur
        try:
            now_ms = self.start()
            g = self.generator(cur, self.version, self.seed)
            g.build(now_ms)
            self.prepare(g)
            w = g.w
            w.now_ms = now_ms
            has_ws = g.col("experiments", "workspace")
            has_times = g.col("runs", "deleted_time") and g.col("experiments", "last_update_time")
            self.idents = {t: ident_of(t, g.pk) for t in self.tables if ident_of(t, g.pk)}
            self.pk, self.fks, self.cols = g.pk, g.fks, g.cols
            w.run_time = g.col("runs", "deleted_time")
            w.exp_time = g.col("experiments", "last_update_time")
            try:
                self.verify(w, "after generation")
            except Failure as f:
                return (-1, str(f), [])
            all_ops = g.ops() if ops is None else ops
            if self.batched and ops is None:
                all_ops = [op for op in all_ops if op[0] == "mut"] + [g.batches_call()]
            self.ops = all_ops
            log = []
            for i, op in enumerate(all_ops):
                if stop is not None and i > stop:
                    break
                if op[0] == "mut":
                    stmts = apply_mutation(w, op)
                    for s, p in stmts or []:
                        cur.execute(s, p)
                        log.append(cur.mogrify(s, p).decode())
                    continue
                if op[0] == "batches":
                    cur.execute("COMMIT")  # the procedure commits: the trial's data must be there
                    call = self.batches_sql(op[1])
                    log.append(call)
                    try:
                        self.check_batches(w, op[1], call, has_ws, has_times)
                    except Failure as f:
                        return (i, str(f), log)
                    continue
                if op[0] != "call":  # the operations of another mode (differential_traces.py)
                    try:
                        self.extra_op(w, op, log, has_ws, has_times)
                    except Failure as f:
                        return (i, str(f), log)
                    continue
                _, fn, a = op
                call = self.call_sql(fn, a)
                log.append(call)
                try:
                    self.check_call(w, fn, a, call, has_ws, has_times)
                except Failure as f:
                    return (i, str(f), log)
            return None
        finally:
            if self.conn.get_transaction_status() != psycopg2.extensions.TRANSACTION_STATUS_IDLE:
                cur.execute("ROLLBACK")

    def start(self):
        """BEGIN; the transaction's now() in ms."""
        self.cur.execute("BEGIN")
        self.cur.execute("SELECT CAST(EXTRACT(EPOCH FROM now()) * 1000 AS bigint)")
        return self.cur.fetchone()[0]

    def prepare(self, g):
        """What a mode needs from the generator before the operations run."""

    def extra_op(self, w, op, log, has_ws, has_times):
        raise Failure("unknown operation %s" % (op,))

    def call_sql(self, fn, a):
        args = ", ".join("%s => %s" % (k, self.cur.mogrify("%s", (v,)).decode() +
                                       ("::interval" if k == "older_than" and v is not None else
                                        "::integer" if k == "max_runs" and v is None else
                                        "::text" if k == "workspace" and v is None else ""))
                         for k, v in a.items())
        return "SELECT table_name, rows_deleted FROM %s(%s)" % (fn, args)

    def batches_sql(self, a):
        return ("CALL public.mlflow_purge_deleted_in_batches(older_than => %s::interval, batch_runs => %d, "
                "model_versions => %s::text)" % (self.cur.mogrify("%s", (a["older_than"],)).decode(), a["batch_runs"],
                                                 self.cur.mogrify("%s", (a["model_versions"],)).decode()))

    def check_batches(self, w, a, call, has_ws, has_times):
        """The procedure, outside any transaction block; the oracle of one unlimited call."""
        cur = self.cur
        one = dict(older_than=a["older_than"], max_runs=None, dry_run=False, model_versions=a["model_versions"])
        p = predict(w, "mlflow_purge_deleted", one, has_ws, has_times)
        gone = closure(w, p[1], p[2], a["model_versions"])[0] if p[0] == "ok" else set()
        guarded = any(("scorer", g) in gone for g in w.guarded)
        before = {t: len(v) for t, v in self.snapshot().items()}
        cur.execute("SET client_min_messages = warning")
        err = rc.sqlstate_of(lambda: cur.execute(call))[0]
        cur.execute("RESET client_min_messages")
        if p[0] == "error" or guarded:
            expected = p[1] if p[0] == "error" else {"2BP01"}
            if err not in expected:
                raise Failure("%s: expected SQLSTATE %s, got %s" % (call, sorted(expected), err))
            # Earlier batches committed: whatever is gone must be inside the predicted set.
            snap = self.snapshot()
            for (t, ident), owners in w.rows.items():
                if t in self.idents and w.alive(owners) and not owners & gone and "|".join(ident) not in snap.get(t, ()):
                    raise Failure("%s: refused with %s, and a row outside the deleted entities is gone: %s %s"
                                  % (call, err, t, ident))
            self.orphans(call)
            stat("batched refused " + err)
            return
        if err is not None:
            raise Failure("%s: expected success, got %s" % (call, err))
        w.gone |= gone
        snap = self.verify(w, call)
        removed = sum(before.get(t, 0) - len(snap.get(t, ())) for t in self.idents)
        cur.execute("SELECT count(*) FILTER (WHERE function_name = 'mlflow_purge_deleted' AND arguments->>'max_runs' = %s), "
                    "count(*) FILTER (WHERE function_name = 'mlflow_purge_deleted'), "
                    "sum(total_rows) FILTER (WHERE function_name = 'mlflow_purge_deleted_in_batches'), "
                    "string_agg(arguments->>'stopped_by', ',') FILTER (WHERE function_name = 'mlflow_purge_deleted_in_batches') "
                    "FROM mlflow_purge.audit_log", (str(a["batch_runs"]),))
        per_batch, calls, summary, stopped = cur.fetchone()
        if per_batch != calls or calls < 1 or summary != removed or stopped != "nothing left":
            raise Failure("%s: audit: %s of %s batch rows with max_runs %s, summary total %s for %s rows removed, "
                          "stopped by %s" % (call, per_batch, calls, a["batch_runs"], summary, removed, stopped))
        stat("batched purges")
        stat("batches", calls)

    def snapshot(self):
        parts = []
        for t, cols in self.idents.items():
            parts.append("SELECT '%s', concat_ws('|', %s) FROM \"%s\"" % (t, ", ".join('"%s"::text' % c for c in cols), t))
        self.cur.execute(" UNION ALL ".join(parts))
        snap = {}
        for t, ident in self.cur.fetchall():
            snap.setdefault(t, set()).add(ident)
        return snap

    def verify(self, w, where):
        snap = self.snapshot()
        expected = {}
        for (t, ident), owners in w.rows.items():
            if w.alive(owners):
                expected.setdefault(t, set()).add("|".join(ident))
        for t in self.idents:
            got, want = snap.get(t, set()), expected.get(t, set())
            if got != want:
                lost, left = sorted(want - got)[:5], sorted(got - want)[:5]
                raise Failure("%s: table %s: rows of surviving entities lost: %s; rows of purged entities left: %s"
                              % (where, t, lost, left))
        for (t, ident), column, owner in w.nulls:
            if not w.alive(w.rows[(t, ident)]):
                continue
            cond = " AND ".join('"%s"::text = %%s' % c for c in ident_of(t, self.pk))
            self.cur.execute('SELECT "%s" IS NULL FROM "%s" WHERE %s' % (column, t, cond), ident)
            isnull = self.cur.fetchone()[0]
            if isnull != (owner in w.gone):
                raise Failure("%s: %s %s.%s is %s, expected %s" % (where, t, ident, column, "NULL" if isnull else "set",
                                                                  "NULL (SET NULL of a purged row)" if owner in w.gone else "set"))
        self.orphans(where)
        self.checks += 1
        return snap

    def orphans(self, where):
        has = lambda t: t in self.idents  # noqa: E731
        q = ["SELECT 'runs of a missing experiment', count(*) FROM runs r WHERE NOT EXISTS (SELECT 1 FROM experiments e WHERE e.experiment_id = r.experiment_id)"]
        if has("experiment_tags"):  # revision 04 on
            q.append("SELECT 'experiment_tags', count(*) FROM experiment_tags t WHERE NOT EXISTS (SELECT 1 FROM experiments e WHERE e.experiment_id = t.experiment_id)")
        for t in ("metrics", "latest_metrics", "params", "tags"):
            if not has(t):
                continue
            q.append("SELECT '%s', count(*) FROM %s t WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.run_uuid = t.run_uuid)" % (t, t))
        if has("inputs"):
            q += ["SELECT 'inputs of a missing dataset', count(*) FROM inputs i WHERE source_type = 'DATASET' AND NOT EXISTS (SELECT 1 FROM datasets d WHERE d.dataset_uuid = i.source_id)",
                  "SELECT 'inputs of a missing run', count(*) FROM inputs i WHERE (destination_type = 'RUN' AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.run_uuid = i.destination_id)) OR (source_type IN ('RUN_INPUT', 'RUN_OUTPUT') AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.run_uuid = i.source_id))",
                  "SELECT 'input_tags of a missing input', count(*) FROM input_tags t WHERE NOT EXISTS (SELECT 1 FROM inputs i WHERE i.input_uuid = t.input_uuid)"]
        if has("logged_models"):
            q.append("SELECT 'inputs of a missing logged model', count(*) FROM inputs i WHERE destination_type IN ('MODEL_INPUT', 'MODEL_OUTPUT') AND NOT EXISTS (SELECT 1 FROM logged_models m WHERE m.model_id = i.destination_id)")
        if has("entity_associations"):
            for side in ("source", "destination"):
                q.append("SELECT 'entity_associations %s', count(*) FROM entity_associations a WHERE "
                         "(%s_type = 'run' AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.run_uuid = a.%s_id)) OR "
                         "(%s_type = 'experiment' AND NOT EXISTS (SELECT 1 FROM experiments e WHERE e.experiment_id::text = a.%s_id)) OR "
                         "(%s_type = 'trace' AND NOT EXISTS (SELECT 1 FROM trace_info t WHERE t.request_id = a.%s_id)) OR "
                         "(%s_type = 'model' AND NOT EXISTS (SELECT 1 FROM logged_models m WHERE m.model_id = a.%s_id))"
                         % ((side,) * 9))
        if has("registered_model_aliases"):
            q.append("SELECT 'aliases of a missing version', count(*) FROM registered_model_aliases a WHERE NOT EXISTS (SELECT 1 FROM model_versions v WHERE v.name = a.name AND v.version = a.version)")
        if has("model_version_tags"):  # revision 11 on
            q.append("SELECT 'model_version_tags', count(*) FROM model_version_tags t WHERE NOT EXISTS (SELECT 1 FROM model_versions v WHERE v.name = t.name AND v.version = t.version)")
        # From the catalog: every experiment_id column (foreign key or not, whatever the revision)
        # names an existing experiment, unless PostgreSQL sets it NULL with its experiment.
        for t in sorted(self.idents):
            if t == "experiments" or not any(c == "experiment_id" for c, *_ in self.cols.get(t, [])):
                continue
            if any(fk[0] == t and fk[1] == ["experiment_id"] and fk[4] in ("n", "d") for fk in self.fks):
                continue
            q.append("SELECT '%s of a missing experiment', count(*) FROM \"%s\" x WHERE x.experiment_id IS NOT NULL "
                     "AND NOT EXISTS (SELECT 1 FROM experiments e WHERE e.experiment_id = x.experiment_id)" % (t, t))
        self.cur.execute(" UNION ALL ".join(q))
        bad = [(k, n) for k, n in self.cur.fetchall() if n]
        if bad:
            raise Failure("%s: orphans: %s" % (where, bad))

    def check_call(self, w, fn, a, call, has_ws, has_times):
        cur = self.cur
        p = predict(w, fn, a, has_ws, has_times)
        expect_error = p[0] == "error"
        gone, versions = set(), set()
        if not expect_error:
            gone, versions = closure(w, p[1], p[2], a["model_versions"])
            states = set()
            if any(("scorer", s) in gone for s in w.guarded):
                states.add("2BP01")
            if a["model_versions"] == "error" and versions:
                states.add("55000")
            if states:
                p, expect_error = ("error", states), True
        before_sum = rc.checksum(cur, self.tables)[0]
        before = {t: len(v) for t, v in self.snapshot().items()}
        cur.execute("SAVEPOINT call")
        try:
            cur.execute("SET LOCAL client_min_messages = warning")
            cur.execute(call)
            result = cur.fetchall()
            err = None
            cur.execute("RELEASE SAVEPOINT call")
        except psycopg2.Error as e:
            err = (e.pgcode, (e.pgerror or "").strip().splitlines()[0] if e.pgerror else str(e))
            cur.execute("ROLLBACK TO SAVEPOINT call")
        if expect_error:
            if err is None:
                raise Failure("%s: expected an error %s, got rows %s" % (call, sorted(p[1]), result))
            if err[0] not in p[1]:
                raise Failure("%s: expected SQLSTATE %s, got %s %s" % (call, sorted(p[1]), err[0], err[1]))
            if rc.checksum(cur, self.tables)[0] != before_sum:
                raise Failure("%s: refused with %s but the database changed" % (call, err[0]))
            stat("refused " + err[0])
            self.verify(w, call)
            return
        if err is not None:
            raise Failure("%s: expected success, got %s %s" % (call, err[0], err[1]))
        counts = {}
        for t, n in result:
            if t in counts:
                raise Failure("%s: table %s reported twice" % (call, t))
            counts[t] = n
        want = {}
        for (t, ident), owners in w.rows.items():
            if w.alive(owners) and owners & gone:
                want[t] = want.get(t, 0) + 1
        if a["dry_run"]:
            if rc.checksum(cur, self.tables)[0] != before_sum:
                raise Failure("%s: a dry run changed the database" % call)
            for t in set(want) | set(counts):
                if counts.get(t, 0) != want.get(t, 0):
                    raise Failure("%s: dry run reports %s rows of %s, a real purge would remove %s"
                                  % (call, counts.get(t, 0), t, want.get(t, 0)))
            self.verify(w, call)
            stat("dry runs")
            return
        w.gone |= gone
        snap = self.verify(w, call)
        for t in self.idents:
            removed = before.get(t, 0) - len(snap.get(t, ()))
            if counts.get(t, 0) != removed:
                raise Failure("%s: result says %s rows of %s, %s were removed" % (call, counts.get(t, 0), t, removed))
        stat("purges")
        stat("rows purged", sum(counts.values()))
        stat("entities purged", len(gone))


def shrink(conn, version, seed, tables, ops, fail_at, trial_class):
    """Greedy: drop every earlier op that is not needed for the failure."""
    ops = ops[:fail_at + 1]
    i = 0
    budget = 80
    last = None
    while i < len(ops) - 1 and budget > 0:
        cand = ops[:i] + ops[i + 1:]
        budget -= 1
        res = trial_class(conn, version, seed, tables).run(cand)
        if res is not None and res[0] == len(cand) - 1:
            ops, last = cand, res
        else:
            i += 1
    if last is None:
        last = trial_class(conn, version, seed, tables).run(ops)
    return ops, last


def batched_trials(version, db, args, seed_rng, trial_class, prepare_db):
    """The batched mode: each trial commits, so each gets a fresh scratch database."""
    if args.trial_seed is not None and not args.batched:
        return False, 0, 0
    seeds = [args.trial_seed] if args.trial_seed is not None else \
        [seed_rng.getrandbits(48) for _ in range(args.batched_trials)]
    checks = 0
    for n, seed in enumerate(seeds):
        rc.create_db(db, version)
        prepare_db(db)
        conn = rc.connect(db)
        try:
            trial = trial_class(conn, version, seed, rc.mlflow_tables(conn.cursor()), batched=True)
            res = trial.run()
            checks += trial.checks
        finally:
            conn.close()
            rc.drop_db(db)
        if res is not None:
            print("FAIL: schema %s batched trial %d seed %d: %s" % (version, n, seed, res[1]))
            print("  replay: test/reliability/differential.py %s--schemas %s --trial-seed %d --batched" % (
                "--traces " if args.traces else "", version, seed))
            for s in res[2]:
                print("    " + s + ";")
            return True, n + 1, checks
    return False, len(seeds), checks


def main():
    ap = argparse.ArgumentParser()
    long_mode = os.environ.get("RELIABILITY_LONG") == "1"
    ap.add_argument("--trials", type=int, default=500 if long_mode else 50)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("RELIABILITY_SEED", "20240605")))
    ap.add_argument("--schemas", default=",".join(rc.SCHEMAS))
    ap.add_argument("--batched-trials", type=int, default=50 if long_mode else 5)
    ap.add_argument("--trial-seed", type=int, help="replay one trial")
    ap.add_argument("--revisions", help="run on MLflow schema revisions instead (test/fixtures/mlflow/revisions): "
                                        "'all' or numbers, e.g. 01,17,69; 3 trials each (50 with RELIABILITY_LONG=1)")
    ap.add_argument("--batched", action="store_true", help="the replayed trial is a batched one")
    ap.add_argument("--traces", action="store_true",
                    help="the trace mode (differential_traces.py): mlflow_purge_traces on the schemas with trace_info; "
                         "default 2.22.1 and 3.11, --revisions all = the 46 revisions with trace_info")
    args = ap.parse_args()
    trial_class, prepare_db = Trial, lambda db: None
    if args.traces:
        sys.modules.setdefault("differential", sys.modules[__name__])  # one Trial, Failure, STATS for both files
        import differential_traces as traces
        trial_class, prepare_db = traces.TraceTrial, traces.add_future_tables
        if "--schemas" not in sys.argv:
            args.schemas = "2.22.1,3.11.2.dev0"
        if "--trials" not in sys.argv:
            args.trials = 300 if long_mode else 25
        if "--batched-trials" not in sys.argv:
            args.batched_trials = 20 if long_mode else 4
    if args.revisions:
        wanted = None if args.revisions == "all" else set(args.revisions.split(","))
        args.schemas = ",".join(f for n, f in rc.revisions() if (wanted is None or n in wanted) and
                                (not args.traces or traces.has_traces(f)))
        if "--trials" not in sys.argv:
            args.trials = 50 if long_mode else 2 if args.traces else 3
        if "--batched-trials" not in sys.argv:
            args.batched_trials = 0  # the batched procedure is proven on the four release schemas
    rc.require_server()
    total_trials = total_calls = 0
    failed = False
    start = time.time()
    for version in args.schemas.split(","):
        db = "rel_diff_%s_%d" % (rc.short(version), os.getpid())
        rc.create_db(db, version)
        prepare_db(db)
        conn = rc.connect(db)
        tables = rc.mlflow_tables(conn.cursor())
        seed_rng = random.Random("%d/%s" % (args.seed, version))
        seeds = [args.trial_seed] if args.trial_seed is not None else \
            [seed_rng.getrandbits(48) for _ in range(args.trials)]
        t0 = time.time()
        calls = 0
        try:
            for n, seed in enumerate(seeds):
                trial = trial_class(conn, version, seed, tables)
                res = trial.run()
                calls += trial.checks
                if res is not None:
                    failed = True
                    idx, msg, _ = res
                    print("FAIL: schema %s trial %d seed %d: %s" % (version, n, seed, msg))
                    ops, last = shrink(conn, version, seed, tables, trial.ops, idx, trial_class)
                    print("  replay: test/reliability/differential.py %s--schemas %s --trial-seed %d" % (
                        "--traces " if args.traces else "", version, seed))
                    print("  smallest reproducing sequence (%d of %d operations) on the generated database:" % (len(ops), idx + 1))
                    for s in (last[2] if last else []):
                        print("    " + s + ";")
                    if last:
                        print("  -> " + last[1])
                    break
        finally:
            conn.close()
            rc.drop_db(db)
        total_trials += len(seeds) if not failed else n + 1
        total_calls += calls
        if not failed:
            failed, n_batched, batched_calls = batched_trials(version, db, args, seed_rng, trial_class, prepare_db)
            total_trials += n_batched
            total_calls += batched_calls
            calls += batched_calls
        print("differential: MLflow %s: %d trials, %d checked states, %.1fs" % (version, n + 1, calls, time.time() - t0),
              flush=True)
        if failed and not args.revisions:
            break  # on the revisions, every failing one is named
    print("differential: outcomes: " + ", ".join("%s %d" % kv for kv in sorted(STATS.items())))
    print("differential: %s: %d trials, %d checked states on %d schemas in %.1fs (seed %d)" % (
        "FAILED" if failed else "passed", total_trials, total_calls, len(args.schemas.split(",")), time.time() - start,
        args.seed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
