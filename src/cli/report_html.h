// SPDX-License-Identifier: Apache-2.0
//
// `omnictx report`: one self-contained HTML page (inline CSS and SVG, no
// script, nothing fetched) with the per-channel KPIs against their targets,
// the journey funnels, first-contact resolution, channel outcomes,
// satisfaction and a staffing what-if.
#ifndef OMNICTX_CLI_REPORT_HTML_H_
#define OMNICTX_CLI_REPORT_HTML_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "omnictx/metrics.h"

namespace omnictx::cli {

// One line of the staffing what-if: a real-time channel's busiest hour.
struct StaffingLine {
  v1::ChannelKind channel = v1::CHANNEL_KIND_UNSPECIFIED;
  double contacts_per_hour = 0;
  absl::Duration aht = absl::ZeroDuration();
  double target_service_level = 0;
  absl::Duration answer_within = absl::ZeroDuration();
  int agents = 0;               // needed for the target
  double service_level = 0;     // with that many agents
  absl::Duration asa = absl::ZeroDuration();
  double occupancy = 0;
};

// The staffing section: each real-time channel on its own, and all of
// them as one multi-skilled team.
struct StaffingWhatIf {
  std::vector<StaffingLine> lines;
  int separate_agents = 0;
  int pooled_agents = 0;
  std::string note;  // why the section is empty, when it is
};

// Escapes text for HTML element content and attribute values.
std::string HtmlEscape(std::string_view text);

// Renders the page.
std::string RenderReportHtml(const MetricsReport& report, const StaffingWhatIf& staffing,
                             absl::Time generated_at);

}  // namespace omnictx::cli

#endif  // OMNICTX_CLI_REPORT_HTML_H_
