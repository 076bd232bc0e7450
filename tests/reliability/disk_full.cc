// SPDX-License-Identifier: Apache-2.0
//
// Full disk: Store::Import runs into (1) a file-size limit (RLIMIT_FSIZE,
// SIGXFSZ ignored: writes past it fail with EFBIG) and (2), when this
// process may mount, a small tmpfs filled with a ballast file (ENOSPC).
// Each time: the import stops with ResourceExhausted, what it applied is
// intact (integrity_check, foreign_key_check, Store::Check), reads still
// work, a further write is refused the same way, and once space is freed
// the same import resumes: every message ends up stored exactly once.
//
//   disk_full [messages]   (default 3000 x OMNICTX_SOAK)
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "fault_util.h"

namespace omnictx::reliability {
namespace {

std::string Lines(int64_t n) {
  std::string out;
  for (int64_t i = 0; i < n; ++i) {
    absl::StrAppend(&out, R"({"type":"track","userId":"u-)", i % 50, R"(","event":"Viewed Page )",
                    i, R"(","messageId":"m-)", i,
                    R"(","properties":{"path":"/products/item-)", i,
                    R"(","note":"padding padding padding padding padding padding"},)",
                    R"("timestamp":"2026-03-01T10:00:00Z"})", "\n");
  }
  return out;
}

int64_t Interactions(const std::string& path) {
  PlainDb db(path);
  return db.Int("SELECT count(*) FROM interactions WHERE external_id LIKE 'm-%'");
}

// Runs the scenario on `path`; `fill` makes the disk full, `free_space`
// undoes it. Returns a one-line summary.
template <typename Fill, typename Free>
std::string Scenario(const std::string& name, const std::string& path, int64_t messages,
                     Fill fill, Free free_space, Problems* problems) {
  const auto start = std::chrono::steady_clock::now();
  const std::string lines = Lines(messages);
  Options options = FaultOptions(Durability::kNormal);
  options.wal_autocheckpoint_pages = 200;  // the WAL must fit the small disk
  auto store = Store::Open(path, options);
  if (!store.ok()) {
    problems->Add(name + ": open", store.status());
    return name + ": not run";
  }
  fill();
  auto first = (*store)->Import(lines);
  const int64_t stored_at_full = Interactions(path);
  std::string first_code = first.ok() ? "OK" : absl::StatusCodeToString(first.status().code());
  if (first.ok()) {
    problems->Add(name + ": the import fit; the limit is too large to test anything");
  } else if (!absl::IsResourceExhausted(first.status())) {
    problems->Add(name + ": a full disk is not ResourceExhausted", first.status());
  }
  // Reads still work and what went in is intact.
  absl::Status check = (*store)->Check();
  if (!check.ok()) problems->Add(name + ": Store::Check on the full disk", check);
  auto journeys = (*store)->ListTouchpoints();
  if (!journeys.ok()) problems->Add(name + ": read on the full disk", journeys.status());
  absl::Status again = (*store)->Import(lines).status();
  if (!absl::IsResourceExhausted(again)) {
    problems->Add(name + ": a further import on the full disk", again);
  }
  std::string raw = PlainChecks(path);
  if (!raw.empty()) problems->Add(name + ": corrupt on the full disk: " + raw);
  free_space();
  auto resumed = (*store)->Import(lines);
  int64_t imported = 0, duplicates = 0;
  if (!resumed.ok()) {
    problems->Add(name + ": the import does not resume once space is freed", resumed.status());
  } else {
    imported = resumed->imported;
    duplicates = resumed->duplicates;
    if (resumed->imported + resumed->duplicates != messages) {
      problems->Add(absl::StrCat(name, ": resumed import: ", resumed->imported, " imported + ",
                                 resumed->duplicates, " duplicates != ", messages));
    }
  }
  store->reset();
  const int64_t stored = Interactions(path);
  if (stored != messages) {
    problems->Add(absl::StrCat(name, ": ", stored, " interactions stored for ", messages,
                               " messages"));
  }
  raw = PlainChecks(path);
  if (!raw.empty()) problems->Add(name + ": corrupt after resuming: " + raw);
  return absl::StrCat(name, ": first import stopped with ", first_code, " after ", stored_at_full,
                      " of ", messages, " messages; further write: ",
                      absl::StatusCodeToString(again.code()), "; resumed: ", imported,
                      " imported + ", duplicates, " duplicates; ", stored, " stored; ",
                      SecondsSince(start), " s");
}

int Main(int argc, char** argv) {
  int64_t messages = Scaled(3000);
  if (argc > 1 && !absl::SimpleAtoi(argv[1], &messages)) {
    std::fprintf(stderr, "usage: disk_full [messages]\n");
    return 2;
  }
  Problems problems;
  FaultDir dir;

  // (1) RLIMIT_FSIZE: every file of this process is capped at 1 MiB.
  ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit saved;
  if (::getrlimit(RLIMIT_FSIZE, &saved) != 0) {
    std::perror("getrlimit");
    return 2;
  }
  auto set_limit = [&](rlim_t soft) {
    struct rlimit r = saved;
    r.rlim_cur = soft;
    if (::setrlimit(RLIMIT_FSIZE, &r) != 0) {
      std::perror("setrlimit");
      std::exit(2);
    }
  };
  std::string summary = Scenario(
      "disk_full[RLIMIT_FSIZE]", dir.File("fsize.db"), messages,
      [&] { set_limit(1 << 20); }, [&] { set_limit(saved.rlim_cur); }, &problems);
  std::printf("%s\n", summary.c_str());
  std::fflush(stdout);

  // (2) A 16 MiB tmpfs with a ballast file leaving 384 KiB free.
  const std::string mnt = dir.File("mnt");
  std::filesystem::create_directory(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=0700") != 0) {
    std::printf("disk_full[tmpfs]: not run: mounting a tmpfs is not permitted here (%s)\n",
                std::strerror(errno));
  } else {
    const std::string ballast = mnt + "/ballast";
    summary = Scenario(
        "disk_full[tmpfs]", mnt + "/store.db", messages,
        [&] {
          struct statvfs st;
          if (::statvfs(mnt.c_str(), &st) != 0) return;
          const int64_t free_bytes = static_cast<int64_t>(st.f_bavail) * st.f_frsize;
          std::ofstream out(ballast, std::ios::binary);
          std::string chunk(4096, '\0');
          for (int64_t n = 0; n + (384 << 10) < free_bytes; n += 4096) out.write(chunk.data(), 4096);
        },
        [&] { std::filesystem::remove(ballast); }, &problems);
    std::printf("%s\n", summary.c_str());
    if (::umount(mnt.c_str()) != 0) std::perror("umount");
  }
  problems.Print("disk_full");
  std::printf("disk_full: %lld problems\n", static_cast<long long>(problems.count()));
  return problems.count() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace omnictx::reliability

int main(int argc, char** argv) { return omnictx::reliability::Main(argc, argv); }
