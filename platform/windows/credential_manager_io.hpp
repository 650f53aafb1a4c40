#pragma once
// The four Credential Manager calls (advapi32) behind RAII and UTF-8: what
// the store needs of CredReadW, CredWriteW, CredEnumerateW and CredDeleteW
// for generic credentials, and nothing else. Every buffer the system hands
// out is wiped (it may hold a secret) and freed with CredFree.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "credentials/errors.hpp"

namespace pat::platform::credman {

// One generic credential as the store sees it. Strings are UTF-8; `blob` is
// the CredentialBlob bytes (secret: wipe after use).
struct Item {
    std::string target;
    std::string username;
    std::string comment;
    std::vector<std::pair<std::string, std::string>> attributes;  // keyword, value bytes
    std::string blob;
    // When the item was last written (FILETIME: 100 ns since 1601); 0 for an
    // item this process builds to write.
    std::uint64_t last_written = 0;
};

// The largest CredentialBlob Windows accepts with CRED_PERSIST_LOCAL_MACHINE
// (CRED_MAX_CREDENTIAL_BLOB_SIZE, 5 * 512 bytes).
inline constexpr std::size_t k_max_blob = 2560;

// The credential named `target`; nullopt when there is none.
cred::Result<std::optional<Item>> read(const std::string& target);

// Creates or replaces (one atomic CredWriteW) the credential `item.target`,
// persisted CRED_PERSIST_LOCAL_MACHINE. Precondition: the strings are
// valid UTF-8 without NUL (the store checks them first).
cred::Result<void> write(const Item& item);

// Deletes `target`; a missing one is not an error (the caller read it first).
cred::Result<void> remove(const std::string& target);

// Now as a FILETIME (GetSystemTimeAsFileTime), to compare with last_written.
std::uint64_t now_filetime();

// Every generic credential whose target starts with `prefix` (case-
// insensitive, as the Credential Manager compares names); all when empty.
// Items whose names are not valid UTF-16 are left out. Blobs are not copied
// when `with_blobs` is false.
cred::Result<std::vector<Item>> enumerate(const std::string& prefix, bool with_blobs);

}  // namespace pat::platform::credman
