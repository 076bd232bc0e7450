#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Builds the libFuzzer targets with clang-14 (ASan + UBSan + libFuzzer) into
# build-fuzz/ and runs each for a while on a scratch copy of its seed corpus
# (fuzz/corpus/<name>/; the repository is not modified), after replaying its
# kept crash inputs (fuzz/regressions/<name>/). Prints one figure line per
# target. Exits non-zero on any crash, hang (an input over 10 s), leak,
# out-of-memory (2 GB) or sanitizer report; the inputs that caused them are
# copied to build-fuzz/fuzz-artifacts/<name>/ for fuzz/regressions/.
#
#   bash scripts/fuzz.sh [seconds-per-target]      (default 90)
#
# Environment:
#   OMNICTX_FUZZ_TARGETS  space-separated target names (default: all)
#   OMNICTX_FUZZ_BUILD    build directory (default: build-fuzz)
#   OMNICTX_JOBS          parallel build jobs (default: number of CPUs)
#   OMNICTX_FUZZ_TMP      where the targets' scratch stores go (default:
#                         /dev/shm if writable, else a temporary directory)
# Needs clang-14 and libclang-rt-14-dev (scripts/setup.sh installs them).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-90}
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 1)); then
  echo "fuzz: seconds-per-target must be a positive integer" >&2
  exit 2
fi
build_dir=${OMNICTX_FUZZ_BUILD:-$root/build-fuzz}
all_targets="phone_normalizer email_normalizer segment_import body_import
             journey_definition context_json cli_args api_sequence"
targets=(${OMNICTX_FUZZ_TARGETS:-$all_targets})

for tool in clang-14 clang++-14; do
  command -v "$tool" >/dev/null || { echo "fuzz: $tool not found (run scripts/setup.sh)" >&2; exit 1; }
done
cache=$build_dir/CMakeCache.txt
if [[ -f $cache ]] && ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$cache"; then
  echo "fuzz: $build_dir was configured with another generator; remove it" >&2
  exit 1
fi

CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build_dir" -G Ninja --no-warn-unused-cli \
  -DOMNICTX_BUILD_FUZZ=ON -DOMNICTX_WERROR=ON \
  -DOMNICTX_BUILD_TESTS=OFF -DOMNICTX_BUILD_EXAMPLES=OFF \
  -DOMNICTX_BUILD_BENCH=OFF -DOMNICTX_BUILD_PYTHON=OFF \
  -DPython3_EXECUTABLE=/usr/bin/python3 </dev/null >/dev/null
build_targets=()
for t in "${targets[@]}"; do build_targets+=(--target "fuzz_$t"); done
cmake --build "$build_dir" -j "${OMNICTX_JOBS:-$(nproc)}" "${build_targets[@]}" </dev/null

scratch=$(mktemp -d "${TMPDIR:-/tmp}/omnictx-fuzz.XXXXXX")
# The targets' SQLite files go to tmpfs when there is one: the store
# targets are bound by fsync on disk (api_sequence runs about 3x faster).
stores_root=${OMNICTX_FUZZ_TMP:-/dev/shm}
[[ -d $stores_root && -w $stores_root ]] || stores_root=$scratch
stores=$(mktemp -d "$stores_root/omnictx-fuzz-stores.XXXXXX")
trap 'rm -rf "$scratch" "$stores"' EXIT
artifacts=$build_dir/fuzz-artifacts
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
common=(-timeout=10 -rss_limit_mb=2048 -detect_leaks=1 -print_final_stats=1)

count_files() { find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l; }

failed=()
for t in "${targets[@]}"; do
  bin=$build_dir/fuzz/fuzz_$t
  work=$scratch/$t
  mkdir -p "$work/corpus" "$work/artifacts" "$stores/$t"
  cp "$root/fuzz/corpus/$t/." "$work/corpus/" -r 2>/dev/null || true
  seeds=$(count_files "$work/corpus")
  status=ok

  # The kept crash inputs first: each must run clean.
  regressions=()
  if [[ -d $root/fuzz/regressions/$t ]]; then
    while IFS= read -r -d '' f; do regressions+=("$f"); done \
      < <(find "$root/fuzz/regressions/$t" -maxdepth 1 -type f -print0 | sort -z)
  fi
  if ((${#regressions[@]} > 0)); then
    if ! TMPDIR=$stores/$t "$bin" "${common[@]}" "${regressions[@]}" \
           >"$work/regressions.log" 2>&1 </dev/null; then
      status="regression input fails"
      tail -n 40 "$work/regressions.log" >&2
    fi
  fi

  # Then the fuzzing run itself.
  set +e
  TMPDIR=$stores/$t "$bin" "${common[@]}" -max_total_time="$seconds" \
    -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/fuzz.log" 2>&1 </dev/null
  rc=$?
  set -e
  if ((rc != 0)) || (($(count_files "$work/artifacts") > 0)) ||
     grep -qE 'runtime error:|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)' "$work/fuzz.log"; then
    status="failed (exit $rc)"
    tail -n 60 "$work/fuzz.log" >&2
    mkdir -p "$artifacts/$t"
    cp "$work/artifacts/." "$artifacts/$t/" -r 2>/dev/null || true
    echo "fuzz: $t: inputs kept in $artifacts/$t/ (move them to fuzz/regressions/$t/)" >&2
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -n 1)
  rate=$(( ${execs:-0} / seconds ))
  crashes=$(count_files "$work/artifacts")
  printf 'fuzz %-18s %9s executions in %ss (%s/s), corpus %d -> %d inputs, %d regression inputs, %d crashes: %s\n' \
    "$t" "${execs:-?}" "$seconds" "${rate:-?}" "$seeds" "$(count_files "$work/corpus")" \
    "${#regressions[@]}" "$crashes" "$status"
  [[ $status == ok ]] || failed+=("$t")
done

if ((${#failed[@]} > 0)); then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds}s each: no crash, hang, leak or sanitizer report"
