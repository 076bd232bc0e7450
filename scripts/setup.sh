#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Installs the Debian (bookworm) packages omnictx needs to build, test and
# run its Python bindings (chromium and poppler-utils render `omnictx
# report` in its test; clang-14 and libclang-rt-14-dev build the libFuzzer
# targets; python3-phonenumbers is the phone normalizer's oracle;
# python3-hypothesis drives the model-based test; gcovr reports coverage).
# Idempotent: when everything is installed it prints nothing and returns at
# once. Never reads standard input.
#
#   bash scripts/setup.sh
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  libabsl-dev libprotobuf-dev protobuf-compiler libsqlite3-dev libssl-dev
  libphonenumber-dev nlohmann-json3-dev libcpp-httplib-dev
  catch2 libbenchmark-dev
  pybind11-dev python3-dev python3-pytest python3-protobuf
  sqlite3 zlib1g-dev nodejs curl
  chromium poppler-utils
  clang-14 libclang-rt-14-dev python3-phonenumbers python3-hypothesis gcovr
)
# npm for the HTTP collector's end-to-end test. NodeSource's nodejs bundles
# npm and conflicts with Debian's npm package, so ask for it only if absent.
command -v npm >/dev/null || packages+=(npm)

# dpkg-query lists only the packages it knows; keep those fully installed.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" \
              2>/dev/null | awk '$NF == "installed" { print $1 }' || true)
missing=()
for p in "${packages[@]}"; do
  grep -qxF -- "$p" <<<"$installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=()
if ((EUID != 0)); then
  if command -v sudo >/dev/null; then
    sudo=(sudo -n)
  else
    echo "setup: missing packages (${missing[*]}) and not root; rerun as root" >&2
    exit 1
  fi
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { "${sudo[@]}" apt-get update -qq &&
       "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
         apt-get install -y -qq --no-install-recommends \
           -o Dpkg::Use-Pty=0 "${missing[@]}"; } </dev/null >"$log" 2>&1; then
  cat "$log" >&2
  echo "setup: apt-get failed" >&2
  exit 1
fi
