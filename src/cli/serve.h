// SPDX-License-Identifier: Apache-2.0
//
// `omnictx serve`: an HTTP collector that speaks the Segment tracking API
// (POST /v1/batch, /v1/identify, /v1/track, /v1/page, /v1/screen,
// /v1/group, /v1/alias, /v1/import) so Segment and RudderStack SDKs can
// send events straight to a database file, and answers IVR data dips
// (GET /v1/context, for the audiences --audiences allows: by default
// ivr and public_web, never the agent view unless the operator adds it).
// CmdServe (cli.h) runs it; the pieces below are the
// parts of a request's handling that do not need a socket.
//
// Answers, as the Segment API gives them:
//   200 {"success":true,...}  the body was read and at least one message was
//                             stored or was a duplicate (refused messages of
//                             a batch are listed in "errors", as a client
//                             cannot fix them by retrying); also an empty
//                             batch. Sent only after the writes committed.
//   400 {"success":false,"error":...}  malformed body (JSON, gzip, envelope)
//                             or every message refused.
//   401  missing or wrong write key.   413  body over kMaxBatchBytes.
//   403  GET /v1/context asked for an audience outside --audiences.
//   415  Content-Encoding other than gzip, deflate, br or identity.
//   500/503  the store failed (503: busy); the client should retry.
#ifndef OMNICTX_CLI_SERVE_H_
#define OMNICTX_CLI_SERVE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "omnictx/audience.h"
#include "omnictx/ingest.h"

namespace omnictx::cli {

// An address to listen on.
struct ListenAddress {
  std::string host = {};  // without brackets for IPv6
  int port = 0;           // 0: the system picks a free port
};

// Parses "HOST:PORT" or "[IPV6]:PORT".
// Returns InvalidArgument naming --listen if malformed.
absl::StatusOr<ListenAddress> ParseListen(std::string_view text);

// Returns true for 127.0.0.0/8, ::1, ::ffff:127.x.y.z and "localhost".
bool IsLoopback(std::string_view host);

// Returns the write key of an "Authorization: Basic base64(key:password)"
// header (Segment sends the key as user and an empty password; the
// password is ignored), or nullopt if the header is not Basic auth.
std::optional<std::string> WriteKeyFromBasicAuth(std::string_view header);

// Returns the top-level "writeKey" string of a JSON body, or nullopt if
// there is none or the body is not JSON. Reads without building a tree and
// stops past kMaxJsonDepth, so any body is safe to give it.
std::optional<std::string> WriteKeyFromBody(std::string_view body);

// Parses serve's --audiences: comma-separated audience names, the first
// being what GET /v1/context answers when the request names none.
// Returns InvalidArgument naming --audiences if a name is unknown or the
// list is empty.
absl::StatusOr<std::vector<Audience>> ParseAudiences(std::string_view list);

// An HTTP status and its JSON body.
struct HttpReply {
  int status = 200;
  std::string body = {};
};

// Returns a reply whose body is {"success":false,"error":"<message>"}.
HttpReply ErrorReply(int status, std::string_view message);

// Returns the reply for the result of Store::ImportBody (see above).
HttpReply ImportReply(const absl::StatusOr<ImportReport>& report);

}  // namespace omnictx::cli

#endif  // OMNICTX_CLI_SERVE_H_
