#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Installs the omnictx Python package from a build tree into Debian's
# /usr/local dist-packages, where /usr/bin/python3 finds it, then checks
# that `import omnictx` works from anywhere.
#
#   bash scripts/install-python.sh [build-dir]
#
# The build tree must have been configured with -DOMNICTX_BUILD_PYTHON=ON
# and built. Needs root (as scripts/setup.sh); prints a note and does
# nothing otherwise.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${1:-$root/build}
python=/usr/bin/python3

if [[ $(id -u) -ne 0 ]]; then
  echo "install-python: not root; use PYTHONPATH=$build_dir/bindings/python/python instead" >&2
  exit 0
fi
# Debian's interpreter reads /usr/local/lib/python3.X/dist-packages.
site=$("$python" -c 'import sys; print("lib/python%d.%d/dist-packages" % sys.version_info[:2])')
cmake "$build_dir" -DOMNICTX_PYTHON_INSTALL_DIR="$site" >/dev/null </dev/null
cmake --install "$build_dir" --component omnictx_python --prefix /usr/local >/dev/null </dev/null
where=$(cd / && env -u PYTHONPATH "$python" -c 'import omnictx; print(omnictx.__file__)')
echo "install-python: $python imports omnictx from ${where%/__init__.py}"
