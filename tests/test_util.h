// SPDX-License-Identifier: Apache-2.0
//
// Helpers shared by the Catch2 suites: status assertions, temporary stores
// on a fake clock, text-proto parsing and a proto equality matcher.
#ifndef OMNICTX_TESTS_TEST_UTIL_H_
#define OMNICTX_TESTS_TEST_UTIL_H_

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/field_comparator.h"
#include "google/protobuf/util/message_differencer.h"
#include "omnictx/omnictx.h"

namespace omnictx::testing {

inline std::string StatusText(const absl::Status& s) { return std::string(s.ToString()); }

// Fails the test unless `expr` (a Status or StatusOr) is OK, printing the status.
#define REQUIRE_OK(expr)                                                        \
  do {                                                                          \
    const auto& omnictx_req_ = (expr);                                          \
    INFO(::omnictx::testing::StatusText(::omnictx::testing::ToStatus(omnictx_req_))); \
    REQUIRE(::omnictx::testing::ToStatus(omnictx_req_).ok());                   \
  } while (false)

#define OMNICTX_TEST_CONCAT_INNER_(a, b) a##b
#define OMNICTX_TEST_CONCAT_(a, b) OMNICTX_TEST_CONCAT_INNER_(a, b)

// Declares `lhs` from the value of a StatusOr, failing the test on error.
#define ASSIGN_OR_FAIL(lhs, rexpr) \
  ASSIGN_OR_FAIL_IMPL_(OMNICTX_TEST_CONCAT_(omnictx_sor_, __COUNTER__), lhs, rexpr)
#define ASSIGN_OR_FAIL_IMPL_(sor, lhs, rexpr)                           \
  auto sor = (rexpr);                                                   \
  INFO(::omnictx::testing::StatusText(sor.status()));                   \
  REQUIRE(sor.ok());                                                    \
  lhs = std::move(sor).value()

inline absl::Status ToStatus(const absl::Status& s) { return s; }
template <typename T>
absl::Status ToStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

// A fixed, readable start time for fake clocks: 2026-03-02 09:00:00 UTC.
inline absl::Time TestEpoch() { return absl::FromUnixSeconds(1772442000); }

// A unique temporary directory removed at destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "omnictx-test-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    REQUIRE(mkdtemp(buf.data()) != nullptr);
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A store factory: given a path and options, opens a store. Suites take
// one so a second backend can reuse them.
using StoreFactory =
    std::function<absl::StatusOr<std::unique_ptr<Store>>(const std::string&, const Options&)>;

inline StoreFactory SqliteFactory() {
  return [](const std::string& path, const Options& options) { return Store::Open(path, options); };
}

// A store in a temporary file, on a FakeClock starting at TestEpoch().
class TempStore {
 public:
  explicit TempStore(Options options = {}, StoreFactory factory = SqliteFactory())
      : clock_(std::make_shared<FakeClock>(TestEpoch())), options_(std::move(options)) {
    if (!options_.clock) options_.clock = clock_;
    if (options_.default_region.empty()) options_.default_region = "FR";
    path_ = dir_.File("store.db");
    auto store = factory(path_, options_);
    INFO(StatusText(store.status()));
    REQUIRE(store.ok());
    store_ = *std::move(store);
  }
  Store* operator->() { return store_.get(); }
  Store& store() { return *store_; }
  FakeClock& clock() { return *clock_; }
  const std::string& path() const { return path_; }
  const Options& options() const { return options_; }
  const TempDir& dir() const { return dir_; }
  // Closes and reopens the same file.
  void Reopen() {
    store_.reset();
    auto store = Store::Open(path_, options_);
    INFO(StatusText(store.status()));
    REQUIRE(store.ok());
    store_ = *std::move(store);
  }
  void Close() { store_.reset(); }

 private:
  TempDir dir_;
  std::shared_ptr<FakeClock> clock_;
  Options options_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

// Parses a text-format proto, failing the test on a syntax error.
template <typename T>
T ParseTextProto(const std::string& text) {
  T message;
  INFO(text);
  REQUIRE(google::protobuf::TextFormat::ParseFromString(text, &message));
  return message;
}

// Matches a proto equal to `expected`, ignoring the named fields (by full
// name such as "omnictx.v1.Interaction.recorded_at").
class ProtoEqualsMatcher : public Catch::MatcherBase<google::protobuf::Message> {
 public:
  ProtoEqualsMatcher(const google::protobuf::Message& expected, std::vector<std::string> ignore)
      : expected_(expected.New()), ignore_(std::move(ignore)) {  // shared: Catch copies matchers
    expected_->CopyFrom(expected);
  }
  bool match(const google::protobuf::Message& actual) const override {
    google::protobuf::util::MessageDifferencer diff;
    for (const std::string& name : ignore_) {
      const auto* field = google::protobuf::DescriptorPool::generated_pool()->FindFieldByName(name);
      if (field != nullptr) diff.IgnoreField(field);
    }
    std::string report;
    diff.ReportDifferencesToString(&report);
    bool same = diff.Compare(*expected_, actual);
    last_report_ = report;
    return same;
  }
  std::string describe() const override {
    return "equals\n" + expected_->DebugString() + "differences:\n" + last_report_;
  }

 private:
  std::shared_ptr<google::protobuf::Message> expected_;
  std::vector<std::string> ignore_;
  mutable std::string last_report_;
};

inline ProtoEqualsMatcher ProtoEquals(const google::protobuf::Message& expected,
                                      std::vector<std::string> ignore = {}) {
  return ProtoEqualsMatcher(expected, std::move(ignore));
}

// Builds an interaction with the fields most tests need.
inline Interaction MakeInteraction(const std::string& customer_id, absl::Time at,
                                   v1::ChannelKind channel, const std::string& touchpoint,
                                   const std::string& kind,
                                   v1::Direction direction = v1::DIRECTION_INBOUND) {
  Interaction i;
  i.set_customer_id(customer_id);
  *i.mutable_occurred_at() = ToProtoTime(at);
  i.mutable_channel()->set_kind(channel);
  i.set_touchpoint(touchpoint);
  i.set_kind(kind);
  i.set_direction(direction);
  return i;
}

// Creates a customer with an id and display name, failing the test on error.
inline Customer MakeCustomer(Store& store, const std::string& id, const std::string& name) {
  Customer c;
  c.set_id(id);
  c.set_display_name(name);
  auto out = store.UpsertCustomer(c);
  INFO(StatusText(out.status()));
  REQUIRE(out.ok());
  return *out;
}

}  // namespace omnictx::testing

#endif  // OMNICTX_TESTS_TEST_UTIL_H_
