// SPDX-License-Identifier: Apache-2.0
//
// Options for opening a Store, and the per-call request structs. All are
// aggregates with documented defaults, so C++20 designated initializers work:
//   store->Lookup({.identity = omnictx::Phone("+33612345678"),
//                  .channel = omnictx::Channel::kIvr});
#ifndef OMNICTX_OPTIONS_H_
#define OMNICTX_OPTIONS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "omnictx/clock.h"
#include "omnictx/types.h"

namespace omnictx {

// How hard a commit works to survive failures.
enum class Durability {
  // Survives a crash of the process (SQLite WAL, synchronous=NORMAL).
  kNormal,
  // Also survives power loss or an OS crash (synchronous=FULL).
  kFull,
};

// The routing rules Lookup applies, in `order`; the first that matches wins.
enum class RoutingRule {
  // An open case with an owner: route to that agent (affinity). When the
  // request lists available agents and the owner is not among them, fall
  // back to the skill of the case's journey step, then to the case's queue.
  kCaseOwner,
  // Activity on another channel inside an active journey within
  // `recent_activity_window`: bypass self-service, target the step's skill.
  kRecentJourneyActivity,
  // A stalled journey whose step names a skill: target that skill.
  kStalledJourney,
};

// Configures the routing hint. The default is what DESIGN.md describes.
struct RoutingPolicy {
  std::vector<RoutingRule> order = {RoutingRule::kCaseOwner,
                                    RoutingRule::kRecentJourneyActivity};
  // How recent activity on another channel must be to bypass self-service.
  absl::Duration recent_activity_window = absl::Minutes(30);
  // Customer attribute whose value sets a routing priority (e.g. "tier"),
  // looked up in `attribute_priority` (e.g. {"gold": 3}). Empty: unused.
  std::string priority_attribute = {};
  std::map<std::string, int32_t> attribute_priority = {};
};

// Options for Store::Open.
struct Options {
  // ---- Behaviour ----
  // Source of time for everything the store stamps. Null means RealClock().
  std::shared_ptr<Clock> clock = {};
  // Create the database file if it does not exist.
  bool create_if_missing = true;
  // Open for reading only; every write returns FailedPrecondition.
  bool read_only = false;
  // Region (ISO 3166 alpha-2, e.g. "FR") for phone numbers written in
  // national format. Empty: such numbers are refused.
  std::string default_region = {};
  // Routing rules for Lookup.
  RoutingPolicy routing = {};

  // ---- Performance ----
  // How long a call waits for another process's write lock before
  // returning Unavailable.
  absl::Duration busy_timeout = absl::Seconds(5);
  Durability durability = Durability::kNormal;
  // Reader connections kept open (1 to 64). Readers beyond this wait.
  int max_readers = 4;
  // Prepared statements cached per connection.
  int statement_cache_size = 64;
  // Bytes of the file memory-mapped for reads (0 disables mmap).
  int64_t mmap_size = int64_t{1} << 30;
  // WAL pages after which the writer checkpoints (SQLite's default is 1000).
  int wal_autocheckpoint_pages = 4000;
};

// What Lookup is asked. Give either `identity` or `customer_id`.
struct LookupRequest {
  // Who is at the door (a phone number, email, cookie ...).
  std::optional<Identity> identity = {};
  // Or the customer id, when the caller already knows it.
  std::string customer_id = {};
  // The channel that asks (the IVR, the web site ...).
  Channel channel = Channel::kUnspecified;
  // How many recent interactions to include (0 to Limits::kMaxRecent).
  int recent_limit = 20;
  // Agents available now; when set and a case owner is not among them,
  // routing falls back to the case's skill or queue.
  std::optional<std::vector<std::string>> available_agents = {};
};

// Which part of a customer's timeline to read.
struct TimelineQuery {
  absl::Time since = absl::InfinitePast();   // inclusive
  absl::Time until = absl::InfiniteFuture();  // exclusive
  // Only interactions attached to this case (0: all).
  int64_t case_id = 0;
  // Only interactions of this journey instance (0: all).
  int64_t journey_instance_id = 0;
  // Interactions per page (1 to Limits::kMaxTimelinePage).
  int page_size = 100;
  // From TimelinePage::next_page_token; empty for the first page.
  std::string page_token = {};
};

// One page of a timeline, newest first.
struct TimelinePage {
  std::vector<Interaction> interactions = {};
  // Empty when this is the last page.
  std::string next_page_token = {};
};

// Finds customers by journey state (campaign suppression).
struct FindCustomersQuery {
  std::string journey_key = {};  // required
  // Only instances currently at this step (empty: any step).
  std::string step = {};
  // Only instances in this status (UNSPECIFIED: any).
  v1::JourneyStatus status = v1::JOURNEY_STATUS_UNSPECIFIED;
  // Only instances started, or (for ended ones) ended, at or after this.
  absl::Time since = absl::InfinitePast();
  int limit = 1000;
};

}  // namespace omnictx

#endif  // OMNICTX_OPTIONS_H_
