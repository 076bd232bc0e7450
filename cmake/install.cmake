# SPDX-License-Identifier: Apache-2.0
#
# Install rules: public and generated headers, the .proto files, the two
# libraries, a relocatable CMake package (find_package(omnictx CONFIG)) and a
# pkg-config file. Included from the top-level CMakeLists.txt after the
# omnictx and omnictx_proto targets exist.
#
# Layout under the prefix:
#   include/omnictx/*.h                 public headers
#   include/omnictx/v1/*.pb.h           generated proto headers
#   lib/libomnictx.{a,so*}              (CMAKE_INSTALL_LIBDIR)
#   lib/libomnictx_proto.{a,so*}
#   lib/cmake/omnictx/                  omnictxConfig.cmake and friends
#   lib/pkgconfig/omnictx.pc
#   share/omnictx/proto/omnictx/v1/*.proto   import path for protoc
#
# Both library kinds work: static by default, shared with
# -DBUILD_SHARED_LIBS=ON. A static libomnictx carries its private
# dependencies (SQLite, libphonenumber, some Abseil libraries) as link-only
# usage requirements, which the package config finds again on the consumer's
# machine; the pkg-config file lists them as public in that case.
include(CMakePackageConfigHelpers)

set(OMNICTX_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/omnictx)
set(OMNICTX_INSTALL_PROTODIR ${CMAKE_INSTALL_DATADIR}/omnictx/proto)

set_target_properties(omnictx_proto PROPERTIES
  EXPORT_NAME proto
  VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
if(NOT TARGET omnictx::proto)
  add_library(omnictx::proto ALIAS omnictx_proto)
endif()

# ---- Headers and protos ----
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/omnictx
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT omnictx_development
  FILES_MATCHING PATTERN "*.h")
install(DIRECTORY ${OMNICTX_PROTO_OUT}/omnictx
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT omnictx_development
  FILES_MATCHING PATTERN "*.pb.h")
foreach(_omnictx_proto IN LISTS OMNICTX_PROTOS)
  get_filename_component(_omnictx_dir ${_omnictx_proto} DIRECTORY)
  install(FILES ${PROJECT_SOURCE_DIR}/proto/${_omnictx_proto}
    DESTINATION ${OMNICTX_INSTALL_PROTODIR}/${_omnictx_dir}
    COMPONENT omnictx_development)
endforeach()

# ---- Libraries and exported targets ----
install(TARGETS omnictx omnictx_proto
  EXPORT omnictxTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    COMPONENT omnictx_runtime
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    COMPONENT omnictx_runtime
    NAMELINK_COMPONENT omnictx_development
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    COMPONENT omnictx_development
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT omnictxTargets
  NAMESPACE omnictx::
  FILE omnictxTargets.cmake
  DESTINATION ${OMNICTX_INSTALL_CMAKEDIR}
  COMPONENT omnictx_development)

# ---- CMake package ----
# Read by the config template: whether the installed libraries are static
# (then the consumer must also find the private dependencies).
if(BUILD_SHARED_LIBS)
  set(OMNICTX_STATIC_LIBS OFF)
else()
  set(OMNICTX_STATIC_LIBS ON)
endif()
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/omnictxConfig.cmake.in
  ${PROJECT_BINARY_DIR}/omnictxConfig.cmake
  INSTALL_DESTINATION ${OMNICTX_INSTALL_CMAKEDIR}
  PATH_VARS OMNICTX_INSTALL_PROTODIR)
# Before 1.0 a new minor version may break the API.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/omnictxConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/omnictxConfig.cmake
  ${PROJECT_BINARY_DIR}/omnictxConfigVersion.cmake
  DESTINATION ${OMNICTX_INSTALL_CMAKEDIR}
  COMPONENT omnictx_development)

# ---- pkg-config ----
# The prefix is computed from the .pc file's own location, so the file stays
# right after `cmake --install --prefix` or when the tree is moved.
set(OMNICTX_PC_REQUIRES
  "protobuf >= ${Protobuf_VERSION}"
  absl_status absl_statusor absl_time absl_synchronization absl_strings)
set(OMNICTX_PC_REQUIRES_PRIVATE
  sqlite3 libcrypto absl_flat_hash_map absl_str_format absl_hash absl_function_ref)
set(OMNICTX_PC_LIBS_PRIVATE -lphonenumber ${CMAKE_THREAD_LIBS_INIT})
if(OMNICTX_STATIC_LIBS)
  # No shared library records these: a plain `pkg-config --libs` must
  # name them.
  list(APPEND OMNICTX_PC_REQUIRES ${OMNICTX_PC_REQUIRES_PRIVATE})
  set(OMNICTX_PC_REQUIRES_PRIVATE "")
  set(OMNICTX_PC_LIBS_EXTRA ${OMNICTX_PC_LIBS_PRIVATE})
  set(OMNICTX_PC_LIBS_PRIVATE "")
endif()
list(JOIN OMNICTX_PC_REQUIRES ", " OMNICTX_PC_REQUIRES)
list(JOIN OMNICTX_PC_REQUIRES_PRIVATE ", " OMNICTX_PC_REQUIRES_PRIVATE)
list(JOIN OMNICTX_PC_LIBS_EXTRA " " OMNICTX_PC_LIBS_EXTRA)
list(JOIN OMNICTX_PC_LIBS_PRIVATE " " OMNICTX_PC_LIBS_PRIVATE)

set(OMNICTX_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${OMNICTX_PC_DIR}")
  set(OMNICTX_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _omnictx_up /prefix/${OMNICTX_PC_DIR} /prefix)
  string(REGEX REPLACE "/$" "" _omnictx_up "${_omnictx_up}")
  set(OMNICTX_PC_PREFIX "\${pcfiledir}/${_omnictx_up}")
endif()
# Each directory relative to ${prefix} unless it was given absolute.
set(_omnictx_LIBDIR ${CMAKE_INSTALL_LIBDIR})
set(_omnictx_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR})
set(_omnictx_PROTODIR ${OMNICTX_INSTALL_PROTODIR})
foreach(_omnictx_dir IN ITEMS LIBDIR INCLUDEDIR PROTODIR)
  if(IS_ABSOLUTE "${_omnictx_${_omnictx_dir}}")
    set(OMNICTX_PC_${_omnictx_dir} "${_omnictx_${_omnictx_dir}}")
  else()
    set(OMNICTX_PC_${_omnictx_dir} "\${prefix}/${_omnictx_${_omnictx_dir}}")
  endif()
endforeach()
configure_file(${PROJECT_SOURCE_DIR}/cmake/omnictx.pc.in
  ${PROJECT_BINARY_DIR}/omnictx.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/omnictx.pc
  DESTINATION ${OMNICTX_PC_DIR}
  COMPONENT omnictx_development)
