// The libcurl transport: libcurl's easy interface (loaded lazily, see
// curl_api.hpp). One easy handle per call, owned by a unique_ptr; every
// secret that passes through a buffer of ours is wiped before the call
// returns.
#include "tokenclient/curl_http.hpp"

#include <pthread.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstring>
#include <ctime>
#include <memory>

#include "tokenclient/curl_api.hpp"
#include "tokenclient/docker_certs.hpp"
#include "tokenclient/url.hpp"

namespace pat::tokenclient {
namespace {

constexpr std::size_t k_max_body = std::size_t{1024} * 1024;

// Zeroes memory in a way the optimiser may not drop (for curl's copies).
void wipe_bytes(char* data, std::size_t size) {
    volatile char* p = data;
    for (std::size_t i = 0; i < size; ++i) p[i] = 0;
}

struct Sink {
    HttpResponse* response;
    bool too_large = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t n = size * count;
    if (sink->response->body.size() + n > k_max_body) {
        sink->too_large = true;
        return 0;  // makes curl stop with CURLE_WRITE_ERROR
    }
    sink->response->body.append(data, n);
    return n;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t n = size * count;
    const std::string_view line(data, n);
    // A new status line (after 100 Continue, or a proxy's CONNECT reply):
    // only the final response's headers count.
    if (line.rfind("HTTP/", 0) == 0) {
        sink->response->headers.clear();
        return n;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return n;
    std::string name(trim(line.substr(0, colon)));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    sink->response->headers.emplace_back(std::move(name),
                                         std::string(trim(line.substr(colon + 1))));
    return n;
}

// CURLOPT_NOSIGNAL also stops curl from ignoring SIGPIPE, and a TLS write
// to a peer that hung up may raise it: block it on this thread for the
// transfer and swallow one that arrived meanwhile (the approach of git's
// http.c and curl's docs), so a dead token service never kills the helper.
class SigpipeGuard {
  public:
    SigpipeGuard() {
        sigemptyset(&m_pipe);
        sigaddset(&m_pipe, SIGPIPE);
        sigset_t pending;
        sigemptyset(&pending);
        m_was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
        m_active = pthread_sigmask(SIG_BLOCK, &m_pipe, &m_old) == 0;
    }
    SigpipeGuard(const SigpipeGuard&) = delete;
    SigpipeGuard& operator=(const SigpipeGuard&) = delete;
    ~SigpipeGuard() {
        if (!m_active) return;
        if (!m_was_pending) {
            const timespec zero{0, 0};
            while (sigtimedwait(&m_pipe, nullptr, &zero) == SIGPIPE) {
            }
        }
        pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
    }

  private:
    sigset_t m_pipe{};
    sigset_t m_old{};
    bool m_was_pending = false;
    bool m_active = false;
};

err::Error unreachable(const std::string& url, const std::string& why) {
    return {err::Errc::service_unreachable,
            "token service " + url_endpoint(url) + " is unreachable: " + why};
}

// Owns the request's header list; wipes every entry (one may carry the
// bearer session) before curl frees it.
class HeaderList {
  public:
    explicit HeaderList(const CurlApi& api) : m_api(api) {}
    HeaderList(const HeaderList&) = delete;
    HeaderList& operator=(const HeaderList&) = delete;
    ~HeaderList() {
        for (curl_slist* node = m_list; node != nullptr; node = node->next)
            wipe_bytes(node->data, std::strlen(node->data));
        if (m_list != nullptr) m_api.slist_free_all(m_list);
    }
    bool append(const std::string& line) {
        curl_slist* next = m_api.slist_append(m_list, line.c_str());
        if (next == nullptr) return false;
        m_list = next;
        return true;
    }
    curl_slist* get() const { return m_list; }

  private:
    const CurlApi& m_api;
    curl_slist* m_list = nullptr;
};

}  // namespace

void http_global_init() {
    std::string error;
    (void)curl_api(error);
}

err::Result<HttpResponse> curl_http_send(const HttpRequest& request,
                                         const std::string& docker_certs_root) {
    std::string load_error;
    const CurlApi* api = curl_api(load_error);
    if (api == nullptr) return fail(unreachable(request.url, load_error));
    const auto scheme = parse_url(request.url);
    if (!scheme || (scheme->scheme != "http" && scheme->scheme != "https"))
        return fail(err::Error{err::Errc::bad_input, "not an http(s) URL for the token service: " +
                                                         url_endpoint(request.url)});

    auto cleanup = [api](CURL* h) { api->easy_cleanup(h); };
    std::unique_ptr<CURL, decltype(cleanup)> handle(api->easy_init(), cleanup);
    if (!handle) return fail(unreachable(request.url, "libcurl could not create a handle"));
    CURL* h = handle.get();

    HttpResponse response;
    Sink sink{&response};
    const long deadline_ms = std::max<long>(1, static_cast<long>(request.deadline.count()));
    api->easy_setopt(h, CURLOPT_URL, request.url.c_str());
    api->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    api->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    api->easy_setopt(h, CURLOPT_TIMEOUT_MS, deadline_ms);
    api->easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, deadline_ms);
    api->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    api->easy_setopt(h, CURLOPT_USERAGENT, "docker-credential-pat");
    api->easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
    api->easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    api->easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
    api->easy_setopt(h, CURLOPT_HEADERDATA, &sink);

    if (request.method == "POST") {
        api->easy_setopt(h, CURLOPT_POST, 1L);
    } else if (request.method != "GET") {
        api->easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (request.method != "GET") {
        // Not copied by curl: `request.body` outlives the perform below.
        api->easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
        api->easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
    }

    // docker's certs.d for private registries: curl gets the system bundle
    // plus those certificates as one in-memory bundle (copied by curl).
    if (auto extra = docker_extra_cas(request.url, docker_certs_root)) {
        char* system_bundle = nullptr;
        if (api->easy_getinfo(h, CURLINFO_CAINFO, &system_bundle) != CURLE_OK ||
            system_bundle == nullptr)
            system_bundle = nullptr;
        std::string bundle = ca_bundle_with(system_bundle ? system_bundle : "", *extra);
        curl_blob blob{bundle.data(), bundle.size(), CURL_BLOB_COPY};
        api->easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
    }

    HeaderList headers(*api);
    bool headers_ok = true;
    for (const auto& [name, value] : request.headers) {
        std::string line = name;
        line.append(": ").append(value);
        headers_ok &= headers.append(line);
    }
    // curl adds "Expect: 100-continue" to larger POSTs; patd needs no round trip for it.
    headers_ok &= headers.append("Expect:");
    if (request.bearer != nullptr) {
        std::string line = "Authorization: Bearer ";
        line += request.bearer->reveal();
        headers_ok &= headers.append(line);
        wipe_string(line);
    }
    if (!headers_ok) return fail(unreachable(request.url, "out of memory building headers"));
    api->easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

    // curl copies these strings; ours are wiped when the call returns.
    std::string password;
    if (request.basic) {
        api->easy_setopt(h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
        api->easy_setopt(h, CURLOPT_USERNAME, request.basic->username.c_str());
        if (request.basic->password != nullptr) password = request.basic->password->reveal();
        api->easy_setopt(h, CURLOPT_PASSWORD, password.c_str());
    }

    CURLcode rc = CURLE_OK;
    {
        const SigpipeGuard no_sigpipe;
        rc = api->easy_perform(h);
    }
    wipe_string(password);
    if (sink.too_large) {
        wipe_string(response.body);
        return fail(err::Error{
            err::Errc::service_failure,
            "token service " + url_endpoint(request.url) + " sent a reply larger than 1 MiB"});
    }
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        wipe_string(response.body);
        return fail(
            unreachable(request.url, "no answer within " + std::to_string(deadline_ms) + " ms"));
    }
    if (rc != CURLE_OK) {
        wipe_string(response.body);
        return fail(unreachable(request.url, api->easy_strerror(rc)));
    }
    api->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

}  // namespace pat::tokenclient
