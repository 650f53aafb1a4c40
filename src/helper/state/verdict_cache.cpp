#include "helper/state/verdict_cache.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include <nlohmann/json.hpp>

#include "helper/state/locked_file.hpp"
#include "helper/state/state_paths.hpp"
#include "helper/state/token_metadata.hpp"

namespace pat::helper {
namespace {

using Verdicts = std::map<std::string, tokenclient::TokenInfo>;

constexpr std::string_view k_what = "verdict cache";
constexpr int k_format = 1;

// {"format":1,"verdicts":{"<key>":{<metadata, see to_metadata>}}}.
// Anything else, or an entry that is not an object of strings, is ignored:
// a damaged file must never make `get` fail.
Verdicts parse(const std::string& text) {
    Verdicts verdicts;
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (!doc.is_object()) return verdicts;
    const auto format = doc.find("format");
    const auto entries = doc.find("verdicts");
    if (format == doc.end() || *format != k_format || entries == doc.end() ||
        !entries->is_object()) {
        return verdicts;
    }
    for (const auto& [key, entry] : entries->items()) {
        if (!entry.is_object()) continue;
        cred::Metadata metadata;
        bool valid = true;
        for (const auto& [name, value] : entry.items()) {
            if (!value.is_string()) {
                valid = false;
                break;
            }
            metadata[name] = value.get<std::string>();
        }
        if (valid) verdicts[key] = helper::from_metadata(metadata);
    }
    return verdicts;
}

std::string serialize(const Verdicts& verdicts) {
    nlohmann::json entries = nlohmann::json::object();
    for (const auto& [key, info] : verdicts) entries[key] = helper::to_metadata(info);
    const nlohmann::json doc{{"format", k_format}, {"verdicts", entries}};
    // Replace invalid UTF-8 rather than throw: the file is ours, a bad byte
    // in a reason must not break the flush.
    return doc.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// Rewrites the file through `change` under the exclusive lock of the
// current file, so concurrent put()s never lose each other's update. When
// `change` reports no change, nothing is written: every `store` drops the
// key's old verdict, and there usually is none (a rewrite is an fsync).
template <class Change>
cred::Result<void> update(const std::string& path, Change&& change) {
    auto opened = detail::open_locked(k_what, path, O_RDWR | O_CREAT, LOCK_EX);
    if (!opened) return fail(std::move(opened).error());
    auto content = detail::read_all(k_what, path, (*opened)->get());
    if (!content) return fail(std::move(content).error());
    Verdicts verdicts = parse(*content);
    if (!change(verdicts)) return {};
    return detail::replace_file(k_what, path, serialize(verdicts));
}

}  // namespace

VerdictCache::VerdictCache(std::string path) : m_path(std::move(path)) {}

cred::Result<Verdicts> VerdictCache::read() const {
    if (m_path.empty()) return Verdicts{};  // disabled
    // No lock: writers only ever replace the file whole, by rename.
    auto content = read_state_file(k_what, m_path);
    if (!content) {
        if (content.error().code == cred::Errc::unsafe_file)
            return fail(std::move(content).error());
        return Verdicts{};
    }
    if (!*content) return Verdicts{};
    return parse(**content);
}

std::map<std::string, tokenclient::TokenInfo> VerdictCache::load_all() const {
    auto verdicts = read();
    if (!verdicts) return {};
    return std::move(verdicts).value();
}

cred::Result<std::optional<tokenclient::TokenInfo>> VerdictCache::find(
    const std::string& server_key, const std::string& generation) const {
    if (generation.empty()) return std::optional<tokenclient::TokenInfo>();
    auto verdicts = read();
    if (!verdicts) return fail(std::move(verdicts).error());
    auto it = verdicts->find(server_key);
    if (it == verdicts->end() || it->second.generation != generation)
        return std::optional<tokenclient::TokenInfo>();
    return std::optional<tokenclient::TokenInfo>(std::move(it->second));
}

std::optional<tokenclient::TokenInfo> VerdictCache::lookup(const std::string& server_key,
                                                           const std::string& generation) const {
    auto found = find(server_key, generation);
    if (!found) return std::nullopt;
    return std::move(found).value();
}

cred::Result<void> VerdictCache::save(
    const std::map<std::string, tokenclient::TokenInfo>& verdicts) {
    if (m_path.empty()) return {};  // disabled
    return update(m_path, [&](Verdicts& current) {
        current = verdicts;
        return true;
    });
}

cred::Result<void> VerdictCache::put(const std::string& server_key,
                                     const std::optional<tokenclient::TokenInfo>& info) {
    if (m_path.empty()) return {};  // disabled
    return update(m_path, [&](Verdicts& current) {
        if (info) {
            current[server_key] = *info;
            return true;
        }
        return current.erase(server_key) > 0;
    });
}

}  // namespace pat::helper
