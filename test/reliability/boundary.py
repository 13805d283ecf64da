#!/usr/bin/python3
"""The C++ / PostgreSQL boundary (issue 5, part 5).

Builds and installs the test-only module mlflow_purge_debug.so (`make install-debug-module`:
the extension's core objects plus src/pg/debug_boundary.cpp compiled with
MLFLOW_PURGE_DEBUG_DOOR; the production mlflow_purge.so does not export the function), creates
mlflow_purge_debug_throw(int) from it in a scratch database, and makes the core throw each kind
of exception behind the noexcept door. Each must become a clean PostgreSQL ERROR with the right
SQLSTATE, the same backend must answer `SELECT 1` afterwards, and the server must not have
restarted (no crash, no backend lost).
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import relcommon as rc  # noqa: E402
import psycopg2  # noqa: E402

CASES = [
    (1, "std::bad_alloc", "53200", "out of memory"),
    (2, "std::runtime_error", "XX000", "a std::runtime_error thrown on request"),
    (3, "Boost.Format error (too few arguments)", "XX000", "format"),
    (4, "a non-standard type", "XX000", "unknown"),
    (5, "PurgeError (invalid parameter)", "22023", "a PurgeError thrown on request"),
    (0, "no exception", None, None),
]


def main():
    rc.require_server()
    pg_config = os.environ.get("PG_CONFIG", "/usr/lib/postgresql/15/bin/pg_config")
    build = subprocess.run(["make", "-C", rc.ROOT, "PG_CONFIG=" + pg_config, "install-debug-module"],
                           capture_output=True, text=True)
    if build.returncode != 0:
        rc.die("make install-debug-module failed (run as root, as scripts/test-all.sh does):\n" + build.stdout[-2000:] +
               build.stderr[-2000:])
    prod = subprocess.run(["nm", "-D", os.path.join(rc.ROOT, "mlflow_purge.so")], capture_output=True, text=True).stdout
    failures = 0
    if "mlflow_purge_debug_throw" in prod:
        print("FAIL: the production mlflow_purge.so exports mlflow_purge_debug_throw")
        failures += 1
    db = "rel_boundary_%d" % os.getpid()
    rc.create_db(db, "2.9.2")
    conn = rc.connect(db)
    cur = conn.cursor()
    cur.execute("CREATE FUNCTION mlflow_purge_debug_throw(int) RETURNS int "
                "AS '$libdir/mlflow_purge_debug', 'mlflow_purge_debug_throw' LANGUAGE C STRICT")
    cur.execute("SELECT pg_backend_pid(), pg_postmaster_start_time()")
    pid, started = cur.fetchone()
    for what, kind, state, fragment in CASES:
        got, msg = None, ""
        try:
            cur.execute("SELECT mlflow_purge_debug_throw(%s)", (what,))
            cur.fetchall()
        except psycopg2.Error as e:
            got, msg = e.pgcode, (e.pgerror or "").strip().splitlines()[0]
        alive = None
        try:
            cur.execute("SELECT 1, pg_backend_pid(), pg_postmaster_start_time()")
            alive = cur.fetchone()
        except psycopg2.Error as e:
            alive = ("dead", str(e))
        # the extension's own functions still work on that connection
        cur.execute("SELECT count(*) FROM mlflow_purge_deleted(dry_run => true)")
        problems = []
        if got != state:
            problems.append("SQLSTATE %s, expected %s" % (got, state))
        if fragment and fragment.lower() not in msg.lower():
            problems.append("message %r lacks %r" % (msg, fragment))
        if alive != (1, pid, started):
            problems.append("backend did not survive: %s" % (alive,))
        if problems:
            failures += 1
            print("FAIL: %d %s: %s" % (what, kind, "; ".join(problems)))
        else:
            print("ok: %d %-40s -> %s %s; same backend answers SELECT 1" % (what, kind, state or "no error", msg))
    conn.close()
    rc.drop_db(db)
    print("boundary: %s: %d exception kinds" % ("FAILED" if failures else "passed", len(CASES) - 1))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
