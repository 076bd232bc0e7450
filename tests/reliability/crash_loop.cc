// SPDX-License-Identifier: Apache-2.0
//
// Crash loop: a child process (this program run with --child) drives the
// real API on one store file and reports every write the moment the call
// returned OK; the parent kills it with SIGKILL at a random moment, reopens
// the file and checks that every acknowledged write is there (interactions
// by external id, identities, merges, erasures, journey steps), that the
// write in flight was all or nothing, that the file passes integrity_check
// and foreign_key_check, and that the store's invariants hold. It then
// re-sends the write that was in flight, which must create no duplicate,
// and starts the next child on the same, growing file.
//
// The child reports on its stdout, one line per write() (a kill cannot
// tear one): "B <seq> <op> <args...>" before a call, "A <seq> [result]"
// after it returned OK, "N <seq>" when it was refused as the child's model
// allows (nothing written), "E <seq> <status>" on anything else.
//
//   crash_loop [kills]                   parent (default 1000 x OMNICTX_SOAK)
//   crash_loop --child <path> <run> <seed>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "crash_util.h"
#include "omnictx/omnictx.h"

namespace omnictx::reliability {
namespace {

constexpr char kJourneyKey[] = "crash";
constexpr char kActor[] = "crash_loop";
constexpr int kCustomersPerRun = 6;

// s0 -> s1 -> s2 -> s0 ... until "done": instances can advance for ever.
Journey CrashJourney() {
  Journey j;
  j.set_key(kJourneyKey);
  j.set_name("Crash loop");
  auto step = [&](const char* key, std::vector<const char*> next) {
    JourneyStep* s = j.add_steps();
    s->set_key(key);
    for (const char* n : next) s->add_next(n);
    if (next.empty()) s->set_outcome(v1::STEP_OUTCOME_SUCCESS);
  };
  step("s0", {"s1"});
  step("s1", {"s2"});
  step("s2", {"s0", "done"});
  step("done", {});
  return j;
}

std::vector<std::string> NextSteps(const std::string& step) {
  if (step == "s0") return {"s1"};
  if (step == "s1") return {"s2"};
  if (step == "s2") return {"s0", "done"};
  return {};
}

Options StoreOptions() {
  Options o;
  o.clock = std::make_shared<FakeClock>(Epoch());
  o.default_region = "FR";
  return o;
}

// ---- Operations, as the child describes them ----

struct Op {
  int64_t seq = 0;
  std::vector<std::string> words;  // op name then arguments
  std::string result;              // the "A" line's result, if any
};

std::vector<Interaction> BatchOf(const Op& op) {
  // "batch <n> (<customer> <external id> <minutes ago>){n}"
  std::vector<Interaction> out;
  for (size_t k = 2; k + 2 < op.words.size(); k += 3) {
    int64_t minutes = 0;
    (void)absl::SimpleAtoi(op.words[k + 2], &minutes);
    out.push_back(NewInteraction(op.words[k], op.words[k + 1], Epoch() - absl::Minutes(minutes)));
  }
  return out;
}

// Runs one operation against the store. Sets *result for "A" lines.
absl::Status Apply(Store& store, const Op& op, std::string* result) {
  const std::vector<std::string>& w = op.words;
  const std::string& name = w[0];
  if (name == "upsert") {
    Customer c;
    c.set_id(w[1]);
    c.set_display_name("Customer " + w[1]);
    return store.UpsertCustomer(c).status();
  }
  if (name == "link") return store.LinkIdentity(w[1], Email(w[2])).status();
  if (name == "rec" || name == "batch") {
    Op as_batch = op;
    if (name == "rec") as_batch.words = {"batch", "1", w[1], w[2], w[3]};
    std::vector<Interaction> batch = BatchOf(as_batch);
    if (name == "rec") return store.Record(batch[0]).status();
    return store.RecordBatch(batch).status();
  }
  if (name == "merge") {
    return store.Merge({.survivor_id = w[1], .absorbed_id = w[2], .actor = kActor}).status();
  }
  if (name == "start") {
    auto inst = store.StartJourney(w[1], kJourneyKey);
    if (inst.ok()) *result = absl::StrCat(inst->id());
    return inst.status();
  }
  if (name == "adv") {
    int64_t id = 0;
    (void)absl::SimpleAtoi(w[1], &id);
    auto inst = store.AdvanceJourney(id, w[2]);
    if (inst.ok()) *result = inst->status() == v1::JOURNEY_STATUS_ACTIVE ? "active" : "ended";
    return inst.status();
  }
  if (name == "erase") return store.Erase(w[1], kActor).status();
  return absl::InternalError("unknown op " + name);
}

// ---- The child ----

void Line(const std::string& text) {
  std::string line = text + "\n";
  if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    ::_exit(3);
  }
}

struct ChildCustomer {
  std::string id;
  bool live = true;
  bool has_journey = false;
  int emails = 0;
};

struct ChildInstance {
  int64_t id = 0;
  int owner = 0;  // index into customers, follows merges
  std::string step = "s0";
  bool active = true;
};

int RunChild(const std::string& path, int64_t run, uint64_t seed) {
  auto store = Store::Open(path, StoreOptions());
  if (!store.ok()) {
    Line("E 0 open " + store.status().ToString());
    return 2;
  }
  Line("R");
  std::mt19937_64 rng(seed);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  std::vector<ChildCustomer> customers;
  std::vector<ChildInstance> instances;
  int64_t next_ext = 0;
  auto live = [&] {
    std::vector<int> out;
    for (size_t k = 0; k < customers.size(); ++k) {
      if (customers[k].live) out.push_back(static_cast<int>(k));
    }
    return out;
  };
  auto interaction_words = [&](std::vector<std::string>* w, int c) {
    w->push_back(customers[c].id);
    w->push_back(absl::StrCat("r", run, "-", next_ext++));
    w->push_back(absl::StrCat(pick(100000)));
  };
  for (int64_t seq = 1;; ++seq) {
    std::vector<int> alive = live();
    std::vector<int> startable, advanceable;
    for (int c : alive) {
      if (!customers[c].has_journey) startable.push_back(c);
    }
    for (size_t k = 0; k < instances.size(); ++k) {
      if (instances[k].active && customers[instances[k].owner].live) {
        advanceable.push_back(static_cast<int>(k));
      }
    }
    const uint64_t roll = pick(100);
    Op op;
    op.seq = seq;
    std::vector<std::string>& w = op.words;
    int target = -1;  // customer or instance index the op is about
    int other = -1;
    if (alive.empty() || (roll < 8 && customers.size() < kCustomersPerRun)) {
      customers.push_back({.id = absl::StrCat("r", run, "c", customers.size())});
      target = static_cast<int>(customers.size() - 1);
      w = {"upsert", customers[target].id};
    } else if (roll < 18) {
      target = alive[pick(alive.size())];
      w = {"link", customers[target].id,
           absl::StrCat(customers[target].id, ".", customers[target].emails, "@example.com")};
    } else if (roll < 38) {
      int n = 2 + static_cast<int>(pick(4));
      w = {"batch", absl::StrCat(n)};
      for (int k = 0; k < n; ++k) interaction_words(&w, alive[pick(alive.size())]);
    } else if (roll < 43 && alive.size() >= 2) {
      target = alive[pick(alive.size())];
      do other = alive[pick(alive.size())]; while (other == target);
      w = {"merge", customers[target].id, customers[other].id};
    } else if (roll < 51 && !startable.empty()) {
      target = startable[pick(startable.size())];
      w = {"start", customers[target].id};
    } else if (roll < 66 && !advanceable.empty()) {
      target = advanceable[pick(advanceable.size())];
      std::vector<std::string> next = NextSteps(instances[target].step);
      w = {"adv", absl::StrCat(instances[target].id), next[pick(next.size())]};
    } else if (roll < 68) {
      target = alive[pick(alive.size())];
      w = {"erase", customers[target].id};
    } else {
      w = {"rec"};
      interaction_words(&w, alive[pick(alive.size())]);
    }
    Line(absl::StrCat("B ", seq, " ", absl::StrJoin(w, " ")));
    std::string result;
    absl::Status s = Apply(**store, op, &result);
    if (w[0] == "adv" && absl::IsFailedPrecondition(s)) {
      instances[target].active = false;  // ended by a merge the child did not model
      Line(absl::StrCat("N ", seq));
      continue;
    }
    if (!s.ok()) {
      Line(absl::StrCat("E ", seq, " ", s.ToString()));
      return 2;
    }
    Line(absl::StrCat("A ", seq, result.empty() ? "" : " ", result));
    if (w[0] == "link") {
      ++customers[target].emails;
    } else if (w[0] == "merge") {
      customers[other].live = false;
      customers[target].has_journey |= customers[other].has_journey;
      for (ChildInstance& i : instances) {
        if (i.owner == other) i.owner = target;
      }
    } else if (w[0] == "start") {
      customers[target].has_journey = true;
      int64_t id = 0;
      (void)absl::SimpleAtoi(result, &id);
      instances.push_back({.id = id, .owner = target});
    } else if (w[0] == "adv") {
      instances[target].step = w[2];
      instances[target].active = result == "active";
    } else if (w[0] == "erase") {
      customers[target].live = false;
    }
  }
}

// ---- The parent: what was acknowledged, and what the file holds ----

struct ModelCustomer {
  std::string merged_into;  // the survivor's id, empty unless merged
  bool erased = false;
  std::vector<std::string> emails;
};

struct ModelInstance {
  std::string customer;
  std::string step;
};

// Every acknowledged write, applied in order.
struct Model {
  std::unordered_map<std::string, ModelCustomer> customers;
  std::unordered_map<std::string, std::string> externals;  // external id -> customer
  std::map<int64_t, ModelInstance> instances;
  int64_t writes = 0;

  void Apply(const Op& op) {
    const std::vector<std::string>& w = op.words;
    ++writes;
    if (w[0] == "upsert") {
      customers.try_emplace(w[1]);
    } else if (w[0] == "link") {
      customers[w[1]].emails.push_back(w[2]);
    } else if (w[0] == "rec") {
      externals[w[2]] = w[1];
    } else if (w[0] == "batch") {
      for (size_t k = 2; k + 2 < w.size(); k += 3) externals[w[k + 1]] = w[k];
    } else if (w[0] == "merge") {
      customers[w[2]].merged_into = w[1];
    } else if (w[0] == "start") {
      int64_t id = 0;
      (void)absl::SimpleAtoi(op.result, &id);
      instances[id] = {w[1], "s0"};
    } else if (w[0] == "adv") {
      int64_t id = 0;
      (void)absl::SimpleAtoi(w[1], &id);
      instances[id].step = w[2];
    } else if (w[0] == "erase") {
      customers[w[1]].erased = true;
    }
  }
  // The customer that holds what `id` had: `id` itself unless merged away.
  std::string Final(std::string id) const {
    for (auto it = customers.find(id); it != customers.end() && !it->second.merged_into.empty();
         it = customers.find(id)) {
      id = it->second.merged_into;
    }
    return id;
  }
  // Erasing a survivor erases every customer merged into it.
  bool Erased(const std::string& id) const {
    auto it = customers.find(Final(id));
    return it != customers.end() && it->second.erased;
  }
};

// What the file holds, read in one snapshot by a plain SQLite connection.
struct Snapshot {
  struct Row {
    int64_t status = 0;
    std::string merged_into;
  };
  std::unordered_map<std::string, Row> customers;              // by id
  std::unordered_map<std::string, std::string> email_owner;    // email -> customer id
  std::unordered_map<std::string, std::string> external_owner; // external id -> customer id
  std::map<int64_t, std::string> instance_step;
  int64_t customer_rows = 0, identity_rows = 0, interaction_rows = 0;
  // Invariant breaches: an instance whose current step is not its last
  // transition's; an identity owned by a customer not active; a customer
  // merged without a survivor (or active with one).
  int64_t step_mismatch = 0, identity_on_inactive = 0, bad_redirect = 0;
  std::string error;
};

// Which items a check covers: those of one run ("r<run>" prefixes every
// id it made), or every run when empty. Row counts are always global.
struct Scope {
  std::string run;
  bool Has(const std::string& id) const {
    return run.empty() || (id.size() > run.size() && id.compare(0, run.size(), run) == 0 &&
                           (id[run.size()] == 'c' || id[run.size()] == '-'));
  }
  // An SQL condition on `column` for ids starting with run + `sep`.
  std::string Sql(const std::string& column, char sep) const {
    if (run.empty()) return "1";
    return absl::StrCat(column, " >= '", run, std::string(1, sep), "' AND ", column, " < '", run,
                        std::string(1, static_cast<char>(sep + 1)), "'");
  }
};

Snapshot Read(const std::string& path, const Scope& scope) {
  Snapshot s;
  RawDb db(path, SQLITE_OPEN_READONLY);
  auto text = [](sqlite3_stmt* st, int c) {
    const unsigned char* t = sqlite3_column_text(st, c);
    return t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t));
  };
  bool ok =
      db.Query("BEGIN", [](sqlite3_stmt*) {}) &&
      db.Query("SELECT c.id, c.status, m.id FROM customers c "
               "LEFT JOIN customers m ON m.key = c.merged_into WHERE " + scope.Sql("c.id", 'c'),
               [&](sqlite3_stmt* st) {
                 s.customers[text(st, 0)] = {sqlite3_column_int64(st, 1), text(st, 2)};
               }) &&
      db.Query("SELECT i.value, c.id FROM identities i "
               "JOIN customers c ON c.key = i.customer_key WHERE i.kind = " +
                   std::to_string(v1::IDENTITY_KIND_EMAIL) + " AND " + scope.Sql("i.value", 'c'),
               [&](sqlite3_stmt* st) { s.email_owner[text(st, 0)] = text(st, 1); }) &&
      db.Query("SELECT i.external_id, c.id FROM interactions i "
               "JOIN customers c ON c.key = i.customer_key WHERE " +
                   scope.Sql("i.external_id", '-'),
               [&](sqlite3_stmt* st) { s.external_owner[text(st, 0)] = text(st, 1); }) &&
      db.Query("SELECT id, current_step FROM journey_instances",
               [&](sqlite3_stmt* st) { s.instance_step[sqlite3_column_int64(st, 0)] = text(st, 1); });
  if (ok) {
    s.customer_rows = db.Int("SELECT count(*) FROM customers");
    s.identity_rows = db.Int("SELECT count(*) FROM identities");
    s.interaction_rows = db.Int("SELECT count(*) FROM interactions");
    s.step_mismatch = db.Int(
        "SELECT count(*) FROM journey_instances ji WHERE ji.current_step IS NOT "
        "(SELECT t.to_step FROM journey_transitions t WHERE t.instance_id = ji.id "
        "ORDER BY t.seq DESC LIMIT 1)");
    s.identity_on_inactive = db.Int(
        "SELECT count(*) FROM identities i JOIN customers c ON c.key = i.customer_key "
        "WHERE c.status != 1");
    s.bad_redirect = db.Int(
        "SELECT count(*) FROM customers WHERE (status = 2) != (merged_into IS NOT NULL) "
        "OR merged_into = key");
    db.Query("COMMIT", [](sqlite3_stmt*) {});
  }
  if (!ok) s.error = db.error();
  return s;
}

// Compares the file with the model. Acknowledged items missing or wrong
// are losses; broken invariants and counts are other problems. Returns
// the number of items checked.
int64_t Verify(const Model& m, const Snapshot& s, const Scope& scope, const std::string& when,
               Problems& problems, int64_t* losses) {
  int64_t checked = 0;
  auto lost = [&](const std::string& what) {
    ++*losses;
    problems.Add(when + ": lost " + what);
  };
  if (!s.error.empty()) problems.Add(when + ": reading the file: " + s.error);
  int64_t live_emails = 0;
  for (const auto& [id, c] : m.customers) {
    const bool erased = m.Erased(id);
    if (!erased) live_emails += static_cast<int64_t>(c.emails.size());
    if (!scope.Has(id)) continue;
    ++checked;
    auto row = s.customers.find(id);
    if (erased) {
      if (row != s.customers.end()) lost("erasure of " + id);
    } else if (row == s.customers.end()) {
      lost("customer " + id);
    } else if (!c.merged_into.empty()) {
      if (row->second.status != v1::CUSTOMER_STATUS_MERGED ||
          row->second.merged_into != c.merged_into) {
        lost("merge of " + id + " into " + c.merged_into);
      }
    } else if (row->second.status != v1::CUSTOMER_STATUS_ACTIVE) {
      lost("customer " + id + " (status " + std::to_string(row->second.status) + ")");
    }
    const std::string owner = erased ? "" : m.Final(id);
    for (const std::string& email : c.emails) {
      ++checked;
      auto found = s.email_owner.find(email);
      std::string actual = found == s.email_owner.end() ? "" : found->second;
      if (actual != owner) lost("identity " + email + " of " + id + " (owner '" + actual + "')");
    }
  }
  for (const auto& [external, customer] : m.externals) {
    if (!scope.Has(external)) continue;
    ++checked;
    const std::string owner = m.Erased(customer) ? "" : m.Final(customer);
    auto found = s.external_owner.find(external);
    std::string actual = found == s.external_owner.end() ? "" : found->second;
    if (actual != owner) lost("interaction " + external + " (owner '" + actual + "')");
  }
  for (const auto& [id, inst] : m.instances) {
    if (!scope.Has(inst.customer)) continue;
    ++checked;
    auto found = s.instance_step.find(id);
    if (found == s.instance_step.end()) {
      lost("journey instance " + std::to_string(id));
    } else if (found->second != inst.step) {
      lost("journey step of instance " + std::to_string(id) + ": at " + found->second +
           ", acknowledged " + inst.step);
    }
  }
  auto count = [&](const char* what, int64_t actual, int64_t expected) {
    if (actual != expected) {
      problems.Add(when + ": " + what + " rows " + std::to_string(actual) + ", acknowledged " +
                   std::to_string(expected));
    }
  };
  count("customer", s.customer_rows, static_cast<int64_t>(m.customers.size()));
  count("identity", s.identity_rows, live_emails);
  count("interaction", s.interaction_rows, static_cast<int64_t>(m.externals.size()));
  count("journey instance", static_cast<int64_t>(s.instance_step.size()),
        static_cast<int64_t>(m.instances.size()));
  if (s.step_mismatch != 0) problems.Add(when + ": current step differs from last transition");
  if (s.identity_on_inactive != 0) problems.Add(when + ": identity owned by an inactive customer");
  if (s.bad_redirect != 0) problems.Add(when + ": merged customer without a survivor");
  return checked;
}

// Did the write in flight at the kill reach the file? Decided from one
// fact; Verify then checks that all of it, or none, is there.
bool Committed(const Model& m, const Op& op, const Snapshot& s, std::string* result) {
  const std::vector<std::string>& w = op.words;
  if (w[0] == "upsert") return s.customers.count(w[1]) > 0;
  if (w[0] == "link") return s.email_owner.count(w[2]) > 0;
  if (w[0] == "rec") return s.external_owner.count(w[2]) > 0;
  if (w[0] == "batch") return s.external_owner.count(w[3]) > 0;
  if (w[0] == "merge") {
    auto row = s.customers.find(w[2]);
    return row != s.customers.end() && row->second.status == v1::CUSTOMER_STATUS_MERGED;
  }
  if (w[0] == "start") {
    for (const auto& [id, step] : s.instance_step) {
      if (m.instances.count(id) == 0) {
        *result = std::to_string(id);
        return true;
      }
    }
    return false;
  }
  if (w[0] == "adv") {
    int64_t id = 0;
    (void)absl::SimpleAtoi(w[1], &id);
    auto found = s.instance_step.find(id);
    return found != s.instance_step.end() && found->second == w[2];
  }
  if (w[0] == "erase") return s.customers.count(w[1]) == 0;
  return false;
}

// Re-sends the write that was in flight, as a caller that never saw its
// answer would. Returns whether it wrote (the first attempt had not).
bool Resend(Store& store, Op op, bool committed, Model& m, Problems& problems) {
  std::string result;
  absl::Status s = Apply(store, op, &result);
  const std::string& name = op.words[0];
  // What a repeated call answers once the first one committed.
  // (A merged customer is gone; an erased one's id is remembered.)
  bool repeat_error = name == "merge"   ? absl::IsNotFound(s)
                      : name == "erase" ? absl::IsFailedPrecondition(s)
                      : name == "start" ? absl::IsAlreadyExists(s)
                      : name == "adv"                      ? absl::IsFailedPrecondition(s)
                                                           : false;
  if (s.ok() && committed && (name == "merge" || name == "erase" || name == "start")) {
    problems.Add("re-sent " + name + " applied twice");
  }
  if (!s.ok() && !(committed && repeat_error) &&
      !(name == "adv" && absl::IsFailedPrecondition(s))) {  // ended by a merge meanwhile
    problems.Add("re-sent " + absl::StrJoin(op.words, " "), s);
    return false;
  }
  if (s.ok() && !committed) {
    op.result = result;
    m.Apply(op);
    return true;
  }
  return false;
}

struct Child {
  pid_t pid = -1;
  int fd = -1;
};

Child Spawn(const std::string& path, int64_t run, uint64_t seed) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    std::perror("pipe2");
    std::exit(2);
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    std::perror("fork");
    std::exit(2);
  }
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    std::string run_text = std::to_string(run), seed_text = std::to_string(seed);
    const char* argv[] = {"crash_loop", "--child", path.c_str(), run_text.c_str(),
                          seed_text.c_str(), nullptr};
    ::execv("/proc/self/exe", const_cast<char* const*>(argv));
    ::_exit(127);
  }
  ::close(fds[1]);
  return {pid, fds[0]};
}

// Reads from `fd` into `buf` until `deadline`, EOF, or (if `marker` is not
// empty) until `buf` holds `marker`. Returns false at EOF.
bool ReadUntil(int fd, std::string* buf, std::chrono::steady_clock::time_point deadline,
               const std::string& marker = "") {
  char chunk[4096];
  for (;;) {
    if (!marker.empty() && buf->find(marker) != std::string::npos) return true;
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return true;
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
    pollfd p{fd, POLLIN, 0};
    int rc = ::ppoll(&p, 1, &ts, nullptr);
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) return true;
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buf->append(chunk, static_cast<size_t>(n));
  }
}

int RunParent(int64_t kills) {
  ScratchDir dir;
  const std::string path = dir.File("crash.db");
  Problems problems;
  {
    auto store = Store::Open(path, StoreOptions());
    if (!store.ok() || !(*store)->DefineJourney(CrashJourney()).ok()) {
      std::fprintf(stderr, "crash_loop: cannot set up %s\n", path.c_str());
      return 2;
    }
  }
  const auto start = std::chrono::steady_clock::now();
  std::mt19937_64 rng(20260302);
  Model model;
  int64_t losses = 0, checked = 0, in_flight = 0, in_flight_committed = 0, resent_wrote = 0;
  int64_t early_kills = 0, interactions_acked = 0;
  double child_seconds = 0, check_seconds = 0;
  int64_t k = 0;
  for (; k < kills && problems.count() == 0; ++k) {
    const int64_t run = k + 1;
    const auto spawned = std::chrono::steady_clock::now();
    Child child = Spawn(path, run, rng());
    std::string out;
    // One kill in ten lands anywhere from exec to the first writes (open,
    // recovery); the others after the child is ready, within a few ms.
    const bool early = rng() % 10 == 0;
    early_kills += early;
    bool open = true;
    if (early) {
      open = ReadUntil(child.fd, &out, spawned + std::chrono::microseconds(rng() % 30000));
    } else {
      open = ReadUntil(child.fd, &out, spawned + std::chrono::seconds(30), "R\n");
      const auto ready = std::chrono::steady_clock::now();
      if (open) open = ReadUntil(child.fd, &out, ready + std::chrono::microseconds(rng() % 6000));
    }
    ::kill(child.pid, SIGKILL);
    while (ReadUntil(child.fd, &out, std::chrono::steady_clock::now() + std::chrono::seconds(30))) {
    }
    ::close(child.fd);
    int status = 0;
    ::waitpid(child.pid, &status, 0);
    child_seconds += SecondsSince(spawned);
    if (!WIFSIGNALED(status)) {
      problems.Add("run " + std::to_string(run) + ": child exited by itself (status " +
                   std::to_string(status) + ")");
    }

    // The child's lines: acknowledged writes go into the model in order.
    std::optional<Op> pending;
    for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
      std::vector<std::string> f = absl::StrSplit(line, ' ');
      if (f[0] == "R") continue;
      if (f.size() < 2 || (f[0] != "B" && !pending) || (f[0] == "B") == pending.has_value()) {
        problems.Add("run " + std::to_string(run) + ": unexpected line " + std::string(line));
        break;
      }
      if (f[0] == "B") {
        pending = Op{};
        (void)absl::SimpleAtoi(f[1], &pending->seq);
        pending->words.assign(f.begin() + 2, f.end());
      } else if (f[0] == "A") {
        if (f.size() > 2) pending->result = f[2];
        model.Apply(*pending);
        if (pending->words[0] == "rec") ++interactions_acked;
        if (pending->words[0] == "batch") interactions_acked += (pending->words.size() - 2) / 3;
        pending.reset();
      } else if (f[0] == "N") {
        pending.reset();
      } else {
        problems.Add("run " + std::to_string(run) + ": child failed: " + std::string(line));
        pending.reset();
      }
    }
    if (problems.count() != 0) break;

    const auto check_start = std::chrono::steady_clock::now();
    const std::string when = "after kill " + std::to_string(run);
    const Scope this_run{"r" + std::to_string(run)};
    {
      auto store = Store::Open(path, StoreOptions());
      if (!store.ok()) {
        problems.Add(when + ": reopen", store.status());
        break;
      }
      if (pending) {
        ++in_flight;
        // All or nothing: the file matches the model with the write, or without it.
        Snapshot before = Read(path, this_run);
        Op done = *pending;
        const bool committed = Committed(model, done, before, &done.result);
        Model expected = model;
        if (committed) {
          ++in_flight_committed;
          expected.Apply(done);
        }
        checked += Verify(expected, before, this_run, when + " (in flight: " +
                                                absl::StrJoin(done.words, " ") + ")",
                          problems, &losses);
        model = std::move(expected);
        if (Resend(**store, done, committed, model, problems)) ++resent_wrote;
      }
    }
    // This run's writes after every kill, everything every 100 kills and
    // after the last (counts and invariants always cover the whole file).
    const Scope scope = run % 100 == 0 || run == kills ? Scope{} : this_run;
    checked += Verify(model, Read(path, scope), scope, when, problems, &losses);
    if (std::string bad = RawChecks(path); !bad.empty()) problems.Add(when + ": " + bad);
    check_seconds += SecondsSince(check_start);
  }
  const double seconds = SecondsSince(start);
  std::printf(
      "crash_loop: %lld kills, %lld losses, %lld acknowledged writes checked (%lld interactions, "
      "%zu customers, %zu journey instances), %lld item checks\n",
      static_cast<long long>(k), static_cast<long long>(losses),
      static_cast<long long>(model.writes), static_cast<long long>(interactions_acked),
      model.customers.size(), model.instances.size(), static_cast<long long>(checked));
  std::printf(
      "crash_loop: %lld kills with a write in flight (%lld had committed, %lld re-sent writes "
      "applied, 0 duplicates allowed), %lld early kills (before or during open)\n",
      static_cast<long long>(in_flight), static_cast<long long>(in_flight_committed),
      static_cast<long long>(resent_wrote), static_cast<long long>(early_kills));
  std::printf(
      "crash_loop: %.1f s (children %.1f s, reopen+checks %.1f s), file %.1f MiB, "
      "%lld problems\n",
      seconds, child_seconds, check_seconds, static_cast<double>(FileSize(path)) / (1 << 20),
      static_cast<long long>(problems.count()));
  problems.Print("crash_loop");
  return problems.count() == 0 && k == kills ? 0 : 1;
}

}  // namespace
}  // namespace omnictx::reliability

int main(int argc, char** argv) {
  using namespace omnictx::reliability;
  if (argc == 5 && std::string(argv[1]) == "--child") {
    int64_t run = 0;
    uint64_t seed = 0;
    if (!absl::SimpleAtoi(argv[3], &run) || !absl::SimpleAtoi(argv[4], &seed)) return 2;
    return RunChild(argv[2], run, seed);
  }
  int64_t kills = Scaled(1000);
  if (argc == 2 && !absl::SimpleAtoi(argv[1], &kills)) {
    std::fprintf(stderr, "usage: crash_loop [kills] | --child <path> <run> <seed>\n");
    return 2;
  }
  return RunParent(kills);
}
