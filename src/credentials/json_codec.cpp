#include "credentials/json_codec.hpp"

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/hex.hpp"
#include "common/utf8.hpp"

namespace pat::cred {
namespace {

enum class Field { none, server_url, username, secret };

constexpr std::array<std::pair<std::string_view, Field>, 3> k_fields{{
    {"ServerURL", Field::server_url},
    {"Username", Field::username},
    {"Secret", Field::secret},
}};

// Go's case folding for field names: ASCII case plus the two non-ASCII runes
// that fold to ASCII letters, U+017F (ſ -> s) and U+212A (Kelvin -> k).
std::string fold(std::string_view key) {
    std::string out;
    out.reserve(key.size());
    for (std::size_t i = 0; i < key.size(); ++i) {
        if (key.substr(i, 2) == "\xC5\xBF") {
            out.push_back('s');
            i += 1;
        } else if (key.substr(i, 3) == "\xE2\x84\xAA") {
            out.push_back('k');
            i += 2;
        } else {
            char c = key[i];
            out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
        }
    }
    return out;
}

// encoding/json: an exact match wins, otherwise a case-insensitive one.
Field field_for(std::string_view key) {
    for (const auto& [name, field] : k_fields) {
        if (key == name) return field;
    }
    const std::string folded = fold(key);
    for (const auto& [name, field] : k_fields) {
        if (folded == fold(name)) return field;
    }
    return Field::none;
}

std::string_view field_name(Field field) {
    for (const auto& [name, f] : k_fields) {
        if (f == field) return name;
    }
    return "";
}

// Drops nlohmann's "[json.exception…] parse error at line L, column C: "
// prefix and the "; last read: '…'" suffix, which may quote payload bytes
// (a piece of a secret must never reach stdout).
std::string describe_syntax_error(const std::string& what) {
    std::string text = what;
    if (auto cut = text.find("; last read:"); cut != std::string::npos) text.resize(cut);
    if (auto colon = text.find(": ");
        text.rfind("[json.exception", 0) == 0 && colon != std::string::npos) {
        text.erase(0, colon + 2);
    }
    return text;
}

// SAX handler mirroring Go's decoding into `struct Credentials`: later
// duplicates overwrite earlier ones, null is a no-op, the first type error
// is remembered and reported after a syntactically valid value.
class CredentialsSax {
  public:
    std::string server_url;
    std::string username;
    std::string secret;
    std::optional<std::string> type_error;
    std::optional<std::string> syntax_error;

    bool null() { return scalar(nullptr); }
    bool boolean(bool) { return scalar("bool"); }
    bool number_integer(std::int64_t) { return scalar("number"); }
    bool number_unsigned(std::uint64_t) { return scalar("number"); }
    bool number_float(double, const std::string&) { return scalar("number"); }
    bool binary(nlohmann::json::binary_t&) { return scalar("binary"); }

    bool string(std::string& value) {
        if (m_depth == 0) return top_level_mismatch("string");
        if (m_depth == 1 && m_current != Field::none) {
            std::string& target = slot(m_current);
            wipe_string(target);
            target.swap(value);
        }
        wipe_string(value);
        m_current = Field::none;
        return true;
    }

    bool start_object(std::size_t) { return start("object"); }
    bool end_object() { return end(); }
    bool start_array(std::size_t) { return start("array"); }
    bool end_array() { return end(); }

    bool key(std::string& name) {
        if (m_depth == 1) m_current = field_for(name);
        return true;
    }

    bool parse_error(std::size_t byte, const std::string&, const nlohmann::detail::exception& ex) {
        syntax_error = "invalid JSON payload: " + describe_syntax_error(ex.what()) + " (at byte " +
                       std::to_string(byte > 0 ? byte - 1 : 0) + ")";
        return false;
    }

  private:
    std::string& slot(Field field) {
        if (field == Field::server_url) return server_url;
        if (field == Field::username) return username;
        return secret;
    }

    void mismatch(const char* go_type) {
        if (!type_error) {
            type_error = std::string("json: cannot unmarshal ") + go_type +
                         " into Go struct field Credentials." + std::string(field_name(m_current)) +
                         " of type string";
        }
    }

    bool top_level_mismatch(const char* go_type) {
        if (!type_error) {
            type_error = std::string("json: cannot unmarshal ") + go_type +
                         " into Go value of type credentials.Credentials";
        }
        return true;
    }

    // nullptr = JSON null, which Go skips without an error.
    bool scalar(const char* go_type) {
        if (m_depth == 0) return go_type ? top_level_mismatch(go_type) : true;
        if (m_depth == 1 && m_current != Field::none && go_type) mismatch(go_type);
        m_current = Field::none;
        return true;
    }

    bool start(const char* go_type) {
        if (m_depth == 0 && std::string_view(go_type) != "object") top_level_mismatch(go_type);
        if (m_depth == 1 && m_current != Field::none) mismatch(go_type);
        ++m_depth;
        m_current = Field::none;
        return true;
    }

    bool end() {
        --m_depth;
        m_current = Field::none;
        return true;
    }

    int m_depth = 0;
    Field m_current = Field::none;
};

bool only_whitespace(std::string_view s) {
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

constexpr std::string_view k_replacement = "\xEF\xBF\xBD";
// U+FFFF, a noncharacter of the same length as U+FFFD: a second parse with
// it in place of U+FFFD differs from the first exactly in the fields that
// held invalid bytes (a literal U+FFFF or \ufffd decodes alike in both).
constexpr std::string_view k_marker = "\xEF\xBF\xBF";

std::string coerce_utf8_with(std::string_view bytes, std::string_view replacement) {
    std::string out;
    out.reserve(bytes.size());
    for (std::size_t i = 0; i < bytes.size();) {
        const std::size_t len = utf8_sequence_length(bytes.substr(i));
        if (len == 0) {
            out.append(replacement);
            ++i;
        } else {
            out.append(bytes.substr(i, len));
            i += len;
        }
    }
    return out;
}

// One SAX pass over `payload` with invalid bytes replaced; false on a
// syntax error (kept in sax.syntax_error when the parser reported one).
bool parse_with(std::string_view payload, std::string_view replacement, CredentialsSax& sax) {
    // The leading space keeps nlohmann's BOM check away from a U+FFFD that
    // replaced an invalid first byte (and rejects a real BOM, as Go does);
    // positions in errors are corrected for it.
    std::string text = " " + coerce_utf8_with(payload, replacement);
    // strict = false: stop after the first complete JSON value (Go's Decoder).
    const bool parsed = nlohmann::json::sax_parse(text.begin(), text.end(), &sax,
                                                  nlohmann::json::input_format_t::json, false);
    wipe_string(text);
    return parsed && !sax.syntax_error;
}

}  // namespace

std::string coerce_utf8(std::string_view bytes) {
    return coerce_utf8_with(bytes, k_replacement);
}

Result<Credentials> decode_credentials(std::string_view payload, RawUtf8Flaws* flaws) {
    if (only_whitespace(payload)) {
        return fail(Error{Errc::bad_input,
                          "no credentials on stdin: expected a JSON object with ServerURL, "
                          "Username and Secret"});
    }
    CredentialsSax sax;
    if (!parse_with(payload, k_replacement, sax)) {
        wipe_string(sax.secret);
        return fail(Error{Errc::bad_input, sax.syntax_error.value_or("invalid JSON payload")});
    }
    if (sax.type_error) {
        wipe_string(sax.secret);
        return fail(Error{Errc::bad_input, *sax.type_error});
    }
    if (flaws != nullptr && !is_strict_utf8(payload)) {
        CredentialsSax marked;
        parse_with(payload, k_marker, marked);
        wipe_string(marked.secret);
        flaws->server_url = marked.server_url != sax.server_url;
        flaws->username = marked.username != sax.username;
    }
    return Credentials{
        std::move(sax.server_url), std::move(sax.username), Secret(std::move(sax.secret)), {}};
}

void append_json_string(std::string& out, std::string_view text) {
    out.push_back('"');
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            const std::size_t len = utf8_sequence_length(text.substr(i));
            if (len == 0) {
                out.append("\\ufffd");
                ++i;
                continue;
            }
            const std::string_view seq = text.substr(i, len);
            // U+2028 / U+2029 break JavaScript; Go escapes them.
            if (seq == "\xE2\x80\xA8" || seq == "\xE2\x80\xA9") {
                out.append(seq == "\xE2\x80\xA8" ? "\\u2028" : "\\u2029");
            } else {
                out.append(seq);
            }
            i += len;
            continue;
        }
        switch (c) {
            case '"':
                out.append("\\\"");
                break;
            case '\\':
                out.append("\\\\");
                break;
            case '\n':
                out.append("\\n");
                break;
            case '\r':
                out.append("\\r");
                break;
            case '\t':
                out.append("\\t");
                break;
            default:
                // Control characters and Go's HTML-safe set (<, >, &) as \u00XX.
                if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                    out.append("\\u00");
                    append_hex(out, c);
                } else {
                    out.push_back(static_cast<char>(c));
                }
        }
        ++i;
    }
    out.push_back('"');
}

std::string encode_credentials(std::string_view server_url, std::string_view username,
                               const Secret& secret) {
    std::string out;
    out.reserve(server_url.size() + username.size() + secret.size() * 2 + 48);
    out.append("{\"ServerURL\":");
    append_json_string(out, server_url);
    out.append(",\"Username\":");
    append_json_string(out, username);
    out.append(",\"Secret\":");
    append_json_string(out, secret.reveal());
    out.append("}\n");
    return out;
}

std::string encode_list(const std::map<std::string, std::string>& entries) {
    std::string out = "{";
    bool first = true;
    for (const auto& [key, user] : entries) {
        if (!first) out.push_back(',');
        first = false;
        append_json_string(out, key);
        out.push_back(':');
        append_json_string(out, user);
    }
    out.append("}\n");
    return out;
}

}  // namespace pat::cred
