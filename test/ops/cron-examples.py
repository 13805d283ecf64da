#!/usr/bin/python3
"""Prints a document's pg_cron examples, rewritten to run now in a test database.

  cron-examples.py FILE WORD DATABASE USERNAME SUFFIX

Every `SELECT cron.schedule_in_database(...);` in a ```sql block of FILE whose text contains WORD
is printed on one line, with its job name suffixed by SUFFIX (so a test's jobs never collide with
a DBA's), its schedule replaced by every minute, and its `database =>` and `username =>` replaced
by DATABASE and USERNAME. The command itself is kept exactly as documented: the test runs what a
DBA would copy. Exits 1 when there is none (a test must not pass on a missing example).
"""
import re
import sys


def examples(text, word):
    for block in re.findall(r"^```sql\n(.*?)^```", text, flags=re.S | re.M):
        for call in re.findall(r"SELECT cron\.schedule_in_database\(.*?\);", block, flags=re.S):
            if word in call:
                yield call


def rewrite(call, database, username, suffix):
    literals = iter(range(2))

    def name_then_schedule(match):
        n = next(literals, None)
        if n == 0:
            return "'%s%s'" % (match.group(1), suffix)
        if n == 1:
            return "'* * * * *'"
        return match.group(0)

    head, sep, rest = call.partition("$$")
    head = re.sub(r"'([^']*)'", name_then_schedule, head)
    rest = re.sub(r"database\s*=>\s*'[^']*'", "database => '%s'" % database, rest)
    rest = re.sub(r"username\s*=>\s*'[^']*'", "username => '%s'" % username, rest)
    return " ".join((head + sep + rest).split())


def main():
    path, word, database, username, suffix = sys.argv[1:6]
    with open(path) as f:
        found = [rewrite(c, database, username, suffix) for c in examples(f.read(), word)]
    if not found:
        sys.exit("cron-examples: no cron.schedule_in_database example with %s in %s" % (word, path))
    for call in found:
        print(call)


if __name__ == "__main__":
    main()
