// SPDX-License-Identifier: Apache-2.0
//
// merge, unmerge, merges, erase.
#include <ostream>

#include "absl/strings/numbers.h"
#include "cli/cli.h"
#include "util/strings.h"

namespace omnictx::cli {
namespace {

void PrintMerge(std::ostream& out, const MergeRecord& m) {
  out << (m.dry_run() ? "would merge " : internal::StrCat("merge ", m.id(), ": "))
      << m.absorbed_id() << " into " << m.survivor_id() << " (" << m.identities_moved_size()
      << " identities, " << m.interactions_moved_size() << " interactions, "
      << m.journey_instances_moved_size() << " journey instances, " << m.cases_moved_size()
      << " cases) by " << m.actor();
  if (m.has_unmerged_at()) out << ", undone by " << m.unmerged_by();
  out << "\n";
  for (const FieldChoice& f : m.fields()) {
    out << "  " << f.field() << ": " << f.taken_from() << " (" << f.rule() << ")\n";
  }
}

int PrintMergeOr(const Invocation& inv, const MergeRecord& m) {
  if (inv.json) {
    absl::Status st = PrintJson(inv, m);
    return st.ok() ? kExitOk : Fail(inv, st);
  }
  PrintMerge(*inv.out, m);
  return kExitOk;
}

}  // namespace

int CmdMerge(Invocation& inv) {
  auto store = OpenStore(inv);
  if (!store.ok()) return Fail(inv, store.status());
  MergeRequest request;
  request.survivor_id = inv.args.Get("survivor").value_or("");
  request.absorbed_id = inv.args.Get("absorbed").value_or("");
  request.actor = inv.args.Get("actor").value_or("");
  auto record = inv.args.Has("preview") ? (*store)->PreviewMerge(request)
                                        : (*store)->Merge(request);
  if (!record.ok()) return Fail(inv, record.status());
  return PrintMergeOr(inv, *record);
}

int CmdUnmerge(Invocation& inv) {
  const auto& words = inv.args.positional();
  int64_t id = 0;
  if (words.size() != 1 || !absl::SimpleAtoi(words[0], &id)) {
    return Fail(inv, absl::InvalidArgumentError("unmerge: give the merge id as a number"));
  }
  auto store = OpenStore(inv);
  if (!store.ok()) return Fail(inv, store.status());
  auto record = (*store)->Unmerge(id, inv.args.Get("actor").value_or(""));
  if (!record.ok()) return Fail(inv, record.status());
  return PrintMergeOr(inv, *record);
}

int CmdMerges(Invocation& inv) {
  auto store = OpenStore(inv);
  if (!store.ok()) return Fail(inv, store.status());
  auto who = CustomerFrom(inv, **store);
  if (!who.ok()) return Fail(inv, who.status());
  auto merges = (*store)->ListMerges(*who);
  if (!merges.ok()) return Fail(inv, merges.status());
  for (const MergeRecord& m : *merges) {
    int rc = PrintMergeOr(inv, m);
    if (rc != kExitOk) return rc;
  }
  return kExitOk;
}

int CmdErase(Invocation& inv) {
  if (!inv.args.Has("yes")) {
    return Fail(inv, absl::InvalidArgumentError(
                         "erase: irreversible; add --yes to erase the customer's personal data"));
  }
  auto store = OpenStore(inv);
  if (!store.ok()) return Fail(inv, store.status());
  auto who = CustomerFrom(inv, **store);
  if (!who.ok()) return Fail(inv, who.status());
  auto receipt = (*store)->Erase(*who, inv.args.Get("actor").value_or(""));
  if (!receipt.ok()) return Fail(inv, receipt.status());
  if (inv.json) {
    absl::Status st = PrintJson(inv, *receipt);
    return st.ok() ? kExitOk : Fail(inv, st);
  }
  *inv.out << "erased: " << receipt->identities_removed() << " identities removed, "
           << receipt->interactions_scrubbed() << " interactions and "
           << receipt->cases_scrubbed() << " cases scrubbed, audit #" << receipt->audit_id()
           << (receipt->checkpointed() ? "" : " (WAL not yet checkpointed: readers were active)")
           << "\n";
  return kExitOk;
}

}  // namespace omnictx::cli
