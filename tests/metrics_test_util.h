// SPDX-License-Identifier: Apache-2.0
//
// Helpers shared by the metrics tests: reading a report's rows and
// durations, and building a query window.
#ifndef OMNICTX_TESTS_METRICS_TEST_UTIL_H_
#define OMNICTX_TESTS_METRICS_TEST_UTIL_H_

#include <string>

#include "test_util.h"

namespace omnictx::testing {

// A duration field in seconds, to compare with Approx.
inline double Seconds(const google::protobuf::Duration& d) {
  return absl::ToDoubleSeconds(FromProtoDuration(d));
}

// The query of the window [start, start + length).
inline MetricsQuery Window(absl::Time start, absl::Duration length) {
  MetricsQuery q;
  q.start = start;
  q.end = start + length;
  return q;
}

// A queued inbound contact at `touchpoint`: waited `wait`, then answered
// (and handled for `handle` by `agent`) or abandoned.
inline Interaction QueuedContact(const std::string& customer, absl::Time at,
                                 v1::ChannelKind channel, const std::string& touchpoint,
                                 const std::string& kind, absl::Duration wait, bool answered,
                                 absl::Duration handle, const std::string& agent) {
  Interaction i = MakeInteraction(customer, at, channel, touchpoint, kind);
  *i.mutable_wait_time() = ToProtoDuration(wait);
  i.set_answered(answered);
  i.set_abandoned(!answered);
  if (handle > absl::ZeroDuration()) *i.mutable_handle_time() = ToProtoDuration(handle);
  i.set_agent_id(agent);
  return i;
}

// The row of `channel` and `group` ("" for the channel's total); fails the
// test when there is none.
inline const v1::ChannelKpi& KpiRow(const MetricsReport& r, v1::ChannelKind channel,
                                    const std::string& group = "") {
  for (const v1::ChannelKpi& row : r.channels()) {
    if (row.channel() == channel && row.group() == group) return row;
  }
  FAIL("no row for " << ChannelName(channel) << " group '" << group << "'");
  return r.channels(0);
}

}  // namespace omnictx::testing

#endif  // OMNICTX_TESTS_METRICS_TEST_UTIL_H_
