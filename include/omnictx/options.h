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
#include "omnictx/audience.h"
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

// A cap on how many identities of one kind may join one customer within a
// window: stops shared devices and kiosks from merging strangers.
struct IdentityKindLimit {
  v1::IdentityKind kind = v1::IDENTITY_KIND_UNSPECIFIED;
  int max_count = 0;
  // Counted over identities linked within this window before now;
  // absl::InfiniteDuration() counts every identity the customer has.
  absl::Duration window = absl::InfiniteDuration();
};

// Guards on linking, stitching and merging identities. The defaults are
// what a contact centre wants; each guard has a name that appears in the
// FailedPrecondition it returns.
struct IdentityPolicy {
  // Guard "blocked_value": values that never link (compared after
  // normalization, case-insensitively), such as a shop's own front-desk
  // number. Built-in placeholders ("null", "undefined", "0", "unknown",
  // "anonymous", "test@test.com", "0000000000", ...) are always refused as
  // malformed input (InvalidArgument).
  std::vector<std::string> blocked_values = {};
  // Guard "kind_limit": at most 5 device ids and 10 cookies per week, and
  // one CRM id and one user id per customer.
  std::vector<IdentityKindLimit> limits = {
      {v1::IDENTITY_KIND_DEVICE, 5, absl::Hours(24 * 7)},
      {v1::IDENTITY_KIND_COOKIE, 10, absl::Hours(24 * 7)},
      {v1::IDENTITY_KIND_CRM_ID, 1, absl::InfiniteDuration()},
      {v1::IDENTITY_KIND_USER_ID, 1, absl::InfiniteDuration()},
  };
  // Stitch keeps the customer holding the highest-priority identity kind
  // (first in this list); anonymous kinds (cookie, device) come last.
  std::vector<v1::IdentityKind> priority = {
      v1::IDENTITY_KIND_CRM_ID,  v1::IDENTITY_KIND_USER_ID,  v1::IDENTITY_KIND_ACCOUNT,
      v1::IDENTITY_KIND_EMAIL,   v1::IDENTITY_KIND_PHONE,    v1::IDENTITY_KIND_MESSAGING,
      v1::IDENTITY_KIND_SOCIAL,  v1::IDENTITY_KIND_DEVICE,   v1::IDENTITY_KIND_COOKIE,
  };
};

// How long interactions are kept. Purge deletes older ones.
struct RetentionPolicy {
  // Maximum age per channel kind (e.g. {CHANNEL_KIND_WEB, 90 days}).
  std::map<v1::ChannelKind, absl::Duration> max_age_by_channel = {};
  // Maximum age per interaction kind (e.g. {"page_view", 30 days}); wins
  // over the channel's when both apply.
  std::map<std::string, absl::Duration> max_age_by_kind = {};
  // Rows deleted per transaction, so lookups are never blocked for long.
  int batch_size = 1000;
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
  // Guards on linking and merging identities.
  IdentityPolicy identity = {};
  // How long interactions are kept (Purge).
  RetentionPolicy retention = {};
  // Which parts of a Context each audience sees (see audience.h).
  AudiencePolicy audiences = {};

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
  // WAL file size past which a commit checkpoints the whole WAL and
  // truncates it, waiting up to busy_timeout for readers of older snapshots
  // to finish. Readers that always overlap otherwise keep the WAL growing.
  // When a reader outlasts the wait, the next try comes after the WAL has
  // grown by this much again. 0 disables.
  int64_t wal_truncate_bytes = int64_t{32} << 20;
};

// What Lookup is asked. Give either `identity` or `customer_id`.
struct LookupRequest {
  // Who is at the door (a phone number, email, cookie ...).
  std::optional<Identity> identity = {};
  // Or the customer id, when the caller already knows it.
  std::string customer_id = {};
  // The channel that asks (the IVR, the web site ...).
  Channel channel = Channel::kUnspecified;
  // Who reads the answer; parts it may not see are cleared (audience.h).
  Audience audience = Audience::kAgent;
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

// How a merge settles a profile field both customers have set.
enum class FieldRule {
  kKeepSurvivor,  // the survivor's value stays
  kNewestWins,    // the value of the customer updated most recently
  kExplicit,      // the value given in MergePolicy::explicit_values
};

// Per-field rules for a merge. Fields: "display_name", "language",
// "preferred_channel", and "attributes.<key>" (or "attributes" for all).
struct MergePolicy {
  FieldRule default_rule = FieldRule::kKeepSurvivor;
  std::map<std::string, FieldRule> rules = {};
  std::map<std::string, std::string> explicit_values = {};
};

// Merge `absorbed_id` into `survivor_id`.
struct MergeRequest {
  std::string survivor_id = {};
  std::string absorbed_id = {};
  // Who asks: a user, a system or a rule name (no personal data).
  std::string actor = {};
  MergePolicy policy = {};
};

// Options for LinkIdentity.
struct LinkOptions {
  // Allow linking an identity of an erased customer (by default refused
  // with FailedPrecondition so an event does not silently re-create them).
  bool allow_erased = false;
};

}  // namespace omnictx

#endif  // OMNICTX_OPTIONS_H_
