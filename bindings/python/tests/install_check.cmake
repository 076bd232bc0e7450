# SPDX-License-Identifier: Apache-2.0
#
# python.install: installs the omnictx_python component of a build into a
# scratch prefix and imports the package from there, away from the build
# tree. Run with cmake -P and:
#   BUILD_DIR    the top-level build directory
#   PREFIX       scratch install prefix (removed first)
#   PYTHON       the interpreter to use
#   INSTALL_DIR  OMNICTX_PYTHON_INSTALL_DIR (relative to the prefix)
#   SHARED       BUILD_SHARED_LIBS: also install the libraries
foreach(_var BUILD_DIR PREFIX PYTHON INSTALL_DIR)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "install_check: ${_var} is not set")
  endif()
endforeach()

file(REMOVE_RECURSE ${PREFIX})
set(_components omnictx_python)
if(SHARED)
  list(APPEND _components omnictx_runtime)
endif()
foreach(_component IN LISTS _components)
  execute_process(
    COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX}
      --component ${_component}
    RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "install_check: installing ${_component} failed")
  endif()
endforeach()

set(_pkg ${PREFIX}/${INSTALL_DIR}/omnictx)
foreach(_file __init__.py __init__.pyi _omnictx.pyi py.typed errors.py
              v1/__init__.py v1/context_pb2.py v1/model_pb2.py v1/metrics_pb2.py
              proto/__init__.py)
  if(NOT EXISTS ${_pkg}/${_file})
    message(FATAL_ERROR "install_check: ${_pkg}/${_file} was not installed")
  endif()
endforeach()
file(GLOB _module ${_pkg}/_omnictx*.so)
if(NOT _module)
  message(FATAL_ERROR "install_check: the compiled module was not installed")
endif()

set(_script [=[
import datetime, os, sys, tempfile
import omnictx
from omnictx.v1 import context_pb2
from omnictx.proto import metrics_pb2
pkg = os.path.realpath(os.path.dirname(omnictx.__file__))
assert pkg == os.path.realpath(sys.argv[1]), pkg
with tempfile.TemporaryDirectory() as d:
    clock = omnictx.FakeClock(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.timezone.utc))
    with omnictx.Store.open(os.path.join(d, "x.db"), default_region="FR", clock=clock) as s:
        s.upsert_customer("c-1", display_name="Camille")
        s.link_identity("c-1", phone="06 12 34 56 78")
        ctx = s.lookup(phone="+33612345678")
        assert context_pb2.Context.FromString(ctx.to_proto_bytes()).customer.id == "c-1"
        assert ctx.flat()["known"] == "1"
print("installed omnictx", omnictx.__version__, "works from", pkg)
]=])
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${PREFIX}/${INSTALL_DIR}
    PYTHONDONTWRITEBYTECODE=1
    ${PYTHON} -c "${_script}" ${_pkg}
  WORKING_DIRECTORY ${PREFIX}
  RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "install_check: the installed package does not work")
endif()
