// SPDX-License-Identifier: Apache-2.0
//
// `omnictx report`: one self-contained HTML page (inline CSS and SVG, no
// script, nothing fetched) with the per-channel KPIs against their targets,
// the journey funnels, first-contact resolution, channel outcomes,
// satisfaction and a staffing what-if (pooling real-time and asynchronous
// channels, Erlang A or C).
#ifndef OMNICTX_CLI_REPORT_HTML_H_
#define OMNICTX_CLI_REPORT_HTML_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "cli/measure.h"
#include "omnictx/metrics.h"

namespace omnictx::cli {

// The staffing what-if: one team per channel against one multi-skilled
// team, from what the window measured (cli/measure.h): each real-time
// channel at its busiest hour, each asynchronous channel's workload.
struct StaffingWhatIf {
  WindowPooling pooling;
  double days = 1;   // whole days in the window (MeasuredWindow::days)
  std::string note;  // why the section is empty, when it is
};

// Escapes text for HTML element content and attribute values.
std::string HtmlEscape(std::string_view text);

// Renders the page.
std::string RenderReportHtml(const MetricsReport& report, const StaffingWhatIf& staffing,
                             absl::Time generated_at);

}  // namespace omnictx::cli

#endif  // OMNICTX_CLI_REPORT_HTML_H_
