// SPDX-License-Identifier: Apache-2.0
//
// The umbrella header: include this to use omnictx.
#ifndef OMNICTX_OMNICTX_H_
#define OMNICTX_OMNICTX_H_

#include "omnictx/audience.h"   // IWYU pragma: export
#include "omnictx/clock.h"      // IWYU pragma: export
#include "omnictx/context_format.h"  // IWYU pragma: export
#include "omnictx/ingest.h"      // IWYU pragma: export
#include "omnictx/journey_format.h"  // IWYU pragma: export
#include "omnictx/metrics.h"    // IWYU pragma: export
#include "omnictx/staffing.h"   // IWYU pragma: export
#include "omnictx/options.h"    // IWYU pragma: export
#include "omnictx/store.h"      // IWYU pragma: export
#include "omnictx/types.h"      // IWYU pragma: export
#include "omnictx/version.h"    // IWYU pragma: export

#endif  // OMNICTX_OMNICTX_H_
