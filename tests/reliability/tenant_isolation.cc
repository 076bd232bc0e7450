// SPDX-License-Identifier: Apache-2.0
//
// Tenant isolation: one file is one tenant. Two tenants hold the same phone
// numbers and user ids, linked to different customers ("a-..." in one,
// "b-..." in the other). Random operations (link, record, lookup, merge,
// erase, import, new customer) interleave over both, and each answer is
// compared with a plain in-memory model of its own tenant:
//   - a cross-tenant answer is one that names the other tenant's customer
//     or carries the other tenant's interactions; there must be none;
//   - a model mismatch is any other difference; there must be none.
// Then erase, merge and import in one file must leave the other file (and
// its WAL) byte for byte unchanged. Both checks run with the two stores in
// one process, then with each store in its own process at the same time.
//
//   tenant_isolation                         everything (100,000 x OMNICTX_SOAK ops)
//   tenant_isolation --child PATH T SEED N [--destructive]
//                                            one tenant's operations (used by the
//                                            two-process phase)
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/match.h"
#include "crash_util.h"
#include "omnictx/omnictx.h"

namespace omnictx::reliability {
namespace {

constexpr int kCustomers = 64;   // per tenant at the start
constexpr int kPhones = 2 * kCustomers;  // half linked at the start, half free
constexpr int kRecent = 20;

std::string PhoneNumber(int k) { return absl::StrFormat("+3361%07d", k); }
std::string UserIdValue(int k) { return absl::StrCat("u", k); }
std::string PhoneKey(int k) { return "phone:" + PhoneNumber(k); }
std::string UserKey(int k) { return "user_id:" + UserIdValue(k); }
std::string IdentityKey(const Identity& id) {
  return std::string(IdentityKindName(id.kind())) + ":" + id.value();
}

// What one tenant's file should answer.
struct Model {
  int tenant = 0;
  std::string prefix;        // of its customer ids: "a-" or "b-"
  std::string other_prefix;  // the other tenant's
  std::string ext;           // of its external ids: "t0-" or "t1-"
  std::string other_ext;
  std::map<std::string, std::set<std::string>> active;  // customer -> identity keys
  std::map<std::string, int64_t> interactions;          // customer -> count
  std::map<std::string, std::string> owner;             // identity key -> customer
  std::set<std::string> tombstoned;                     // identity keys of erased customers
  int next_customer = kCustomers;
  int next_user = kCustomers;
  int64_t next_ext = 0;
};

// The start of a tenant: customer k holds user id u<k> and a phone; the
// other tenant links the same values to different customers.
Model StartModel(int tenant) {
  Model m;
  m.tenant = tenant;
  m.prefix = tenant == 0 ? "a-" : "b-";
  m.other_prefix = tenant == 0 ? "b-" : "a-";
  m.ext = absl::StrCat("t", tenant, "-");
  m.other_ext = absl::StrCat("t", 1 - tenant, "-");
  const int user_shift = tenant == 0 ? 0 : 7;
  const int phone_shift = tenant == 0 ? 0 : 13;
  for (int k = 0; k < kCustomers; ++k) {
    const std::string id = m.prefix + std::to_string(k);
    m.active[id];
    m.interactions[id] = 0;
  }
  for (int k = 0; k < kCustomers; ++k) {
    const std::string user_owner = m.prefix + std::to_string((k + user_shift) % kCustomers);
    const std::string phone_owner = m.prefix + std::to_string((k + phone_shift) % kCustomers);
    m.owner[UserKey(k)] = user_owner;
    m.active[user_owner].insert(UserKey(k));
    m.owner[PhoneKey(k)] = phone_owner;
    m.active[phone_owner].insert(PhoneKey(k));
  }
  return m;
}

// A store on its own fake clock, which the driver moves.
struct Opened {
  std::shared_ptr<FakeClock> clock;
  std::unique_ptr<Store> store;
};

Opened OpenOrDie(const std::string& path) {
  Opened o;
  o.clock = std::make_shared<FakeClock>(Epoch());
  Options options;
  options.clock = o.clock;
  options.default_region = "FR";
  options.identity.limits.clear();  // merges gather many user ids and phones
  auto store = Store::Open(path, options);
  if (!store.ok()) {
    std::fprintf(stderr, "open %s: %s\n", path.c_str(), store.status().ToString().c_str());
    std::exit(2);
  }
  o.store = *std::move(store);
  return o;
}

// Writes the model's start into an empty store.
absl::Status Seed(Store& store, const Model& m) {
  for (const auto& [id, ids] : m.active) {
    Customer c;
    c.set_id(id);
    c.set_display_name("Customer " + id);
    if (auto s = store.UpsertCustomer(c); !s.ok()) return s.status();
  }
  for (const auto& [key, owner] : m.owner) {
    const std::string value = key.substr(key.find(':') + 1);
    Identity id = absl::StartsWith(key, "phone:") ? Phone(value) : UserId(value);
    if (auto s = store.LinkIdentity(owner, id); !s.ok()) return s.status();
  }
  return absl::OkStatus();
}

struct Counts {
  int64_t ops = 0;
  int64_t lookups = 0;
  int64_t known = 0;
  int64_t cross_tenant = 0;
  int64_t mismatches = 0;
  std::map<std::string, int64_t> by_kind;
  std::map<std::string, double> seconds_by_kind;
  std::map<std::string, int64_t> done;  // by kind: operations that wrote
};

// Runs operations on one tenant, checking each against its model.
class Driver {
 public:
  Driver(Opened& opened, Model& model, uint64_t seed, Problems& problems, Counts& counts)
      : store_(*opened.store),
        clock_(*opened.clock),
        m_(model),
        rng_(seed),
        problems_(problems),
        counts_(counts) {}

  // One random operation. `destructive` limits it to erase, merge and import
  // (plus new customers, so there is always someone to erase or merge) and
  // lets the population shrink further.
  void Step(bool destructive) {
    floor_ = destructive ? 4 : kCustomers / 2;
    ++counts_.ops;
    clock_.Advance(absl::Seconds(1));
    const int r = Uniform(100);
    const auto start = std::chrono::steady_clock::now();
    const std::string kind = Kind(r, destructive);
    ++counts_.by_kind[kind];
    Run(kind);
    counts_.seconds_by_kind[kind] += SecondsSince(start);
  }

 private:
  static std::string Kind(int r, bool destructive) {
    if (destructive) return r < 30 ? "erase" : r < 60 ? "merge" : r < 85 ? "import" : "new";
    // Erase checkpoints and truncates the WAL; merges grow customers, and
    // erasing shrinks them again, so the mix keeps both moderate.
    if (r < 40) return "lookup";
    if (r < 60) return "record";
    if (r < 72) return "link";
    if (r < 84) return "import";
    if (r < 90) return "merge";
    if (r < 93) return "erase";
    return "new";
  }
  void Run(const std::string& kind) {
    if (kind == "lookup") return Lookup();
    if (kind == "record") return Record();
    if (kind == "link") return Link();
    if (kind == "import") return Import();
    if (kind == "merge") return Merge();
    if (kind == "erase") return Erase();
    return NewCustomer();
  }
  int Uniform(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  std::optional<std::string> AnyActive() {
    if (m_.active.empty()) return std::nullopt;
    auto it = m_.active.begin();
    std::advance(it, Uniform(static_cast<int>(m_.active.size())));
    return it->first;
  }
  absl::Time Now() const { return clock_.Now(); }
  // A random identity someone holds (the model's owner map is not empty).
  std::string OwnedKey() {
    auto it = m_.owner.begin();
    std::advance(it, Uniform(static_cast<int>(m_.owner.size())));
    return it->first;
  }
  // Erased phones never come back, so the numbers in use grow with the
  // customers created: two free numbers per new customer.
  int PhoneCount() const { return kPhones + 2 * (m_.next_customer - kCustomers); }

  void Mismatch(const std::string& what) {
    ++counts_.mismatches;
    problems_.Add(absl::StrCat("tenant ", m_.tenant, ": ", what));
  }
  void Unexpected(const std::string& what, const absl::Status& s) {
    ++counts_.mismatches;
    problems_.Add(absl::StrCat("tenant ", m_.tenant, ": ", what), s);
  }

  void Lookup() {
    ++counts_.lookups;
    // Two in three ask for an identity someone holds; the rest for any
    // number or user id ever used (free, or of an erased customer).
    std::string key;
    if (Uniform(3) != 0 && !m_.owner.empty()) {
      key = OwnedKey();
    } else {
      key = Uniform(2) == 0 ? PhoneKey(Uniform(PhoneCount())) : UserKey(Uniform(m_.next_user));
    }
    const std::string value = key.substr(key.find(':') + 1);
    auto ctx = store_.Lookup(
        {.identity = absl::StartsWith(key, "phone:") ? Phone(value) : UserId(value)});
    if (!ctx.ok()) return Unexpected("lookup " + key, ctx.status());
    // Cross-tenant: anything of the other tenant in the answer.
    bool foreign = absl::StartsWith(ctx->customer().id(), m_.other_prefix);
    for (const Interaction& i : ctx->recent()) {
      foreign |= absl::StartsWith(i.external_id(), m_.other_ext);
      foreign |= absl::StartsWith(i.customer_id(), m_.other_prefix);
    }
    if (foreign) {
      ++counts_.cross_tenant;
      problems_.Add(absl::StrCat("tenant ", m_.tenant, ": CROSS-TENANT answer for ", key, ": ",
                                 ctx->customer().id()));
      return;
    }
    auto it = m_.owner.find(key);
    if (it == m_.owner.end()) {
      if (ctx->known()) Mismatch(absl::StrCat("lookup ", key, ": known as ", ctx->customer().id()));
      return;
    }
    ++counts_.known;
    const std::string& want = it->second;
    if (!ctx->known() || ctx->customer().id() != want) {
      return Mismatch(absl::StrCat("lookup ", key, ": got '", ctx->customer().id(), "', want ",
                                   want));
    }
    std::set<std::string> ids;
    for (const Identity& id : ctx->customer().identities()) ids.insert(IdentityKey(id));
    if (ids != m_.active[want]) {
      Mismatch(absl::StrCat("lookup ", key, ": ", ids.size(), " identities, want ",
                            m_.active[want].size()));
    }
    const int64_t want_recent = std::min<int64_t>(m_.interactions[want], kRecent);
    if (ctx->recent_size() != want_recent) {
      Mismatch(absl::StrCat("lookup ", key, ": ", ctx->recent_size(), " recent, want ",
                            want_recent));
    }
  }

  void Record() {
    auto who = AnyActive();
    if (!who) return;
    Interaction i = NewInteraction(*who, m_.ext + std::to_string(m_.next_ext++),
                                   Now() - absl::Minutes(1));
    auto id = store_.Record(i);
    if (!id.ok()) return Unexpected("record for " + *who, id.status());
    ++m_.interactions[*who];
  }

  void Link() {
    auto who = AnyActive();
    if (!who) return;
    const int k = Uniform(PhoneCount());
    const std::string key = PhoneKey(k);
    auto got = store_.LinkIdentity(*who, Phone(PhoneNumber(k)));
    auto it = m_.owner.find(key);
    if (m_.tombstoned.count(key)) {
      if (!absl::IsFailedPrecondition(got.status())) {
        Unexpected("link tombstoned " + key, got.status());
      }
    } else if (it != m_.owner.end() && it->second != *who) {
      if (!absl::IsAlreadyExists(got.status())) Unexpected("link owned " + key, got.status());
    } else if (!got.ok()) {
      Unexpected("link " + key, got.status());
    } else {
      m_.owner[key] = *who;
      m_.active[*who].insert(key);
    }
  }

  void Import() {
    // Two in three for a user id someone holds (a phone's owner may hold
    // none), the rest for any user id (of an erased customer: refused).
    std::string key = UserKey(Uniform(m_.next_user));
    for (int tries = 0; tries < 4 && Uniform(3) != 0 && !m_.owner.empty(); ++tries) {
      const std::string owned = OwnedKey();
      if (absl::StartsWith(owned, "user_id:")) {
        key = owned;
        break;
      }
    }
    const std::string line = absl::StrCat(
        R"({"type":"track","event":"Order Completed","userId":")", key.substr(key.find(':') + 1),
        R"(","messageId":")", m_.ext, m_.next_ext++, R"(","timestamp":")",
        absl::FormatTime(absl::RFC3339_full, Now() - absl::Minutes(1), absl::UTCTimeZone()),
        "\"}\n");
    auto report = store_.Import(line, {.actor = "tenant-test"});
    if (!report.ok()) return Unexpected("import " + key, report.status());
    auto it = m_.owner.find(key);
    if (it != m_.owner.end()) {
      if (report->imported != 1) {
        return Mismatch(absl::StrCat("import ", key, ": not imported: ",
                                     report->errors.empty() ? "" : report->errors[0].message));
      }
      ++m_.interactions[it->second];
      ++counts_.done["import"];
    } else if (report->refused != 1) {
      Mismatch(absl::StrCat("import for erased ", key, ": not refused"));
    }
  }

  void Merge() {
    if (m_.active.size() <= floor_) return;  // keep a population
    auto survivor = AnyActive();
    auto absorbed = AnyActive();
    if (*survivor == *absorbed) return;
    auto got = store_.Merge({.survivor_id = *survivor, .absorbed_id = *absorbed,
                             .actor = "tenant-test", .policy = {}});
    if (!got.ok()) return Unexpected("merge " + *absorbed + " into " + *survivor, got.status());
    for (const std::string& key : m_.active[*absorbed]) {
      m_.owner[key] = *survivor;
      m_.active[*survivor].insert(key);
    }
    m_.interactions[*survivor] += m_.interactions[*absorbed];
    m_.active.erase(*absorbed);
    m_.interactions.erase(*absorbed);
    ++counts_.done["merge"];
  }

  void Erase() {
    if (m_.active.size() <= floor_) return;  // keep a population
    auto who = AnyActive();
    auto got = store_.Erase(*who, "tenant-test");
    if (!got.ok()) return Unexpected("erase " + *who, got.status());
    for (const std::string& key : m_.active[*who]) {
      m_.owner.erase(key);
      m_.tombstoned.insert(key);
    }
    m_.active.erase(*who);
    m_.interactions.erase(*who);
    ++counts_.done["erase"];
  }

  void NewCustomer() {
    const std::string id = m_.prefix + std::to_string(m_.next_customer++);
    Customer c;
    c.set_id(id);
    if (auto s = store_.UpsertCustomer(c); !s.ok()) return Unexpected("upsert " + id, s.status());
    const int k = m_.next_user++;
    if (auto s = store_.LinkIdentity(id, UserId(UserIdValue(k))); !s.ok()) {
      return Unexpected("link new user", s.status());
    }
    m_.active[id].insert(UserKey(k));
    m_.interactions[id] = 0;
    m_.owner[UserKey(k)] = id;
  }

  Store& store_;
  FakeClock& clock_;
  Model& m_;
  std::mt19937_64 rng_;
  Problems& problems_;
  Counts& counts_;
  size_t floor_ = kCustomers / 2;
};

// The bytes of a store file and its WAL, hashed (FNV-1a), with sizes.
struct FileState {
  uint64_t db_hash = 0, wal_hash = 0;
  int64_t db_size = 0, wal_size = 0;
  bool operator==(const FileState&) const = default;
  std::string Text() const {
    return absl::StrFormat("db %d bytes %016x, wal %d bytes %016x", db_size, db_hash, wal_size,
                           wal_hash);
  }
};

uint64_t HashFile(const std::string& path, int64_t* size) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  if (in) s << in.rdbuf();
  const std::string bytes = s.str();
  *size = static_cast<int64_t>(bytes.size());
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
  return h;
}

FileState StateOf(const std::string& path) {
  FileState st;
  st.db_hash = HashFile(path, &st.db_size);
  st.wal_hash = HashFile(path + "-wal", &st.wal_size);
  return st;
}

void PrintCounts(const char* phase, const Counts& c, double seconds) {
  std::string kinds;
  for (const auto& [k, n] : c.by_kind) {
    auto done = c.done.find(k);
    absl::StrAppend(&kinds, " ", k, "=", n,
                    done == c.done.end() ? "" : absl::StrCat("/", done->second, " done"),
                    absl::StrFormat(" (%.0f us)", 1e6 * c.seconds_by_kind.at(k) / n));
  }
  std::printf(
      "tenant_isolation: %s: %lld ops in %.1f s (%s), %lld lookups (%lld known), "
      "%lld cross-tenant answers, %lld model mismatches\n",
      phase, static_cast<long long>(c.ops), seconds, kinds.c_str() + (kinds.empty() ? 0 : 1),
      static_cast<long long>(c.lookups), static_cast<long long>(c.known),
      static_cast<long long>(c.cross_tenant), static_cast<long long>(c.mismatches));
}

// Runs `ops` operations of one tenant on the file at `path` (the child of
// the two-process phase). The file must hold the tenant's seeded start and
// nothing else: the child's model starts there.
int Child(const std::string& path, int tenant, uint64_t seed, int64_t ops, bool destructive) {
  Problems problems;
  Counts counts;
  Model m = StartModel(tenant);
  Opened opened = OpenOrDie(path);
  Driver driver(opened, m, seed, problems, counts);
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < ops; ++i) driver.Step(destructive);
  opened.store.reset();
  PrintCounts(destructive ? "child (erase, merge, import)" : "child", counts,
              SecondsSince(start));
  problems.Print("tenant_isolation child");
  return problems.count() == 0 ? 0 : 1;
}

// Starts this program as a child for one tenant; returns its pid.
pid_t Spawn(const std::string& path, int tenant, uint64_t seed, int64_t ops, bool destructive) {
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    std::exit(2);
  }
  if (pid == 0) {
    std::vector<std::string> args = {"/proc/self/exe", "--child", path, std::to_string(tenant),
                                     std::to_string(seed), std::to_string(ops)};
    if (destructive) args.push_back("--destructive");
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    std::perror("execv");
    _exit(127);
  }
  return pid;
}

bool Wait(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int Main() {
  Problems problems;
  ScratchDir dir;
  const int64_t total_ops = Scaled(100000);
  const int64_t destructive_ops = Scaled(150);

  // ---- Phase 1: two tenants in one process ----
  {
    const std::string paths[2] = {dir.File("tenant-a.db"), dir.File("tenant-b.db")};
    Model models[2] = {StartModel(0), StartModel(1)};
    Opened stores[2] = {OpenOrDie(paths[0]), OpenOrDie(paths[1])};
    for (int t = 0; t < 2; ++t) {
      if (absl::Status s = Seed(*stores[t].store, models[t]); !s.ok()) problems.Add("seed", s);
    }
    Counts counts[2];
    std::vector<std::unique_ptr<Driver>> drivers;
    for (int t = 0; t < 2; ++t) {
      drivers.push_back(
          std::make_unique<Driver>(stores[t], models[t], 1000 + t, problems, counts[t]));
    }
    std::mt19937_64 which(7);
    auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < total_ops; ++i) drivers[which() % 2]->Step(false);
    Counts both;
    for (const Counts& c : counts) {
      both.ops += c.ops;
      both.lookups += c.lookups;
      both.known += c.known;
      both.cross_tenant += c.cross_tenant;
      both.mismatches += c.mismatches;
      for (const auto& [k, n] : c.by_kind) both.by_kind[k] += n;
      for (const auto& [k, t] : c.seconds_by_kind) both.seconds_by_kind[k] += t;
      for (const auto& [k, n] : c.done) both.done[k] += n;
    }
    PrintCounts("one process, interleaved", both, SecondsSince(start));

    // Erase, merge and import in one file; the other stays as it was.
    for (int t = 0; t < 2; ++t) {
      const std::string& other = paths[1 - t];
      const FileState before = StateOf(other);
      Counts c;
      Driver d(stores[t], models[t], 2000 + t, problems, c);
      for (int64_t i = 0; i < destructive_ops; ++i) d.Step(true);
      const FileState after = StateOf(other);
      std::printf("tenant_isolation: one process: %lld erases, %lld merges, %lld imports in "
                  "tenant %d; tenant %d file %s (%s)\n",
                  static_cast<long long>(c.done["erase"]), static_cast<long long>(c.done["merge"]),
                  static_cast<long long>(c.done["import"]), t, 1 - t,
                  before == after ? "unchanged" : "CHANGED", after.Text().c_str());
      if (!(before == after)) problems.Add(absl::StrCat("tenant ", 1 - t, " file changed"));
      if (c.mismatches + c.cross_tenant > 0) problems.Add("destructive phase mismatches");
    }
  }

  // ---- Phase 2: each tenant in its own process, at the same time ----
  {
    const std::string paths[2] = {dir.File("proc-a.db"), dir.File("proc-b.db")};
    for (int t = 0; t < 2; ++t) {
      Opened opened = OpenOrDie(paths[t]);
      if (absl::Status s = Seed(*opened.store, StartModel(t)); !s.ok()) problems.Add("seed", s);
    }
    const int64_t per_tenant = total_ops / 4;
    auto start = std::chrono::steady_clock::now();
    const pid_t a = Spawn(paths[0], 0, 3000, per_tenant, false);
    const pid_t b = Spawn(paths[1], 1, 3001, per_tenant, false);
    const bool a_ok = Wait(a), b_ok = Wait(b);
    std::printf("tenant_isolation: two processes at once: %lld ops each in %.1f s: %s\n",
                static_cast<long long>(per_tenant), SecondsSince(start),
                a_ok && b_ok ? "both clean" : "FAILED");
    if (!a_ok || !b_ok) problems.Add("a child process reported problems");

    // A process erases, merges and imports in its file while the other
    // file sits closed; then the reverse.
    for (int t = 0; t < 2; ++t) {
      const FileState before = StateOf(paths[1 - t]);
      // The child's model starts from the seed, so give it a fresh copy of
      // the seeded tenant: the destructive ops run on a new file.
      const std::string fresh = dir.File(absl::StrCat("proc-fresh-", t, ".db"));
      {
        Opened opened = OpenOrDie(fresh);
        if (absl::Status s = Seed(*opened.store, StartModel(t)); !s.ok()) problems.Add("seed", s);
      }
      const pid_t pid = Spawn(fresh, t, 4000 + t, destructive_ops, true);
      const bool ok = Wait(pid);
      const FileState after = StateOf(paths[1 - t]);
      std::printf("tenant_isolation: two processes: erase/merge/import in a tenant %d file; "
                  "tenant %d file %s (%s)\n",
                  t, 1 - t, before == after ? "unchanged" : "CHANGED", after.Text().c_str());
      if (!ok) problems.Add("destructive child reported problems");
      if (!(before == after)) problems.Add(absl::StrCat("tenant ", 1 - t, " file changed"));
    }
  }

  problems.Print("tenant_isolation");
  std::printf("tenant_isolation: %s\n", problems.count() == 0 ? "PASS" : "FAIL");
  return problems.count() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace omnictx::reliability

int main(int argc, char** argv) {
  using namespace omnictx::reliability;
  if (argc >= 6 && std::string(argv[1]) == "--child") {
    int tenant = 0;
    uint64_t seed = 0;
    int64_t ops = 0;
    if (!absl::SimpleAtoi(argv[3], &tenant) || !absl::SimpleAtoi(argv[4], &seed) ||
        !absl::SimpleAtoi(argv[5], &ops)) {
      std::fprintf(stderr, "tenant_isolation --child: bad arguments\n");
      return 2;
    }
    const bool destructive = argc >= 7 && std::string(argv[6]) == "--destructive";
    return Child(argv[2], tenant, seed, ops, destructive);
  }
  return Main();
}
