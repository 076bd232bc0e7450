// SPDX-License-Identifier: Apache-2.0
//
// Nothing personal in error messages: bad inputs carrying a canary in the
// personal value (phone numbers, emails, names, ids, summaries, JSON import
// lines, journey definitions ...) go through every API, and no message
// (a returned status, an import error or warning) may contain the canary.
// The library's rule is that a message names the field and the problem,
// never the value. Store-assigned numeric ids (case, journey instance,
// merge) and journey or step keys (configuration, not customer data) may be
// named, so the calls below carry no canary in them. bad_input_test.cc checks the exact text of the
// catalogued refusals; this suite casts a wider net and checks only that.
#include <algorithm>
#include <cctype>
#include <functional>
#include <string>
#include <vector>

#include "omnictx/omnictx.h"
#include "test_util.h"

namespace omnictx {
namespace {

using testing::MakeCustomer;
using testing::MakeInteraction;
using testing::ParseTextProto;
using testing::TempStore;

// The canaries: letters (compared without case, since emails are
// lower-cased) and the digits of a phone number in two spellings.
constexpr char kWord[] = "zqk7";
constexpr char kDigits[] = "98765431";
constexpr char kSpaced[] = "98 76 54 31";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool Leaks(const std::string& message) {
  const std::string m = Lower(message);
  return m.find(kWord) != std::string::npos || m.find(kDigits) != std::string::npos ||
         m.find(kSpaced) != std::string::npos;
}

// What one call said: its status and, for imports, every error and warning.
struct Said {
  absl::Status status;
  std::vector<std::string> messages;  // besides the status's
};

template <typename T>
Said Of(const absl::StatusOr<T>& s) {
  return {s.status(), {}};
}
Said Of(const absl::Status& s) { return {s, {}}; }
Said Of(const absl::StatusOr<ImportReport>& r) {
  Said said{r.status(), {}};
  if (r.ok()) {
    for (const ImportError& e : r->errors) said.messages.push_back(e.message);
    for (const ImportError& e : r->warnings) said.messages.push_back(e.message);
  }
  return said;
}

struct Fixture {
  Fixture() {
    MakeCustomer(store.store(), "cus-a", "Ada");
    MakeCustomer(store.store(), "cus-b", "Grace");
    REQUIRE_OK(store->LinkIdentity("cus-a", Phone("06 12 34 56 78")));
    REQUIRE_OK(store->LinkIdentity("cus-b", Cookie("ck-b")));
    REQUIRE_OK(store->DefineJourney(ParseTextProto<Journey>(R"pb(
      key: "loan"
      steps { key: "a" next: "b" }
      steps { key: "b" outcome: STEP_OUTCOME_SUCCESS }
    )pb")));
    ASSIGN_OR_FAIL(JourneyInstance inst, store->StartJourney("cus-a", "loan"));
    instance_id = inst.id();
    Case c;
    c.set_customer_id("cus-a");
    c.set_subject("Subject");
    ASSIGN_OR_FAIL(Case opened, store->OpenCase(c));
    case_id = opened.id();
  }
  Interaction Good() const {
    return MakeInteraction("cus-a", TestNow() - absl::Hours(1), v1::CHANNEL_KIND_WEB, "web.home",
                           "page_view");
  }
  absl::Time TestNow() const { return testing::TestEpoch(); }

  TempStore store;
  int64_t instance_id = 0;
  int64_t case_id = 0;
};

using Call = std::function<Said(Fixture&)>;

std::string W(const std::string& rest = "") { return kWord + rest; }

// Identities that are malformed, or well formed but unknown, each carrying
// a canary in its value.
std::vector<Identity> BadIdentities() {
  const std::string long_tail(300, 'x');
  std::vector<Identity> ids = {
      Phone(W()),
      Phone("+33 6 98 76 54 31 " + W()),
      Phone("+33 6 98 76 54 31 ext. 12"),
      Phone("+33 6 98 76 54 31 98 76"),
      Phone("+999 98765431"),
      Phone("+33 6 98 76 54 3"),
      Phone("06 98 76 54 31\n"),
      Phone("06 98 76 54 31\xFF"),
      Phone("06 98 76 54 31", "ZZ"),
      Phone("98765431" + long_tail),
      Email(W(".example.com")),
      Email(W("@localhost")),
      Email(W("@b.com\r\nBcc: x@y.com")),
      Email(W("@@example.com")),
      Email(W(long_tail) + "@example.com"),
      Email(W("\xC3@example.com")),
      Cookie(W("\n")),
      Cookie(W(long_tail)),
      Cookie(W("\xFF")),
      Device(W("\x01")),
      CrmId(W(long_tail)),
      Account(W("\t")),
      UserId(W("\x7F")),
      Social(W(" platform!"), W("handle")),
      Messaging("whatsapp", W("\x02")),
      Messaging(W(long_tail), "h"),
  };
  Identity odd;
  odd.set_kind(v1::IdentityKind(99));
  odd.set_value(W());
  ids.push_back(odd);
  Identity none;
  none.set_value(W());
  ids.push_back(none);
  return ids;
}

// Valid identities nobody owns: answers about them must not echo them.
std::vector<Identity> UnknownIdentities() {
  return {Phone("+33 6 98 76 54 31"), Email(W("@example.com")), Cookie(W("-cookie"))};
}

std::vector<std::pair<std::string, Call>> IdentityCalls() {
  std::vector<std::pair<std::string, Call>> calls;
  std::vector<Identity> all = BadIdentities();
  for (const Identity& id : UnknownIdentities()) all.push_back(id);
  for (size_t k = 0; k < all.size(); ++k) {
    const Identity id = all[k];
    const std::string n = std::to_string(k);
    calls.push_back({"LinkIdentity " + n,
                     [id](Fixture& fx) { return Of(fx.store->LinkIdentity("cus-b", id)); }});
    calls.push_back({"UnlinkIdentity " + n,
                     [id](Fixture& fx) { return Of(fx.store->UnlinkIdentity(id)); }});
    calls.push_back({"Resolve " + n, [id](Fixture& fx) { return Of(fx.store->Resolve(id)); }});
    calls.push_back({"Normalize " + n, [id](Fixture& fx) { return Of(fx.store->Normalize(id)); }});
    calls.push_back({"Lookup " + n, [id](Fixture& fx) {
                       return Of(fx.store->Lookup({.identity = id}));
                     }});
    calls.push_back({"Stitch known " + n, [id](Fixture& fx) {
                       return Of(fx.store->Stitch(Cookie("ck-b"), id, "test"));
                     }});
    calls.push_back({"Stitch anonymous " + n, [id](Fixture& fx) {
                       return Of(fx.store->Stitch(id, Phone("+33612345678"), "test"));
                     }});
    calls.push_back({"Record via " + n, [id](Fixture& fx) {
                       Interaction i = fx.Good();
                       *i.mutable_via() = id;
                       return Of(fx.store->Record(i));
                     }});
  }
  // An identity another customer owns, and guards that refuse a value.
  calls.push_back({"LinkIdentity owned", [](Fixture& fx) {
                     REQUIRE_OK(fx.store->LinkIdentity("cus-a", Email(W("@owned.example"))));
                     return Of(fx.store->LinkIdentity("cus-b", Email(W("@owned.example"))));
                   }});
  return calls;
}

std::vector<std::pair<std::string, Call>> ProfileCalls() {
  const std::string long_tail(300, 'x');
  auto cust = [](std::function<void(Customer&)> change) -> Call {
    return [change](Fixture& fx) {
      Customer c;
      c.set_id("cus-new");
      change(c);
      return Of(fx.store->UpsertCustomer(c));
    };
  };
  return {
      {"customer id control", cust([](Customer& c) { c.set_id(W("\x01")); })},
      {"customer id long", cust([=](Customer& c) { c.set_id(W(long_tail)); })},
      {"display name control", cust([](Customer& c) { c.set_display_name(W("\n")); })},
      {"display name long", cust([=](Customer& c) { c.set_display_name(W(long_tail)); })},
      {"display name utf8", cust([](Customer& c) { c.set_display_name(W("\xFF")); })},
      {"language", cust([=](Customer& c) { c.set_language(W(long_tail)); })},
      {"attribute value",
       cust([](Customer& c) { SetAttribute(c.mutable_attributes(), "t", W("\xFF")); })},
      {"attribute value long", cust([](Customer& c) {
         SetAttribute(c.mutable_attributes(), "t", W(std::string(1100, 'v')));
       })},
      {"attribute key",
       cust([](Customer& c) { SetAttribute(c.mutable_attributes(), W(" key"), "v"); })},
      {"attribute key repeated", cust([](Customer& c) {
         SetAttribute(c.mutable_attributes(), "t", "v");
         *c.mutable_attributes()->Add() = c.attributes(0);
         c.mutable_attributes(1)->set_value(W("again"));
       })},
      {"consent purpose", cust([](Customer& c) {
         Consent* consent = c.add_consents();
         consent->set_purpose(W(" purpose!"));
         consent->set_state(v1::CONSENT_STATE_GRANTED);
       })},
      {"GetCustomer unknown", [](Fixture& fx) { return Of(fx.store->GetCustomer(W("-ghost"))); }},
      {"GetCustomer control", [](Fixture& fx) { return Of(fx.store->GetCustomer(W("\n"))); }},
      {"SetConsent unknown", [](Fixture& fx) {
         Consent c;
         c.set_purpose("marketing");
         c.set_state(v1::CONSENT_STATE_GRANTED);
         return Of(fx.store->SetConsent(W("-ghost"), c, "test"));
       }},
      {"SetConsent purpose", [](Fixture& fx) {
         Consent c;
         c.set_purpose(W(" x!"));
         c.set_state(v1::CONSENT_STATE_GRANTED);
         return Of(fx.store->SetConsent("cus-a", c, "test"));
       }},
      {"SetConsent actor", [](Fixture& fx) {
         Consent c;
         c.set_purpose("marketing");
         c.set_state(v1::CONSENT_STATE_GRANTED);
         return Of(fx.store->SetConsent("cus-a", c, W("\n")));
       }},
  };
}

std::vector<std::pair<std::string, Call>> InteractionCalls() {
  auto rec = [](std::function<void(Interaction&)> change) -> Call {
    return [change](Fixture& fx) {
      Interaction i = fx.Good();
      change(i);
      return Of(fx.store->Record(i));
    };
  };
  auto batch = [](std::function<void(Interaction&)> change) -> Call {
    return [change](Fixture& fx) {
      std::vector<Interaction> b(4, fx.Good());
      change(b[2]);
      return Of(fx.store->RecordBatch(b));
    };
  };
  std::vector<std::pair<std::string, std::function<void(Interaction&)>>> changes = {
      {"customer unknown", [](Interaction& i) { i.set_customer_id(W("-ghost")); }},
      {"customer control", [](Interaction& i) { i.set_customer_id(W("\x01")); }},
      {"summary long", [](Interaction& i) { i.set_summary(W(std::string(4100, 's'))); }},
      {"summary utf8", [](Interaction& i) { i.set_summary(W("\xC0\xAF")); }},
      {"attribute", [](Interaction& i) { SetAttribute(i.mutable_attributes(), "n", W("\xFF")); }},
      {"attribute key",
       [](Interaction& i) { SetAttribute(i.mutable_attributes(), W("<k>"), "v"); }},
      {"external id", [](Interaction& i) { i.set_external_id(W("\n")); }},
      {"external id long", [](Interaction& i) { i.set_external_id(W(std::string(120, 'e'))); }},
      {"agent", [](Interaction& i) { i.set_agent_id(W(std::string(300, 'a'))); }},
      {"outcome", [](Interaction& i) { i.set_outcome(W("\x01")); }},
      {"touchpoint", [](Interaction& i) { i.set_touchpoint(W(" page!")); }},
      {"kind", [](Interaction& i) { i.set_kind(W(" kind!")); }},
      {"step", [](Interaction& i) { i.set_journey_step(W(" step!")); }},
      {"provider", [](Interaction& i) { i.mutable_channel()->set_provider(W("\xFF")); }},
      {"case unknown", [](Interaction& i) { i.set_case_id(4242); }},
      {"instance unknown", [](Interaction& i) { i.set_journey_instance_id(4242); }},
  };
  std::vector<std::pair<std::string, Call>> calls;
  for (const auto& [name, change] : changes) {
    calls.push_back({"Record " + name, rec(change)});
    calls.push_back({"RecordBatch " + name, batch(change)});
  }
  calls.push_back({"Record external id of another customer", [](Fixture& fx) {
                     Interaction i = fx.Good();
                     i.set_external_id(W("-ext"));
                     REQUIRE_OK(fx.store->Record(i));
                     i.set_customer_id("cus-b");
                     return Of(fx.store->Record(i));
                   }});
  calls.push_back({"Timeline unknown", [](Fixture& fx) {
                     return Of(fx.store->Timeline(W("-ghost")));
                   }});
  calls.push_back({"Timeline token", [](Fixture& fx) {
                     return Of(fx.store->Timeline("cus-a", {.page_token = W("-token")}));
                   }});
  calls.push_back({"GetInteraction", [](Fixture& fx) {
                     return Of(fx.store->GetInteraction(4242));
                   }});
  return calls;
}

std::vector<std::pair<std::string, Call>> JourneyAndCaseCalls() {
  auto open = [](std::function<void(Case&)> change) -> Call {
    return [change](Fixture& fx) {
      Case c;
      c.set_customer_id("cus-a");
      c.set_subject("Subject");
      change(c);
      return Of(fx.store->OpenCase(c));
    };
  };
  return {
      {"StartJourney unknown customer",
       [](Fixture& fx) { return Of(fx.store->StartJourney(W("-ghost"), "loan")); }},
      {"StartJourney bad key",
       [](Fixture& fx) { return Of(fx.store->StartJourney("cus-a", W(" journey!"))); }},
      {"AdvanceJourney bad step",
       [](Fixture& fx) { return Of(fx.store->AdvanceJourney(fx.instance_id, W(" step!"))); }},
      {"AdvanceJourney unknown step",
       [](Fixture& fx) { return Of(fx.store->AdvanceJourney(fx.instance_id, "no-such-step")); }},
      {"AdvanceJourney unknown instance",
       [](Fixture& fx) { return Of(fx.store->AdvanceJourney(4242, "b")); }},
      {"FindCustomers", [](Fixture& fx) {
         return Of(fx.store->FindCustomers({.journey_key = W(" key!")}));
       }},
      {"FindCustomers step", [](Fixture& fx) {
         return Of(fx.store->FindCustomers({.journey_key = "loan", .step = W(" step!")}));
       }},
      {"OpenCase subject", open([](Case& c) { c.set_subject(W("\x01")); })},
      {"OpenCase subject long", open([](Case& c) { c.set_subject(W(std::string(300, 's'))); })},
      {"OpenCase owner", open([](Case& c) { c.set_owner_agent(W("\n")); })},
      {"OpenCase queue", open([](Case& c) { c.set_queue(W("\xFF")); })},
      {"OpenCase customer", open([](Case& c) { c.set_customer_id(W("-ghost")); })},
      {"AssignCase", [](Fixture& fx) { return Of(fx.store->AssignCase(fx.case_id, W("\n"))); }},
      {"AssignCase unknown",
       [](Fixture& fx) { return Of(fx.store->AssignCase(4242, "agent")); }},
      {"ListCases", [](Fixture& fx) { return Of(fx.store->ListCases(W("-ghost"))); }},
      {"DefineJourney name", [](Fixture& fx) {
         return Of(fx.store->DefineJourney(ParseTextProto<Journey>(
             "key: \"j\" name: \"zqk7\\001\" steps { key: \"a\" outcome: STEP_OUTCOME_SUCCESS }")));
       }},
      {"DefineJourney key", [](Fixture& fx) {
         return Of(fx.store->DefineJourney(ParseTextProto<Journey>(
             "key: \"zqk7 bad!\" steps { key: \"a\" outcome: STEP_OUTCOME_SUCCESS }")));
       }},
      {"DefineJourney step key", [](Fixture& fx) {
         return Of(fx.store->DefineJourney(ParseTextProto<Journey>(
             "key: \"j\" steps { key: \"zqk7 bad!\" outcome: STEP_OUTCOME_SUCCESS }")));
       }},
      {"DefineJourney needs", [](Fixture& fx) {
         return Of(fx.store->DefineJourney(ParseTextProto<Journey>(
             "key: \"j\" steps { key: \"a\" needs: \"zqk7\\n\" outcome: STEP_OUTCOME_SUCCESS }")));
       }},
      {"JourneyFromJson value",
       [](Fixture&) { return Of(JourneyFromJson(R"({"key": "j", "steps": "zqk7"})")); }},
      {"JourneyFromJson syntax",
       [](Fixture&) { return Of(JourneyFromJson(R"({"key": "zqk7)")); }},
      {"JourneyFromText value",
       [](Fixture&) { return Of(JourneyFromText("key: zqk7 steps { key: \"a\" }")); }},
      {"JourneyFromText syntax", [](Fixture&) { return Of(JourneyFromText("key: \"zqk7")); }},
      {"JourneyFromText enum", [](Fixture&) {
         return Of(JourneyFromText("key: \"j\" steps { key: \"a\" outcome: ZQK7_OUTCOME }"));
       }},
      {"JourneyFromText integer", [](Fixture&) {
         return Of(JourneyFromText("steps { stall_after { seconds: 98765431zqk7 } }"));
       }},
      {"JourneyFromText range", [](Fixture&) {
         return Of(JourneyFromText("steps { priority: 98765431987654319876543198765431 }"));
       }},
      {"JourneyFromText escape",
       [](Fixture&) { return Of(JourneyFromText("name: \"zqk7\\q98765431\"")); }},
      {"ContextFromJson value", [](Fixture&) {
         return Of(ContextFromJson(R"({"customer": {"displayName": 98765431, "id": "zqk7"}})"));
       }},
      {"ContextFromJson enum", [](Fixture&) {
         return Of(ContextFromJson(R"({"matchedIdentity": {"kind": "zqk7"}})"));
       }},
      {"ContextFromJson syntax",
       [](Fixture&) { return Of(ContextFromJson(R"({"customer": {"id": "zqk7)")); }},
  };
}

std::vector<std::pair<std::string, Call>> ResolutionCalls() {
  auto merge = [](std::string survivor, std::string absorbed, std::string actor) -> Call {
    return [=](Fixture& fx) {
      return Of(fx.store->Merge(
          {.survivor_id = survivor, .absorbed_id = absorbed, .actor = actor, .policy = {}}));
    };
  };
  return {
      {"Merge unknown survivor", merge(W("-ghost"), "cus-b", "test")},
      {"Merge unknown absorbed", merge("cus-a", W("-ghost"), "test")},
      {"Merge control id", merge("cus-a", W("\n"), "test")},
      {"Merge actor", merge("cus-a", "cus-b", W("\n"))},
      {"Merge explicit", [](Fixture& fx) {
         MergeRequest r{.survivor_id = "cus-a", .absorbed_id = "cus-b", .actor = "test",
                        .policy = {}};
         r.policy.rules["display_name"] = FieldRule::kExplicit;
         r.policy.explicit_values["display_name"] = W("\x01");
         return Of(fx.store->Merge(r));
       }},
      {"Merge explicit missing", [](Fixture& fx) {
         MergeRequest r{.survivor_id = "cus-a", .absorbed_id = "cus-b", .actor = "test",
                        .policy = {}};
         r.policy.rules["language"] = FieldRule::kExplicit;
         r.policy.explicit_values["language"] = W(std::string(300, 'l'));
         return Of(fx.store->PreviewMerge(r));
       }},
      {"Unmerge unknown", [](Fixture& fx) { return Of(fx.store->Unmerge(4242, "test")); }},
      {"Unmerge actor", [](Fixture& fx) { return Of(fx.store->Unmerge(1, W("\n"))); }},
      {"ListMerges", [](Fixture& fx) { return Of(fx.store->ListMerges(W("-ghost"))); }},
      {"Erase unknown", [](Fixture& fx) { return Of(fx.store->Erase(W("-ghost"), "dpo")); }},
      {"Erase actor", [](Fixture& fx) { return Of(fx.store->Erase("cus-a", W("\n"))); }},
      {"Lookup unknown id", [](Fixture& fx) {
         return Of(fx.store->Lookup({.customer_id = W("\x01")}));
       }},
      {"Lookup agents", [](Fixture& fx) {
         return Of(fx.store->Lookup({.customer_id = "cus-a",
                                     .available_agents = std::vector<std::string>{W("\n")}}));
       }},
  };
}

// JSON lines whose personal values are bad, one message each, plus lines
// that are not JSON at all.
std::vector<std::string> BadImportLines() {
  return {
      R"({"type":"identify","userId":"zqk7\u0001","messageId":"m1"})",
      R"({"type":"identify","userId":"u1","traits":{"email":"zqk7-not-an-email"}})",
      R"({"type":"identify","userId":"u2","traits":{"phone":"zqk7 98765431"}})",
      R"({"type":"identify","userId":"u3","traits":{"phone":"+33 6 98 76 54 31 ext 2"}})",
      R"({"type":"identify","userId":"u4","traits":{"name":"zqk7\u0000"},"messageId":"m5"})",
      R"({"type":"track","userId":"u5","event":"Order","timestamp":"zqk7","messageId":"m6"})",
      R"({"type":"zqk7","userId":"u6","messageId":"m7"})",
      R"({"type":"track","userId":"u7","event":"Order","messageId":"zqk7\n"})",
      R"({"type":"track","anonymousId":"zqk7)" + std::string(300, 'a') + R"(","event":"E"})",
      R"({"type":"track","userId":"u8","event":"E",)"
      R"("context":{"externalIds":[{"type":"email","id":"zqk7"}]}})",
      R"({"type":"track","userId":"u9","event":"E","properties":{"summary":")" +
          W(std::string(5000, 's')) + R"("}})",
      R"({"type":"alias","userId":"zqk7-new","previousId":"zqk7\u0002"})",
      R"({"type":"identify","userId":98765431,"traits":"zqk7"})",
      R"({"type":"track","userId":"u10","event":"zqk7)",
      R"(zqk7 98765431)",
      R"({"batch":[{"type":"identify","userId":"zqk7\u0003"}],"sentAt":"zqk7"})",
      "{\"type\":\"identify\",\"userId\":\"u11\",\"traits\":{\"email\":\"zqk7@\xFF.com\"}}",
      R"({"type":"identify","userId":"u12","traits":{"email":"zqk7@localhost"}})",
      R"({"type":"page","userId":"u13","name":"zqk7","properties":{"url":"zqk7\u0001"}})",
      std::string(2 << 20, '[') + "zqk7",
  };
}

std::vector<std::pair<std::string, Call>> ImportCalls() {
  std::vector<std::pair<std::string, Call>> calls;
  const std::vector<std::string> lines = BadImportLines();
  for (size_t k = 0; k < lines.size(); ++k) {
    const std::string line = lines[k];
    const std::string n = std::to_string(k);
    calls.push_back({"Import line " + n, [line](Fixture& fx) {
                       return Of(fx.store->Import(line + "\n"));
                     }});
    calls.push_back({"Import strict line " + n, [line](Fixture& fx) {
                       return Of(fx.store->Import(line + "\n", {.strict = true}));
                     }});
    calls.push_back({"ImportBody line " + n, [line](Fixture& fx) {
                       return Of(fx.store->ImportBody(line, ""));
                     }});
  }
  calls.push_back({"ImportBody route", [](Fixture& fx) {
                     return Of(fx.store->ImportBody("{}", W()));
                   }});
  calls.push_back({"Import actor", [](Fixture& fx) {
                     return Of(fx.store->Import("{}\n", {.actor = W("\n")}));
                   }});
  calls.push_back({"Import mapping value", [](Fixture& fx) {
                     return Of(fx.store->Import(
                         "{}\n", {.mapping_json = R"({"Quote": {"channel": "zqk7"}})"}));
                   }});
  calls.push_back({"Import mapping syntax", [](Fixture& fx) {
                     return Of(fx.store->Import("{}\n", {.mapping_json = R"({"Quote": "zqk7)"}));
                   }});
  // Two known customers claimed by one message: the warning must not name
  // the identity values that clash.
  calls.push_back({"Import clash", [](Fixture& fx) {
                     REQUIRE_OK(fx.store->LinkIdentity("cus-b", Email(W("@clash.example"))));
                     return Of(fx.store->Import(
                         R"({"type":"identify","userId":"u20","traits":)"
                         R"({"email":"zqk7@clash.example","phone":"+33612345678"}})"
                         "\n"));
                   }});
  return calls;
}

void RunAll(const std::vector<std::pair<std::string, Call>>& calls, int* refusals) {
  for (const auto& [name, call] : calls) {
    Fixture fx;  // a fresh store per call: one refusal cannot mask another
    const Said said = call(fx);
    std::vector<std::string> messages = said.messages;
    if (!said.status.ok()) messages.emplace_back(said.status.message());
    *refusals += static_cast<int>(messages.size());
    for (const std::string& m : messages) {
      INFO(name << ": " << m);
      CHECK_FALSE(Leaks(m));
    }
  }
}

TEST_CASE("no error message echoes a personal value", "[error_canary]") {
  int refusals = 0;
  SECTION("identities") { RunAll(IdentityCalls(), &refusals); }
  SECTION("profiles and consents") { RunAll(ProfileCalls(), &refusals); }
  SECTION("interactions") { RunAll(InteractionCalls(), &refusals); }
  SECTION("journeys, cases and formats") { RunAll(JourneyAndCaseCalls(), &refusals); }
  SECTION("merge, erase and lookup") { RunAll(ResolutionCalls(), &refusals); }
  SECTION("import") { RunAll(ImportCalls(), &refusals); }
  // The net caught something: a suite whose calls all succeed checks nothing.
  CHECK(refusals > 10);
}

TEST_CASE("the canary check itself catches a leak", "[error_canary]") {
  CHECK(Leaks("email: zqk7@example.com is malformed"));
  CHECK(Leaks("phone: +33698765431"));
  CHECK(Leaks("phone: 06 98 76 54 31"));
  CHECK(Leaks("ZQK7"));
  CHECK_FALSE(Leaks("email: malformed"));
}

}  // namespace
}  // namespace omnictx
