#include "patd/console/token_view.hpp"

#include "patd/console/html.hpp"

namespace pat::console {

std::string_view scope_label(patd::TokenScope scope) {
    switch (scope) {
        case patd::TokenScope::public_read:
            return "Public repo read-only";
        case patd::TokenScope::read:
            return "Read";
        case patd::TokenScope::write:
            return "Read & Write";
        case patd::TokenScope::admin:
            return "Read, Write & Delete";
    }
    return "Read";
}

std::string_view scope_from_form(std::string_view value) {
    if (value == "public-read") return "repo:public_read";
    if (value == "read") return "repo:read";
    if (value == "write") return "repo:write";
    if (value == "delete") return "repo:admin";
    return {};
}

std::string_view state_of(const patd::AccessTokenView& t, patd::Timestamp now) {
    if (t.expires_at && *t.expires_at <= now) return "Expired";
    return t.is_active ? "Active" : "Inactive";
}

std::string time_element(patd::Timestamp t, patd::Timestamp now) {
    std::string out = "<time datetime=\"";
    append_escaped(out, patd::format_rfc3339(t));
    out += "\" title=\"";
    append_escaped(out, exact_time(t));
    out += "\">";
    append_escaped(out, relative_time(t, now));
    out += "</time>";
    return out;
}

}  // namespace pat::console
