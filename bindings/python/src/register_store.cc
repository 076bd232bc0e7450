// SPDX-License-Identifier: Apache-2.0
//
// Opening and closing a store, customers, identities, touchpoints and
// maintenance calls.
#include <pybind11/stl.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "bindings.h"

namespace omnictx::python {
namespace {

struct RuleName {
  const char* name;
  RoutingRule rule;
};
constexpr RuleName kRules[] = {
    {"case_owner", RoutingRule::kCaseOwner},
    {"recent_journey_activity", RoutingRule::kRecentJourneyActivity},
    {"stalled_journey", RoutingRule::kStalledJourney},
};

StatusError Invalid(std::string message) {
  return StatusError{static_cast<int>(absl::StatusCode::kInvalidArgument), std::move(message)};
}

RoutingRule ParseRule(const std::string& name) {
  for (const RuleName& r : kRules) {
    if (name == r.name) return r.rule;
  }
  throw Invalid(
      "routing.order: unknown rule (allowed: case_owner, recent_journey_activity, "
      "stalled_journey)");
}

Durability ParseDurability(const std::string& name) {
  if (name == "normal") return Durability::kNormal;
  if (name == "full") return Durability::kFull;
  throw Invalid("durability: must be normal or full");
}

// What omnictx.Store.open passes: Options in Python-friendly types (times
// in microseconds, enums as proto numbers or names). Filled field by field
// from Python while the GIL is held, then read by Open without it.
struct OpenOptions {
  std::string path;
  std::string default_region;
  bool create_if_missing = true;
  bool read_only = false;
  int64_t busy_timeout_us = 5'000'000;
  std::string durability = "normal";
  int max_readers = 4;
  int statement_cache_size = 64;
  int64_t mmap_size = int64_t{1} << 30;
  int wal_autocheckpoint_pages = 4000;
  int64_t wal_truncate_bytes = int64_t{32} << 20;
  std::shared_ptr<FakeClock> clock;
  // Routing (RoutingPolicy); unset keeps the default.
  std::optional<std::vector<std::string>> routing_order;
  std::optional<int64_t> recent_activity_window_us;
  std::string priority_attribute;
  std::map<std::string, int32_t> attribute_priority;
  // Identity guards (IdentityPolicy); unset keeps the default.
  std::vector<std::string> blocked_values;
  // (kind, max_count, window in microseconds or None for no window).
  std::optional<std::vector<std::tuple<int, int, std::optional<int64_t>>>> kind_limits;
  std::optional<std::vector<int>> identity_priority;
  // Retention (RetentionPolicy).
  std::map<int, int64_t> max_age_by_channel_us;
  std::map<std::string, int64_t> max_age_by_kind_us;
  int retention_batch_size = 1000;
  // Parts per audience name (AudiencePolicy); a listed audience replaces
  // its default, unset keeps them all.
  std::optional<std::map<std::string, std::vector<std::string>>> audiences;
};

Options ToOptions(const OpenOptions& a) {
  Options options;
  options.clock = a.clock;
  options.create_if_missing = a.create_if_missing;
  options.read_only = a.read_only;
  options.default_region = a.default_region;
  options.busy_timeout = absl::Microseconds(a.busy_timeout_us);
  options.durability = ParseDurability(a.durability);
  options.max_readers = a.max_readers;
  options.statement_cache_size = a.statement_cache_size;
  options.mmap_size = a.mmap_size;
  options.wal_autocheckpoint_pages = a.wal_autocheckpoint_pages;
  options.wal_truncate_bytes = a.wal_truncate_bytes;
  if (a.routing_order) {
    options.routing.order.clear();
    for (const std::string& name : *a.routing_order) {
      options.routing.order.push_back(ParseRule(name));
    }
  }
  if (a.recent_activity_window_us) {
    if (*a.recent_activity_window_us < 0) throw Invalid("routing.recent_activity_window: negative");
    options.routing.recent_activity_window = absl::Microseconds(*a.recent_activity_window_us);
  }
  options.routing.priority_attribute = a.priority_attribute;
  options.routing.attribute_priority = a.attribute_priority;
  options.identity.blocked_values = a.blocked_values;
  if (a.kind_limits) {
    options.identity.limits.clear();
    for (const auto& [kind, max_count, window_us] : *a.kind_limits) {
      options.identity.limits.push_back(
          {static_cast<v1::IdentityKind>(kind), max_count,
           window_us ? absl::Microseconds(*window_us) : absl::InfiniteDuration()});
    }
  }
  if (a.identity_priority) {
    options.identity.priority.clear();
    for (int kind : *a.identity_priority) {
      options.identity.priority.push_back(static_cast<v1::IdentityKind>(kind));
    }
  }
  for (const auto& [kind, us] : a.max_age_by_channel_us) {
    options.retention.max_age_by_channel[static_cast<v1::ChannelKind>(kind)] =
        absl::Microseconds(us);
  }
  for (const auto& [kind, us] : a.max_age_by_kind_us) {
    options.retention.max_age_by_kind[kind] = absl::Microseconds(us);
  }
  options.retention.batch_size = a.retention_batch_size;
  if (a.audiences) {
    for (const auto& [name, parts] : *a.audiences) {
      Audience audience;
      if (!ParseAudienceName(name, &audience)) {
        throw Invalid("audiences: unknown audience (allowed: agent, ivr, public_web)");
      }
      std::set<ContextPart>& visible = options.audiences.parts[audience];
      visible.clear();
      for (const std::string& part_name : parts) {
        ContextPart part;
        if (!ParseContextPartName(part_name, &part)) {
          throw Invalid("audiences: unknown part (see omnictx/audience.h)");
        }
        visible.insert(part);
      }
    }
  }
  return options;
}

std::unique_ptr<PyStore> Open(const OpenOptions& a) {
  Options options = ToOptions(a);
  std::unique_ptr<Store> store = ValueOrThrow(Store::Open(a.path, options));
  std::shared_ptr<Clock> clock = options.clock ? options.clock : RealClock();
  return std::make_unique<PyStore>(std::shared_ptr<Store>(std::move(store)), std::move(clock));
}

}  // namespace

void RegisterStore(py::module_& m, py::class_<PyStore>& cls) {
  py::class_<OpenOptions>(m, "OpenOptions", "Arguments of Store.open (see omnictx.Store.open).")
      .def(py::init<>())
      .def_readwrite("path", &OpenOptions::path)
      .def_readwrite("default_region", &OpenOptions::default_region)
      .def_readwrite("create_if_missing", &OpenOptions::create_if_missing)
      .def_readwrite("read_only", &OpenOptions::read_only)
      .def_readwrite("busy_timeout_us", &OpenOptions::busy_timeout_us)
      .def_readwrite("durability", &OpenOptions::durability)
      .def_readwrite("max_readers", &OpenOptions::max_readers)
      .def_readwrite("statement_cache_size", &OpenOptions::statement_cache_size)
      .def_readwrite("mmap_size", &OpenOptions::mmap_size)
      .def_readwrite("wal_autocheckpoint_pages", &OpenOptions::wal_autocheckpoint_pages)
      .def_readwrite("wal_truncate_bytes", &OpenOptions::wal_truncate_bytes)
      .def_readwrite("clock", &OpenOptions::clock)
      .def_readwrite("routing_order", &OpenOptions::routing_order)
      .def_readwrite("recent_activity_window_us", &OpenOptions::recent_activity_window_us)
      .def_readwrite("priority_attribute", &OpenOptions::priority_attribute)
      .def_readwrite("attribute_priority", &OpenOptions::attribute_priority)
      .def_readwrite("blocked_values", &OpenOptions::blocked_values)
      .def_readwrite("kind_limits", &OpenOptions::kind_limits)
      .def_readwrite("identity_priority", &OpenOptions::identity_priority)
      .def_readwrite("max_age_by_channel_us", &OpenOptions::max_age_by_channel_us)
      .def_readwrite("max_age_by_kind_us", &OpenOptions::max_age_by_kind_us)
      .def_readwrite("retention_batch_size", &OpenOptions::retention_batch_size)
      .def_readwrite("audiences", &OpenOptions::audiences);
  cls.def_static("open", &Open, py::arg("options"), ReleaseGil(),
                 "Opens (creating and migrating if needed) the database at options.path.");
  cls.def("close", &PyStore::Close, ReleaseGil(),
          "Closes the store; calls already running finish first.");
  cls.def_property_readonly("closed", &PyStore::closed, "True once close() was called.");
  cls.def(
      "now_us", [](const PyStore& s) { return MicrosFromTime(s.Now()); },
      "Returns the store clock's time in Unix microseconds.");

  // ---- Customers and identities ----
  cls.def(
      "upsert_customer",
      [](PyStore& s, const std::string& customer) {
        return ToBytes(
            ValueOrThrow(s.Get()->UpsertCustomer(FromBytes<Customer>(customer, "customer"))));
      },
      py::arg("customer"), ReleaseGil());
  cls.def(
      "get_customer",
      [](PyStore& s, const std::string& id) {
        return ToBytes(ValueOrThrow(s.Get()->GetCustomer(id)));
      },
      py::arg("customer_id"), ReleaseGil());
  cls.def(
      "link_identity",
      [](PyStore& s, const std::string& customer_id, const std::string& identity,
         bool allow_erased) {
        return ToBytes(ValueOrThrow(s.Get()->LinkIdentity(customer_id,
                                                          FromBytes<Identity>(identity, "identity"),
                                                          {.allow_erased = allow_erased})));
      },
      py::arg("customer_id"), py::arg("identity"), py::arg("allow_erased"), ReleaseGil());
  cls.def(
      "unlink_identity",
      [](PyStore& s, const std::string& identity) {
        ThrowIfError(s.Get()->UnlinkIdentity(FromBytes<Identity>(identity, "identity")));
      },
      py::arg("identity"), ReleaseGil());
  cls.def(
      "resolve",
      [](PyStore& s, const std::string& identity) {
        return ValueOrThrow(s.Get()->Resolve(FromBytes<Identity>(identity, "identity")));
      },
      py::arg("identity"), ReleaseGil());
  cls.def(
      "normalize",
      [](PyStore& s, const std::string& identity) {
        return ToBytes(ValueOrThrow(s.Get()->Normalize(FromBytes<Identity>(identity, "identity"))));
      },
      py::arg("identity"), ReleaseGil());

  // ---- Touchpoints ----
  cls.def(
      "register_touchpoint",
      [](PyStore& s, const std::string& touchpoint) {
        ThrowIfError(s.Get()->RegisterTouchpoint(FromBytes<Touchpoint>(touchpoint, "touchpoint")));
      },
      py::arg("touchpoint"), ReleaseGil());
  cls.def(
      "list_touchpoints",
      [](PyStore& s) {
        std::vector<Bytes> out;
        for (const Touchpoint& t : ValueOrThrow(s.Get()->ListTouchpoints())) {
          out.push_back(ToBytes(t));
        }
        return out;
      },
      ReleaseGil());

  // ---- Maintenance ----
  cls.def(
      "check", [](PyStore& s) { ThrowIfError(s.Get()->Check()); }, ReleaseGil());
  cls.def(
      "file_schema_version", [](PyStore& s) { return ValueOrThrow(s.Get()->FileSchemaVersion()); },
      ReleaseGil());
}

}  // namespace omnictx::python
