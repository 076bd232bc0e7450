#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Builds the benchmarks (Release) and runs them on the shared workload
# (docs/performance.md), writing the console output and a JSON file.
#
#   bash scripts/bench.sh [Google Benchmark flags...]
#   OMNICTX_BENCH_CUSTOMERS=10000 bash scripts/bench.sh --benchmark_filter=Lookup
#
# Environment:
#   OMNICTX_BENCH_CUSTOMERS  dataset scale (default 1000000)
#   OMNICTX_BENCH_SEED       dataset seed (default 1)
#   OMNICTX_BENCH_DIR        where the generated database is cached (default
#                            $TMPDIR/omnictx-bench or /tmp/omnictx-bench);
#                            never inside the repository
#   OMNICTX_BENCH_OUT        output directory (default build-bench/results)
#   OMNICTX_BENCH_MIN_TIME   seconds per timed benchmark (default 3)
#   OMNICTX_JOBS             parallel build jobs (default: number of CPUs)
#
# The first run at a scale generates the dataset through the library's write
# API (for 1,000,000 customers: about 7 minutes of CPU, 37 minutes of wall
# time on a busy 2-core machine) in a process of its own, so the benchmark's
# peak RSS does not include generation. Later runs reuse the cached file.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=$root/build-bench
customers=${OMNICTX_BENCH_CUSTOMERS:-1000000}
customers=${customers//[,_]/}
seed=${OMNICTX_BENCH_SEED:-1}
data_dir=${OMNICTX_BENCH_DIR:-${TMPDIR:-/tmp}/omnictx-bench}
out_dir=${OMNICTX_BENCH_OUT:-$build_dir/results}
min_time=${OMNICTX_BENCH_MIN_TIME:-3}

if [[ ! $customers =~ ^[0-9]+$ ]] || ((customers < 1)); then
  echo "bench: OMNICTX_BENCH_CUSTOMERS must be a positive number" >&2
  exit 2
fi
case $data_dir/ in
  "$root"/*)
    echo "bench: OMNICTX_BENCH_DIR must be outside the repository" >&2
    exit 2
    ;;
esac

if [[ -f $root/scripts/setup.sh ]]; then
  bash "$root/scripts/setup.sh"
fi

# -O2 rather than CMake's default -O3 for Release: it is what Debian builds
# packages with, and GCC 12 reports false -Wrestrict warnings at -O3.
cmake -S "$root" -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release \
  "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" \
  -DOMNICTX_WERROR=ON \
  -DOMNICTX_BUILD_BENCH=ON \
  -DOMNICTX_BUILD_TESTS=OFF \
  -DOMNICTX_BUILD_EXAMPLES=OFF \
  -DOMNICTX_BUILD_PYTHON=OFF </dev/null
cmake --build "$build_dir" -j "${OMNICTX_JOBS:-$(nproc)}" --target omnictx_bench </dev/null

bench=$build_dir/bench/omnictx_bench
common=(--customers="$customers" --seed="$seed" --data_dir="$data_dir")
mkdir -p "$out_dir"
"$bench" "${common[@]}" --generate_only </dev/null

stamp=$(date -u +%Y%m%dT%H%M%SZ)
base=$out_dir/omnictx-bench-n$customers-$stamp
{
  echo "# omnictx_bench, $customers customers, seed $seed, $(date -u +%FT%TZ)"
  echo "# $(uname -srm), $(nproc) CPUs, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$base.txt"
"$bench" "${common[@]}" --benchmark_min_time="$min_time" \
  --benchmark_out="$base.json" --benchmark_out_format=json "$@" </dev/null |
  tee -a "$base.txt"
echo "bench: wrote $base.txt and $base.json"
