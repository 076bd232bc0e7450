// SPDX-License-Identifier: Apache-2.0
//
// Helpers shared by the fuzz targets: a reader that turns the fuzzer's
// bytes into small decisions, a check that aborts (which libFuzzer reports
// as a crash and keeps the input), and a scratch directory per process for
// the stores the targets open.
#ifndef OMNICTX_FUZZ_FUZZ_UTIL_H_
#define OMNICTX_FUZZ_FUZZ_UTIL_H_

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "omnictx/omnictx.h"

namespace omnictx::fuzz {

// Reads the input front to back; past its end every read returns zero or
// empty, so any input decodes to something.
class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size)
      : data_(reinterpret_cast<const char*>(data)), size_(size) {}

  bool empty() const { return pos_ >= size_; }
  uint8_t Byte() { return empty() ? 0 : static_cast<uint8_t>(data_[pos_++]); }
  // Returns a number in [0, n). REQUIRES: n > 0.
  size_t Pick(size_t n) { return Byte() % n; }
  bool Bool() { return (Byte() & 1) != 0; }
  // A length byte (capped at `max`) then that many bytes.
  std::string String(size_t max) {
    const size_t n = std::min<size_t>(Pick(max + 1), size_ - std::min(pos_, size_));
    std::string out(data_ + pos_, n);
    pos_ += n;
    return out;
  }
  // Everything not read yet.
  std::string_view Rest() {
    const size_t start = std::min(pos_, size_);
    pos_ = size_;
    return std::string_view(data_ + start, size_ - start);
  }

 private:
  const char* data_;
  size_t size_;
  size_t pos_ = 0;
};

// Prints the broken invariant and aborts: libFuzzer saves the input.
[[noreturn]] inline void Fail(const char* check, std::string_view detail) {
  std::fprintf(stderr, "\nFUZZ CHECK FAILED: %s\n  %.*s\n", check,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

#define FUZZ_CHECK(cond, detail)                         \
  do {                                                   \
    if (!(cond)) ::omnictx::fuzz::Fail(#cond, (detail)); \
  } while (false)

// Status codes that only a bug (not bad input) may produce.
inline bool IsBugCode(const absl::Status& s) {
  return s.code() == absl::StatusCode::kInternal || s.code() == absl::StatusCode::kUnknown ||
         s.code() == absl::StatusCode::kDataLoss;
}

inline std::string StatusText(const absl::Status& s) { return std::string(s.ToString()); }

// A directory under $TMPDIR for this process, removed at normal exit.
inline const std::filesystem::path& ScratchDir() {
  static const std::filesystem::path* const dir = [] {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "omnictx-fuzz-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) Fail("mkdtemp", tmpl);
    auto* path = new std::filesystem::path(tmpl);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(ScratchDir(), ec);
    });
    return path;
  }();
  return *dir;
}

// Deletes a store's file and its WAL and shared-memory companions.
inline void RemoveStoreFiles(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix, ec);
  }
}

// The fake clock's start: 2026-03-02 09:00:00 UTC, as in the tests.
inline absl::Time FuzzEpoch() { return absl::FromUnixSeconds(1772442000); }

// A store in the scratch directory that targets reuse across inputs (each
// input stays cheap) and recreate every `runs_per_store` inputs (the file
// stays small). Inputs see a store with whatever earlier inputs left, so a
// finding is replayed alone first (replay_main.cc, or libFuzzer on the file).
class ReusedStore {
 public:
  explicit ReusedStore(std::string name, int runs_per_store = 2000)
      : path_((ScratchDir() / name).string()), runs_per_store_(runs_per_store) {}

  // Returns the store for this input, reopened on a fresh file if due.
  Store& Get() {
    if (!store_ || ++runs_ >= runs_per_store_) {
      store_.reset();
      RemoveStoreFiles(path_);
      runs_ = 0;
      clock_ = std::make_shared<FakeClock>(FuzzEpoch());
      Options options;
      options.clock = clock_;
      options.default_region = "FR";
      auto store = Store::Open(path_, options);
      if (!store.ok()) Fail("Store::Open", StatusText(store.status()));
      store_ = *std::move(store);
    }
    return *store_;
  }
  FakeClock& clock() { return *clock_; }

 private:
  std::string path_;
  int runs_per_store_;
  int runs_ = 0;
  std::shared_ptr<FakeClock> clock_;
  std::unique_ptr<Store> store_;
};

}  // namespace omnictx::fuzz

#endif  // OMNICTX_FUZZ_FUZZ_UTIL_H_
