#!/usr/bin/env bash
# clang-format over every C++ file of the project: src/pg in PostgreSQL's style (src/pg/.clang-format),
# everything else in the project's C++ style (.clang-format).
#   scripts/format.sh           rewrite the files in place   (make format)
#   scripts/format.sh --check   change nothing; fail naming every file that is not formatted (make format-check,
#                               ctest project.unit.format)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
clang_format=${CLANG_FORMAT:-clang-format}
command -v "$clang_format" >/dev/null || { echo "format: $clang_format not found (scripts/install-deps.sh)" >&2; exit 2; }

mapfile -t files < <(find src test bench -name node_modules -prune -o -type f \
	\( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) -print | LC_ALL=C sort)

if [ "${1:-}" = --check ]; then
	# One clang-format process for all files; it names each difference as "FILE:LINE:COL: error".
	if report=$("$clang_format" --dry-run --Werror "${files[@]}" 2>&1); then
		echo "format: ${#files[@]} files, all formatted"
	else
		bad=$(printf '%s\n' "$report" | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error.*/\1/p' | sort -u)
		printf 'format: %s is not formatted (run: make format)\n' $bad
		echo "format: ${#files[@]} files, $(printf '%s\n' $bad | wc -l) not formatted"
		exit 1
	fi
else
	"$clang_format" -i "${files[@]}"
fi
