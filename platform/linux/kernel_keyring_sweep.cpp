#include "linux/kernel_keyring_sweep.hpp"

#include <set>
#include <utility>
#include <vector>

#include "common/secret.hpp"
#include "linux/kernel_keyring_format.hpp"

namespace pat::platform {

namespace fmt = keyring_format;
using keyring_io::KeyId;

void drop_unreferenced_chunks(KeyId ring) {
    auto ids = keyring_io::links(ring);
    if (!ids) return;
    std::vector<std::pair<KeyId, std::uint64_t>> chunks;
    std::vector<KeyId> heads;
    std::set<std::uint64_t> wanted;
    for (const KeyId id : *ids) {
        auto info = keyring_io::describe(id);
        if (!info || info->type != "user") continue;
        if (auto generation = fmt::chunk_generation(info->description)) {
            chunks.emplace_back(id, *generation);
        } else if (auto pending = fmt::pending_generation(info->description)) {
            wanted.insert(*pending);
        } else if (info->description.starts_with(fmt::k_cred_prefix)) {
            heads.push_back(id);
        }
    }
    if (chunks.empty()) return;
    for (const KeyId id : heads) {
        auto payload = keyring_io::read(id);
        if (!payload) {
            if (keyring_io::is_gone(payload.error())) continue;  // replaced or erased meanwhile
            return;
        }
        const auto head = fmt::decode_head(*payload);
        wipe_string(*payload);
        if (head && head->chunk_count > 0) wanted.insert(head->generation);
    }
    for (const auto& [id, generation] : chunks) {
        if (!wanted.contains(generation)) keyring_io::remove(id, ring);
    }
}

}  // namespace pat::platform
