#include "helper/lifecycle/token_item.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <system_error>

#include "common/hex.hpp"
#include "helper/state/token_metadata.hpp"

namespace pat::helper {

bool is_internal_key(std::string_view key) {
    return key.starts_with(k_internal_key_prefix);
}

std::string fresh_generation() {
    std::array<unsigned char, 16> bytes{};
    std::size_t got = 0;
    while (got < bytes.size()) {
        const ssize_t n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
        if (n > 0) {
            got += static_cast<std::size_t>(n);
        } else if (n < 0 && errno != EINTR) {
            throw std::system_error(errno, std::generic_category(), "getrandom");
        }
    }
    return to_hex(bytes);
}

void date_by_helper(tokenclient::TokenInfo& info, const Clock& clock) {
    info.checked_at = clock.now();
}

cred::Result<void> store_with_token_info(cred::CredentialStore& store,
                                         const cred::Credentials& credentials,
                                         tokenclient::TokenInfo info) {
    info.generation = fresh_generation();
    cred::Credentials item{credentials.server_url, credentials.username, credentials.secret.clone(),
                           credentials.metadata};
    for (auto& [name, value] : helper::to_metadata(info)) item.metadata[name] = value;
    return store.add(item);
}

}  // namespace pat::helper
