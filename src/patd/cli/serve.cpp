// `patd serve`: data dir, keys, database, then the HTTP server until
// SIGTERM/SIGINT; pending last-used values are flushed before exit.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/log.hpp"
#include "patd/cli/commands.hpp"
#include "patd/cli/resources.hpp"
#include "patd/config/data_dir.hpp"
#include "patd/domain/ip_address.hpp"
#include "patd/http/api.hpp"
#include "patd/http/server.hpp"

namespace pat::patd::cli {
namespace {

// Calls service.flush_due() every second until stopped, so last-used values
// reach the database within about one interval even when traffic stops;
// sweep_expired() there deletes expired OIDC tokens (it keeps its own pace).
class FlushTimer {
  public:
    explicit FlushTimer(TokenService& service)
        : m_thread([this, &service] {
              std::unique_lock lock(m_mutex);
              while (!m_cv.wait_for(lock, std::chrono::seconds(1), [this] { return m_stop; })) {
                  lock.unlock();
                  service.flush_due();
                  service.sweep_expired();
                  lock.lock();
              }
          }) {}
    ~FlushTimer() {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_cv.notify_all();
        m_thread.join();
    }

  private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stop = false;
    std::thread m_thread;
};

void print_registry_snippet(const std::string& realm, const config::Config& config,
                            const std::string& cert_path) {
    say("registry config that trusts this patd (config.yml):\n"
        "auth:\n"
        "  token:\n"
        "    realm: " +
        realm +
        "\n"
        "    service: " +
        config.service +
        "\n"
        "    issuer: " +
        config.issuer +
        "\n"
        "    rootcertbundle: " +
        cert_path);
}

}  // namespace

int cmd_serve(config::Config& config) {
    auto listen = config::parse_listen(config.listen);
    if (!listen) {
        say(listen.error());
        return 2;
    }
    auto signing =
        config::load_or_create_signing(config.data_dir, config.signing_key, config.signing_cert);
    if (!signing) {
        say(signing.error());
        return 1;
    }
    auto signer = jwt::Es256Signer::from_pem(signing->material.key_pem, signing->material.cert_pem);
    wipe_string(signing->material.key_pem);
    if (!signer) {
        say(signer.error());
        return 1;
    }
    auto service = open_service(config);
    if (!service) {
        say(service.error());
        return 1;
    }

    const std::size_t descriptors = raise_descriptor_limit();
    const ConnectionCaps caps =
        connection_caps(config.max_connections, config.max_connections_per_address, descriptors);
    if (!caps.warning.empty()) say(caps.warning);
    std::vector<IpNetwork> trusted_proxies;
    for (const auto& proxy : config.trusted_proxies)
        trusted_proxies.push_back(*parse_network(proxy));  // checked by config::finalize

    // The Api needs the public URL, which needs the bound port: it is made
    // after bind() and before run(), the first time the handlers can be called.
    std::optional<http::Api> api;
    http::ServerOptions server_options;
    server_options.host = listen->host;
    server_options.port = listen->port;
    server_options.threads = config.threads;
    server_options.max_connections = caps.total;
    server_options.max_connections_per_address = caps.per_address;
    server_options.exempt_from_address_cap = [&trusted_proxies](std::string_view ip) {
        const auto address = parse_ip(ip);
        return address && in_any(trusted_proxies, *address);
    };
    server_options.is_slow = [&api](const http::Request& req) { return api->checks_password(req); };
    // As many as the service lets hash at once (ServiceOptions).
    server_options.slow_threads = ServiceOptions{}.max_concurrent_password_hashes;
    auto server = http::Server::bind(
        server_options, [&api](http::Request& req) { return api->handle(req); },
        [&api](int status, std::string_view ip) { return api->reject(status, ip); });
    if (!server) {
        say(server.error());
        return 1;
    }
    const std::string address = (*server)->local_address();
    std::string public_url = config.public_url.empty() ? "http://" + address : config.public_url;
    while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
    http::ApiOptions api_options;
    api_options.public_url = public_url;
    api_options.service = config.service;
    api_options.issuer = config.issuer;
    api_options.token_ttl_seconds = config.token_ttl;
    api_options.trusted_proxies = trusted_proxies;
    api_options.console_registry = config.registry;
    api.emplace(**service, *signer, api_options);

    say("data dir " + config.data_dir + "; database " + config.database);
    say(std::string("signing key ") + signing->key_path +
        (signing->generated ? " (generated)" : ""));
    say("signing certificate " + signing->cert_path + " (also printed by `patd cert`)");
    say("service " + config.service + ", issuer " + config.issuer + ", token ttl " +
        std::to_string(config.token_ttl) + "s");
    print_registry_snippet(public_url + "/token", config, signing->cert_path);
    if (config.public_url.empty() && (listen->host == "0.0.0.0" || listen->host == "::"))
        say("listening on all interfaces: set --public-url to the address clients use");
    say("console at " + public_url + "/");
    say("connections: at most " + std::to_string(caps.total) + ", " +
        std::to_string(caps.per_address) + " per address (descriptor limit " +
        std::to_string(descriptors) + ")");
    if (!trusted_proxies.empty())
        say("trusting X-Forwarded-For from " + std::to_string(trusted_proxies.size()) +
            " proxy network(s)");
    say("listening on " + address);
    {
        FlushTimer flush_timer(**service);
        (*server)->run();
    }
    say("shutting down: flushing last-used values");
    (*service)->flush();
    say("stopped");
    return 0;
}

}  // namespace pat::patd::cli
