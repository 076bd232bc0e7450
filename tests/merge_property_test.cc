// SPDX-License-Identifier: Apache-2.0
//
// A property test for identity resolution: seeded random sequences of
// create, link, record (with and without `via`), merge and unmerge run
// against the Store and against a plain model of the documented rules; after
// every step the two must agree on who owns each identity and each
// interaction, and on every customer's status.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "test_util.h"

namespace omnictx {
namespace {

using testing::MakeInteraction;
using testing::TempStore;

constexpr int kCookieLimit = 2;
constexpr int kPoolSize = 24;

// The documented rules, on plain maps. Identities are pool indices.
struct Model {
  struct MergeRec {
    int64_t id = 0;
    std::string survivor, absorbed;
    int step = 0;
    std::vector<int> identities;
    std::vector<int64_t> interactions;
    bool undone = false;
  };
  struct Recorded {
    std::string owner;
    int step = 0;
    int via = -1;  // pool index, -1 for none
  };
  std::vector<std::string> customers;
  std::map<std::string, std::string> merged_into;  // absent: active
  std::map<int, std::string> owner;                // identity -> customer
  std::map<int64_t, Recorded> interactions;
  std::vector<MergeRec> merges;
  // How often each rule decided an outcome, so the test can tell the
  // sequences exercised it.
  std::map<std::string, int> counts;

  bool Active(const std::string& c) const { return merged_into.count(c) == 0; }
  static bool IsCookie(int identity) { return identity % 3 == 2; }
  int Cookies(const std::string& c) const {
    int n = 0;
    for (const auto& [id, who] : owner) n += (who == c && IsCookie(id)) ? 1 : 0;
    return n;
  }

  absl::StatusCode Link(const std::string& c, int identity) {
    if (!Active(c)) return absl::StatusCode::kNotFound;
    auto it = owner.find(identity);
    if (it != owner.end()) {
      return it->second == c ? absl::StatusCode::kOk : absl::StatusCode::kAlreadyExists;
    }
    if (IsCookie(identity) && Cookies(c) + 1 > kCookieLimit) {
      ++counts["link kind_limit"];
      return absl::StatusCode::kFailedPrecondition;
    }
    owner[identity] = c;
    return absl::StatusCode::kOk;
  }

  absl::StatusCode Record(const std::string& c, int64_t id, int step, int via) {
    if (!Active(c)) return absl::StatusCode::kNotFound;
    interactions[id] = {c, step, via};
    return absl::StatusCode::kOk;
  }

  // Checks a merge; on success returns kOk and fills `out` (without the id).
  absl::StatusCode Merge(const std::string& s, const std::string& a, int step, MergeRec* out) {
    if (s == a) return absl::StatusCode::kInvalidArgument;
    if (!Active(s) || !Active(a)) return absl::StatusCode::kNotFound;
    if (Cookies(s) + Cookies(a) > kCookieLimit) {
      ++counts["merge kind_limit"];
      return absl::StatusCode::kFailedPrecondition;
    }
    *out = {0, s, a, step, {}, {}, false};
    for (auto& [id, who] : owner) {
      if (who != a) continue;
      who = s;
      out->identities.push_back(id);
    }
    for (auto& [id, r] : interactions) {
      if (r.owner != a) continue;
      r.owner = s;
      out->interactions.push_back(id);
    }
    merged_into[a] = s;
    return absl::StatusCode::kOk;
  }

  absl::StatusCode Unmerge(size_t index) {
    MergeRec& m = merges[index];
    if (m.undone) {
      ++counts["unmerge twice"];
      return absl::StatusCode::kFailedPrecondition;
    }
    if (!Active(m.survivor)) {
      ++counts["unmerge with a later merge"];
      return absl::StatusCode::kFailedPrecondition;
    }
    std::set<int> given_back;
    for (int id : m.identities) {
      if (owner[id] != m.survivor) continue;
      owner[id] = m.absorbed;
      given_back.insert(id);
    }
    for (int64_t id : m.interactions) {
      if (interactions[id].owner == m.survivor) interactions[id].owner = m.absorbed;
    }
    // Recorded on the survivor after the merge through an identity given back.
    for (auto& [id, r] : interactions) {
      if (r.owner == m.survivor && r.step > m.step && given_back.count(r.via) > 0) {
        ++counts["via returned"];
        r.owner = m.absorbed;
      }
    }
    merged_into.erase(m.absorbed);
    m.undone = true;
    return absl::StatusCode::kOk;
  }
};

Identity PoolIdentity(int k) {
  switch (k % 3) {
    case 0: return Email(absl::StrCat("user", k, "@example.com"));
    case 1: return Account(absl::StrCat("ACC", 1000 + k));
    default: return Cookie(absl::StrCat("ck-", k));
  }
}

// Compares every identity, interaction and customer of the model with the
// store; returns a description of the first difference, or "".
std::string Diff(Store& store, const Model& model) {
  for (int k = 0; k < kPoolSize; ++k) {
    auto got = store.Resolve(PoolIdentity(k));
    if (!got.ok()) return absl::StrCat("Resolve(", k, "): ", got.status().ToString());
    auto it = model.owner.find(k);
    std::optional<std::string> want;
    if (it != model.owner.end()) want = it->second;
    if (*got != want) {
      return absl::StrCat("identity ", k, " resolves to ", got->value_or("nobody"),
                          ", model says ", want.value_or("nobody"));
    }
  }
  std::map<std::string, std::set<int64_t>> want_timelines;
  for (const auto& [id, r] : model.interactions) want_timelines[r.owner].insert(id);
  for (const std::string& c : model.customers) {
    auto customer = store.GetCustomer(c);
    if (!customer.ok()) return absl::StrCat("GetCustomer(", c, "): ", customer.status().ToString());
    const bool active = model.Active(c);
    if ((customer->status() == v1::CUSTOMER_STATUS_ACTIVE) != active) {
      return absl::StrCat("customer ", c, " has status ",
                          v1::CustomerStatus_Name(customer->status()));
    }
    if (!active && customer->merged_into() != model.merged_into.at(c)) {
      return absl::StrCat("customer ", c, " merged into ", customer->merged_into(),
                          ", model says ", model.merged_into.at(c));
    }
    auto page = store.Timeline(c, {.page_size = 1000});
    if (!page.ok()) return absl::StrCat("Timeline(", c, "): ", page.status().ToString());
    std::set<int64_t> got;
    for (const Interaction& i : page->interactions) got.insert(i.id());
    if (got != want_timelines[c]) {
      std::string text = absl::StrCat("timeline of ", c, " differs; store:");
      for (int64_t id : got) absl::StrAppend(&text, " ", id);
      absl::StrAppend(&text, "; model:");
      for (int64_t id : want_timelines[c]) absl::StrAppend(&text, " ", id);
      return text;
    }
  }
  return "";
}

// Runs one sequence; returns how often each rule decided an outcome.
std::map<std::string, int> RunSequence(uint32_t seed, int steps) {
  Options options;
  options.identity.limits = {{v1::IDENTITY_KIND_COOKIE, kCookieLimit, absl::InfiniteDuration()}};
  TempStore store(options);
  Model model;
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  auto new_customer = [&]() {
    std::string id = absl::StrCat("p", model.customers.size());
    testing::MakeCustomer(store.store(), id, "");
    model.customers.push_back(id);
  };
  for (int k = 0; k < 3; ++k) new_customer();

  for (int step = 0; step < steps; ++step) {
    store.clock().Advance(absl::Seconds(1 + pick(60)));
    const int op = pick(100);
    const std::string c = model.customers[pick(static_cast<int>(model.customers.size()))];
    std::string what;
    absl::StatusCode want = absl::StatusCode::kOk;
    absl::Status got;
    if (op < 8) {
      what = "create";
      new_customer();
    } else if (op < 33) {
      const int k = pick(kPoolSize);
      what = absl::StrCat("link ", k, " to ", c);
      got = store->LinkIdentity(c, PoolIdentity(k)).status();
      want = model.Link(c, k);
    } else if (op < 63) {
      // Mostly through one of the customer's identities, sometimes another's.
      std::vector<int> mine;
      for (const auto& [k, who] : model.owner) {
        if (who == c) mine.push_back(k);
      }
      int via = -1;
      const int how = pick(10);
      if (how < 6 && !mine.empty()) {
        via = mine[pick(static_cast<int>(mine.size()))];
      } else if (how < 8) {
        via = pick(kPoolSize);
      }
      // Events arrive late: up to an hour after they happened.
      Interaction i = MakeInteraction(c, store.clock().Now() - absl::Seconds(pick(3600)),
                                      v1::CHANNEL_KIND_WEB, "web.home", "page_view");
      if (via >= 0) *i.mutable_via() = PoolIdentity(via);
      what = absl::StrCat("record on ", c, " via ", via);
      auto id = store->Record(i);
      got = id.status();
      if (id.ok()) {
        want = model.Record(c, *id, step, via);
      } else {
        want = model.Active(c) ? absl::StatusCode::kOk : absl::StatusCode::kNotFound;
      }
    } else if (op < 83) {
      const std::string a = model.customers[pick(static_cast<int>(model.customers.size()))];
      what = absl::StrCat("merge ", a, " into ", c);
      Model::MergeRec m;
      want = model.Merge(c, a, step, &m);
      auto record = store->Merge({.survivor_id = c, .absorbed_id = a, .actor = "prop"});
      got = record.status();
      if (record.ok() && want == absl::StatusCode::kOk) {
        m.id = record->id();
        std::set<int64_t> moved(record->interactions_moved().begin(),
                                record->interactions_moved().end());
        INFO("seed " << seed << " step " << step << ": " << what);
        REQUIRE(moved == std::set<int64_t>(m.interactions.begin(), m.interactions.end()));
        REQUIRE(record->identities_moved_size() == static_cast<int>(m.identities.size()));
        model.merges.push_back(m);
      }
    } else if (!model.merges.empty()) {
      const size_t index = static_cast<size_t>(pick(static_cast<int>(model.merges.size())));
      what = absl::StrCat("unmerge ", model.merges[index].id, " (", model.merges[index].absorbed,
                          " from ", model.merges[index].survivor, ")");
      got = store->Unmerge(model.merges[index].id, "prop").status();
      want = model.Unmerge(index);
    }
    INFO("seed " << seed << " step " << step << ": " << what << " -> " << got.ToString());
    REQUIRE(got.code() == want);
    const std::string diff = Diff(store.store(), model);
    INFO(diff);
    REQUIRE(diff.empty());
  }
  // The sequences must have exercised what they claim to.
  int undone = 0;
  for (const Model::MergeRec& m : model.merges) undone += m.undone ? 1 : 0;
  INFO("seed " << seed);
  CHECK(model.merges.size() >= 10);
  CHECK(undone >= 3);
  return model.counts;
}

TEST_CASE("Random link, record, merge and unmerge sequences agree with the model",
          "[merge][property]") {
  std::map<std::string, int> seen;
  for (uint32_t seed : {1u, 2u, 3u, 4u, 5u, 20260302u}) {
    for (const auto& [what, n] : RunSequence(seed, 300)) seen[what] += n;
  }
  for (const char* what : {"link kind_limit", "merge kind_limit", "unmerge twice",
                           "unmerge with a later merge", "via returned"}) {
    INFO(what);
    CHECK(seen[what] > 0);
  }
}

}  // namespace
}  // namespace omnictx
