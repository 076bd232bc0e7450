# SPDX-License-Identifier: Apache-2.0
#
# install_consumer: installs this build into a scratch prefix and checks that
# a separate project can use it, through find_package(omnictx CONFIG) and
# through pkg-config (tests/consumer/). Included from tests/CMakeLists.txt.
set(_omnictx_consumer_flags "")
if(OMNICTX_SANITIZE)
  # The installed libraries are instrumented; so must the consumer be.
  set(_omnictx_consumer_flags "-fsanitize=address,undefined")
endif()
add_test(NAME install_consumer
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/consumer/run_consumer_test.sh
    ${PROJECT_BINARY_DIR}
    ${CMAKE_CURRENT_BINARY_DIR}/install_consumer
    ${CMAKE_CXX_COMPILER}
    ${CMAKE_INSTALL_LIBDIR}
    ${PROJECT_VERSION}
    "${_omnictx_consumer_flags}"
    ${PROJECT_SOURCE_DIR}/README.md)
set_tests_properties(install_consumer PROPERTIES
  LABELS install
  ENVIRONMENT "CMAKE_GENERATOR=${CMAKE_GENERATOR}"
  TIMEOUT 900)
