// Parsing of WWW-Authenticate (RFC 9110 §11.6.1) and the registry base URL
// of a server key: the pure half of registry_probe.hpp.
#include <algorithm>
#include <cctype>

#include "tokenclient/http_client.hpp"
#include "tokenclient/registry_probe.hpp"

namespace pat::tokenclient {
namespace {

bool is_tchar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// A cursor over one header value.
class Reader {
  public:
    explicit Reader(std::string_view text) : m_text(text) {}
    bool done() const { return m_pos >= m_text.size(); }
    char peek() const { return done() ? '\0' : m_text[m_pos]; }
    std::size_t pos() const { return m_pos; }
    void seek(std::size_t pos) { m_pos = pos; }
    void skip_ows() {
        while (!done() && (peek() == ' ' || peek() == '\t')) ++m_pos;
    }
    std::string_view token() {
        const std::size_t start = m_pos;
        while (!done() && is_tchar(peek())) ++m_pos;
        return m_text.substr(start, m_pos - start);
    }
    // An unquoted value: a token by the RFC, but services send URLs bare
    // (realm=http://…), so anything up to a comma or whitespace.
    std::string_view bare_value() {
        const std::size_t start = m_pos;
        while (!done() && peek() != ',' && peek() != ' ' && peek() != '\t' && peek() != '"')
            ++m_pos;
        return m_text.substr(start, m_pos - start);
    }
    // token68 for schemes such as `Negotiate abc==` (may end with '=').
    std::string_view token68() {
        const std::size_t start = m_pos;
        while (!done() && (std::isalnum(static_cast<unsigned char>(peek())) != 0 ||
                           std::string_view("-._~+/").find(peek()) != std::string_view::npos))
            ++m_pos;
        while (!done() && peek() == '=') ++m_pos;
        return m_text.substr(start, m_pos - start);
    }
    // A quoted-string at the cursor (which is on the opening quote).
    std::optional<std::string> quoted() {
        std::string out;
        ++m_pos;
        while (!done()) {
            const char c = m_text[m_pos++];
            if (c == '"') return out;
            if (c == '\\') {
                if (done()) return std::nullopt;
                out += m_text[m_pos++];
            } else {
                out += c;
            }
        }
        return std::nullopt;  // unterminated
    }

  private:
    std::string_view m_text;
    std::size_t m_pos = 0;
};

// One auth-param at the cursor: name = (token | quoted-string). nullopt
// (cursor restored) when the text there is not one.
std::optional<std::pair<std::string_view, std::string>> auth_param(Reader& r) {
    const std::size_t mark = r.pos();
    const std::string_view name = r.token();
    r.skip_ows();
    if (name.empty() || r.peek() != '=') {
        r.seek(mark);
        return std::nullopt;
    }
    r.seek(r.pos() + 1);
    r.skip_ows();
    if (r.peek() == '"') {
        if (auto value = r.quoted()) return std::make_pair(name, std::move(*value));
    } else if (auto value = r.bare_value(); !value.empty()) {
        return std::make_pair(name, std::string(value));
    }
    r.seek(mark);
    return std::nullopt;
}

void skip_separators(Reader& r) {
    while (!r.done() && (r.peek() == ',' || r.peek() == ' ' || r.peek() == '\t'))
        r.seek(r.pos() + 1);
}

}  // namespace

std::optional<BearerChallenge> parse_bearer_challenge(std::string_view header) {
    Reader r(header);
    // Several challenges may share one value: "Basic realm=x, Bearer realm=y".
    // challenge = scheme [ SP ( token68 / #auth-param ) ]; a token without
    // '=' after a comma starts the next challenge.
    skip_separators(r);
    while (!r.done()) {
        const std::string_view scheme = r.token();
        if (scheme.empty()) return std::nullopt;  // garbage where a scheme belongs
        const bool bearer = iequals(scheme, "Bearer");
        BearerChallenge challenge;
        r.skip_ows();
        bool first = true;
        while (!r.done()) {
            if (!first) {
                // after a comma: a parameter, or the next challenge's scheme
                skip_separators(r);
                if (r.done()) break;
            } else if (r.peek() == ',') {
                break;  // a scheme without parameters
            }
            auto param = auth_param(r);
            if (!param) {
                if (!first) break;  // the next challenge starts here
                (void)r.token68();
                r.skip_ows();
                if (!r.done() && r.peek() != ',') return std::nullopt;
                break;
            }
            if (bearer && iequals(param->first, "realm"))
                challenge.realm = std::move(param->second);
            if (bearer && iequals(param->first, "service"))
                challenge.service = std::move(param->second);
            r.skip_ows();
            if (!r.done() && r.peek() != ',') return std::nullopt;
            first = false;
        }
        if (bearer && !challenge.realm.empty()) return challenge;
        skip_separators(r);
    }
    return std::nullopt;
}

namespace {

bool is_loopback_host(std::string host) {
    std::transform(host.begin(), host.end(), host.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    // 127.0.0.0/8 as an IPv4 literal only: "127.example.com" is a name.
    const bool ipv4 = !host.empty() && host.find_first_not_of("0123456789.") == std::string::npos;
    return host == "localhost" || host == "[::1]" || (ipv4 && host.rfind("127.", 0) == 0);
}

}  // namespace

bool realm_is_acceptable(std::string_view registry_base, std::string_view realm) {
    const auto registry = parse_url(registry_base);
    const auto endpoint = parse_url(realm);
    if (!registry || !endpoint) return false;
    if (endpoint->scheme == "https") return true;
    if (endpoint->scheme != "http") return false;
    return registry->scheme == "http" || is_loopback_host(endpoint->host);
}

std::string registry_base_url(std::string_view server_key) {
    std::string_view key = server_key;
    while (!key.empty() && std::isspace(static_cast<unsigned char>(key.front())) != 0)
        key.remove_prefix(1);
    while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back())) != 0)
        key.remove_suffix(1);
    std::string with_scheme;
    const bool has_scheme = key.find("://") != std::string_view::npos;
    if (has_scheme)
        with_scheme = std::string(key);
    else
        with_scheme = "https://" + std::string(key);
    auto parts = parse_url(with_scheme);
    if (!parts) return with_scheme;  // let the request fail with a clear message
    std::string host = parts->host;
    std::transform(host.begin(), host.end(), host.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io" ||
        host == "registry.hub.docker.com")
        return "https://registry-1.docker.io";
    std::string scheme = parts->scheme;
    if (!has_scheme) {
        scheme = is_loopback_host(host) ? "http" : "https";
    }
    std::string out = scheme + "://" + host;
    if (!parts->port.empty()) out += ":" + parts->port;
    return out;
}

}  // namespace pat::tokenclient
