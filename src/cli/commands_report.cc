// SPDX-License-Identifier: Apache-2.0
//
// `omnictx report --out FILE`: the metrics of a window as one HTML page,
// with a staffing what-if: one team per channel against one multi-skilled
// team, for each real-time channel's busiest hour plus the asynchronous
// channels' workload (cli/measure.h).
#include <fstream>

#include "cli/cli.h"
#include "cli/measure.h"
#include "cli/report_html.h"
#include "util/strings.h"

namespace omnictx::cli {

int CmdReport(Invocation& inv) {
  auto path = inv.args.Get("out");
  if (!path || path->empty()) {
    return Fail(inv, absl::InvalidArgumentError("--out: required (the HTML file to write)"));
  }
  absl::Duration aht = absl::Seconds(180);
  if (auto v = inv.args.Get("aht")) {
    auto d = ParseDurationFlag("aht", *v);
    if (!d.ok()) return Fail(inv, d.status());
    if (*d <= absl::ZeroDuration()) {
      return Fail(inv, absl::InvalidArgumentError("--aht: must be positive"));
    }
    aht = *d;
  }
  auto query = MetricsQueryFrom(inv);
  if (!query.ok()) return Fail(inv, query.status());
  absl::Status targets = ApplyTargetFlags(inv, *query, /*with_target=*/true);
  if (!targets.ok()) return Fail(inv, targets);
  auto store = OpenStore(inv);
  if (!store.ok()) return Fail(inv, store.status());
  auto measured = MeasureWindow(**store, *query);
  if (!measured.ok()) return Fail(inv, measured.status());
  StaffingWhatIf what_if;
  what_if.days = measured->measured.days;
  auto pooling = PoolWindow(measured->measured, aht);
  if (!pooling.ok()) return Fail(inv, pooling.status());
  what_if.pooling = *std::move(pooling);
  if (!what_if.pooling.result) {
    what_if.note = "No contacts were offered on a real-time channel and no asynchronous work "
                   "was handled in the window.";
  }

  const absl::Time now = inv.clock ? inv.clock->Now() : absl::Now();
  const std::string html = RenderReportHtml(measured->total, what_if, now);
  std::ofstream file(*path, std::ios::binary | std::ios::trunc);
  file << html;
  file.close();
  if (!file) {
    return Fail(inv, absl::UnavailableError(internal::StrCat("--out: cannot write ", *path)));
  }
  if (inv.json) {
    *inv.out << "{\"out\":\"" << HtmlEscape(*path) << "\",\"bytes\":" << html.size() << "}\n";
  } else {
    *inv.out << "wrote " << *path << " (" << html.size() << " bytes)\n";
  }
  return kExitOk;
}

}  // namespace omnictx::cli
