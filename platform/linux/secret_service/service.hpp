#pragma once
// The org.freedesktop.Secret.Service API, spoken directly over sd-bus (no
// libsecret on the hot path: libsecret negotiates an encrypted DH session on
// every lookup, see docs/secret-service.md). Every method maps failures to
// cred::Error through map_error().

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "attributes.hpp"
#include "common/secret.hpp"
#include "credentials/errors.hpp"
#include "dbus_client.hpp"
#include "errors.hpp"

namespace pat::platform::ss {

// SearchItems' answer: item object paths, split by lock state.
struct SearchResult {
    std::vector<std::string> unlocked;
    std::vector<std::string> locked;
    // The probed alias's Locked property; nullopt if not probed or the
    // provider has no /aliases/<name> object (KeePassXC).
    std::optional<bool> alias_locked;
};

// The non-secret properties of an item that the store needs.
struct ItemInfo {
    std::string path;
    Attributes attributes;
    std::uint64_t created = 0;
    std::uint64_t modified = 0;
};

class Service {
  public:
    // Connects to the session bus. The provider (org.freedesktop.secrets) is
    // looked up along with the first batch of calls; with `activate`, an
    // activatable one is started then (bounded by `timeout`). Later calls go
    // to the provider's unique name, so a provider that restarts mid-run is
    // reported as vanished instead of silently talking to a new one.
    static cred::Result<Service> open(std::chrono::milliseconds timeout, bool activate);

    // Whether the bus has an owner for, or can activate, org.freedesktop.secrets.
    // Never activates. False on any error (no bus, deadline).
    static bool available(std::chrono::milliseconds timeout);

    // open(timeout, true) when available(timeout), on the connection that
    // found out: `auto` store selection connects to the bus once.
    static std::optional<Service> open_if_available(std::chrono::milliseconds timeout);

    // Items whose attributes include all of `attributes`. In the same round
    // trip: with `open_session`, opens the session; with a `probe_alias`,
    // reads whether that alias's collection is locked.
    cred::Result<SearchResult> search(const Attributes& attributes, bool open_session = false,
                                      const std::string& probe_alias = {});
    // The attributes of each path (pipelined), in order; items deleted
    // meanwhile are left out. created/modified stay 0 (see load_times).
    cred::Result<std::vector<ItemInfo>> item_infos(const std::vector<std::string>& paths);
    // Fills created/modified of each item (pipelined).
    cred::Result<void> load_times(const std::vector<ItemInfo*>& infos);
    // Attributes and secret of each path, in one pipelined batch.
    cred::Result<std::vector<std::pair<ItemInfo, Secret>>> load_items(
        const std::vector<std::string>& paths);

    // The collection to store into: the alias (empty = "default"), else the
    // "login" collection; errors: no_default_collection, keychain_locked.
    cred::Result<std::string> writable_collection(const std::string& alias);
    // CreateItem with replace=true; returns the item's path. Never prompts.
    cred::Result<std::string> create_item(const std::string& collection, const std::string& label,
                                          const Attributes& attributes, const Secret& secret);
    // Deletes every path (pipelined). Never prompts.
    cred::Result<void> delete_items(const std::vector<std::string>& paths);

  private:
    Service(std::unique_ptr<DbusClient> bus, bool activate);
    // Sends a batch; errors of the connection or of finding the provider are
    // the Result's error, errors of single calls are in their Reply.
    cred::Result<std::vector<Reply>> run(std::vector<MethodCall> calls);
    // run's first attempt (finding, or starting, the provider on the way).
    cred::Result<std::vector<Reply>> send(std::vector<MethodCall>& calls);
    // Sends again the calls whose reply says the provider had not registered
    // this connection yet, until `deadline`.
    void resend_unregistered(std::vector<MethodCall>& calls, std::vector<Reply>& replies,
                             std::chrono::steady_clock::time_point deadline);
    // One call; any failure mapped at `stage`.
    cred::Result<MessagePtr> call_one(MethodCall call, Stage stage = Stage::provider_call);
    cred::Result<void> ensure_session();
    MethodCall open_session_call() const;
    MethodCall property_call(const std::string& path, const char* name) const;
    MethodCall collection_locked_call(std::string path) const;
    MethodCall provider_call(std::string path, const char* interface, const char* method,
                             AppendArguments arguments, const char* reply_type) const;
    cred::Error map(const DbusError& error, Stage stage = Stage::provider_call) const;

    std::unique_ptr<DbusClient> m_bus;
    bool m_activate;
    std::string m_owner;    // the provider's unique bus name, once known
    std::string m_session;  // "plain" session path, opened on first need
};

}  // namespace pat::platform::ss
