// SPDX-License-Identifier: Apache-2.0
//
// Shared pieces of the _omnictx extension module: the status exception the
// translator turns into omnictx.errors classes, proto (de)serialization
// across the boundary, and the Store handle every register_*.cc binds to.
//
// Entities cross the C++/Python boundary as serialized proto bytes; the
// pure-Python package wraps them. Store calls run with the GIL released
// (py::call_guard<py::gil_scoped_release>), so everything a bound Store
// lambda touches is plain C++: its arguments are converted before the GIL
// is released and its result after it is taken back.
#ifndef OMNICTX_BINDINGS_PYTHON_SRC_BINDINGS_H_
#define OMNICTX_BINDINGS_PYTHON_SRC_BINDINGS_H_

#include <pybind11/pybind11.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "omnictx/omnictx.h"

namespace omnictx::python {

namespace py = pybind11;

// What ThrowIfError throws: a status code and its message. The one
// translator (register_errors.cc) maps it to a class of omnictx.errors.
struct StatusError {
  int code;
  std::string message;
};

// Throws StatusError unless `status` is OK.
inline void ThrowIfError(const absl::Status& status) {
  if (!status.ok()) {
    throw StatusError{static_cast<int>(status.code()), std::string(status.message())};
  }
}

// Returns the value, or throws StatusError.
template <typename T>
T ValueOrThrow(absl::StatusOr<T> value) {
  ThrowIfError(value.status());
  return *std::move(value);
}

// Serialized proto bytes going out to Python. A distinct type so the
// result becomes `bytes`, not `str` (std::string converts to str); the
// caster below builds the object after the GIL is taken back.
struct Bytes {
  std::string data;
};

// Serializes a message for Python.
inline Bytes ToBytes(const google::protobuf::Message& message) {
  Bytes out;
  message.SerializeToString(&out.data);
  return out;
}

// Parses bytes from Python. Throws InvalidArgument naming `what` if they do
// not parse as a T.
template <typename T>
T FromBytes(const std::string& data, const char* what) {
  T message;
  if (!message.ParseFromString(data)) {
    throw StatusError{static_cast<int>(absl::StatusCode::kInvalidArgument),
                      std::string(what) + ": malformed proto bytes"};
  }
  return message;
}

// Microseconds since the Unix epoch, as the Python side passes times.
inline absl::Time TimeFromMicros(int64_t us) { return absl::FromUnixMicros(us); }
inline int64_t MicrosFromTime(absl::Time t) { return absl::ToUnixMicros(t); }

// The Python-visible store: the Store plus the clock it reads. Close()
// drops the handle's reference; calls already running keep the Store alive
// until they return, so closing from another thread is safe.
class PyStore {
 public:
  PyStore(std::shared_ptr<Store> store, std::shared_ptr<Clock> clock)
      : store_(std::move(store)), clock_(std::move(clock)) {}

  // Returns the store. Throws FailedPrecondition once closed.
  std::shared_ptr<Store> Get() const {
    absl::MutexLock lock(&mu_);
    if (store_ == nullptr) {
      throw StatusError{static_cast<int>(absl::StatusCode::kFailedPrecondition), "store: closed"};
    }
    return store_;
  }
  void Close() {
    std::shared_ptr<Store> store;
    {
      absl::MutexLock lock(&mu_);
      store = std::move(store_);
    }
    // `store` is released here, outside the lock.
  }
  bool closed() const {
    absl::MutexLock lock(&mu_);
    return store_ == nullptr;
  }
  // The time the store's clock reads now.
  absl::Time Now() const { return clock_->Now(); }

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<Store> store_ ABSL_GUARDED_BY(mu_);
  const std::shared_ptr<Clock> clock_;
};

// The shorthand every Store binding uses.
using ReleaseGil = py::call_guard<py::gil_scoped_release>;

// One function per area, called from module.cc.
void RegisterErrors(py::module_& m);
void RegisterClock(py::module_& m);
void RegisterFormat(py::module_& m);
void RegisterStore(py::module_& m, py::class_<PyStore>& cls);
void RegisterInteractions(py::class_<PyStore>& cls);
void RegisterJourneys(py::class_<PyStore>& cls);
void RegisterCases(py::class_<PyStore>& cls);
void RegisterLookup(py::class_<PyStore>& cls);
void RegisterResolution(py::class_<PyStore>& cls);
void RegisterIngest(py::class_<PyStore>& cls);
void RegisterMetrics(py::class_<PyStore>& cls);
void RegisterStaffing(py::module_& m);

}  // namespace omnictx::python

namespace pybind11::detail {

// omnictx::python::Bytes -> bytes (output only).
template <>
struct type_caster<omnictx::python::Bytes> {
  PYBIND11_TYPE_CASTER(omnictx::python::Bytes, const_name("bytes"));
  bool load(handle, bool) { return false; }
  static handle cast(const omnictx::python::Bytes& b, return_value_policy, handle) {
    return PyBytes_FromStringAndSize(b.data.data(), static_cast<Py_ssize_t>(b.data.size()));
  }
};

}  // namespace pybind11::detail

#endif  // OMNICTX_BINDINGS_PYTHON_SRC_BINDINGS_H_
