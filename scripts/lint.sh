#!/usr/bin/env bash
# clang-tidy (.clang-tidy) over every C++ source of the project, warnings as errors:
#   - the CMake targets (src/core, src/cli, src/artifacts, src/clearml, test/) with the flags of
#     BUILD_DIR/compile_commands.json (CMake writes it: CMAKE_EXPORT_COMPILE_COMMANDS);
#   - src/pg, built by PGXS rather than CMake, with the server's headers from pg_config.
#   scripts/lint.sh [BUILD_DIR]       (make lint; ctest project.unit.lint)
# LINT_JOBS=N runs N clang-tidy processes at once (default: the number of CPUs).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
cd "$root"
clang_tidy=${CLANG_TIDY:-clang-tidy}
pg_config=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
jobs=${LINT_JOBS:-$(nproc)}
command -v "$clang_tidy" >/dev/null || { echo "lint: $clang_tidy not found (scripts/install-deps.sh)" >&2; exit 2; }
[ -f "$build/compile_commands.json" ] || { echo "lint: no $build/compile_commands.json (configure with cmake first)" >&2; exit 2; }

# The project's own sources in the compile database (not generated files, not other trees).
mapfile -t cmake_files < <(/usr/bin/python3 - "$build/compile_commands.json" "$root" <<'PY'
import json, os, sys
root = os.path.realpath(sys.argv[2])
seen = set()
for entry in json.load(open(sys.argv[1])):
    path = os.path.realpath(os.path.join(entry["directory"], entry["file"]))
    rel = os.path.relpath(path, root)
    if rel.split(os.sep)[0] in ("src", "test", "bench") and path not in seen:
        seen.add(path)
        print(rel)
PY
)
mapfile -t pg_files < <(find src/pg -name '*.cpp' | LC_ALL=C sort)
echo "lint: ${#cmake_files[@]} files from $build/compile_commands.json, ${#pg_files[@]} in src/pg"

status=0
printf '%s\n' "${cmake_files[@]}" |
	xargs -r -P "$jobs" -n 1 "$clang_tidy" --quiet -p "$build" --extra-arg=-Wno-error 2>/dev/null || status=1
printf '%s\n' "${pg_files[@]}" |
	xargs -r -P "$jobs" -n 1 -I{} "$clang_tidy" --quiet {} -- -std=c++17 -Isrc \
		-isystem "$("$pg_config" --includedir-server)" 2>/dev/null || status=1
[ "$status" -eq 0 ] && echo "lint: clean" || echo "lint: clang-tidy found problems (above)"
exit "$status"
