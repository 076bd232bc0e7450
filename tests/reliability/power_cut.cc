// SPDX-License-Identifier: Apache-2.0
//
// Power cut: each trial copies a template store, opens it through the fault
// VFS, runs a short random sequence of writes through the real API
// (Record, RecordBatch, UpsertCustomer, LinkIdentity, OpenCase,
// StartJourney, AdvanceJourney, Merge), and cuts the power before a random
// write, sync or truncate: the writes since each file's last sync are
// dropped, torn or garbled (seeded). The file is then reopened with the
// plain VFS and checked:
//   - integrity_check, foreign_key_check and Store::Check are clean;
//   - what survived is a prefix of the calls made (acknowledged ones, then
//     possibly the one in flight), batches all or nothing;
//   - with Durability::kFull every acknowledged call survived;
//   - the store takes a new write.
// Small WAL thresholds make checkpoints and WAL truncation happen inside
// the trials.
//
//   power_cut [cuts per mode]   (default 1000 x OMNICTX_SOAK)
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "fault_util.h"
#include "fault_vfs.h"

namespace omnictx::reliability {
namespace {

// One call of a trial and how to tell, after the cut, that it survived.
struct Step {
  std::string what;
  std::function<absl::Status(Store&)> run;
  std::function<bool(Store&, PlainDb&)> present;
  std::function<void()> on_ack;  // updates the trial's model
  std::function<std::string(Store&, PlainDb&)> atomic;  // "" unless half-applied
};

struct Model {
  std::vector<std::string> live = {"c0", "c1", "c2", "c3"};  // template customers
  std::vector<std::string> fresh;                             // created this trial
  std::vector<int> renames = {0, 0, 0, 0};
  struct Inst {
    int64_t id = 0;
    std::string step = "s0";
    int history = 0;
    bool active = true;
  };
  std::vector<Inst> instances;
  std::vector<bool> has_journey = {false, false, false, false};
  std::vector<int> instances_started = {0, 0, 0, 0};
};

int64_t CountExternal(PlainDb& db, const std::string& ext) {
  return db.Int("SELECT count(*) FROM interactions WHERE external_id = ?1", ext);
}

// Builds the next call from the model. `in_flight` receives results the
// model needs (instance ids) when acknowledged.
Step NextStep(Model& m, std::mt19937_64& rng, int64_t trial, int index) {
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const std::string tag = absl::StrCat("p", trial, "-", index);
  const uint64_t roll = pick(100);
  Step st;
  if (roll < 20) {
    int c = static_cast<int>(pick(4));
    st.what = "Record";
    st.run = [=](Store& s) {
      return s.Record(NewInteraction(m.live[c], tag, Epoch() - absl::Seconds(index))).status();
    };
    st.present = [=](Store&, PlainDb& db) { return CountExternal(db, tag) == 1; };
    return st;
  }
  if (roll < 35) {
    st.what = "RecordBatch";
    std::vector<Interaction> batch;
    for (int k = 0; k < 3; ++k) {
      batch.push_back(NewInteraction(m.live[pick(4)], absl::StrCat(tag, "-", k),
                                     Epoch() - absl::Seconds(index * 3 + k)));
    }
    st.run = [=](Store& s) { return s.RecordBatch(batch).status(); };
    st.present = [=](Store&, PlainDb& db) { return CountExternal(db, tag + "-0") == 1; };
    st.atomic = [=](Store&, PlainDb& db) -> std::string {
      int64_t n = 0;
      for (int k = 0; k < 3; ++k) n += CountExternal(db, absl::StrCat(tag, "-", k));
      return n == 0 || n == 3 ? "" : absl::StrCat("batch ", tag, " half-applied: ", n, " of 3");
    };
    return st;
  }
  if (roll < 45) {
    st.what = "UpsertCustomer(new)";
    st.run = [=](Store& s) {
      Customer c;
      c.set_id(tag);
      c.set_display_name("Fresh " + tag);
      return s.UpsertCustomer(c).status();
    };
    st.present = [=](Store&, PlainDb& db) {
      return db.Int("SELECT count(*) FROM customers WHERE id = ?1", tag) == 1;
    };
    st.on_ack = [&m, tag] { m.fresh.push_back(tag); };
    return st;
  }
  if (roll < 55) {
    int c = static_cast<int>(pick(4));
    const std::string email = tag + "@example.com";
    st.what = "LinkIdentity";
    st.run = [=](Store& s) { return s.LinkIdentity(m.live[c], Email(email)).status(); };
    st.present = [=](Store&, PlainDb& db) {
      return db.Int("SELECT count(*) FROM identities WHERE value = ?1", email) == 1;
    };
    return st;
  }
  if (roll < 65) {
    int c = static_cast<int>(pick(4));
    const int version = ++m.renames[c];
    st.what = "UpsertCustomer(rename)";
    st.run = [=](Store& s) {
      Customer cu;
      cu.set_id(m.live[c]);
      cu.set_display_name(absl::StrCat("name-", version));
      return s.UpsertCustomer(cu).status();
    };
    st.present = [=](Store& s, PlainDb&) {
      auto got = s.GetCustomer(m.live[c]);
      int now = 0;
      if (got.ok() && got->display_name().rfind("name-", 0) == 0) {
        (void)absl::SimpleAtoi(got->display_name().substr(5), &now);
      }
      return now >= version;
    };
    return st;
  }
  if (roll < 72) {
    int c = static_cast<int>(pick(4));
    st.what = "OpenCase";
    st.run = [=](Store& s) {
      Case k;
      k.set_customer_id(m.live[c]);
      k.set_subject(tag);
      return s.OpenCase(k).status();
    };
    st.present = [=](Store&, PlainDb& db) {
      return db.Int("SELECT count(*) FROM cases WHERE subject = ?1", tag) == 1;
    };
    return st;
  }
  std::vector<int> startable, advanceable;
  for (int c = 0; c < 4; ++c) {
    if (!m.has_journey[c]) startable.push_back(c);
  }
  for (size_t k = 0; k < m.instances.size(); ++k) {
    if (m.instances[k].active) advanceable.push_back(static_cast<int>(k));
  }
  if (roll < 80 && !startable.empty()) {
    int c = startable[pick(startable.size())];
    const int ordinal = m.instances_started[c] + 1;
    st.what = "StartJourney";
    auto result = std::make_shared<std::pair<int64_t, int>>(0, 0);
    st.run = [=](Store& s) {
      auto inst = s.StartJourney(m.live[c], "cycle");
      if (inst.ok()) *result = {inst->id(), inst->history_size()};
      return inst.status();
    };
    st.present = [=](Store&, PlainDb& db) {
      return db.Int("SELECT count(*) FROM journey_instances WHERE customer_key = "
                    "(SELECT key FROM customers WHERE id = ?1)",
                    m.live[c]) >= ordinal;
    };
    st.on_ack = [&m, c, result] {
      m.has_journey[c] = true;
      ++m.instances_started[c];
      m.instances.push_back({.id = result->first, .history = result->second});
    };
    return st;
  }
  if (roll < 92 && !advanceable.empty()) {
    const int k = advanceable[pick(advanceable.size())];
    const std::vector<std::string> next = CycleNext(m.instances[k].step);
    const std::string to = next[pick(next.size())];
    const int64_t id = m.instances[k].id;
    auto history = std::make_shared<int>(0);
    st.what = "AdvanceJourney";
    st.run = [=](Store& s) {
      auto inst = s.AdvanceJourney(id, to);
      if (inst.ok()) *history = inst->history_size();
      return inst.status();
    };
    // One more entry than after the last acknowledged start or advance.
    const int expected_after = m.instances[k].history + 1;
    st.present = [=](Store& s, PlainDb&) {
      auto inst = s.GetJourneyInstance(id);
      return inst.ok() && inst->history_size() >= expected_after;
    };
    st.on_ack = [&m, k, to, history] {
      m.instances[k].step = to;
      m.instances[k].history = *history;
      if (to == "done") m.instances[k].active = false;
    };
    return st;
  }
  if (!m.fresh.empty()) {
    const std::string absorbed = m.fresh.back();
    const std::string survivor = m.live[pick(4)];
    st.what = "Merge";
    st.run = [=](Store& s) {
      return s.Merge({.survivor_id = survivor, .absorbed_id = absorbed, .actor = "power_cut"})
          .status();
    };
    st.present = [=](Store&, PlainDb& db) {
      return db.Int("SELECT count(*) FROM customers WHERE id = ?1 AND merged_into IS NOT NULL",
                    absorbed) == 1;
    };
    st.on_ack = [&m] { m.fresh.pop_back(); };
    return st;
  }
  const int c = static_cast<int>(pick(4));
  st.what = "Record";
  st.run = [=](Store& s) {
    return s.Record(NewInteraction(m.live[c], tag, Epoch() - absl::Seconds(index))).status();
  };
  st.present = [=](Store&, PlainDb& db) { return CountExternal(db, tag) == 1; };
  return st;
}

struct ModeFigures {
  int64_t cuts = 0;
  int64_t acknowledged = 0;
  int64_t lost_acknowledged = 0;  // must be 0 with kFull
  int64_t not_prefix = 0;
  int64_t corrupt = 0;
  int64_t in_flight_survived = 0;
  int64_t cut_before_end = 0;
  CutStats stats;
};

void RunTrial(FaultVfs& vfs, const std::string& tmpl, const std::string& path,
              Durability durability, int64_t trial, uint64_t seed, int64_t* ops_estimate,
              ModeFigures* fig, Problems* problems) {
  std::mt19937_64 rng(seed);
  const std::string mode = durability == Durability::kFull ? "full" : "normal";
  const std::string where = absl::StrCat("power_cut[", mode, "] trial ", trial, " seed ", seed);
  CopyDb(tmpl, path);
  vfs.Reset();
  vfs.UseAsDefault(true);
  Options options = FaultOptions(durability);
  const int checkpoint_pages[] = {2, 8, 4000};
  options.wal_autocheckpoint_pages = checkpoint_pages[rng() % 3];
  const int64_t truncate_bytes[] = {0, 4096, 64 << 10};
  options.wal_truncate_bytes = truncate_bytes[rng() % 3];
  std::vector<Step> steps;
  int acked = 0;
  {
    auto store = Store::Open(path, options);
    if (!store.ok()) {
      problems->Add(where + ": open through the fault VFS", store.status());
      return;
    }
    vfs.StartTracking();
    // Until the estimate is known (the first trials), cut after the workload.
    const int64_t cut_at =
        *ops_estimate <= 0 ? (int64_t{1} << 40)
                           : 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(*ops_estimate));
    vfs.ArmCut(cut_at, rng());
    Model model;
    const int length = 6 + static_cast<int>(rng() % 20);
    for (int i = 0; i < length; ++i) {
      steps.push_back(NextStep(model, rng, trial, i));
      absl::Status s = steps.back().run(**store);
      if (!s.ok()) {
        if (!vfs.cut()) {
          problems->Add(absl::StrCat(where, ": ", steps.back().what, " failed before the cut"), s);
          vfs.CutNow();
        }
        break;
      }
      ++acked;
      if (steps.back().on_ack) steps.back().on_ack();
    }
    if (!vfs.cut()) {
      // Learn how many operations a whole trial takes, to aim the next cuts.
      const int64_t whole = vfs.tracked_ops() * 9 / 8 + 1;
      *ops_estimate = *ops_estimate <= 0 ? whole : (*ops_estimate * 15 + whole) / 16;
      vfs.CutNow();
    } else {
      ++fig->cut_before_end;
    }
    const CutStats cs = vfs.last_cut();
    fig->stats.pending += cs.pending;
    fig->stats.dropped += cs.dropped;
    fig->stats.kept += cs.kept;
    fig->stats.torn += cs.torn;
    fig->stats.garbled += cs.garbled;
  }  // the store is dropped with the power off: every I/O call fails
  vfs.Reset();
  vfs.UseAsDefault(false);
  ++fig->cuts;
  fig->acknowledged += acked;

  auto store = Store::Open(path, FaultOptions(durability));
  if (!store.ok()) {
    ++fig->corrupt;
    problems->Add(where + ": reopen after the cut", store.status());
    return;
  }
  absl::Status check = (*store)->Check();
  std::string raw = PlainChecks(path);
  if (!check.ok() || !raw.empty()) {
    ++fig->corrupt;
    problems->Add(where + ": corrupt after the cut: " + raw, check);
    return;
  }
  PlainDb db(path);
  const int attempted = static_cast<int>(steps.size());
  int first_absent = attempted;
  std::string order;
  for (int i = 0; i < attempted; ++i) {
    const bool here = steps[i].present(**store, db);
    order += here ? '+' : '-';
    if (!here && first_absent == attempted) first_absent = i;
    if (here && first_absent < i) {
      ++fig->not_prefix;
      problems->Add(absl::StrCat(where, ": survivors are not a prefix: ", order, " (",
                                 steps[i].what, " #", i, " present after a lost call)"));
      break;
    }
    if (steps[i].atomic) {
      std::string half = steps[i].atomic(**store, db);
      if (!half.empty()) problems->Add(where + ": " + half);
    }
  }
  if (first_absent < acked) {
    fig->lost_acknowledged += acked - first_absent;
    if (durability == Durability::kFull) {
      problems->Add(absl::StrCat(where, ": ", acked - first_absent, " acknowledged of ", acked,
                                 " lost with Durability::kFull: ", order));
    }
  }
  if (attempted > acked && first_absent > acked) ++fig->in_flight_survived;
  absl::Status after = (*store)
                           ->Record(NewInteraction("c0", absl::StrCat("after-", trial),
                                                   Epoch() - absl::Hours(1)))
                           .status();
  if (!after.ok()) problems->Add(where + ": write after reopen", after);
}

int Main(int argc, char** argv) {
  int64_t cuts = Scaled(1000);
  if (argc > 1 && !absl::SimpleAtoi(argv[1], &cuts)) {
    std::fprintf(stderr, "usage: power_cut [cuts per mode]\n");
    return 2;
  }
  FaultVfs& vfs = FaultVfs::Install();
  vfs.UseAsDefault(false);
  FaultDir dir;
  const std::string tmpl = dir.File("template.db");
  const std::string path = dir.File("cut.db");
  MakeTemplate(tmpl);
  Problems problems;
  const uint64_t base_seed = std::getenv("OMNICTX_SEED") != nullptr
                                 ? std::strtoull(std::getenv("OMNICTX_SEED"), nullptr, 10)
                                 : 20260302;
  for (Durability durability : {Durability::kFull, Durability::kNormal}) {
    const auto start = std::chrono::steady_clock::now();
    ModeFigures fig;
    int64_t ops_estimate = 0;
    const int64_t before = problems.count();
    for (int64_t t = 0; t < cuts; ++t) {
      RunTrial(vfs, tmpl, path, durability, t, base_seed + static_cast<uint64_t>(t) * 7919,
               &ops_estimate, &fig, &problems);
    }
    const char* mode = durability == Durability::kFull ? "full" : "normal";
    std::printf(
        "power_cut[%s]: %lld cuts (%lld mid-workload), %lld acknowledged transactions, %lld lost "
        "acknowledged transactions, %lld non-prefix survivals, %lld corrupt files, %lld in-flight "
        "calls survived; unsynced operations at the cuts: %lld (%lld dropped, %lld torn, %lld "
        "garbled, %lld kept); %lld problems; %.1f s\n",
        mode, static_cast<long long>(fig.cuts), static_cast<long long>(fig.cut_before_end),
        static_cast<long long>(fig.acknowledged), static_cast<long long>(fig.lost_acknowledged),
        static_cast<long long>(fig.not_prefix), static_cast<long long>(fig.corrupt),
        static_cast<long long>(fig.in_flight_survived), static_cast<long long>(fig.stats.pending),
        static_cast<long long>(fig.stats.dropped), static_cast<long long>(fig.stats.torn),
        static_cast<long long>(fig.stats.garbled), static_cast<long long>(fig.stats.kept),
        static_cast<long long>(problems.count() - before), SecondsSince(start));
    std::fflush(stdout);
  }
  problems.Print("power_cut");
  return problems.count() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace omnictx::reliability

int main(int argc, char** argv) { return omnictx::reliability::Main(argc, argv); }
