// SPDX-License-Identifier: Apache-2.0
//
// A test-only SQLite VFS that wraps the real "unix" VFS and can (a) model a
// power cut and (b) fail chosen I/O calls. Installed as the default VFS, so
// the library uses it without knowing: Store::Open passes no VFS name.
//
// Power cut: while tracking, every write and truncate of a named file is
// logged with what it overwrote, until an xSync of that file makes it
// durable. At the cut the unsynced operations are undone, then each is
// replayed or not according to a seeded fate (dropped, kept, torn at a
// 512-byte boundary, or kept with a garbled range), and from then on every
// I/O call fails, as if the machine had stopped. The caller then drops the
// store and reopens the file with the plain VFS.
//
// Injected errors: fail the N-th write, sync, truncate or open (counted
// from arming), once or for ever, with a chosen SQLite code.
//
// Memory-mapped I/O is refused (xFetch returns no page) so that every read
// and write goes through the wrapper. Thread-safe.
#ifndef OMNICTX_TESTS_RELIABILITY_FAULT_VFS_H_
#define OMNICTX_TESTS_RELIABILITY_FAULT_VFS_H_

#include <cstdint>
#include <string>

namespace omnictx::reliability {

enum class FaultOp { kWrite, kSync, kTruncate, kOpen };

const char* FaultOpName(FaultOp op);

// Which I/O call to fail and how.
struct FaultSpec {
  FaultOp op = FaultOp::kWrite;
  int64_t nth = 1;       // the N-th call of that kind after arming (1-based)
  bool forever = false;  // also every later call of that kind
  int code = 0;          // SQLite result code returned (e.g. SQLITE_IOERR_WRITE)
};

// What a power cut did to the unsynced operations.
struct CutStats {
  int64_t pending = 0;  // unsynced writes and truncates at the cut
  int64_t dropped = 0;
  int64_t kept = 0;
  int64_t torn = 0;
  int64_t garbled = 0;
};

class FaultVfs {
 public:
  // Registers the wrapper (first call only) and makes it the default VFS.
  static FaultVfs& Install();

  // Makes the wrapper (true) or the plain "unix" VFS (false) the default
  // for connections opened from now on.
  void UseAsDefault(bool wrapper);

  // Back to a pass-through: no cut, no tracking, no armed fault.
  void Reset();

  // ---- Power cut ----
  // Starts logging unsynced writes; what is on disk now counts as durable.
  void StartTracking();
  // Cuts the power just before the `ops`-th write, sync or truncate of a
  // tracked file from now (1: the next one), using `seed` for the fates.
  void ArmCut(int64_t ops, uint64_t seed);
  // Cuts now (when the armed cut was not reached). Idempotent.
  void CutNow();
  bool cut() const;
  // Mutating calls (write, sync, truncate) of tracked files since tracking started.
  int64_t tracked_ops() const;
  CutStats last_cut() const;

  // ---- Injected errors ----
  void Arm(const FaultSpec& spec);
  void Disarm();
  // Calls failed by the armed fault so far.
  int64_t injected() const;
};

}  // namespace omnictx::reliability

#endif  // OMNICTX_TESTS_RELIABILITY_FAULT_VFS_H_
