// SPDX-License-Identifier: Apache-2.0
#include "workload.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <utility>

#include "omnictx/clock.h"
#include "omnictx/store.h"
#include "omnictx/version.h"

namespace omnictx::bench {
namespace {

// Bump when the generator changes what it writes: the cache is keyed by it.
constexpr int kGeneratorVersion = 1;
constexpr size_t kBatch = 1000;
constexpr int64_t kDaySeconds = 24 * 3600;

// Multiplier of the phone bijection: odd and not a multiple of 5, so it is
// invertible modulo 10^8.
constexpr uint64_t kPhoneMultiplier = 73939133;

struct TouchpointSpec {
  std::string_view key;
  v1::ChannelKind channel;
  v1::Direction direction;
  std::string_view kind;
};

// The everyday doors, none of which moves a journey.
constexpr std::array<TouchpointSpec, 15> kTouchpoints = {{
    {"web.home", v1::CHANNEL_KIND_WEB, v1::DIRECTION_INBOUND, "page_view"},
    {"web.product", v1::CHANNEL_KIND_WEB, v1::DIRECTION_INBOUND, "page_view"},
    {"web.checkout", v1::CHANNEL_KIND_WEB, v1::DIRECTION_INBOUND, "page_view"},
    {"web.account", v1::CHANNEL_KIND_WEB, v1::DIRECTION_INBOUND, "page_view"},
    {"voice.inbound", v1::CHANNEL_KIND_VOICE, v1::DIRECTION_INBOUND, "call"},
    {"voice.outbound", v1::CHANNEL_KIND_VOICE, v1::DIRECTION_OUTBOUND, "call"},
    {"ivr.main_menu", v1::CHANNEL_KIND_IVR, v1::DIRECTION_INBOUND, "menu"},
    {"ivr.billing", v1::CHANNEL_KIND_IVR, v1::DIRECTION_INBOUND, "menu"},
    {"email.campaign", v1::CHANNEL_KIND_EMAIL, v1::DIRECTION_OUTBOUND, "email"},
    {"email.reply", v1::CHANNEL_KIND_EMAIL, v1::DIRECTION_INBOUND, "email"},
    {"sms.reminder", v1::CHANNEL_KIND_SMS, v1::DIRECTION_OUTBOUND, "sms"},
    {"sms.reply", v1::CHANNEL_KIND_SMS, v1::DIRECTION_INBOUND, "sms"},
    {"chat.support", v1::CHANNEL_KIND_CHAT, v1::DIRECTION_INBOUND, "chat"},
    {"social.dm", v1::CHANNEL_KIND_SOCIAL, v1::DIRECTION_INBOUND, "message"},
    {"social.mention", v1::CHANNEL_KIND_SOCIAL, v1::DIRECTION_INBOUND, "post"},
}};

// The seven channels of the workload, each with its first touchpoint and
// how many it has in kTouchpoints.
struct ChannelSpec {
  v1::ChannelKind kind;
  int first;
  int count;
};
constexpr std::array<ChannelSpec, 7> kChannels = {{
    {v1::CHANNEL_KIND_WEB, 0, 4},
    {v1::CHANNEL_KIND_VOICE, 4, 2},
    {v1::CHANNEL_KIND_IVR, 6, 2},
    {v1::CHANNEL_KIND_EMAIL, 8, 2},
    {v1::CHANNEL_KIND_SMS, 10, 2},
    {v1::CHANNEL_KIND_CHAT, 12, 1},
    {v1::CHANNEL_KIND_SOCIAL, 13, 2},
}};

struct JourneySpec {
  std::string_view key;
  std::string_view skill;
  int steps;  // including the success and failure terminal steps
};
constexpr std::array<JourneySpec, kJourneys> kJourneySpecs = {{
    {"onboarding", "onboarding", 4},
    {"order", "sales", 5},
    {"claim", "claims", 6},
    {"loan", "credit", 7},
    {"repair", "repair", 8},
}};

constexpr std::array<std::string_view, 24> kWords = {
    "customer", "asked",   "about",   "invoice", "delivery", "refund", "contract", "renewal",
    "password", "address", "payment", "card",    "agent",    "called", "back",     "promised",
    "update",   "within",  "two",     "days",    "follow",   "up",     "pending",  "documents"};

// The non-terminal chain steps are "s1" .. "s<steps-2>", the success step
// "s<steps-1>", the failure step "cancelled". Step i > 1 is entered from a
// touchpoint of its own, on a channel that depends on the journey and step.
std::string StepKey(int i) { return "s" + std::to_string(i); }

const ChannelSpec& StepChannel(int journey, int step) {
  return kChannels[static_cast<size_t>(journey + step) % kChannels.size()];
}

std::string StepTouchpoint(int journey, int step) {
  return std::string(ChannelName(StepChannel(journey, step).kind)) + "." +
         std::string(kJourneySpecs[static_cast<size_t>(journey)].key) + "_" + StepKey(step);
}

std::string Summary(Rng& rng) {
  std::string out;
  while (out.size() < 96) {
    if (!out.empty()) out += ' ';
    out += kWords[rng.Below(kWords.size())];
  }
  return out;
}

Interaction MakeInteraction(const std::string& customer_id, absl::Time at, const TouchpointSpec& tp,
                            Rng& rng) {
  Interaction i;
  i.set_customer_id(customer_id);
  *i.mutable_occurred_at() = ToProtoTime(at);
  i.mutable_channel()->set_kind(tp.channel);
  i.set_touchpoint(std::string(tp.key));
  i.set_kind(std::string(tp.kind));
  i.set_direction(tp.direction);
  i.set_summary(Summary(rng));
  if (tp.channel == v1::CHANNEL_KIND_VOICE || tp.channel == v1::CHANNEL_KIND_CHAT) {
    i.set_agent_id("agent-" + std::to_string(rng.Below(kAgents)));
    i.set_answered(true);
    i.mutable_handle_time()->set_seconds(rng.Between(30, 900));
    i.set_outcome(rng.Percent(80) ? "resolved" : "transferred");
  }
  if (tp.channel == v1::CHANNEL_KIND_IVR || tp.channel == v1::CHANNEL_KIND_VOICE) {
    i.mutable_wait_time()->set_seconds(rng.Between(0, 240));
  }
  return i;
}

const TouchpointSpec& RandomTouchpoint(Rng& rng) {
  const ChannelSpec& c = kChannels[rng.Below(kChannels.size())];
  return kTouchpoints[static_cast<size_t>(c.first) + rng.Below(static_cast<uint64_t>(c.count))];
}

// Turns an interaction into the one that moves a journey into `step`.
void MakeStepInteraction(int journey, int step, Interaction* i) {
  const ChannelSpec& c = StepChannel(journey, step);
  i->mutable_channel()->set_kind(c.kind);
  i->set_touchpoint(StepTouchpoint(journey, step));
  i->set_kind("journey_step");
  i->set_direction(v1::DIRECTION_INBOUND);
}

CustomerPlan Plan(uint64_t seed, int64_t index, bool with_interactions) {
  CustomerPlan p;
  Rng rng(seed * 0x9e3779b97f4a7c15ULL + static_cast<uint64_t>(index) * 0xd1b54a32d192ed03ULL);
  const absl::Time now = WorkloadNow();
  p.index = index;
  p.id = CustomerIdOf(index);
  p.phone = PhoneOf(seed, index);
  if (rng.Percent(60)) p.email = "user" + std::to_string(index) + "@example.com";
  if (rng.Percent(40)) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "ck-%016" PRIx64, rng.Next());
    p.cookie = buf;
  }
  if (rng.Percent(30)) {
    p.journey = static_cast<int>(rng.Below(kJourneys));
    p.journey_started = now - absl::Seconds(rng.Between(3600, 60 * kDaySeconds));
    // Stay on a non-terminal step: the entry step is s1, the last
    // non-terminal one s<steps-2>.
    p.journey_depth =
        static_cast<int>(rng.Between(0, kJourneySpecs[static_cast<size_t>(p.journey)].steps - 3));
  }
  if (rng.Percent(10)) {
    p.has_case = true;
    p.case_opened = now - absl::Seconds(rng.Between(3600, 30 * kDaySeconds));
    p.agent = static_cast<int>(rng.Below(kAgents));
  }
  if (!with_interactions) return p;
  const int64_t count = rng.Between(5, 15);
  std::vector<absl::Time> times;
  for (int64_t k = 0; k < count; ++k) {
    times.push_back(now - absl::Microseconds(rng.Between(1, 90 * kDaySeconds * 1'000'000)));
  }
  std::sort(times.begin(), times.end());
  int advanced = 0;
  for (absl::Time at : times) {
    Interaction& i =
        p.interactions.emplace_back(MakeInteraction(p.id, at, RandomTouchpoint(rng), rng));
    if (p.journey >= 0 && at >= p.journey_started && advanced < p.journey_depth) {
      ++advanced;
      MakeStepInteraction(p.journey, 1 + advanced, &i);
    }
  }
  p.journey_depth = advanced;  // what the interactions really reach
  return p;
}

void Progress(const char* what, int64_t done, int64_t total,
              std::chrono::steady_clock::time_point start) {
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
  const double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0;
  std::fprintf(stderr,
               "workload: %s %" PRId64 "/%" PRId64 " (%.0f/s, %.0f s elapsed, ~%.0f s left)\n",
               what, done, total, rate, secs, eta);
}

absl::Status Annotate(const absl::Status& st, const std::string& what) {
  if (st.ok()) return st;
  return absl::Status(st.code(), what + ": " + std::string(st.message()));
}

absl::Status Generate(const WorkloadConfig& config, const std::string& path) {
  auto clock = std::make_shared<FakeClock>(WorkloadNow());
  Options options = BenchOptions();
  options.clock = clock;
  absl::StatusOr<std::unique_ptr<Store>> opened = Store::Open(path, options);
  if (!opened.ok()) return Annotate(opened.status(), "open");
  Store& store = **opened;
  const absl::Time now = WorkloadNow();
  clock->Set(now - absl::Hours(24 * 120));
  for (const Journey& j : JourneyDefinitions()) {
    if (auto st = store.DefineJourney(j); !st.ok()) return Annotate(st.status(), "define journey");
  }
  for (const TouchpointSpec& tp : kTouchpoints) {
    Touchpoint t;
    t.set_key(std::string(tp.key));
    t.mutable_channel()->set_kind(tp.channel);
    t.set_direction(tp.direction);
    if (auto st = store.RegisterTouchpoint(t); !st.ok()) return Annotate(st, "touchpoint");
  }
  const std::vector<Journey> journeys = JourneyDefinitions();
  std::vector<Interaction> pending;
  auto flush = [&](size_t n) -> absl::Status {
    clock->Set(now);
    absl::StatusOr<std::vector<int64_t>> ids =
        store.RecordBatch(std::span<const Interaction>(pending.data(), n));
    if (!ids.ok()) return Annotate(ids.status(), "record batch");
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(n));
    return absl::OkStatus();
  };
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < config.customers; ++i) {
    CustomerPlan p = Plan(config.seed, i, /*with_interactions=*/true);
    clock->Set(now - absl::Hours(24 * 100));
    Customer c;
    c.set_id(p.id);
    c.set_display_name("Customer " + std::to_string(i));
    c.set_language(i % 5 == 0 ? "en" : "fr");
    SetAttribute(c.mutable_attributes(), "tier",
                 i % 10 == 0 ? "gold" : (i % 3 == 0 ? "silver" : "bronze"));
    if (auto st = store.UpsertCustomer(c); !st.ok()) return Annotate(st.status(), "customer");
    if (auto st = store.LinkIdentity(p.id, Phone(p.phone)); !st.ok())
      return Annotate(st.status(), "phone");
    if (!p.email.empty()) {
      if (auto st = store.LinkIdentity(p.id, Email(p.email)); !st.ok())
        return Annotate(st.status(), "email");
    }
    if (!p.cookie.empty()) {
      if (auto st = store.LinkIdentity(p.id, Cookie(p.cookie)); !st.ok())
        return Annotate(st.status(), "cookie");
    }
    int64_t instance_id = 0;
    if (p.journey >= 0) {
      clock->Set(p.journey_started);
      auto inst = store.StartJourney(p.id, journeys[static_cast<size_t>(p.journey)].key());
      if (!inst.ok()) return Annotate(inst.status(), "start journey");
      instance_id = inst->id();
    }
    int64_t case_id = 0;
    if (p.has_case) {
      clock->Set(p.case_opened);
      Case k;
      k.set_customer_id(p.id);
      k.set_subject("Follow-up on request " + std::to_string(i));
      k.set_queue("support");
      k.set_priority(static_cast<v1::CasePriority>(1 + i % 4));
      if (instance_id != 0 && i % 2 == 0) k.set_journey_instance_id(instance_id);
      auto opened_case = store.OpenCase(k);
      if (!opened_case.ok()) return Annotate(opened_case.status(), "open case");
      case_id = opened_case->id();
      auto assigned = store.AssignCase(case_id, "agent-" + std::to_string(p.agent));
      if (!assigned.ok()) return Annotate(assigned.status(), "assign case");
    }
    for (Interaction& in : p.interactions) {
      const absl::Time at = FromProtoTime(in.occurred_at());
      if (instance_id != 0 && at >= p.journey_started) in.set_journey_instance_id(instance_id);
      if (case_id != 0 && at >= p.case_opened) in.set_case_id(case_id);
      pending.push_back(std::move(in));
    }
    if (pending.size() >= kBatch) {
      if (auto st = flush(kBatch); !st.ok()) return st;
    }
    if ((i + 1) % 50'000 == 0) Progress("customers", i + 1, config.customers, start);
  }
  while (!pending.empty()) {
    if (auto st = flush(std::min(kBatch, pending.size())); !st.ok()) return st;
  }
  Progress("customers", config.customers, config.customers, start);
  return absl::OkStatus();
}

void RemoveDatabase(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix, ec);
  }
}

}  // namespace

uint64_t Rng::Next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

absl::Time WorkloadNow() { return absl::FromUnixSeconds(1717243200); }  // 2024-06-01T12:00:00Z

std::string PhoneOf(uint64_t seed, int64_t index) {
  const uint64_t space = static_cast<uint64_t>(kPhoneSpace);
  const uint64_t n =
      (static_cast<uint64_t>(index) % space * kPhoneMultiplier + seed % space) % space;
  char buf[24];
  std::snprintf(buf, sizeof buf, "+336%08" PRIu64, n);
  return buf;
}

std::string CustomerIdOf(int64_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "cust-%08" PRId64, index);
  return buf;
}

std::vector<Journey> JourneyDefinitions() {
  std::vector<Journey> out;
  for (int j = 0; j < kJourneys; ++j) {
    const JourneySpec& spec = kJourneySpecs[static_cast<size_t>(j)];
    Journey& journey = out.emplace_back();
    journey.set_key(std::string(spec.key));
    journey.set_name(std::string(spec.key) + " journey");
    const int chain = spec.steps - 1;  // s1 .. s<chain>; s<chain> is the success step
    for (int s = 1; s <= chain; ++s) {
      JourneyStep* step = journey.add_steps();
      step->set_key(StepKey(s));
      step->set_name("Step " + std::to_string(s));
      step->set_skill(std::string(spec.skill));
      if (s > 1) step->add_touchpoints(StepTouchpoint(j, s));
      if (s == chain) {
        step->set_outcome(v1::STEP_OUTCOME_SUCCESS);
        continue;
      }
      step->add_next(StepKey(s + 1));
      step->add_next("cancelled");
      static constexpr std::array<int, 4> kStallDays = {3, 7, 14, 21};
      step->mutable_stall_after()->set_seconds(kStallDays[static_cast<size_t>(s) % 4] *
                                               kDaySeconds);
    }
    JourneyStep* cancelled = journey.add_steps();
    cancelled->set_key("cancelled");
    cancelled->set_name("Cancelled");
    cancelled->add_touchpoints("web." + std::string(spec.key) + "_cancel");
    cancelled->set_outcome(v1::STEP_OUTCOME_FAILURE);
  }
  return out;
}

CustomerPlan PlanCustomer(uint64_t seed, int64_t index) { return Plan(seed, index, true); }

Interaction RandomInteraction(const WorkloadConfig& config, Rng& rng) {
  const int64_t index = static_cast<int64_t>(rng.Below(static_cast<uint64_t>(config.customers)));
  CustomerPlan p = Plan(config.seed, index, /*with_interactions=*/false);
  const absl::Time at = WorkloadNow() - absl::Seconds(rng.Between(0, 3600));
  Interaction i = MakeInteraction(p.id, at, RandomTouchpoint(rng), rng);
  // A quarter of the customers with a journey take its next step (the first
  // time: the step after the one the dataset left them on).
  if (p.journey >= 0 && rng.Percent(25)) {
    const int next = 2 + p.journey_depth;
    if (next <= kJourneySpecs[static_cast<size_t>(p.journey)].steps - 2) {
      MakeStepInteraction(p.journey, next, &i);
    }
  }
  return i;
}

Options BenchOptions() {
  Options o;
  o.clock = std::make_shared<FakeClock>(WorkloadNow());
  o.default_region = "FR";
  return o;
}

std::string DefaultDataDir() {
  if (const char* dir = std::getenv("OMNICTX_BENCH_DIR"); dir != nullptr && *dir != '\0')
    return dir;
  if (const char* tmp = std::getenv("TMPDIR"); tmp != nullptr && *tmp != '\0') {
    return std::string(tmp) + "/omnictx-bench";
  }
  return "/tmp/omnictx-bench";
}

absl::StatusOr<std::string> EnsureWorkload(const WorkloadConfig& config, const std::string& dir,
                                           bool* generated) {
  *generated = false;
  if (config.customers < 1 || config.customers >= kPhoneSpace) {
    return absl::InvalidArgumentError("customers: must be 1 to 99,999,999");
  }
  // The schema version is part of the key: a file written under another
  // schema would be migrated on open, and measure something else.
  const std::string path = dir + "/omnictx-workload-v" + std::to_string(kGeneratorVersion) +
                           "-schema" + std::to_string(SchemaVersion()) + "-n" +
                           std::to_string(config.customers) + "-s" + std::to_string(config.seed) +
                           ".db";
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return path;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::FailedPreconditionError("cannot create " + dir + ": " + ec.message());
  const std::string partial = path + ".partial-" + std::to_string(::getpid());
  RemoveDatabase(partial);
  std::fprintf(stderr, "workload: generating %" PRId64 " customers (seed %" PRIu64 ") into %s\n",
               config.customers, config.seed, path.c_str());
  absl::Status st = Generate(config, partial);
  // The store is closed here: SQLite checkpointed the WAL into the file.
  if (st.ok() && std::filesystem::exists(partial + "-wal", ec) &&
      std::filesystem::file_size(partial + "-wal", ec) > 0) {
    st = absl::InternalError("the WAL was not checkpointed on close");
  }
  if (!st.ok()) {
    RemoveDatabase(partial);
    return st;
  }
  RemoveDatabase(partial + "-wal");
  std::filesystem::rename(partial, path, ec);
  RemoveDatabase(partial);
  if (ec) return absl::FailedPreconditionError("cannot rename the generated file: " + ec.message());
  *generated = true;
  return path;
}

}  // namespace omnictx::bench
