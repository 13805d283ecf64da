#!/usr/bin/env bash
# One version rule: mlflow_purge.control's default_version is the version of the extension and of
# every program (CMake reads it; nothing else may state it).
#   version.sh extension CMAKE_VERSION      the control file's version has an install script, and
#                                           CMake's MLFLOW_PURGE_VERSION is that version
#   version.sh program BINARY NAME          `BINARY --version` prints exactly "NAME <version>"
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
version=$(sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([0-9]*\.[0-9]*\.[0-9]*\)'[[:space:]]*$/\1/p" \
	"$root/mlflow_purge.control")
if [ -z "$version" ]; then
	echo "version: no default_version = 'X.Y.Z' line in mlflow_purge.control" >&2
	exit 1
fi

case "${1:?extension|program}" in
extension)
	cmake_version=${2:?CMake version}
	[ -f "$root/mlflow_purge--$version.sql" ] || { echo "version: mlflow_purge--$version.sql missing" >&2; exit 1; }
	[ "$cmake_version" = "$version" ] || {
		echo "version: CMake built $cmake_version, the control file says $version (re-run cmake)" >&2
		exit 1
	}
	echo "version: extension $version"
	;;
program)
	binary=${2:?binary} name=${3:?program name}
	printed=$("$binary" --version)
	if [ "$printed" != "$name $version" ]; then
		echo "version: '$binary --version' printed '$printed', expected '$name $version'" >&2
		exit 1
	fi
	echo "version: $printed"
	;;
*)
	echo "version: unknown mode $1" >&2
	exit 2
	;;
esac
