// SPDX-License-Identifier: Apache-2.0
//
// The omnictx benchmarks on the shared workload (docs/performance.md).
//
//   omnictx_bench [--customers=N] [--seed=S] [--data_dir=DIR] [--generate_only]
//                 [--keep_work_copy] [--mmap_size=BYTES] [Google Benchmark flags...]
//
// The dataset is generated once per (N, seed) through the library's write API
// and cached under DIR ($OMNICTX_BENCH_DIR, else $TMPDIR/omnictx-bench). Each
// run measures on a scratch copy of it, so the write benchmarks never change
// the cache. N defaults to $OMNICTX_BENCH_CUSTOMERS, else 1,000,000.
// Benchmarks print figures; they never pass or fail on time.
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "benchmark/benchmark.h"
#include "floor.h"
#include "omnictx/store.h"
#include "stats.h"
#include "workload.h"

namespace omnictx::bench {
namespace {

// ---- Settings and shared state ----

struct Settings {
  WorkloadConfig config;
  std::string data_dir;
  std::string pristine;  // the cached dataset, never written by a benchmark
  std::string work;      // the scratch copy every benchmark uses
  bool generated = false;
  // Options::mmap_size for the library and the floor (--mmap_size).
  int64_t mmap_size = Options{}.mmap_size;
};

Settings& S() {
  static Settings* s = new Settings();
  return *s;
}

// The options every store the benchmarks open uses.
Options StoreOptions() {
  Options o = BenchOptions();
  o.mmap_size = S().mmap_size;
  return o;
}

std::once_flag store_once;
std::unique_ptr<Store> shared_store;

// The store the lookup, timeline, stalled and write benchmarks share (opened
// on first use, after the open benchmark ran without it).
Store& SharedStore() {
  std::call_once(store_once, [] {
    auto store = Store::Open(S().work, StoreOptions());
    if (!store.ok()) {
      std::fprintf(stderr, "open %s: %s\n", S().work.c_str(), store.status().ToString().c_str());
      std::exit(1);
    }
    shared_store = *std::move(store);
  });
  return *shared_store;
}

// Peak resident set size of the process so far, in MB.
double PeakRssMb() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// Resident memory now, in MB: all of it, and the file-backed part (pages of
// the memory-mapped database).
void RssNowMb(double* resident, double* file_backed) {
  *resident = *file_backed = 0;
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return;
  unsigned long size = 0, res = 0, shared = 0;
  if (std::fscanf(f, "%lu %lu %lu", &size, &res, &shared) == 3) {
    const double page_mb = static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
    *resident = static_cast<double>(res) * page_mb;
    *file_backed = static_cast<double>(shared) * page_mb;
  }
  std::fclose(f);
}

// The last run of each benchmark, for the summary printed at the end.
std::mutex results_mu;
std::map<std::string, Summary>& Results() {
  static auto* r = new std::map<std::string, Summary>();
  return *r;
}

void Publish(benchmark::State& state, const std::string& name, const Summary& s, bool latency) {
  if (s.per_s > 0) state.counters["per_s"] = s.per_s;
  if (latency) {
    state.counters["p50_us"] = s.p50_us;
    state.counters["p99_us"] = s.p99_us;
    state.counters["p999_us"] = s.p999_us;
  }
  if (s.cpu_us > 0) state.counters["cpu_us"] = s.cpu_us;
  state.counters["peak_rss_mb"] = PeakRssMb();
  std::lock_guard<std::mutex> lock(results_mu);
  Results()[name] = s;
}

double Micros(SteadyClock::time_point a, SteadyClock::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

// A per-thread pool of phone numbers to look up: 95% known customers, 5%
// numbers nobody owns.
std::vector<LookupRequest> LookupPool(uint64_t stream, size_t n) {
  const WorkloadConfig& c = S().config;
  Rng rng(c.seed * 7919 + stream);
  std::vector<LookupRequest> pool;
  pool.reserve(n);
  for (size_t k = 0; k < n; ++k) {
    int64_t index;
    if (rng.Percent(95)) {
      index = static_cast<int64_t>(rng.Below(static_cast<uint64_t>(c.customers)));
    } else {
      index = c.customers +
              static_cast<int64_t>(rng.Below(static_cast<uint64_t>(kPhoneSpace - c.customers)));
    }
    pool.push_back({.identity = Phone(PhoneOf(c.seed, index)), .channel = Channel::kIvr});
  }
  return pool;
}

constexpr size_t kPool = 1 << 14;

// ---- Benchmarks ----

// Store::Open of the existing file and a first lookup (warm page cache).
void BM_Open(benchmark::State& state) {
  const LookupRequest request{.identity = Phone(PhoneOf(S().config.seed, 0)),
                              .channel = Channel::kIvr};
  std::vector<double> latencies;
  for (auto _ : state) {
    const auto a = SteadyClock::now();
    auto store = Store::Open(S().work, StoreOptions());
    if (!store.ok()) {
      state.SkipWithError(store.status().ToString().c_str());
      break;
    }
    auto ctx = (*store)->Lookup(request);
    const auto b = SteadyClock::now();
    if (!ctx.ok() || !ctx->known()) {
      state.SkipWithError("first lookup failed");
      break;
    }
    state.SetIterationTime(Micros(a, b) / 1e6);
    latencies.push_back(Micros(a, b));
  }
  Collector c;
  c.Reset(1);
  c.Add(latencies, {}, {}, 0);
  Publish(state, "open", c.Wait(), false);
}
BENCHMARK(BM_Open)->Iterations(20)->UseManualTime()->Unit(benchmark::kMillisecond);

Collector lookup_collector, floor_collector;

void BM_Lookup(benchmark::State& state) {
  Store& store = SharedStore();
  if (state.thread_index() == 0) lookup_collector.Reset(state.threads());
  const std::vector<LookupRequest> pool =
      LookupPool(static_cast<uint64_t>(state.thread_index()) + 1, kPool);
  std::vector<double> latencies;
  latencies.reserve(1 << 20);
  int64_t known = 0;
  size_t k = 0;
  SteadyClock::time_point first = SteadyClock::now(), last = first;
  bool started = false;
  double cpu = 0;
  for (auto _ : state) {
    if (!started) cpu = ThreadCpuSeconds();
    const auto a = SteadyClock::now();
    absl::StatusOr<Context> ctx = store.Lookup(pool[k++ % kPool]);
    const auto b = SteadyClock::now();
    if (!ctx.ok()) {
      state.SkipWithError(ctx.status().ToString().c_str());
      break;
    }
    if (!started) first = a, started = true;
    last = b;
    known += ctx->known() ? 1 : 0;
    latencies.push_back(Micros(a, b));
  }
  state.SetItemsProcessed(state.iterations());
  lookup_collector.Add(latencies, first, last, known, ThreadCpuSeconds() - cpu);
  if (state.thread_index() == 0) {
    Summary s = lookup_collector.Wait();
    state.counters["known"] = s.known;
    Publish(state, "lookup/threads:" + std::to_string(state.threads()), s, true);
  }
}
BENCHMARK(BM_Lookup)->Threads(1)->Threads(2)->UseRealTime()->Unit(benchmark::kMicrosecond);

// The floor: the same lookup by hand in SQL (floor.h).
void BM_FloorLookup(benchmark::State& state) {
  if (state.thread_index() == 0) floor_collector.Reset(state.threads());
  auto floor = FloorLookup::Open(S().work, S().mmap_size);
  const std::vector<LookupRequest> pool =
      LookupPool(static_cast<uint64_t>(state.thread_index()) + 1, kPool);
  std::vector<double> latencies;
  latencies.reserve(1 << 20);
  int64_t known = 0;
  uint64_t bytes = 0;
  size_t k = 0;
  SteadyClock::time_point first = SteadyClock::now(), last = first;
  bool started = false;
  double cpu = 0;
  for (auto _ : state) {
    if (!started) cpu = ThreadCpuSeconds();
    if (!floor.ok()) {
      state.SkipWithError(floor.status().ToString().c_str());
      break;
    }
    const std::string& phone = pool[k++ % kPool].identity->value();
    const auto a = SteadyClock::now();
    auto r = (*floor)->ByPhone(phone);
    const auto b = SteadyClock::now();
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      break;
    }
    if (!started) first = a, started = true;
    last = b;
    known += r->known ? 1 : 0;
    bytes += r->bytes;
    latencies.push_back(Micros(a, b));
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(state.iterations());
  floor_collector.Add(latencies, first, last, known, ThreadCpuSeconds() - cpu);
  if (state.thread_index() == 0) {
    Summary s = floor_collector.Wait();
    state.counters["known"] = s.known;
    Publish(state, "floor/threads:" + std::to_string(state.threads()), s, true);
  }
}
BENCHMARK(BM_FloorLookup)->Threads(1)->Threads(2)->UseRealTime()->Unit(benchmark::kMicrosecond);

// What the lookup spends before it reads anything: normalizing the phone
// number it is given (Store::Normalize, no SQL). For the analysis of the
// lookup's cost, not a workload operation.
void BM_NormalizePhone(benchmark::State& state) {
  Store& store = SharedStore();
  const std::vector<LookupRequest> pool = LookupPool(99, kPool);
  size_t k = 0;
  for (auto _ : state) {
    auto normalized = store.Normalize(*pool[k++ % kPool].identity);
    if (!normalized.ok()) {
      state.SkipWithError(normalized.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(normalized);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NormalizePhone)->Unit(benchmark::kMicrosecond);

// A random customer's full timeline, newest first (one page of up to 1,000).
void BM_Timeline(benchmark::State& state) {
  Store& store = SharedStore();
  Rng rng(S().config.seed * 31 + 5);
  std::vector<std::string> ids;
  for (size_t k = 0; k < kPool; ++k) {
    ids.push_back(
        CustomerIdOf(static_cast<int64_t>(rng.Below(static_cast<uint64_t>(S().config.customers)))));
  }
  const TimelineQuery query{.page_size = 1000};
  std::vector<double> latencies;
  int64_t rows = 0;
  size_t k = 0;
  SteadyClock::time_point first = SteadyClock::now(), last = first;
  bool started = false;
  double cpu = 0;
  for (auto _ : state) {
    if (!started) cpu = ThreadCpuSeconds();
    const auto a = SteadyClock::now();
    auto page = store.Timeline(ids[k++ % kPool], query);
    const auto b = SteadyClock::now();
    if (!page.ok()) {
      state.SkipWithError(page.status().ToString().c_str());
      break;
    }
    if (!started) first = a, started = true;
    last = b;
    rows += static_cast<int64_t>(page->interactions.size());
    latencies.push_back(Micros(a, b));
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["rows"] = state.iterations() > 0
                               ? static_cast<double>(rows) / static_cast<double>(state.iterations())
                               : 0;
  Collector c;
  c.Reset(1);
  c.Add(latencies, first, last, 0, ThreadCpuSeconds() - cpu);
  Publish(state, "timeline", c.Wait(), true);
}
BENCHMARK(BM_Timeline)->UseRealTime()->Unit(benchmark::kMicrosecond);

// A full Stalled(now) scan.
void BM_Stalled(benchmark::State& state) {
  Store& store = SharedStore();
  std::vector<double> latencies;
  size_t found = 0;
  for (auto _ : state) {
    const auto a = SteadyClock::now();
    absl::Status status;
    {
      auto stalled = store.Stalled(WorkloadNow());
      status = stalled.status();
      if (stalled.ok()) found = stalled->size();
    }  // freeing the answer is part of the cost
    const auto b = SteadyClock::now();
    if (!status.ok()) {
      state.SkipWithError(status.ToString().c_str());
      break;
    }
    latencies.push_back(Micros(a, b));
  }
  state.counters["stalled"] = static_cast<double>(found);
  Collector c;
  c.Reset(1);
  c.Add(latencies, {}, {}, 0);
  Summary s = c.Wait();
  s.known = static_cast<double>(found);
  Publish(state, "stalled", s, false);
}
BENCHMARK(BM_Stalled)->Iterations(3)->UseRealTime()->Unit(benchmark::kMillisecond);

// One Record per interaction, random customers.
void BM_Record(benchmark::State& state) {
  Store& store = SharedStore();
  Rng rng(S().config.seed * 131 + 7);
  std::vector<Interaction> pool;
  for (size_t k = 0; k < kPool; ++k) pool.push_back(RandomInteraction(S().config, rng));
  std::vector<double> latencies;
  size_t k = 0;
  SteadyClock::time_point first = SteadyClock::now(), last = first;
  bool started = false;
  double cpu = 0;
  for (auto _ : state) {
    if (!started) cpu = ThreadCpuSeconds();
    const auto a = SteadyClock::now();
    auto id = store.Record(pool[k++ % kPool]);
    const auto b = SteadyClock::now();
    if (!id.ok()) {
      state.SkipWithError(id.status().ToString().c_str());
      break;
    }
    if (!started) first = a, started = true;
    last = b;
    latencies.push_back(Micros(a, b));
  }
  state.SetItemsProcessed(state.iterations());
  Collector c;
  c.Reset(1);
  c.Add(latencies, first, last, 0, ThreadCpuSeconds() - cpu);
  Publish(state, "record", c.Wait(), true);
}
BENCHMARK(BM_Record)->UseRealTime()->Unit(benchmark::kMicrosecond);

// RecordBatch of 1,000 interactions for random customers.
void BM_RecordBatch(benchmark::State& state) {
  constexpr size_t kBatchSize = 1000;
  Store& store = SharedStore();
  Rng rng(S().config.seed * 137 + 11);
  std::vector<std::vector<Interaction>> batches(8);
  for (auto& batch : batches) {
    for (size_t k = 0; k < kBatchSize; ++k) batch.push_back(RandomInteraction(S().config, rng));
  }
  std::vector<double> latencies;
  size_t k = 0;
  SteadyClock::time_point first = SteadyClock::now(), last = first;
  bool started = false;
  double cpu = 0;
  for (auto _ : state) {
    if (!started) cpu = ThreadCpuSeconds();
    const auto a = SteadyClock::now();
    auto ids = store.RecordBatch(batches[k++ % batches.size()]);
    const auto b = SteadyClock::now();
    if (!ids.ok()) {
      state.SkipWithError(ids.status().ToString().c_str());
      break;
    }
    if (!started) first = a, started = true;
    last = b;
    latencies.push_back(Micros(a, b));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kBatchSize));
  Collector c;
  c.Reset(1);
  c.Add(latencies, first, last, 0, ThreadCpuSeconds() - cpu);
  Summary s = c.Wait();
  s.per_s *= kBatchSize;  // interactions, not calls
  Publish(state, "record_batch", s, false);
}
BENCHMARK(BM_RecordBatch)->UseRealTime()->Unit(benchmark::kMillisecond);

// ---- Main ----

bool TakeFlag(std::string_view arg, std::string_view name, std::string* value) {
  if (arg.substr(0, name.size()) != name) return false;
  if (arg.size() == name.size()) {
    *value = "";
    return true;
  }
  if (arg[name.size()] != '=') return false;
  *value = std::string(arg.substr(name.size() + 1));
  return true;
}

bool ParseCount(const std::string& text, int64_t* out) {
  std::string digits;
  for (char c : text) {
    if (c == ',' || c == '_') continue;
    if (c < '0' || c > '9') return false;
    digits += c;
  }
  if (digits.empty() || digits.size() > 12) return false;
  *out = std::stoll(digits);
  return true;
}

uint64_t FileSize(const std::string& path) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<uint64_t>(size);
}

void PrintLatency(const char* label, const Summary* s) {
  if (s == nullptr) return;
  std::printf(
      "  %-18s %8.0f/s  p50 %7.1f us  p99 %8.1f us  p999 %8.1f us  cpu %6.1f us/call  (%" PRId64
      " calls)\n",
      label, s->per_s, s->p50_us, s->p99_us, s->p999_us, s->cpu_us, s->calls);
}

const Summary* Find(const std::string& name) {
  auto it = Results().find(name);
  return it == Results().end() ? nullptr : &it->second;
}

void PrintSummary() {
  const Settings& s = S();
  const uint64_t size = FileSize(s.pristine);
  std::printf("\n==== omnictx benchmark summary ====\n");
  std::printf("customers %" PRId64 ", seed %" PRIu64 ", SQLite %s, mmap_size %" PRId64 "\n",
              s.config.customers, s.config.seed, sqlite3_libversion(), s.mmap_size);
  std::printf("database %s: %.1f MB, %.0f bytes per customer\n", s.pristine.c_str(),
              static_cast<double>(size) / 1e6,
              static_cast<double>(size) / static_cast<double>(s.config.customers));
  for (int threads : {1, 2}) {
    const std::string t = std::to_string(threads);
    const Summary* lib = Find("lookup/threads:" + t);
    const Summary* floor = Find("floor/threads:" + t);
    std::printf("lookup, %d thread%s:\n", threads, threads == 1 ? "" : "s");
    PrintLatency("library", lib);
    PrintLatency("floor (hand SQL)", floor);
    if (lib != nullptr && floor != nullptr && floor->p50_us > 0 && lib->per_s > 0) {
      std::printf("  %-18s p50 %.2fx  p99 %.2fx  p999 %.2fx  throughput %.2fx  cpu %.2fx\n",
                  "library/floor", lib->p50_us / floor->p50_us, lib->p99_us / floor->p99_us,
                  lib->p999_us / floor->p999_us, floor->per_s / lib->per_s,
                  floor->cpu_us > 0 ? lib->cpu_us / floor->cpu_us : 0.0);
    }
  }
  if (const Summary* r = Find("record")) {
    std::printf(
        "record        %10.0f interactions/s   p50 %.1f us   p99 %.1f us   cpu %.1f us/call\n",
        r->per_s, r->p50_us, r->p99_us, r->cpu_us);
  }
  if (const Summary* r = Find("record_batch")) {
    std::printf("record_batch  %10.0f interactions/s   (%.1f ms per 1,000, cpu %.1f ms)\n",
                r->per_s, r->mean_us / 1e3, r->cpu_us / 1e3);
  }
  if (const Summary* r = Find("timeline")) {
    std::printf("timeline      p50 %.1f us   p99 %.1f us   p999 %.1f us   cpu %.1f us/call\n",
                r->p50_us, r->p99_us, r->p999_us, r->cpu_us);
  }
  if (const Summary* r = Find("stalled")) {
    std::printf("stalled       %.1f ms per full scan (mean of %" PRId64
                "), %.0f stalled instances\n",
                r->mean_us / 1e3, r->calls, r->known);
  }
  if (const Summary* r = Find("open")) {
    std::printf("open          %.2f ms median, %.2f ms max (open + first lookup, warm cache)\n",
                r->p50_us / 1e3, r->max_us / 1e3);
  }
  double resident = 0, file_backed = 0;
  RssNowMb(&resident, &file_backed);
  std::printf(
      "peak RSS      %.1f MB%s\n              now %.1f MB resident, of which %.1f MB file-backed "
      "(the database's mmap)\n",
      PeakRssMb(), s.generated ? " (includes generating the dataset in this process)" : "",
      resident, file_backed);
}

int Main(int argc, char** argv) {
  Settings& s = S();
  if (const char* env = std::getenv("OMNICTX_BENCH_CUSTOMERS"); env != nullptr && *env != '\0') {
    if (!ParseCount(env, &s.config.customers)) {
      std::fprintf(stderr, "OMNICTX_BENCH_CUSTOMERS: not a number\n");
      return 2;
    }
  }
  s.data_dir = DefaultDataDir();
  bool generate_only = false, keep_work = false;
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    std::string v;
    int64_t n = 0;
    if (TakeFlag(argv[i], "--customers", &v)) {
      if (!ParseCount(v, &s.config.customers))
        return std::fprintf(stderr, "--customers: not a number\n"), 2;
    } else if (TakeFlag(argv[i], "--seed", &v)) {
      if (!ParseCount(v, &n)) return std::fprintf(stderr, "--seed: not a number\n"), 2;
      s.config.seed = static_cast<uint64_t>(n);
    } else if (TakeFlag(argv[i], "--mmap_size", &v)) {
      if (!ParseCount(v, &s.mmap_size))
        return std::fprintf(stderr, "--mmap_size: not a number\n"), 2;
    } else if (TakeFlag(argv[i], "--data_dir", &v)) {
      s.data_dir = v;
    } else if (TakeFlag(argv[i], "--generate_only", &v)) {
      generate_only = true;
    } else if (TakeFlag(argv[i], "--keep_work_copy", &v)) {
      keep_work = true;
    } else {
      rest.push_back(argv[i]);
    }
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 2;

  const auto start = SteadyClock::now();
  auto path = EnsureWorkload(s.config, s.data_dir, &s.generated);
  if (!path.ok()) {
    std::fprintf(stderr, "workload: %s\n", path.status().ToString().c_str());
    return 1;
  }
  s.pristine = *path;
  std::printf("dataset: %s (%s in %.1f s)\n", s.pristine.c_str(),
              s.generated ? "generated" : "cached",
              std::chrono::duration<double>(SteadyClock::now() - start).count());
  std::fflush(stdout);
  if (generate_only) return 0;

  s.work = s.pristine + ".work";
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(s.work + suffix, ec);
  std::filesystem::copy_file(s.pristine, s.work, ec);
  if (ec) {
    std::fprintf(stderr, "copy %s: %s\n", s.pristine.c_str(), ec.message().c_str());
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  PrintSummary();  // before closing the store, to see its memory
  shared_store.reset();
  if (!keep_work) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(s.work + suffix, ec);
  }
  return 0;
}

}  // namespace
}  // namespace omnictx::bench

int main(int argc, char** argv) { return omnictx::bench::Main(argc, argv); }
