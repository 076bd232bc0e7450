# SPDX-License-Identifier: Apache-2.0
# Included by the top-level CMakeLists.txt when OMNICTX_BUILD_FUZZ is on,
# before any target exists: the library, the generated protos and the CLI
# commands get libFuzzer's coverage instrumentation and the sanitizers, so
# the fuzzers see (and check) the code they drive. fuzz/CMakeLists.txt links
# the targets with -fsanitize=fuzzer, which brings libFuzzer's main().
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR
    "OMNICTX_BUILD_FUZZ needs Clang with libFuzzer (Debian: clang-14 and "
    "libclang-rt-14-dev); configure with CC=clang-14 CXX=clang++-14")
endif()
if(OMNICTX_SANITIZE OR OMNICTX_SANITIZE_THREAD)
  message(FATAL_ERROR "OMNICTX_BUILD_FUZZ brings its own sanitizers: "
                      "leave OMNICTX_SANITIZE and OMNICTX_SANITIZE_THREAD off")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
                    -fno-sanitize-recover=all -fno-omit-frame-pointer)
# Every other executable (the CLI, the test binary) needs the sanitizer
# runtimes but not libFuzzer's main().
add_link_options(-fsanitize=address,undefined)
