# SPDX-License-Identifier: Apache-2.0
#
# Crash family: kill -9 loops, multi-process concurrency and WAL growth.
# Each harness is a plain program that prints its figures and exits 1 on
# any loss or inconsistency; counts and durations scale with OMNICTX_SOAK.
# CI budget (2 cores, RelWithDebInfo): the family takes about 5 minutes.
set(OMNICTX_CRASH_HARNESSES crash_loop concurrency_procs wal_growth)
foreach(harness IN LISTS OMNICTX_CRASH_HARNESSES)
  if(NOT EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${harness}.cc)
    continue()
  endif()
  add_executable(${harness} ${harness}.cc)
  target_compile_options(${harness} PRIVATE ${OMNICTX_WARNINGS})
  target_link_libraries(${harness} PRIVATE
    omnictx SQLite::SQLite3 absl::strings absl::str_format Threads::Threads)
endforeach()

if(TARGET crash_loop)
  # 1,000 SIGKILLs at random moments, each followed by a full check.
  add_test(NAME reliability_crash_loop COMMAND crash_loop)
  set_tests_properties(reliability_crash_loop PROPERTIES
    LABELS reliability TIMEOUT 1800)
endif()

if(TARGET concurrency_procs)
  # 4 reader processes x 4 threads and a writer process for 30 s, then a
  # foreign write lock and a store used after fork().
  add_test(NAME reliability_concurrency_procs COMMAND concurrency_procs)
  set_tests_properties(reliability_concurrency_procs PROPERTIES
    LABELS reliability TIMEOUT 900)
endif()

if(TARGET wal_growth)
  # Overlapping readers and a steady writer: the WAL passes 64 MiB with the
  # truncation policy off, and stays under it for 60 s with the policy on.
  add_test(NAME reliability_wal_growth COMMAND wal_growth)
  set_tests_properties(reliability_wal_growth PROPERTIES
    LABELS reliability TIMEOUT 1200)
endif()

# Under ThreadSanitizer (-DOMNICTX_SANITIZE_THREAD=ON, a build of its own):
# reader threads and a writer thread on one Store for 10 s. TSan makes the
# processes phases too slow to be worth it; the in-process threads are what
# it can see. Debian's Abseil, protobuf and SQLite are not instrumented,
# so the storage layer locks with std::mutex (whose pthread calls TSan
# intercepts) rather than absl::Mutex. .ci/run builds and runs this.
if(OMNICTX_SANITIZE_THREAD AND TARGET concurrency_procs)
  add_test(NAME reliability_concurrency_threads_tsan
    COMMAND concurrency_procs --threads)
  set_tests_properties(reliability_concurrency_threads_tsan PROPERTIES
    LABELS reliability TIMEOUT 600
    ENVIRONMENT "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1")
endif()
