#!/usr/bin/env bash
# Runs the clearml-purge integration suite against real MongoDB 7, Elasticsearch 8.17 and 7.17 and
# Redis 7 started by Docker Compose (compose.yaml beside this script), then removes them.
#   test/clearml/run-against-real-servers.sh [build dir, default: build]
# Needs Docker with the compose plugin. The tests run one at a time (-j1): on shared real servers
# they snapshot the keys and indices named after their own random ids, and Redis' global
# revoked_tokens set would otherwise be seen changing under them.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${1:-$repo/build}"
compose=(docker compose -f "$here/compose.yaml")

cmake -S "$repo" -B "$build"
cmake --build "$build" -j"$(nproc)" --target clearml-purge clearml_integration_tests

trap '"${compose[@]}" down -v' EXIT
"${compose[@]}" up -d --wait

CLEARML_IT_EXTERNAL=1 \
CLEARML_IT_MONGO_URI="mongodb://127.0.0.1:27117/?directConnection=true" \
CLEARML_IT_ES8_URL="http://127.0.0.1:9210" \
CLEARML_IT_ES7_URL="http://127.0.0.1:9211" \
CLEARML_IT_REDIS_HOST=127.0.0.1 \
CLEARML_IT_REDIS_PORT=6389 \
  ctest --test-dir "$build" -R '^clearml\.integration\.' -j1 --output-on-failure
