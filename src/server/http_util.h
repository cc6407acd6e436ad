// Small helpers shared by the route handlers: JSON answers, errors, cookies, the clock.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "model/status.h"
#include "model/clock.h"  // NowMicros, which handlers use

namespace voronka {

// Answers `body` as JSON with `status`.
void SendJson(httplib::Response& response, int status, const nlohmann::json& body);
// Answers `status` with a body already written as JSON text.
void SendJsonText(httplib::Response& response, int status, std::string body);
// Answers {"error": message}.
void SendError(httplib::Response& response, int status, std::string_view message);
// A failed request: 503 with Retry-After when a server it needs is unreachable
// (status.unavailable()), else 400; the message is `prefix` + the status's message.
void SendFailure(httplib::Response& response, const Status& status, std::string_view prefix = {});
// The request body as a JSON object, or none (and a 400 answered).
std::optional<nlohmann::json> ParseBodyObject(const httplib::Request& request,
                                              httplib::Response& response);
// The value of cookie `name` in the request's Cookie header, or "".
std::string CookieValue(const httplib::Request& request, std::string_view name);
// The token of "Authorization: Bearer <token>", or "".
std::string BearerToken(const httplib::Request& request);

}  // namespace voronka
