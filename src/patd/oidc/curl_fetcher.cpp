// The libcurl Fetcher: one easy handle per fetch, no connection reuse (an
// issuer is fetched at most every few minutes), no signals, no cookies.
#include <curl/curl.h>

#include <algorithm>
#include <boost/url/parse.hpp>
#include <cctype>
#include <mutex>

#include "patd/oidc/fetcher.hpp"

namespace pat::patd::oidc {
namespace {

struct CurlDeleter {
    void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;

struct Sink {
    std::string body;
    std::size_t max_bytes = 0;
    bool too_large = false;
    std::optional<std::chrono::seconds> max_age;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t bytes = size * n;
    if (sink->body.size() + bytes > sink->max_bytes) {
        sink->too_large = true;
        return 0;  // aborts the transfer
    }
    sink->body.append(data, bytes);
    return bytes;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::string line = lower(std::string_view(data, size * n));
    if (line.rfind("cache-control:", 0) == 0) {
        const auto at = line.find("max-age=");
        if (at != std::string::npos) {
            long long v = 0;
            std::size_t i = at + 8;
            for (; i < line.size() && std::isdigit(static_cast<unsigned char>(line[i])); ++i)
                v = std::min<long long>(v * 10 + (line[i] - '0'), 10'000'000);
            if (i > at + 8) sink->max_age = std::chrono::seconds(v);
        }
    }
    return size * n;
}

bool is_loopback(const boost::urls::url_view& u) {
    switch (u.host_type()) {
        case boost::urls::host_type::ipv4:
            return u.host_ipv4_address().to_bytes()[0] == 127;
        case boost::urls::host_type::ipv6:
            return u.host_ipv6_address().is_loopback();
        case boost::urls::host_type::name:
            return lower(u.encoded_host()) == "localhost";
        default:
            return false;
    }
}

class CurlFetcher final : public Fetcher {
  public:
    CurlFetcher() {
        static std::once_flag once;
        std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    }

    Result<Fetched, std::string> get(const std::string& url, const FetchLimits& limits) override {
        const auto until = std::chrono::steady_clock::now() + limits.deadline;
        std::string current = url;
        for (int hop = 0; hop <= 3; ++hop) {
            if (auto bad = check_fetch_url(current)) return fail(*bad);
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                until - std::chrono::steady_clock::now());
            if (left.count() <= 0) return fail(url_origin_of(url) + ": no answer in time");
            std::string redirect;
            auto r = once(current, limits, left, redirect);
            if (!r) return r;
            if (redirect.empty()) return r;
            if (url_origin_of(redirect) != url_origin_of(current))
                return fail(url_origin_of(current) + " redirected to another host (" +
                            url_origin_of(redirect) + "); not followed");
            current = redirect;
        }
        return fail(url_origin_of(url) + ": too many redirects");
    }

  private:
    static Result<Fetched, std::string> once(const std::string& url, const FetchLimits& limits,
                                             std::chrono::milliseconds left,
                                             std::string& redirect) {
        CurlPtr curl(curl_easy_init());
        if (!curl) return fail(std::string("cannot start an HTTP request"));
        Sink sink;
        sink.max_bytes = limits.max_bytes;
        CURL* c = curl.get();
        curl_easy_setopt(c, CURLOPT_URL, url.c_str());
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(left.count()));
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(left.count()));
        curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits.max_bytes));
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
        curl_easy_setopt(c, CURLOPT_USERAGENT, "patd");
        curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
        // A loopback issuer is never reached through a proxy.
        curl_easy_setopt(c, CURLOPT_NOPROXY, "localhost,127.0.0.1,::1");
        const CURLcode rc = curl_easy_perform(c);
        if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED)
            return fail(url_origin_of(url) + ": answer larger than " +
                        std::to_string(limits.max_bytes / 1024) + " KiB");
        if (rc == CURLE_OPERATION_TIMEDOUT) return fail(url_origin_of(url) + ": no answer in time");
        if (rc != CURLE_OK)
            return fail(url_origin_of(url) + ": " + std::string(curl_easy_strerror(rc)));
        Fetched out;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
        if (out.status >= 300 && out.status < 400) {
            char* location = nullptr;
            curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location);
            if (location) redirect = location;
        }
        out.body = std::move(sink.body);
        out.max_age = sink.max_age;
        return out;
    }
};

}  // namespace

std::shared_ptr<Fetcher> make_curl_fetcher() {
    return std::make_shared<CurlFetcher>();
}

std::optional<std::string> check_fetch_url(std::string_view url) {
    const auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed) return "not an absolute URL";
    const auto& u = *parsed;
    const std::string scheme = lower(u.scheme());
    if (scheme != "https" && scheme != "http") return "not an http(s) URL";
    if (u.encoded_host().empty()) return "has no host";
    // Boost.URL 1.81 takes "http://127.0.0.1.evil.example" for host
    // 127.0.0.1 and path ".evil.example"; libcurl would connect to the
    // whole name. A path after the authority starts with '/'.
    if (!u.encoded_path().empty() && u.encoded_path().front() != '/') return "is not a valid URL";
    if (u.has_userinfo()) return "must not contain user info";
    if (u.has_query() || u.has_fragment()) return "must not have a query or fragment";
    if (scheme == "http" && !is_loopback(u))
        return "must use https (http only for a loopback host)";
    return std::nullopt;
}

std::string url_origin_of(std::string_view url) {
    const auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed) return "<bad URL>";
    std::string out = lower(parsed->scheme()) + "://" + lower(parsed->encoded_host_and_port());
    return out;
}

}  // namespace pat::patd::oidc
