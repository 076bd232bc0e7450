#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Configures omnictx with CMake + Ninja (warnings as errors) and builds it.
#
#   bash scripts/build.sh [build-dir] [extra cmake args...]
#
# build-dir defaults to "build" in the repository root; a relative path is
# taken from the current directory. Extra arguments go to the configure step,
# e.g. -DOMNICTX_SANITIZE=ON or -DBUILD_SHARED_LIBS=ON.
# Environment:
#   OMNICTX_TARGETS  space-separated targets to build instead of all
#   OMNICTX_JOBS     parallel build jobs (default: number of CPUs)
# Does not install packages: run scripts/setup.sh first.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${1:-$root/build}
if (($# > 0)); then shift; fi

cache=$build_dir/CMakeCache.txt
if [[ -f $cache ]] && ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$cache"; then
  echo "build: $build_dir was configured with another generator;" \
       "remove it or choose another build directory" >&2
  exit 1
fi

# /usr/bin/python3 is Debian's interpreter, the one with pytest, protobuf
# and pybind11; another python3 may come first on PATH.
cmake -S "$root" -B "$build_dir" -G Ninja --no-warn-unused-cli \
  -DOMNICTX_WERROR=ON \
  -DPython3_EXECUTABLE=/usr/bin/python3 \
  "$@" </dev/null

targets=()
for t in ${OMNICTX_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$build_dir" -j "${OMNICTX_JOBS:-$(nproc)}" "${targets[@]}" \
  </dev/null
