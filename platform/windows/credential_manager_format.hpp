#pragma once
// How a credential is laid out in the Credential Manager (docs/windows.md
// "Item format"). The head is exactly what docker-credential-wincred writes
// — a generic credential named by the server key, the username, the
// attribute label = "Docker Credentials" — plus a Comment that starts with
// the same label. A secret that does not fit one blob, and the metadata,
// continue in part credentials named by a generation; the head's Comment
// names them on its second line:
//   Docker Credentials
//   docker-credential-pat/1 generation=<16 hex> parts=<n> secret=<bytes> metadata=<bytes>
// The head's blob holds the first (up to 2560) bytes of the secret, so
// upstream reads every secret that fits a blob, as upstream writes it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "credentials/credentials.hpp"
#include "windows/credential_manager_io.hpp"

namespace pat::platform::credman_format {

inline constexpr std::string_view k_label_keyword = "label";
inline constexpr std::string_view k_label = "Docker Credentials";

// Where the rest of a credential is (the head's Comment, second line).
struct PartsPointer {
    std::uint64_t generation = 0;
    std::uint32_t parts = 0;
    std::uint32_t secret_size = 0;    // the whole secret, head blob included
    std::uint32_t metadata_size = 0;  // the metadata block at the end of the parts
};

// Whether `item` is a docker credential: it has the label attribute (what
// upstream checks), or — because Wine 8 drops attributes — no attribute at
// all and a Comment whose first line is the label.
bool is_docker_item(const credman::Item& item);

// The head's Comment: the label, then the pointer line when there are parts.
std::string head_comment(const std::optional<PartsPointer>& pointer);

// The pointer in a head's Comment: nullopt when there is none (upstream's
// items, ours that fit one blob); an error when the line is ours but broken.
cred::Result<std::optional<PartsPointer>> parse_head_comment(std::string_view comment);

// `docker-credential-pat:part:<generation as 16 hex digits>:<index>`.
std::string part_target(std::uint64_t generation, std::uint32_t index);

// The generation of a part's target name; nullopt for any other name.
std::optional<std::uint64_t> part_generation(std::string_view target);

// The metadata block: per entry in name order, name NUL value NUL (neither
// may hold a NUL: cred::validate_metadata).
std::string encode_metadata(const cred::Metadata& metadata);
std::optional<cred::Metadata> decode_metadata(std::string_view block);

}  // namespace pat::platform::credman_format
