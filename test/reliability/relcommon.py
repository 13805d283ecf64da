"""Shared helpers of the reliability suites (test/reliability): connections, scratch databases
built from the MLflow fixture schemas, checksums. Connection settings come from the libpq
environment (PGHOST, PGPORT, PGUSER) that scripts/test-all.sh exports; a missing server is a
failure, never a skip."""
import hashlib
import os
import subprocess
import sys

import psycopg2
import psycopg2.extensions

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "test", "fixtures", "mlflow")
SCHEMAS = ["1.30.1", "2.9.2", "2.22.1", "3.11.2.dev0"]
REVISIONS_DIR = os.path.join(FIXTURES, "revisions")
PG_BINDIR = subprocess.run([os.environ.get("PG_CONFIG", "/usr/lib/postgresql/15/bin/pg_config"), "--bindir"],
                           capture_output=True, text=True, check=True).stdout.strip()
PSQL = os.path.join(PG_BINDIR, "psql")


def die(msg):
    print("FAIL: " + msg, file=sys.stderr, flush=True)
    sys.exit(1)


def connect(dbname="postgres", autocommit=True, **kw):
    try:
        conn = psycopg2.connect(dbname=dbname, **kw)
    except psycopg2.OperationalError as e:
        die("cannot connect to PostgreSQL (PGHOST=%s PGPORT=%s PGUSER=%s): %s" % (
            os.environ.get("PGHOST"), os.environ.get("PGPORT"), os.environ.get("PGUSER"), e))
    conn.autocommit = autocommit
    return conn


def require_server():
    conn = connect()
    cur = conn.cursor()
    cur.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'mlflow_purge'")
    if not cur.fetchone():
        die("extension mlflow_purge is not installed on this server (make install first)")
    conn.close()


def short(version):
    return version.replace(".dev0", "").replace(".sql", "").replace(".", "_").replace("-", "_")


def revisions():
    """The MLflow schema revisions of test/fixtures/mlflow/revisions, in INDEX.md's order:
    [(number, file name)]."""
    out = []
    with open(os.path.join(REVISIONS_DIR, "INDEX.md")) as index:
        for line in index:
            cells = [c.strip() for c in line.split("|")]
            if len(cells) > 3 and cells[1].isdigit() and cells[2].startswith("`"):
                out.append((cells[1], cells[2].strip("`")))
    return out


def schema_file(version):
    """The dump of a schema: a fixture version ("2.9.2") or a revision file ("17-0c779009ac13.sql")."""
    if version.endswith(".sql"):
        return os.path.join(REVISIONS_DIR, version)
    return os.path.join(FIXTURES, "schema-%s.sql" % version)


def create_db(name, version, extension=True):
    """A scratch database holding the MLflow schema `version` (a fixture version or a revision
    file, see schema_file; no seed data) and the extension. Dropped first if it exists."""
    admin = connect()
    cur = admin.cursor()
    cur.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
    cur.execute('CREATE DATABASE "%s" TEMPLATE template0 ENCODING \'UTF8\' LC_COLLATE \'C\' LC_CTYPE \'C\'' % name)
    admin.close()
    schema = schema_file(version)
    subprocess.run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", name, "-f", schema],
                   check=True, stdout=subprocess.DEVNULL)
    if extension:
        conn = connect(name)
        conn.cursor().execute("SET client_min_messages = warning; CREATE EXTENSION mlflow_purge")
        conn.close()


def drop_db(name):
    admin = connect()
    admin.cursor().execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
    admin.close()


def mlflow_tables(cur, schema="public"):
    cur.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY 1", (schema,))
    return [r[0] for r in cur.fetchall()]


def checksum_sql(tables, schema="public"):
    """One query: per table, md5 over every row in text form, ordered."""
    parts = ["SELECT %s::text, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')), count(*) FROM \"%s\".\"%s\" AS t"
             % (psycopg2.extensions.QuotedString(tb).getquoted().decode(), schema, tb) for tb in tables]
    return " UNION ALL ".join(parts)


def checksum(cur, tables=None, schema="public"):
    """{table: (md5, rows)} of every MLflow table, and one md5 over all of them."""
    tables = tables or mlflow_tables(cur, schema)
    cur.execute(checksum_sql(tables, schema))
    per = {r[0]: (r[1], r[2]) for r in cur.fetchall()}
    total = hashlib.md5("".join("%s=%s;" % (k, per[k][0]) for k in sorted(per)).encode()).hexdigest()
    return total, per


def sqlstate_of(fn):
    """Runs fn(); returns (None, result) or (sqlstate, message)."""
    try:
        return None, fn()
    except psycopg2.Error as e:
        return e.pgcode, (e.pgerror or str(e)).strip()
