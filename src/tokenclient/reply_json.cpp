#include "tokenclient/reply_json.hpp"

#include <nlohmann/json.hpp>

#include "common/secret.hpp"

namespace pat::tokenclient {

std::optional<std::string> reply_detail(std::string_view body) {
    const auto reply = nlohmann::json::parse(body, nullptr, false);
    if (!reply.is_object()) return std::nullopt;
    std::optional<std::string> text;
    for (const char* field : {"detail", "details", "message"}) {
        auto it = reply.find(field);
        if (it != reply.end() && it->is_string() && !it->get<std::string>().empty()) {
            text = it->get<std::string>();
            break;
        }
    }
    if (!text) {
        auto errors = reply.find("errors");
        if (errors != reply.end() && errors->is_array() && !errors->empty() &&
            (*errors)[0].is_object())
            if (auto m = (*errors)[0].find("message"); m != (*errors)[0].end() && m->is_string())
                text = m->get<std::string>();
    }
    if (!text) return std::nullopt;
    text->erase(std::min(text->find_first_of("\r\n"), text->size()));
    if (text->size() > 200) text->resize(200);
    return text;
}

std::optional<std::string> reply_reason(std::string_view body) {
    const auto reply = nlohmann::json::parse(body, nullptr, false);
    if (!reply.is_object()) return std::nullopt;
    const auto it = reply.find("reason");
    if (it == reply.end() || !it->is_string()) return std::nullopt;
    const auto& word = it->get_ref<const std::string&>();
    if (word.empty() || word.size() > 64 ||
        word.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
        return std::nullopt;
    return word;
}

err::Error http_status_error(const std::string& where, long status, std::string_view body) {
    const std::string code = "(HTTP " + std::to_string(status) + ")";
    const auto detail = reply_detail(body);
    if (status >= 400 && status < 500) {
        const err::Errc errc = status == 401   ? err::Errc::service_unauthorized
                               : status == 403 ? err::Errc::service_forbidden
                                               : err::Errc::service_rejected;
        return {errc, where + " refused the request " + code + (detail ? ": " + *detail : "")};
    }
    return {err::Errc::service_failure, where + " failed " + code + (detail ? ": " + *detail : "")};
}

void wipe_json(nlohmann::json& j) {
    if (j.is_string()) {
        wipe_string(j.get_ref<std::string&>());
    } else if (j.is_structured()) {
        for (auto& child : j) wipe_json(child);
    }
}

}  // namespace pat::tokenclient
