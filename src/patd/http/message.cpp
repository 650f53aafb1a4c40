#include "patd/http/message.hpp"

namespace pat::http {

std::string_view Request::header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
        if (name == lower_name) return value;
    }
    return {};
}

bool Request::has_header(std::string_view lower_name) const {
    for (const auto& field : headers) {
        if (field.first == lower_name) return true;
    }
    return false;
}

}  // namespace pat::http
