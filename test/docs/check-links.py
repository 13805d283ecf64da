#!/usr/bin/env python3
"""ctest docs.unit.links: every link and repository path the documents and the code name exists.

Checked over the repository's files (git's view: ignored build trees never count):
  1. every relative Markdown link in README.md, CONTRIBUTING.md, CHANGELOG.md, docs/*.md and every
     other README.md resolves to a file or folder of the repository, and its #anchor (if any) to a
     heading of the target, with GitHub's anchor rules;
  2. every repository path in backticks in those documents, and every repository path or document
     name (`DESIGN.md`, `reference/mlflow-facts.md`) in a code comment, exists. A repository path
     is a word starting with src/, test/, docs/, bench/, scripts/ or sql/, taken from the root or
     from the naming file's own folder; one with a placeholder (`sql/floor-<version>.sql`, `*`,
     `{a,b}`) must match at least one file.
Released install and update scripts are left as shipped (they are never edited); the fixtures and
pg_regress's expected output (a copy of sql/) are not read. Fenced code blocks are not Markdown:
links are not read there, and neither are paths (a shell session names the reader's machine).

    test/docs/check-links.py [REPO]        exit 0: all resolve; 1: the broken ones are listed
Standard library only (no PyPI).
"""
import fnmatch
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
PATH_PREFIXES = ("src/", "test/", "docs/", "bench/", "scripts/", "sql/")
PATH_WORD = re.compile(r"(?<![\w./-])((?:src|test|docs|bench|scripts|sql)/[A-Za-z0-9_./<>*{},+-]*[A-Za-z0-9_/>*}+-])")
LINK = re.compile(r"(?<!!)\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^()\s]+)(?:\s+\"[^\"]*\")?\)")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
MD_NAME = re.compile(r"(?<![\w./-])((?:[\w.-]+/)*[\w.-]+\.md)\b")
COMMENT_SUFFIXES = (".cpp", ".hpp", ".h", ".c", ".py", ".sh", ".sql", ".txt", ".cmake", ".js", ".yml", ".yaml")
COMMENT_NAMES = ("Makefile", "CMakeLists.txt")


def tracked_files():
    """The repository's files: what git tracks or would track (ignored build trees left out);
    without git (a tarball), every file but the usual build and tool folders."""
    r = subprocess.run(["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                       capture_output=True, text=True)
    if r.returncode == 0:
        names = r.stdout.split("\0")
    else:
        names = []
        for folder, subfolders, files in os.walk(ROOT):
            subfolders[:] = [d for d in subfolders if not (d.startswith((".", "build")) or d == "node_modules")]
            names += [os.path.relpath(os.path.join(folder, f), ROOT) for f in files]
    return sorted(f.replace(os.sep, "/") for f in names if f and os.path.exists(os.path.join(ROOT, f)))


FILES = tracked_files()
FOLDERS = {os.path.dirname(f) for f in FILES}
for f in list(FOLDERS):
    while f:
        f = os.path.dirname(f)
        FOLDERS.add(f)


def exists(relpath):
    p = os.path.normpath(relpath).replace(os.sep, "/")
    return p in FILES or p in FOLDERS or p == "."


def without_fences(text):
    """The text with every fenced code block blanked (line numbers kept)."""
    lines, fence = [], None
    for line in text.split("\n"):
        m = re.match(r"^\s*(```+|~~~+)", line)
        if fence is None and m:
            fence = m.group(1)[0] * 3
            lines.append("")
        elif fence is not None:
            if line.strip().startswith(fence):
                fence = None
            lines.append("")
        else:
            lines.append(line)
    return lines


def slug(heading):
    """GitHub's anchor for a heading: lower case, markup and punctuation dropped, spaces to '-'."""
    h = re.sub(r"`([^`]*)`", r"\1", heading.strip())
    h = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", h)
    h = h.lower()
    h = re.sub(r"[^\w\- ]", "", h, flags=re.UNICODE)
    return h.replace(" ", "-")


_anchors = {}


def anchors(relpath):
    if relpath not in _anchors:
        seen, result = {}, set()
        with open(os.path.join(ROOT, relpath), encoding="utf-8") as fh:
            for line in without_fences(fh.read()):
                m = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
                if not m:
                    continue
                base = slug(m.group(2))
                n = seen.get(base, 0)
                seen[base] = n + 1
                result.add(base if n == 0 else "%s-%d" % (base, n))
        _anchors[relpath] = result
    return _anchors[relpath]


def path_exists(word, folder):
    """A repository path as written in `folder`: from the root or from that folder."""
    word = word.rstrip(".,:;")
    candidates = [word, os.path.join(folder, word)] if folder else [word]
    if re.search(r"[<*{]", word):
        pattern = re.sub(r"<[^>]*>", "*", word)
        pattern = re.sub(r"\{[^}]*\}", "*", pattern)
        for base in ([""] + ([folder + "/"] if folder else [])):
            if any(fnmatch.fnmatch(f, base + pattern) for f in FILES):
                return True
        return False
    return any(exists(c) for c in candidates)


def md_name_exists(word):
    """A document named in a comment (`DESIGN.md`, `reference/mlflow-facts.md`): some file of the
    repository must end with that name, so a pointer to a document outside it fails."""
    return any(f == word or f.endswith("/" + word) for f in FILES)


def check_document(relpath, problems):
    folder = os.path.dirname(relpath)
    with open(os.path.join(ROOT, relpath), encoding="utf-8") as fh:
        lines = without_fences(fh.read())
    for number, line in enumerate(lines, 1):
        where = "%s:%d" % (relpath, number)
        for m in LINK.finditer(CODE_SPAN.sub("", line)):
            target = m.group(1)
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
                continue  # http:, https:, mailto:
            file_part, _, anchor = target.partition("#")
            dest = os.path.normpath(os.path.join(folder, file_part)).replace(os.sep, "/") if file_part else relpath
            if file_part and not exists(dest):
                problems.append("%s: link to a missing file: %s" % (where, target))
                continue
            if anchor and dest.endswith(".md") and dest in FILES and anchor not in anchors(dest):
                problems.append("%s: link to a missing heading: %s (headings of %s: %s)"
                                % (where, target, dest, ", ".join(sorted(anchors(dest)))[:300]))
        for span in CODE_SPAN.finditer(line):
            for word in PATH_WORD.findall(span.group(2)):
                if not path_exists(word, folder):
                    problems.append("%s: names a missing path: %s" % (where, word))


def comment_lines(relpath, text):
    """The comment lines of a source file (whole-line comments and trailing // comments)."""
    for number, line in enumerate(text.split("\n"), 1):
        s = line.strip()
        if s.startswith(("//", "#", "--", "/*", "*")) and not s.startswith(("#include", "#define", "#if", "#endif",
                                                                           "#else", "#error", "#pragma", "#!")):
            yield number, s
        elif "// " in line and relpath.endswith((".cpp", ".hpp", ".h", ".c")):
            yield number, line[line.index("// "):]
        elif " -- " in line and relpath.endswith(".sql"):
            yield number, line[line.index(" -- "):]
        elif relpath.endswith((".cpp", ".hpp", ".h")) and s.startswith("#error"):
            yield number, s  # the compile-time wall's message names a document


def check_comments(relpath, problems):
    try:
        with open(os.path.join(ROOT, relpath), encoding="utf-8") as fh:
            text = fh.read()
    except UnicodeDecodeError:
        return
    folder = os.path.dirname(relpath)
    for number, comment in comment_lines(relpath, text):
        for word in PATH_WORD.findall(comment):
            if not path_exists(word, folder):
                problems.append("%s:%d: comment names a missing path: %s" % (relpath, number, word))
        for word in MD_NAME.findall(comment):
            if not PATH_WORD.fullmatch(word) and not md_name_exists(word):
                problems.append("%s:%d: comment names a document not in the repository: %s" % (relpath, number, word))


def released_scripts():
    """Install and update scripts of released versions: never edited (a comment included), so their
    old pointers stay as shipped. The unreleased default version's scripts are checked."""
    control = os.path.join(ROOT, "mlflow_purge.control")
    m = re.search(r"default_version\s*=\s*'([^']+)'", open(control).read()) if os.path.exists(control) else None
    current = m.group(1) if m else None
    return {f for f in FILES if re.fullmatch(r"mlflow_purge--(?:[\d.]+--)?([\d.]+)\.sql", f)
            and re.fullmatch(r"mlflow_purge--(?:[\d.]+--)?([\d.]+)\.sql", f).group(1) != current}


def main():
    documents = [f for f in FILES if f in ("README.md", "CONTRIBUTING.md", "CHANGELOG.md")
                 or (f.startswith("docs/") and f.endswith(".md"))
                 or os.path.basename(f) == "README.md"]
    released = released_scripts()
    sources = [f for f in FILES if not f.startswith(("test/fixtures/", "expected/")) and f not in released
               and (f.endswith(COMMENT_SUFFIXES) or os.path.basename(f) in COMMENT_NAMES)]
    problems = []
    for d in documents:
        check_document(d, problems)
    for s in sources:
        check_comments(s, problems)
    for p in problems:
        print("not ok - " + p)
    print("docs.unit.links: %d documents, %d source files, %d problem(s)" % (len(documents), len(sources), len(problems)))
    if len(documents) < 10:
        print("not ok - only %d documents found: the file list is broken" % len(documents))
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
