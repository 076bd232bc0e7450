#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The install_consumer test: installs a built omnictx into a scratch prefix,
# then builds and runs tests/consumer against that prefix twice, once through
# find_package(omnictx CONFIG) and once through pkg-config.
#
#   run_consumer_test.sh BUILD_DIR WORK_DIR CXX LIBDIR VERSION [CXXFLAGS] [README]
#
# With README, the C++ quick start in it (the block after the marker
# "readme-test: quickstart.cc") is compiled the same way and run.
# LIBDIR is CMAKE_INSTALL_LIBDIR (relative to the prefix); VERSION the
# expected package version; CXXFLAGS go to the compile and link of the
# consumer (the sanitizer flags when the build uses them). WORK_DIR is
# deleted and recreated.
set -euo pipefail

if (($# < 5)); then
  sed -n '2,/^set -euo/p' "$0" | grep '^#' >&2
  exit 2
fi
build_dir=$1 work=$2 cxx=$3 libdir=$4 version=$5 cxxflags=${6:-} readme=${7:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prefix=$work/prefix

step() { printf '\n== %s\n' "$*"; }
fail() { echo "install_consumer: $*" >&2; exit 1; }

rm -rf -- "$work"
mkdir -p -- "$work"

step "cmake --install $build_dir --prefix $prefix"
cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log" ||
  { cat "$work/install.log" >&2; fail "install failed"; }
for f in include/omnictx/omnictx.h include/omnictx/store.h \
         include/omnictx/v1/model.pb.h include/omnictx/v1/context.pb.h \
         share/omnictx/proto/omnictx/v1/model.proto \
         "$libdir/cmake/omnictx/omnictxConfig.cmake" \
         "$libdir/cmake/omnictx/omnictxConfigVersion.cmake" \
         "$libdir/cmake/omnictx/omnictxTargets.cmake" \
         "$libdir/pkgconfig/omnictx.pc"; do
  [[ -f $prefix/$f ]] || fail "not installed: $f"
done
compgen -G "$prefix/$libdir/libomnictx.*" >/dev/null ||
  fail "libomnictx not installed in $libdir"
compgen -G "$prefix/$libdir/libomnictx_proto.*" >/dev/null ||
  fail "libomnictx_proto not installed in $libdir"
echo "installed: $(cd "$prefix" && find . -type f | wc -l) files"

step "find_package(omnictx CONFIG REQUIRED)"
# The generator comes from CMAKE_GENERATOR in the environment, if set.
cmake -S "$here" -B "$work/cmake-build" \
  -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
  -DCMAKE_CXX_FLAGS="$cxxflags" \
  -DCMAKE_EXE_LINKER_FLAGS="$cxxflags" </dev/null
found=$(sed -n 's/^omnictx_DIR:PATH=//p' "$work/cmake-build/CMakeCache.txt")
[[ $found == "$prefix/$libdir/cmake/omnictx" ]] ||
  fail "found omnictx in '$found', not in the scratch prefix"
cmake --build "$work/cmake-build" </dev/null
"$work/cmake-build/consumer" "$work/cmake-consumer.db"

step "pkg-config --cflags --libs omnictx"
command -v pkg-config >/dev/null || fail "pkg-config is not installed"
export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
pkg-config --exists --print-errors omnictx || fail "pkg-config cannot use omnictx.pc"
got=$(pkg-config --modversion omnictx)
[[ $got == "$version" ]] || fail "pkg-config version $got, expected $version"
read -r -a flags <<<"$(pkg-config --cflags --libs omnictx)"
read -r -a extra <<<"$cxxflags"
echo "$cxx -std=c++20 ${extra[*]} consumer.cc ${flags[*]}"
"$cxx" -std=c++20 "${extra[@]}" "$here/consumer.cc" -o "$work/pkgconfig-consumer" \
  "${flags[@]}"
LD_LIBRARY_PATH=$prefix/$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
  "$work/pkgconfig-consumer" "$work/pkgconfig-consumer.db"

if [[ -n $readme ]]; then
  step "README quick start, as written"
  awk '/readme-test: quickstart.cc/ { armed = 1; next }
       armed && /^```cpp/ { inside = 1; next }
       inside && /^```/ { exit }
       inside { print }' "$readme" >"$work/quickstart.cc"
  [[ -s $work/quickstart.cc ]] || fail "no quick start block in $readme"
  "$cxx" -std=c++20 "${extra[@]}" "$work/quickstart.cc" -o "$work/quickstart" "${flags[@]}"
  (cd "$work" && LD_LIBRARY_PATH=$prefix/$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
     ./quickstart >"$work/quickstart.out")
  cat "$work/quickstart.out"
  grep -q "route to: eng-7" "$work/quickstart.out" || fail "quick start did not route to eng-7"
fi

step "install_consumer: OK"
