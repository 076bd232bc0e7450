#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Line and branch coverage of src/storage and src/identity: builds
# build-cov/ with gcov instrumentation (Debug), runs the Catch2 suite and
# the fault harnesses that drive the error branches (I/O faults, power
# cuts, a full disk, SQLite out of memory), and prints gcovr's per-file
# table and summary. Writes build-cov/coverage.txt and build-cov/coverage.json.
# Reports the figures; it does not fail on a low number (the aim is 90%
# lines and 75% branches; docs/reliability.md keeps the latest figures).
#
#   bash scripts/coverage.sh
# Needs gcovr (scripts/setup.sh installs it).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${OMNICTX_COVERAGE_BUILD:-$root/build-cov}

command -v gcovr >/dev/null || { echo "coverage: gcovr not found (run scripts/setup.sh)" >&2; exit 1; }

harnesses=(io_faults power_cut disk_full oom)
OMNICTX_TARGETS="omnictx_tests ${harnesses[*]}" bash "$root/scripts/build.sh" "$build_dir" \
  -DCMAKE_BUILD_TYPE=Debug -DOMNICTX_COVERAGE=ON \
  -DOMNICTX_BUILD_TESTS=ON -DOMNICTX_BUILD_EXAMPLES=OFF \
  -DOMNICTX_BUILD_BENCH=OFF -DOMNICTX_BUILD_PYTHON=OFF

# Counters from an earlier run would add up.
find "$build_dir" -name '*.gcda' -delete
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
(cd "$build_dir" && ./tests/omnictx_tests >"$scratch/tests.log") </dev/null ||
  { tail -n 40 "$scratch/tests.log" >&2; exit 1; }
for h in "${harnesses[@]}"; do
  args=()
  [[ $h == oom ]] && args=(20000 sqlite)
  (cd "$scratch" && "$build_dir/tests/reliability/$h" "${args[@]}" >"$scratch/$h.log" 2>&1) </dev/null ||
    { tail -n 40 "$scratch/$h.log" >&2; exit 1; }
done

# Branches that only exist for exceptions (the library never throws, but
# every call into libstdc++ has an unwind edge) and branches the compiler
# proved unreachable would only add noise to the branch figure.
filters=(--root "$root" --filter "$root/src/storage/" --filter "$root/src/identity/"
         --exclude-throw-branches --exclude-unreachable-branches)
gcovr "${filters[@]}" --object-directory "$build_dir" \
  --txt "$build_dir/coverage.txt" --json-summary "$build_dir/coverage.json" \
  --print-summary --branches >/dev/null 2>"$build_dir/gcovr.log" || {
  cat "$build_dir/gcovr.log" >&2; exit 1; }
gcovr "${filters[@]}" --object-directory "$build_dir" --branches --txt - 2>/dev/null |
  sed -n '/^File/,$p'
/usr/bin/python3 - "$build_dir/coverage.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"coverage src/storage + src/identity: lines {s['line_percent']:.1f}% "
      f"({s['line_covered']}/{s['line_total']}), branches {s['branch_percent']:.1f}% "
      f"({s['branch_covered']}/{s['branch_total']})")
PY
