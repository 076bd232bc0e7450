// SPDX-License-Identifier: Apache-2.0
#include "util/validate.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/protobuf/map.h"
#include "omnictx/types.h"

namespace omnictx::internal {
namespace {


// Builds a string from bytes, so tests can hold NUL and invalid UTF-8.
std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

void RequireInvalid(const absl::Status& status, std::string_view message) {
  INFO("status: " << status.ToString());
  REQUIRE(status.code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(std::string(status.message()) == message);
}

// An independent, arithmetic decoder for the property test below: decode
// by the length the lead byte announces, then reject what the decoded code
// point forbids (overlong, surrogate, past U+10FFFF).
bool ReferenceValid(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<uint8_t>(s[i]);
    size_t len = b0 < 0x80         ? 1
                 : b0 >> 5 == 0x6  ? 2
                 : b0 >> 4 == 0xE  ? 3
                 : b0 >> 3 == 0x1E ? 4
                                   : 0;
    if (len == 0 || i + len > s.size()) return false;
    uint32_t cp = len == 1 ? b0 : b0 & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) {
      const auto b = static_cast<uint8_t>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

TEST_CASE("CheckUtf8 accepts well-formed UTF-8 up to U+10FFFF", "[validate]") {
  for (const std::string& ok : {
           std::string(), std::string("plain ascii"),
           std::string("caf\xC3\xA9"),
           std::string("\xE2\x82\xAC 10"),   // U+20AC euro sign
           std::string("\xF0\x9F\x98\x80"),  // U+1F600 emoji
           std::string("\xED\x9F\xBF"),      // U+D7FF, below surrogates
           std::string("\xEE\x80\x80"),      // U+E000, above them
           std::string("\xF4\x8F\xBF\xBF"),  // U+10FFFF, the last
           Bytes({0x00}),                    // NUL is valid UTF-8
       }) {
    INFO("bytes: " << ok.size());
    REQUIRE(CheckUtf8("f", ok).ok());
  }
}

TEST_CASE("CheckUtf8 reports the offset of the first bad sequence",
          "[validate]") {
  struct Row {
    std::string what;
    std::string bytes;
    size_t offset;
  };
  const Row rows[] = {
      {"lone continuation", Bytes({'a', 0x80}), 1},
      {"overlong NUL", Bytes({0xC0, 0x80}), 0},
      {"overlong two-byte", Bytes({'x', 'y', 0xC1, 0xBF}), 2},
      {"overlong three-byte", Bytes({0xE0, 0x80, 0xAF}), 0},
      {"overlong four-byte", Bytes({0xF0, 0x8F, 0xBF, 0xBF}), 0},
      {"high surrogate", Bytes({'a', 'b', 'c', 0xED, 0xA0, 0x80}), 3},
      {"low surrogate", Bytes({0xED, 0xBF, 0xBF}), 0},
      {"past U+10FFFF", Bytes({0xF4, 0x90, 0x80, 0x80}), 0},
      {"F5 lead byte", Bytes({0xF5, 0x80, 0x80, 0x80}), 0},
      {"FF byte", Bytes({'o', 'k', 0xFF}), 2},
      {"truncated at end", Bytes({'a', 0xE2, 0x82}), 1},
      {"truncated before ASCII", Bytes({0xE2, 0x82, 'A'}), 0},
      {"second sequence bad", Bytes({0xC3, 0xA9, 0xC3, 0x28}), 2},
  };
  for (const Row& row : rows) {
    SECTION(row.what) {
      RequireInvalid(CheckUtf8("customer.display_name", row.bytes),
                     "customer.display_name: invalid UTF-8 at byte " +
                         std::to_string(row.offset));
    }
  }
}

TEST_CASE("CheckUtf8 agrees with an arithmetic decoder on every lead byte",
          "[validate]") {
  // Second and later bytes are drawn from the edges of every range that
  // matters, so each boundary of Unicode's Table 3-7 is crossed.
  const int edges[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90,
                       0x9F, 0xA0, 0xBF, 0xC0, 0xF4, 0xFF};
  int checked = 0;
  for (int b0 = 0; b0 < 256; ++b0) {
    for (int b1 : edges) {
      for (int b2 : edges) {
        for (int b3 : edges) {
          for (size_t len = 1; len <= 4; ++len) {
            std::string s = Bytes({b0, b1, b2, b3}).substr(0, len);
            const bool ours = CheckUtf8("f", s).ok();
            if (ours != ReferenceValid(s)) {
              FAIL("disagree on " << b0 << " " << b1 << " " << b2 << " " << b3
                                  << " len " << len);
            }
            ++checked;
          }
        }
      }
    }
  }
  REQUIRE(checked == 256 * 12 * 12 * 12 * 4);
}

TEST_CASE("CheckNoControl refuses C0, DEL and C1 controls", "[validate]") {
  REQUIRE(CheckNoControl("f", "fine value with spaces").ok());
  REQUIRE(CheckNoControl("f", "caf\xC3\xA9").ok());  // C3 A9 is not C2 8x
  REQUIRE(CheckNoControl("f", "\xC2\xA0").ok());     // no-break space
  for (const std::string& bad :
       {Bytes({'a', 0x00, 'b'}), std::string("a\tb"), std::string("a\nb"),
        std::string("a\rb"), Bytes({'a', 0x7F}), Bytes({0x1B, '[', '2', 'J'}),
        Bytes({'a', 0xC2, 0x85, 'b'})}) {  // U+0085 NEL
    RequireInvalid(CheckNoControl("agent_id", bad),
                   "agent_id: control character");
  }
}

TEST_CASE("CheckText allows tabs and newlines but nothing else", "[validate]") {
  SECTION("multi-line text passes") {
    REQUIRE(CheckText("summary", "line one\nline two\r\n\tindented", 100).ok());
  }
  SECTION("a lone carriage return is refused") {
    RequireInvalid(CheckText("summary", "overwrite\rme", 100),
                   "summary: control character");
  }
  SECTION("NUL and escape are refused") {
    RequireInvalid(CheckText("summary", Bytes({'a', 0x00}), 100),
                   "summary: control character");
    RequireInvalid(CheckText("summary", Bytes({0x1B, 'x'}), 100),
                   "summary: control character");
  }
  SECTION("the limit is inclusive and the message names it") {
    REQUIRE(CheckText("summary", std::string(4096, 'a'), 4096).ok());
    RequireInvalid(CheckText("summary", std::string(4097, 'a'), 4096),
                   "summary: 4097 bytes > 4096");
  }
  SECTION("invalid UTF-8 is refused with its offset") {
    RequireInvalid(CheckText("summary", Bytes({'a', 'b', 0xFF}), 100),
                   "summary: invalid UTF-8 at byte 2");
  }
}

TEST_CASE("CheckName checks single-line names", "[validate]") {
  SECTION("required names must have content") {
    RequireInvalid(CheckName("customer.id", "", 128, true),
                   "customer.id: empty");
    RequireInvalid(CheckName("customer.id", "   ", 128, true),
                   "customer.id: empty");
    REQUIRE(CheckName("customer.id", "", 128, false).ok());
  }
  SECTION("newlines and tabs are refused in names") {
    RequireInvalid(CheckName("customer.display_name", "Ada\nBcc: x", 256, true),
                   "customer.display_name: control character");
    RequireInvalid(CheckName("customer.display_name", "Ada\tL", 256, true),
                   "customer.display_name: control character");
  }
  SECTION("length is counted in bytes") {
    // 64 x U+00E9 is 128 bytes: fits 128, not 127.
    std::string name;
    for (int i = 0; i < 64; ++i) name += "\xC3\xA9";
    REQUIRE(CheckName("n", name, 128, true).ok());
    RequireInvalid(CheckName("n", name, 127, true), "n: 128 bytes > 127");
  }
  SECTION("invalid UTF-8 is refused") {
    RequireInvalid(CheckName("n", Bytes({'A', 'd', 'a', 0xC3}), 256, true),
                   "n: invalid UTF-8 at byte 3");
  }
}

TEST_CASE("CheckKey allows letters, digits and _ . : -", "[validate]") {
  SECTION("good keys") {
    for (const char* key : {"web.checkout", "ivr:main_menu", "Step-2", "a",
                            "email.renewal_notice"}) {
      INFO(key);
      REQUIRE(CheckKey("touchpoint.key", key, true).ok());
    }
    REQUIRE(CheckKey("step.skill", "", false).ok());
  }
  SECTION("bad characters") {
    for (const std::string& key :
         {std::string("web checkout"), std::string("a/b"),
          std::string("<script>"), std::string("caf\xC3\xA9"),
          std::string("a\nb")}) {
      RequireInvalid(
          CheckKey("touchpoint.key", key, true),
          "touchpoint.key: bad key (allowed: letters, digits, _ . : -)");
    }
  }
  SECTION("broken UTF-8 is reported as such") {
    RequireInvalid(CheckKey("journey.key", Bytes({'a', 'b', 0xFF}), true),
                   "journey.key: invalid UTF-8 at byte 2");
  }
  SECTION("empty and too long") {
    RequireInvalid(CheckKey("journey.key", "", true), "journey.key: empty");
    REQUIRE(CheckKey("journey.key", std::string(64, 'k'), true).ok());
    RequireInvalid(CheckKey("journey.key", std::string(65, 'k'), true),
                   "journey.key: 65 bytes > 64");
  }
}

TEST_CASE("CheckAttributes enforces count, key and value limits",
          "[validate]") {
  Attributes attrs;
  SECTION("an empty list and a full one pass") {
    REQUIRE(CheckAttributes("attributes", attrs).ok());
    for (size_t i = 0; i < Limits::kMaxAttributes; ++i) {
      SetAttribute(&attrs, "k" + std::to_string(i), "v");
    }
    REQUIRE(CheckAttributes("attributes", attrs).ok());
    SetAttribute(&attrs, "one.more", "v");
    RequireInvalid(CheckAttributes("attributes", attrs),
                   "attributes: more than 64 attributes");
  }
  SECTION("bad keys") {
    for (const std::string& key :
         {std::string(), std::string(65, 'k'), std::string("has space"),
          std::string("colon:no"), std::string("caf\xC3\xA9")}) {
      Attributes one;
      SetAttribute(&one, key, "v");
      RequireInvalid(CheckAttributes("attributes", one), "attributes: bad key");
    }
    Attributes broken;
    SetAttribute(&broken, Bytes({'k', 0xFF}), "v");
    RequireInvalid(CheckAttributes("attributes", broken),
                   "attributes: invalid UTF-8 at byte 1");
    SetAttribute(&attrs, std::string(64, 'k'), "v");
    SetAttribute(&attrs, "tier.level-2_x", "gold");
    REQUIRE(CheckAttributes("attributes", attrs).ok());
  }
  SECTION("values") {
    SetAttribute(&attrs, "note", std::string(1024, 'v'));
    REQUIRE(CheckAttributes("attributes", attrs).ok());
    SetAttribute(&attrs, "note", std::string(1025, 'v'));
    RequireInvalid(CheckAttributes("attributes", attrs),
                   "attributes: value over 1024 bytes");
    SetAttribute(&attrs, "note", Bytes({'o', 'k', 0xC0, 0xAF}));
    RequireInvalid(CheckAttributes("attributes", attrs),
                   "attributes: invalid UTF-8 at byte 2");
    SetAttribute(&attrs, "note", Bytes({'a', 0x00}));
    RequireInvalid(CheckAttributes("attributes", attrs),
                   "attributes: control character");
  }
  SECTION("a key given twice is refused, wherever the second one is") {
    SetAttribute(&attrs, "tier", "gold");
    SetAttribute(&attrs, "segment", "retail");
    REQUIRE(CheckAttributes("attributes", attrs).ok());
    Attribute* again = attrs.Add();
    again->set_key("tier");
    again->set_value("silver");
    RequireInvalid(CheckAttributes("attributes", attrs), "attributes: repeated key");
  }
  SECTION("a bad key is reported before a bad value whatever the order") {
    SetAttribute(&attrs, "a", std::string(2000, 'v'));
    SetAttribute(&attrs, "z z", "v");
    RequireInvalid(CheckAttributes("attributes", attrs), "attributes: bad key");
  }
}

TEST_CASE("CheckTime accepts 1970 up to a day of clock skew", "[validate]") {
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  SECTION("inside the window") {
    REQUIRE(CheckTime("occurred_at", now, now).ok());
    REQUIRE(CheckTime("occurred_at", absl::UnixEpoch(), now).ok());
    REQUIRE(CheckTime("occurred_at", now + absl::Hours(24), now).ok());
  }
  SECTION("outside it") {
    for (absl::Time t : {now + absl::Hours(24) + absl::Microseconds(1),
                         absl::UnixEpoch() - absl::Microseconds(1),
                         absl::InfinitePast(), absl::InfiniteFuture()}) {
      RequireInvalid(CheckTime("occurred_at", t, now),
                     "occurred_at: out of range");
    }
  }
  SECTION("an infinite clock accepts nothing") {
    RequireInvalid(CheckTime("occurred_at", now, absl::InfiniteFuture()),
                   "occurred_at: out of range");
  }
}

}  // namespace
}  // namespace omnictx::internal
