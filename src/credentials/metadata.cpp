#include "credentials/metadata.hpp"

#include "common/hex.hpp"
#include "common/utf8.hpp"
#include "credentials/json_codec.hpp"

namespace pat::cred {
namespace {

// A name fit for a one-line message: printable ASCII kept, the rest \xNN,
// cut after 40 bytes.
std::string shown(std::string_view name) {
    std::string out;
    for (std::size_t i = 0; i < name.size() && i < 40; ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            out += static_cast<char>(c);
        } else {
            out += "\\x";
            append_hex(out, c);
        }
    }
    if (name.size() > 40) out += "...";
    return out;
}

Error bad(std::string message) {
    return Error{Errc::bad_input, std::move(message)};
}

}  // namespace

bool is_metadata_name(std::string_view name) {
    if (name.empty() || name.size() > k_max_metadata_name) return false;
    for (const char c : name) {
        if ((c < 'a' || c > 'z') && c != '_') return false;
    }
    return true;
}

bool is_reserved_metadata_name(std::string_view name) {
    for (const auto reserved : k_reserved_metadata_names) {
        if (name == reserved) return true;
    }
    return false;
}

Result<void> validate_metadata(const Metadata& metadata) {
    for (const auto& [name, value] : metadata) {
        if (!is_metadata_name(name)) {
            return fail(bad("invalid metadata name \"" + shown(name) +
                            "\": expected 1 to 32 of a-z and _"));
        }
        if (is_reserved_metadata_name(name)) {
            return fail(bad("invalid metadata name \"" + name +
                            "\": reserved for the keychain item itself"));
        }
        if (value.size() > k_max_metadata_value) {
            return fail(bad("metadata value of \"" + name + "\" is longer than " +
                            std::to_string(k_max_metadata_value) + " bytes"));
        }
        if (value.find('\0') != std::string::npos || !is_strict_utf8(value)) {
            return fail(bad("metadata value of \"" + name + "\" is not UTF-8 text without NUL"));
        }
    }
    return {};
}

}  // namespace pat::cred
