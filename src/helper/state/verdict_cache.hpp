#pragma once
// Verdicts refreshed by the flush: what the token service said about each
// stored credential, keyed by server key and tied to the stored item's
// generation (TokenInfo::generation), so a verdict about an old token never
// applies to a newly stored one. `get` reads this file (no network); the
// flush writes it atomically (temp file + rename). Non-secret JSON.

#include <map>
#include <optional>
#include <string>

#include "credentials/errors.hpp"
#include "tokenclient/token_info.hpp"

namespace pat::helper {

class VerdictCache {
  public:
    // An empty `path` is a disabled cache: no verdicts, no file touched.
    explicit VerdictCache(std::string path);

    // The verdict for `server_key` if its generation matches, else nullopt.
    // An empty generation never matches: an item without one (written by
    // another tool) could be a different token than the one judged.
    // A missing or corrupt file reads as empty (never an error for `get`),
    // and so does one that is not safe to use (a symbolic link).
    std::optional<tokenclient::TokenInfo> lookup(const std::string& server_key,
                                                 const std::string& generation) const;
    // The same, but a file that is not safe to use (a symbolic link, not a
    // regular file) is an Errc::unsafe_file error, for the caller to show.
    cred::Result<std::optional<tokenclient::TokenInfo>> find(const std::string& server_key,
                                                             const std::string& generation) const;

    // Replaces the whole file with `verdicts` (key -> info with generation).
    cred::Result<void> save(const std::map<std::string, tokenclient::TokenInfo>& verdicts);
    // Read-modify-write of one key under an exclusive flock; nullopt removes it.
    cred::Result<void> put(const std::string& server_key,
                           const std::optional<tokenclient::TokenInfo>& info);
    std::map<std::string, tokenclient::TokenInfo> load_all() const;

  private:
    // The file's verdicts: missing or corrupt -> empty; unsafe -> error.
    cred::Result<std::map<std::string, tokenclient::TokenInfo>> read() const;

    std::string m_path;
};

}  // namespace pat::helper
