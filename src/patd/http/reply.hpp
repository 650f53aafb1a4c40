#pragma once
// JSON replies in the project's error shape: {"detail":…,"message":…},
// {…,"fields":{name: problem}} for 400 validation errors (Docker Hub style),
// and {…,"reason":…} for 401s.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "patd/http/message.hpp"

namespace pat::http {

// `status` with `body` serialised as JSON.
Response json_reply(int status, const nlohmann::json& body);
// 204 No Content (no body, no content type).
Response no_content();
// {"detail": detail, "message": message-or-detail}.
Response error_reply(int status, std::string_view detail, std::string_view message = {});
// 401 {"detail": detail, "message": detail, "reason": reason}: `reason` is
// the word clients act on (docs/patd-http.md "Why a 401").
Response unauthorized_reply(std::string_view detail, std::string_view reason);
// 400 with per-field problems.
Response validation_error(std::string_view detail,
                          const std::map<std::string, std::string>& fields);

// The canonical reason phrase-like detail for server-side rejections
// (400 malformed request, 408, 413, 431, 500).
std::string_view reject_detail(int status);

}  // namespace pat::http
