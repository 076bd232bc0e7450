# SPDX-License-Identifier: Apache-2.0
#
# Fault family: power cuts, I/O errors, full disk and out of memory, injected
# under the real API. Each harness is a plain program that prints its
# figures and exits 1 on any lost acknowledged write, partial write,
# corruption or escaped exception; counts scale with OMNICTX_SOAK.
# CI budget (2 cores, RelWithDebInfo): the family takes under a minute.
set(OMNICTX_FAULT_HARNESSES power_cut io_faults disk_full oom)
foreach(harness IN LISTS OMNICTX_FAULT_HARNESSES)
  if(NOT EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${harness}.cc)
    continue()
  endif()
  add_executable(${harness} ${harness}.cc)
  target_compile_options(${harness} PRIVATE ${OMNICTX_WARNINGS})
  target_link_libraries(${harness} PRIVATE
    omnictx SQLite::SQLite3 absl::strings absl::str_format Threads::Threads)
endforeach()
# The VFS wrapper is linked only where the harness drives it.
foreach(harness IN ITEMS power_cut io_faults)
  if(TARGET ${harness})
    target_sources(${harness} PRIVATE fault_vfs.cc)
  endif()
endforeach()

if(TARGET power_cut)
  # 1,000 cuts per durability mode at random writes, syncs and truncates.
  add_test(NAME reliability_power_cut COMMAND power_cut)
  set_tests_properties(reliability_power_cut PROPERTIES LABELS reliability TIMEOUT 1200)
endif()
if(TARGET io_faults)
  # Every write API, every N-th write/sync/truncate/open failing once and for ever.
  add_test(NAME reliability_io_faults COMMAND io_faults)
  set_tests_properties(reliability_io_faults PROPERTIES LABELS reliability TIMEOUT 1200)
endif()
if(TARGET disk_full)
  # RLIMIT_FSIZE (and a small tmpfs when mounting is permitted).
  add_test(NAME reliability_disk_full COMMAND disk_full)
  set_tests_properties(reliability_disk_full PROPERTIES LABELS reliability TIMEOUT 600)
endif()
if(TARGET oom)
  # Every API call, every N-th SQLite allocation (SQLITE_CONFIG_MALLOC).
  add_test(NAME reliability_oom_sqlite COMMAND oom 20000 sqlite)
  set_tests_properties(reliability_oom_sqlite PROPERTIES LABELS reliability TIMEOUT 1200)
  # Every API call, Import included, every N-th operator new throwing
  # std::bad_alloc.
  add_test(NAME reliability_oom_new COMMAND oom 20000 new)
  set_tests_properties(reliability_oom_new PROPERTIES LABELS reliability TIMEOUT 1200)
endif()
