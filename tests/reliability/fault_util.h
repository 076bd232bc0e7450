// SPDX-License-Identifier: Apache-2.0
//
// Helpers for the fault-injection harnesses (faults.cmake): scratch files on
// /dev/shm, a template store every trial starts from, a fingerprint of a
// file's whole content, and the list of write calls the I/O and
// out-of-memory harnesses fault one at a time.
#ifndef OMNICTX_TESTS_RELIABILITY_FAULT_UTIL_H_
#define OMNICTX_TESTS_RELIABILITY_FAULT_UTIL_H_

#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "crash_util.h"
#include "omnictx/omnictx.h"

namespace omnictx::reliability {

// A scratch directory on /dev/shm when there is one (syncs cost nothing,
// which lets a harness run thousands of trials), else in TMPDIR.
class FaultDir {
 public:
  FaultDir() {
    std::error_code ec;
    std::filesystem::path base = std::filesystem::temp_directory_path();
    if (std::getenv("OMNICTX_FAULT_DIR") != nullptr) {
      base = std::getenv("OMNICTX_FAULT_DIR");
    } else if (::access("/dev/shm", W_OK) == 0) {
      base = "/dev/shm";
    }
    std::string tmpl = (base / "omnictx-faults-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) {
      std::perror("mkdtemp");
      std::exit(2);
    }
    path_ = buf.data();
  }
  ~FaultDir() {
    if (std::getenv("OMNICTX_KEEP_FILES") != nullptr) {
      std::fprintf(stderr, "kept %s\n", path_.c_str());
      return;
    }
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  FaultDir(const FaultDir&) = delete;
  FaultDir& operator=(const FaultDir&) = delete;
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Removes a database file with its -wal and -shm.
inline void RemoveDb(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix, ec);
  }
}

// Replaces `to` (and its -wal/-shm) by a copy of the closed database `from`.
inline void CopyDb(const std::string& from, const std::string& to) {
  RemoveDb(to);
  std::error_code ec;
  std::filesystem::copy_file(from, to, ec);
  if (ec) {
    std::fprintf(stderr, "copy %s: %s\n", from.c_str(), ec.message().c_str());
    std::exit(2);
  }
}

// The journey every template defines: s0 -> s1 -> s2 -> s0 ... or done.
inline Journey CycleJourney() {
  Journey j;
  j.set_key("cycle");
  j.set_name("Cycle");
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

inline std::vector<std::string> CycleNext(const std::string& step) {
  if (step == "s0") return {"s1"};
  if (step == "s1") return {"s2"};
  if (step == "s2") return {"s0", "done"};
  return {};
}

inline Options FaultOptions(Durability durability) {
  Options o;
  o.clock = std::make_shared<FakeClock>(Epoch());
  o.default_region = "FR";
  o.durability = durability;
  return o;
}

inline void Must(const absl::Status& s, const std::string& what) {
  if (!s.ok()) {
    std::fprintf(stderr, "setup %s: %s\n", what.c_str(), s.ToString().c_str());
    std::exit(2);
  }
}

// Gives `list` n attributes "<prefix>0".."<prefix>n-1", so that reading and
// writing attribute lists (which grow as entries are added) runs under
// every fault.
inline void FillAttributes(Attributes* list, int n, const std::string& prefix) {
  for (int a = 0; a < n; ++a) {
    SetAttribute(list, absl::StrCat(prefix, a), absl::StrCat("value ", a));
  }
}

// Writes the template every trial copies: customers c0..c3 (each with an
// email and a dozen attributes), the "cycle" journey, a case and a few
// interactions with attributes. Closed cleanly, so it is one file without
// WAL.
inline void MakeTemplate(const std::string& path) {
  RemoveDb(path);
  auto store = Store::Open(path, FaultOptions(Durability::kNormal));
  Must(store.status(), "open template");
  Store& s = **store;
  Must(s.DefineJourney(CycleJourney()).status(), "define journey");
  for (int k = 0; k < 4; ++k) {
    Customer c;
    c.set_id(absl::StrCat("c", k));
    c.set_display_name(absl::StrCat("Customer ", k));
    FillAttributes(c.mutable_attributes(), 12, absl::StrCat("k", k, "."));
    Must(s.UpsertCustomer(c).status(), "upsert");
    Must(s.LinkIdentity(c.id(), Email(absl::StrCat("c", k, "@example.com"))).status(), "link");
    for (int m = 0; m < 3; ++m) {
      Interaction i = NewInteraction(c.id(), absl::StrCat("t", k, "-", m),
                                     Epoch() - absl::Minutes(60 * k + m));
      FillAttributes(i.mutable_attributes(), 3, "a");
      Must(s.Record(i).status(), "record");
    }
  }
  Case kase;
  kase.set_customer_id("c0");
  kase.set_subject("template case");
  Must(s.OpenCase(kase).status(), "open case");
}

// Opens a raw connection on the plain "unix" VFS (never the fault wrapper).
class PlainDb {
 public:
  explicit PlainDb(const std::string& path, int flags = SQLITE_OPEN_READONLY) {
    if (sqlite3_open_v2(path.c_str(), &db_, flags, "unix") != SQLITE_OK) {
      error_ = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~PlainDb() { sqlite3_close_v2(db_); }
  PlainDb(const PlainDb&) = delete;
  PlainDb& operator=(const PlainDb&) = delete;
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // Runs `sql` (one statement, `?1` bound to `arg` when given), calling
  // fn(stmt) per row. Returns false (and sets error()) on failure.
  template <typename Fn>
  bool Query(const std::string& sql, Fn fn, const std::string* arg = nullptr) {
    if (!ok()) return false;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      error_ = sqlite3_errmsg(db_);
      return false;
    }
    if (arg != nullptr) {
      sqlite3_bind_text(stmt, 1, arg->data(), static_cast<int>(arg->size()), SQLITE_TRANSIENT);
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) fn(stmt);
    if (rc != SQLITE_DONE) error_ = sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE;
  }
  // The first column of the first row, -1 on error.
  int64_t Int(const std::string& sql, const std::string* arg = nullptr) {
    int64_t v = -1;
    if (!Query(sql, [&](sqlite3_stmt* s) { v = sqlite3_column_int64(s, 0); }, arg)) return -1;
    return v;
  }
  int64_t Int(const std::string& sql, const std::string& arg) { return Int(sql, &arg); }

 private:
  sqlite3* db_ = nullptr;
  std::string error_;
};

// integrity_check and foreign_key_check on the plain VFS: empty when clean.
inline std::string PlainChecks(const std::string& path) {
  PlainDb db(path);
  if (!db.ok()) return "open: " + db.error();
  std::string out;
  auto collect = [&](const std::string& pragma, const std::string& clean) {
    std::string rows;
    bool ok = db.Query(pragma, [&](sqlite3_stmt* s) {
      if (!rows.empty()) rows += "; ";
      for (int c = 0; c < sqlite3_column_count(s); ++c) {
        const unsigned char* t = sqlite3_column_text(s, c);
        if (c > 0) rows += "|";
        rows += t != nullptr ? reinterpret_cast<const char*>(t) : "NULL";
      }
    });
    if (!ok) rows = "error: " + db.error();
    if (rows != clean) out += (out.empty() ? "" : " / ") + pragma + ": " + rows;
  };
  collect("PRAGMA integrity_check", "ok");
  collect("PRAGMA foreign_key_check", "");
  return out;
}

// Every row of every table, sorted per table: equal fingerprints mean the
// same logical content. Read on the plain VFS, through the WAL.
using Fingerprint = std::map<std::string, std::vector<std::string>>;

inline Fingerprint TakeFingerprint(const std::string& path, std::string* error = nullptr) {
  Fingerprint fp;
  PlainDb db(path);
  std::vector<std::string> tables;
  bool ok = db.Query(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%'",
      [&](sqlite3_stmt* s) {
        tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
      });
  // The schema and header fields too: a half-migrated file differs.
  std::vector<std::string>& schema = fp["<schema>"];
  ok = ok && db.Query("SELECT type, name, sql FROM sqlite_schema", [&](sqlite3_stmt* s) {
    std::string row;
    for (int c = 0; c < 3; ++c) {
      const unsigned char* t = sqlite3_column_text(s, c);
      row += t != nullptr ? reinterpret_cast<const char*>(t) : "NULL";
      row += '\x1f';
    }
    schema.push_back(std::move(row));
  });
  std::sort(schema.begin(), schema.end());
  schema.push_back("user_version=" + std::to_string(db.Int("PRAGMA user_version")));
  schema.push_back("application_id=" + std::to_string(db.Int("PRAGMA application_id")));
  for (const std::string& t : tables) {
    std::vector<std::string>& rows = fp[t];
    ok = ok && db.Query("SELECT * FROM \"" + t + "\"", [&](sqlite3_stmt* s) {
      std::string row;
      for (int c = 0; c < sqlite3_column_count(s); ++c) {
        row += std::to_string(sqlite3_column_type(s, c)) + ":";
        const void* b = sqlite3_column_blob(s, c);
        int n = sqlite3_column_bytes(s, c);
        if (b != nullptr) row.append(static_cast<const char*>(b), static_cast<size_t>(n));
        row += '\x1f';
      }
      rows.push_back(std::move(row));
    });
    std::sort(rows.begin(), rows.end());
  }
  if (!ok && error != nullptr) *error = db.error();
  if (!ok) fp["<error>"] = {db.error()};
  return fp;
}

// Names the tables whose rows differ.
inline std::string FingerprintDiff(const Fingerprint& a, const Fingerprint& b) {
  std::string out;
  for (const auto& [table, rows] : a) {
    auto it = b.find(table);
    if (it == b.end() || it->second != rows) {
      out += (out.empty() ? "" : ",") + table + "(" + std::to_string(rows.size()) + "->" +
             std::to_string(it == b.end() ? 0 : it->second.size()) + ")";
    }
  }
  for (const auto& [table, rows] : b) {
    if (a.find(table) == a.end()) out += (out.empty() ? "" : ",") + table + "(new)";
  }
  return out;
}

// One write call a harness faults: `setup` prepares the store (unfaulted);
// `bind` builds the call's inputs (unfaulted) and returns the bare API call,
// which is all that runs under the fault. Each is one transaction.
using BoundCall = std::function<absl::Status()>;
struct FaultCall {
  std::string name;
  std::function<absl::Status(Store&)> setup;
  std::function<BoundCall(Store&)> bind;
  absl::Status run(Store& s) const { return bind(s)(); }
};

inline absl::Status NoSetup(Store&) { return absl::OkStatus(); }

inline std::vector<FaultCall> WriteCalls() {
  std::vector<FaultCall> calls;
  calls.push_back({"UpsertCustomer(new)", NoSetup, [](Store& s) -> BoundCall {
                     Customer c;
                     c.set_id("new-1");
                     c.set_display_name("New Customer");
                     c.set_language("fr");
                     FillAttributes(c.mutable_attributes(), 12, "n");
                     return [&s, c] { return s.UpsertCustomer(c).status(); };
                   }});
  calls.push_back({"UpsertCustomer(update)", NoSetup, [](Store& s) -> BoundCall {
                     Customer c;
                     c.set_id("c1");
                     c.set_display_name("Renamed");
                     FillAttributes(c.mutable_attributes(), 10, "k1.");
                     return [&s, c] { return s.UpsertCustomer(c).status(); };
                   }});
  calls.push_back({"LinkIdentity", NoSetup, [](Store& s) -> BoundCall {
                     Identity id = Phone("06 12 34 56 78");
                     return [&s, id] { return s.LinkIdentity("c0", id).status(); };
                   }});
  calls.push_back({"UnlinkIdentity", NoSetup, [](Store& s) -> BoundCall {
                     Identity id = Email("c2@example.com");
                     return [&s, id] { return s.UnlinkIdentity(id); };
                   }});
  calls.push_back({"Record", NoSetup, [](Store& s) -> BoundCall {
                     Interaction i = NewInteraction("c0", "rec-1", Epoch() - absl::Minutes(1),
                                                    v1::CHANNEL_KIND_VOICE);
                     i.set_summary("called about the invoice");
                     FillAttributes(i.mutable_attributes(), 3, "a");
                     return [&s, i] { return s.Record(i).status(); };
                   }});
  calls.push_back({"RecordBatch", NoSetup, [](Store& s) -> BoundCall {
                     auto batch = std::make_shared<std::vector<Interaction>>();
                     for (int k = 0; k < 5; ++k) {
                       batch->push_back(NewInteraction(absl::StrCat("c", k % 4),
                                                       absl::StrCat("batch-", k),
                                                       Epoch() - absl::Seconds(k + 1)));
                     }
                     return [&s, batch] { return s.RecordBatch(*batch).status(); };
                   }});
  calls.push_back({"StartJourney", NoSetup, [](Store& s) -> BoundCall {
                     return [&s] { return s.StartJourney("c1", "cycle").status(); };
                   }});
  calls.push_back({"AdvanceJourney",
                   [](Store& s) { return s.StartJourney("c2", "cycle").status(); },
                   [](Store& s) -> BoundCall {
                     auto list = s.ListJourneyInstances("c2");
                     if (!list.ok() || list->empty()) {
                       return [] { return absl::InternalError("no instance"); };
                     }
                     const int64_t id = list->front().id();
                     return [&s, id] { return s.AdvanceJourney(id, "s1").status(); };
                   }});
  calls.push_back({"OpenCase", NoSetup, [](Store& s) -> BoundCall {
                     Case c;
                     c.set_customer_id("c1");
                     c.set_subject("refund");
                     c.set_queue("billing");
                     return [&s, c] { return s.OpenCase(c).status(); };
                   }});
  calls.push_back({"SetCaseStatus", NoSetup, [](Store& s) -> BoundCall {
                     auto cases = s.ListCases("c0");
                     if (!cases.ok() || cases->empty()) {
                       return [] { return absl::InternalError("no case"); };
                     }
                     const int64_t id = cases->front().id();
                     return [&s, id] {
                       return s.SetCaseStatus(id, v1::CASE_STATUS_RESOLVED).status();
                     };
                   }});
  calls.push_back({"Merge", NoSetup, [](Store& s) -> BoundCall {
                     auto request = std::make_shared<MergeRequest>(
                         MergeRequest{.survivor_id = "c2", .absorbed_id = "c3", .actor = "faults"});
                     return [&s, request] { return s.Merge(*request).status(); };
                   }});
  calls.push_back({"Erase", NoSetup, [](Store& s) -> BoundCall {
                     return [&s] { return s.Erase("c3", "faults").status(); };
                   }});
  calls.push_back({"SetConsent", NoSetup, [](Store& s) -> BoundCall {
                     Consent consent;
                     consent.set_purpose("marketing");
                     consent.set_state(v1::CONSENT_STATE_GRANTED);
                     return [&s, consent] { return s.SetConsent("c1", consent, "faults").status(); };
                   }});
  calls.push_back({"Import(strict)", NoSetup, [](Store& s) -> BoundCall {
                     auto lines = std::make_shared<std::string>(
                         R"({"type":"track","userId":"c0","event":"Viewed","messageId":"m-1","timestamp":"2026-03-02T08:00:00Z"})"
                         "\n"
                         R"({"type":"identify","userId":"u-new","messageId":"m-2","traits":{"email":"u-new@example.com"},"timestamp":"2026-03-02T08:01:00Z"})"
                         "\n"
                         R"({"type":"page","userId":"c1","name":"Pricing","messageId":"m-3","timestamp":"2026-03-02T08:02:00Z"})");
                     auto options = std::make_shared<ImportOptions>();
                     options->strict = true;
                     return [&s, lines, options] { return s.Import(*lines, *options).status(); };
                   }});
  calls.push_back({"DefineJourney", NoSetup, [](Store& s) -> BoundCall {
                     Journey j = CycleJourney();
                     j.set_name("Cycle v2");
                     return [&s, j] { return s.DefineJourney(j).status(); };
                   }});
  calls.push_back({"RegisterTouchpoint", NoSetup, [](Store& s) -> BoundCall {
                     Touchpoint t;
                     t.set_key("ivr.main");
                     t.mutable_channel()->set_kind(v1::CHANNEL_KIND_IVR);
                     return [&s, t] { return s.RegisterTouchpoint(t); };
                   }});
  return calls;
}

}  // namespace omnictx::reliability

#endif  // OMNICTX_TESTS_RELIABILITY_FAULT_UTIL_H_
