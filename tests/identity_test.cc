// SPDX-License-Identifier: Apache-2.0
#include "identity/normalize.h"

#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "google/protobuf/map.h"
#include "omnictx/types.h"
#include "util/validate.h"

namespace omnictx::identity {
namespace {

constexpr char kPlaceholder[] = "identity: blocked placeholder value";
constexpr char kNeedsRegion[] =
    "phone: national format needs a region (Options.default_region or +CC)";
constexpr char kShortCode[] = "phone: short or emergency code";
constexpr char kExtension[] = "phone: extensions are not identities";
constexpr char kLetters[] = "phone: letters not allowed";
constexpr char kBadHost[] = "email: domain is not a valid host name";

// Returns the message of a refusal as a std::string (absl::string_view is
// not std::string_view with this Abseil).
std::string Msg(const absl::Status& status) {
  return std::string(status.message());
}

std::string PhoneMsg(std::string_view raw, std::string_view region = "",
                     std::string_view default_region = "") {
  return Msg(NormalizePhone(raw, region, default_region).status());
}

std::string EmailMsg(std::string_view raw) {
  return Msg(NormalizeEmail(raw).status());
}

Identity Make(v1::IdentityKind kind, std::string_view value,
              std::string_view platform = "") {
  Identity id;
  id.set_kind(kind);
  id.set_value(std::string(value));
  id.set_platform(std::string(platform));
  return id;
}

absl::Status IdentityStatus(v1::IdentityKind kind, std::string_view value,
                            std::string_view platform = "") {
  return Normalize(Make(kind, value, platform), "FR").status();
}

std::string IdentityMsg(v1::IdentityKind kind, std::string_view value,
                        std::string_view platform = "") {
  return Msg(IdentityStatus(kind, value, platform));
}

// Returns the E.164 form, failing the test (with the reason) if refused.
std::string Phone(std::string_view raw, std::string_view region = "",
                  std::string_view default_region = "") {
  absl::StatusOr<std::string> e164 =
      NormalizePhone(raw, region, default_region);
  INFO("status: " << e164.status().ToString());
  REQUIRE(e164.ok());
  return *e164;
}

// Returns a well-formed address of exactly `size` bytes (size >= 200).
std::string EmailOfLength(size_t size) {
  const std::string label(63, 'd');
  std::string email = "ada@" + label + "." + label + "." + label + ".";
  email += std::string(size - email.size() - 4, 'e') + ".com";
  return email;
}

// One row of the bad-input catalogue: the value, the call it goes through,
// and the exact refusal it must get.
struct BadInput {
  int row;
  std::string input;
  std::function<absl::Status(const std::string&)> call;
  std::string message;
};

std::vector<BadInput> Catalogue() {
  const auto phone = [](const std::string& s) {
    return NormalizePhone(s, "", "").status();
  };
  const auto phone_fr = [](const std::string& s) {
    return NormalizePhone(s, "", "FR").status();
  };
  const auto email = [](const std::string& s) {
    return NormalizeEmail(s).status();
  };
  const auto cookie = [](const std::string& s) {
    return IdentityStatus(v1::IDENTITY_KIND_COOKIE, s);
  };
  const auto attr_key = [](const std::string& s) {
    Attributes attrs;
    SetAttribute(&attrs, s, "gold");
    return internal::CheckAttributes("attributes", attrs);
  };
  const auto attr_value = [](const std::string& s) {
    Attributes attrs;
    SetAttribute(&attrs, "tier", s);
    return internal::CheckAttributes("attributes", attrs);
  };
  return {
      {1, "", phone, "phone: empty"},
      {1, "   ", phone_fr, "phone: empty"},
      {2, "0612345678", phone, kNeedsRegion},
      {3, "+999 1234567", phone, "phone: unknown country calling code"},
      {3, "+0 123456", phone_fr, "phone: unknown country calling code"},
      {4, "+33 6 12 34 56 7", phone,
       "phone: not a possible number (too short)"},
      {5, "+33 6 12 34 56 78 90 12 34", phone, "phone: more than 15 digits"},
      {6, "+33 6 12 34 56 78 ext. 123", phone, kExtension},
      {6, "+1 415 555 2671 x 12", phone, kExtension},
      {6, "+1 415 555 2671x12", phone, kExtension},
      {6, "06 12 34 56 78 #123", phone_fr, kExtension},
      {6, "+1 415 555 2671,12", phone, kExtension},
      {7, "1-800-FLOWERS", phone, kLetters},
      {7, "+1 800 FLOWERS", phone, kLetters},
      {8, "112", phone_fr, kShortCode},
      {8, "112", phone, kShortCode},
      {8, "3115", phone_fr, kShortCode},
      {8, "+33 112", phone, kShortCode},
      {9, "06 12 34 56 78\n", phone_fr, "phone: control character"},
      {9, "06\t12 34 56 78", phone_fr, "phone: control character"},
      {9, std::string("06 12 34 56 78\0", 15), phone_fr,
       "phone: control character"},
      {9, "+33 6 12 34 56 78" + std::string(48, ' '), phone, "phone: too long"},
      {9, std::string(65, '6'), phone, "phone: too long"},
      {10, "+33 1 00 00 00 00", phone, kPlaceholder},
      {10, "0000000000", phone, kPlaceholder},
      {10, "0000000000", phone_fr, kPlaceholder},
      {10, "-1", phone, kPlaceholder},
      {10, "null", phone, kPlaceholder},
      {10, "anonymous", phone, kPlaceholder},
      {10, "Anonymous", phone, kPlaceholder},
      {10, "abc123", phone, kPlaceholder},
      {11, "ada.example.com", email, "email: malformed"},
      {11, "ada@b@example.com", email, "email: malformed"},
      {11, "@example.com", email, "email: malformed"},
      {11, "ada@", email, "email: malformed"},
      {12, std::string(65, 'a') + "@example.com", email, "email: too long"},
      {12, EmailOfLength(255), email, "email: too long"},
      {13, "ada@localhost", email, kBadHost},
      {13, "ada@-bad-.com", email, kBadHost},
      {13, "ada@exa mple.com", email, kBadHost},
      {13, "ada@example.com.", email, kBadHost},
      {14, "a@b.com\r\nBcc: x@y.com", email, "email: control character"},
      {15, "+33 6 \xFF", phone, "phone: invalid UTF-8 at byte 6"},
      {15, "ada\xC3@example.com", email, "email: invalid UTF-8 at byte 3"},
      {15, "ck_\xED\xA0\x80", cookie, "cookie: invalid UTF-8 at byte 3"},
      {15, "gold\xC0\xAF", attr_value, "attributes: invalid UTF-8 at byte 4"},
      {21, "", attr_key, "attributes: bad key"},
      {21, std::string(65, 'k'), attr_key, "attributes: bad key"},
      {21, "tier level", attr_key, "attributes: bad key"},
      {21, "<script>", attr_key, "attributes: bad key"},
  };
}

TEST_CASE("Every catalogued bad input gets its exact refusal", "[identity]") {
  for (const BadInput& bad : Catalogue()) {
    const absl::Status status = bad.call(bad.input);
    INFO("row " << bad.row << " got: " << status.ToString());
    CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    CHECK(Msg(status) == bad.message);
    // The canary rule: a message names the field, never the value.
    const std::string input(absl::StripAsciiWhitespace(bad.input));
    if (input.size() >= 2) CHECK_FALSE(absl::StrContains(Msg(status), input));
  }
}

TEST_CASE("Identity refusals never echo the value", "[identity]") {
  // Each value carries a canary; none of the messages may contain it.
  const std::string canary = "Zq9canary";
  const std::vector<absl::Status> statuses = {
      NormalizePhone("+33 6 " + canary, "", "").status(),
      NormalizePhone("+33 6 12 34 56 78 ext " + canary, "", "").status(),
      NormalizePhone(canary + "\n", "", "").status(),
      NormalizePhone(canary + std::string(60, '1'), "", "").status(),
      NormalizePhone("06 12 34 56 78", canary, "").status(),
      NormalizePhone("06 12 34 56 78", "", canary).status(),
      NormalizeEmail(canary).status(),
      NormalizeEmail(canary + "@" + canary).status(),
      NormalizeEmail(canary + "@" + canary + ".com\r\n").status(),
      NormalizeEmail(canary + "@@example.com").status(),
      NormalizeEmail(std::string(70, 'a') + canary + "@example.com").status(),
      IdentityStatus(v1::IDENTITY_KIND_COOKIE, canary + "\n"),
      IdentityStatus(v1::IDENTITY_KIND_CRM_ID, canary + std::string(300, 'x')),
      IdentityStatus(v1::IDENTITY_KIND_SOCIAL, canary, "bad!" + canary),
      IdentityStatus(v1::IDENTITY_KIND_SOCIAL, "@@" + canary, "twitter"),
      IdentityStatus(v1::IDENTITY_KIND_DEVICE, canary, canary),
  };
  for (const absl::Status& status : statuses) {
    INFO(status.ToString());
    CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    CHECK_FALSE(absl::StrContains(absl::AsciiStrToLower(Msg(status)),
                                  "canary"));
  }
}

TEST_CASE("Phone numbers normalize to E.164", "[identity]") {
  SECTION("the documented examples") {
    CHECK(Phone("06 12 34 56 78", "FR") == "+33612345678");
    CHECK(Phone("+33 6 12 34 56 78") == "+33612345678");
    CHECK(Phone("+1 (415) 555-2671") == "+14155552671");
    CHECK(Phone("0033612345678", "FR") == "+33612345678");
    CHECK(Phone("+44 20 7946 0958") == "+442079460958");
  }
  SECTION("punctuation people write numbers with") {
    CHECK(Phone("06.12.34.56.78", "FR") == "+33612345678");
    CHECK(Phone("06-12-34-56-78", "FR") == "+33612345678");
    CHECK(Phone("  +33 (0)6 12 34 56 78  ") == "+33612345678");
    CHECK(Phone("(+33) 6 12 34 56 78") == "+33612345678");
    CHECK(Phone("415/555-2671", "US") == "+14155552671");
    // U+202F narrow and U+00A0 no-break spaces, U+2013 en dash.
    CHECK(Phone("06\xE2\x80\xAF" "12\xC2\xA0" "34\xE2\x80\x93" "56 78",
                "FR") == "+33612345678");
  }
  SECTION("international prefixes") {
    CHECK(Phone("00 33 6 12 34 56 78") == "+33612345678");  // ITU, no region
    CHECK(Phone("011 33 6 12 34 56 78", "US") == "+33612345678");
    CHECK(Phone("0011 33 6 12 34 56 78", "AU") == "+33612345678");
  }
  SECTION("the region falls back to the default, and is case-insensitive") {
    CHECK(Phone("06 12 34 56 78", "", "FR") == "+33612345678");
    CHECK(Phone("020 7946 0958", "gb", "FR") == "+442079460958");
    CHECK(Phone("+33 6 12 34 56 78", "", "US") == "+33612345678");
  }
  SECTION("leading zeros that belong to the number are kept") {
    CHECK(Phone("+39 06 1234 5678") == "+390612345678");
  }
  SECTION("non-geographic calling codes") {
    CHECK(Phone("+800 1234 5678") == "+80012345678");
  }
}

TEST_CASE("Phone numbers that parse but are not identities are refused",
          "[identity]") {
  struct Row {
    std::string input;
    std::string region;
    std::string message;
  };
  const Row rows[] = {
      // An unknown calling code behind a 00 prefix, with or without region.
      {"00999 1234567", "", "phone: unknown country calling code"},
      {"00999 1234567", "FR", "phone: unknown country calling code"},
      // A misplaced or doubled plus, symbols, nothing to dial.
      {"++33 6 12 34 56 78", "", "phone: malformed"},
      {"33+6 12 34 56 78", "", "phone: malformed"},
      {"*31*0612345678", "FR", "phone: malformed"},
      {"+", "FR", "phone: malformed"},
      {"()-", "FR", "phone: malformed"},
      {"06 12 34 56 78", "XX", "phone: unknown region"},
      {"06 12 34 56 78", "ZZ", "phone: unknown region"},
      {"06 12 34 56 78", "FRA", "phone: unknown region"},
      {"06 12 34 56 78", "001", "phone: unknown region"},
      // Too long for the country, but within 15 digits.
      {"+33 6 12 34 56 78 9", "", "phone: not a possible number (too long)"},
      {"0033612345678", "US", "phone: not a possible number (too long)"},
      {"911", "US", kShortCode},
      {"999", "GB", kShortCode},
      {"3115", "GB", kShortCode},
      // Words that merely contain "ext" or "x" are letters.
      {"1-800-TEXT-NOW", "", kLetters},
      {"1-800-XYZ-1234", "", kLetters},
      {"tel:+33612345678", "", kLetters},
  };
  for (const Row& row : rows) {
    INFO(row.input << " in " << row.region);
    CHECK(PhoneMsg(row.input, row.region) == row.message);
  }
}

TEST_CASE("Emails are trimmed and lower-cased", "[identity]") {
  CHECK(NormalizeEmail("  Ada.Lovelace@Example.COM ").value_or("") ==
        "ada.lovelace@example.com");
  CHECK(NormalizeEmail("first+tag@mail.example.co.uk").value_or("") ==
        "first+tag@mail.example.co.uk");
  CHECK(NormalizeEmail("a@b.c").value_or("") == "a@b.c");
  CHECK(NormalizeEmail("ops@xn--bcher-kva.example").value_or("") ==
        "ops@xn--bcher-kva.example");
  SECTION("limits are inclusive") {
    const std::string local64 = std::string(64, 'a') + "@example.com";
    CHECK(NormalizeEmail(local64).value_or("") == local64);
    CHECK(NormalizeEmail(EmailOfLength(254)).ok());
  }
  SECTION("more malformed addresses") {
    CHECK(EmailMsg("") == "email: empty");
    CHECK(EmailMsg("   ") == "email: empty");
    CHECK(EmailMsg("Ada <ada@example.com>") == "email: malformed");
    CHECK(EmailMsg("ada lovelace@example.com") == "email: malformed");
    CHECK(EmailMsg("ada@example.com\t") == "email: control character");
  }
  SECTION("more bad domains") {
    for (const std::string& bad :
         {std::string("ada@example"), std::string("ada@[127.0.0.1]"),
          std::string("ada@192.168.0.1"), std::string("ada@ex_ample.com"),
          std::string("ada@example..com"), std::string("ada@.example.com"),
          std::string("ada@b\xC3\xBC" "cher.example"),
          std::string("ada@host.localhost"),
          "ada@" + std::string(64, 'd') + ".com"}) {
      INFO(bad);
      CHECK(EmailMsg(bad) == kBadHost);
    }
  }
}

TEST_CASE("Other identity kinds are trimmed and checked", "[identity]") {
  using v1::IDENTITY_KIND_SOCIAL;
  SECTION("opaque values keep case and inner spaces") {
    absl::StatusOr<Identity> id =
        Normalize(Make(v1::IDENTITY_KIND_CRM_ID, "  CRM-0042 Eu  "), "");
    REQUIRE(id.ok());
    CHECK(id->value() == "CRM-0042 Eu");
    CHECK(id->kind() == v1::IDENTITY_KIND_CRM_ID);
    CHECK(id->platform().empty());
  }
  SECTION("short numeric ids are real ids") {
    const Identity none;
    CHECK(Normalize(Make(v1::IDENTITY_KIND_CRM_ID, "7"), "").value_or(none)
              .value() == "7");
    CHECK(Normalize(Make(v1::IDENTITY_KIND_ACCOUNT, "11111"), "")
              .value_or(none)
              .value() == "11111");
  }
  SECTION("handles lose one leading @ and platforms are lower-cased") {
    absl::StatusOr<Identity> id =
        Normalize(Make(IDENTITY_KIND_SOCIAL, " @AdaL ", " Twitter "), "");
    REQUIRE(id.ok());
    CHECK(id->value() == "AdaL");
    CHECK(id->platform() == "twitter");
    CHECK(IdentityMsg(IDENTITY_KIND_SOCIAL, "@@AdaL", "twitter") ==
          "social: malformed handle");
    CHECK(IdentityMsg(v1::IDENTITY_KIND_MESSAGING, "@", "telegram") ==
          "messaging: empty");
  }
  SECTION("platform rules") {
    CHECK(IdentityMsg(IDENTITY_KIND_SOCIAL, "ada") ==
          "identity.platform: empty");
    CHECK(IdentityMsg(IDENTITY_KIND_SOCIAL, "ada", "what's app") ==
          "identity.platform: bad platform (allowed: a-z 0-9 _ . -)");
    CHECK(IdentityMsg(IDENTITY_KIND_SOCIAL, "ada", std::string(33, 'p')) ==
          "identity.platform: 33 bytes > 32");
    CHECK(IdentityStatus(IDENTITY_KIND_SOCIAL, "ada", std::string(32, 'p'))
              .ok());
    for (v1::IdentityKind kind :
         {v1::IDENTITY_KIND_PHONE, v1::IDENTITY_KIND_EMAIL,
          v1::IDENTITY_KIND_COOKIE, v1::IDENTITY_KIND_USER_ID}) {
      CHECK(IdentityMsg(kind, "ada@example.com", "twitter") ==
            "identity.platform: only for social and messaging");
    }
  }
  SECTION("size, emptiness and control characters") {
    CHECK(IdentityStatus(v1::IDENTITY_KIND_COOKIE, std::string(256, 'c')).ok());
    CHECK(IdentityMsg(v1::IDENTITY_KIND_COOKIE, std::string(257, 'c')) ==
          "cookie: 257 bytes > 256");
    CHECK(IdentityMsg(v1::IDENTITY_KIND_DEVICE, "  ") == "device: empty");
    CHECK(IdentityMsg(v1::IDENTITY_KIND_USER_ID, "u1\r\nX-Admin: 1") ==
          "user_id: control character");
    CHECK(IdentityMsg(v1::IDENTITY_KIND_ACCOUNT, "acct\xC2\x85" "1") ==
          "account: control character");  // U+0085 NEL
  }
  SECTION("unknown kinds") {
    CHECK(IdentityMsg(v1::IDENTITY_KIND_UNSPECIFIED, "x") ==
          "identity.kind: unknown");
    CHECK(IdentityMsg(static_cast<v1::IdentityKind>(42), "x") ==
          "identity.kind: unknown");
  }
  SECTION("phones use the identity's region, then the default") {
    Identity in = Make(v1::IDENTITY_KIND_PHONE, "020 7946 0958");
    in.set_region("GB");
    in.set_customer_id("c-1");
    absl::StatusOr<Identity> out = Normalize(in, "FR");
    REQUIRE(out.ok());
    CHECK(out->value() == "+442079460958");
    CHECK(out->region().empty());
    CHECK(out->customer_id().empty());  // output-only fields are not carried
    in.clear_region();
    in.set_value("06 12 34 56 78");
    CHECK(Normalize(in, "FR").value_or(Identity()).value() == "+33612345678");
    CHECK(Msg(Normalize(in, "").status()) == kNeedsRegion);
  }
}

TEST_CASE("Placeholders are blocked for every kind", "[identity]") {
  const char* placeholders[] = {
      "null",          "NULL",          "undefined",       "0",
      "-1",            "unknown",       "Unknown",         "anonymous",
      "none",          "n/a",           "N/A",             "abc123",
      "ABC123",        "nil",           "NaN",             "test@test.com",
      "Test@Test.com", "0000000000",    "[object Object]", "(not set)",
      " null "};
  for (int k = v1::IDENTITY_KIND_PHONE; k <= v1::IDENTITY_KIND_USER_ID; ++k) {
    const auto kind = static_cast<v1::IdentityKind>(k);
    const bool social = kind == v1::IDENTITY_KIND_SOCIAL ||
                        kind == v1::IDENTITY_KIND_MESSAGING;
    for (const char* value : placeholders) {
      INFO("kind " << k << " value " << value);
      CHECK(IdentityMsg(kind, value, social ? "twitter" : "") == kPlaceholder);
    }
  }
  SECTION("device and account ids of zeros or one digit") {
    for (const char* id : {"00000000-0000-0000-0000-000000000000",
                           "00:00:00:00:00:00", "99999999"}) {
      CHECK(IdentityMsg(v1::IDENTITY_KIND_DEVICE, id) == kPlaceholder);
    }
  }
  SECTION("phones of one repeated digit or zeros after the area digit") {
    for (const char* phone :
         {"+33 6 66 66 66 66", "+44 20 0000 0000", "+1 111 111 1111",
          "1111111111", "+33 8 00 00 00 00"}) {
      INFO(phone);
      CHECK(PhoneMsg(phone, "", "FR") == kPlaceholder);
    }
  }
  SECTION("IsBlockedPlaceholder on normalized values") {
    using v1::IDENTITY_KIND_CRM_ID;
    using v1::IDENTITY_KIND_EMAIL;
    using v1::IDENTITY_KIND_PHONE;
    CHECK(IsBlockedPlaceholder(IDENTITY_KIND_PHONE, "+33100000000"));
    CHECK(IsBlockedPlaceholder(IDENTITY_KIND_PHONE, "+33666666666"));
    CHECK(IsBlockedPlaceholder(IDENTITY_KIND_PHONE, "+11111111111"));
    CHECK_FALSE(IsBlockedPlaceholder(IDENTITY_KIND_PHONE, "+33612345678"));
    CHECK_FALSE(IsBlockedPlaceholder(IDENTITY_KIND_PHONE, "+33600000001"));
    CHECK(IsBlockedPlaceholder(IDENTITY_KIND_EMAIL, "test@test.com"));
    CHECK_FALSE(IsBlockedPlaceholder(IDENTITY_KIND_EMAIL, "ada@example.com"));
    CHECK_FALSE(IsBlockedPlaceholder(IDENTITY_KIND_EMAIL, "111111@a.com"));
    CHECK_FALSE(IsBlockedPlaceholder(IDENTITY_KIND_CRM_ID, "7"));
    CHECK_FALSE(IsBlockedPlaceholder(IDENTITY_KIND_CRM_ID, "11111"));
    CHECK(IsBlockedPlaceholder(IDENTITY_KIND_CRM_ID, "111111"));
    CHECK_FALSE(IsBlockedPlaceholder(v1::IDENTITY_KIND_COOKIE, "nullable-4"));
  }
}

TEST_CASE("Normalizing a normalized identity changes nothing", "[identity]") {
  struct Row {
    v1::IdentityKind kind;
    std::string value;
    std::string platform;
    std::string region;
  };
  const Row rows[] = {
      {v1::IDENTITY_KIND_PHONE, "06 12 34 56 78", "", "FR"},
      {v1::IDENTITY_KIND_PHONE, "+1 (415) 555-2671", "", ""},
      {v1::IDENTITY_KIND_PHONE, "+39 06 1234 5678", "", ""},
      {v1::IDENTITY_KIND_PHONE, "0033612345678", "", "FR"},
      {v1::IDENTITY_KIND_EMAIL, " Ada@Example.COM ", "", ""},
      {v1::IDENTITY_KIND_COOKIE, "  ajs-Anon 1 ", "", ""},
      {v1::IDENTITY_KIND_DEVICE, "6D92078A-8246-4BA4-AE5B-76104861E7DC", "",
       ""},
      {v1::IDENTITY_KIND_SOCIAL, " @AdaL", "Twitter", ""},
      {v1::IDENTITY_KIND_MESSAGING, "@ada_l", "WhatsApp.Business", ""},
      {v1::IDENTITY_KIND_USER_ID, "caf\xC3\xA9-42", "", ""},
  };
  for (const Row& row : rows) {
    INFO("kind " << row.kind << " value " << row.value);
    Identity in = Make(row.kind, row.value, row.platform);
    in.set_region(row.region);
    absl::StatusOr<Identity> once = Normalize(in, "");
    REQUIRE(once.ok());
    // The normalized form needs no region: a phone is already E.164.
    absl::StatusOr<Identity> twice = Normalize(*once, "");
    REQUIRE(twice.ok());
    CHECK(twice->SerializeAsString() == once->SerializeAsString());
    CHECK_FALSE(IsBlockedPlaceholder(once->kind(), once->value()));
  }
}

TEST_CASE("Normalization gives the same answers on many threads",
          "[identity]") {
  // libphonenumber's short-number data is shared by every caller.
  std::vector<std::string> results(8);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&results, t] {
      for (int i = 0; i < 200; ++i) {
        results[t] = PhoneMsg("112", "FR") + "|" +
                     NormalizePhone("06 12 34 56 78", "", "FR").value_or("?") +
                     "|" + NormalizeEmail("Ada@Example.com").value_or("?");
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& result : results) {
    CHECK(result == std::string(kShortCode) + "|+33612345678|ada@example.com");
  }
}

}  // namespace
}  // namespace omnictx::identity
