// SPDX-License-Identifier: Apache-2.0
//
// serve: the HTTP collector (see serve.h for what it answers).
#include "cli/serve.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "cli/cli.h"
#include "nlohmann/json.hpp"
#include "util/strings.h"

namespace omnictx::cli {
namespace {

using Json = nlohmann::ordered_json;  // replies keep "success" first
using internal::StrCat;

constexpr std::string_view kDefaultListen = "127.0.0.1:8080";
constexpr int kMaxThreads = 64;
// GET /v1/context answers the IVR by default, never the full agent view.
constexpr std::string_view kDefaultAudiences = "ivr,public_web";

// Finds the top-level "writeKey" without building a tree. Returning false
// from a callback stops the parser.
class WriteKeyFinder : public nlohmann::json_sax<Json> {
 public:
  std::optional<std::string> found;

  bool null() override { return Scalar(); }
  bool boolean(bool) override { return Scalar(); }
  bool number_integer(number_integer_t) override { return Scalar(); }
  bool number_unsigned(number_unsigned_t) override { return Scalar(); }
  bool number_float(number_float_t, const string_t&) override { return Scalar(); }
  bool binary(binary_t&) override { return Scalar(); }
  bool string(string_t& value) override {
    if (depth_ == 1 && last_key_is_write_key_) found = value;
    return Scalar();
  }
  bool start_object(std::size_t) override { return Open(); }
  bool start_array(std::size_t) override { return Open(); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }
  bool key(string_t& name) override {
    last_key_is_write_key_ = depth_ == 1 && name == "writeKey";
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    found.reset();
    return false;
  }

 private:
  bool Scalar() {
    last_key_is_write_key_ = false;
    return true;
  }
  bool Open() {
    last_key_is_write_key_ = false;
    return ++depth_ <= kMaxJsonDepth;
  }
  bool Close() {
    --depth_;
    return true;
  }
  int depth_ = 0;
  bool last_key_is_write_key_ = false;
};

// Compares in time that does not depend on where the keys differ.
bool SameKey(std::string_view given, std::string_view expected) {
  if (given.size() != expected.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < given.size(); ++i) diff |= given[i] ^ expected[i];
  return diff == 0;
}

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

void Send(httplib::Response& res, const HttpReply& reply) {
  res.status = reply.status;
  res.set_content(reply.body, "application/json");
}

int StatusFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      return 400;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

absl::StatusOr<std::string> ReadFile(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat("--", flag, ": cannot read ", path));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The routes and what they share: the store, the key, the import options.
class Collector {
 public:
  Collector(Store& store, std::string write_key, ImportOptions options,
            std::vector<Audience> audiences, std::ostream& log)
      : store_(store),
        write_key_(std::move(write_key)),
        options_(std::move(options)),
        audiences_(std::move(audiences)),
        log_(log) {}

  void Register(httplib::Server& server) {
    for (const char* type :
         {"batch", "import", "identify", "track", "page", "screen", "group", "alias"}) {
      server.Post(StrCat("/v1/", type),
                  [this, type](const httplib::Request& req, httplib::Response& res,
                               const httplib::ContentReader& reader) {
                    Import(req, res, reader, type);
                  });
    }
    server.Get("/v1/context", [this](const httplib::Request& req, httplib::Response& res) {
      LookupContext(req, res);
    });
    // Give every error httplib answers by itself (404, 400 ...) a JSON body.
    server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (!res.body.empty()) return;
      Send(res, ErrorReply(res.status, res.status == 404 ? "no such route" : "request refused"));
    });
  }

 private:
  // Checks the Basic auth header; without one, `body` (if read) may carry
  // the key as Segment allows.
  bool Authorized(const httplib::Request& req, const std::string* body) const {
    if (req.has_header("Authorization")) {
      auto key = WriteKeyFromBasicAuth(req.get_header_value("Authorization"));
      return key && SameKey(*key, write_key_);
    }
    if (body == nullptr) return false;
    auto key = WriteKeyFromBody(*body);
    return key && SameKey(*key, write_key_);
  }

  static void Unauthorized(httplib::Response& res) {
    res.set_header("WWW-Authenticate", "Basic realm=\"omnictx\"");
    Send(res, ErrorReply(401, "unauthorized: missing or wrong write key"));
  }

  void Import(const httplib::Request& req, httplib::Response& res,
              const httplib::ContentReader& reader, std::string_view type) {
    const std::string encoding = req.get_header_value("Content-Encoding");
    if (!encoding.empty() && encoding != "gzip" && encoding != "deflate" && encoding != "br" &&
        encoding != "identity") {
      res.set_header("Connection", "close");
      return Send(res, ErrorReply(415, "Content-Encoding: unsupported (use gzip)"));
    }
    if (req.has_header("Authorization") && !Authorized(req, nullptr)) {
      res.set_header("Connection", "close");  // the body stays unread
      return Unauthorized(res);
    }
    const std::string too_large_message =
        StrCat("body: more than ", kMaxBatchBytes, " bytes", encoding.empty() ? "" : " (inflated)");
    uint64_t declared = 0;
    if (absl::SimpleAtoi(req.get_header_value("Content-Length"), &declared) &&
        declared > kMaxBatchBytes) {
      res.set_header("Connection", "close");  // refused without reading it
      return Send(res, ErrorReply(413, too_large_message));
    }
    // httplib inflates before this receiver sees the bytes, so the cap
    // bounds the decompressed size: a gzip bomb stops at kMaxBatchBytes.
    std::string body;
    bool too_large = false;
    const bool read = reader([&](const char* data, size_t n) {
      if (body.size() + n > kMaxBatchBytes) {
        too_large = true;
        return false;
      }
      body.append(data, n);
      return true;
    });
    if (!read) {
      res.set_header("Connection", "close");
      if (too_large || res.status == 413) return Send(res, ErrorReply(413, too_large_message));
      return Send(res, ErrorReply(400, StrCat("body: cannot be read (truncated",
                                              encoding.empty() ? "" : ", or not valid ", encoding,
                                              ")")));
    }
    if (!Authorized(req, &body)) return Unauthorized(res);
    HttpReply reply = ImportReply(store_.ImportBody(body, type, options_));
    if (reply.status >= 500) Log(StrCat("POST /v1/", type, ": ", reply.body));
    Send(res, reply);
  }

  void LookupContext(const httplib::Request& req, httplib::Response& res) {
    if (!Authorized(req, nullptr)) return Unauthorized(res);
    LookupRequest request;
    int given = 0;
    for (const char* name : {"phone", "email", "customer_id"}) given += req.has_param(name);
    if (given != 1) {
      return Send(res, ErrorReply(400, "query: give exactly one of phone, email, customer_id"));
    }
    if (req.has_param("phone")) {
      request.identity = Phone(req.get_param_value("phone"));
    } else if (req.has_param("email")) {
      request.identity = Email(req.get_param_value("email"));
    } else {
      request.customer_id = req.get_param_value("customer_id");
    }
    if (req.has_param("channel")) {
      v1::ChannelKind kind;
      if (!ParseChannelName(req.get_param_value("channel"), &kind)) {
        return Send(res, ErrorReply(400, "channel: unknown channel"));
      }
      request.channel = FromProto(kind);
    }
    // The write key also sits in public web pages (Segment's analytics.js),
    // so a caller gets only the audiences the operator allowed.
    request.audience = audiences_.front();
    if (req.has_param("audience")) {
      Audience asked;
      if (!ParseAudienceName(req.get_param_value("audience"), &asked)) {
        return Send(res, ErrorReply(400, "audience: unknown (allowed: agent, ivr, public_web)"));
      }
      if (std::find(audiences_.begin(), audiences_.end(), asked) == audiences_.end()) {
        return Send(res, ErrorReply(403, "audience: not allowed by this server (see --audiences)"));
      }
      request.audience = asked;
    }
    const std::string format = req.has_param("format") ? req.get_param_value("format") : "json";
    if (format != "json" && format != "flat") {
      return Send(res, ErrorReply(400, "format: unknown (allowed: json, flat)"));
    }
    absl::StatusOr<omnictx::Context> ctx = store_.Lookup(request);
    if (!ctx.ok()) {
      HttpReply reply = ErrorReply(StatusFor(ctx.status()), std::string(ctx.status().message()));
      if (reply.status >= 500) Log(StrCat("GET /v1/context: ", reply.body));
      return Send(res, reply);
    }
    if (format == "flat") {
      Json flat = Json::object();
      for (const auto& [key, value] : ToFlatMap(*ctx)) flat[key] = value;
      return Send(res, {200, Dump(flat)});
    }
    absl::StatusOr<std::string> json = ToJson(*ctx);
    if (!json.ok()) return Send(res, ErrorReply(500, std::string(json.status().message())));
    Send(res, {200, *std::move(json)});
  }

  void Log(const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mutex_);
    log_ << "omnictx: " << line << std::endl;
  }

  Store& store_;
  const std::string write_key_;
  const ImportOptions options_;
  const std::vector<Audience> audiences_;  // never empty; the first is the default
  std::mutex log_mutex_;
  std::ostream& log_;
};

}  // namespace

absl::StatusOr<ListenAddress> ParseListen(std::string_view text) {
  const absl::Status bad =
      absl::InvalidArgumentError("--listen: give HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080");
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad;
  std::string_view host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return bad;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad;  // an IPv6 address needs brackets
  }
  int port = -1;
  if (!absl::SimpleAtoi(internal::Absl(text.substr(colon + 1)), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError("--listen: the port is not a number from 0 to 65535");
  }
  return ListenAddress{.host = std::string(host), .port = port};
}

bool IsLoopback(std::string_view host) {
  if (host == "localhost") return true;
  const std::string h(host);
  in_addr v4;
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6;
  if (inet_pton(AF_INET6, h.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

std::optional<std::string> WriteKeyFromBasicAuth(std::string_view header) {
  constexpr std::string_view kBasic = "basic ";  // the scheme ignores case
  if (!absl::StartsWithIgnoreCase(internal::Absl(header), internal::Absl(kBasic))) {
    return std::nullopt;
  }
  std::string decoded;
  if (!absl::Base64Unescape(internal::Absl(header.substr(kBasic.size())), &decoded)) {
    return std::nullopt;
  }
  return decoded.substr(0, decoded.find(':'));
}

std::optional<std::string> WriteKeyFromBody(std::string_view body) {
  WriteKeyFinder finder;
  try {
    Json::sax_parse(body.begin(), body.end(), &finder);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return finder.found;
}

absl::StatusOr<std::vector<Audience>> ParseAudiences(std::string_view list) {
  std::vector<Audience> out;
  for (absl::string_view name : absl::StrSplit(internal::Absl(list), ',', absl::SkipEmpty())) {
    Audience a;
    if (!ParseAudienceName(std::string_view(name.data(), name.size()), &a)) {
      return absl::InvalidArgumentError(
          "--audiences: unknown audience (allowed: agent, ivr, public_web)");
    }
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
  if (out.empty()) return absl::InvalidArgumentError("--audiences: empty");
  return out;
}

HttpReply ErrorReply(int status, std::string_view message) {
  return {status, Dump({{"success", false}, {"error", message}})};
}

HttpReply ImportReply(const absl::StatusOr<ImportReport>& report) {
  if (!report.ok()) {
    return ErrorReply(StatusFor(report.status()), std::string(report.status().message()));
  }
  const ImportReport& r = *report;
  Json errors = Json::array();
  for (const ImportError& e : r.errors) {
    Json one = {{"message", e.message}};
    if (e.index >= 0) one["index"] = e.index;
    errors.push_back(std::move(one));
  }
  const bool accepted = r.refused == 0 || r.imported + r.duplicates > 0;
  Json body = {{"success", accepted}};
  if (!accepted) body["error"] = r.errors.empty() ? "every message refused" : r.errors[0].message;
  body["messages"] = r.messages;
  body["imported"] = r.imported;
  body["duplicates"] = r.duplicates;
  body["refused"] = r.refused;
  body["errors"] = std::move(errors);
  return {accepted ? 200 : 400, Dump(body)};
}

int CmdServe(Invocation& inv) {
  if (!inv.args.positional().empty()) {
    return Fail(inv, absl::InvalidArgumentError("serve: takes no positional arguments"));
  }
  auto listen = ParseListen(inv.args.Get("listen").value_or(std::string(kDefaultListen)));
  if (!listen.ok()) return Fail(inv, listen.status());
  if (!IsLoopback(listen->host) && !inv.args.Has("allow-remote")) {
    return Fail(inv, absl::InvalidArgumentError(StrCat(
                         "--listen: ", listen->host,
                         " is not a loopback address; add --allow-remote to accept remote "
                         "clients (put TLS in front: write keys travel in clear)")));
  }
  std::string key;
  if (inv.args.Has("write-key") == inv.args.Has("write-key-file")) {
    return Fail(inv,
                absl::InvalidArgumentError("serve: give one of --write-key, --write-key-file"));
  }
  if (auto file = inv.args.Get("write-key-file")) {
    auto text = ReadFile("write-key-file", *file);
    if (!text.ok()) return Fail(inv, text.status());
    key = text->substr(0, text->find_first_of("\r\n"));
  } else {
    key = *inv.args.Get("write-key");
  }
  if (key.empty() || key.find(':') != std::string::npos) {
    return Fail(inv, absl::InvalidArgumentError("--write-key: empty or contains ':'"));
  }
  auto threads = IntFlag(inv, "threads", 4);
  if (!threads.ok()) return Fail(inv, threads.status());
  if (*threads < 1 || *threads > kMaxThreads) {
    return Fail(inv, absl::InvalidArgumentError(StrCat("--threads: from 1 to ", kMaxThreads)));
  }
  ImportOptions options;
  options.actor = inv.args.Get("actor").value_or("serve");
  if (auto mapping = inv.args.Get("mapping")) {
    auto text = ReadFile("mapping", *mapping);
    if (!text.ok()) return Fail(inv, text.status());
    options.mapping_json = *std::move(text);
  }
  auto audiences =
      ParseAudiences(inv.args.Get("audiences").value_or(std::string(kDefaultAudiences)));
  if (!audiences.ok()) return Fail(inv, audiences.status());
  // Block SIGINT/SIGTERM before any thread starts, so every thread inherits
  // the mask and only the watcher below receives them (with sigwait). A
  // signal that comes while the store opens stops the server once it runs.
  sigset_t signals, old_mask;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, &old_mask);
  auto store = OpenStore(inv);
  if (!store.ok()) {
    pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    return Fail(inv, store.status());
  }

  Collector collector(**store, key, options, *std::move(audiences), *inv.err);
  httplib::Server server;
  const int pool_size = static_cast<int>(*threads);
  server.new_task_queue = [pool_size] { return new httplib::ThreadPool(pool_size); };
  server.set_payload_max_length(kMaxBatchBytes);  // compressed size, from Content-Length
  server.set_keep_alive_timeout(2);               // idle connections delay shutdown this long
  collector.Register(server);

  int exit_code = kExitOk;
  const int port = listen->port == 0 ? server.bind_to_any_port(listen->host)
                                     : (server.bind_to_port(listen->host, listen->port)
                                            ? listen->port
                                            : -1);
  if (port < 0) {
    exit_code = Fail(inv, absl::UnavailableError(StrCat("--listen: cannot listen on ",
                                                        listen->host, ":", listen->port)));
  } else {
    const bool v6 = listen->host.find(':') != std::string::npos;
    *inv.err << "listening on " << (v6 ? "[" : "") << listen->host << (v6 ? "]" : "") << ":"
             << port << std::endl;
    absl::Notification done;
    std::thread watcher([&] {
      int sig = 0;
      sigwait(&signals, &sig);
      // stop() is a no-op until listen_after_bind has started: wait for it.
      while (!server.is_running() && !done.WaitForNotificationWithTimeout(absl::Milliseconds(5))) {
      }
      server.stop();
    });
    // Returns once stopped, after the workers finished their requests.
    const bool clean = server.listen_after_bind();
    done.Notify();
    pthread_kill(watcher.native_handle(), SIGTERM);  // wakes it if no signal came
    watcher.join();
    if (!clean) exit_code = Fail(inv, absl::InternalError("serve: the listening socket failed"));
  }
  store->reset();  // closes the database before the signals are unblocked
  if (exit_code == kExitOk) *inv.err << "stopped" << std::endl;
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  return exit_code;
}

}  // namespace omnictx::cli
