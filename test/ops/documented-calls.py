#!/usr/bin/env python3
"""ctest ops_documented_calls: every call the docs show cannot be redirected, and every SQL block of
the README runs as written.

The attacker is the MLflow database's owner, not a superuser (often the MLflow application
role). The database owner owns `public` and may create schemas of any name, so it plants:
  - in public, overloads that beat an untyped literal in overload resolution, e.g.
    public.mlflow_purge_deleted(older_than text, max_runs integer);
  - a schema named like each calling role (the superuser and the purge role; "$user" comes first
    on the default search path) holding every entry point: zero-argument forms, the exact
    signatures of the extension's functions, and the untyped-literal winners.
Every planted function writes a marker row (who ran it) and returns a plausible result.

Then every call (SELECT and CALL) in the ```sql blocks of README.md, CONTRIBUTING.md and docs/*.md
is taken mechanically and
  - checked: schema-qualified, and no untyped literal or bare NULL as an argument; the only
    unqualified call allowed is the short form `SELECT mlflow_purge_deleted();` for a person at
    psql. A new call written any other way fails this test;
  - run exactly as written (only the names of the database and the purge role substituted): the
    GRANTs as the superuser, each SELECT as the purge role and as the superuser, each pg_cron
    recipe's command as the role its `username =>` names (which must be there and must not be a
    superuser);
and the test asserts the marker table is empty, and that each call reached the real function.

Every pg_cron recipe in those documents must use cron.schedule_in_database with `database =>`:
cron.schedule runs its command in pg_cron's own database (cron.database_name), not MLflow's, so a
DBA copying it gets a job that fails every night.

Last, every statement of every ```sql block of the README runs, in the README's order, in a fresh
database cloned from the MLflow 3.11 template (the newest schema: it has every table a documented
call names, traces included) (only the names of the database, the roles and the
pg_cron jobs substituted): as the superuser, one statement at a time; a pg_cron recipe is scheduled
in pg_cron's database, checked in cron.job (database, role) and unscheduled again, and its command
runs in the MLflow database as the role it names. A purge call may end only in the refusals a real
function gives for the README's example ids (P0002, 55000); anything else fails the test.

    test/ops/documented-calls.py [README.md]      (PGHOST/PGPORT/PGUSER: a superuser)
"""
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
README = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "README.md")
PG_CONFIG = os.environ.get("PG_CONFIG", "/usr/lib/postgresql/15/bin/pg_config")
PSQL = os.path.join(subprocess.run([PG_CONFIG, "--bindir"], capture_output=True, text=True, check=True).stdout.strip(),
                    "psql")
PID = os.getpid()
DB = "ops_calls_%d" % PID
OWNER = "ops_calls_owner_%d" % PID      # the database owner: the attacker
PURGER = "ops_calls_purger_%d" % PID    # the purge role the docs recommend
SUPERUSER = os.environ.get("PGUSER") or os.environ.get("USER", "postgres")

SHORT_FORM = "SELECT mlflow_purge_deleted()"
ANY_CALL = re.compile(r"\b((?:[A-Za-z_][\w]*|\"[^\"]+\")\s*\.\s*)?(mlflow_purge_[a-z_]+)\s*\(")
failures = []


def fail(message):
    failures.append(message)
    print("not ok - " + message, flush=True)


def ok(message):
    print("ok - " + message, flush=True)


def psql(sql, user=SUPERUSER, db=DB, check=False):
    r = subprocess.run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-U", user, "-c", sql],
                       capture_output=True, text=True)
    if check and r.returncode != 0:
        print(r.stderr, file=sys.stderr)
        sys.exit("FAIL: setup statement failed: " + sql[:200])
    return r


def scalar(sql):
    r = subprocess.run([PSQL, "-X", "-Atq", "-d", DB, "-c", sql], capture_output=True, text=True, check=True)
    return r.stdout.strip()


# --- reading the README -------------------------------------------------------------------------

def sql_blocks(text):
    for m in re.finditer(r"^```sql\n(.*?)^```", text, re.S | re.M):
        yield m.group(1)


def documents():
    """README.md first (or the file given), then CONTRIBUTING.md and docs/*.md when they exist."""
    names = [README]
    if len(sys.argv) <= 1:
        names += [os.path.join(ROOT, "CONTRIBUTING.md")]
        docs = os.path.join(ROOT, "docs")
        names += sorted(os.path.join(docs, f) for f in os.listdir(docs) if f.endswith(".md")) if os.path.isdir(docs) else []
    return [n for n in names if os.path.exists(n)]


def cron_problems(statement):
    """pg_cron recipes must run in the MLflow database: schedule_in_database, with database =>."""
    problems = []
    if re.search(r"\bcron\s*\.\s*schedule\s*\(", statement):
        problems.append("cron.schedule runs the command in pg_cron's database, not MLflow's: "
                        "use cron.schedule_in_database(..., database => 'mlflow', username => ...)")
    if re.search(r"\bcron\s*\.\s*schedule_in_database\s*\(", statement):
        if not re.search(r"\bdatabase\s*=>\s*'[^']+'", statement):
            problems.append("cron.schedule_in_database without database => (name the MLflow database)")
        if not re.search(r"\busername\s*=>\s*'[^']+'", statement):
            problems.append("cron.schedule_in_database without username => (the job would run as the scheduling superuser)")
    return problems


def statements(block):
    """Statements of a block without comments; quotes and $$ bodies are kept whole."""
    out, current, i, quote = [], [], 0, None
    while i < len(block):
        c = block[i]
        if quote:
            current.append(c)
            if block.startswith(quote, i):
                current.extend(quote[1:])
                i += len(quote)
                quote = None
                continue
        elif block.startswith("--", i):
            while i < len(block) and block[i] != "\n":
                i += 1
            continue
        elif block.startswith("$$", i) or c == "'":
            quote = "$$" if c == "$" else "'"
            current.append(quote)
            i += len(quote)
            continue
        elif c == ";":
            out.append(" ".join("".join(current).split()))
            current = []
        else:
            current.append(c)
        i += 1
    tail = " ".join("".join(current).split())
    if tail:
        out.append(tail)
    return out


def arguments(text, open_paren):
    """The top-level comma-separated arguments of the call whose '(' is at open_paren."""
    depth, quote, args, current = 0, None, [], []
    for c in text[open_paren:]:
        if quote:
            current.append(c)
            quote = None if c == quote else quote
            continue
        if c == "'":
            quote = c
        elif c == "(":
            depth += 1
            if depth == 1:
                continue
        elif c == ")":
            depth -= 1
            if depth == 0:
                break
        elif c == "," and depth == 1:
            args.append("".join(current).strip())
            current = []
            continue
        current.append(c)
    last = "".join(current).strip()
    return args + ([last] if last else [])


def untyped(argument):
    """An argument whose type the attacker's overload could choose: 'literal' or NULL alone."""
    value_part = argument.split("=>", 1)[1].strip() if "=>" in argument else argument
    return bool(re.fullmatch(r"'(?:[^']|'')*'", value_part) or re.fullmatch(r"(?i)null", value_part))


def lint(statement):
    problems = []
    if statement == SHORT_FORM:
        return problems
    for m in ANY_CALL.finditer(statement):
        name = m.group(2)
        if not m.group(1):
            problems.append("%s is called unqualified" % name)
        if statement.lstrip().upper().startswith("GRANT") or statement.lstrip().upper().startswith("REVOKE"):
            continue  # a signature, not a call
        for a in arguments(statement, m.end() - 1):
            if untyped(a):
                problems.append("%s: untyped argument %s" % (name, a))
    if "cron.schedule" in statement and "mlflow_purge_" in statement:
        if not re.search(r"\busername\s*=>\s*'[^']+'", statement):
            problems.append("pg_cron recipe without username => (the job would run as the scheduling superuser)")
    return problems


def substitute(statement):
    s = re.sub(r"\bmlflow_purger\b", PURGER, statement)
    s = re.sub(r"(database\s*=>\s*)'mlflow'", r"\1'%s'" % DB, s)
    s = re.sub(r"\bDATABASE mlflow\b", "DATABASE " + DB, s)
    return s


# --- the attacker's database --------------------------------------------------------------------

def setup():
    admin = lambda sql: subprocess.run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-c", sql],
                                       capture_output=True, text=True, check=True)
    admin("CREATE ROLE %s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" % OWNER)
    admin("CREATE ROLE %s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" % PURGER)
    # docs/batches.md: a replica-lag bound needs pg_monitor (replay positions in pg_stat_replication)
    admin("GRANT pg_monitor TO %s" % PURGER)
    admin("CREATE DATABASE %s TEMPLATE mlflow_3_11 OWNER %s" % (DB, OWNER))
    psql("SET client_min_messages = warning; CREATE EXTENSION mlflow_purge", check=True)
    # The purge role's table grants (README "Recommended purge role"); EXECUTE comes from the README's GRANT.
    psql("GRANT USAGE ON SCHEMA public TO {p}; GRANT SELECT, DELETE ON ALL TABLES IN SCHEMA public TO {p}; "
         "GRANT UPDATE (lifecycle_stage) ON public.experiments, public.runs TO {p}; "
         "GRANT UPDATE (status) ON public.trace_info TO {p}".format(p=PURGER), check=True)
    purge = "RETURNS TABLE(table_name text, rows_deleted bigint) LANGUAGE plpgsql AS $f$BEGIN " \
            "INSERT INTO public.hijack_marker VALUES ('%s', current_user); " \
            "RETURN QUERY SELECT 'hijacked'::text, 0::bigint; END$f$"
    check = "RETURNS TABLE(finding text, object text, detail text, fix text) LANGUAGE plpgsql AS $f$BEGIN " \
            "INSERT INTO public.hijack_marker VALUES ('%s', current_user); " \
            "RETURN QUERY SELECT 'hijacked', '', '', ''; END$f$"
    signatures = {
        "mlflow_purge_deleted": ["", "older_than text, max_runs integer",
                                 "older_than interval, max_runs integer, dry_run boolean, model_versions text"],
        "mlflow_purge_experiment": ["experiment_id integer", "experiment_id integer, dry_run boolean",
                                    "experiment_id integer, dry_run boolean, model_versions text"],
        "mlflow_purge_experiment_by_name": ["name text", "name text, workspace text, dry_run boolean, model_versions text"],
        "mlflow_purge_run": ["run_id text", "run_id text, dry_run boolean, model_versions text"],
        "mlflow_purge_check": [""],
        "mlflow_purge_traces": ["older_than interval", "older_than text, experiment_id integer",
                                "older_than interval, experiment_id integer, max_traces integer, dry_run boolean"],
    }
    plants = ["CREATE TABLE public.hijack_marker (planted text, ran_as name)",
              "GRANT INSERT ON public.hijack_marker TO PUBLIC",
              "CREATE FUNCTION public.mlflow_purge_deleted(older_than text, max_runs integer) " +
              purge % "public.mlflow_purge_deleted(text, integer)",
              "CREATE FUNCTION public.mlflow_purge_experiment_by_name(name varchar) " +
              purge % "public.mlflow_purge_experiment_by_name(varchar)",
              "CREATE FUNCTION public.mlflow_purge_run(run_id varchar) " + purge % "public.mlflow_purge_run(varchar)",
              "CREATE FUNCTION public.mlflow_purge_experiment(experiment_id bigint, dry_run boolean) " +
              purge % "public.mlflow_purge_experiment(bigint, boolean)",
              "CREATE FUNCTION public.mlflow_purge_traces(older_than text, experiment_id bigint) " +
              purge % "public.mlflow_purge_traces(text, bigint)"]
    # The batched procedure (issue 16): CALL resolves procedures as SELECT resolves functions.
    procedure = "LANGUAGE plpgsql AS $f$BEGIN INSERT INTO public.hijack_marker VALUES ('%s', current_user); END$f$"
    batches = ["", "older_than interval, batch_runs integer, max_duration interval, max_replica_lag_bytes bigint, "
                   "max_replica_lag_time interval, pause interval, model_versions text"]
    plants.append("CREATE PROCEDURE public.mlflow_purge_deleted_in_batches(older_than text, batch_runs integer, "
                  "max_duration text, pause text) " + procedure % "public.mlflow_purge_deleted_in_batches(text, ...)")
    # The batched trace procedure (issue 18): an untyped '30 days' would pick a text overload.
    trace_batches = ["older_than interval", "older_than interval, experiment_id integer, batch_traces integer, "
                     "max_duration interval, max_replica_lag_bytes bigint, max_replica_lag_time interval, pause interval"]
    plants.append("CREATE PROCEDURE public.mlflow_purge_traces_in_batches(older_than text, max_duration text) " +
                  procedure % "public.mlflow_purge_traces_in_batches(text, text)")
    for role in (SUPERUSER, PURGER):
        schema = '"%s"' % role
        plants += ["CREATE SCHEMA %s" % schema, "GRANT USAGE ON SCHEMA %s TO PUBLIC" % schema]
        for name, forms in signatures.items():
            for form in forms:
                body = (check if name == "mlflow_purge_check" else purge) % ("%s.%s(%s)" % (role, name, form))
                plants.append("CREATE FUNCTION %s.%s(%s) %s" % (schema, name, form, body))
        for form in batches:
            plants.append("CREATE PROCEDURE %s.mlflow_purge_deleted_in_batches(%s) %s"
                          % (schema, form, procedure % ("%s.mlflow_purge_deleted_in_batches(%s)" % (role, form))))
        for form in trace_batches:
            plants.append("CREATE PROCEDURE %s.mlflow_purge_traces_in_batches(%s) %s"
                          % (schema, form, procedure % ("%s.mlflow_purge_traces_in_batches(%s)" % (role, form))))
    for p in plants:
        psql(p, user=OWNER, check=True)
    return len(plants)


def cleanup():
    for sql in ("DROP DATABASE IF EXISTS %s WITH (FORCE)" % DB, "DROP ROLE IF EXISTS %s" % PURGER,
                "DROP ROLE IF EXISTS %s" % OWNER):
        subprocess.run([PSQL, "-X", "-q", "-d", "postgres", "-c", sql], capture_output=True)


def reached_real_function(r):
    """The call returned the real function's rows or failed with one of its own errors."""
    if r.returncode == 0:
        return "hijacked" not in r.stdout
    return bool(re.search(r"ERROR:  (experiment|run) .* (does not exist|is not deleted)", r.stderr))


# --- every SQL block of the README, run as written --------------------------------------------

BLOCKS_DB = "ops_blocks_%d" % PID                 # stands for the README's database mlflow
BLOCKS_OWNER = "ops_blocks_owner_%d" % PID        # the MLflow tables' owner (pg_cron username 'mlflow')
BLOCKS_PURGER = "ops_blocks_purger_%d" % PID      # the README's mlflow_purger
BLOCKS_JOB = "ops-blocks-%d-" % PID               # prefix of the pg_cron jobs it schedules
PURGE_REFUSALS = ("P0002", "55000")               # the README's example ids may be unknown or active


def blocks_substitute(statement):
    s = re.sub(r"\bmlflow_purger\b", BLOCKS_PURGER, statement)
    s = re.sub(r"(username\s*=>\s*)'mlflow'", r"\1'%s'" % BLOCKS_OWNER, s)
    s = re.sub(r"(database\s*=>\s*)'mlflow'", r"\1'%s'" % BLOCKS_DB, s)
    s = re.sub(r"\bDATABASE mlflow\b", "DATABASE " + BLOCKS_DB, s)
    return re.sub(r"(cron\s*\.\s*schedule_in_database\s*\(\s*)'([^']+)'",
                  lambda m: "%s'%s%s'" % (m.group(1), BLOCKS_JOB, m.group(2)), s)


def run_verbose(sql, user, db):
    """One statement in its own transaction (psql -c), errors with their SQLSTATE."""
    return subprocess.run([PSQL, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose", "-d", db, "-U", user,
                           "-c", sql], capture_output=True, text=True)


def outcome_ok(statement, r):
    """Ran without error or warning, or a purge call refused as the real function refuses."""
    if r.returncode == 0:
        return "WARNING:" not in r.stderr
    m = re.search(r"ERROR:  ([0-9A-Z]{5}):", r.stderr)
    return bool(ANY_CALL.search(statement) and m and m.group(1) in PURGE_REFUSALS)


def admin_sql(sql, db="postgres"):
    return subprocess.run([PSQL, "-X", "-Atq", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql], capture_output=True, text=True)


def blocks_cleanup(cron_db):
    if cron_db:
        admin_sql("SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname LIKE '%s%%'" % BLOCKS_JOB, cron_db)
    for sql in ("DROP DATABASE IF EXISTS %s WITH (FORCE)" % BLOCKS_DB, "DROP ROLE IF EXISTS %s" % BLOCKS_PURGER,
                "DROP ROLE IF EXISTS %s" % BLOCKS_OWNER):
        admin_sql(sql)


def readme_blocks_run():
    text = open(README, encoding="utf-8").read()
    todo = [s for b in sql_blocks(text) for s in statements(b)]
    cron_db = admin_sql("SHOW cron.database_name").stdout.strip()
    if not cron_db:
        fail("pg_cron is not loaded on this server (shared_preload_libraries): the README's recipes cannot run")
        return
    r = admin_sql("SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS pg_cron", cron_db)
    if r.returncode != 0:
        fail("CREATE EXTENSION pg_cron in %s failed: %s" % (cron_db, r.stderr))
        return
    blocks_cleanup(cron_db)
    failed_before = len(failures)
    # The MLflow database as deployed: its tables owned by the MLflow role, no extension yet.
    for sql, db in (("CREATE ROLE %s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" % BLOCKS_OWNER, "postgres"),
                    ("CREATE DATABASE %s TEMPLATE mlflow_3_11 OWNER %s" % (BLOCKS_DB, BLOCKS_OWNER), "postgres"),
                    ("DO $d$DECLARE t record; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                     "LOOP EXECUTE format('ALTER TABLE public.%%I OWNER TO %s', t.tablename); END LOOP; END$d$"
                     % BLOCKS_OWNER, BLOCKS_DB)):
        r = admin_sql(sql, db)
        if r.returncode != 0:
            fail("setting up the README's database failed: %s\n%s" % (sql, r.stderr))
            return
    ran = 0
    for statement in todo:
        s = blocks_substitute(statement)
        ran += 1
        if not re.search(r"\bcron\s*\.\s*schedule_in_database\s*\(", s):
            r = run_verbose(s, SUPERUSER, BLOCKS_DB)
            if not outcome_ok(s, r):
                fail("README statement failed as written: %s\n      %s%s" % (statement, r.stdout[-300:], r.stderr[-500:]))
            continue
        # A pg_cron recipe: scheduled where pg_cron lives, aimed at the MLflow database and role.
        r = run_verbose(s, SUPERUSER, cron_db)
        if r.returncode != 0 or not r.stdout.strip().isdigit():
            fail("README pg_cron recipe failed to schedule: %s\n      %s" % (statement, r.stderr[-500:]))
            continue
        jobid = r.stdout.strip()
        job = admin_sql("SELECT database || ' ' || username FROM cron.job WHERE jobid = %s" % jobid, cron_db).stdout.strip()
        admin_sql("SELECT cron.unschedule(%s)" % jobid, cron_db)
        command = re.search(r"\$\$(.*?)\$\$", s, re.S)
        role = re.search(r"\busername\s*=>\s*'([^']+)'", s)
        if not command or not role or job != "%s %s" % (BLOCKS_DB, role.group(1)):
            fail("README pg_cron recipe does not run in the MLflow database as its role (cron.job: %s): %s" % (job, statement))
            continue
        r = run_verbose(command.group(1), role.group(1), BLOCKS_DB)
        if not outcome_ok(command.group(1), r):
            fail("README pg_cron command fails in the MLflow database as %s: %s\n      %s"
                 % (role.group(1), command.group(1), r.stderr[-500:]))
    if len(failures) == failed_before and ran >= 10:
        ok("%d statements of the README's SQL blocks ran as written in a database made from the MLflow 3.11 "
           "template (pg_cron recipes scheduled in %s, their commands run in the MLflow database)" % (ran, cron_db))
    elif ran < 10:
        fail("only %d statements in the README's SQL blocks: the extraction is broken" % ran)
    if len(failures) == failed_before:
        blocks_cleanup(cron_db)


def main():
    every = []            # (document, statement), README first
    for name in documents():
        text = open(name, encoding="utf-8").read()
        every += [(os.path.relpath(name, ROOT), s) for b in sql_blocks(text) for s in statements(b)]
    found = list(dict.fromkeys(s for _, s in every if ANY_CALL.search(s)))
    if len(found) < 8:
        fail("only %d statements with calls found in %s: the extraction is broken" % (len(found), README))
    bad = [(s, p) for s in found for p in lint(s)]
    for s, p in bad:
        fail("documented call not hardened: %s\n      in: %s" % (p, s))
    if not bad:
        ok("%d documented statements calling the functions: all schema-qualified with typed arguments "
           "(but the psql short form)" % len(found))
    cron_bad = [(d, s, p) for d, s in every for p in cron_problems(s)]
    for name in documents():  # a recipe in running text is copied too
        for m in re.finditer(r"`([^`]*\bcron\s*\.\s*schedule\s*\([^`]*)`", open(name, encoding="utf-8").read()):
            cron_bad.append((os.path.relpath(name, ROOT), m.group(1), cron_problems(m.group(1))[0]))
    for d, s, p in cron_bad:
        fail("%s: %s\n      in: %s" % (d, p, s))
    cron_count = sum(1 for _, s in every if "cron.schedule" in s)
    if cron_count and not cron_bad:
        ok("%d pg_cron recipes: all cron.schedule_in_database with database => and username =>" % cron_count)

    cleanup()
    try:
        planted = setup()
        ok("the database owner %s (no superuser) planted %d objects" % (OWNER, planted))
        grants = [s for s in found if s.upper().startswith("GRANT")]
        for s in grants:
            r = psql(substitute(s))
            if r.returncode != 0:
                fail("README GRANT failed: %s\n%s" % (s, r.stderr))
        real = scalar("SELECT has_function_privilege('%s', 'public.mlflow_purge_deleted(interval, integer, boolean, text)', "
                      "'EXECUTE')" % PURGER)
        if grants and real == "t":
            ok("the README's GRANT EXECUTE reached the extension's functions")
        else:
            fail("the purge role cannot execute the extension's functions after the README's GRANT")

        runs = 0
        for s in found:
            if s == SHORT_FORM or s.upper().startswith(("GRANT", "REVOKE")):
                continue
            if "cron.schedule" in s:
                m = re.search(r"\$\$(.*?)\$\$", s, re.S)
                user = re.search(r"\busername\s*=>\s*'([^']+)'", substitute(s))
                if not m or not user:
                    fail("pg_cron recipe without a command or username: %s" % s)
                    continue
                if scalar("SELECT rolsuper FROM pg_roles WHERE rolname = '%s'" % user.group(1)) != "f":
                    fail("pg_cron recipe runs as a superuser or unknown role: %s" % user.group(1))
                todo = [(m.group(1), user.group(1))]
            else:
                todo = [(s, PURGER), (s, SUPERUSER)]
            for sql, role in todo:
                r = psql(substitute(sql), user=role)
                runs += 1
                if not reached_real_function(r):
                    fail("as %s: %s\n      did not reach the extension: %s%s" % (role, sql, r.stdout[-300:], r.stderr[-300:]))
        marks = scalar("SELECT count(*) || ': ' || coalesce(string_agg(DISTINCT planted || ' as ' || ran_as, '; '), '') "
                       "FROM public.hijack_marker")
        if runs >= 8 and marks.split(":")[0] == "0":
            ok("%d documented calls run as the purge role, the superuser and the pg_cron role: no planted code ran" % runs)
        else:
            fail("planted code ran (%s) during %d documented calls" % (marks, runs))
        audited = scalar("SELECT count(*) FROM mlflow_purge.audit_log")
        print("# audit rows written by the real functions: %s" % audited)
    finally:
        if not failures:
            cleanup()
    readme_blocks_run()
    print("ops_documented_calls: %d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
