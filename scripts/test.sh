#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Sets everything up, builds omnictx into build/ and runs every test.
#
#   bash scripts/test.sh [extra ctest args...]
#
# Extra arguments go to ctest, e.g. -R install_consumer or -L story.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

bash "$root/scripts/setup.sh"

config=(-DOMNICTX_BUILD_TESTS=ON)
# The Python bindings bring their own pytest suite once they exist.
if [[ -f $root/bindings/python/CMakeLists.txt ]]; then
  config+=(-DOMNICTX_BUILD_PYTHON=ON)
fi
bash "$root/scripts/build.sh" "$root/build" "${config[@]}"
if [[ " ${config[*]} " == *" -DOMNICTX_BUILD_PYTHON=ON "* ]]; then
  # `import omnictx` works in Debian's python3 from here on.
  bash "$root/scripts/install-python.sh" "$root/build"
fi

status=0
ctest --test-dir "$root/build" --output-on-failure -j2 "$@" </dev/null || status=$?
bash "$root/scripts/figures.sh" "$root/build" || true
exit "$status"
