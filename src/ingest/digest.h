// SPDX-License-Identifier: Apache-2.0
//
// SHA-256 for import deduplication keys and shortened names.
#ifndef OMNICTX_INGEST_DIGEST_H_
#define OMNICTX_INGEST_DIGEST_H_

#include <string>
#include <string_view>

namespace omnictx::ingest {

// Returns the SHA-256 of `data` as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view data);

}  // namespace omnictx::ingest

#endif  // OMNICTX_INGEST_DIGEST_H_
