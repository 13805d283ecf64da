#!/usr/bin/env bash
# Installs everything the build, the demo and the test suites need on Debian 12, as root.
# Server and headers come from one apt transaction so their point releases match.
set -euo pipefail

packages=(
  build-essential cmake g++ make pkg-config git ca-certificates openssl
  libboost-dev libgtest-dev libgmock-dev
  postgresql-15 postgresql-server-dev-15 postgresql-15-cron libpq-dev
  redis-server libhiredis-dev
  libmongoc-dev libbson-dev libcurl4-openssl-dev libssl-dev nlohmann-json3-dev
  python3 python3-psycopg2
  debhelper postgresql-server-dev-all help2man
  clang-format clang-tidy
)
# The machine image ships Node.js with npm; Debian's own packages only when neither is there.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root (or sudo) to install them" >&2
  exit 1
fi
# A fresh postgresql-15 package would create and start a 'main' cluster we never use.
mkdir -p /etc/postgresql-common
if ! grep -q '^create_main_cluster' /etc/postgresql-common/createcluster.conf 2>/dev/null; then
  echo 'create_main_cluster = false' >> /etc/postgresql-common/createcluster.conf
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
