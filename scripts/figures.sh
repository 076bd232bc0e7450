#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Prints the figures the reliability harnesses reported in the last ctest
# run of a build directory (kills, cuts, faults, examples ...), so a CI log
# shows them without opening ctest's log.
#
#   bash scripts/figures.sh [build-dir]
set -euo pipefail

build=${1:-build}
log=$build/Testing/Temporary/LastTest.log
if [[ ! -f $log ]]; then
  echo "figures: no ctest log in $build" >&2
  exit 1
fi
harnesses='crash_loop|concurrency_procs|wal_growth|power_cut|io_faults|disk_full|oom|tenant_isolation|model|ingest_procs'
echo "---- reliability figures ($log) ----"
grep -E "^($harnesses)(\[[^]]*\])?: " "$log" || echo "figures: no harness ran"
