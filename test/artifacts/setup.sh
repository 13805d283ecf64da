#!/usr/bin/env bash
# Installs the S3-compatible server the mlflow-purge-artifacts integration tests run against:
# s3rver 3.7.1 from the npm registry (pure JavaScript: Koa, fast-xml-parser, ...; no native
# module, nothing downloaded besides the registry tarballs pinned in package-lock.json).
# Idempotent: a second run with everything in place does nothing. Needs node + npm.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
stamp="node_modules/.mlflow-purge-artifacts-setup"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -f node_modules/s3rver/bin/s3rver.js ]]; then
  echo "artifacts test servers: already set up"
  exit 0
fi
command -v node >/dev/null || { echo "setup.sh: node is required (Debian: apt-get install nodejs npm)" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup.sh: npm is required" >&2; exit 1; }
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
echo "artifacts test servers: installed s3rver $(node -p 'require("./node_modules/s3rver/package.json").version')"
