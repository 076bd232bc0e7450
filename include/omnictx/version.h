// SPDX-License-Identifier: Apache-2.0
//
// The library version and the newest database schema it reads and writes.
#ifndef OMNICTX_VERSION_H_
#define OMNICTX_VERSION_H_

namespace omnictx {

inline constexpr int kVersionMajor = 0;
inline constexpr int kVersionMinor = 1;
inline constexpr int kVersionPatch = 0;
inline constexpr const char* kVersionString = "0.1.0";

// Returns the schema version this build writes. A database file with a
// higher version was written by a newer omnictx and is refused by Open.
int SchemaVersion();

}  // namespace omnictx

#endif  // OMNICTX_VERSION_H_
