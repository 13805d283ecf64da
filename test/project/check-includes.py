#!/usr/bin/env python3
"""ctest project.unit.include_roots: no project header can be shadowed by another.

Every C++ target has one project include directory, src/ (plus CMake's generated headers), so
includes read "core/door.h" (the shared core), "cli/...", "artifacts/core/...", "clearml/core/...",
"pg/...". A quoted include is looked up first in the including file's own directory, then in
src/: this check fails when a quoted include matches a file in both places (one shadows the
other, e.g. a src/artifacts/core/door.h would shadow src/core/door.h for src/artifacts/main.cpp),
when a project include ("core/...", "artifacts/...", ...) matches no file, and when a CMakeLists.txt
adds an include directory other than src/ or a build directory.
"""
import os
import re
import sys

root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../.."))
src = os.path.join(root, "src")
project_roots = {d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d))}
include = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
failures = []

for top in ("src", "test", "bench"):
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
        dirnames[:] = [d for d in dirnames if d != "node_modules"]
        for name in filenames:
            if not name.endswith((".cpp", ".hpp", ".h", ".cpp.in")):
                continue
            path = os.path.join(dirpath, name)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            for header in include.findall(text):
                candidates = [c for c in (os.path.join(dirpath, header), os.path.join(src, header)) if os.path.isfile(c)]
                candidates = sorted({os.path.realpath(c) for c in candidates})
                where = os.path.relpath(path, root)
                if len(candidates) > 1:
                    failures.append('%s: "%s" matches %s' % (where, header,
                                    " and ".join(os.path.relpath(c, root) for c in candidates)))
                elif not candidates and header.split("/")[0] in project_roots:
                    failures.append('%s: "%s" names no file under src/' % (where, header))

include_dirs = re.compile(r"target_include_directories\(\s*\S+\s+(?:PUBLIC|PRIVATE|INTERFACE)\s+([^)]*)\)", re.S)
for dirpath, dirnames, filenames in os.walk(root):
    dirnames[:] = [d for d in dirnames if d not in ("node_modules", ".git", "build") and not d.startswith("build")]
    if "CMakeLists.txt" not in filenames:
        continue
    path = os.path.join(dirpath, "CMakeLists.txt")
    with open(path, encoding="utf-8") as f:
        for dirs in include_dirs.findall(f.read()):
            for d in dirs.split():
                if d not in ("${CMAKE_SOURCE_DIR}/src",) and not d.startswith(("${CMAKE_CURRENT_BINARY_DIR}", "${CMAKE_BINARY_DIR}")):
                    failures.append("%s: include directory %s (only src/ and build directories)" % (os.path.relpath(path, root), d))

for failure in failures:
    print("include_roots: " + failure)
print("include_roots: %d problem(s)" % len(failures))
sys.exit(1 if failures else 0)
