#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs the README's Python quick start (the block after the marker
# "readme-test: quickstart.py") exactly as written, in a scratch directory.
#   run_readme.sh PYTHON README
set -euo pipefail
python=$1
readme=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk '/readme-test: quickstart.py/ { armed = 1; next }
     armed && /^```python/ { inside = 1; next }
     inside && /^```/ { exit }
     inside { print }' "$readme" >"$work/quickstart.py"
[[ -s $work/quickstart.py ]] || { echo "no Python quick start in $readme"; exit 1; }
(cd "$work" && "$python" quickstart.py) | tee "$work/out.txt"
grep -q "Noah Bernard -> eng-3 - open case 1 owned by eng-3" "$work/out.txt"
