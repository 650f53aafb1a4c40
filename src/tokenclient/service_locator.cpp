// ServiceLocator: env, config file, discovery (docs/tokenclient.md), then "is it
// patd?", with the results cached in a small file (locator_cache.hpp).
#include "tokenclient/service_locator.hpp"

#include <nlohmann/json.hpp>

#include "tokenclient/http_client.hpp"
#include "tokenclient/locator_cache.hpp"

namespace pat::tokenclient {
namespace {

constexpr const char* k_source_env = "DOCKER_CREDENTIAL_PAT_BACKEND";
constexpr const char* k_source_config = "config file";
constexpr const char* k_source_discovery = "discovery";
constexpr const char* k_source_recorded = "recorded at store time";

std::int64_t unix_seconds(const Clock& clock) {
    return std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
}

// patd answers an unauthenticated `current` with 401 and a JSON `detail`;
// a registry or another token service does not (distribution: `errors`,
// Docker Hub's auth: 404). Transport failures are errors.
err::Result<bool> is_patd(const std::string& origin, std::chrono::milliseconds deadline,
                          HttpTransport& transport) {
    HttpRequest request;
    request.url = origin + "/v2/access-tokens/current";
    request.deadline = deadline;
    auto response = transport.send(request);
    if (!response) return fail(std::move(response).error());
    if (response->status != 401) return false;
    const auto body = nlohmann::json::parse(response->body, nullptr, false);
    return body.is_object() && body.contains("detail") && body["detail"].is_string();
}

bool has_path(std::string_view url) {
    const std::size_t sep = url.find("://");
    if (sep == std::string_view::npos) return false;
    const std::size_t slash = url.find('/', sep + 3);
    return slash != std::string_view::npos && slash + 1 < url.size();
}

}  // namespace

ServiceLocator::ServiceLocator(LocatorOptions options, const Clock& clock)
    : m_options(std::move(options)), m_clock(clock) {}

namespace {

// The URL for `key` in a {server key: URL} map: an exact key, else one
// with the same registry base URL.
const std::string* find_service(const std::map<std::string, std::string>& services,
                                const std::string& key) {
    if (auto it = services.find(key); it != services.end()) return &it->second;
    const std::string base = registry_base_url(key);
    for (const auto& [other, url] : services) {
        if (registry_base_url(other) == base) return &url;
    }
    return nullptr;
}

// The configured URL for a key: the environment, then the config file.
std::pair<std::string, const char*> configured_url(const LocatorOptions& options,
                                                   const std::string& key) {
    if (options.backend_url && !options.backend_url->empty())
        return {*options.backend_url, k_source_env};
    if (const auto* url = find_service(options.backend_services, key)) return {*url, k_source_env};
    if (const auto* url = find_service(options.services, key)) return {*url, k_source_config};
    return {"", k_source_discovery};
}

// Where the secret would go: patd's origin, or the token realm's.
std::string secret_origin(const ServiceEndpoint& endpoint) {
    switch (endpoint.kind) {
        case ServiceKind::patd:
            return url_origin(endpoint.patd_url);
        case ServiceKind::registry:
            return url_origin(endpoint.challenge.realm);
        case ServiceKind::none:
            break;
    }
    return {};
}

}  // namespace

std::string configured_service_url(const LocatorOptions& options, const std::string& server_key) {
    return configured_url(options, server_key).first;
}

err::Result<ServiceEndpoint> ServiceLocator::locate(const std::string& server_key) {
    return locate_within(server_key, std::nullopt, std::nullopt);
}

err::Result<ServiceEndpoint> ServiceLocator::locate(const std::string& server_key,
                                                    std::chrono::steady_clock::time_point until) {
    return locate_within(server_key, until, std::nullopt);
}

err::Result<ServiceEndpoint> ServiceLocator::locate_stored(
    const std::string& server_key, const std::string& recorded,
    std::chrono::steady_clock::time_point until) {
    auto endpoint = locate_within(server_key, until, recorded);
    if (!endpoint || recorded.empty()) return endpoint;
    const std::string goes_to = secret_origin(*endpoint);
    if (!goes_to.empty() && goes_to != url_origin(recorded))
        return fail(err::Error{err::Errc::service_rejected,
                               "the token for " + server_key + " was stored for " +
                                   url_origin(recorded) + ", and " + server_key + " now names " +
                                   goes_to + "; not sending it there (log in again)"});
    return endpoint;
}

err::Result<ServiceEndpoint> ServiceLocator::locate_within(
    const std::string& server_key, std::optional<std::chrono::steady_clock::time_point> until,
    const std::optional<std::string>& recorded) {
    const auto next_deadline = [&]() { return request_deadline(m_options.deadline, until); };
    auto [configured, source] = configured_url(m_options, server_key);
    if (recorded && !recorded->empty()) {
        configured = *recorded;
        source = k_source_recorded;
    } else if (recorded) {
        // Nothing recorded: the shell's environment does not apply.
        const auto* url = find_service(m_options.services, server_key);
        configured = url ? *url : "";
        source = url ? k_source_config : k_source_discovery;
    }
    const std::int64_t now = unix_seconds(m_clock);
    LocatorCache cache;
    if (!m_options.cache_path.empty()) {
        cache = read_locator_cache(m_options.cache_path);
        if (auto it = cache.find(server_key);
            it != cache.end() && it->second.configured == configured) {
            const auto ttl = it->second.endpoint.kind == ServiceKind::none
                                 ? m_options.negative_cache_ttl
                                 : m_options.cache_ttl;
            const std::int64_t age = now - it->second.stored_at;
            if (age >= 0 && age < ttl.count()) {
                // Found the same way as now, but named as now: a URL from
                // the environment at store time is "recorded" afterwards.
                ServiceEndpoint cached = it->second.endpoint;
                cached.source = source;
                return cached;
            }
        }
    }

    ServiceEndpoint endpoint;
    endpoint.source = source;
    std::string url = configured;
    if (url.empty()) {
        const auto deadline = next_deadline();
        if (!deadline) return fail(budget_exhausted("discovery"));
        auto challenge = discover_challenge(server_key, *deadline, *m_options.transport);
        if (!challenge) {
            // No token auth at all: no service (cached, with the short TTL).
            if (challenge.error().code != err::Errc::service_rejected)
                return fail(std::move(challenge).error());
            endpoint.kind = ServiceKind::none;
        } else {
            // Not cached: the registry may fix its configuration.
            if (!realm_is_acceptable(registry_base_url(server_key), challenge->realm))
                return fail(err::Error{
                    err::Errc::service_rejected,
                    "registry " + server_key + " names a plain-http token endpoint (" +
                        url_endpoint(challenge->realm) + "); refusing to send credentials there"});
            endpoint.challenge = std::move(*challenge);
            url = endpoint.challenge.realm;
        }
    }
    if (!url.empty()) {
        const std::string origin = url_origin(url);
        if (origin.empty())
            return fail(err::Error{err::Errc::bad_input, std::string("token service URL from ") +
                                                             source + " is not an http(s) URL"});
        const auto deadline = next_deadline();
        if (!deadline) return fail(budget_exhausted("the patd check"));
        auto patd = is_patd(origin, *deadline, *m_options.transport);
        if (!patd) return fail(std::move(patd).error());
        if (*patd) {
            endpoint.kind = ServiceKind::patd;
            endpoint.patd_url = origin;
        } else {
            endpoint.kind = ServiceKind::registry;
            if (!configured.empty()) {
                // A configured token endpoint: the registry's challenge
                // still names the `service` (and the realm, when the URL
                // has no path).
                const auto left = next_deadline();
                if (!left) return fail(budget_exhausted("discovery"));
                auto challenge = discover_challenge(server_key, *left, *m_options.transport);
                if (challenge) endpoint.challenge = std::move(*challenge);
                if (has_path(configured)) endpoint.challenge.realm = configured;
                if (endpoint.challenge.realm.empty())
                    return fail(err::Error{err::Errc::service_rejected,
                                           "token service " + url_endpoint(configured) +
                                               " is not patd and registry " + server_key +
                                               " names no token endpoint"});
            }
        }
    }
    if (!m_options.cache_path.empty()) {
        cache[server_key] = CachedEndpoint{endpoint, configured, now};
        write_locator_cache(m_options.cache_path, cache);
    }
    return endpoint;
}

void ServiceLocator::forget(const std::string& server_key) {
    if (m_options.cache_path.empty()) return;
    LocatorCache cache = read_locator_cache(m_options.cache_path);
    if (cache.erase(server_key) > 0) write_locator_cache(m_options.cache_path, cache);
}

}  // namespace pat::tokenclient
