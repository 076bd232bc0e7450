#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Sets everything up, builds the demo and runs it on an embedded SQLite file.
#
#   bash scripts/demo.sh [database-file] [demo args...]
#
# The database file defaults to ./omnictx-demo.db and is deleted first, so
# every run starts from an empty store. Arguments that follow (or all of
# them, when the first starts with "-") go to the demo, e.g. --json.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

db=./omnictx-demo.db
if (($# > 0)) && [[ $1 != -* ]]; then
  db=$1
  shift
fi

bash "$root/scripts/setup.sh"
# The Python package too, installed for Debian's python3 (the examples in
# examples/python use it).
OMNICTX_TARGETS="omnictx_demo omnictx_python" \
  bash "$root/scripts/build.sh" "$root/build" -DOMNICTX_BUILD_EXAMPLES=ON \
  -DOMNICTX_BUILD_PYTHON=ON
bash "$root/scripts/install-python.sh" "$root/build" >&2

rm -f -- "$db" "$db-wal" "$db-shm" "$db-journal"
exec "$root/build/examples/omnictx_demo" "$db" "$@"
