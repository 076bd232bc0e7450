// SPDX-License-Identifier: Apache-2.0
#include "cli/cli.h"

#include <ostream>
#include <set>

#include "absl/strings/numbers.h"
#include "google/protobuf/util/json_util.h"
#include "util/strings.h"

namespace omnictx::cli {
namespace {

struct Command {
  const char* name;
  const char* summary;
  const char* usage;  // options after the common ones
  std::set<std::string> options;
  std::set<std::string> flags;  // options without a value
  int (*run)(Invocation&);
};

// Options every command takes.
const std::set<std::string> kCommon = {"db", "json", "help", "region"};
const std::set<std::string> kWho = {"customer", "phone", "email", "cookie"};
// Options that may be given more than once (where a command declares them).
const std::set<std::string> kRepeatable = {"target", "short-abandon", "pool"};

std::set<std::string> With(std::set<std::string> a, const std::set<std::string>& b) {
  a.insert(b.begin(), b.end());
  return a;
}

const std::vector<Command>& Commands() {
  static const auto* commands = new std::vector<Command>{
      {"init", "create (or migrate) a database file", "", {}, {}, CmdInit},
      {"check", "integrity check and schema version", "", {}, {}, CmdCheck},
      {"customer", "add or show a customer",
       "customer add [--id ID] [--name NAME] [--language TAG] [--phone P] [--email E] [--cookie C]\n"
       "  customer show (--customer ID | --phone P | --email E | --cookie C)",
       With({"id", "name", "language"}, kWho), {}, CmdCustomer},
      {"lookup", "what a door sees: the context of a customer",
       "lookup (--customer ID | --phone P | --email E | --cookie C) [--channel ivr]\n"
       "  [--recent 20] [--agents a,b,c] [--audience agent|ivr|public_web] [--flat]",
       With({"channel", "recent", "agents", "audience"}, kWho), {"flat"}, CmdLookup},
      {"timeline", "a customer's interactions across channels, newest first",
       "timeline (--customer ID | --phone P | --email E | --cookie C) [--case ID]\n"
       "  [--since RFC3339] [--until RFC3339] [--limit 50]",
       With({"case", "since", "until", "limit"}, kWho), {}, CmdTimeline},
      {"stalled", "customers stuck in a journey step past its threshold", "stalled [--at RFC3339]",
       {"at"}, {}, CmdStalled},
      {"journeys", "define, list and run journeys",
       "journeys define FILE (.textproto or .json)\n"
       "  journeys list\n"
       "  journeys show KEY [--version N]\n"
       "  journeys start --journey KEY (--customer ID | --phone P | --email E | --cookie C)\n"
       "  journeys advance --instance ID --step KEY\n"
       "  journeys instances (--customer ID | --phone P | --email E | --cookie C)",
       With({"version", "journey", "instance", "step"}, kWho), {}, CmdJourneys},
      {"cases", "open, assign and follow support cases",
       "cases open (--customer ID | --phone P | ...) --subject TEXT [--priority normal]\n"
       "        [--owner AGENT] [--queue QUEUE]\n"
       "  cases assign ID --owner AGENT\n"
       "  cases status ID --status open|pending|resolved|closed\n"
       "  cases show ID\n"
       "  cases list (--customer ID | --phone P | ...)",
       With({"subject", "priority", "owner", "queue", "status"}, kWho), {}, CmdCases},
      {"merge", "merge one customer into another (or --preview it)",
       "merge --survivor ID --absorbed ID --actor NAME [--preview]",
       {"survivor", "absorbed", "actor"}, {"preview"}, CmdMerge},
      {"unmerge", "undo a merge", "unmerge MERGE_ID --actor NAME", {"actor"}, {}, CmdUnmerge},
      {"merges", "the merges a customer took part in",
       "merges (--customer ID | --phone P | --email E | --cookie C)", kWho, {}, CmdMerges},
      {"erase", "erase a customer's personal data (irreversible)",
       "erase (--customer ID | --phone P | --email E | --cookie C) --actor NAME --yes",
       With({"actor"}, kWho), {"yes"}, CmdErase},
      {"import", "import Segment-spec events (JSON lines or batch envelopes)",
       "import FILE|- [--strict] [--mapping FILE] [--actor NAME]",
       {"mapping", "actor"}, {"strict"}, CmdImport},
      {"metrics", "KPIs per channel, journeys, FCR, CSAT; staffing what-ifs",
       "metrics [--since RFC3339] [--until RFC3339] [--by touchpoint|agent|journey|priority|hour]\n"
       "        [--journey KEY] [--recontact-window 7d]\n"
       "        [--target CHANNEL=LEVEL/WITHIN]... (e.g. voice=0.8/20s, email=0.9/24h)\n"
       "        [--short-abandon CHANNEL=DURATION]... (e.g. voice=5s)\n"
       "  metrics staffing --volume N --interval 30m --aht 180s [--target 0.8] --answer-within 20s\n"
       "        [--patience 60s] [--agents N] [--max-occupancy 0.85]\n"
       "  metrics staffing --channel voice [--since RFC3339] [--until RFC3339]\n"
       "        [--short-abandon voice=5s] [--target 0.8] [--answer-within 20s]\n"
       "        [--patience 60s|measured] [--aht 180s] [--agents N] [--max-occupancy 0.85]\n"
       "        (the busiest hour's volume and the AHT measured in --db; --aht if none)\n"
       "  metrics staffing --pool NAME=VOLUME/INTERVAL/AHT/LEVEL/WITHIN[/PATIENCE]...\n"
       "        --pool NAME=VOLUME/INTERVAL/AHT/async... [--max-occupancy 0.85]\n"
       "        (e.g. --pool voice=100/30m/180s/0.8/20s --pool email=40/30m/600s/async)",
       {"since", "until", "by", "journey", "recontact-window", "short-abandon", "volume",
        "interval", "aht", "target", "answer-within", "patience", "agents", "max-occupancy",
        "channel", "pool"},
       {}, CmdMetrics},
      {"report", "an HTML page: KPIs vs targets, journey funnels, staffing what-if",
       "report --out FILE [--since RFC3339] [--until RFC3339] [--journey KEY]\n"
       "        [--recontact-window 7d] [--aht 180s]\n"
       "        [--target CHANNEL=LEVEL/WITHIN]... [--short-abandon CHANNEL=DURATION]...",
       {"out", "since", "until", "journey", "recontact-window", "aht", "target", "short-abandon"},
       {}, CmdReport},
      {"serve", "HTTP collector: Segment tracking API and context look-ups",
       "serve --write-key KEY | --write-key-file FILE [--listen 127.0.0.1:8080]\n"
       "  [--threads 4] [--mapping FILE] [--actor NAME] [--allow-remote]\n"
       "  [--audiences ivr,public_web]  (GET /v1/context ?audience=; the first is the default)",
       {"listen", "write-key", "write-key-file", "threads", "mapping", "actor", "audiences"},
       {"allow-remote"}, CmdServe},
  };
  return *commands;
}

void PrintUsage(std::ostream& out) {
  out << "usage: omnictx COMMAND [--db FILE] [--json] [options]\n\n"
         "The database is --db FILE or $OMNICTX_DB. Phone numbers in national format\n"
         "use --region CC or $OMNICTX_REGION (e.g. FR). --json prints JSON for machines.\n\n"
         "commands:\n";
  for (const Command& c : Commands()) {
    out << "  " << c.name << std::string(11 - std::string(c.name).size(), ' ') << c.summary << "\n";
  }
  out << "\nexit codes: 0 ok, 1 failed, 2 usage or bad input, 3 not found,\n"
         "            4 import refused messages, 5 database corrupt\n"
         "Run 'omnictx COMMAND --help' for a command's options.\n";
}

void PrintCommandHelp(const Command& c, std::ostream& out) {
  out << "omnictx " << c.name << ": " << c.summary << "\n\nusage: omnictx "
      << (c.usage[0] != '\0' ? c.usage : c.name) << "\n\ncommon options: --db FILE (or $OMNICTX_DB), "
      << "--json, --region CC (or $OMNICTX_REGION), --help\n";
}

}  // namespace

int Fail(const Invocation& inv, const absl::Status& status) {
  *inv.err << "omnictx: " << status.message() << "\n";
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      return kExitUsage;
    case absl::StatusCode::kNotFound:
      return kExitNotFound;
    case absl::StatusCode::kDataLoss:
      return kExitDataLoss;
    default:
      return kExitFailed;
  }
}

absl::StatusOr<std::unique_ptr<Store>> OpenStore(const Invocation& inv, bool create) {
  if (inv.db.empty()) {
    return absl::InvalidArgumentError("--db: no database (give --db FILE or set OMNICTX_DB)");
  }
  Options options;
  options.create_if_missing = create;
  options.clock = inv.clock;
  options.default_region = inv.default_region;
  auto store = Store::Open(inv.db, options);
  if (absl::IsNotFound(store.status())) {
    return absl::NotFoundError(
        internal::StrCat("--db: ", inv.db, " does not exist (create it with 'omnictx init')"));
  }
  return store;
}

std::optional<Identity> IdentityFrom(const Invocation& inv) {
  if (auto v = inv.args.Get("phone")) return Phone(*v);
  if (auto v = inv.args.Get("email")) return Email(*v);
  if (auto v = inv.args.Get("cookie")) return Cookie(*v);
  return std::nullopt;
}

absl::StatusOr<std::string> CustomerFrom(const Invocation& inv, Store& store) {
  int given = 0;
  for (const char* name : {"customer", "phone", "email", "cookie"}) given += inv.args.Has(name);
  if (given != 1) {
    return absl::InvalidArgumentError(
        "customer: give exactly one of --customer, --phone, --email, --cookie");
  }
  if (auto id = inv.args.Get("customer")) return *id;
  auto owner = store.Resolve(*IdentityFrom(inv));
  if (!owner.ok()) return owner.status();
  if (!owner->has_value()) return absl::NotFoundError("customer: nobody has this identity");
  return **owner;
}

absl::Status PrintJson(const Invocation& inv, const google::protobuf::Message& m) {
  std::string json;
  auto st = google::protobuf::util::MessageToJsonString(m, &json);
  if (!st.ok()) return absl::InternalError("json: cannot print");
  *inv.out << json << "\n";
  return absl::OkStatus();
}

absl::StatusOr<int64_t> IntFlag(const Invocation& inv, const std::string& name, int64_t fallback) {
  auto v = inv.args.Get(name);
  if (!v) return fallback;
  int64_t n = 0;
  if (!absl::SimpleAtoi(*v, &n)) {
    return absl::InvalidArgumentError(internal::StrCat("--", name, ": not an integer"));
  }
  return n;
}

int Run(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err,
        const std::string& env_db, const std::string& env_region, std::shared_ptr<Clock> clock,
        bool stderr_is_terminal) {
  if (argv.empty() || argv[0] == "--help" || argv[0] == "-h" || argv[0] == "help") {
    PrintUsage(argv.empty() ? err : out);
    return argv.empty() ? kExitUsage : kExitOk;
  }
  if (argv[0] == "--version") {
    out << "omnictx " << kVersionString << " (schema " << SchemaVersion() << ")\n";
    return kExitOk;
  }
  const Command* command = nullptr;
  for (const Command& c : Commands()) {
    if (argv[0] == c.name) command = &c;
  }
  if (command == nullptr) {
    err << "omnictx: unknown command '" << argv[0] << "'\n";
    PrintUsage(err);
    return kExitUsage;
  }
  std::set<std::string> flags = command->flags;
  flags.insert({"json", "help"});
  std::set<std::string> repeatable;
  for (const std::string& name : kRepeatable) {
    if (command->options.count(name) > 0) repeatable.insert(name);
  }
  auto args = Args::Parse({argv.begin() + 1, argv.end()}, flags, repeatable);
  Invocation inv{.args = {}, .out = &out, .err = &err};
  if (!args.ok()) return Fail(inv, args.status());
  inv.args = *std::move(args);
  if (inv.args.Has("help")) {
    PrintCommandHelp(*command, out);
    return kExitOk;
  }
  absl::Status known = inv.args.OnlyKnown(With(With(command->options, command->flags), kCommon));
  if (!known.ok()) return Fail(inv, known);
  inv.json = inv.args.Has("json");
  inv.db = inv.args.Get("db").value_or(env_db);
  inv.default_region = inv.args.Get("region").value_or(env_region);
  inv.clock = std::move(clock);
  inv.stderr_is_terminal = stderr_is_terminal;
  return command->run(inv);
}

}  // namespace omnictx::cli
