# SPDX-License-Identifier: Apache-2.0
#
# Security family: tenant isolation between store files. A plain program
# that prints its figures and exits 1 on any cross-tenant answer, model
# mismatch or change to the other tenant's file; counts scale with
# OMNICTX_SOAK. CI budget (2 cores): well under two minutes.
if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/tenant_isolation.cc)
  add_executable(tenant_isolation tenant_isolation.cc)
  target_compile_options(tenant_isolation PRIVATE ${OMNICTX_WARNINGS})
  target_link_libraries(tenant_isolation PRIVATE
    omnictx SQLite::SQLite3 absl::strings absl::str_format Threads::Threads)
  # Two files with the same phones and user ids linked to different
  # customers: 100,000 interleaved operations in one process, then one
  # process per file, against a model; erase, merge and import in one file
  # leave the other byte for byte unchanged.
  add_test(NAME reliability_tenant_isolation COMMAND tenant_isolation)
  set_tests_properties(reliability_tenant_isolation PROPERTIES
    LABELS reliability TIMEOUT 600)
endif()
