#!/usr/bin/env bash
# Installs the MongoDB wire-protocol emulator the clearml-purge integration tests run against:
# CongoDB, a pure-JavaScript server shipped inside @push.rocks/smartmongo@2.2.0 on the npm registry.
# Nothing here downloads a prebuilt binary. Idempotent: a second run with everything in place
# does nothing. Needs node + npm and the npm registry, nothing else.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

# smartmongo's own dependency list cannot be installed from the registry (a transitive
# @push.rocks/lik@^6.4.1 does not exist there, and it pulls mongodb-memory-server, which downloads
# a mongod binary). So the emulator's runtime dependencies are pinned in package.json and the
# package itself is unpacked from its registry tarball, checked against the registry's integrity.
emulator_spec="@push.rocks/smartmongo@2.2.0"
emulator_integrity="sha512-ovVCNoJ3D0aBuKtoKaQWWQKvBngaGJq9fAPQigzji1EHsS1XyGpXWCpe5nq/ptGvBROOcpqZcOFEGAcrnb+OjA=="
emulator_dir="node_modules/@push.rocks/smartmongo"
stamp="node_modules/.clearml-purge-setup"
want_stamp="$(sha256sum package-lock.json | cut -d' ' -f1) $emulator_integrity"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want_stamp" && -f "$emulator_dir/dist_ts/congodb/index.js" ]]; then
  echo "clearml test servers: already set up"
  exit 0
fi

command -v node >/dev/null || { echo "setup.sh: node is required (Debian: apt-get install nodejs npm)" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup.sh: npm is required" >&2; exit 1; }

npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$(cd "$work" && npm pack "$emulator_spec" --loglevel=error | tail -n1)"
got="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w0)"
if [[ "$got" != "$emulator_integrity" ]]; then
  echo "setup.sh: $emulator_spec tarball integrity mismatch: $got" >&2
  exit 1
fi
rm -rf "$emulator_dir"
mkdir -p "$emulator_dir"
tar -xzf "$work/$tarball" -C "$emulator_dir" --strip-components=1
echo "$want_stamp" > "$stamp"
echo "clearml test servers: installed $emulator_spec (CongoDB) and its runtime dependencies"
