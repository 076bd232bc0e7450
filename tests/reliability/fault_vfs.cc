// SPDX-License-Identifier: Apache-2.0
#include "fault_vfs.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace omnictx::reliability {
namespace {

// One write or truncate not yet made durable by an xSync of its file.
struct PendingOp {
  bool truncate = false;
  int64_t offset = 0;    // write: where it starts; truncate: the new size
  std::string data = {};    // write: the bytes written
  std::string before = {};  // write: the bytes it overwrote; truncate: the tail it cut
  int64_t pre_size = 0;  // the file's size before the operation
};

struct FileState {
  std::string path = {};
  std::vector<PendingOp> pending = {};
};

struct Global {
  std::mutex mu;
  sqlite3_vfs* real = nullptr;
  sqlite3_vfs vfs = {};
  // Power cut.
  bool tracking = false;
  int64_t tracked_ops = 0;
  int64_t cut_at = 0;  // 0: not armed
  uint64_t seed = 0;
  bool cut = false;
  CutStats stats = {};
  // Keyed by the name SQLite opened; never erased, so FaultFile can point in.
  std::map<std::string, FileState> files;
  // Injected errors.
  bool armed = false;
  FaultSpec spec = {};
  int64_t seen = 0;  // calls of spec.op since arming
  int64_t injected = 0;
};

Global& G() {
  static Global* g = new Global;  // never destroyed: connections may close at exit
  return *g;
}

// The wrapper's file: the real VFS's file follows it in the same allocation.
struct FaultFile {
  sqlite3_file base;
  FileState* state;  // null for temporary files (not tracked)
  sqlite3_file* real;
};

constexpr int RoundUp8(int n) { return (n + 7) & ~7; }

FaultFile* Cast(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f); }
sqlite3_file* Real(sqlite3_file* f) { return Cast(f)->real; }

// Returns the code to fail the call with, 0 to let it through. Holds mu.
int Inject(Global& g, FaultOp op) {
  if (!g.armed || g.spec.op != op) return 0;
  int64_t n = ++g.seen;
  if (n == g.spec.nth || (g.spec.forever && n > g.spec.nth)) {
    ++g.injected;
    return g.spec.code;
  }
  return 0;
}

void PwriteAll(int fd, const std::string& data, int64_t offset) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done,
                         static_cast<off_t>(offset) + static_cast<off_t>(done));
    if (n <= 0) {
      std::perror("fault_vfs: pwrite at cut");
      std::abort();
    }
    done += static_cast<size_t>(n);
  }
}

void Ftruncate(int fd, int64_t size) {
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    std::perror("fault_vfs: ftruncate at cut");
    std::abort();
  }
}

// Undoes every unsynced operation, then replays each according to its
// fate. Holds mu.
void ApplyCut(Global& g) {
  if (g.cut) return;
  g.cut = true;
  std::mt19937_64 rng(g.seed);
  // 0: every unsynced operation lost; 1: an in-order prefix survives, the
  // next one torn; 2: each independently kept, lost, torn or garbled.
  const int mode = static_cast<int>(rng() % 3);
  for (auto& [path, fs] : g.files) {
    if (fs.pending.empty()) continue;
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {  // deleted since: nothing of it to keep
      fs.pending.clear();
      continue;
    }
    for (auto it = fs.pending.rbegin(); it != fs.pending.rend(); ++it) {
      if (it->truncate) {
        Ftruncate(fd, it->pre_size);
        if (!it->before.empty()) PwriteAll(fd, it->before, it->offset);
      } else {
        if (!it->before.empty()) PwriteAll(fd, it->before, it->offset);
        Ftruncate(fd, it->pre_size);
      }
    }
    const size_t n = fs.pending.size();
    const size_t prefix = mode == 1 ? static_cast<size_t>(rng() % (n + 1)) : 0;
    for (size_t i = 0; i < n; ++i) {
      PendingOp& op = fs.pending[i];
      ++g.stats.pending;
      enum { kDrop, kKeep, kTear, kGarble } fate = kDrop;
      if (mode == 1) {
        fate = i < prefix ? kKeep : (i == prefix ? kTear : kDrop);
      } else if (mode == 2) {
        uint64_t r = rng() % 10;
        fate = r < 5 ? kKeep : (r < 8 ? kDrop : (r < 9 ? kTear : kGarble));
      }
      if (op.truncate) {
        if (fate == kDrop) {
          ++g.stats.dropped;
        } else {
          Ftruncate(fd, op.offset);
          ++g.stats.kept;
        }
        continue;
      }
      switch (fate) {
        case kDrop:
          ++g.stats.dropped;
          break;
        case kKeep:
          PwriteAll(fd, op.data, op.offset);
          ++g.stats.kept;
          break;
        case kTear: {
          size_t sectors = op.data.size() / 512;
          size_t keep = sectors == 0 ? 0 : static_cast<size_t>(rng() % sectors) * 512;
          if (keep > 0) PwriteAll(fd, op.data.substr(0, keep), op.offset);
          ++g.stats.torn;
          break;
        }
        case kGarble: {
          std::string bytes = op.data;
          size_t a = static_cast<size_t>(rng() % bytes.size());
          size_t b = a + 1 + static_cast<size_t>(rng() % (bytes.size() - a));
          for (size_t k = a; k < b; ++k) bytes[k] = static_cast<char>(rng());
          PwriteAll(fd, bytes, op.offset);
          ++g.stats.garbled;
          break;
        }
      }
    }
    fs.pending.clear();
    ::close(fd);
  }
}

// For a write, sync or truncate: true if the power is (now) off. Holds mu.
bool PowerOff(Global& g, const FaultFile* f) {
  if (g.cut) return true;
  if (!g.tracking || f->state == nullptr) return false;
  ++g.tracked_ops;
  if (g.cut_at > 0 && g.tracked_ops >= g.cut_at) {
    ApplyCut(g);
    return true;
  }
  return false;
}

// ---- io methods ----

int Close(sqlite3_file* f) {
  sqlite3_file* real = Real(f);
  return real->pMethods != nullptr ? real->pMethods->xClose(real) : SQLITE_OK;
}

int Read(sqlite3_file* f, void* buf, int amt, sqlite3_int64 off) {
  {
    std::lock_guard<std::mutex> lock(G().mu);
    if (G().cut) return SQLITE_IOERR_READ;
  }
  return Real(f)->pMethods->xRead(Real(f), buf, amt, off);
}

int Write(sqlite3_file* f, const void* buf, int amt, sqlite3_int64 off) {
  Global& g = G();
  std::lock_guard<std::mutex> lock(g.mu);
  FaultFile* ff = Cast(f);
  sqlite3_file* real = ff->real;
  if (PowerOff(g, ff)) return SQLITE_IOERR_WRITE;
  if (int rc = Inject(g, FaultOp::kWrite); rc != 0) return rc;
  const bool log = g.tracking && ff->state != nullptr;
  PendingOp op;
  if (log) {
    sqlite3_int64 size = 0;
    int rc = real->pMethods->xFileSize(real, &size);
    if (rc != SQLITE_OK) return rc;
    op.offset = off;
    op.pre_size = size;
    op.data.assign(static_cast<const char*>(buf), static_cast<size_t>(amt));
    if (off < size) {
      op.before.resize(static_cast<size_t>(std::min<sqlite3_int64>(amt, size - off)));
      rc = real->pMethods->xRead(real, op.before.data(), static_cast<int>(op.before.size()), off);
      if (rc != SQLITE_OK) return rc;
    }
  }
  int rc = real->pMethods->xWrite(real, buf, amt, off);
  if (rc == SQLITE_OK && log) ff->state->pending.push_back(std::move(op));
  return rc;
}

int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  Global& g = G();
  std::lock_guard<std::mutex> lock(g.mu);
  FaultFile* ff = Cast(f);
  sqlite3_file* real = ff->real;
  if (PowerOff(g, ff)) return SQLITE_IOERR_TRUNCATE;
  if (int rc = Inject(g, FaultOp::kTruncate); rc != 0) return rc;
  const bool log = g.tracking && ff->state != nullptr;
  PendingOp op;
  if (log) {
    sqlite3_int64 old_size = 0;
    int rc = real->pMethods->xFileSize(real, &old_size);
    if (rc != SQLITE_OK) return rc;
    op.truncate = true;
    op.offset = size;
    op.pre_size = old_size;
    if (size < old_size) {
      op.before.resize(static_cast<size_t>(old_size - size));
      rc = real->pMethods->xRead(real, op.before.data(), static_cast<int>(op.before.size()), size);
      if (rc != SQLITE_OK) return rc;
    }
  }
  int rc = real->pMethods->xTruncate(real, size);
  if (rc == SQLITE_OK && log) ff->state->pending.push_back(std::move(op));
  return rc;
}

int Sync(sqlite3_file* f, int flags) {
  Global& g = G();
  std::lock_guard<std::mutex> lock(g.mu);
  FaultFile* ff = Cast(f);
  if (PowerOff(g, ff)) return SQLITE_IOERR_FSYNC;
  if (int rc = Inject(g, FaultOp::kSync); rc != 0) return rc;
  int rc = ff->real->pMethods->xSync(ff->real, flags);
  if (rc == SQLITE_OK && ff->state != nullptr) ff->state->pending.clear();
  return rc;
}

int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  {
    std::lock_guard<std::mutex> lock(G().mu);
    if (G().cut) return SQLITE_IOERR_FSTAT;
  }
  return Real(f)->pMethods->xFileSize(Real(f), size);
}

int Lock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int Unlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int DeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int ShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** pp) {
  return Real(f)->pMethods->xShmMap(Real(f), region, size, extend, pp);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int delete_flag) {
  return Real(f)->pMethods->xShmUnmap(Real(f), delete_flag);
}
// No memory mapping: SQLite falls back to xRead, which the wrapper sees.
int Fetch(sqlite3_file*, sqlite3_int64, int, void** pp) {
  *pp = nullptr;
  return SQLITE_OK;
}
int Unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

const sqlite3_io_methods kMethods = {
    3,           Close,      Read,   Write,         Truncate,        Sync,
    FileSize,    Lock,       Unlock, CheckReservedLock, FileControl, SectorSize,
    DeviceCharacteristics, ShmMap, ShmLock, ShmBarrier, ShmUnmap, Fetch,
    Unfetch,
};

// ---- vfs methods ----

sqlite3_vfs* R() { return G().real; }

int Open(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  FaultFile* ff = Cast(f);
  ff->base.pMethods = nullptr;
  ff->state = nullptr;
  ff->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) +
                                             RoundUp8(static_cast<int>(sizeof(FaultFile))));
  ff->real->pMethods = nullptr;
  {
    Global& g = G();
    std::lock_guard<std::mutex> lock(g.mu);
    if (g.cut) return SQLITE_CANTOPEN;
    if (int rc = Inject(g, FaultOp::kOpen); rc != 0) return rc;
    if (name != nullptr) {
      FileState& fs = g.files[name];
      fs.path = name;
      ff->state = &fs;
    }
  }
  int rc = R()->xOpen(R(), name, ff->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (ff->real->pMethods != nullptr) ff->real->pMethods->xClose(ff->real);
    return rc;
  }
  ff->base.pMethods = &kMethods;
  return SQLITE_OK;
}

int Delete(sqlite3_vfs*, const char* name, int sync_dir) {
  {
    Global& g = G();
    std::lock_guard<std::mutex> lock(g.mu);
    if (g.cut) return SQLITE_IOERR_DELETE;
    auto it = g.files.find(name);
    if (it != g.files.end()) it->second.pending.clear();
  }
  return R()->xDelete(R(), name, sync_dir);
}

int Access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return R()->xAccess(R(), name, flags, out);
}
int FullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return R()->xFullPathname(R(), name, n, out);
}
void* DlOpen(sqlite3_vfs*, const char* name) { return R()->xDlOpen(R(), name); }
void DlError(sqlite3_vfs*, int n, char* out) { R()->xDlError(R(), n, out); }
void (*DlSym(sqlite3_vfs*, void* h, const char* sym))(void) { return R()->xDlSym(R(), h, sym); }
void DlClose(sqlite3_vfs*, void* h) { R()->xDlClose(R(), h); }
int Randomness(sqlite3_vfs*, int n, char* out) { return R()->xRandomness(R(), n, out); }
int Sleep(sqlite3_vfs*, int us) { return R()->xSleep(R(), us); }
int CurrentTime(sqlite3_vfs*, double* t) { return R()->xCurrentTime(R(), t); }
int GetLastError(sqlite3_vfs*, int n, char* out) { return R()->xGetLastError(R(), n, out); }
int CurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* t) { return R()->xCurrentTimeInt64(R(), t); }

}  // namespace

const char* FaultOpName(FaultOp op) {
  switch (op) {
    case FaultOp::kWrite:
      return "write";
    case FaultOp::kSync:
      return "sync";
    case FaultOp::kTruncate:
      return "truncate";
    case FaultOp::kOpen:
      return "open";
  }
  return "?";
}

FaultVfs& FaultVfs::Install() {
  static FaultVfs* instance = [] {
    Global& g = G();
    g.real = sqlite3_vfs_find("unix");
    if (g.real == nullptr) {
      std::fprintf(stderr, "fault_vfs: no \"unix\" VFS\n");
      std::abort();
    }
    sqlite3_vfs& v = g.vfs;
    v.iVersion = 2;
    v.szOsFile = RoundUp8(static_cast<int>(sizeof(FaultFile))) + g.real->szOsFile;
    v.mxPathname = g.real->mxPathname;
    v.zName = "omnictx-fault";
    v.xOpen = Open;
    v.xDelete = Delete;
    v.xAccess = Access;
    v.xFullPathname = FullPathname;
    v.xDlOpen = DlOpen;
    v.xDlError = DlError;
    v.xDlSym = DlSym;
    v.xDlClose = DlClose;
    v.xRandomness = Randomness;
    v.xSleep = Sleep;
    v.xCurrentTime = CurrentTime;
    v.xGetLastError = GetLastError;
    v.xCurrentTimeInt64 = CurrentTimeInt64;
    if (sqlite3_vfs_register(&v, 1) != SQLITE_OK) {
      std::fprintf(stderr, "fault_vfs: sqlite3_vfs_register failed\n");
      std::abort();
    }
    return new FaultVfs;
  }();
  return *instance;
}

void FaultVfs::UseAsDefault(bool wrapper) {
  Global& g = G();
  sqlite3_vfs_register(wrapper ? &g.vfs : g.real, 1);
}

void FaultVfs::Reset() {
  Global& g = G();
  std::lock_guard<std::mutex> lock(g.mu);
  g.tracking = false;
  g.tracked_ops = 0;
  g.cut_at = 0;
  g.cut = false;
  g.stats = {};
  for (auto& [path, fs] : g.files) fs.pending.clear();
  g.armed = false;
  g.seen = 0;
}

void FaultVfs::StartTracking() {
  Global& g = G();
  std::lock_guard<std::mutex> lock(g.mu);
  for (auto& [path, fs] : g.files) fs.pending.clear();
  g.tracking = true;
  g.tracked_ops = 0;
}

void FaultVfs::ArmCut(int64_t ops, uint64_t seed) {
  Global& g = G();
  std::lock_guard<std::mutex> lock(g.mu);
  g.cut_at = g.tracked_ops + ops;
  g.seed = seed;
}

void FaultVfs::CutNow() {
  Global& g = G();
  std::lock_guard<std::mutex> lock(g.mu);
  ApplyCut(g);
}

bool FaultVfs::cut() const {
  std::lock_guard<std::mutex> lock(G().mu);
  return G().cut;
}

int64_t FaultVfs::tracked_ops() const {
  std::lock_guard<std::mutex> lock(G().mu);
  return G().tracked_ops;
}

CutStats FaultVfs::last_cut() const {
  std::lock_guard<std::mutex> lock(G().mu);
  return G().stats;
}

void FaultVfs::Arm(const FaultSpec& spec) {
  Global& g = G();
  std::lock_guard<std::mutex> lock(g.mu);
  g.armed = true;
  g.spec = spec;
  g.seen = 0;
}

void FaultVfs::Disarm() {
  Global& g = G();
  std::lock_guard<std::mutex> lock(g.mu);
  g.armed = false;
}

int64_t FaultVfs::injected() const {
  std::lock_guard<std::mutex> lock(G().mu);
  return G().injected;
}

}  // namespace omnictx::reliability
